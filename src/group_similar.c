/*
 * group_similar.c
 *		instructional_groups(..., 'similar'): groups of learners with close
 *		profiles.  Capacity-constrained k-medoids on profile_distance, then
 *		exhaustive swap passes (see grouping.c for the aggregate).  The
 *		readiness mode falls back on it when no skill has enough ready
 *		learners for a group.
 */
#include "grouping.h"

#include "miscadmin.h"

#include <math.h>

typedef struct Pair
{
	double		d;
	int			learner;
	int			group;
} Pair;

static int
compare_pairs(const void *a, const void *b)
{
	const Pair *x = a;
	const Pair *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->learner != y->learner)
		return x->learner - y->learner;
	return x->group - y->group;
}

/* Every learner to its nearest medoid with room (sizes even), nearest pairs first */
static bool
assign_to_medoids(Section *s, int k, const int *medoid, Pair *pairs, int32 *next)
{
	int			np = 0;
	bool		changed = false;

	for (int i = 0; i < s->n; i++)
		for (int g = 0; g < k; g++)
		{
			pairs[np].d = DIST(s, i, medoid[g]);
			pairs[np].learner = i;
			pairs[np].group = g;
			np++;
		}
	qsort(pairs, np, sizeof(Pair), compare_pairs);
	for (int g = 0; g < k; g++)
		s->size[g] = 0;
	for (int i = 0; i < s->n; i++)
		next[i] = -1;
	for (int p = 0; p < np; p++)
	{
		Pair	   *pr = &pairs[p];

		if (next[pr->learner] >= 0 || s->size[pr->group] >= even_size(s->n, k, pr->group))
			continue;
		next[pr->learner] = pr->group;
		s->size[pr->group]++;
	}
	for (int i = 0; i < s->n; i++)
	{
		if (s->group[i] != next[i])
			changed = true;
		s->group[i] = next[i];
	}
	return changed;
}

/*
 * sums[i * k + g]: the summed distance from learner i to the members of
 * group g.  Kept up to date move by move, so a swap is judged in O(1) and
 * a pass over all pairs costs O(n^2).
 */
static double *
group_sums(const Section *s, int k)
{
	double	   *sums = palloc_extended(sizeof(double) * Max((Size) s->n * k, 1),
									   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int i = 0; i < s->n; i++)
	{
		for (int j = 0; j < s->n; j++)
			if (s->group[j] >= 0)
				sums[(Size) i * k + s->group[j]] += DIST(s, i, j);
		if ((i & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return sums;
}

#define SUM(sums, k, i, g) ((sums)[(Size) (i) * (k) + (g)])

/* Learner x moves from group from to group to */
static void
sums_move(const Section *s, double *sums, int k, int x, int from, int to)
{
	for (int i = 0; i < s->n; i++)
	{
		double		d = DIST(s, i, x);

		SUM(sums, k, i, from) -= d;
		SUM(sums, k, i, to) += d;
	}
}

/*
 * Swaps of two learners between groups while one lowers the summed
 * distance within groups, until none does: a local optimum no single
 * exchange improves.
 */
static void
improve_by_swaps(Section *s)
{
	int			k = s->ngroups;
	double	   *sums = group_sums(s, k);

	for (int pass = 0; pass < GROUPING_MAX_PASSES; pass++)
	{
		bool		improved = false;

		for (int i = 0; i < s->n; i++)
		{
			for (int j = i + 1; j < s->n; j++)
			{
				int			a = s->group[i],
							b = s->group[j];
				double		gain;

				if (a == b)
					continue;
				/* i leaves a for b, j leaves b for a */
				gain = SUM(sums, k, i, a) + SUM(sums, k, j, b)
					- (SUM(sums, k, i, b) - DIST(s, i, j))
					- (SUM(sums, k, j, a) - DIST(s, i, j));
				if (gain > 1e-12)
				{
					s->group[i] = b;
					s->group[j] = a;
					sums_move(s, sums, k, i, a, b);
					sums_move(s, sums, k, j, b, a);
					improved = true;
				}
			}
			CHECK_FOR_INTERRUPTS();
		}
		if (!improved)
			break;
	}
	pfree(sums);
}

void
group_similar(Section *s)
{
	int			k = group_count(s->n, s->min_size, s->max_size);
	int		   *medoid = palloc(sizeof(int) * k);
	bool	   *is_seed = palloc0(sizeof(bool) * Max(s->n, 1));
	Pair	   *pairs = palloc_extended(sizeof(Pair) * Max((Size) s->n * k, 1), MCXT_ALLOC_HUGE);
	int32	   *next = palloc(sizeof(int32) * Max(s->n, 1));
	double	   *nearest = palloc(sizeof(double) * Max(s->n, 1));

	s->ngroups = k;
	for (int i = 0; i < s->n; i++)
		s->group[i] = -1;
	/* seeds far apart: the weakest learner, then whoever is farthest from all seeds */
	medoid[0] = 0;
	for (int i = 1; i < s->n; i++)
		if (s->overall[i] < s->overall[medoid[0]])
			medoid[0] = i;
	is_seed[medoid[0]] = true;
	for (int i = 0; i < s->n; i++)
		nearest[i] = DIST(s, i, medoid[0]);
	for (int g = 1; g < k; g++)
	{
		int			far = -1;

		for (int i = 0; i < s->n; i++)
			if (!is_seed[i] && (far < 0 || nearest[i] > nearest[far]))
				far = i;
		medoid[g] = far;
		is_seed[far] = true;
		for (int i = 0; i < s->n; i++)
			nearest[i] = Min(nearest[i], DIST(s, i, far));
		if ((g & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* assign, move each medoid to its group's center, again until stable */
	for (int iteration = 0; iteration < 50; iteration++)
	{
		bool		moved = false;
		double	   *sums;

		if (!assign_to_medoids(s, k, medoid, pairs, next) && iteration > 0)
			break;
		sums = group_sums(s, k);
		for (int i = 0; i < s->n; i++)
		{
			int			g = s->group[i];
			int			best = medoid[g];
			double		d = SUM(sums, k, i, g);
			double		best_sum = SUM(sums, k, best, g);

			if (s->group[best] != g || d < best_sum - 1e-12 || (fabs(d - best_sum) <= 1e-12 && i < best))
			{
				medoid[g] = i;
				moved = true;
			}
		}
		pfree(sums);
		CHECK_FOR_INTERRUPTS();
		if (!moved)
			break;
	}
	improve_by_swaps(s);
}
