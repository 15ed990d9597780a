/*
 * learning_path.c
 *		What to learn next: the ready skills of a learner (the outer fringe
 *		of what they have mastered), the learning path toward targets, and a
 *		picture of the framework colored by one learner's profile.
 *
 * Learnable skills are the leaves of the part_of hierarchy (standards and
 * their components; a cluster or domain is learned through its parts).  A
 * prerequisite edge that starts or ends at a whole applies to its leaves:
 * every leaf of the prerequisite comes before every leaf of the skill, and
 * the prerequisites of a whole are prerequisites of each of its leaves.
 * These effective prerequisites are derived once per graph and cached with
 * it; per learner, a call maps the profile onto the graph (a binary search
 * per profile entry) and walks arrays it reuses, so 10^5 learners cost
 * 10^5 walks and no allocation that grows with the graph.
 */
#include "learner_profile.h"
#include "skill_graph.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/* Above this many skills on a path, "what it unlocks" counts direct dependents */
#define PATH_EXACT_UNLOCKS 8192

typedef struct LeafGraph
{
	int			n;				/* skills of the graph */
	bool	   *is_leaf;
	int32	   *requires_start;	/* effective prerequisites of each leaf */
	int32	   *requires;
	int32	   *enables_start;	/* and the reverse */
	int32	   *enables;
	int32		nleaves;
	int32	   *leaf_topo;		/* the leaves in the graph's topological order */

	/* per call: the profile on the graph; value[v] is valid when seen[v] == stamp */
	uint32	   *seen;
	uint32		stamp;
	uint32	   *covered;		/* == stamp: a whole above it is mastered */
	double	   *value;			/* mastery, or NaN without one */
	double	   *share;			/* mastery / out_of, or -1 */
	/* per call: the path */
	uint32	   *on_path;		/* == path_stamp when on the path */
	uint32		path_stamp;
	int32	   *path;			/* the path's skills, then their order */
	int32	   *indegree;
	int32	   *unlocks;
	int32	   *heap;
	int32	   *slot;			/* position of a skill in path[], or -1 */
	uint64	   *bits;			/* unlocks, exactly: one bitset per path skill */
	Size		bits_words;
} LeafGraph;

/* ---------- effective prerequisites, once per cached graph ---------- */

static void
rank_heap_push(int32 *heap, int *n, const int32 *rank, int32 v)
{
	int			i = (*n)++;

	while (i > 0 && rank[v] < rank[heap[(i - 1) / 2]])
	{
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = v;
}

static int32
rank_heap_pop(int32 *heap, int *n, const int32 *rank)
{
	int32		top = heap[0];
	int32		last = heap[--(*n)];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && rank[heap[c + 1]] < rank[heap[c]])
			c++;
		if (rank[heap[c]] >= rank[last])
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (*n > 0)
		heap[i] = last;
	return top;
}

/*
 * The leaves in an order that respects every effective prerequisite (Kahn,
 * ties by the framework's own order).  Reading a whole's prerequisites as
 * its leaves' can close a loop the framework itself does not have (X before
 * the cluster A, and a standard of A before X): that is an error naming it.
 */
static void
leaf_order(GraphView *g, LeafGraph *lg, int32 *indegree)
{
	int32	   *heap = palloc(sizeof(int32) * Max(g->n, 1));
	int			nheap = 0;
	int			nleaves = 0;

	for (int v = 0; v < g->n; v++)
	{
		if (!lg->is_leaf[v])
			continue;
		nleaves++;
		indegree[v] = lg->requires_start[v + 1] - lg->requires_start[v];
		if (indegree[v] == 0)
			rank_heap_push(heap, &nheap, g->rank, v);
	}
	lg->nleaves = 0;
	while (nheap > 0)
	{
		int32		u = rank_heap_pop(heap, &nheap, g->rank);

		lg->leaf_topo[lg->nleaves++] = u;
		for (int k = lg->enables_start[u]; k < lg->enables_start[u + 1]; k++)
			if (--indegree[lg->enables[k]] == 0)
				rank_heap_push(heap, &nheap, g->rank, lg->enables[k]);
		if ((lg->nleaves & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (lg->nleaves < nleaves)
	{
		StringInfoData loop;
		int32	   *step = palloc(sizeof(int32) * g->n);
		int32		v = -1;

		/*
		 * Every leaf still waiting waits for another one that is: walking
		 * back from any of them must come round; name that loop only.
		 */
		for (int i = 0; i < g->n && v < 0; i++)
			if (lg->is_leaf[g->topo[i]] && indegree[g->topo[i]] > 0)
				v = g->topo[i];
		for (int i = 0; i < g->n; i++)
			step[i] = -1;
		while (step[v] < 0)
		{
			int32		next = -1;

			for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1] && next < 0; k++)
				if (indegree[lg->requires[k]] > 0)
					next = lg->requires[k];
			step[v] = next;
			v = next;
		}
		initStringInfo(&loop);
		for (int32 u = v;;)
		{
			appendStringInfo(&loop, "\"%s\" waits for \"%s\"", skill_code(g, u), skill_code(g, step[u]));
			u = step[u];
			if (u == v)
				break;
			appendStringInfoString(&loop, ", ");
		}
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the prerequisites of the skill graph form a loop between its standards"),
				 errdetail("A prerequisite of a whole applies to each of its parts, and then %s.",
						   loop.data),
				 errhint("Attach the prerequisite to the standards that need it rather than to the whole.")));
	}
	pfree(heap);
}

static LeafGraph *
leaf_graph(GraphView *g)
{
	LeafGraph  *lg;
	MemoryContext old;
	int32	   *count;
	uint32	   *mark;
	uint32		stamp = 0;
	int32	   *ups;
	int64		nedges = 0;

	if (g->leaves != NULL)
		return g->leaves;
	old = MemoryContextSwitchTo(g->cxt);
	lg = palloc0(sizeof(LeafGraph));
	lg->n = g->n;
	lg->is_leaf = palloc(sizeof(bool) * Max(g->n, 1));
	for (int v = 0; v < g->n; v++)
		lg->is_leaf[v] = g->parts_start[v] == g->parts_start[v + 1];
	lg->leaf_topo = palloc(sizeof(int32) * Max(g->n, 1));

	/*
	 * For each leaf: itself and its wholes, their direct prerequisites, and
	 * the leaves under those.
	 */
	mark = palloc0(sizeof(uint32) * Max(g->n, 1));
	ups = palloc(sizeof(int32) * (g->n + 1));
	count = palloc0(sizeof(int32) * (g->n + 1));
	lg->requires_start = palloc0(sizeof(int32) * (g->n + 1));
	/* two passes: count, then fill */
	for (int pass = 0; pass < 2; pass++)
	{
		for (int v = 0; v < g->n; v++)
		{
			int			nup;

			if (!lg->is_leaf[v])
				continue;
			stamp++;
			mark[v] = stamp;	/* never its own prerequisite */
			/* graph_reach reuses g->found: keep the wholes aside */
			nup = graph_reach(g, v, g->wholes_start, g->wholes, true);
			memcpy(ups, g->found, sizeof(int32) * nup);
			ups[nup++] = v;
			for (int a = 0; a < nup; a++)
			{
				int32		u = ups[a];

				for (int k = g->requires_start[u]; k < g->requires_start[u + 1]; k++)
				{
					int32		p = g->requires[k];
					int			nbelow;

					if (lg->is_leaf[p])
					{
						if (mark[p] != stamp)
						{
							mark[p] = stamp;
							if (pass == 1)
								lg->requires[lg->requires_start[v] + count[v]] = p;
							count[v]++;
						}
						continue;
					}
					nbelow = graph_reach(g, p, g->parts_start, g->parts, true);
					for (int b = 0; b < nbelow; b++)
					{
						int32		q = g->found[b];

						if (lg->is_leaf[q] && mark[q] != stamp)
						{
							mark[q] = stamp;
							if (pass == 1)
								lg->requires[lg->requires_start[v] + count[v]] = q;
							count[v]++;
						}
					}
				}
			}
			if ((v & 255) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (pass == 0)
		{
			for (int v = 0; v < g->n; v++)
			{
				lg->requires_start[v + 1] = lg->requires_start[v] + count[v];
				nedges += count[v];
				if (nedges > PG_INT32_MAX / 2)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("the skill graph has too many prerequisites between its leaves")));
			}
			lg->requires = palloc_extended(sizeof(int32) * Max(nedges, 1), MCXT_ALLOC_HUGE);
			memset(count, 0, sizeof(int32) * (g->n + 1));
		}
	}
	/* the reverse lists */
	lg->enables_start = palloc0(sizeof(int32) * (g->n + 1));
	lg->enables = palloc_extended(sizeof(int32) * Max(nedges, 1), MCXT_ALLOC_HUGE);
	memset(count, 0, sizeof(int32) * (g->n + 1));
	for (int v = 0; v < g->n; v++)
		for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
			lg->enables_start[lg->requires[k] + 1]++;
	for (int v = 0; v < g->n; v++)
		lg->enables_start[v + 1] += lg->enables_start[v];
	for (int v = 0; v < g->n; v++)
		for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
		{
			int32		p = lg->requires[k];

			lg->enables[lg->enables_start[p] + count[p]++] = v;
		}
	pfree(mark);
	pfree(ups);
	leaf_order(g, lg, count);
	pfree(count);

	/* scratch for the calls */
	lg->seen = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->covered = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->value = palloc(sizeof(double) * Max(g->n, 1));
	lg->share = palloc(sizeof(double) * Max(g->n, 1));
	lg->on_path = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->path = palloc(sizeof(int32) * Max(g->n, 1));
	lg->indegree = palloc(sizeof(int32) * Max(g->n, 1));
	lg->unlocks = palloc(sizeof(int32) * Max(g->n, 1));
	lg->heap = palloc(sizeof(int32) * Max(g->n, 1));
	lg->slot = palloc(sizeof(int32) * Max(g->n, 1));
	g->leaves = lg;
	MemoryContextSwitchTo(old);
	return lg;
}

/* ---------- one learner on the graph ---------- */

/* The graph argument of a path function, never NULL */
static GraphView *
path_graph_argument(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("skill graph must not be null"),
				 errhint("A null graph usually means the join with the framework table found no row.")));
	return graph_argument(fcinfo, argno);
}

/* The profile argument; NULL is a learner without evidence: an empty profile */
static const LearnerProfile *
path_profile_argument(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return profile_build(NULL, 0);
	return PG_GETARG_PROFILE(argno);
}

static double
threshold_argument(FunctionCallInfo fcinfo, int argno)
{
	double		threshold;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mastery threshold must not be null"),
				 errhint("Give the value at which a skill counts as mastered, on the scale of the profile (for example 3 of 4).")));
	threshold = PG_GETARG_FLOAT8(argno);
	if (!isfinite(threshold) || threshold < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("mastery threshold must be a finite number, 0 or more"),
				 errhint("Give it on the scale of the profile's values (for example 3 of 4).")));
	return threshold;
}

/*
 * Puts the profile's values on the graph (skills off the graph are
 * ignored).  A whole the profile rates at or above the threshold (a
 * standard assessed as a whole) covers the standards and components under
 * it: they count as mastered.
 */
static void
place_profile(LeafGraph *lg, GraphView *g, const LearnerProfile *p, double threshold)
{
	if (++lg->stamp == 0)
	{
		memset(lg->seen, 0, sizeof(uint32) * Max(lg->n, 1));
		memset(lg->covered, 0, sizeof(uint32) * Max(lg->n, 1));
		lg->stamp = 1;
	}
	for (int i = 0; i < p->nentries; i++)
	{
		int			v = graph_find(g, profile_code(p, i));
		const ProfileEntry *e = &p->entries[i];

		if (v < 0)
			continue;
		lg->seen[v] = lg->stamp;
		lg->value[v] = (e->flags & ENTRY_HAS_MASTERY) ? e->mastery : get_float8_nan();
		lg->share[v] = entry_proportion(e);
		/* a whole assessed as such covers its standards; a rolled-up one does not */
		if (!lg->is_leaf[v] && (e->flags & ENTRY_HAS_MASTERY) && !(e->flags & ENTRY_ROLLED_UP) &&
			e->mastery >= threshold)
		{
			int			nbelow = graph_reach(g, v, g->parts_start, g->parts, true);

			for (int b = 0; b < nbelow; b++)
				lg->covered[g->found[b]] = lg->stamp;
		}
	}
}

/* A skill is mastered when its value is at or above the threshold */
static inline bool
is_mastered(const LeafGraph *lg, int v, double threshold)
{
	return (lg->seen[v] == lg->stamp && !isnan(lg->value[v]) && lg->value[v] >= threshold) ||
		lg->covered[v] == lg->stamp;
}

static inline bool
is_ready(const LeafGraph *lg, int v, double threshold)
{
	for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
		if (!is_mastered(lg, lg->requires[k], threshold))
			return false;
	return true;
}

/*
 * The ready skills of a profile: the leaves not mastered whose
 * prerequisites all are, in the graph's topological order, into ready[]
 * (room for g->n); returns how many.  A skill without a value is not
 * mastered.  Shared by ready_skills() and instructional_groups().
 */
int
profile_ready_skills(GraphView *g, const LearnerProfile *p, double threshold, int32 *ready)
{
	LeafGraph  *lg = leaf_graph(g);
	int			n = 0;

	place_profile(lg, g, p, threshold);
	for (int i = 0; i < lg->nleaves; i++)
	{
		int32		v = lg->leaf_topo[i];

		if (!is_mastered(lg, v, threshold) && is_ready(lg, v, threshold))
			ready[n++] = v;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return n;
}

/* ready_skills(g, profile, threshold) */
PG_FUNCTION_INFO_V1(ready_skills);
Datum
ready_skills(PG_FUNCTION_ARGS)
{
	GraphView  *g = path_graph_argument(fcinfo, 0);
	const LearnerProfile *p = path_profile_argument(fcinfo, 1);
	double		threshold = threshold_argument(fcinfo, 2);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "skill", &desc);
	int32	   *ready = palloc(sizeof(int32) * Max(g->n, 1));
	int			n = profile_ready_skills(g, p, threshold, ready);

	for (int i = 0; i < n; i++)
	{
		Datum		value = CStringGetTextDatum(skill_code(g, ready[i]));
		bool		isnull = false;

		tuplestore_putvalues(store, desc, &value, &isnull);
	}
	return (Datum) 0;
}

/* ---------- learning paths ---------- */

/*
 * Which path skill goes first among those whose prerequisites are placed:
 * the one that unlocks more of the rest of the path (finishing what opens
 * the most), then the one closest to mastery (shortest way to a win), then
 * the code: deterministic.
 */
static inline bool
path_before(const LeafGraph *lg, int32 a, int32 b)
{
	if (lg->unlocks[a] != lg->unlocks[b])
		return lg->unlocks[a] > lg->unlocks[b];
	{
		double		sa = lg->seen[a] == lg->stamp ? lg->share[a] : -1.0;
		double		sb = lg->seen[b] == lg->stamp ? lg->share[b] : -1.0;

		if (sa != sb)
			return sa > sb;
	}
	return a < b;				/* nodes are numbered in code order */
}

static void
path_heap_push(LeafGraph *lg, int *n, int32 v)
{
	int			i = (*n)++;

	while (i > 0 && path_before(lg, v, lg->heap[(i - 1) / 2]))
	{
		lg->heap[i] = lg->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	lg->heap[i] = v;
}

static int32
path_heap_pop(LeafGraph *lg, int *n)
{
	int32		top = lg->heap[0];
	int32		last = lg->heap[--(*n)];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && path_before(lg, lg->heap[c + 1], lg->heap[c]))
			c++;
		if (!path_before(lg, lg->heap[c], last))
			break;
		lg->heap[i] = lg->heap[c];
		i = c;
	}
	if (*n > 0)
		lg->heap[i] = last;
	return top;
}

/* The targets: leaf codes as themselves, wholes as the leaves under them */
static int
collect_targets(GraphView *g, LeafGraph *lg, Datum *codes, bool *nulls, int ncodes,
				double threshold, int32 *stack)
{
	int			top = 0;

	if (ncodes == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a learning path needs at least one target skill"),
				 errdetail("The array of targets is empty.")));
	for (int i = 0; i < ncodes; i++)
	{
		char	   *code;
		int			v;
		int			nbelow;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("a target skill is null"),
					 errdetail("Target %d of %d is null.", i + 1, ncodes)));
		code = TextDatumGetCString(codes[i]);
		v = graph_find(g, code);
		if (v < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("target skill \"%s\" is not in the skill graph", code),
					 errhint("List the graph's codes with SELECT code FROM skills(graph).")));
		if (lg->is_leaf[v])
		{
			if (lg->on_path[v] != lg->path_stamp && !is_mastered(lg, v, threshold))
			{
				lg->on_path[v] = lg->path_stamp;
				stack[top++] = v;
			}
			continue;
		}
		nbelow = graph_reach(g, v, g->parts_start, g->parts, true);
		for (int b = 0; b < nbelow; b++)
		{
			int32		q = g->found[b];

			if (lg->is_leaf[q] && lg->on_path[q] != lg->path_stamp && !is_mastered(lg, q, threshold))
			{
				lg->on_path[q] = lg->path_stamp;
				stack[top++] = q;
			}
		}
	}
	return top;
}

/*
 * How much of the path each path skill unlocks: the path skills that need
 * it, directly or through others.  Exact with one bitset per path skill up
 * to PATH_EXACT_UNLOCKS skills; beyond, the direct dependents on the path.
 */
static void
count_unlocks(GraphView *g, LeafGraph *lg, int npath)
{
	Size		words = ((Size) npath + 63) / 64;

	/* path[] is in topological order here: dependents come later */
	for (int i = 0; i < npath; i++)
		lg->slot[lg->path[i]] = i;
	if (npath > PATH_EXACT_UNLOCKS)
	{
		for (int i = 0; i < npath; i++)
		{
			int32		v = lg->path[i];

			lg->unlocks[v] = 0;
			for (int k = lg->enables_start[v]; k < lg->enables_start[v + 1]; k++)
				if (lg->on_path[lg->enables[k]] == lg->path_stamp)
					lg->unlocks[v]++;
		}
		return;
	}
	if (lg->bits_words < words * npath)
	{
		MemoryContext old = MemoryContextSwitchTo(g->cxt);

		if (lg->bits)
			pfree(lg->bits);
		lg->bits_words = Max(words * npath, lg->bits_words * 2);
		lg->bits = palloc_extended(sizeof(uint64) * lg->bits_words, MCXT_ALLOC_HUGE);
		MemoryContextSwitchTo(old);
	}
	memset(lg->bits, 0, sizeof(uint64) * words * npath);
	for (int i = npath - 1; i >= 0; i--)
	{
		int32		v = lg->path[i];
		uint64	   *mine = lg->bits + words * i;
		int			count = 0;

		for (int k = lg->enables_start[v]; k < lg->enables_start[v + 1]; k++)
		{
			int32		d = lg->enables[k];
			int			j;

			if (lg->on_path[d] != lg->path_stamp)
				continue;
			j = lg->slot[d];
			mine[j / 64] |= UINT64CONST(1) << (j % 64);
			for (Size w = 0; w < words; w++)
				mine[w] |= lg->bits[words * j + w];
		}
		for (Size w = 0; w < words; w++)
			count += pg_popcount64(mine[w]);
		lg->unlocks[v] = count;
		if ((i & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * The skills of the path (not yet ordered) into lg->path, in topological
 * order, marked in lg->on_path; returns how many.
 */
static int
path_skills(GraphView *g, LeafGraph *lg, const LearnerProfile *p, Datum *codes, bool *nulls,
			int ncodes, double threshold)
{
	int32	   *stack;
	int			top;
	int			npath = 0;

	place_profile(lg, g, p, threshold);
	if (++lg->path_stamp == 0)
	{
		memset(lg->on_path, 0, sizeof(uint32) * Max(lg->n, 1));
		lg->path_stamp = 1;
	}
	/* the heap is free until the ordering: use it as the walk's stack */
	stack = lg->heap;
	top = collect_targets(g, lg, codes, nulls, ncodes, threshold, stack);
	/* back from the targets through unmastered prerequisites */
	while (top > 0)
	{
		int32		v = stack[--top];

		for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
		{
			int32		q = lg->requires[k];

			if (lg->on_path[q] != lg->path_stamp && !is_mastered(lg, q, threshold))
			{
				lg->on_path[q] = lg->path_stamp;
				stack[top++] = q;
			}
		}
		CHECK_FOR_INTERRUPTS();
	}
	for (int i = 0; i < lg->nleaves; i++)
		if (lg->on_path[lg->leaf_topo[i]] == lg->path_stamp)
			lg->path[npath++] = lg->leaf_topo[i];
	return npath;
}

/*
 * The steps of the path: Kahn's order over the path's skills, the best
 * available skill first (see path_heap).  Fills order[0 .. npath - 1].
 */
static void
order_path(GraphView *g, LeafGraph *lg, int npath, int32 *order)
{
	int			nheap = 0;
	int			step = 0;

	count_unlocks(g, lg, npath);
	for (int i = 0; i < npath; i++)
	{
		int32		v = lg->path[i];

		lg->indegree[v] = 0;
		for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
			if (lg->on_path[lg->requires[k]] == lg->path_stamp)
				lg->indegree[v]++;
		if (lg->indegree[v] == 0)
			path_heap_push(lg, &nheap, v);
	}
	while (nheap > 0)
	{
		int32		v = path_heap_pop(lg, &nheap);

		order[step++] = v;
		for (int k = lg->enables_start[v]; k < lg->enables_start[v + 1]; k++)
		{
			int32		d = lg->enables[k];

			if (lg->on_path[d] == lg->path_stamp && --lg->indegree[d] == 0)
				path_heap_push(lg, &nheap, d);
		}
		if ((step & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (step != npath)
		elog(ERROR, "learning path ordered %d of %d skills", step, npath);
}

/*
 * learning_path(g, profile, targets, threshold): exactly the unmastered
 * skills that lead to a target along prerequisites through unmastered
 * skills (a mastered skill stands for its own prerequisites), targets
 * included when unmastered, in an order that respects every prerequisite.
 * Rows: step, skill, mastery (NULL without a value), ready (all of its
 * prerequisites mastered now).
 */
static Datum
learning_path_rows(FunctionCallInfo fcinfo, Datum *codes, bool *nulls, int ncodes)
{
	GraphView  *g = path_graph_argument(fcinfo, 0);
	const LearnerProfile *p = path_profile_argument(fcinfo, 1);
	double		threshold = threshold_argument(fcinfo, 3);
	LeafGraph  *lg = leaf_graph(g);
	TupleDesc	desc;
	Tuplestorestate *store;
	int32	   *order;
	int			npath;

	npath = path_skills(g, lg, p, codes, nulls, ncodes, threshold);
	store = begin_rows(fcinfo, NULL, &desc);
	if (npath == 0)
		return (Datum) 0;
	order = palloc(sizeof(int32) * npath);
	order_path(g, lg, npath, order);
	for (int step = 0; step < npath; step++)
	{
		int32		v = order[step];
		Datum		values[4];
		bool		isnull[4] = {false};

		values[0] = Int32GetDatum(step + 1);
		values[1] = CStringGetTextDatum(skill_code(g, v));
		if (lg->seen[v] == lg->stamp && !isnan(lg->value[v]))
			values[2] = Float8GetDatum(lg->value[v]);
		else
			isnull[2] = true;
		values[3] = BoolGetDatum(is_ready(lg, v, threshold));
		tuplestore_putvalues(store, desc, values, isnull);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(learning_path_one);
Datum
learning_path_one(PG_FUNCTION_ARGS)
{
	Datum		code = PG_GETARG_DATUM(2);
	bool		isnull = PG_ARGISNULL(2);

	return learning_path_rows(fcinfo, &code, &isnull, 1);
}

PG_FUNCTION_INFO_V1(learning_path_many);
Datum
learning_path_many(PG_FUNCTION_ARGS)
{
	ArrayType  *targets;
	Datum	   *codes;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("targets of learning_path must not be null")));
	targets = PG_GETARG_ARRAYTYPE_P(2);

	if (ARR_NDIM(targets) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("targets of learning_path must be a one-dimensional array")));
	deconstruct_array(targets, TEXTOID, -1, false, TYPALIGN_INT, &codes, &nulls, &n);
	return learning_path_rows(fcinfo, codes, nulls, n);
}

/* ---------- a picture of one learner on the framework ---------- */

/*
 * skill_graph_to_dot(g, profile, threshold): the framework with each
 * learnable skill filled by the learner's status (mastered green, ready
 * gold, not yet ready grey) and labeled with its value.  One learner's
 * path alone: learning_path_to_dot.
 */
PG_FUNCTION_INFO_V1(skill_graph_to_dot_profile);
Datum
skill_graph_to_dot_profile(PG_FUNCTION_ARGS)
{
	GraphView  *g = path_graph_argument(fcinfo, 0);
	const LearnerProfile *p = path_profile_argument(fcinfo, 1);
	double		threshold = threshold_argument(fcinfo, 2);
	LeafGraph  *lg = leaf_graph(g);
	StringInfoData buf;

	place_profile(lg, g, p, threshold);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "digraph skills {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white];\n");
	appendStringInfoString(&buf, "  // mastered: palegreen, ready to learn: gold, not yet ready: lightgrey\n");
	for (int i = 0; i < g->n; i++)
	{
		int32		v = g->topo[i];
		const char *color = "white";
		StringInfoData label;

		initStringInfo(&label);
		appendStringInfoString(&label, skill_code(g, v));
		if (lg->seen[v] == lg->stamp && !isnan(lg->value[v]))
		{
			appendStringInfoString(&label, "\n");
			append_exact_float8(&label, round(lg->value[v] * 100.0) / 100.0);
		}
		if (lg->is_leaf[v])
			color = is_mastered(lg, v, threshold) ? "palegreen" :
				is_ready(lg, v, threshold) ? "gold" : "lightgrey";
		appendStringInfoString(&buf, "  ");
		dot_append_string(&buf, skill_code(g, v));
		appendStringInfoString(&buf, " [label=");
		dot_append_string(&buf, label.data);
		appendStringInfo(&buf, ", fillcolor=%s", color);
		if (g->nodes[v].title != NO_STRING)
		{
			appendStringInfoString(&buf, ", tooltip=");
			dot_append_string(&buf, skill_string(g, g->nodes[v].title));
		}
		appendStringInfoString(&buf, "];\n");
		pfree(label.data);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int i = 0; i < g->n; i++)
	{
		int32		v = g->topo[i];

		for (int k = g->enables_start[v]; k < g->enables_start[v + 1]; k++)
		{
			appendStringInfoString(&buf, "  ");
			dot_append_string(&buf, skill_code(g, v));
			appendStringInfoString(&buf, " -> ");
			dot_append_string(&buf, skill_code(g, g->enables[k]));
			appendStringInfoString(&buf, ";\n");
		}
		for (int k = g->wholes_start[v]; k < g->wholes_start[v + 1]; k++)
		{
			appendStringInfoString(&buf, "  ");
			dot_append_string(&buf, skill_code(g, v));
			appendStringInfoString(&buf, " -> ");
			dot_append_string(&buf, skill_code(g, g->wholes[k]));
			appendStringInfoString(&buf, " [style=dashed, arrowhead=empty];\n");
		}
	}
	appendStringInfoString(&buf, "}\n");
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

/*
 * learning_path_to_dot(g, profile, targets, threshold): one learner's path
 * as a picture: the path's skills (ready gold, not yet ready grey) and the
 * mastered skills they build on directly (green), with the prerequisites
 * that hold between them as the path reads them (a whole's prerequisites
 * drawn to its standards), each skill labeled with its step and value.
 */
static Datum
path_dot(FunctionCallInfo fcinfo, Datum *codes, bool *nulls, int ncodes)
{
	GraphView  *g = path_graph_argument(fcinfo, 0);
	const LearnerProfile *p = path_profile_argument(fcinfo, 1);
	double		threshold = threshold_argument(fcinfo, 3);
	LeafGraph  *lg = leaf_graph(g);
	int			npath = path_skills(g, lg, p, codes, nulls, ncodes, threshold);
	int32	   *order = palloc(sizeof(int32) * Max(npath, 1));
	int32	   *step_of = palloc0(sizeof(int32) * Max(g->n, 1));
	uint32		context;
	StringInfoData buf;

	if (npath > 0)
		order_path(g, lg, npath, order);
	for (int i = 0; i < npath; i++)
		step_of[order[i]] = i + 1;
	context = graph_new_stamp(g);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "digraph learning_path {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n");
	appendStringInfoString(&buf, "  // ready to learn: gold, not yet ready: lightgrey, mastered prerequisites: palegreen\n");
	/* the mastered skills the path builds on directly */
	for (int i = 0; i < npath; i++)
		for (int k = lg->requires_start[lg->path[i]]; k < lg->requires_start[lg->path[i] + 1]; k++)
			g->mark[lg->requires[k]] = context;
	for (int i = 0; i < lg->nleaves; i++)
	{
		int32		v = lg->leaf_topo[i];
		bool		on_path = lg->on_path[v] == lg->path_stamp;
		StringInfoData label;

		if (!on_path && g->mark[v] != context)
			continue;
		initStringInfo(&label);
		if (on_path)
			appendStringInfo(&label, "%d. ", step_of[v]);
		appendStringInfoString(&label, skill_code(g, v));
		if (lg->seen[v] == lg->stamp && !isnan(lg->value[v]))
		{
			appendStringInfoString(&label, "\n");
			append_exact_float8(&label, round(lg->value[v] * 100.0) / 100.0);
		}
		appendStringInfoString(&buf, "  ");
		dot_append_string(&buf, skill_code(g, v));
		appendStringInfoString(&buf, " [label=");
		dot_append_string(&buf, label.data);
		appendStringInfo(&buf, ", fillcolor=%s", !on_path ? "palegreen" :
						 is_ready(lg, v, threshold) ? "gold" : "lightgrey");
		if (g->nodes[v].title != NO_STRING)
		{
			appendStringInfoString(&buf, ", tooltip=");
			dot_append_string(&buf, skill_string(g, g->nodes[v].title));
		}
		appendStringInfoString(&buf, "];\n");
		pfree(label.data);
	}
	for (int i = 0; i < npath; i++)
	{
		int32		v = lg->path[i];

		for (int k = lg->requires_start[v]; k < lg->requires_start[v + 1]; k++)
		{
			appendStringInfoString(&buf, "  ");
			dot_append_string(&buf, skill_code(g, lg->requires[k]));
			appendStringInfoString(&buf, " -> ");
			dot_append_string(&buf, skill_code(g, v));
			appendStringInfoString(&buf, ";\n");
		}
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "}\n");
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

PG_FUNCTION_INFO_V1(learning_path_to_dot_one);
Datum
learning_path_to_dot_one(PG_FUNCTION_ARGS)
{
	Datum		code = PG_GETARG_DATUM(2);
	bool		isnull = PG_ARGISNULL(2);

	return path_dot(fcinfo, &code, &isnull, 1);
}

PG_FUNCTION_INFO_V1(learning_path_to_dot_many);
Datum
learning_path_to_dot_many(PG_FUNCTION_ARGS)
{
	ArrayType  *targets;
	Datum	   *codes;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("targets of learning_path_to_dot must not be null")));
	targets = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(targets) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("targets of learning_path_to_dot must be a one-dimensional array")));
	deconstruct_array(targets, TEXTOID, -1, false, TYPALIGN_INT, &codes, &nulls, &n);
	return path_dot(fcinfo, codes, nulls, n);
}
