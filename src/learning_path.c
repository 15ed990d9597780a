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
 * it, in space linear in the graph (leaf_graph.c); per learner, a call
 * maps the profile onto the graph (a binary search per profile entry) and
 * walks arrays it reuses, so 10^5 learners cost 10^5 walks and no
 * allocation that grows with the graph.
 */
#include "leaf_graph.h"
#include "learner_profile.h"

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

/* A picture draws every effective prerequisite of each path skill: at most this many */
#define PATH_DOT_MAX_EDGES 1000000

/* The path's scratch, on the first path of the graph */
static void
path_scratch(GraphView *g, LeafGraph *lg)
{
	MemoryContext old;

	if (lg->on_path != NULL)
		return;
	old = MemoryContextSwitchTo(g->cxt);
	lg->on_path = palloc0(sizeof(uint32) * Max(lg->nnodes, 1));
	lg->path = palloc(sizeof(int32) * Max(g->n, 1));
	lg->reached = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	lg->indegree = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	lg->unlocks = palloc(sizeof(int32) * Max(g->n, 1));
	lg->heap = palloc(sizeof(int32) * Max(g->n, 1));
	lg->slot = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	lg->visit = palloc0(sizeof(uint32) * Max(lg->nnodes, 1));
	MemoryContextSwitchTo(old);
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
		memset(lg->known, 0, sizeof(uint32) * Max(lg->nnodes, 1));
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

/*
 * Whether every leaf that reaches virtual node x through virtual nodes
 * alone is mastered, for the profile placed: a walk back from x, each
 * virtual node settled once per profile.  The first leaf not mastered
 * settles every node on the walk's stack, all of which wait for it.
 */
static bool
virtual_done(LeafGraph *lg, int32 x, double threshold)
{
	int32		top = 0;
	int32		steps = 0;

	if (lg->known[x] == lg->stamp)
		return lg->done[x];
	lg->cursor[x] = lg->pred_start[x];
	lg->stack[top++] = x;
	while (top > 0)
	{
		int32		t = lg->stack[top - 1];
		int32		q;
		bool		missing;

		if (lg->cursor[t] == lg->pred_start[t + 1])
		{
			lg->known[t] = lg->stamp;
			lg->done[t] = true;
			top--;
			continue;
		}
		q = lg->pred[lg->cursor[t]++];
		if (node_is_leaf(lg, q))
			missing = !is_mastered(lg, q, threshold);
		else if (lg->known[q] == lg->stamp)
			missing = !lg->done[q];
		else
		{
			lg->cursor[q] = lg->pred_start[q];
			lg->stack[top++] = q;
			continue;
		}
		if (missing)
			while (top > 0)
			{
				t = lg->stack[--top];
				lg->known[t] = lg->stamp;
				lg->done[t] = false;
			}
		if ((++steps & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return lg->done[x];
}

/* All effective prerequisites of leaf v mastered */
static bool
is_ready(LeafGraph *lg, int v, double threshold)
{
	for (int32 k = lg->pred_start[v]; k < lg->pred_start[v + 1]; k++)
	{
		int32		q = lg->pred[k];

		if (node_is_leaf(lg, q) ? !is_mastered(lg, q, threshold) : !virtual_done(lg, q, threshold))
			return false;
	}
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
	Tuplestorestate *store;
	int32	   *ready;
	int			n;

	profile_check_threshold(p, threshold, "ready_skills");
	store = begin_rows(fcinfo, "skill", &desc);
	ready = palloc(sizeof(int32) * Max(g->n, 1));
	n = profile_ready_skills(g, p, threshold, ready);

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

/* slot[] of a virtual node in count_unlocks */
#define SET_NONE	(-1)		/* no path skill reaches it */
#define SET_EMPTY	(-2)		/* it leads to no path skill */
#define SET_PENDING (-3)

/* The path skills node x leads to through virtual nodes alone, each once */
static int32
count_forward(LeafGraph *lg, int32 x)
{
	uint32		stamp;
	int32		top = 0;
	int32		count = 0;
	int32		steps = 0;

	if (++lg->visit_stamp == 0)
	{
		memset(lg->visit, 0, sizeof(uint32) * Max(lg->nnodes, 1));
		lg->visit_stamp = 1;
	}
	stamp = lg->visit_stamp;
	lg->visit[x] = stamp;
	lg->stack[top++] = x;
	while (top > 0)
	{
		int32		t = lg->stack[--top];

		for (int32 k = lg->succ_start[t]; k < lg->succ_start[t + 1]; k++)
		{
			int32		s = lg->succ[k];

			if (lg->on_path[s] != lg->path_stamp || lg->visit[s] == stamp)
				continue;
			lg->visit[s] = stamp;
			if (node_is_leaf(lg, s))
				count++;
			else
				lg->stack[top++] = s;
		}
		if ((++steps & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return count;
}

/*
 * Beyond PATH_EXACT_UNLOCKS: the path skills that need each path skill
 * directly, each counted once.  The parts of a whole lead on through one
 * virtual node alone, and share its count (slot[]).
 */
static void
direct_unlocks(LeafGraph *lg, int npath)
{
	for (int32 r = 0; r < lg->nreached; r++)
		if (!node_is_leaf(lg, lg->reached[r]))
			lg->slot[lg->reached[r]] = -1;
	for (int i = 0; i < npath; i++)
	{
		int32		v = lg->path[i];
		int32		nnext = 0;
		int32		only = -1;

		for (int32 k = lg->succ_start[v]; k < lg->succ_start[v + 1]; k++)
			if (lg->on_path[lg->succ[k]] == lg->path_stamp)
			{
				nnext++;
				only = lg->succ[k];
			}
		if (nnext == 1 && !node_is_leaf(lg, only))
		{
			if (lg->slot[only] < 0)
				lg->slot[only] = count_forward(lg, only);
			lg->unlocks[v] = lg->slot[only];
		}
		else
			lg->unlocks[v] = count_forward(lg, v);
	}
}

/*
 * How much of the path each path skill unlocks: the path skills that need
 * it, directly or through others.  Exact with one bitset per path skill up
 * to PATH_EXACT_UNLOCKS skills; beyond, the direct dependents on the path.
 * Exactly: backwards through the path's nodes, a path skill's set holds
 * itself and the sets of what follows it; a virtual node has the set of
 * what follows it, shared when only one thing does.
 */
static void
count_unlocks(GraphView *g, LeafGraph *lg, int npath)
{
	Size		words = ((Size) npath + 63) / 64;
	int32		nsets = npath;

	for (int i = 0; i < npath; i++)
		lg->slot[lg->path[i]] = i;
	if (npath > PATH_EXACT_UNLOCKS)
	{
		direct_unlocks(lg, npath);
		return;
	}
	/* forwards: the virtual nodes a path skill reaches, and how many need a set */
	for (int32 r = 0; r < lg->nreached; r++)
	{
		int32		x = lg->reached[r];
		int32		nnext = 0;

		if (node_is_leaf(lg, x))
			continue;
		lg->slot[x] = SET_NONE;
		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
		{
			int32		q = lg->pred[k];

			if (lg->on_path[q] == lg->path_stamp && (node_is_leaf(lg, q) || lg->slot[q] != SET_NONE))
			{
				lg->slot[x] = SET_PENDING;
				break;
			}
		}
		if (lg->slot[x] == SET_NONE)
			continue;
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
			nnext += lg->on_path[lg->succ[k]] == lg->path_stamp;
		nsets += nnext > 1;
	}
	if ((Size) nsets > MaxAllocSize / sizeof(uint64) / words)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the learning path branches too often to rank its steps"),
				 errdetail("Its %d skills and the wholes between them need %d sets of what each step unlocks.",
						   npath, nsets)));
	if (lg->bits_words < words * nsets)
	{
		MemoryContext old = MemoryContextSwitchTo(g->cxt);

		if (lg->bits)
			pfree(lg->bits);
		lg->bits_words = Max(words * nsets, lg->bits_words * 2);
		lg->bits = palloc_extended(sizeof(uint64) * lg->bits_words, MCXT_ALLOC_HUGE);
		MemoryContextSwitchTo(old);
	}
	memset(lg->bits, 0, sizeof(uint64) * words * nsets);
	nsets = npath;
	for (int32 r = lg->nreached - 1; r >= 0; r--)
	{
		int32		x = lg->reached[r];
		bool		leaf = node_is_leaf(lg, x);
		int32		nnext = 0;
		int32		only = SET_EMPTY;
		int32		mine;
		uint64	   *set;

		if (!leaf && lg->slot[x] == SET_NONE)
			continue;
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
			if (lg->on_path[lg->succ[k]] == lg->path_stamp)
			{
				nnext++;
				only = lg->slot[lg->succ[k]];
			}
		if (!leaf && nnext <= 1)
		{
			lg->slot[x] = only;
			continue;
		}
		mine = leaf ? lg->slot[x] : nsets++;
		set = lg->bits + words * mine;
		if (leaf)
			set[mine / 64] |= UINT64CONST(1) << (mine % 64);
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
		{
			int32		s = lg->succ[k];
			const uint64 *next;

			if (lg->on_path[s] != lg->path_stamp || lg->slot[s] == SET_EMPTY)
				continue;
			next = lg->bits + words * lg->slot[s];
			for (Size w = 0; w < words; w++)
				set[w] |= next[w];
		}
		if (leaf)
		{
			int			count = 0;

			for (Size w = 0; w < words; w++)
				count += pg_popcount64(set[w]);
			lg->unlocks[x] = count - 1;
		}
		else
			lg->slot[x] = mine;
		if ((r & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * The skills of the path (not yet ordered) into lg->path, in topological
 * order, marked in lg->on_path with the virtual nodes that lead to them
 * (lg->reached, in topological order too); returns how many skills.
 */
static int
path_skills(GraphView *g, LeafGraph *lg, const LearnerProfile *p, Datum *codes, bool *nulls,
			int ncodes, double threshold)
{
	int32	   *stack;
	int32		top;
	int32		steps = 0;
	int			npath = 0;

	place_profile(lg, g, p, threshold);
	path_scratch(g, lg);
	if (++lg->path_stamp == 0)
	{
		memset(lg->on_path, 0, sizeof(uint32) * Max(lg->nnodes, 1));
		lg->path_stamp = 1;
	}
	stack = lg->stack;
	top = collect_targets(g, lg, codes, nulls, ncodes, threshold, stack);
	/* back from the targets: through virtual nodes, and skills not mastered */
	while (top > 0)
	{
		int32		x = stack[--top];

		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
		{
			int32		q = lg->pred[k];

			if (lg->on_path[q] == lg->path_stamp ||
				(node_is_leaf(lg, q) && is_mastered(lg, q, threshold)))
				continue;
			lg->on_path[q] = lg->path_stamp;
			stack[top++] = q;
		}
		if ((++steps & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	lg->nreached = 0;
	for (int32 i = 0; i < lg->norder; i++)
	{
		int32		x = lg->order[i];

		if (lg->on_path[x] != lg->path_stamp)
			continue;
		lg->reached[lg->nreached++] = x;
		if (node_is_leaf(lg, x))
			lg->path[npath++] = x;
	}
	return npath;
}

/*
 * The steps of the path: Kahn's order over the path's skills, the best
 * available skill first (see path_heap), virtual nodes passed as soon as
 * what they wait for is placed.  Fills order[0 .. npath - 1].
 */
static void
order_path(GraphView *g, LeafGraph *lg, int npath, int32 *order)
{
	int32	   *free_nodes = lg->stack;
	int32		nfree = 0;
	int			nheap = 0;
	int			step = 0;
	int32		steps = 0;

	count_unlocks(g, lg, npath);
	for (int32 r = 0; r < lg->nreached; r++)
	{
		int32		x = lg->reached[r];

		lg->indegree[x] = 0;
		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
			lg->indegree[x] += lg->on_path[lg->pred[k]] == lg->path_stamp;
		if (lg->indegree[x] > 0)
			continue;
		if (node_is_leaf(lg, x))
			path_heap_push(lg, &nheap, x);
		else
			free_nodes[nfree++] = x;
	}
	for (;;)
	{
		int32		x;

		if (nfree > 0)
			x = free_nodes[--nfree];
		else if (nheap > 0)
			order[step++] = x = path_heap_pop(lg, &nheap);
		else
			break;
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
		{
			int32		s = lg->succ[k];

			if (lg->on_path[s] != lg->path_stamp || --lg->indegree[s] > 0)
				continue;
			if (node_is_leaf(lg, s))
				path_heap_push(lg, &nheap, s);
			else
				free_nodes[nfree++] = s;
		}
		if ((++steps & 1023) == 0)
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

	profile_check_threshold(p, threshold, "learning_path");
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

	profile_check_threshold(p, threshold, "skill_graph_to_dot");
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

/* The edges of a path's picture: a line per effective prerequisite of a path skill */
typedef struct DrawnEdges
{
	const GraphView *g;
	StringInfo	buf;
	int32		skill;
	int64		count;
	int			npath;
} DrawnEdges;

static bool
draw_prerequisite(void *arg, int32 q)
{
	DrawnEdges *edges = arg;

	/* the pairs a whole's prerequisites make are drawn one by one: bound them */
	if (++edges->count > PATH_DOT_MAX_EDGES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learning path picture would draw more than %d prerequisite edges",
						PATH_DOT_MAX_EDGES),
				 errdetail("A prerequisite of a whole is drawn to each of its parts, for each of the %d skills of the path.",
						   edges->npath),
				 errhint("Draw the path toward fewer targets, or list its steps with learning_path().")));
	appendStringInfoString(edges->buf, "  ");
	dot_append_string(edges->buf, skill_code(edges->g, q));
	appendStringInfoString(edges->buf, " -> ");
	dot_append_string(edges->buf, skill_code(edges->g, edges->skill));
	appendStringInfoString(edges->buf, ";\n");
	return true;
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
	int			npath;
	int32	   *order;
	int32	   *step_of;
	uint32		context;
	StringInfoData buf;
	DrawnEdges	edges;

	profile_check_threshold(p, threshold, "learning_path_to_dot");
	npath = path_skills(g, lg, p, codes, nulls, ncodes, threshold);
	order = palloc(sizeof(int32) * Max(npath, 1));
	step_of = palloc0(sizeof(int32) * Max(g->n, 1));

	if (npath > 0)
		order_path(g, lg, npath, order);
	for (int i = 0; i < npath; i++)
		step_of[order[i]] = i + 1;
	context = graph_new_stamp(g);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "digraph learning_path {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n");
	appendStringInfoString(&buf, "  // ready to learn: gold, not yet ready: lightgrey, mastered prerequisites: palegreen\n");
	/* the mastered skills the path builds on directly: those leading to it */
	for (int32 r = 0; r < lg->nreached; r++)
	{
		int32		x = lg->reached[r];

		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
			if (node_is_leaf(lg, lg->pred[k]))
				g->mark[lg->pred[k]] = context;
	}
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
	edges.g = g;
	edges.buf = &buf;
	edges.count = 0;
	edges.npath = npath;
	for (int i = 0; i < npath; i++)
	{
		edges.skill = lg->path[i];
		each_effective_prerequisite(g, lg, lg->path[i], draw_prerequisite, &edges);
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
