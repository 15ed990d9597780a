/*
 * leaf_graph.c
 *		The effective prerequisites between the leaves of a skill graph, as a
 *		graph of the leaves and of virtual nodes for the wholes (see
 *		leaf_graph.h): built once per cached graph in time and memory linear
 *		in the graph, ordered, its loops between leaves reported by name.
 *		No fmgr here: learning_path.c walks it per learner.
 */
#include "leaf_graph.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/memutils.h"

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
void
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

LeafGraph *
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
	lg->implied = palloc0(sizeof(uint32) * Max(lg->nnodes, 1));
	lg->held = palloc0(sizeof(uint32) * Max(g->n, 1));
	lg->done = palloc(sizeof(bool) * Max(lg->nnodes, 1));
	lg->cursor = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	lg->stack = palloc(sizeof(int32) * Max(lg->nnodes, 1));
	g->leaves = lg;
	MemoryContextSwitchTo(old);
	return lg;
}
