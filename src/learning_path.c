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
 * it, in space linear in the graph (see LeafGraph); per learner, a call
 * maps the profile onto the graph (a binary search per profile entry) and
 * walks arrays it reuses, so 10^5 learners cost 10^5 walks and no
 * allocation that grows with the graph.
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

/* A picture draws every effective prerequisite of each path skill: at most this many */
#define PATH_DOT_MAX_EDGES 1000000

/*
 * The effective prerequisites as a graph of the leaves and of virtual nodes
 * for the wholes: OUT(w), "every leaf under w is done", which w's parts
 * feed, and IN(w), "what every leaf under w waits for", which feeds w's
 * parts.  A prerequisite edge p -> s is one edge from p (OUT(p) when p is
 * a whole) to s (IN(s) when s is a whole).  Leaf q reaches leaf v through
 * virtual nodes alone exactly when q is an effective prerequisite of v, so
 * a whole of N parts that is a prerequisite of N skills is 2N edges here,
 * where the pairs between leaves were N x N: at N = 15,000 (2.25 x 10^8
 * pairs) a query took 11 to 55 s and 1.75 GB writing them out, and takes
 * under 0.1 s and 40 MB now (bench/whole_prerequisites.sql).  Readiness,
 * paths and their order are walks of this graph, and give what the pairs
 * gave.
 *
 * Node numbers: a skill's own index is the leaf, or OUT of a whole; IN
 * nodes, then copies that break_self_loops makes, follow from n on.  Only
 * the virtual nodes some prerequisite needs have edges.
 */
typedef struct LeafGraph
{
	int			n;				/* skills of the graph */
	int32		nnodes;			/* skills, IN nodes, copies */
	bool	   *is_leaf;		/* per skill */
	int32	   *pred_start;		/* per node: what it waits for */
	int32	   *pred;
	int32	   *succ_start;		/* and the reverse */
	int32	   *succ;
	int32	   *order;			/* every leaf and every node with an edge, topologically */
	int32		norder;
	int32		nleaves;
	int32	   *leaf_topo;		/* the leaves in that order (the framework's own for ties) */

	/* per call: the profile on the graph; value[v] is valid when seen[v] == stamp */
	uint32	   *seen;
	uint32		stamp;
	uint32	   *covered;		/* == stamp: a whole above it is mastered */
	double	   *value;			/* mastery, or NaN without one */
	double	   *share;			/* mastery / out_of, or -1 */
	uint32	   *known;			/* per node: == stamp when done[] holds for this profile */
	bool	   *done;			/* every leaf that reaches the virtual node is mastered */
	int32	   *cursor;			/* per node: the walk in virtual_done */
	int32	   *stack;			/* room for every node */
	/* per call: the path, allocated on first use */
	uint32	   *on_path;		/* per node: == path_stamp on the path, or leading to it */
	uint32		path_stamp;
	int32	   *path;			/* the path's skills, then their order */
	int32	   *reached;		/* the path's nodes, skills and virtual, topologically */
	int32		nreached;
	int32	   *indegree;		/* per node */
	int32	   *unlocks;		/* per skill */
	int32	   *heap;
	int32	   *slot;			/* per node: a path skill's position, a virtual node's set */
	uint32	   *visit;			/* per node: the walks of direct_unlocks */
	uint32		visit_stamp;
	uint64	   *bits;			/* unlocks, exactly: a bitset per path skill and branching node */
	Size		bits_words;
	/* the effective prerequisites of one leaf by name: each_effective_prerequisite */
	uint32	   *named;			/* per skill */
	uint32		named_stamp;
	int32	   *ups;
} LeafGraph;

static inline bool
node_is_leaf(const LeafGraph *lg, int32 x)
{
	return x < lg->n && lg->is_leaf[x];
}

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

static void *
huge_array(Size count, Size size)
{
	return palloc_extended(size * Max(count, 1), MCXT_ALLOC_HUGE);
}

static void
too_many_edges(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("the skill graph has too many prerequisites between its leaves"),
			 errdetail("Its prerequisites and part_of edges, read as prerequisites between its leaves, need more than %d edges.",
					   PG_INT32_MAX / 2)));
}

/* Edges of the virtual graph, counted (start == NULL) or written into pred lists */
typedef struct EdgeSink
{
	int32	   *count;			/* per node: its edges so far */
	const int32 *start;
	int32	   *pred;
} EdgeSink;

static inline void
add_edge(EdgeSink *sink, int32 from, int32 to)
{
	if (sink->start != NULL)
		sink->pred[sink->start[to] + sink->count[to]] = from;
	sink->count[to]++;
}

/*
 * The edges: a part feeds OUT of its whole when something needs that whole
 * done, IN of a whole feeds its parts when the whole waits for something,
 * and each prerequisite edge runs from its source's node to its target's.
 */
static void
virtual_edges(GraphView *g, const bool *is_leaf, const bool *need_out, const int32 *in_node,
			  EdgeSink *sink)
{
	for (int w = 0; w < g->n; w++)
	{
		if (is_leaf[w])
			continue;
		for (int k = g->parts_start[w]; k < g->parts_start[w + 1]; k++)
		{
			int32		c = g->parts[k];

			if (need_out[w])
				add_edge(sink, c, w);
			if (in_node[w] >= 0)
				add_edge(sink, in_node[w], is_leaf[c] ? c : in_node[c]);
		}
		if ((w & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int s = 0; s < g->n; s++)
		for (int k = g->requires_start[s]; k < g->requires_start[s + 1]; k++)
			add_edge(sink, g->requires[k], is_leaf[s] ? s : in_node[s]);
}

/* start[] from per-node counts, checked before the lists are allocated */
static int32
count_to_start(const int32 *count, int32 nnodes, int32 *start)
{
	int64		total = 0;

	for (int32 x = 0; x < nnodes; x++)
	{
		start[x] = (int32) total;
		total += count[x];
		if (total > PG_INT32_MAX / 2)
			too_many_edges();
	}
	start[nnodes] = (int32) total;
	return (int32) total;
}

/* The successor lists from the predecessor lists */
static void
reverse_lists(LeafGraph *lg)
{
	int32		nedges = lg->pred_start[lg->nnodes];
	int32	   *count = palloc0(sizeof(int32) * Max(lg->nnodes, 1));

	for (int32 k = 0; k < nedges; k++)
		count[lg->pred[k]]++;
	lg->succ_start = palloc(sizeof(int32) * (lg->nnodes + 1));
	count_to_start(count, lg->nnodes, lg->succ_start);
	lg->succ = huge_array(nedges, sizeof(int32));
	memset(count, 0, sizeof(int32) * Max(lg->nnodes, 1));
	for (int32 x = 0; x < lg->nnodes; x++)
	{
		for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
		{
			int32		q = lg->pred[k];

			lg->succ[lg->succ_start[q] + count[q]++] = x;
		}
		if ((x & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(count);
}

/*
 * The nodes in Kahn's order: a virtual node as soon as what it waits for
 * is placed, a leaf from a heap by the framework's topological order, so
 * the leaves come in the order the pairs between leaves gave them (the
 * same leaves are free at every step).  Leaves and nodes left out wait,
 * directly or not, for a loop: their indegree stays above 0.  Returns how
 * many leaves were placed.
 */
static int32
node_order(GraphView *g, LeafGraph *lg, int32 *indegree, int32 *heap, int32 *free_nodes)
{
	int			nheap = 0;
	int32		nfree = 0;

	lg->norder = 0;
	lg->nleaves = 0;
	for (int32 x = 0; x < lg->nnodes; x++)
	{
		indegree[x] = lg->pred_start[x + 1] - lg->pred_start[x];
		if (indegree[x] > 0)
			continue;
		if (node_is_leaf(lg, x))
			rank_heap_push(heap, &nheap, g->rank, x);
		else
			free_nodes[nfree++] = x;
	}
	for (;;)
	{
		int32		x;

		if (nfree > 0)
		{
			x = free_nodes[--nfree];
			if (lg->succ_start[x] == lg->succ_start[x + 1] &&
				lg->pred_start[x] == lg->pred_start[x + 1])
				continue;		/* a virtual node no prerequisite needs */
		}
		else if (nheap > 0)
		{
			x = rank_heap_pop(heap, &nheap, g->rank);
			lg->leaf_topo[lg->nleaves++] = x;
		}
		else
			break;
		lg->order[lg->norder++] = x;
		for (int32 k = lg->succ_start[x]; k < lg->succ_start[x + 1]; k++)
		{
			int32		s = lg->succ[k];

			if (--indegree[s] > 0)
				continue;
			if (node_is_leaf(lg, s))
				rank_heap_push(heap, &nheap, g->rank, s);
			else
				free_nodes[nfree++] = s;
		}
		if ((lg->norder & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return lg->nleaves;
}

/*
 * A leaf is never its own prerequisite, yet the virtual nodes can lead from
 * a leaf x back to x: x is under both p and s, and p is a prerequisite of s
 * (or x itself is a prerequisite of a whole above it).  The pairs skipped x
 * there: x waits for the rest of p, and the rest of s waits for x.  Such a
 * loop passes through no other leaf, so it is a strongly connected
 * component (Tarjan) with one leaf.  Its virtual nodes are copied for x
 * alone: a copy keeps the edges from outside and from the other copies,
 * none from x, and x waits for the copies instead of the originals, which
 * every other leaf still reads.  A component with two leaves or more is a
 * loop between leaves, left to node_order and report_leaf_loop.  Returns
 * whether a copy was made.
 */
static bool
break_self_loops(LeafGraph *lg)
{
	int32		nnodes = lg->nnodes;
	int32	   *index = palloc(sizeof(int32) * nnodes);
	int32	   *low = palloc(sizeof(int32) * nnodes);
	int32	   *cursor = palloc(sizeof(int32) * nnodes);
	int32	   *call = palloc(sizeof(int32) * nnodes);
	int32	   *members = palloc(sizeof(int32) * nnodes);
	int32	   *comp = palloc(sizeof(int32) * nnodes);
	int32	   *copy_of = palloc(sizeof(int32) * nnodes);
	bool	   *open = palloc0(sizeof(bool) * nnodes);
	int32		counter = 0;
	int32		nmembers = 0;
	int32		ncopies = 0;
	int32	   *count;
	int32	   *start;
	int32	   *pred;
	EdgeSink	sink;

	for (int32 x = 0; x < nnodes; x++)
	{
		index[x] = -1;
		comp[x] = -1;
		copy_of[x] = -1;
	}
	for (int32 root = 0; root < nnodes; root++)
	{
		int32		ncall = 0;

		if (index[root] >= 0)
			continue;
		index[root] = low[root] = counter++;
		members[nmembers++] = root;
		open[root] = true;
		cursor[root] = lg->succ_start[root];
		call[ncall++] = root;
		while (ncall > 0)
		{
			int32		v = call[ncall - 1];

			if (cursor[v] < lg->succ_start[v + 1])
			{
				int32		w = lg->succ[cursor[v]++];

				if (index[w] < 0)
				{
					index[w] = low[w] = counter++;
					members[nmembers++] = w;
					open[w] = true;
					cursor[w] = lg->succ_start[w];
					call[ncall++] = w;
				}
				else if (open[w])
					low[v] = Min(low[v], index[w]);
				continue;
			}
			ncall--;
			if (ncall > 0)
				low[call[ncall - 1]] = Min(low[call[ncall - 1]], low[v]);
			if (low[v] == index[v])
			{
				int32		first = nmembers;
				int32		leaf = -1;
				int			nleaves = 0;

				do
				{
					first--;
					open[members[first]] = false;
					comp[members[first]] = v;
					if (node_is_leaf(lg, members[first]))
					{
						leaf = members[first];
						nleaves++;
					}
				} while (members[first] != v);
				if (nmembers - first > 1 && nleaves == 1)
				{
					for (int32 i = first; i < nmembers; i++)
						if (members[i] != leaf)
							copy_of[members[i]] = nnodes + ncopies++;
					copy_of[leaf] = leaf;	/* marks the leaf whose waits change */
				}
				nmembers = first;
			}
			if ((counter & 4095) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	pfree(index);
	pfree(low);
	pfree(cursor);
	pfree(call);
	pfree(members);
	pfree(open);
	if (ncopies == 0)
	{
		pfree(comp);
		pfree(copy_of);
		return false;
	}

	/* the new predecessor lists: counted, then written */
	count = palloc0(sizeof(int32) * (nnodes + ncopies));
	start = palloc(sizeof(int32) * (nnodes + ncopies + 1));
	pred = NULL;
	for (int pass = 0; pass < 2; pass++)
	{
		sink.count = count;
		sink.start = pass == 0 ? NULL : start;
		sink.pred = pred;
		for (int32 x = 0; x < nnodes; x++)
			for (int32 k = lg->pred_start[x]; k < lg->pred_start[x + 1]; k++)
			{
				int32		q = lg->pred[k];
				bool		inside = copy_of[x] >= 0 && comp[q] == comp[x];

				if (copy_of[x] == x)
					/* the leaf: waits for the copies of its component */
					add_edge(&sink, inside ? copy_of[q] : q, x);
				else
				{
					add_edge(&sink, q, x);
					/* its copy: the same edges among copies, none from the leaf */
					if (copy_of[x] >= 0 && !(inside && node_is_leaf(lg, q)))
						add_edge(&sink, inside ? copy_of[q] : q, copy_of[x]);
				}
			}
		if (pass == 0)
		{
			count_to_start(count, nnodes + ncopies, start);
			pred = huge_array(start[nnodes + ncopies], sizeof(int32));
			memset(count, 0, sizeof(int32) * (nnodes + ncopies));
		}
	}
	pfree(count);
	pfree(comp);
	pfree(copy_of);
	pfree(lg->pred_start);
	pfree(lg->pred);
	pfree(lg->succ_start);
	pfree(lg->succ);
	lg->nnodes = nnodes + ncopies;
	lg->pred_start = start;
	lg->pred = pred;
	reverse_lists(lg);
	return true;
}

/*
 * The effective prerequisites of leaf v one by one, in the order the pairs
 * between leaves listed them, which fixes the loop an error names and the
 * order of a picture's edges: v's wholes as graph_reach finds them, then
 * v; the prerequisites of each in order; a whole's leaves as graph_reach
 * finds them; each once, never v.  A whole already walked for v is not
 * walked again (its leaves are named).  Stops when emit returns false.
 */
typedef bool (*EmitPrerequisite) (void *arg, int32 q);

static void
each_effective_prerequisite(GraphView *g, LeafGraph *lg, int32 v, EmitPrerequisite emit, void *arg)
{
	int			nup;
	uint32		stamp;

	if (lg->named == NULL)
	{
		lg->named = MemoryContextAllocZero(g->cxt, sizeof(uint32) * Max(g->n, 1));
		lg->ups = MemoryContextAlloc(g->cxt, sizeof(int32) * (g->n + 1));
	}
	if (++lg->named_stamp == 0)
	{
		memset(lg->named, 0, sizeof(uint32) * Max(g->n, 1));
		lg->named_stamp = 1;
	}
	stamp = lg->named_stamp;
	/* graph_reach reuses g->found and g->stack: keep the wholes aside */
	nup = graph_reach(g, v, g->wholes_start, g->wholes, true);
	memcpy(lg->ups, g->found, sizeof(int32) * nup);
	lg->ups[nup++] = v;
	lg->named[v] = stamp;
	for (int a = 0; a < nup; a++)
	{
		int32		u = lg->ups[a];

		for (int k = g->requires_start[u]; k < g->requires_start[u + 1]; k++)
		{
			int32		p = g->requires[k];
			int			top = 0;

			if (lg->named[p] == stamp)
				continue;
			lg->named[p] = stamp;
			if (lg->is_leaf[p])
			{
				if (!emit(arg, p))
					return;
				continue;
			}
			g->stack[top++] = p;
			while (top > 0)
			{
				int32		x = g->stack[--top];

				for (int j = g->parts_start[x]; j < g->parts_start[x + 1]; j++)
				{
					int32		c = g->parts[j];

					if (lg->named[c] == stamp)
						continue;
					lg->named[c] = stamp;
					if (!lg->is_leaf[c])
						g->stack[top++] = c;
					else if (!emit(arg, c))
						return;
				}
			}
			CHECK_FOR_INTERRUPTS();
		}
	}
}

typedef struct FirstWaiting
{
	const int32 *indegree;
	int32		found;
} FirstWaiting;

static bool
first_waiting(void *arg, int32 q)
{
	FirstWaiting *f = arg;

	if (f->indegree[q] == 0)
		return true;
	f->found = q;
	return false;
}

/*
 * Reading a whole's prerequisites as its leaves' can close a loop the
 * framework itself does not have (X before the cluster A, and a standard
 * of A before X): an error naming it.  Every leaf still waiting waits for
 * another one that is: walking back from any of them must come round;
 * name that loop only.
 */
pg_attribute_noreturn()
static void
report_leaf_loop(GraphView *g, LeafGraph *lg, const int32 *indegree)
{
	StringInfoData loop;
	int32	   *step = palloc(sizeof(int32) * Max(g->n, 1));
	int32		v = -1;

	for (int i = 0; i < g->n && v < 0; i++)
		if (lg->is_leaf[g->topo[i]] && indegree[g->topo[i]] > 0)
			v = g->topo[i];
	for (int i = 0; i < g->n; i++)
		step[i] = -1;
	while (step[v] < 0)
	{
		FirstWaiting f = {indegree, -1};

		each_effective_prerequisite(g, lg, v, first_waiting, &f);
		if (f.found < 0)
			elog(ERROR, "skill \"%s\" waits for no skill that waits", skill_code(g, v));
		step[v] = f.found;
		v = f.found;
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

static LeafGraph *
leaf_graph(GraphView *g)
{
	LeafGraph  *lg;
	MemoryContext old;
	bool	   *need_out;
	int32	   *in_node;
	int32	   *count;
	int32		nnodes = g->n;
	int32		nleaves = 0;
	EdgeSink	sink;

	if (g->leaves != NULL)
		return g->leaves;
	old = MemoryContextSwitchTo(g->cxt);
	lg = palloc0(sizeof(LeafGraph));
	lg->n = g->n;
	lg->is_leaf = palloc(sizeof(bool) * Max(g->n, 1));
	for (int v = 0; v < g->n; v++)
	{
		lg->is_leaf[v] = g->parts_start[v] == g->parts_start[v + 1];
		nleaves += lg->is_leaf[v];
	}

	/*
	 * Which wholes take part: OUT(w) when w or a whole above it is a
	 * prerequisite, IN(w) when w or a whole above it has one.  Wholes come
	 * before their parts in reverse topological order.
	 */
	need_out = palloc(sizeof(bool) * Max(g->n, 1));
	in_node = palloc(sizeof(int32) * Max(g->n, 1));
	for (int i = g->n - 1; i >= 0; i--)
	{
		int32		w = g->topo[i];
		bool		out;
		bool		in;

		need_out[w] = false;
		in_node[w] = -1;
		if (lg->is_leaf[w])
			continue;
		out = g->enables_start[w] < g->enables_start[w + 1];
		in = g->requires_start[w] < g->requires_start[w + 1];
		for (int k = g->wholes_start[w]; k < g->wholes_start[w + 1]; k++)
		{
			out |= need_out[g->wholes[k]];
			in |= in_node[g->wholes[k]] >= 0;
		}
		need_out[w] = out;
		if (in)
			in_node[w] = nnodes++;
	}
	lg->nnodes = nnodes;
	count = palloc0(sizeof(int32) * Max(nnodes, 1));
	lg->pred_start = palloc(sizeof(int32) * (nnodes + 1));
	sink.count = count;
	sink.start = NULL;
	sink.pred = NULL;
	virtual_edges(g, lg->is_leaf, need_out, in_node, &sink);
	count_to_start(count, nnodes, lg->pred_start);
	lg->pred = huge_array(lg->pred_start[nnodes], sizeof(int32));
	memset(count, 0, sizeof(int32) * Max(nnodes, 1));
	sink.start = lg->pred_start;
	sink.pred = lg->pred;
	virtual_edges(g, lg->is_leaf, need_out, in_node, &sink);
	pfree(count);
	pfree(need_out);
	pfree(in_node);
	reverse_lists(lg);

	/* the order; a leaf that waits for itself first gets copies, once */
	lg->leaf_topo = palloc(sizeof(int32) * Max(g->n, 1));
	for (bool copied = false;; copied = true)
	{
		int32	   *indegree = palloc(sizeof(int32) * Max(lg->nnodes, 1));
		int32	   *heap = palloc(sizeof(int32) * Max(g->n, 1));
		int32	   *free_nodes = palloc(sizeof(int32) * Max(lg->nnodes, 1));

		lg->order = palloc(sizeof(int32) * Max(lg->nnodes, 1));
		if (node_order(g, lg, indegree, heap, free_nodes) == nleaves)
		{
			pfree(indegree);
			pfree(heap);
			pfree(free_nodes);
			break;
		}
		if (copied || !break_self_loops(lg))
			report_leaf_loop(g, lg, indegree);
		pfree(indegree);
		pfree(heap);
		pfree(free_nodes);
		pfree(lg->order);
	}

	/* scratch for the calls */
	lg->seen = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->covered = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->value = palloc(sizeof(double) * Max(g->n, 1));
	lg->share = palloc(sizeof(double) * Max(g->n, 1));
	lg->known = palloc0(sizeof(uint32) * Max(lg->nnodes, 1));
	lg->done = palloc(sizeof(bool) * Max(lg->nnodes, 1));
	lg->cursor = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	lg->stack = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	g->leaves = lg;
	MemoryContextSwitchTo(old);
	return lg;
}

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
	int			npath = path_skills(g, lg, p, codes, nulls, ncodes, threshold);
	int32	   *order = palloc(sizeof(int32) * Max(npath, 1));
	int32	   *step_of = palloc0(sizeof(int32) * Max(g->n, 1));
	uint32		context;
	StringInfoData buf;
	DrawnEdges	edges;

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
