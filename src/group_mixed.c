/*
 * group_mixed.c
 *		instructional_groups(..., 'mixed'): groups balanced on overall
 *		mastery, for group tasks.  A serpentine draft by overall mastery,
 *		then exhaustive swap passes that make the group means as equal as
 *		possible (see grouping.c for the aggregate).
 */
#include "grouping.h"

#include "miscadmin.h"

#include <math.h>

void
group_mixed(Section *s)
{
	int			k = group_count(s->n, s->min_size, s->max_size);
	Ranked	   *order = palloc(sizeof(Ranked) * Max(s->n, 1));
	double	   *sum = palloc0(sizeof(double) * k);
	double		mean = 0.0;
	int			g = 0,
				direction = 1;

	s->ngroups = k;
	for (int i = 0; i < s->n; i++)
	{
		order[i].key = s->overall[i];
		order[i].index = i;
		mean += s->overall[i];
	}
	mean /= Max(s->n, 1);
	qsort(order, s->n, sizeof(Ranked), compare_ranked_desc);
	/* a serpentine draft: every group gets strong and weak learners */
	for (int r = 0; r < s->n; r++)
	{
		while (s->size[g] >= even_size(s->n, k, g))
		{
			g += direction;
			if (g < 0 || g >= k)
			{
				direction = -direction;
				g += direction;
			}
		}
		s->group[order[r].index] = g;
		s->size[g]++;
		sum[g] += order[r].key;
		g += direction;
		if (g < 0 || g >= k)
		{
			direction = -direction;
			g += direction;
		}
	}
	/*
	 * Swaps, and moves from a larger group to one a learner smaller (which
	 * group is the larger is the draft's accident, not a choice), that bring
	 * group means closer to the section's mean
	 */
	for (int pass = 0; pass < GROUPING_MAX_PASSES; pass++)
	{
		bool		improved = false;

		for (int i = 0; i < s->n; i++)
			for (int b = 0; b < k; b++)
			{
				int			a = s->group[i];
				double		before,
							after,
							sa,
							sb;

				if (a == b || s->size[a] != s->size[b] + 1)
					continue;
				sa = sum[a] - s->overall[i];
				sb = sum[b] + s->overall[i];
				before = pow(sum[a] / s->size[a] - mean, 2) + pow(sum[b] / s->size[b] - mean, 2);
				after = pow(sa / (s->size[a] - 1) - mean, 2) + pow(sb / (s->size[b] + 1) - mean, 2);
				if (after < before - 1e-12)
				{
					s->group[i] = b;
					s->size[a]--;
					s->size[b]++;
					sum[a] = sa;
					sum[b] = sb;
					improved = true;
				}
			}
		for (int i = 0; i < s->n; i++)
			for (int j = i + 1; j < s->n; j++)
			{
				int			a = s->group[i],
							b = s->group[j];
				double		before,
							after,
							sa,
							sb;

				if (a == b)
					continue;
				sa = sum[a] - s->overall[i] + s->overall[j];
				sb = sum[b] - s->overall[j] + s->overall[i];
				before = pow(sum[a] / s->size[a] - mean, 2) + pow(sum[b] / s->size[b] - mean, 2);
				after = pow(sa / s->size[a] - mean, 2) + pow(sb / s->size[b] - mean, 2);
				if (after < before - 1e-12)
				{
					s->group[i] = b;
					s->group[j] = a;
					sum[a] = sa;
					sum[b] = sb;
					improved = true;
				}
			}
		CHECK_FOR_INTERRUPTS();
		if (!improved)
			break;
	}
	for (int h = 0; h < k; h++)
		s->focus[h] = -1;
}
