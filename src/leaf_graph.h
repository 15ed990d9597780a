/*
 * leaf_graph.h
 *		The effective prerequisites between the leaves of a skill graph (a
 *		prerequisite of a whole applies to each leaf under it), derived once
 *		per cached graph by leaf_graph.c and read by learning_path.c.
 */
#ifndef COMPETENCY_LEAF_GRAPH_H
#define COMPETENCY_LEAF_GRAPH_H

#include "skill_graph.h"

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
	uint32	   *covered;		/* == stamp: mastered through a whole above it, or implied */
	uint32	   *implied;		/* per node: == stamp when the walk of imply_prerequisites passed */
	uint32	   *held;			/* per skill: == stamp when a whole above it is rated, not mastered */
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
	/* per call, on paths beyond the exact count: direct_unlocks, allocated on first use */
	int32	   *private_count;	/* per node: path skills under its private successors */
	int32	   *shared_start;	/* per node: its shared successors in shared[] */
	int32	   *shared_end;
	int32	   *shared;
	int32	   *count_base;		/* per node: its count, less that of count_walk */
	int32	   *count_walk;		/* per node: the node whose walk completes it, or -1 */
	int32	   *count_bound;	/* per node: the count were no walk allowed */
	int32	   *tree_first;		/* per node: its interval in the trees of private successors */
	int32	   *tree_end;
	int32	   *tree_root;
	int32	   *successors;		/* one path skill's successors, sorted out */
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

/* The graph's LeafGraph, derived on first use and kept with the cached graph */
extern LeafGraph *leaf_graph(GraphView *g);

/* Leaf v's effective prerequisites by name, in a fixed order; emit returns false to stop */
typedef bool (*EmitPrerequisite) (void *arg, int32 q);
extern void each_effective_prerequisite(GraphView *g, LeafGraph *lg, int32 v,
										EmitPrerequisite emit, void *arg);

#endif							/* COMPETENCY_LEAF_GRAPH_H */
