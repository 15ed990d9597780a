/*
 * group_readiness.c
 *		instructional_groups(..., 'readiness'), the default mode: learners
 *		ready for the same skill grouped on it.  Focus skills chosen greedily,
 *		then an exact search (a flow with lower bounds for each covering set
 *		of skills) for groups that cover every learner with a ready skill in
 *		as few groups as the sizes allow; the rest placed by profile distance;
 *		then improvement passes (see grouping.c for the aggregate).
 */
#include "grouping.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include <limits.h>

static int
compare_ints_asc(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

static int
ready_count(const Section *s, int i)
{
	int			c = 0;

	for (int k = 0; k < s->nskills; k++)
		c += READY(s, i, k);
	return c;
}

static int
compare_by_options(const void *a, const void *b, void *arg)
{
	const int  *options = arg;
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	if (options[x] != options[y])
		return options[x] - options[y];
	return x - y;
}

/*
 * Exact readiness groups: for k = the fewest groups the sizes allow, then
 * k + 1, ..., a search over sets of focus skills that cover every learner
 * with a ready skill (branching on the uncovered learner with the fewest
 * options, each skill tried once per branch, the skills more learners are
 * ready for first), and for each covering set every way of giving its
 * skills k groups; a flow with lower bounds then decides whether every
 * learner can sit in a group on a skill they are ready for with every
 * group between min_size and max_size.  The first answer found is kept, so
 * the result is deterministic.  The search stops past
 * READINESS_EXACT_ATTEMPTS flows, READINESS_EXACT_NODES search steps or
 * READINESS_EXACT_WORK steps of the flows (large sections); then the
 * greedy choice stands.
 */
#define READINESS_EXACT_ATTEMPTS 20000
#define READINESS_EXACT_NODES 1000000L
#define READINESS_EXACT_WORK 100000000L

typedef struct FlowEdge
{
	int			to;
	int			cap;
	int			rev;			/* index of the reverse edge in to's list */
} FlowEdge;

typedef struct FlowGraph
{
	int			n;
	int		   *nedges;
	int		   *capacity;
	FlowEdge  **edges;
	bool	   *seen;
	long		work;			/* edges looked at */
} FlowGraph;

static void
flow_init(FlowGraph *f, int n)
{
	f->n = n;
	f->nedges = palloc0(sizeof(int) * n);
	f->capacity = palloc0(sizeof(int) * n);
	f->edges = palloc0(sizeof(FlowEdge *) * n);
	f->seen = palloc(sizeof(bool) * n);
	f->work = 0;
}

static void
flow_push_edge(FlowGraph *f, int u, FlowEdge e)
{
	if (f->nedges[u] >= f->capacity[u])
	{
		f->capacity[u] = Max(4, f->capacity[u] * 2);
		f->edges[u] = f->edges[u] ? repalloc(f->edges[u], sizeof(FlowEdge) * f->capacity[u]) :
			palloc(sizeof(FlowEdge) * f->capacity[u]);
	}
	f->edges[u][f->nedges[u]++] = e;
}

static void
flow_add(FlowGraph *f, int u, int v, int cap)
{
	FlowEdge	a = {v, cap, f->nedges[v] + (u == v ? 1 : 0)};
	FlowEdge	b = {u, 0, f->nedges[u]};

	flow_push_edge(f, u, a);
	flow_push_edge(f, v, b);
}

static int
flow_augment(FlowGraph *f, int u, int t, int limit)
{
	/* a path can pass every learner: deep recursion on large sections */
	check_stack_depth();
	if (u == t)
		return limit;
	f->seen[u] = true;
	f->work += f->nedges[u];
	for (int k = 0; k < f->nedges[u]; k++)
	{
		FlowEdge   *e = &f->edges[u][k];

		if (e->cap > 0 && !f->seen[e->to])
		{
			int			pushed = flow_augment(f, e->to, t, Min(limit, e->cap));

			if (pushed > 0)
			{
				e->cap -= pushed;
				f->edges[e->to][e->rev].cap += pushed;
				return pushed;
			}
		}
	}
	return 0;
}

static int
flow_max(FlowGraph *f, int s, int t)
{
	int			total = 0;

	for (;;)
	{
		int			pushed;

		memset(f->seen, 0, sizeof(bool) * f->n);
		pushed = flow_augment(f, s, t, INT_MAX);
		if (pushed == 0)
			return total;
		total += pushed;
	}
}

/*
 * Can the learners in cover[] all sit in groups on these focus skills
 * (count[k] groups on skill k)?  A circulation with lower bounds: learner
 * exactly 1, skill k between count[k] * min and count[k] * max, and up to
 * nfill learners ready for nothing who may join any group to make up
 * min_size.  On success, chosen[i] is learner i's skill.
 */
static bool
readiness_feasible(Section *s, const int *cover, int ncover, int nfill, const int *skill,
				   const int *count, int nchosen, int *chosen, long *work)
{
	/* nodes: 0 source, 1 sink, learners, skills, the fillers, S*, T* */
	int			S = 0,
				T = 1,
				base_l = 2,
				base_s = 2 + ncover,
				FILL = 2 + ncover + nchosen,
				SS = FILL + 1,
				TT = SS + 1;
	FlowGraph	f;
	int		   *excess;
	int			need = 0;

	flow_init(&f, TT + 1);
	excess = palloc0(sizeof(int) * (TT + 1));
	for (int a = 0; a < ncover; a++)
	{
		/* S -> learner with lower bound 1 and capacity 1: only the demand */
		excess[base_l + a] += 1;
		excess[S] -= 1;
		for (int k = 0; k < nchosen; k++)
			if (READY(s, cover[a], skill[k]))
				flow_add(&f, base_l + a, base_s + k, 1);
	}
	for (int k = 0; k < nchosen; k++)
	{
		int			lo = count[k] * s->min_size,
					hi = count[k] * s->max_size;

		flow_add(&f, base_s + k, T, hi - lo);
		excess[T] += lo;
		excess[base_s + k] -= lo;
		if (nfill > 0)
			flow_add(&f, FILL, base_s + k, nfill);
	}
	/* every filler placed: k groups hold everyone (see readiness_exact) */
	if (nfill > 0)
	{
		excess[FILL] += nfill;
		excess[S] -= nfill;
	}
	flow_add(&f, T, S, INT_MAX / 2);
	for (int v = 0; v < SS; v++)
	{
		if (excess[v] > 0)
		{
			flow_add(&f, SS, v, excess[v]);
			need += excess[v];
		}
		else if (excess[v] < 0)
			flow_add(&f, v, TT, -excess[v]);
	}
	if (flow_max(&f, SS, TT) != need)
	{
		*work += f.work;
		return false;
	}
	*work += f.work;
	for (int a = 0; a < ncover; a++)
	{
		chosen[a] = -1;
		for (int e = 0; e < f.nedges[base_l + a]; e++)
		{
			FlowEdge   *edge = &f.edges[base_l + a][e];

			if (edge->to >= base_s && edge->to < base_s + nchosen && edge->cap == 0)
				chosen[a] = skill[edge->to - base_s];
		}
		if (chosen[a] < 0)
			return false;
	}
	return true;
}

typedef struct ExactSearch
{
	Section    *s;
	const int  *cover;
	int			ncover;
	int			nfill;
	int			k;				/* groups to make */
	int			m;				/* candidate skills */
	int		   *candidates;		/* skill indexes, most readers first */
	int		   *readers;		/* per skill: learners of cover ready for it */
	int		   *chosen_set;		/* the covering set being built */
	int			nset;
	int		   *covered;		/* per cover learner: chosen skills it is ready for */
	bool	   *excluded;		/* per candidate: tried already in this branch */
	int		   *skill;			/* the set with its group counts, for the flow */
	int		   *count;
	int		   *chosen;			/* per cover learner: its skill, from the flow */
	long		attempts;
	long		nodes;
	long		work;
	bool		gave_up;
	MemoryContext attempt_cxt;
} ExactSearch;

/* The groups of a feasible answer: learners of one skill into its groups, evenly */
static void
exact_apply(ExactSearch *x, int nchosen)
{
	Section    *s = x->s;
	int			g0 = 0;

	s->ngroups = 0;
	for (int c = 0; c < nchosen; c++)
	{
		int			total = 0,
					seen = 0;

		for (int a = 0; a < x->ncover; a++)
			total += x->chosen[a] == x->skill[c];
		for (int a = 0; a < x->ncover; a++)
		{
			int			g = 0,
						edge = 0;

			if (x->chosen[a] != x->skill[c])
				continue;
			while (seen >= edge + even_size(total, x->count[c], g))
				edge += even_size(total, x->count[c], g++);
			s->group[x->cover[a]] = g0 + g;
			seen++;
		}
		for (int g = 0; g < x->count[c]; g++)
		{
			s->focus[g0 + g] = x->skill[c];
			s->size[g0 + g] = even_size(total, x->count[c], g);
		}
		g0 += x->count[c];
	}
	s->ngroups = g0;
}

/* Every way of giving the set's skills k groups (at least one each), tried in turn */
static bool
exact_counts(ExactSearch *x, int c, int left)
{
	Section    *s = x->s;
	int			sk = x->chosen_set[c];

	if (c == x->nset - 1)
	{
		bool		feasible;
		MemoryContext old;

		if (x->readers[sk] + x->nfill < left * s->min_size || x->readers[sk] < left)
			return false;
		x->count[c] = left;
		for (int i = 0; i < x->nset; i++)
			x->skill[i] = x->chosen_set[i];
		if (++x->attempts > READINESS_EXACT_ATTEMPTS || x->work > READINESS_EXACT_WORK)
		{
			x->gave_up = true;
			return false;
		}
		old = MemoryContextSwitchTo(x->attempt_cxt);
		feasible = readiness_feasible(s, x->cover, x->ncover, x->nfill, x->skill, x->count,
									  x->nset, x->chosen, &x->work);
		MemoryContextSwitchTo(old);
		MemoryContextReset(x->attempt_cxt);
		CHECK_FOR_INTERRUPTS();
		if (feasible)
			exact_apply(x, x->nset);
		return feasible;
	}
	/* the skills more learners are ready for may take more groups: try those first */
	for (int n = left - (x->nset - 1 - c); n >= 1 && !x->gave_up; n--)
	{
		/* someone ready in every group, and enough learners to fill them */
		if (x->readers[sk] < n || x->readers[sk] + x->nfill < n * s->min_size)
			continue;
		x->count[c] = n;
		if (exact_counts(x, c + 1, left - n))
			return true;
	}
	return false;
}

/*
 * A covering set whose skills cannot take the k groups may do with one
 * more skill (learners split over more skills): add skills in candidate
 * order after `after`, so that each extension is tried once.
 */
static bool
exact_extend(ExactSearch *x, int after)
{
	if (exact_counts(x, 0, x->k))
		return true;
	for (int c = after + 1; c < x->m && x->nset < x->k && !x->gave_up; c++)
	{
		bool		in_set = false;

		for (int i = 0; i < x->nset; i++)
			in_set |= x->chosen_set[i] == x->candidates[c];
		if (in_set || x->excluded[c])
			continue;
		CHECK_FOR_INTERRUPTS();
		x->work += x->nset;
		if (++x->nodes > READINESS_EXACT_NODES || x->work > READINESS_EXACT_WORK)
			x->gave_up = true;
		x->chosen_set[x->nset++] = x->candidates[c];
		if (exact_extend(x, c))
			return true;
		x->nset--;
	}
	return false;
}

static bool
exact_cover(ExactSearch *x)
{
	int			pick = -1,
				pick_options = INT_MAX;
	bool		found = false;
	int		   *tried;
	int			ntried = 0;

	int			uncovered = 0;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	x->work += (long) x->ncover * x->m;
	if (++x->nodes > READINESS_EXACT_NODES || x->work > READINESS_EXACT_WORK)
		x->gave_up = true;
	if (x->gave_up)
		return false;
	/* the uncovered learner with the fewest options left */
	for (int a = 0; a < x->ncover; a++)
	{
		int			options = 0;

		if (x->covered[a] > 0)
			continue;
		uncovered++;
		for (int c = 0; c < x->m; c++)
			options += !x->excluded[c] && READY(x->s, x->cover[a], x->candidates[c]);
		if (options < pick_options)
		{
			pick = a;
			pick_options = options;
		}
	}
	if (pick < 0)
		return exact_extend(x, -1);
	/* the skills left cannot reach them all */
	if (x->nset == x->k || pick_options == 0 || uncovered > (x->k - x->nset) * x->s->max_size)
		return false;
	tried = palloc(sizeof(int) * x->m);
	for (int c = 0; c < x->m && !found && !x->gave_up; c++)
	{
		int			sk = x->candidates[c];

		if (x->excluded[c] || !READY(x->s, x->cover[pick], sk))
			continue;
		x->chosen_set[x->nset++] = sk;
		for (int a = 0; a < x->ncover; a++)
			x->covered[a] += READY(x->s, x->cover[a], sk);
		found = exact_cover(x);
		for (int a = 0; a < x->ncover; a++)
			x->covered[a] -= READY(x->s, x->cover[a], sk);
		x->nset--;
		/* every covering set with this skill is behind us: not again in this branch */
		x->excluded[c] = true;
		tried[ntried++] = c;
	}
	for (int t = 0; t < ntried; t++)
		x->excluded[tried[t]] = false;
	pfree(tried);
	return found;
}

static int
compare_by_readers(const void *a, const void *b, void *arg)
{
	const int  *readers = arg;
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	if (readers[x] != readers[y])
		return readers[y] - readers[x];
	return x - y;
}

/*
 * The exact search; true when it found groups for everyone in cover[]
 * (then s->group, focus, size and ngroups are set for them).
 */
static bool
readiness_exact(Section *s, const int *cover, int ncover, int nfill, int kmax)
{
	ExactSearch x;
	/* every learner, fillers included, in the k groups: no group left over */
	int			kmin = (ncover + nfill + s->max_size - 1) / s->max_size;
	bool		found = false;
	bool	   *candidate = palloc0(sizeof(bool) * Max(s->nskills, 1));
	int		   *kept = palloc(sizeof(int) * Max(ncover, 1));
	int			nkept = 0;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.readers = palloc0(sizeof(int) * Max(s->nskills, 1));
	x.candidates = palloc(sizeof(int) * Max(s->nskills, 1));
	for (int k = 0; k < s->nskills; k++)
	{
		for (int a = 0; a < ncover; a++)
			x.readers[k] += READY(s, cover[a], k);
		candidate[k] = x.readers[k] > 0 && x.readers[k] + nfill >= s->min_size;
	}
	/*
	 * A learner ready only for skills too few share to make a group cannot
	 * be covered: the search takes them as learners who fill groups up.
	 */
	for (int a = 0; a < ncover; a++)
	{
		bool		coverable = false;

		for (int k = 0; k < s->nskills && !coverable; k++)
			coverable = candidate[k] && READY(s, cover[a], k);
		if (coverable)
			kept[nkept++] = cover[a];
		else
			nfill++;
	}
	if (nkept < ncover)
	{
		memset(x.readers, 0, sizeof(int) * Max(s->nskills, 1));
		for (int k = 0; k < s->nskills; k++)
		{
			for (int a = 0; a < nkept; a++)
				x.readers[k] += READY(s, kept[a], k);
			candidate[k] = x.readers[k] > 0 && x.readers[k] + nfill >= s->min_size;
		}
	}
	for (int k = 0; k < s->nskills; k++)
		if (candidate[k])
			x.candidates[x.m++] = k;
	cover = kept;
	ncover = nkept;
	x.cover = cover;
	x.ncover = ncover;
	x.nfill = nfill;
	if (x.m == 0 || ncover == 0)
		return false;
	qsort_arg(x.candidates, x.m, sizeof(int), compare_by_readers, x.readers);
	x.chosen_set = palloc(sizeof(int) * Max(kmax, 1));
	x.skill = palloc(sizeof(int) * Max(kmax, 1));
	x.count = palloc(sizeof(int) * Max(kmax, 1));
	x.covered = palloc0(sizeof(int) * ncover);
	x.excluded = palloc0(sizeof(bool) * x.m);
	x.chosen = palloc(sizeof(int) * ncover);
	x.attempt_cxt = AllocSetContextCreate(CurrentMemoryContext, "readiness search",
										  ALLOCSET_DEFAULT_SIZES);
	for (int k = Max(kmin, 1); k <= kmax && !found && !x.gave_up; k++)
	{
		x.k = k;
		found = exact_cover(&x);
	}
	MemoryContextDelete(x.attempt_cxt);
	return found;
}

/*
 * The groups below min_size (the exact search counts on learners without a
 * group to make them up), the one short of most first, each filled to
 * min_size with its nearest learners: sums[] holds each learner's distance
 * to the group's members, kept up to date as it grows.
 */
static void
fill_short_groups(Section *s, int first_new)
{
	double	   *sums = palloc(sizeof(double) * Max(s->n, 1));
	int		   *members = palloc(sizeof(int) * Max(s->n, 1));
	bool		open = true;

	while (open)
	{
		int			g = -1,
					nmembers = 0;

		for (int h = 0; h < first_new; h++)
			if (s->size[h] < s->min_size && (g < 0 || s->size[h] < s->size[g]))
				g = h;
		if (g < 0)
			break;
		for (int j = 0; j < s->n; j++)
			if (s->group[j] == g)
				members[nmembers++] = j;
		for (int i = 0; i < s->n; i++)
		{
			sums[i] = 0.0;
			if (s->group[i] < 0)
				for (int m = 0; m < nmembers; m++)
					sums[i] += DIST(s, i, members[m]);
		}
		while (s->size[g] < s->min_size)
		{
			int			best = -1;

			for (int i = 0; i < s->n; i++)
				if (s->group[i] < 0 && (best < 0 || sums[i] < sums[best] - 1e-12))
					best = i;
			if (best < 0)
			{
				open = false;	/* nobody left to place */
				break;
			}
			s->group[best] = g;
			s->size[g]++;
			for (int i = 0; i < s->n; i++)
				if (s->group[i] < 0)
					sums[i] += DIST(s, i, best);
			CHECK_FOR_INTERRUPTS();
		}
	}
	pfree(members);
	pfree(sums);
}

/*
 * Each learner still without a group joins the group before first_new
 * nearest by mean profile distance that has room; the learners no group
 * has room for go to rest[] with their overall mastery.  Returns how many.
 */
static int
join_nearest_groups(Section *s, int first_new, Ranked *rest)
{
	double	   *sums = palloc(sizeof(double) * Max(s->n, 1));
	int			nrest = 0;

	for (int i = 0; i < s->n; i++)
	{
		int			best = -1;
		double		best_d = 0.0;

		if (s->group[i] >= 0)
			continue;
		memset(sums, 0, sizeof(double) * s->ngroups);
		for (int j = 0; j < s->n; j++)
			if (s->group[j] >= 0 && s->group[j] < first_new)
				sums[s->group[j]] += DIST(s, i, j);
		for (int g = 0; g < first_new; g++)
		{
			double		d = sums[g] / Max(s->size[g], 1);

			if (s->size[g] < s->max_size && (best < 0 || d < best_d - 1e-12))
			{
				best = g;
				best_d = d;
			}
		}
		if (best >= 0)
		{
			s->group[i] = best;
			s->size[best]++;
		}
		else
		{
			rest[nrest].key = s->overall[i];
			rest[nrest].index = i;
			nrest++;
		}
		if ((i & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(sums);
	return nrest;
}

/*
 * The rest make new groups of their own from first_new on: sorted by
 * overall mastery, cut evenly, so that max_size holds.
 */
static void
new_groups_for_the_rest(Section *s, int first_new, Ranked *rest, int nrest)
{
	int			k = (nrest + s->max_size - 1) / s->max_size;
	int		   *counts = palloc(sizeof(int) * Max(s->nskills, 1));

	qsort(rest, nrest, sizeof(Ranked), compare_ranked_desc);
	for (int r = 0, g = 0, filled = 0; r < nrest; r++)
	{
		if (filled >= even_size(nrest, k, g))
		{
			g++;
			filled = 0;
		}
		s->group[rest[r].index] = first_new + g;
		filled++;
	}

	/*
	 * Each new group's focus: the skill most of them are ready for, ties by
	 * code.  The groups are consecutive runs of rest[].
	 */
	for (int g = 0, r = 0; g < k; g++)
	{
		int			best_count = 0;

		memset(counts, 0, sizeof(int) * Max(s->nskills, 1));
		for (; r < nrest && s->group[rest[r].index] == first_new + g; r++)
			for (int sk = 0; sk < s->nskills; sk++)
				counts[sk] += READY(s, rest[r].index, sk);
		s->focus[first_new + g] = -1;
		s->size[first_new + g] = even_size(nrest, k, g);
		for (int sk = 0; sk < s->nskills; sk++)
			if (counts[sk] > best_count)
			{
				s->focus[first_new + g] = sk;
				best_count = counts[sk];
			}
		CHECK_FOR_INTERRUPTS();
	}
	pfree(counts);
	s->ngroups += k;
}

/*
 * A new group below min_size takes the nearest learners a group can
 * spare: one not ready for their own group's focus, or one ready for
 * the new group's focus as well.
 */
static void
top_up_new_groups(Section *s, int first_new)
{
	for (int g = first_new; g < s->ngroups; g++)
		while (s->size[g] < s->min_size)
		{
			int			best = -1;
			double		best_d = 0.0;

			for (int i = 0; i < s->n; i++)
			{
				int			a = s->group[i];
				double		d = 0.0;

				if (a >= first_new || s->size[a] <= s->min_size ||
					(s->focus[a] >= 0 && READY(s, i, s->focus[a]) &&
					 !(s->focus[g] >= 0 && READY(s, i, s->focus[g]))))
					continue;
				for (int j = 0; j < s->n; j++)
					if (s->group[j] == g)
						d += DIST(s, i, j);
				if (best < 0 || d < best_d - 1e-12)
				{
					best = i;
					best_d = d;
				}
			}
			if (best < 0)
				break;
			s->size[s->group[best]]--;
			s->group[best] = g;
			s->size[g]++;
			CHECK_FOR_INTERRUPTS();
		}
}

/*
 * Learners without a group (ready for nothing, or for nothing the groups
 * work on) join the nearest group, by mean profile distance, that has
 * room.  When every group is full, the rest make new groups of their own
 * (sorted by overall mastery, cut evenly): max_size holds.  A new group
 * smaller than min_size takes the nearest learners who are not ready for
 * their own group's focus from groups that can spare them.
 */
static void
place_the_rest(Section *s)
{
	Ranked	   *rest = palloc(sizeof(Ranked) * Max(s->n, 1));
	int			first_new = s->ngroups;
	int			nrest;

	fill_short_groups(s, first_new);
	nrest = join_nearest_groups(s, first_new, rest);
	if (nrest > 0)
		new_groups_for_the_rest(s, first_new, rest, nrest);
	top_up_new_groups(s, first_new);
	pfree(rest);
}

/*
 * The greedy choice: the skill most unassigned learners are ready for,
 * while it can fill a group, in as few groups of even size as hold them
 * (at most max_size each), those with the fewest other options first.
 * Marks the learners it places in assigned[].
 */
static void
greedy_groups(Section *s, int *options, bool *assigned)
{
	int		   *take = palloc(sizeof(int) * Max(s->n, 1));
	int		   *unassigned_ready = palloc0(sizeof(int) * Max(s->nskills, 1));

	for (int i = 0; i < s->n; i++)
		for (int sk = 0; sk < s->nskills; sk++)
			unassigned_ready[sk] += READY(s, i, sk);
	for (;;)
	{
		int			best = -1,
					best_count = 0,
					ntake = 0,
					k;

		for (int sk = 0; sk < s->nskills; sk++)
			if (unassigned_ready[sk] > best_count)
			{
				best = sk;
				best_count = unassigned_ready[sk];
			}
		if (best < 0 || best_count < s->min_size)
			break;
		k = (best_count + s->max_size - 1) / s->max_size;
		while (k > 1 && best_count / k < s->min_size)
			k--;
		/* those with the fewest other options first: they complete this group */
		for (int i = 0; i < s->n; i++)
			if (!assigned[i] && READY(s, i, best))
				take[ntake++] = i;
		qsort_arg(take, ntake, sizeof(int), compare_by_options, options);
		ntake = Min(ntake, k * s->max_size);
		/* in code order into k groups of even size */
		qsort(take, ntake, sizeof(int), compare_ints_asc);
		for (int t = 0, g = 0, filled = 0; t < ntake; t++)
		{
			if (filled >= even_size(ntake, k, g))
			{
				g++;
				filled = 0;
			}
			s->group[take[t]] = s->ngroups + g;
			assigned[take[t]] = true;
			for (int sk = 0; sk < s->nskills; sk++)
				unassigned_ready[sk] -= READY(s, take[t], sk);
			filled++;
		}
		for (int g = 0; g < k; g++)
		{
			s->focus[s->ngroups + g] = best;
			s->size[s->ngroups + g] = even_size(ntake, k, g);
		}
		s->ngroups += k;
		CHECK_FOR_INTERRUPTS();
	}
	pfree(take);
	pfree(unassigned_ready);
}

/*
 * The greedy choice covers who it can; an exact search may cover every
 * learner with a ready skill in no more groups.  Keep the exact answer
 * when it exists.
 */
static void
exact_groups(Section *s, const int *options, const bool *assigned)
{
	int		   *cover = palloc(sizeof(int) * Max(s->n, 1));
	int			ncover = 0;
	int			ngreedy = s->ngroups;
	int32	   *saved_group = palloc(sizeof(int32) * Max(s->n, 1));
	bool		greedy_covers_all = true;

	for (int i = 0; i < s->n; i++)
	{
		if (options[i] > 0)
			cover[ncover++] = i;
		if (options[i] > 0 && !assigned[i])
			greedy_covers_all = false;
		saved_group[i] = s->group[i];
	}
	if (ncover > 0)
	{
		int			nfill = s->n - ncover;
		int			kmax = greedy_covers_all ? ngreedy :
			Max(ngreedy + 1, (ncover + s->min_size - 1) / s->min_size);

		/* at least as many groups as hold everyone */
		kmax = Max(kmax, (s->n + s->max_size - 1) / s->max_size);

		for (int i = 0; i < s->n; i++)
			s->group[i] = -1;
		s->ngroups = 0;
		if (!readiness_exact(s, cover, ncover, nfill, Min(kmax, (ncover + nfill) / s->min_size)))
		{
			/* the greedy groups stand */
			memcpy(s->group, saved_group, sizeof(int32) * s->n);
			s->ngroups = ngreedy;
			for (int g = 0; g < s->ngroups; g++)
			{
				s->size[g] = 0;
				for (int i = 0; i < s->n; i++)
					s->size[g] += s->group[i] == g;
			}
			/* focus was overwritten only for groups the search built */
		}
	}
	pfree(cover);
	pfree(saved_group);
}

/* Moves and swaps that put more learners in a group on a skill they are ready for */
static void
improve_readiness(Section *s)
{
	for (int pass = 0; pass < GROUPING_MAX_PASSES; pass++)
	{
		bool		improved = false;

		for (int i = 0; i < s->n; i++)
		{
			int			a = s->group[i];

			if (s->focus[a] >= 0 && READY(s, i, s->focus[a]))
				continue;
			for (int b = 0; b < s->ngroups; b++)
				if (b != a && s->focus[b] >= 0 && READY(s, i, s->focus[b]) &&
					s->size[a] > s->min_size && s->size[b] < s->max_size)
				{
					s->group[i] = b;
					s->size[a]--;
					s->size[b]++;
					improved = true;
					break;
				}
			if (s->group[i] != a)
				continue;
			for (int j = 0; j < s->n; j++)
			{
				int			b = s->group[j];
				int			gain;

				if (b == a || s->focus[b] < 0)
					continue;
				gain = READY(s, i, s->focus[b]) + (s->focus[a] >= 0 && READY(s, j, s->focus[a])) -
					READY(s, j, s->focus[b]);
				if (gain > 0)
				{
					s->group[i] = b;
					s->group[j] = a;
					improved = true;
					break;
				}
			}
		}
		CHECK_FOR_INTERRUPTS();
		if (!improved)
			break;
	}
}

void
group_readiness(Section *s)
{
	int		   *options = palloc(sizeof(int) * Max(s->n, 1));
	bool	   *assigned = palloc0(sizeof(bool) * Max(s->n, 1));

	for (int i = 0; i < s->n; i++)
	{
		s->group[i] = -1;
		options[i] = ready_count(s, i);
	}
	greedy_groups(s, options, assigned);
	exact_groups(s, options, assigned);
	if (s->ngroups == 0)
	{
		/* no skill has enough ready learners for a group: group by profile */
		group_similar(s);
		for (int g = 0; g < s->ngroups; g++)
			s->focus[g] = -1;
		return;
	}
	place_the_rest(s);
	improve_readiness(s);
}
