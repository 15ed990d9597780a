/*
 * graph_queries.c
 *		What analysts ask of a skill graph: its skills, prerequisites and
 *		dependents (direct or transitive), parts, topological order, counts,
 *		subgraphs, and a Graphviz picture.
 *
 * Every function reads the graph through graph_argument(), which checks
 * and caches it once per query, and walks the stored adjacency arrays.
 * Walks are iterative with a visited bitmap: O(V + E), interruptible.
 */
#include "skill_graph.h"

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

static void
put_code(Tuplestorestate *store, TupleDesc desc, const GraphView *g, int v)
{
	Datum		value = CStringGetTextDatum(skill_code(g, v));
	bool		isnull = false;

	tuplestore_putvalues(store, desc, &value, &isnull);
}

/* skills(g): code, title, kind, level, depth; in code order */
PG_FUNCTION_INFO_V1(graph_skills);
Datum
graph_skills(PG_FUNCTION_ARGS)
{
	const GraphView *g = graph_argument(fcinfo, 0);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "code", &desc);

	for (int v = 0; v < g->n; v++)
	{
		const SkillNode *node = &g->nodes[v];
		Datum		values[6];
		bool		nulls[6] = {false};
		const int32 strings[3] = {node->title, node->kind, node->level};

		values[0] = CStringGetTextDatum(skill_code(g, v));
		for (int f = 0; f < 3; f++)
		{
			if (strings[f] == NO_STRING)
				nulls[f + 1] = true;
			else
				values[f + 1] = CStringGetTextDatum(skill_string(g, strings[f]));
		}
		values[4] = Int32GetDatum(node->depth);
		if (node->sequence == NO_SEQUENCE)
			nulls[5] = true;
		else
			values[5] = Int32GetDatum(node->sequence);
		tuplestore_putvalues(store, desc, values, nulls);
		if ((v & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * The skills reachable from v along start/to, v excluded, into g->found;
 * returns how many.  Uses the graph's scratch marks and stack.
 */
int
graph_reach(GraphView *g, int v, const int32 *start, const int32 *to, bool transitive)
{
	uint32		stamp = graph_new_stamp(g);
	int			nfound = 0;
	int			top = 0;

	g->stack[top++] = v;
	g->mark[v] = stamp;
	while (top > 0)
	{
		int32		u = g->stack[--top];

		for (int k = start[u]; k < start[u + 1]; k++)
		{
			int32		w = to[k];

			if (g->mark[w] == stamp)
				continue;
			g->mark[w] = stamp;
			g->found[nfound++] = w;
			if (transitive)
				g->stack[top++] = w;
		}
		if ((nfound & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return nfound;
}

static const GraphView *sort_view;

static int
compare_rank(const void *a, const void *b)
{
	int32		x = sort_view->rank[*(const int32 *) a];
	int32		y = sort_view->rank[*(const int32 *) b];

	return (x > y) - (x < y);
}

static Datum
related_skills(FunctionCallInfo fcinfo, bool prerequisites)
{
	GraphView  *g = graph_argument(fcinfo, 0);
	int			v = graph_skill_argument(g, fcinfo, 1);
	bool		transitive = PG_GETARG_BOOL(2);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "code", &desc);
	int			nfound;

	nfound = graph_reach(g, v, prerequisites ? g->requires_start : g->enables_start,
				   prerequisites ? g->requires : g->enables, transitive);
	/* direct lists are stored in topological order already */
	if (transitive)
	{
		sort_view = g;
		qsort(g->found, nfound, sizeof(int32), compare_rank);
	}
	for (int i = 0; i < nfound; i++)
		put_code(store, desc, g, g->found[i]);
	return (Datum) 0;
}

/* prerequisites(g, skill, transitive): what must come before the skill */
PG_FUNCTION_INFO_V1(graph_prerequisites);
Datum
graph_prerequisites(PG_FUNCTION_ARGS)
{
	return related_skills(fcinfo, true);
}

/* dependents(g, skill, transitive): what needs the skill */
PG_FUNCTION_INFO_V1(graph_dependents);
Datum
graph_dependents(PG_FUNCTION_ARGS)
{
	return related_skills(fcinfo, false);
}

static int
compare_siblings(const void *a, const void *b)
{
	const SkillNode *x = &sort_view->nodes[*(const int32 *) a];
	const SkillNode *y = &sort_view->nodes[*(const int32 *) b];

	if (x->sequence != y->sequence)
	{
		if (x->sequence == NO_SEQUENCE)
			return 1;
		if (y->sequence == NO_SEQUENCE)
			return -1;
		return x->sequence < y->sequence ? -1 : 1;
	}
	return (*(const int32 *) a > *(const int32 *) b) - (*(const int32 *) a < *(const int32 *) b);
}

/* parts(g, skill): its direct part_of children, by sequence number then code */
PG_FUNCTION_INFO_V1(graph_parts);
Datum
graph_parts(PG_FUNCTION_ARGS)
{
	const GraphView *g = graph_argument(fcinfo, 0);
	int			v = graph_skill_argument(g, fcinfo, 1);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "code", &desc);
	int			n = g->parts_start[v + 1] - g->parts_start[v];
	int32	   *parts = palloc(sizeof(int32) * Max(n, 1));

	memcpy(parts, g->parts + g->parts_start[v], sizeof(int32) * n);
	sort_view = g;
	qsort(parts, n, sizeof(int32), compare_siblings);
	for (int i = 0; i < n; i++)
		put_code(store, desc, g, parts[i]);
	return (Datum) 0;
}

/* topological_order(g): prerequisites and parts before what needs them */
PG_FUNCTION_INFO_V1(graph_topological_order);
Datum
graph_topological_order(PG_FUNCTION_ARGS)
{
	const GraphView *g = graph_argument(fcinfo, 0);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "code", &desc);

	for (int i = 0; i < g->n; i++)
	{
		put_code(store, desc, g, g->topo[i]);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(graph_skill_count);
Datum
graph_skill_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(graph_argument(fcinfo, 0)->n);
}

/* edge_count(g, relation DEFAULT NULL): NULL counts both relations */
PG_FUNCTION_INFO_V1(graph_edge_count);
Datum
graph_edge_count(PG_FUNCTION_ARGS)
{
	const GraphView *g;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	g = graph_argument(fcinfo, 0);
	if (PG_ARGISNULL(1))
		PG_RETURN_INT32(g->graph->nprerequisite + g->graph->npart);
	if (skill_relation(text_to_cstring(PG_GETARG_TEXT_PP(1))) == RELATION_PREREQUISITE)
		PG_RETURN_INT32(g->graph->nprerequisite);
	PG_RETURN_INT32(g->graph->npart);
}

/*
 * subgraph(g, roots): the roots, everything that is part of them
 * (transitively), and the edges among those skills.
 */
PG_FUNCTION_INFO_V1(graph_subgraph);
Datum
graph_subgraph(PG_FUNCTION_ARGS)
{
	GraphView  *g = graph_argument(fcinfo, 0);
	ArrayType  *roots = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *root_values;
	bool	   *root_nulls;
	int			nroots;
	char	   *keep = palloc0(Max(g->n, 1));
	SkillSpec  *skills;
	EdgeSpec   *edges;
	int			nskills = 0,
				nedges = 0;

	if (ARR_NDIM(roots) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("roots of subgraph must be a one-dimensional array")));
	deconstruct_array(roots, TEXTOID, -1, false, TYPALIGN_INT, &root_values, &root_nulls, &nroots);
	for (int i = 0; i < nroots; i++)
	{
		char	   *code;
		int			v;

		if (root_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("root %d of subgraph is null", i + 1)));
		code = TextDatumGetCString(root_values[i]);
		v = graph_find(g, code);
		if (v < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("skill \"%s\" is not in the skill graph", code),
					 errhint("List the graph's codes with SELECT code FROM skills(graph).")));
		keep[v] = 1;
		for (int k = graph_reach(g, v, g->parts_start, g->parts, true) - 1; k >= 0; k--)
			keep[g->found[k]] = 1;
	}

	skills = palloc(sizeof(SkillSpec) * Max(g->n, 1));
	edges = palloc_extended(sizeof(EdgeSpec) * Max(g->graph->nprerequisite + g->graph->npart, 1),
							MCXT_ALLOC_HUGE);
	for (int v = 0; v < g->n; v++)
	{
		const SkillNode *node = &g->nodes[v];

		if (!keep[v])
			continue;
		skills[nskills].code = (char *) skill_code(g, v);
		skills[nskills].title = (char *) skill_string(g, node->title);
		skills[nskills].kind = (char *) skill_string(g, node->kind);
		skills[nskills].level = (char *) skill_string(g, node->level);
		skills[nskills].sequence = node->sequence;
		nskills++;
		for (int k = g->enables_start[v]; k < g->enables_start[v + 1]; k++)
			if (keep[g->enables[k]])
			{
				edges[nedges].source = (char *) skill_code(g, v);
				edges[nedges].target = (char *) skill_code(g, g->enables[k]);
				edges[nedges++].relation = RELATION_PREREQUISITE;
			}
		for (int k = g->wholes_start[v]; k < g->wholes_start[v + 1]; k++)
			if (keep[g->wholes[k]])
			{
				edges[nedges].source = (char *) skill_code(g, v);
				edges[nedges].target = (char *) skill_code(g, g->wholes[k]);
				edges[nedges++].relation = RELATION_PART_OF;
			}
	}
	PG_RETURN_POINTER(graph_build(skills, nskills, edges, nedges));
}

void
dot_append_string(StringInfo buf, const char *s)
{
	appendStringInfoChar(buf, '"');
	for (; *s; s++)
	{
		if (*s == '"' || *s == '\\')
			appendStringInfoChar(buf, '\\');
		if (*s == '\n')
			appendStringInfoString(buf, "\\n");
		else
			appendStringInfoChar(buf, *s);
	}
	appendStringInfoChar(buf, '"');
}

/*
 * skill_graph_to_dot(g): Graphviz.  Prerequisite edges are solid arrows
 * toward what needs them; part_of edges are dashed, toward the whole.
 */
PG_FUNCTION_INFO_V1(graph_to_dot);
Datum
graph_to_dot(PG_FUNCTION_ARGS)
{
	const GraphView *g = graph_argument(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "digraph skills {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
	for (int i = 0; i < g->n; i++)
	{
		int32		v = g->topo[i];
		const SkillNode *node = &g->nodes[v];

		appendStringInfoString(&buf, "  ");
		dot_append_string(&buf, skill_code(g, v));
		if (node->title != NO_STRING)
		{
			appendStringInfoString(&buf, " [tooltip=");
			dot_append_string(&buf, skill_string(g, node->title));
			appendStringInfoChar(&buf, ']');
		}
		appendStringInfoString(&buf, ";\n");
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

/* wholes(g, skill, transitive): what the skill is part of, up to the top */
PG_FUNCTION_INFO_V1(graph_wholes);
Datum
graph_wholes(PG_FUNCTION_ARGS)
{
	GraphView  *g = graph_argument(fcinfo, 0);
	int			v = graph_skill_argument(g, fcinfo, 1);
	bool		transitive = PG_GETARG_BOOL(2);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, "code", &desc);
	int			nfound = graph_reach(g, v, g->wholes_start, g->wholes, transitive);

	if (transitive)
	{
		sort_view = g;
		qsort(g->found, nfound, sizeof(int32), compare_rank);
	}
	for (int i = 0; i < nfound; i++)
		put_code(store, desc, g, g->found[i]);
	return (Datum) 0;
}

/*
 * edges(g): one row per edge (source, target, relation), for tools that
 * read tables: prerequisite edges point to what needs the source, part_of
 * edges to the whole.  In topological order of the source.
 */
PG_FUNCTION_INFO_V1(graph_edges);
Datum
graph_edges(PG_FUNCTION_ARGS)
{
	const GraphView *g = graph_argument(fcinfo, 0);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, NULL, &desc);
	Datum		relation[2] = {CStringGetTextDatum("prerequisite"), CStringGetTextDatum("part_of")};

	for (int i = 0; i < g->n; i++)
	{
		int32		v = g->topo[i];
		Datum		values[3];
		bool		nulls[3] = {false};

		values[0] = CStringGetTextDatum(skill_code(g, v));
		for (int k = g->enables_start[v]; k < g->enables_start[v + 1]; k++)
		{
			values[1] = CStringGetTextDatum(skill_code(g, g->enables[k]));
			values[2] = relation[RELATION_PREREQUISITE];
			tuplestore_putvalues(store, desc, values, nulls);
		}
		for (int k = g->wholes_start[v]; k < g->wholes_start[v + 1]; k++)
		{
			values[1] = CStringGetTextDatum(skill_code(g, g->wholes[k]));
			values[2] = relation[RELATION_PART_OF];
			tuplestore_putvalues(store, desc, values, nulls);
		}
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* The skills and edges of a graph as the builder takes them */
static void
graph_specs(const GraphView *g, SkillSpec *skills, int *nskills, EdgeSpec *edges, int *nedges)
{
	for (int v = 0; v < g->n; v++)
	{
		const SkillNode *node = &g->nodes[v];
		SkillSpec  *s = &skills[(*nskills)++];

		s->code = (char *) skill_code(g, v);
		s->title = (char *) skill_string(g, node->title);
		s->kind = (char *) skill_string(g, node->kind);
		s->level = (char *) skill_string(g, node->level);
		s->sequence = node->sequence;
		for (int k = g->enables_start[v]; k < g->enables_start[v + 1]; k++)
		{
			edges[*nedges].source = (char *) skill_code(g, v);
			edges[*nedges].target = (char *) skill_code(g, g->enables[k]);
			edges[(*nedges)++].relation = RELATION_PREREQUISITE;
		}
		for (int k = g->wholes_start[v]; k < g->wholes_start[v + 1]; k++)
		{
			edges[*nedges].source = (char *) skill_code(g, v);
			edges[*nedges].target = (char *) skill_code(g, g->wholes[k]);
			edges[(*nedges)++].relation = RELATION_PART_OF;
		}
	}
}

/*
 * a || b: one framework from two, for example a CASE package's hierarchy
 * and a table of prerequisites between its standards.  Skills with the same
 * code are one skill (their descriptions must agree where both give one),
 * edges are the union, and a loop across the two is an error as always.
 */
PG_FUNCTION_INFO_V1(graph_union);
Datum
graph_union(PG_FUNCTION_ARGS)
{
	/* the second argument needs a cache of its own: copy the first view */
	GraphView	a = *graph_argument(fcinfo, 0);
	SkillGraph *bgraph = (SkillGraph *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	GraphView	b;
	int64		maxskills,
				maxedges;
	SkillSpec  *skills;
	EdgeSpec   *edges;
	int			nskills = 0,
				nedges = 0;

	graph_view(bgraph, &b);
	maxskills = (int64) a.n + b.n;
	maxedges = (int64) a.graph->nprerequisite + a.graph->npart + b.graph->nprerequisite + b.graph->npart;
	if (maxskills > SKILL_GRAPH_MAX_SKILLS * 2L || maxedges > SKILL_GRAPH_MAX_EDGES * 2L)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the union of two skill graphs is too large")));
	skills = palloc_extended(sizeof(SkillSpec) * Max(maxskills, 1), MCXT_ALLOC_HUGE);
	edges = palloc_extended(sizeof(EdgeSpec) * Max(maxedges, 1), MCXT_ALLOC_HUGE);
	graph_specs(&a, skills, &nskills, edges, &nedges);
	graph_specs(&b, skills, &nskills, edges, &nedges);
	PG_RETURN_POINTER(graph_build(skills, nskills, edges, nedges));
}
