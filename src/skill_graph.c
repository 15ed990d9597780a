/*
 * skill_graph.c
 *		skill_graph: a competency framework as a value.  Skills with their
 *		metadata, prerequisite edges and part_of edges, built once into
 *		compact adjacency arrays that later functions walk without parsing.
 *
 * Every way in (text, binary, jsonb, the aggregates, CASE packages) ends in
 * graph_build(), which merges duplicate edges, rejects self-loops and
 * cycles, and orders the skills topologically.  Stored graphs are checked
 * structurally when read (graph_view_checked), once per query thanks to
 * the cache of graph_argument().
 */
#include "skill_graph.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "lib/qunique.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

static const char *const relation_names[] = {"prerequisite", "part_of"};

static void locate(const SkillGraph *graph, GraphView *g);

/* ---------- building ---------- */

static int
compare_specs(const void *a, const void *b)
{
	return strcmp(((const SkillSpec *) a)->code, ((const SkillSpec *) b)->code);
}

/* Two descriptions of one skill agree when no field differs where both are set */
static bool
merge_field(char **into, char *from)
{
	if (from == NULL)
		return true;
	if (*into == NULL)
	{
		*into = from;
		return true;
	}
	return strcmp(*into, from) == 0;
}

typedef struct IndexedEdge
{
	int32		from;
	int32		to;
	int32		relation;
} IndexedEdge;

static int
compare_edges(const void *a, const void *b)
{
	const IndexedEdge *x = a;
	const IndexedEdge *y = b;

	if (x->relation != y->relation)
		return x->relation - y->relation;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

static int
find_spec(const SkillSpec *skills, int n, const char *code)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(skills[mid].code, code);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Ties in topological order: sequence number (none last), then code */
static inline bool
topo_before(const SkillSpec *skills, int a, int b)
{
	int32		sa = skills[a].sequence,
				sb = skills[b].sequence;

	if (sa != sb)
	{
		if (sa == NO_SEQUENCE)
			return false;
		if (sb == NO_SEQUENCE)
			return true;
		return sa < sb;
	}
	return a < b;				/* skills are sorted by code */
}

typedef struct Heap
{
	int			n;
	int32	   *items;
	const SkillSpec *skills;
} Heap;

static void
heap_push(Heap *h, int32 v)
{
	int			i = h->n++;

	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (!topo_before(h->skills, v, h->items[parent]))
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = v;
}

static int32
heap_pop(Heap *h)
{
	int32		top = h->items[0];
	int32		last = h->items[--h->n];
	int			i = 0;

	for (;;)
	{
		int			child = 2 * i + 1;

		if (child >= h->n)
			break;
		if (child + 1 < h->n && topo_before(h->skills, h->items[child + 1], h->items[child]))
			child++;
		if (!topo_before(h->skills, h->items[child], last))
			break;
		h->items[i] = h->items[child];
		i = child;
	}
	h->items[i] = last;
	return top;
}

/*
 * The skills Kahn's algorithm could not order lie on or behind a cycle:
 * walk forward among them until a skill repeats, and name that loop.
 */
pg_attribute_noreturn()
static void
report_cycle(const SkillSpec *skills, int n, const IndexedEdge *edges, int nedges,
			 const int32 *indegree)
{
	int32	   *next_edge = palloc(sizeof(int32) * n);
	int32	   *seen_at = palloc(sizeof(int32) * n);
	int32	   *path = palloc(sizeof(int32) * (n + 1));
	int			len = 0;
	int			v = -1;
	StringInfoData buf;

	for (int i = 0; i < n; i++)
	{
		next_edge[i] = -1;
		seen_at[i] = -1;
		if (v < 0 && indegree[i] > 0)
			v = i;
	}
	/* any unordered skill has an unordered predecessor; follow edges backwards */
	for (int e = 0; e < nedges; e++)
		if (indegree[edges[e].from] > 0 && indegree[edges[e].to] > 0)
			next_edge[edges[e].to] = e;
	while (seen_at[v] < 0)
	{
		seen_at[v] = len;
		path[len++] = v;
		v = edges[next_edge[v]].from;
	}

	/* path[seen_at[v]..] walks the cycle backwards; print it forwards */
	initStringInfo(&buf);
	for (int i = len - 1; i >= seen_at[v]; i--)
	{
		const IndexedEdge *e = &edges[next_edge[path[i]]];

		appendStringInfo(&buf, "%s\"%s\" %s \"%s\"", i == len - 1 ? "" : ", ",
						 skills[e->from].code,
						 e->relation == RELATION_PREREQUISITE ? "is a prerequisite of" : "is part of",
						 skills[e->to].code);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("skill graph has a cycle"),
			 errdetail("The edges form a loop: %s.", buf.data),
			 errhint("Remove one of these edges; a part comes before its whole and a prerequisite before what needs it, so neither may lead back.")));
}

static Size
graph_size(int n, int nprereq, int npart, Size nstrings)
{
	return offsetof(SkillGraph, data) +
		sizeof(SkillNode) * (Size) n +
		sizeof(int32) * (Size) n +
		2 * sizeof(int32) * ((Size) n + 1 + nprereq) +
		2 * sizeof(int32) * ((Size) n + 1 + npart) +
		nstrings;
}

static void
check_counts(int64 nskills, int64 nedges)
{
	if (nskills > SKILL_GRAPH_MAX_SKILLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("skill graph has too many skills"),
				 errdetail("A skill graph holds at most %d skills; this one has %lld.",
						   SKILL_GRAPH_MAX_SKILLS, (long long) nskills)));
	if (nedges > SKILL_GRAPH_MAX_EDGES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("skill graph has too many edges"),
				 errdetail("A skill graph holds at most %d edges; this one has %lld.",
						   SKILL_GRAPH_MAX_EDGES, (long long) nedges)));
}

void
check_skill_code(const char *code)
{
	size_t		len = strlen(code);

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("skill code must not be empty")));
	if (len > SKILL_CODE_MAX_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("skill code is too long"),
				 errdetail("Codes have at most %d bytes; this one starts with \"%.40s\".",
						   SKILL_CODE_MAX_LENGTH, code)));
}

static int
compare_by_rank(const void *a, const void *b, void *arg)
{
	const int32 *rank = arg;
	int32		x = rank[*(const int32 *) a];
	int32		y = rank[*(const int32 *) b];

	return (x > y) - (x < y);
}

/* Fills a CSR pair: start[v] .. start[v + 1] index into to[] */
static void
fill_csr(int n, const IndexedEdge *edges, int first, int count, bool forward,
		 const int32 *rank, int32 *start, int32 *to)
{
	int32	   *fill = palloc0(sizeof(int32) * (n + 1));

	memset(start, 0, sizeof(int32) * (n + 1));
	for (int e = first; e < first + count; e++)
		start[(forward ? edges[e].from : edges[e].to) + 1]++;
	for (int v = 0; v < n; v++)
		start[v + 1] += start[v];
	for (int e = first; e < first + count; e++)
	{
		int32		v = forward ? edges[e].from : edges[e].to;

		to[start[v] + fill[v]++] = forward ? edges[e].to : edges[e].from;
	}
	/* each list in topological order: deterministic walks, O(E log E) in all */
	for (int v = 0; v < n; v++)
	{
		int			len = start[v + 1] - start[v];

		if (len > 1)
			qsort_arg(to + start[v], len, sizeof(int32), compare_by_rank, (void *) rank);
		if ((v & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(fill);
}

/* Distinct skills, sorted by code, their descriptions merged; returns how many */
static int
merge_skills(SkillSpec *skills, int nskills)
{
	int			n = 0;

	if (nskills > 0)
		qsort(skills, nskills, sizeof(SkillSpec), compare_specs);
	for (int i = 0; i < nskills; i++)
	{
		check_skill_code(skills[i].code);
		if (n > 0 && strcmp(skills[n - 1].code, skills[i].code) == 0)
		{
			SkillSpec  *into = &skills[n - 1];

			if (!merge_field(&into->title, skills[i].title) ||
				!merge_field(&into->kind, skills[i].kind) ||
				!merge_field(&into->level, skills[i].level) ||
				(into->sequence != NO_SEQUENCE && skills[i].sequence != NO_SEQUENCE &&
				 into->sequence != skills[i].sequence))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("skill \"%s\" is described twice, differently", skills[i].code),
						 errhint("Give each skill one title, kind, level and sequence number.")));
			if (into->sequence == NO_SEQUENCE)
				into->sequence = skills[i].sequence;
			continue;
		}
		skills[n++] = skills[i];
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return n;
}

/*
 * The edges by skill index, sorted (prerequisites first), duplicates
 * merged; self-loops and unknown skills are errors
 */
static IndexedEdge *
index_edges(const SkillSpec *skills, int n, const EdgeSpec *edge_specs, int nedges, int *kept)
{
	IndexedEdge *edges = palloc_extended(sizeof(IndexedEdge) * Max(nedges, 1), MCXT_ALLOC_HUGE);

	for (int e = 0; e < nedges; e++)
	{
		int			from = find_spec(skills, n, edge_specs[e].source);
		int			to = find_spec(skills, n, edge_specs[e].target);

		if (from < 0 || to < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("edge refers to unknown skill \"%s\"",
							from < 0 ? edge_specs[e].source : edge_specs[e].target),
					 errhint("List every skill an edge mentions among the skills.")));
		if (from == to)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("skill \"%s\" cannot be %s itself", skills[from].code,
							edge_specs[e].relation == RELATION_PREREQUISITE ?
							"a prerequisite of" : "part of"),
					 errhint("Remove the edge from the skill to itself.")));
		edges[e].from = from;
		edges[e].to = to;
		edges[e].relation = edge_specs[e].relation;
		if ((e & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (nedges > 0)
		qsort(edges, nedges, sizeof(IndexedEdge), compare_edges);
	*kept = (int) qunique(edges, nedges, sizeof(IndexedEdge), compare_edges);
	return edges;
}

/*
 * Topological order over both relations: a prerequisite before what needs
 * it, a part before its whole.  Kahn's algorithm with a heap makes the
 * order deterministic: ties by sequence number, then code.  Fills topo[]
 * and rank[] (its inverse); a cycle is an error that names it.
 */
static void
order_skills(SkillSpec *skills, int n, const IndexedEdge *edges, int kept, int32 *topo, int32 *rank)
{
	int32	   *indegree = palloc0(sizeof(int32) * Max(n, 1));
	int32	   *out_start = palloc0(sizeof(int32) * (n + 1));
	int32	   *out = palloc_extended(sizeof(int32) * Max(kept, 1), MCXT_ALLOC_HUGE);
	int32	   *fill = palloc0(sizeof(int32) * Max(n, 1));
	Heap		heap;
	int			ordered = 0;

	for (int e = 0; e < kept; e++)
	{
		indegree[edges[e].to]++;
		out_start[edges[e].from + 1]++;
	}
	for (int v = 0; v < n; v++)
		out_start[v + 1] += out_start[v];
	for (int e = 0; e < kept; e++)
		out[out_start[edges[e].from] + fill[edges[e].from]++] = edges[e].to;
	pfree(fill);
	heap.n = 0;
	heap.items = palloc(sizeof(int32) * Max(n, 1));
	heap.skills = skills;
	for (int v = 0; v < n; v++)
		if (indegree[v] == 0)
			heap_push(&heap, v);
	while (heap.n > 0)
	{
		int32		v = heap_pop(&heap);

		rank[v] = ordered;
		topo[ordered++] = v;
		for (int k = out_start[v]; k < out_start[v + 1]; k++)
			if (--indegree[out[k]] == 0)
				heap_push(&heap, out[k]);
		if ((ordered & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (ordered < n)
		report_cycle(skills, n, edges, kept, indegree);
	pfree(heap.items);
	pfree(out);
	pfree(out_start);
	pfree(indegree);
}

/* The skills' strings into the pool, and per node its fields and depth */
static void
write_nodes(const SkillSpec *skills, int n, const GraphView *layout, const int32 *topo)
{
	SkillNode  *nodes = (SkillNode *) layout->nodes;
	char	   *strings = (char *) layout->strings;
	char	   *s = strings;
	int32	   *depth = palloc0(sizeof(int32) * Max(n, 1));

	/* depth: wholes come later in topological order, so walk it backwards */
	for (int i = n - 1; i >= 0; i--)
	{
		int32		v = topo[i];

		for (int k = layout->wholes_start[v]; k < layout->wholes_start[v + 1]; k++)
			depth[v] = Max(depth[v], depth[layout->wholes[k]] + 1);
	}

#define PUT_STRING(field, value) \
	do { \
		if ((value) == NULL) \
			(field) = NO_STRING; \
		else \
		{ \
			size_t len_ = strlen(value) + 1; \
			(field) = (int32) (s - strings); \
			memcpy(s, (value), len_); \
			s += len_; \
		} \
	} while (0)

	for (int v = 0; v < n; v++)
	{
		PUT_STRING(nodes[v].code, skills[v].code);
		PUT_STRING(nodes[v].title, skills[v].title);
		PUT_STRING(nodes[v].kind, skills[v].kind);
		PUT_STRING(nodes[v].level, skills[v].level);
		nodes[v].sequence = skills[v].sequence;
		nodes[v].depth = depth[v];
	}
#undef PUT_STRING
	pfree(depth);
}

/*
 * Builds the stored graph from skills and edges given by code.  Skills may
 * repeat (their descriptions merge); every edge endpoint must be a skill.
 * Duplicate edges merge; self-loops and cycles are errors.
 */
SkillGraph *
graph_build(SkillSpec *skills, int nskills, EdgeSpec *edge_specs, int nedges)
{
	IndexedEdge *edges;
	int			n;
	int			nprereq = 0,
				npart = 0,
				kept = 0;
	int32	   *topo;
	int32	   *rank;
	Size		nstrings = 0;
	Size		size;
	SkillGraph *graph;
	GraphView	layout;

	check_counts(nskills, nedges);
	n = merge_skills(skills, nskills);
	edges = index_edges(skills, n, edge_specs, nedges, &kept);
	for (int e = 0; e < kept; e++)
	{
		if (edges[e].relation == RELATION_PREREQUISITE)
			nprereq++;
		else
			npart++;
	}
	topo = palloc(sizeof(int32) * Max(n, 1));
	rank = palloc(sizeof(int32) * Max(n, 1));
	order_skills(skills, n, edges, kept, topo, rank);

	/* string pool size, checked before the graph is allocated */
	for (int v = 0; v < n; v++)
	{
		nstrings += strlen(skills[v].code) + 1;
		if (skills[v].title)
			nstrings += strlen(skills[v].title) + 1;
		if (skills[v].kind)
			nstrings += strlen(skills[v].kind) + 1;
		if (skills[v].level)
			nstrings += strlen(skills[v].level) + 1;
	}
	size = graph_size(n, nprereq, npart, nstrings);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("skill graph is too large"),
				 errdetail("It would take %zu bytes; a value takes at most %zu.",
						   size, (Size) MaxAllocSize)));

	graph = palloc0(size);
	SET_VARSIZE(graph, size);
	graph->version = SKILL_GRAPH_VERSION;
	graph->nskills = n;
	graph->nprerequisite = nprereq;
	graph->npart = npart;
	graph->nstrings = (int32) nstrings;

	/* the arrays where a reader finds them: one definition of the layout */
	locate(graph, &layout);
	memcpy((int32 *) layout.topo, topo, sizeof(int32) * n);

	/* prerequisite edges come first in edges[] (relation 0) */
	fill_csr(n, edges, 0, nprereq, false, rank,
			 (int32 *) layout.requires_start, (int32 *) layout.requires);
	fill_csr(n, edges, 0, nprereq, true, rank,
			 (int32 *) layout.enables_start, (int32 *) layout.enables);
	fill_csr(n, edges, nprereq, npart, false, rank,
			 (int32 *) layout.parts_start, (int32 *) layout.parts);
	fill_csr(n, edges, nprereq, npart, true, rank,
			 (int32 *) layout.wholes_start, (int32 *) layout.wholes);
	write_nodes(skills, n, &layout, topo);
	return graph;
}

/* ---------- reading a stored graph ---------- */

pg_attribute_noreturn()
static void
corrupt_graph(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid skill_graph value"),
			 errdetail("%s", detail)));
}

/* Locates the arrays; the caller has checked the size */
static void
locate(const SkillGraph *graph, GraphView *g)
{
	const int32 *p;

	g->graph = graph;
	g->n = graph->nskills;
	g->nodes = (const SkillNode *) graph->data;
	p = (const int32 *) (g->nodes + g->n);
	g->topo = p;
	p += g->n;
	g->requires_start = p;
	p += g->n + 1;
	g->requires = p;
	p += graph->nprerequisite;
	g->enables_start = p;
	p += g->n + 1;
	g->enables = p;
	p += graph->nprerequisite;
	g->parts_start = p;
	p += g->n + 1;
	g->parts = p;
	p += graph->npart;
	g->wholes_start = p;
	p += g->n + 1;
	g->wholes = p;
	p += graph->npart;
	g->strings = (const char *) p;
	g->rank = NULL;
	g->mark = NULL;
	g->stack = NULL;
	g->found = NULL;
}

static void
check_csr(const int32 *start, const int32 *to, int n, int nedges, const int32 *rank,
		  bool forward)
{
	if (start[0] != 0 || start[n] != nedges)
		corrupt_graph("An adjacency index does not cover its edges.");
	for (int v = 0; v < n; v++)
	{
		if (start[v + 1] < start[v])
			corrupt_graph("An adjacency index decreases.");
		for (int k = start[v]; k < start[v + 1]; k++)
		{
			if (to[k] < 0 || to[k] >= n || to[k] == v)
				corrupt_graph("An edge points outside the graph.");
			/* every edge goes forward in the stored order: no cycle */
			if (forward ? rank[to[k]] <= rank[v] : rank[to[k]] >= rank[v])
				corrupt_graph("An edge goes against the topological order.");
		}
	}
}

/*
 * The structural check of a stored graph, O(V + E): sizes, offsets, sorted
 * codes, edge endpoints, and that every edge follows the stored
 * topological order (so no corrupted graph can make a walk loop).  Fills g
 * with rank allocated in the current memory context.
 */
void
graph_view(const SkillGraph *graph, GraphView *g)
{
	int32	   *rank;

	if (VARSIZE(graph) < offsetof(SkillGraph, data))
		corrupt_graph("The value is shorter than its header.");
	if (graph->version != SKILL_GRAPH_VERSION)
		corrupt_graph(psprintf("Format %d is not known; this version reads format %d.",
							   graph->version, SKILL_GRAPH_VERSION));
	if (graph->flags != 0 || graph->reserved != 0)
		corrupt_graph("Unknown flags are set.");
	if (graph->nskills < 0 || graph->nskills > SKILL_GRAPH_MAX_SKILLS ||
		graph->nprerequisite < 0 || graph->npart < 0 ||
		(int64) graph->nprerequisite + graph->npart > SKILL_GRAPH_MAX_EDGES ||
		graph->nstrings < 0)
		corrupt_graph("A count is out of range.");
	if (VARSIZE(graph) != graph_size(graph->nskills, graph->nprerequisite,
									  graph->npart, graph->nstrings))
		corrupt_graph("The size does not match the counts.");
	locate(graph, g);
	if (g->n > 0 && (graph->nstrings == 0 || g->strings[graph->nstrings - 1] != '\0'))
		corrupt_graph("The string pool is not terminated.");

	rank = palloc(sizeof(int32) * Max(g->n, 1));
	for (int i = 0; i < g->n; i++)
		rank[i] = -1;
	for (int i = 0; i < g->n; i++)
	{
		int32		v = g->topo[i];

		if (v < 0 || v >= g->n || rank[v] >= 0)
			corrupt_graph("The topological order is not a permutation of the skills.");
		rank[v] = i;
	}
	for (int v = 0; v < g->n; v++)
	{
		const SkillNode *node = &g->nodes[v];
		const int32 fields[4] = {node->code, node->title, node->kind, node->level};

		for (int f = 0; f < 4; f++)
			if ((f == 0 && fields[f] == NO_STRING) ||
				(fields[f] != NO_STRING && (fields[f] < 0 || fields[f] >= graph->nstrings)))
				corrupt_graph("A string offset is out of range.");
		if (node->depth < 0 || node->depth > g->n)
			corrupt_graph("A depth is out of range.");
		if (v > 0 && strcmp(skill_code(g, v - 1), skill_code(g, v)) >= 0)
			corrupt_graph("The skill codes are not sorted and unique.");
		if ((v & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	check_csr(g->requires_start, g->requires, g->n, graph->nprerequisite, rank, false);
	check_csr(g->enables_start, g->enables, g->n, graph->nprerequisite, rank, true);
	check_csr(g->parts_start, g->parts, g->n, graph->npart, rank, false);
	check_csr(g->wholes_start, g->wholes, g->n, graph->npart, rank, true);
	g->rank = rank;
}

/*
 * The graph argument, checked once per query: functions called once per
 * learner over 10^5 learners read the graph once.  The cache key is the
 * argument as passed: a TOAST pointer (stored graphs), or the bytes of an
 * inline value.
 */
typedef struct GraphCache
{
	MemoryContext cxt;
	char	   *key;
	Size		keylen;
	GraphView	view;
} GraphCache;

GraphView *
graph_argument(FunctionCallInfo fcinfo, int argno)
{
	GraphCache *cache = fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	struct varlena *key = raw;
	Size		keylen;
	MemoryContext old;
	SkillGraph *graph;

	if (!VARATT_IS_EXTERNAL_ONDISK(raw) && VARATT_IS_EXTERNAL(raw))
		key = pg_detoast_datum(raw);	/* in-memory indirections: use the bytes */
	keylen = VARSIZE_ANY(key);

	if (cache != NULL && cache->keylen == keylen && memcmp(cache->key, key, keylen) == 0)
		return &cache->view;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(GraphCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "skill graph cache",
										   ALLOCSET_DEFAULT_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	/* a different graph replaces the cached one (nothing stale if this fails) */
	cache->key = NULL;
	cache->keylen = 0;
	cache->view.leaves = NULL;
	MemoryContextReset(cache->cxt);
	old = MemoryContextSwitchTo(cache->cxt);
	graph = (SkillGraph *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(argno));
	graph_view(graph, &cache->view);
	cache->view.cxt = cache->cxt;
	cache->view.leaves = NULL;
	cache->view.mark = palloc0(sizeof(uint32) * Max(cache->view.n, 1));
	cache->view.stamp = 0;
	cache->view.stack = palloc(sizeof(int32) * Max(cache->view.n, 1));
	cache->view.found = palloc(sizeof(int32) * Max(cache->view.n, 1));
	cache->key = palloc(keylen);
	memcpy(cache->key, key, keylen);
	cache->keylen = keylen;
	MemoryContextSwitchTo(old);
	return &cache->view;
}

/* A fresh mark for a walk; clears the marks only when the stamp wraps */
uint32
graph_new_stamp(GraphView *g)
{
	if (++g->stamp == 0)
	{
		memset(g->mark, 0, sizeof(uint32) * Max(g->n, 1));
		g->stamp = 1;
	}
	return g->stamp;
}

int
graph_find(const GraphView *g, const char *code)
{
	int			lo = 0,
				hi = g->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(skill_code(g, mid), code);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* A skill code argument: an unknown code is an error naming it */
int
graph_skill_argument(const GraphView *g, FunctionCallInfo fcinfo, int argno)
{
	char	   *code = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	int			v = graph_find(g, code);

	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("skill \"%s\" is not in the skill graph", code),
				 errhint("List the graph's codes with SELECT code FROM skills(graph).")));
	return v;
}

/* ---------- JSON: the text form, jsonb, binary ---------- */

/*
 * {"skills": [{"code": ..., "title": ..., "kind": ..., "level": ...,
 *   "sequence": ...}, ...], "edges": [{"source": ..., "target": ...,
 *   "relation": "prerequisite" | "part_of"}, ...]}
 * Skills in code order, absent fields left out; edges by relation, source
 * and target in topological order.  Reading it back builds the same graph.
 */
char *
graph_to_json(const GraphView *g)
{
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"skills\": [");
	for (int v = 0; v < g->n; v++)
	{
		const SkillNode *node = &g->nodes[v];

		appendStringInfoString(&buf, v ? ", {\"code\": " : "{\"code\": ");
		escape_json(&buf, skill_code(g, v));
		if (node->title != NO_STRING)
		{
			appendStringInfoString(&buf, ", \"title\": ");
			escape_json(&buf, skill_string(g, node->title));
		}
		if (node->kind != NO_STRING)
		{
			appendStringInfoString(&buf, ", \"kind\": ");
			escape_json(&buf, skill_string(g, node->kind));
		}
		if (node->level != NO_STRING)
		{
			appendStringInfoString(&buf, ", \"level\": ");
			escape_json(&buf, skill_string(g, node->level));
		}
		if (node->sequence != NO_SEQUENCE)
			appendStringInfo(&buf, ", \"sequence\": %d", node->sequence);
		appendStringInfoChar(&buf, '}');
		if ((v & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "], \"edges\": [");
	for (int r = 0; r < 2; r++)
	{
		const int32 *start = r == RELATION_PREREQUISITE ? g->enables_start : g->wholes_start;
		const int32 *to = r == RELATION_PREREQUISITE ? g->enables : g->wholes;

		for (int i = 0; i < g->n; i++)
		{
			int32		v = g->topo[i];

			for (int k = start[v]; k < start[v + 1]; k++)
			{
				appendStringInfoString(&buf, first ? "{\"source\": " : ", {\"source\": ");
				escape_json(&buf, skill_code(g, v));
				appendStringInfoString(&buf, ", \"target\": ");
				escape_json(&buf, skill_code(g, to[k]));
				appendStringInfo(&buf, ", \"relation\": \"%s\"}", relation_names[r]);
				first = false;
			}
		}
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}

static char *
json_string_field(JsonbContainer *obj, const char *key, bool required, const char *what)
{
	JsonbValue	v;

	if (!getKeyJsonValueFromContainer(obj, key, strlen(key), &v) || v.type == jbvNull)
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s needs the key \"%s\"", what, key)));
		return NULL;
	}
	if (v.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key \"%s\" of %s must be a string", key, what)));
	return pnstrdup(v.val.string.val, v.val.string.len);
}

int
skill_relation(const char *relation)
{
	for (int r = 0; r < 2; r++)
		if (strcmp(relation, relation_names[r]) == 0)
			return r;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown skill relation \"%s\"", relation),
			 errdetail("Valid relations are: prerequisite, part_of.")));
	pg_unreachable();
}

/* Counts the elements of a JSON array before anything is allocated for them */
static int
json_array_count(JsonbContainer *array, const char *what)
{
	if (!JsonContainerIsArray(array) || JsonContainerIsScalar(array))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON array", what)));
	return JsonContainerSize(array);
}

static bool
json_array_field(JsonbContainer *obj, const char *key, JsonbContainer **array)
{
	JsonbValue	v;

	if (!getKeyJsonValueFromContainer(obj, key, strlen(key), &v) || v.type == jbvNull)
		return false;
	if (v.type != jbvBinary)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key \"%s\" must be a JSON array", key)));
	*array = v.val.binary.data;
	return true;
}

/* Iterates over the objects of a JSON array; false at the end */
bool
json_next_object(JsonbIterator **it, JsonbContainer **obj, const char *what)
{
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("every element of %s must be a JSON object", what)));
		*obj = v.val.binary.data;
		CHECK_FOR_INTERRUPTS();
		return true;
	}
	return false;
}

static SkillGraph *
graph_from_json(JsonbContainer *root)
{
	JsonbContainer *skills_json,
			   *edges_json = NULL,
			   *obj;
	JsonbIterator *it;
	SkillSpec  *skills;
	EdgeSpec   *edges = NULL;
	int			nskills,
				nedges = 0,
				k;

	if (!JsonContainerIsObject(root) ||
		!json_array_field(root, "skills", &skills_json))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a skill graph in JSON must be an object with a \"skills\" array"),
				 errhint("Write it as {\"skills\": [{\"code\": \"A\"}, {\"code\": \"B\"}], \"edges\": [{\"source\": \"A\", \"target\": \"B\", \"relation\": \"prerequisite\"}]}.")));
	nskills = json_array_count(skills_json, "\"skills\"");
	if (json_array_field(root, "edges", &edges_json))
		nedges = json_array_count(edges_json, "\"edges\"");
	check_counts(nskills, nedges);

	skills = palloc_extended(sizeof(SkillSpec) * Max(nskills, 1), MCXT_ALLOC_HUGE);
	it = JsonbIteratorInit(skills_json);
	for (k = 0; json_next_object(&it, &obj, "\"skills\""); k++)
	{
		JsonbValue	seq;

		skills[k].code = json_string_field(obj, "code", true, "a skill");
		skills[k].title = json_string_field(obj, "title", false, "a skill");
		skills[k].kind = json_string_field(obj, "kind", false, "a skill");
		skills[k].level = json_string_field(obj, "level", false, "a skill");
		skills[k].sequence = NO_SEQUENCE;
		if (getKeyJsonValueFromContainer(obj, "sequence", 8, &seq) && seq.type != jbvNull)
		{
			double		d;

			if (seq.type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("key \"sequence\" of skill \"%s\" must be a number", skills[k].code)));
			d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(seq.val.numeric)));
			if (d != floor(d) || d <= (double) NO_SEQUENCE || d > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("sequence number of skill \"%s\" must be an integer", skills[k].code)));
			skills[k].sequence = (int32) d;
		}
	}
	if (nedges > 0)
	{
		edges = palloc_extended(sizeof(EdgeSpec) * nedges, MCXT_ALLOC_HUGE);
		it = JsonbIteratorInit(edges_json);
		for (k = 0; json_next_object(&it, &obj, "\"edges\""); k++)
		{
			edges[k].source = json_string_field(obj, "source", true, "an edge");
			edges[k].target = json_string_field(obj, "target", true, "an edge");
			edges[k].relation = skill_relation(json_string_field(obj, "relation", true, "an edge"));
		}
	}
	return graph_build(skills, nskills, edges, nedges);
}

PG_FUNCTION_INFO_V1(skill_graph_in);
Datum
skill_graph_in(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0)));

	PG_RETURN_POINTER(graph_from_json(&jb->root));
}

PG_FUNCTION_INFO_V1(skill_graph_out);
Datum
skill_graph_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(graph_to_json(graph_argument(fcinfo, 0)));
}

/* Binary form: a version byte, then the JSON text, read by the same builder */
PG_FUNCTION_INFO_V1(skill_graph_recv);
Datum
skill_graph_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(msg);
	char	   *text;
	int			nbytes;
	Jsonb	   *jb;

	if (version != SKILL_GRAPH_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for skill_graph", version),
				 errdetail("This version of competency reads format %d.", SKILL_GRAPH_VERSION)));
	text = pq_getmsgtext(msg, msg->len - msg->cursor, &nbytes);
	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
	PG_RETURN_POINTER(graph_from_json(&jb->root));
}

PG_FUNCTION_INFO_V1(skill_graph_send);
Datum
skill_graph_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	char	   *json = graph_to_json(graph_argument(fcinfo, 0));

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SKILL_GRAPH_VERSION);
	pq_sendtext(&buf, json, strlen(json));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(skill_graph_to_jsonb);
Datum
skill_graph_to_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in,
										CStringGetDatum(graph_to_json(graph_argument(fcinfo, 0)))));
}

PG_FUNCTION_INFO_V1(skill_graph_from_jsonb);
Datum
skill_graph_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);

	PG_RETURN_POINTER(graph_from_json(&jb->root));
}

/* ---------- aggregates: skill_graph_agg ---------- */

/*
 * The state collects skills and edges as strings; the final function
 * builds the graph once.  Rows repeat skills (a skill is named on every
 * edge row) and whole edges (duplicate rows are ordinary in warehouse
 * tables), so when an array fills it is sorted and its repeats dropped, and
 * it grows only if still more than half full: memory and the limits follow
 * the distinct skills and edges, at O(n log n) in all.  Edges own copies of
 * their codes, so a repeat is freed wherever it is dropped.
 */
typedef struct GraphAggState
{
	int			nskills,
				skills_capacity;
	SkillSpec  *skills;
	int			nedges,
				edges_capacity;
	EdgeSpec   *edges;
} GraphAggState;

static int
compare_edge_specs(const void *a, const void *b)
{
	const EdgeSpec *x = a;
	const EdgeSpec *y = b;
	int			c = strcmp(x->source, y->source);

	if (c == 0)
		c = strcmp(x->target, y->target);
	if (c == 0)
		c = (x->relation > y->relation) - (x->relation < y->relation);
	return c;
}

/* Sorts the skills by code and drops repeats */
static void
compact_skills(GraphAggState *st)
{
	int			k = 0;

	qsort(st->skills, st->nskills, sizeof(SkillSpec), compare_specs);
	for (int i = 0; i < st->nskills; i++)
	{
		if (k > 0 && strcmp(st->skills[k - 1].code, st->skills[i].code) == 0)
			pfree(st->skills[i].code);
		else
			st->skills[k++] = st->skills[i];
	}
	st->nskills = k;
}

static void
compact_edges(GraphAggState *st)
{
	int			k = 0;

	qsort(st->edges, st->nedges, sizeof(EdgeSpec), compare_edge_specs);
	for (int i = 0; i < st->nedges; i++)
	{
		if (k > 0 && compare_edge_specs(&st->edges[k - 1], &st->edges[i]) == 0)
		{
			pfree(st->edges[i].source);
			pfree(st->edges[i].target);
		}
		else
			st->edges[k++] = st->edges[i];
	}
	st->nedges = k;
}

static GraphAggState *
graph_agg_state(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "skill_graph_agg called in non-aggregate context");
	if (PG_ARGISNULL(0))
		return MemoryContextAllocZero(*aggcontext, sizeof(GraphAggState));
	return (GraphAggState *) PG_GETARG_POINTER(0);
}

static char *
code_argument(FunctionCallInfo fcinfo, int argno)
{
	char	   *code = text_to_cstring(PG_GETARG_TEXT_PP(argno));

	check_skill_code(code);
	return code;
}

/* Adds a skill whose code the state now owns; in the state's context */
static void
add_skill(GraphAggState *st, char *code)
{
	if (st->nskills >= st->skills_capacity)
	{
		int			capacity = Max(64, st->skills_capacity);

		if (st->nskills > 0)
		{
			compact_skills(st);
			check_counts(st->nskills, 0);
		}
		if (st->nskills > capacity / 2)
			capacity *= 2;
		if (capacity != st->skills_capacity)
		{
			st->skills = st->skills ? repalloc_huge(st->skills, sizeof(SkillSpec) * capacity) :
				palloc_extended(sizeof(SkillSpec) * capacity, MCXT_ALLOC_HUGE);
			st->skills_capacity = capacity;
		}
	}
	st->skills[st->nskills].code = code;
	st->skills[st->nskills].title = NULL;
	st->skills[st->nskills].kind = NULL;
	st->skills[st->nskills].level = NULL;
	st->skills[st->nskills].sequence = NO_SEQUENCE;
	st->nskills++;
}

/* Adds an edge whose codes the state now owns; in the state's context */
static void
add_edge(GraphAggState *st, char *source, char *target, int relation)
{
	if (st->nedges >= st->edges_capacity)
	{
		int			capacity = Max(64, st->edges_capacity);

		if (st->nedges > 0)
		{
			compact_edges(st);
			check_counts(0, st->nedges);
		}
		if (st->nedges > capacity / 2)
			capacity *= 2;
		if (capacity != st->edges_capacity)
		{
			st->edges = st->edges ? repalloc_huge(st->edges, sizeof(EdgeSpec) * capacity) :
				palloc_extended(sizeof(EdgeSpec) * capacity, MCXT_ALLOC_HUGE);
			st->edges_capacity = capacity;
		}
	}
	st->edges[st->nedges].source = source;
	st->edges[st->nedges].target = target;
	st->edges[st->nedges].relation = relation;
	st->nedges++;
}

static void
collect(GraphAggState *st, FunctionCallInfo fcinfo, MemoryContext aggcontext,
		int source_arg, int target_arg, int relation)
{
	MemoryContext old = MemoryContextSwitchTo(aggcontext);
	char	   *target = code_argument(fcinfo, target_arg);

	add_skill(st, target);
	if (!PG_ARGISNULL(source_arg))
	{
		char	   *source = code_argument(fcinfo, source_arg);

		add_skill(st, source);
		add_edge(st, pstrdup(source), pstrdup(target), relation);
	}
	MemoryContextSwitchTo(old);
}

/* skill_graph_agg(prerequisite, skill): NULL prerequisite adds the skill alone */
PG_FUNCTION_INFO_V1(skill_graph_agg_transfn);
Datum
skill_graph_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	GraphAggState *st = graph_agg_state(fcinfo, &aggcontext);

	if (!PG_ARGISNULL(2))
		collect(st, fcinfo, aggcontext, 1, 2, RELATION_PREREQUISITE);
	PG_RETURN_POINTER(st);
}

/* skill_graph_agg(source, target, relation) */
PG_FUNCTION_INFO_V1(skill_graph_agg_relation_transfn);
Datum
skill_graph_agg_relation_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	GraphAggState *st = graph_agg_state(fcinfo, &aggcontext);
	int			relation;

	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	/* a skill alone (no source) needs no relation */
	if (PG_ARGISNULL(1))
	{
		collect(st, fcinfo, aggcontext, 1, 2, RELATION_PREREQUISITE);
		PG_RETURN_POINTER(st);
	}
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("skill relation must not be null"),
				 errdetail("Valid relations are: prerequisite, part_of.")));
	relation = skill_relation(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	collect(st, fcinfo, aggcontext, 1, 2, relation);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(skill_graph_agg_combinefn);
Datum
skill_graph_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	GraphAggState *a = graph_agg_state(fcinfo, &aggcontext);
	GraphAggState *b = PG_ARGISNULL(1) ? NULL : (GraphAggState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	old = MemoryContextSwitchTo(aggcontext);
	for (int i = 0; i < b->nskills; i++)
		add_skill(a, pstrdup(b->skills[i].code));
	for (int i = 0; i < b->nedges; i++)
		add_edge(a, pstrdup(b->edges[i].source), pstrdup(b->edges[i].target), b->edges[i].relation);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/*
 * Serialized: a format byte, int32 counts, then each code as an int32
 * length and its bytes (never converted: a partial state must not depend on
 * the session's client_encoding), each edge with a relation byte.
 */
#define GRAPH_AGG_STATE_FORMAT 1

static void
send_code(StringInfo buf, const char *code)
{
	int			len = strlen(code);

	pq_sendint32(buf, len);
	pq_sendbytes(buf, code, len);
}

PG_FUNCTION_INFO_V1(skill_graph_agg_serializefn);
Datum
skill_graph_agg_serializefn(PG_FUNCTION_ARGS)
{
	GraphAggState *st = (GraphAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	/* the same set, sorted and without repeats: less to send */
	if (st->nskills > 0)
		compact_skills(st);
	if (st->nedges > 0)
		compact_edges(st);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, GRAPH_AGG_STATE_FORMAT);
	pq_sendint32(&buf, st->nskills);
	pq_sendint32(&buf, st->nedges);
	for (int i = 0; i < st->nskills; i++)
		send_code(&buf, st->skills[i].code);
	for (int i = 0; i < st->nedges; i++)
	{
		send_code(&buf, st->edges[i].source);
		send_code(&buf, st->edges[i].target);
		pq_sendbyte(&buf, st->edges[i].relation);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

pg_attribute_noreturn()
static void
corrupt_graph_agg_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized skill graph aggregate state"),
			 errdetail("%s", detail)));
}

/* A code as send_code wrote it, checked like a code given as text */
static char *
receive_code(StringInfo msg)
{
	int			len = pq_getmsgint(msg, 4);
	char	   *code;

	if (len <= 0 || len > SKILL_CODE_MAX_LENGTH || len > msg->len - msg->cursor)
		corrupt_graph_agg_state("A skill code has an invalid length.");
	code = palloc(len + 1);
	memcpy(code, pq_getmsgbytes(msg, len), len);
	code[len] = '\0';
	if (strlen(code) != (size_t) len)
		corrupt_graph_agg_state("A skill code contains a zero byte.");
	if (!pg_verifymbstr(code, len, true))
		corrupt_graph_agg_state("A skill code is not valid in the server encoding.");
	check_skill_code(code);
	return code;
}

PG_FUNCTION_INFO_V1(skill_graph_agg_deserializefn);
Datum
skill_graph_agg_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	StringInfoData msg;
	GraphAggState *st = palloc0(sizeof(GraphAggState));
	int			nskills,
				nedges;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "skill_graph_agg_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < 9 || pq_getmsgbyte(&msg) != GRAPH_AGG_STATE_FORMAT)
		corrupt_graph_agg_state("Its header is missing or has an unknown format.");
	nskills = pq_getmsgint(&msg, 4);
	nedges = pq_getmsgint(&msg, 4);
	/* every skill takes at least 5 bytes, every edge 11: check before allocating */
	if (nskills < 0 || nedges < 0 ||
		(int64) nskills * 5 + (int64) nedges * 11 > msg.len - msg.cursor)
		corrupt_graph_agg_state("Its counts do not match its size.");
	check_counts(nskills, nedges);
	for (int i = 0; i < nskills; i++)
	{
		add_skill(st, receive_code(&msg));
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int i = 0; i < nedges; i++)
	{
		char	   *source = receive_code(&msg);
		char	   *target = receive_code(&msg);
		int			relation = pq_getmsgbyte(&msg);

		if (relation != RELATION_PREREQUISITE && relation != RELATION_PART_OF)
			corrupt_graph_agg_state("An edge has an unknown relation.");
		add_edge(st, source, target, relation);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(skill_graph_agg_finalfn);
Datum
skill_graph_agg_finalfn(PG_FUNCTION_ARGS)
{
	GraphAggState *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (GraphAggState *) PG_GETARG_POINTER(0);
	/* repeats dropped (the same set: window frames may go on with it) */
	if (st->nskills > 0)
		compact_skills(st);
	if (st->nedges > 0)
		compact_edges(st);
	/* the builder sorts its input: give it copies, the state may be reused */
	{
		SkillSpec  *skills = palloc_extended(sizeof(SkillSpec) * Max(st->nskills, 1), MCXT_ALLOC_HUGE);

		memcpy(skills, st->skills, sizeof(SkillSpec) * st->nskills);
		PG_RETURN_POINTER(graph_build(skills, st->nskills, st->edges, st->nedges));
	}
}
