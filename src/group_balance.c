/*
 * group_balance.c
 *		Spreading subgroup labels among instructional groups that share a
 *		focus: the balance input of instructional_groups.
 *
 * A family is the groups that share a focus (in mixed: every group).
 * Learners move only among the groups of their family, so each keeps a
 * group on the same focus (in readiness: on a skill they are ready for
 * exactly when they were before).  A family whose every label value is
 * within one between any two of its groups is left as it is.  Otherwise:
 *
 *   1. while two of its groups differ in size by two or more, the largest
 *      gives the smallest the learner whose move spreads the labels best
 *      (only readiness makes such sizes);
 *   2. for each learner in draw order, the swap with a learner of another
 *      group of the family, or the move to a group one smaller, that
 *      spreads the labels better and costs least (profile distance within
 *      groups, or in mixed the distance of group means from the mean),
 *      in passes until none does.  Better spread: a lower sum over label
 *      values of (largest count - smallest count) among the family's
 *      groups, then a lower sum of squared counts;
 *   3. with one or two label columns, where no single exchange helps and a
 *      value is still off by two between groups a and b, the learners of a
 *      and b are dealt anew along the trails of the graph whose vertices
 *      are the label values and whose edges are the learners, alternately
 *      to a and b: every value then within one between them, sizes kept
 *      (de Werra 1971, equitable edge colourings of bipartite graphs; it is
 *      why one or two columns can always be spread within one and three
 *      cannot), each trail keeping as many learners in place as it can;
 *   4. where asked (similar, mixed), swaps and moves that lower the cost
 *      and leave the spread as it is.
 *
 * Ties go to the first learner in draw order, never to a learner id.
 */
#include "group_balance.h"

#include <limits.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#define BALANCE_MAX_PASSES 200
/* label values x groups of one family: 40 MB of counts */
#define BALANCE_MAX_CELLS 10000000

typedef struct Family
{
	const BalanceProblem *p;
	int			m;				/* groups (slots) */
	int		   *groups;			/* slot -> group */
	int			nf;				/* learners (members), in draw order */
	int		   *members;		/* member -> learner */
	int		   *slot;			/* member -> slot */
	int		   *size;			/* slot -> members */
	int			C;				/* label columns */
	int		   *value;			/* nf x C: the family's value number, or -1 */
	int			V;				/* values more than one member carries */
	int32	   *count;			/* V x m */
	int		   *hi,				/* per value: largest count, groups at it */
			   *nhi,
			   *lo,				/* smallest count, groups at it */
			   *nlo;
	double	   *sums;			/* nf x m: distance to a slot's members */
	double	   *total;			/* per slot: summed overall mastery */
	double		mean;
} Family;

typedef struct Delta
{
	int			spread;			/* change of the sum of (largest - smallest) */
	int64		squares;		/* change of the sum of squared counts */
	double		cost;
} Delta;

#define COUNT(F, v, s) ((F)->count[(Size) (v) * (F)->m + (s)])
#define VALUE(F, x, c) ((F)->value[(Size) (x) * (F)->C + (c)])
#define SUMS(F, x, s) ((F)->sums[(Size) (x) * (F)->m + (s)])
#define DISTANCE(F, x, y) ((F)->p->distance[(Size) (F)->members[x] * (F)->p->n + (F)->members[y]])
#define OVERALL(F, x) ((F)->p->overall[(F)->members[x]])

static void
value_extremes(Family *F, int v)
{
	F->hi[v] = INT_MIN;
	F->lo[v] = INT_MAX;
	for (int s = 0; s < F->m; s++)
	{
		int			c = COUNT(F, v, s);

		if (c > F->hi[v])
		{
			F->hi[v] = c;
			F->nhi[v] = 1;
		}
		else if (c == F->hi[v])
			F->nhi[v]++;
		if (c < F->lo[v])
		{
			F->lo[v] = c;
			F->nlo[v] = 1;
		}
		else if (c == F->lo[v])
			F->nlo[v]++;
	}
}

/*
 * One learner of value v leaves slot from for slot to.  Counts change by
 * one, so the new extremes follow from the old ones and how many groups
 * were at them: O(1) per value, whatever the number of groups.
 */
static void
value_change(const Family *F, int v, int from, int to, Delta *d)
{
	int			xf = COUNT(F, v, from),
				xt = COUNT(F, v, to),
				hi = F->hi[v],
				lo = F->lo[v];
	int			others_hi = F->nhi[v] - (xf == hi) - (xt == hi),
				others_lo = F->nlo[v] - (xf == lo) - (xt == lo);
	int			new_hi,
				new_lo;

	if (others_hi > 0)
		new_hi = Max(hi, xt + 1);
	else if (xt == hi)
		new_hi = hi + 1;
	else
		new_hi = Max(hi - 1, xt + 1);	/* from was alone at hi */
	if (others_lo > 0)
		new_lo = Min(lo, xf - 1);
	else if (xf == lo)
		new_lo = lo - 1;
	else
		new_lo = Min(lo + 1, xf - 1);	/* to was alone at lo */
	d->spread += (new_hi - new_lo) - (hi - lo);
	d->squares += 2 * (xt - xf) + 2;
}

static inline double
square(double x)
{
	return x * x;
}

/* The mean term of a slot holding total over size learners */
static inline double
mean_term(const Family *F, double total, int size)
{
	return size > 0 ? square(total / size - F->mean) : 0.0;
}

/* Member x to slot to */
static Delta
move_delta(const Family *F, int x, int to)
{
	Delta		d = {0, 0, 0.0};
	int			a = F->slot[x];

	for (int c = 0; c < F->C; c++)
		if (VALUE(F, x, c) >= 0)
			value_change(F, VALUE(F, x, c), a, to, &d);
	if (F->p->cost == BALANCE_DISTANCE)
		d.cost = SUMS(F, x, to) - SUMS(F, x, a);
	else
		d.cost = mean_term(F, F->total[a] - OVERALL(F, x), F->size[a] - 1) +
			mean_term(F, F->total[to] + OVERALL(F, x), F->size[to] + 1) -
			mean_term(F, F->total[a], F->size[a]) - mean_term(F, F->total[to], F->size[to]);
	return d;
}

/* Members x and y (in different slots) trade places */
static Delta
swap_delta(const Family *F, int x, int y)
{
	Delta		d = {0, 0, 0.0};
	int			a = F->slot[x],
				b = F->slot[y];

	for (int c = 0; c < F->C; c++)
	{
		int			u = VALUE(F, x, c),
					w = VALUE(F, y, c);

		/* two different values: their changes are independent */
		if (u == w)
			continue;
		if (u >= 0)
			value_change(F, u, a, b, &d);
		if (w >= 0)
			value_change(F, w, b, a, &d);
	}
	if (F->p->cost == BALANCE_DISTANCE)
		d.cost = SUMS(F, x, b) - SUMS(F, x, a) + SUMS(F, y, a) - SUMS(F, y, b) - 2 * DISTANCE(F, x, y);
	else
	{
		double		ta = F->total[a] - OVERALL(F, x) + OVERALL(F, y),
					tb = F->total[b] - OVERALL(F, y) + OVERALL(F, x);

		d.cost = mean_term(F, ta, F->size[a]) + mean_term(F, tb, F->size[b]) -
			mean_term(F, F->total[a], F->size[a]) - mean_term(F, F->total[b], F->size[b]);
	}
	return d;
}

static void
apply_move(Family *F, int x, int to)
{
	int			from = F->slot[x];

	for (int c = 0; c < F->C; c++)
	{
		int			v = VALUE(F, x, c);

		if (v < 0)
			continue;
		COUNT(F, v, from)--;
		COUNT(F, v, to)++;
		value_extremes(F, v);
	}
	if (F->p->cost == BALANCE_DISTANCE)
		for (int y = 0; y < F->nf; y++)
		{
			double		d = DISTANCE(F, y, x);

			SUMS(F, y, from) -= d;
			SUMS(F, y, to) += d;
		}
	else
	{
		F->total[from] -= OVERALL(F, x);
		F->total[to] += OVERALL(F, x);
	}
	F->size[from]--;
	F->size[to]++;
	F->slot[x] = to;
}

static void
apply_swap(Family *F, int x, int y)
{
	int			a = F->slot[x],
				b = F->slot[y];

	apply_move(F, x, b);
	apply_move(F, y, a);
}

static inline bool
spreads_better(const Delta *d)
{
	return d->spread < 0 || (d->spread == 0 && d->squares < 0);
}

static inline bool
spreads_more(const Delta *d, const Delta *than)
{
	return d->spread < than->spread || (d->spread == than->spread && d->squares < than->squares);
}

/* Among exchanges that spread better: the cheaper, then the one spreading more */
static bool
cheaper(const Delta *d, const Delta *than)
{
	if (d->cost < than->cost - 1e-12)
		return true;
	if (d->cost > than->cost + 1e-12)
		return false;
	return spreads_more(d, than);
}

static bool
labelled(const Family *F, int x)
{
	for (int c = 0; c < F->C; c++)
		if (VALUE(F, x, c) >= 0)
			return true;
	return false;
}

static int
worst_value(const Family *F)
{
	for (int v = 0; v < F->V; v++)
		if (F->hi[v] - F->lo[v] >= 2)
			return v;
	return -1;
}

/*
 * Step 1: sizes within one, each move the one that spreads best, as far as
 * min_size and max_size allow: a move never takes a group below min_size or
 * above max_size (groups of 4, 4 and 2 with min_size 4 stay so, rather than
 * 4, 3 and 3).  True when the sizes end within one.
 */
static bool
even_sizes(Family *F)
{
	for (;;)
	{
		int			big = 0,
					small = 0,
					best = -1;
		Delta		best_delta = {0, 0, 0.0};

		for (int s = 1; s < F->m; s++)
		{
			if (F->size[s] > F->size[big])
				big = s;
			if (F->size[s] < F->size[small])
				small = s;
		}
		if (F->size[big] - F->size[small] <= 1)
			return true;
		if (F->size[big] - 1 < F->p->min_size || F->size[small] + 1 > F->p->max_size)
			return false;
		for (int x = 0; x < F->nf; x++)
		{
			Delta		d;

			if (F->slot[x] != big)
				continue;
			d = move_delta(F, x, small);
			if (best < 0 || spreads_more(&d, &best_delta) ||
				(!spreads_more(&best_delta, &d) && d.cost < best_delta.cost - 1e-12))
			{
				best = x;
				best_delta = d;
			}
		}
		apply_move(F, best, small);
		CHECK_FOR_INTERRUPTS();
	}
}

/* Step 2: single exchanges, for each learner the cheapest that spreads better */
static void
spread_by_exchanges(Family *F)
{
	for (int pass = 0; pass < BALANCE_MAX_PASSES; pass++)
	{
		bool		improved = false;

		for (int x = 0; x < F->nf; x++)
		{
			int			a = F->slot[x],
						best_y = -1,
						best_to = -1;
			Delta		best = {0, 0, 0.0};

			/* an exchange of two unlabelled learners spreads nothing */
			if (!labelled(F, x))
				continue;
			for (int y = 0; y < F->nf; y++)
			{
				Delta		d;

				if (F->slot[y] == a)
					continue;
				d = swap_delta(F, x, y);
				if (spreads_better(&d) && ((best_y < 0 && best_to < 0) || cheaper(&d, &best)))
				{
					best = d;
					best_y = y;
				}
			}
			for (int b = 0; b < F->m; b++)
			{
				Delta		d;

				if (b == a || F->size[a] != F->size[b] + 1)
					continue;
				d = move_delta(F, x, b);
				if (spreads_better(&d) && ((best_y < 0 && best_to < 0) || cheaper(&d, &best)))
				{
					best = d;
					best_y = -1;
					best_to = b;
				}
			}
			if (best_to >= 0)
				apply_move(F, x, best_to);
			else if (best_y >= 0)
				apply_swap(F, x, best_y);
			improved |= best_to >= 0 || best_y >= 0;
			CHECK_FOR_INTERRUPTS();
		}
		if (!improved)
			break;
	}
}

typedef struct Trail
{
	int			start;			/* into the trail order of edges */
	int			length;
	int			keep_first;		/* edges kept in place if the first goes to a */
	int			index;
} Trail;

/* odd trails: those that keep most by starting at a first; ties in trail order */
static int
compare_trails(const void *x, const void *y)
{
	const Trail *s = x;
	const Trail *t = y;
	int			gs = 2 * s->keep_first - s->length,
				gt = 2 * t->keep_first - t->length;

	if (gs != gt)
		return gt - gs;
	return s->index - t->index;
}

/*
 * Step 3: deal the learners of slots a and b (sizes within one) anew so
 * that every label value is within one between them.  The learners are
 * the edges of a bipartite multigraph: one end the value of the first
 * column, the other the value of the second, a vertex of its own where a
 * learner has none.  The edges split into trails, each odd vertex the end
 * of exactly one (walks from odd vertices first, then closed walks, which
 * in a bipartite graph have even length); colouring each trail alternately
 * leaves every vertex within one, and odd trails, alternating which group
 * they start with, keep the sizes.
 */
static void
deal_pair(Family *F, int a, int b)
{
	int			k = F->size[a] + F->size[b];
	int			nvert = F->V + 2 * k;
	int		   *edge = palloc(sizeof(int) * k),
			   *end0 = palloc(sizeof(int) * k),
			   *end1 = palloc(sizeof(int) * k),
			   *start = palloc0(sizeof(int) * (nvert + 1)),
			   *next = palloc(sizeof(int) * nvert),
			   *rem = palloc0(sizeof(int) * nvert),
			   *adjacent = palloc(sizeof(int) * 2 * k),
			   *order = palloc(sizeof(int) * k),
			   *to = palloc(sizeof(int) * k);
	bool	   *used = palloc0(sizeof(bool) * k);
	Trail	   *trails = palloc(sizeof(Trail) * k),
			   *odd = palloc(sizeof(Trail) * k);
	bool	   *starts_at_a = palloc0(sizeof(bool) * k);
	int			ne = 0,
				nordered = 0,
				ntrails = 0,
				nodd = 0,
				a_first;

	for (int x = 0; x < F->nf; x++)
		if (F->slot[x] == a || F->slot[x] == b)
		{
			end0[ne] = VALUE(F, x, 0) >= 0 ? VALUE(F, x, 0) : F->V + 2 * ne;
			end1[ne] = F->C > 1 && VALUE(F, x, 1) >= 0 ? VALUE(F, x, 1) : F->V + 2 * ne + 1;
			edge[ne++] = x;
		}
	for (int e = 0; e < k; e++)
	{
		rem[end0[e]]++;
		rem[end1[e]]++;
	}
	for (int v = 0; v < nvert; v++)
		start[v + 1] = start[v] + rem[v];
	memcpy(next, start, sizeof(int) * nvert);
	for (int e = 0; e < k; e++)
	{
		adjacent[next[end0[e]]++] = e;
		adjacent[next[end1[e]]++] = e;
	}
	memcpy(next, start, sizeof(int) * nvert);
	for (int phase = 0; phase < 2; phase++)
		for (int v = 0; v < nvert; v++)
			while (phase == 0 ? rem[v] % 2 == 1 : rem[v] > 0)
			{
				int			cur = v;

				trails[ntrails].start = nordered;
				for (;;)
				{
					int			e;

					while (next[cur] < start[cur + 1] && used[adjacent[next[cur]]])
						next[cur]++;
					if (next[cur] == start[cur + 1])
						break;
					e = adjacent[next[cur]];
					used[e] = true;
					rem[end0[e]]--;
					rem[end1[e]]--;
					order[nordered++] = e;
					cur = end0[e] == cur ? end1[e] : end0[e];
				}
				trails[ntrails].length = nordered - trails[ntrails].start;
				trails[ntrails].index = ntrails;
				trails[ntrails].keep_first = 0;
				for (int i = 0; i < trails[ntrails].length; i++)
					trails[ntrails].keep_first +=
						F->slot[edge[order[trails[ntrails].start + i]]] == (i % 2 == 0 ? a : b);
				ntrails++;
			}
	/* odd trails give their first group one more: (odd + size difference) / 2 start at a */
	for (int t = 0; t < ntrails; t++)
		if (trails[t].length % 2 == 1)
			odd[nodd++] = trails[t];
	qsort(odd, nodd, sizeof(Trail), compare_trails);
	a_first = (nodd + F->size[a] - F->size[b]) / 2;
	for (int o = 0; o < a_first; o++)
		starts_at_a[odd[o].index] = true;
	for (int t = 0; t < ntrails; t++)
	{
		Trail	   *tr = &trails[t];
		bool		first_a = tr->length % 2 == 1 ? starts_at_a[t] : 2 * tr->keep_first >= tr->length;

		for (int i = 0; i < tr->length; i++)
			to[order[tr->start + i]] = (i % 2 == 0) == first_a ? a : b;
	}
	for (int e = 0; e < k; e++)
		if (F->slot[edge[e]] != to[e])
			apply_move(F, edge[e], to[e]);
	pfree(edge);
	pfree(end0);
	pfree(end1);
	pfree(start);
	pfree(next);
	pfree(rem);
	pfree(adjacent);
	pfree(order);
	pfree(to);
	pfree(used);
	pfree(trails);
	pfree(odd);
	pfree(starts_at_a);
}

/* Step 4: lower the cost, the spread as it is */
static void
lower_cost(Family *F)
{
	for (int pass = 0; pass < BALANCE_MAX_PASSES; pass++)
	{
		bool		improved = false;

		for (int x = 0; x < F->nf; x++)
		{
			for (int y = x + 1; y < F->nf; y++)
			{
				Delta		d;

				if (F->slot[y] == F->slot[x])
					continue;
				d = swap_delta(F, x, y);
				if (d.spread == 0 && d.squares == 0 && d.cost < -1e-12)
				{
					apply_swap(F, x, y);
					improved = true;
				}
			}
			for (int b = 0; b < F->m; b++)
			{
				Delta		d;

				if (b == F->slot[x] || F->size[F->slot[x]] != F->size[b] + 1)
					continue;
				d = move_delta(F, x, b);
				if (d.spread == 0 && d.squares == 0 && d.cost < -1e-12)
				{
					apply_move(F, x, b);
					improved = true;
				}
			}
			CHECK_FOR_INTERRUPTS();
		}
		if (!improved)
			break;
	}
}

/*
 * Family f's groups and learners, its values that more than one learner
 * carries (a value carried once is within one however it lies), their
 * counts; false when it has nothing to spread.
 */
static bool
family_build(Family *F, const BalanceProblem *p, int f, int32 *local, int *tally)
{
	int			nv = 0;

	memset(F, 0, sizeof(Family));
	F->p = p;
	F->C = p->ncolumns;
	F->groups = palloc(sizeof(int) * Max(p->ngroups, 1));
	for (int g = 0; g < p->ngroups; g++)
		if (p->family[g] == f)
			F->groups[F->m++] = g;
	if (F->m < 2)
		return false;
	F->members = palloc(sizeof(int) * Max(p->n, 1));
	for (int i = 0; i < p->n; i++)
		if (p->group[i] >= 0 && p->family[p->group[i]] == f)
			F->members[F->nf++] = i;
	for (int x = 0; x < F->nf; x++)
		for (int c = 0; c < F->C; c++)
		{
			int32		v = p->label[(Size) F->members[x] * F->C + c];

			if (v >= 0 && tally[v]++ == 1)
				local[v] = nv++;
		}
	F->V = nv;
	F->value = palloc(sizeof(int) * Max((Size) F->nf * F->C, 1));
	for (int x = 0; x < F->nf; x++)
		for (int c = 0; c < F->C; c++)
		{
			int32		v = p->label[(Size) F->members[x] * F->C + c];

			VALUE(F, x, c) = v >= 0 && tally[v] >= 2 ? local[v] : -1;
		}
	/* the tally is shared by the families: back to zero */
	for (int x = 0; x < F->nf; x++)
		for (int c = 0; c < F->C; c++)
		{
			int32		v = p->label[(Size) F->members[x] * F->C + c];

			if (v >= 0)
				tally[v] = 0;
		}
	if (F->V == 0)
		return false;
	if ((Size) F->V * F->m > BALANCE_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many balance labels and groups in one section"),
				 errdetail("%d groups share a focus, and their learners carry %d label values that more than one of them has.",
						   F->m, F->V),
				 errhint("Balance on labels with few values (a status or a program, not a name).")));
	F->slot = palloc(sizeof(int) * F->nf);
	F->size = palloc0(sizeof(int) * F->m);
	for (int x = 0; x < F->nf; x++)
	{
		int			g = p->group[F->members[x]];

		for (int s = 0; s < F->m; s++)
			if (F->groups[s] == g)
				F->slot[x] = s;
		F->size[F->slot[x]]++;
	}
	F->count = palloc0(sizeof(int32) * (Size) F->V * F->m);
	for (int x = 0; x < F->nf; x++)
		for (int c = 0; c < F->C; c++)
			if (VALUE(F, x, c) >= 0)
				COUNT(F, VALUE(F, x, c), F->slot[x])++;
	F->hi = palloc(sizeof(int) * F->V);
	F->nhi = palloc(sizeof(int) * F->V);
	F->lo = palloc(sizeof(int) * F->V);
	F->nlo = palloc(sizeof(int) * F->V);
	for (int v = 0; v < F->V; v++)
		value_extremes(F, v);
	if (worst_value(F) < 0)
		return false;
	/* the cost of moving learners */
	if (p->cost == BALANCE_DISTANCE)
	{
		F->sums = palloc_extended(sizeof(double) * (Size) F->nf * F->m, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (int x = 0; x < F->nf; x++)
		{
			for (int y = 0; y < F->nf; y++)
				SUMS(F, x, F->slot[y]) += DISTANCE(F, x, y);
			if ((x & 63) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	else
	{
		F->total = palloc0(sizeof(double) * F->m);
		for (int x = 0; x < F->nf; x++)
		{
			F->total[F->slot[x]] += OVERALL(F, x);
			F->mean += OVERALL(F, x);
		}
		F->mean /= F->nf;
	}
	return true;
}

void
balance_groups(const BalanceProblem *p)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "instructional_groups balance",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext family_cxt = AllocSetContextCreate(cxt, "instructional_groups balance family",
													 ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	int32	   *local = palloc(sizeof(int32) * Max(p->nvalues, 1));
	int		   *tally = palloc0(sizeof(int) * Max(p->nvalues, 1));
	int			nfamilies = 0;

	for (int g = 0; g < p->ngroups; g++)
		nfamilies = Max(nfamilies, p->family[g] + 1);
	for (int f = 0; f < nfamilies; f++)
	{
		Family		F;

		MemoryContextSwitchTo(family_cxt);
		if (family_build(&F, p, f, local, tally))
		{
			bool		evened = even_sizes(&F);

			spread_by_exchanges(&F);
			/* dealing two groups anew needs their sizes within one */
			if (F.C <= 2 && evened)
			{
				int			v;

				/* each deal lowers the sum of squared counts: it ends */
				while ((v = worst_value(&F)) >= 0)
				{
					int			a = -1,
								b = -1;

					for (int s = 0; s < F.m; s++)
					{
						if (a < 0 && COUNT(&F, v, s) == F.hi[v])
							a = s;
						if (b < 0 && COUNT(&F, v, s) == F.lo[v])
							b = s;
					}
					deal_pair(&F, a, b);
					if (abs(COUNT(&F, v, a) - COUNT(&F, v, b)) >= 2)
						elog(ERROR, "instructional_groups could not spread a label between two groups");
					CHECK_FOR_INTERRUPTS();
				}
			}
			if (p->cost_passes)
				lower_cost(&F);
			for (int x = 0; x < F.nf; x++)
				p->group[F.members[x]] = F.groups[F.slot[x]];
		}
		MemoryContextSwitchTo(cxt);
		MemoryContextReset(family_cxt);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}
