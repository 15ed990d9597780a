/*
 * group_balance.h
 *		Spreading subgroup labels among instructional groups that share a
 *		focus (group_balance.c).  Pure maths over learner and group numbers:
 *		grouping.c turns codes, labels and foci into the numbers.
 */
#ifndef GROUP_BALANCE_H
#define GROUP_BALANCE_H

#include "postgres.h"

/* What a change of groups costs besides the labels */
typedef enum BalanceCost
{
	BALANCE_DISTANCE,			/* summed profile distance within groups */
	BALANCE_MEANS				/* squared distance of group means from the mean */
} BalanceCost;

typedef struct BalanceProblem
{
	int			n;				/* learners, numbered in draw order */
	int			ngroups;
	int32	   *group;			/* each learner's group: rewritten */
	const int32 *family;		/* per group: its family (the groups that share
								 * its focus), -1 for an empty group */
	int			ncolumns;		/* label columns */
	const int32 *label;			/* n x ncolumns: a value (numbered across all
								 * columns), -1 for no label */
	int			nvalues;
	BalanceCost cost;
	const double *distance;		/* n x n, for BALANCE_DISTANCE */
	const double *overall;		/* per learner, for BALANCE_MEANS */
	bool		cost_passes;	/* afterwards, lower the cost where the labels allow */
	int			min_size;		/* no move takes a group below or above these */
	int			max_size;
} BalanceProblem;

extern void balance_groups(const BalanceProblem *p);

#endif							/* GROUP_BALANCE_H */
