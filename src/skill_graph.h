/*
 * skill_graph.h
 *		The skill graph value shared by skill_graph.c (type, building,
 *		validation, cache) and graph_queries.c (walks and exports).
 */
#ifndef COMPETENCY_SKILL_GRAPH_H
#define COMPETENCY_SKILL_GRAPH_H

#include "competency.h"

#define SKILL_GRAPH_VERSION 1

/* Limits, checked before anything is allocated */
#define SKILL_GRAPH_MAX_SKILLS	2000000
#define SKILL_GRAPH_MAX_EDGES	20000000
#define SKILL_CODE_MAX_LENGTH	1000

#define NO_SEQUENCE		PG_INT32_MIN
#define NO_STRING		(-1)

/*
 * A skill.  Strings are offsets into the graph's string pool.  depth is
 * the distance from a root of the part_of hierarchy (0 for a skill that is
 * part of nothing; the longest way down when a skill has several wholes).
 */
typedef struct SkillNode
{
	int32		code;
	int32		title;			/* or NO_STRING */
	int32		kind;			/* Domain, Cluster, Standard ...; or NO_STRING */
	int32		level;			/* education level; or NO_STRING */
	int32		sequence;		/* position among siblings; or NO_SEQUENCE */
	int32		depth;
} SkillNode;

/*
 * The stored graph: a header, then int32 arrays, then the string pool.
 *
 *   SkillNode nodes[nskills]          sorted by code: binary search lookup
 *   int32 topo[nskills]               node indexes in topological order
 *   requires:  start[nskills + 1], to[nprerequisite]   prerequisites of a skill
 *   enables:   start[nskills + 1], to[nprerequisite]   skills that need it
 *   parts:     start[nskills + 1], to[npart]           its part_of children
 *   wholes:    start[nskills + 1], to[npart]           what it is part of
 *   char strings[nstrings]            NUL-terminated
 *
 * Adjacency lists are in topological order, so every walk is deterministic
 * and O(V + E) without re-parsing.
 */
typedef struct SkillGraph
{
	int32		vl_len_;		/* varlena header, never touched directly */
	uint8		version;		/* SKILL_GRAPH_VERSION; reject unknown versions */
	uint8		flags;			/* zero */
	uint16		reserved;		/* zero */
	int32		nskills;
	int32		nprerequisite;
	int32		npart;
	int32		nstrings;
	int32		data[FLEXIBLE_ARRAY_MEMBER];
} SkillGraph;

/* The arrays of a graph, located once when it is fetched */
typedef struct GraphView
{
	const SkillGraph *graph;
	int			n;
	const SkillNode *nodes;
	const int32 *topo;
	const int32 *requires_start,
			   *requires;
	const int32 *enables_start,
			   *enables;
	const int32 *parts_start,
			   *parts;
	const int32 *wholes_start,
			   *wholes;
	const char *strings;
	int32	   *rank;			/* position of each node in topo */

	/*
	 * Scratch space for walks, allocated once per cached graph: a node is
	 * marked when mark[v] == stamp, so no walk clears n bytes first.
	 */
	uint32	   *mark;
	uint32		stamp;
	int32	   *stack;
	int32	   *found;

	/* the cache's memory, and what leaf_graph.c derives on first use */
	MemoryContext cxt;
	struct LeafGraph *leaves;
} GraphView;

static inline const char *
skill_code(const GraphView *g, int i)
{
	return g->strings + g->nodes[i].code;
}

static inline const char *
skill_string(const GraphView *g, int32 offset)
{
	return offset == NO_STRING ? NULL : g->strings + offset;
}

/* The graph argument argno, validated and cached for the query */
extern GraphView *graph_argument(FunctionCallInfo fcinfo, int argno);
extern uint32 graph_new_stamp(GraphView *g);
extern int	graph_find(const GraphView *g, const char *code);
extern int	graph_skill_argument(const GraphView *g, FunctionCallInfo fcinfo, int argno);

/* Building */
typedef enum SkillRelation
{
	RELATION_PREREQUISITE = 0,	/* source is a prerequisite of target */
	RELATION_PART_OF = 1		/* source is part of target */
} SkillRelation;

typedef struct SkillSpec
{
	char	   *code;
	char	   *title;
	char	   *kind;
	char	   *level;
	int32		sequence;
} SkillSpec;

typedef struct EdgeSpec
{
	char	   *source;
	char	   *target;
	int			relation;
} EdgeSpec;

extern void check_skill_code(const char *code);
extern int	skill_relation(const char *relation);
extern SkillGraph *graph_build(SkillSpec *skills, int nskills, EdgeSpec *edges, int nedges);
extern void graph_view(const SkillGraph *graph, GraphView *g);
extern char *graph_to_json(const GraphView *g);
extern int	graph_reach(GraphView *g, int v, const int32 *start, const int32 *to, bool transitive);
extern void dot_append_string(StringInfo buf, const char *s);

struct JsonbIterator;
struct JsonbContainer;
extern bool json_next_object(struct JsonbIterator **it, struct JsonbContainer **obj,
							 const char *what);

#endif							/* COMPETENCY_SKILL_GRAPH_H */
