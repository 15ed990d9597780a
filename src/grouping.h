/*
 * grouping.h
 *		What the files of instructional_groups share: a section's learners as
 *		the grouping modes see them, and the helpers more than one mode uses.
 *		No fmgr here: the modes work on a prepared Section.
 *
 *	grouping.c			the aggregate (state, transition, combine, serialize),
 *						the section, focus skills, numbering and the result
 *	group_readiness.c	readiness: groups on a skill their learners are ready for
 *	group_similar.c		similar: capacity-constrained k-medoids on profile distance
 *	group_mixed.c		mixed: a serpentine draft by overall mastery, then swaps
 */
#ifndef GROUPING_H
#define GROUPING_H

#include "postgres.h"

/* the most improvement passes a mode makes over a section */
#define GROUPING_MAX_PASSES 200

/* one learner of the aggregate state: code, profile, ready skills, need, labels (grouping.c) */
typedef struct GroupLearner GroupLearner;

/* one section, prepared by grouping.c for the modes, which fill in its groups */
typedef struct Section
{
	int			n;
	GroupLearner **learners;	/* sorted by code */
	double	   *overall;		/* mean mastery share of each learner */
	const char **need;			/* each learner's need (see learner_need) */
	double	   *distance;		/* n x n profile distances */
	/* the skills learners are ready for, by index */
	int			nskills;
	char	  **skills;			/* sorted by code */
	bool	   *ready;			/* n x nskills */
	int32	   *group;			/* the group of each learner */
	int			ngroups;
	int32	   *focus;			/* per group: a skill index, or -1 */
	int32	   *size;			/* per group */
	int			min_size,
				max_size;
} Section;

/* the profile distance of learners i and j */
#define DIST(s, i, j) ((s)->distance[(size_t) (i) * (s)->n + (j)])
/* is learner i ready for skill k? */
#define READY(s, i, k) ((s)->ready[(size_t) (i) * (s)->nskills + (k)])

/*
 * How many groups: the fewest that keep every group at most max_size, if
 * their even sizes are at least min_size; when no count satisfies both
 * (7 learners in groups of 4 to 5), max_size wins and a group is smaller
 * than min_size; fewer learners than min_size make one group.
 */
static inline int
group_count(int n, int min_size, int max_size)
{
	int			k = (n + max_size - 1) / max_size;

	return Max(k, 1);
}

/* Even sizes for k groups of n: the first n % k get one more */
static inline int
even_size(int n, int k, int g)
{
	return n / k + (g < n % k ? 1 : 0);
}

/* a learner (index) with a sort key (overall mastery) */
typedef struct Ranked
{
	double		key;
	int			index;
} Ranked;

/* qsort comparator of Ranked: by key, highest first, ties by index */
extern int	compare_ranked_desc(const void *a, const void *b);

/* the modes: each sets s->group, ngroups, size and focus (-1 for none) of every group */
extern void group_readiness(Section *s);
extern void group_similar(Section *s);
extern void group_mixed(Section *s);

#endif							/* GROUPING_H */
