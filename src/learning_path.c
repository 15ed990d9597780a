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

/* A skill is mastered when its value is at or above the threshold */
static inline bool
is_mastered(const LeafGraph *lg, int v, double threshold)
{
	return (lg->seen[v] == lg->stamp && !isnan(lg->value[v]) && lg->value[v] >= threshold) ||
		lg->covered[v] == lg->stamp;
}

/*
 * The profile has evidence on skill v: an entry, with a value or not (a
 * streak not yet reached is evidence too), or a whole above it assessed
 * as a whole and not mastered
 */
static inline bool
is_assessed(const LeafGraph *lg, int v)
{
	return lg->seen[v] == lg->stamp || lg->held[v] == lg->stamp;
}

/* Leaf v is mastered: a start of the walk in imply_prerequisites, once */
static inline void
mastered_source(LeafGraph *lg, int32 v, int32 *top)
{
	if (lg->implied[v] == lg->stamp)
		return;
	lg->implied[v] = lg->stamp;
	lg->stack[(*top)++] = v;
}

/*
 * A mastered skill stands for its prerequisites, as in a knowledge space:
 * those never assessed count as mastered, and so on back through them.
 * Evidence wins over the inference: a prerequisite with evidence that does
 * not make it mastered (a value below the threshold, evidence without a
 * value, a whole above it rated below the threshold) stays unmastered and
 * the walk stops there.  Without this,
 * ready_skills would send a learner who has mastered "round" back to its
 * unassessed prerequisite "place value" while their learning path (which
 * stops at mastered skills) would not; one rule serves both.  The walk
 * goes back from the mastered leaves on the stack, through virtual nodes
 * and unassessed leaves, each node once per profile.
 */
static void
imply_prerequisites(LeafGraph *lg, double threshold, int32 top)
{
	int32		steps = 0;

	while (top > 0)
	{
		int32		x = lg->stack[--top];

		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
		{
			int32		q = lg->pred[k];

			if (lg->implied[q] == lg->stamp)
				continue;
			if (node_is_leaf(lg, q) && !is_mastered(lg, q, threshold))
			{
				if (is_assessed(lg, q))
					continue;
				lg->covered[q] = lg->stamp;
			}
			lg->implied[q] = lg->stamp;
			lg->stack[top++] = q;
		}
		if ((++steps & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Puts the profile's values on the graph (skills off the graph are
 * ignored).  A whole the profile rates at or above the threshold (a
 * standard assessed as a whole) covers the standards and components under
 * it: they count as mastered.  Then the unassessed prerequisites of
 * mastered skills count as mastered too (imply_prerequisites).
 */
static void
place_profile(LeafGraph *lg, GraphView *g, const LearnerProfile *p, double threshold)
{
	int32		top = 0;

	if (++lg->stamp == 0)
	{
		memset(lg->seen, 0, sizeof(uint32) * Max(lg->n, 1));
		memset(lg->covered, 0, sizeof(uint32) * Max(lg->n, 1));
		memset(lg->known, 0, sizeof(uint32) * Max(lg->nnodes, 1));
		memset(lg->implied, 0, sizeof(uint32) * Max(lg->nnodes, 1));
		memset(lg->held, 0, sizeof(uint32) * Max(lg->n, 1));
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
		if (lg->is_leaf[v] && (e->flags & ENTRY_HAS_MASTERY) && e->mastery >= threshold)
			mastered_source(lg, v, &top);
		/* a whole assessed as such covers its standards; a rolled-up one does not */
		else if (!lg->is_leaf[v] && (e->flags & ENTRY_HAS_MASTERY) && !(e->flags & ENTRY_ROLLED_UP) &&
				 e->mastery >= threshold)
		{
			int			nbelow = graph_reach(g, v, g->parts_start, g->parts, true);

			for (int b = 0; b < nbelow; b++)
			{
				lg->covered[g->found[b]] = lg->stamp;
				if (lg->is_leaf[g->found[b]])
					mastered_source(lg, g->found[b], &top);
			}
		}
		/* assessed as a whole and not mastered: evidence on each part */
		else if (!lg->is_leaf[v] && !(e->flags & ENTRY_ROLLED_UP))
		{
			int			nbelow = graph_reach(g, v, g->parts_start, g->parts, true);

			for (int b = 0; b < nbelow; b++)
				lg->held[g->found[b]] = lg->stamp;
		}
	}
	imply_prerequisites(lg, threshold, top);
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

/*
 * A heap of its own rather than lib/binaryheap.h: with binaryheap's
 * comparator called through a pointer on Datum slots, a path of 120,000
 * steps (bench/whole_prerequisites.sql, part_dependents) took 103 ms
 * against 96 (medians of 6 x 7 runs, the two builds alternating).
 */
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

/*
 * Beyond PATH_EXACT_UNLOCKS, a path skill unlocks the path skills that need
 * it directly: those it reaches through virtual nodes alone, each counted
 * once.  A walk per path skill costs the path times the wholes' reach (N
 * parts of a whole that N skills need each reach all N: N^2 steps), so a
 * count is shared wherever two ways into a set cannot meet.
 *
 * Successor s of virtual node x is private to x when x is its only virtual
 * predecessor on the path and s is a leaf or has private successors only (a
 * tree node).  What lies under s is then reached through x alone: x's
 * private successors head disjoint trees, and x's private count is the sum
 * of theirs.  The other successors are shared: merge points (two virtual
 * predecessors or more) and the nodes that lead to one.  A node's count is
 * its private count plus the path skills its shared successors reach, each
 * once: a sum of counts already known when those are leaves alone or one
 * virtual node, else a walk of the shared nodes (walk_shared), which counts
 * each tree below them whole.
 *
 * A path skill v sorts its successors the same way.  One that heads a tree
 * and that no virtual node leads to is v's own: its count adds.  One inside
 * a tree is reached a second way only through an ancestor in that tree:
 * another of v's successors (the trees are numbered in preorder, so an
 * ancestor's interval holds its descendants') or the tree's root, which v
 * lists or reaches through its shared successors (their walk marks it).  The
 * rest are shared, as for a virtual node; path skills with the same shared
 * successors (parts of the same wholes) share one walk.
 *
 * These are the counts a walk per path skill gives, in time linear in the
 * path's nodes and edges, plus the walks, which only dependents reached two
 * ways need (a skill that needs two wholes with parts in common).  There is
 * no exact method much below quadratic for every shape: with parts in
 * several wholes and wholes before several skills, the counts tell whether
 * every part's wholes lead to every skill, which is the orthogonal vectors
 * problem.  So the walks take PATH_UNLOCKS_WALK_STEPS steps in all, or
 * PATH_UNLOCKS_WALK_STEPS_PER_EDGE per node and edge of the path if more
 * (about 0.2 s); past that, every count that needs a walk is the sum of the
 * counts of what it leads to instead, a skill reached two ways counted twice.
 */
#define PATH_UNLOCKS_WALK_STEPS (INT64CONST(1) << 27)
#define PATH_UNLOCKS_WALK_STEPS_PER_EDGE 16

typedef struct UnlockWalks
{
	LeafGraph  *lg;
	int32		npath;
	int64		budget;			/* steps the walks may still take; -1: none */
	/* path skills with the same shared successors (parts of the same wholes) share a walk */
	StringTable walked;			/* the successors, sorted, as bytes */
	int32	   *walked_count;	/* per entry */
	Size		walked_cap;
} UnlockWalks;

/* The direct_unlocks scratch, on the first path beyond the exact count */
static void
unlocks_scratch(GraphView *g, LeafGraph *lg)
{
	MemoryContext old;
	Size		nodes = sizeof(int32) * Max(lg->nnodes, 1);

	if (lg->private_count != NULL)
		return;
	old = MemoryContextSwitchTo(g->cxt);
	lg->private_count = palloc(nodes);
	lg->shared_start = palloc(nodes);
	lg->shared_end = palloc(nodes);
	/* the shared successors are some of the edges: pred_start[nnodes] < PG_INT32_MAX / 2 */
	lg->shared = palloc_extended(sizeof(int32) * Max(lg->pred_start[lg->nnodes], 1), MCXT_ALLOC_HUGE);
	lg->count_base = palloc(nodes);
	lg->count_walk = palloc(nodes);
	lg->count_bound = palloc(nodes);
	lg->tree_first = palloc(nodes);
	lg->tree_end = palloc(nodes);
	lg->tree_root = palloc(nodes);
	lg->successors = palloc(nodes);
	MemoryContextSwitchTo(old);
}

static uint32
next_visit_stamp(LeafGraph *lg)
{
	if (++lg->visit_stamp == 0)
	{
		memset(lg->visit, 0, sizeof(uint32) * Max(lg->nnodes, 1));
		lg->visit_stamp = 1;
	}
	return lg->visit_stamp;
}

/* Every successor private: a leaf, or a virtual node without shared successors */
static inline bool
is_tree(const LeafGraph *lg, int32 x)
{
	return node_is_leaf(lg, x) || lg->shared_start[x] == lg->shared_end[x];
}

/* Reached only through its one virtual predecessor, and so is all under it */
static inline bool
is_private(const LeafGraph *lg, int32 x)
{
	return lg->indegree[x] == 1 && is_tree(lg, x);
}

/* The path skills in a tree node and under it */
static inline int32
tree_count(const LeafGraph *lg, int32 x)
{
	return node_is_leaf(lg, x) ? 1 : lg->private_count[x];
}

/*
 * The path skills reached from starts[] (shared nodes), each once: the
 * shared nodes are marked in visit[] (lg->visit_stamp), the trees below
 * them counted whole.  Returns -1, and leaves no budget, when the walks'
 * steps run out.
 */
static int64
walk_shared(UnlockWalks *w, const int32 *starts, int32 nstarts)
{
	LeafGraph  *lg = w->lg;
	uint32		stamp;
	int32		top = 0;
	int64		count = 0;
	int64		steps = 0;
	int32		nodes = 0;

	if (w->budget < 0)
		return -1;
	stamp = next_visit_stamp(lg);
	for (int32 i = 0; i < nstarts; i++)
	{
		int32		x = starts[i];

		if (lg->visit[x] == stamp)
			continue;
		lg->visit[x] = stamp;
		if (node_is_leaf(lg, x))
			count++;
		else
			lg->stack[top++] = x;
	}
	while (top > 0)
	{
		int32		y = lg->stack[--top];

		count += lg->private_count[y];
		steps += 1 + lg->shared_end[y] - lg->shared_start[y];
		if (steps > w->budget)
		{
			w->budget = -1;
			return -1;
		}
		for (int32 k = lg->shared_start[y]; k < lg->shared_end[y]; k++)
		{
			int32		s = lg->shared[k];

			if (lg->visit[s] == stamp)
				continue;
			lg->visit[s] = stamp;
			if (node_is_leaf(lg, s))
				count++;
			else
				lg->stack[top++] = s;
		}
		if ((++nodes & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	w->budget -= steps;
	return count;
}

/*
 * The path skills virtual node x reaches, each once: count_base[x], plus
 * the count of count_walk[x] if any, a node whose count is a walk (its
 * count_base is -1 until walked).
 */
static int32
node_unlocks(UnlockWalks *w, int32 x)
{
	LeafGraph  *lg = w->lg;
	int32		walked = lg->count_walk[x];

	if (walked < 0)
		return lg->count_base[x];
	if (lg->count_base[walked] < 0)
	{
		int64		count = walk_shared(w, &walked, 1);

		lg->count_base[walked] = count >= 0 ? (int32) count : lg->count_bound[walked];
	}
	if (walked == x)
		return lg->count_base[x];
	return (int32) Min((int64) lg->count_base[x] + lg->count_base[walked], w->npath);
}

static int
compare_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static int
compare_tree_first(const void *a, const void *b, void *arg)
{
	const int32 *first = arg;
	int32		fa = first[*(const int32 *) a];
	int32		fb = first[*(const int32 *) b];

	return (fa > fb) - (fa < fb);
}

/* The path skills path skill v reaches, each once (see above) */
static int32
path_skill_unlocks(UnlockWalks *w, int32 v)
{
	LeafGraph  *lg = w->lg;
	int32	   *shared = lg->successors;
	int32	   *under = lg->successors + lg->nnodes - 1;	/* grows down */
	int32		nshared = 0;
	int32		nunder = 0;
	int32		nuncertain = 0;
	int64		count = 0;

	/* slot[]: the path skill that listed a node last */
	for (int32 k = lg->succ_start[v]; k < lg->succ_start[v + 1]; k++)
	{
		int32		s = lg->succ[k];

		if (lg->on_path[s] != lg->path_stamp || lg->slot[s] == v)
			continue;
		lg->slot[s] = v;
		if (lg->indegree[s] == 0 && is_tree(lg, s))
			count += tree_count(lg, s);
		else if (is_private(lg, s))
			under[-nunder++] = s;
		else
			shared[nshared++] = s;
	}
	if (nunder > 0)
	{
		int32	   *kept = under - (nunder - 1);
		int32		nkept = 0;
		int32		end = 0;

		/* not under a root v lists; then not under another one v lists */
		for (int32 i = 0; i < nunder; i++)
			if (lg->slot[lg->tree_root[kept[i]]] != v)
				kept[nkept++] = kept[i];
		if (nkept > 1)
			qsort_arg(kept, nkept, sizeof(int32), compare_tree_first, lg->tree_first);
		nunder = 0;
		for (int32 i = 0; i < nkept; i++)
		{
			int32		s = kept[i];

			if (lg->tree_first[s] < end)
				continue;
			end = lg->tree_end[s];
			count += tree_count(lg, s);
			/* a root that virtual nodes lead to may be reached from the shared nodes */
			if (lg->indegree[lg->tree_root[s]] > 0)
				kept[nuncertain++] = s;
		}
		under = kept;
	}
	if (nshared == 1 && nuncertain == 0)
		count += node_is_leaf(lg, shared[0]) ? 1 : node_unlocks(w, shared[0]);
	else if (nshared > 0)
	{
		int64		walked = -1;
		int64		entry = -1;
		uint32		hash = 0;

		/* a walk whose count is all v needs: perhaps one for the same successors */
		if (nuncertain == 0 && w->budget >= 0)
		{
			qsort(shared, nshared, sizeof(int32), compare_int32);
			entry = string_table_find(&w->walked, (const char *) shared, sizeof(int32) * nshared, &hash);
			if (entry >= 0)
				walked = w->walked_count[entry];
		}
		if (entry < 0)
		{
			walked = walk_shared(w, shared, nshared);
			if (walked >= 0 && nuncertain == 0)
			{
				entry = string_table_add(&w->walked, (const char *) shared, sizeof(int32) * nshared, hash);
				w->walked_count = grow_array(w->walked.cxt, w->walked_count, &w->walked_cap, entry + 1,
											 sizeof(int32), 64, PG_INT32_MAX);
				w->walked_count[entry] = (int32) walked;
			}
		}
		if (walked >= 0)
		{
			count += walked;
			for (int32 i = 0; i < nuncertain; i++)
				if (lg->visit[lg->tree_root[under[i]]] == lg->visit_stamp)
					count -= tree_count(lg, under[i]);
		}
		else
			for (int32 i = 0; i < nshared; i++)
				count += node_is_leaf(lg, shared[i]) ? 1 : node_unlocks(w, shared[i]);
	}
	return (int32) Min(count, w->npath);
}

/*
 * Beyond PATH_EXACT_UNLOCKS: the path skills that need each path skill
 * directly, each counted once (see above).
 */
static void
direct_unlocks(GraphView *g, LeafGraph *lg, int npath)
{
	UnlockWalks w;
	int32		nshared = 0;
	int64		nedges = 0;
	int32		counter = 0;

	unlocks_scratch(g, lg);
	for (int32 r = 0; r < lg->nreached; r++)
	{
		lg->indegree[lg->reached[r]] = 0;
		lg->slot[lg->reached[r]] = -1;
	}
	for (int32 r = 0; r < lg->nreached; r++)
	{
		int32		x = lg->reached[r];
		bool		leaf = node_is_leaf(lg, x);

		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
			if (lg->on_path[lg->succ[k]] == lg->path_stamp)
			{
				nedges++;
				if (!leaf)
					lg->indegree[lg->succ[k]]++;
			}
	}

	/* backwards: private counts, shared successors, and counts by sums */
	for (int32 r = lg->nreached - 1; r >= 0; r--)
	{
		int32		x = lg->reached[r];
		int64		owned = 0;
		int64		bound = 0;
		int32		nleaves = 0;
		int32		only = -1;
		int32		nvirtual = 0;

		if (node_is_leaf(lg, x))
			continue;
		lg->shared_start[x] = nshared;
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
		{
			int32		s = lg->succ[k];

			if (lg->on_path[s] != lg->path_stamp)
				continue;
			if (is_private(lg, s))
				owned += tree_count(lg, s);
			else
			{
				lg->shared[nshared++] = s;
				if (node_is_leaf(lg, s))
				{
					nleaves++;
					bound++;
				}
				else
				{
					nvirtual++;
					only = s;
					bound += lg->count_bound[s];
				}
			}
		}
		lg->shared_end[x] = nshared;
		/* the trees under distinct private successors are disjoint: owned <= npath */
		lg->private_count[x] = (int32) owned;
		lg->count_bound[x] = (int32) Min(owned + bound, npath);
		lg->count_walk[x] = -1;
		if (nvirtual == 0 && nleaves > 1)
		{
			uint32		stamp = next_visit_stamp(lg);

			/* an edge twice would make a merge point of one predecessor: count it once */
			for (int32 k = lg->shared_start[x]; k < lg->shared_end[x]; k++)
				if (lg->visit[lg->shared[k]] != stamp)
				{
					lg->visit[lg->shared[k]] = stamp;
					owned++;
				}
			lg->count_base[x] = (int32) owned;
		}
		else if (nvirtual == 0)
			lg->count_base[x] = (int32) owned + nleaves;
		else if (nvirtual == 1 && nleaves == 0)
		{
			lg->count_walk[x] = lg->count_walk[only];
			lg->count_base[x] = (int32) owned + (lg->count_walk[only] == only ? 0 : lg->count_base[only]);
		}
		else
		{
			lg->count_base[x] = -1;
			lg->count_walk[x] = x;
		}
		if ((r & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	/* the trees of private successors, each node numbered in preorder */
	for (int32 r = 0; r < lg->nreached; r++)
	{
		int32		root = lg->reached[r];
		int32		top = 0;

		if (is_private(lg, root))
			continue;
		lg->tree_first[root] = counter++;
		lg->tree_root[root] = root;
		lg->cursor[root] = lg->succ_start[root];
		lg->stack[top++] = root;
		while (top > 0)
		{
			int32		t = lg->stack[top - 1];
			int32		s;

			if (node_is_leaf(lg, t) || lg->cursor[t] == lg->succ_start[t + 1])
			{
				lg->tree_end[t] = counter;
				top--;
				continue;
			}
			s = lg->succ[lg->cursor[t]++];
			if (lg->on_path[s] != lg->path_stamp || !is_private(lg, s))
				continue;
			lg->tree_first[s] = counter++;
			lg->tree_root[s] = root;
			lg->cursor[s] = lg->succ_start[s];
			lg->stack[top++] = s;
		}
		if ((r & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	w.lg = lg;
	w.npath = npath;
	memset(&w.walked, 0, sizeof(w.walked));
	w.walked.cxt = AllocSetContextCreate(CurrentMemoryContext, "path skills' walks", ALLOCSET_DEFAULT_SIZES);
	w.walked_count = NULL;
	w.walked_cap = 0;
	w.budget = Max(PATH_UNLOCKS_WALK_STEPS, PATH_UNLOCKS_WALK_STEPS_PER_EDGE * (lg->nreached + nedges));
	for (bool walks = true;; walks = false)
	{
		for (int i = 0; i < npath; i++)
		{
			lg->unlocks[lg->path[i]] = path_skill_unlocks(&w, lg->path[i]);
			if ((i & 4095) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (w.budget >= 0 || !walks)
			break;
		/* past the budget: again without any walk, so that one rule holds for every count */
		for (int32 r = 0; r < lg->nreached; r++)
		{
			int32		x = lg->reached[r];

			if (!node_is_leaf(lg, x) && lg->count_walk[x] == x)
				lg->count_base[x] = -1;
		}
	}
	MemoryContextDelete(w.walked.cxt);
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
		direct_unlocks(g, lg, npath);
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
