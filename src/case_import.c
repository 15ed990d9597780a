/*
 * case_import.c
 *		skill_graph_from_case(package jsonb): a 1EdTech CASE CFPackage as a
 *		skill graph.
 *
 * Items become skills: code = humanCodingScheme, else identifier; title =
 * fullStatement (else abbreviatedStatement); kind = CFItemType; level =
 * educationalLevel.  isChildOf associations become part_of edges (their
 * sequenceNumber orders siblings), precedes associations become
 * prerequisite edges; other association types are not skill relations.
 *
 * Two shapes are read: CASE 1.0 (associations name their ends in
 * originNodeURI / destinationNodeURI objects, educationalLevel is an array,
 * CFItemType a string) and the older OpenSALT export (also
 * originNodeIdentifier / destinationNodeIdentifier strings, educationalLevel
 * a string).  An association whose other end is outside the package is
 * skipped and counted in a NOTICE; an isChildOf pointing at the CFDocument
 * itself marks a top-level item.
 */
#include "skill_graph.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"

static JsonbContainer *
object_field(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;

	if (!getKeyJsonValueFromContainer(obj, key, strlen(key), &v) ||
		v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
		return NULL;
	return v.val.binary.data;
}

static char *
string_field(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;

	if (obj == NULL || !getKeyJsonValueFromContainer(obj, key, strlen(key), &v) ||
		v.type != jbvString || v.val.string.len == 0)
		return NULL;
	return pnstrdup(v.val.string.val, v.val.string.len);
}

/* A string, or (CASE 1.0) an array of strings joined with commas */
static char *
string_or_list_field(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	StringInfoData buf;

	if (!getKeyJsonValueFromContainer(obj, key, strlen(key), &v))
		return NULL;
	if (v.type == jbvString)
		return v.val.string.len ? pnstrdup(v.val.string.val, v.val.string.len) : NULL;
	if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data))
		return NULL;
	initStringInfo(&buf);
	it = JsonbIteratorInit(v.val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		if (tok == WJB_ELEM && elem.type == jbvString)
			appendStringInfo(&buf, "%s%.*s", buf.len ? "," : "",
							 elem.val.string.len, elem.val.string.val);
	return buf.len ? buf.data : NULL;
}

/* The identifier of an association's end, in either shape */
static char *
node_identifier(JsonbContainer *assoc, const char *flat_key, const char *object_key)
{
	char	   *id = string_field(assoc, flat_key);

	if (id == NULL)
		id = string_field(object_field(assoc, object_key), "identifier");
	return id;
}

static JsonbContainer *
array_field(JsonbContainer *obj, const char *key, bool required)
{
	JsonbValue	v;

	if (!getKeyJsonValueFromContainer(obj, key, strlen(key), &v) || v.type == jbvNull)
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("CASE package has no \"%s\" array", key),
					 errhint("Pass the whole CFPackage: an object with CFDocument, CFItems and CFAssociations.")));
		return NULL;
	}
	if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data) ||
		JsonContainerIsScalar(v.val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of a CASE package must be an array", key)));
	return v.val.binary.data;
}

/* identifier -> item index, and code -> identifier to catch code clashes */
typedef struct IdEntry
{
	char		key[NAMEDATALEN * 4];
	int			index;
} IdEntry;

static HTAB *
make_table(const char *name, int size)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(((IdEntry *) 0)->key);
	ctl.entrysize = sizeof(IdEntry);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, Max(size, 16), &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

static IdEntry *
table_lookup(HTAB *table, const char *key, HASHACTION action, bool *found)
{
	if (strlen(key) >= sizeof(((IdEntry *) 0)->key))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CASE identifier is too long"),
				 errdetail("Identifiers have at most %d bytes; this one starts with \"%.40s\".",
						   (int) sizeof(((IdEntry *) 0)->key) - 1, key)));
	return (IdEntry *) hash_search(table, key, action, found);
}

PG_FUNCTION_INFO_V1(skill_graph_from_case);
Datum
skill_graph_from_case(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbContainer *items_json,
			   *assoc_json,
			   *obj;
	JsonbIterator *it;
	char	   *document_id = NULL;
	int			nitems,
				nassoc = 0,
				nskills = 0,
				nedges = 0,
				outside = 0;
	SkillSpec  *skills;
	EdgeSpec   *edges = NULL;
	char	  **identifiers;
	HTAB	   *by_identifier,
			   *by_code;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a CASE package must be a JSON object"),
				 errhint("Pass the whole CFPackage: an object with CFDocument, CFItems and CFAssociations.")));
	document_id = string_field(object_field(&jb->root, "CFDocument"), "identifier");
	items_json = array_field(&jb->root, "CFItems", true);
	assoc_json = array_field(&jb->root, "CFAssociations", false);
	nitems = JsonContainerSize(items_json);
	if (assoc_json)
		nassoc = JsonContainerSize(assoc_json);
	if (nitems > SKILL_GRAPH_MAX_SKILLS || nassoc > SKILL_GRAPH_MAX_EDGES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CASE package is too large for a skill graph"),
				 errdetail("It has %d items and %d associations; a graph holds at most %d skills and %d edges.",
						   nitems, nassoc, SKILL_GRAPH_MAX_SKILLS, SKILL_GRAPH_MAX_EDGES)));

	skills = palloc_extended(sizeof(SkillSpec) * Max(nitems, 1), MCXT_ALLOC_HUGE);
	identifiers = palloc_extended(sizeof(char *) * Max(nitems, 1), MCXT_ALLOC_HUGE);
	by_identifier = make_table("CASE identifiers", nitems);
	by_code = make_table("CASE codes", nitems);

	it = JsonbIteratorInit(items_json);
	while (json_next_object(&it, &obj, "CFItems"))
	{
		SkillSpec  *s = &skills[nskills];
		char	   *id = string_field(obj, "identifier");
		IdEntry    *entry;
		bool		found;

		if (id == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("CFItem %d of the CASE package has no identifier", nskills + 1),
					 errhint("Every CFItem needs a non-empty \"identifier\".")));
		entry = table_lookup(by_identifier, id, HASH_ENTER, &found);
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("CASE identifier \"%s\" is used by two CFItems", id)));
		entry->index = nskills;
		identifiers[nskills] = id;

		s->code = string_field(obj, "humanCodingScheme");
		if (s->code == NULL)
			s->code = id;
		check_skill_code(s->code);
		entry = table_lookup(by_code, s->code, HASH_ENTER, &found);
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("skill code \"%s\" belongs to two CASE items", s->code),
					 errdetail("Items \"%s\" and \"%s\" both have this humanCodingScheme.",
							   identifiers[entry->index], id),
					 errhint("Give the items distinct humanCodingScheme values in the package.")));
		entry->index = nskills;

		s->title = string_field(obj, "fullStatement");
		if (s->title == NULL)
			s->title = string_field(obj, "abbreviatedStatement");
		s->kind = string_field(obj, "CFItemType");
		if (s->kind == NULL)
			s->kind = string_field(object_field(obj, "CFItemTypeURI"), "title");
		s->level = string_or_list_field(obj, "educationalLevel");
		s->sequence = NO_SEQUENCE;
		nskills++;
	}

	if (assoc_json)
	{
		edges = palloc_extended(sizeof(EdgeSpec) * Max(nassoc, 1), MCXT_ALLOC_HUGE);
		it = JsonbIteratorInit(assoc_json);
		while (json_next_object(&it, &obj, "CFAssociations"))
		{
			char	   *type = string_field(obj, "associationType");
			char	   *origin = node_identifier(obj, "originNodeIdentifier", "originNodeURI");
			char	   *destination = node_identifier(obj, "destinationNodeIdentifier", "destinationNodeURI");
			IdEntry    *from,
					   *to = NULL;
			bool		child_of;
			bool		top_level;
			JsonbValue	seq;

			if (type == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a CFAssociation of the CASE package has no associationType")));
			child_of = strcmp(type, "isChildOf") == 0;
			if (!child_of && strcmp(type, "precedes") != 0)
				continue;		/* exactMatchOf, isRelatedTo ...: not skill relations */
			if (origin == NULL || destination == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a %s association of the CASE package does not name both of its ends", type),
						 errhint("Associations need originNodeURI and destinationNodeURI with identifiers.")));
			top_level = child_of && document_id && strcmp(destination, document_id) == 0;
			from = table_lookup(by_identifier, origin, HASH_FIND, NULL);
			if (!top_level)
				to = table_lookup(by_identifier, destination, HASH_FIND, NULL);
			if (from == NULL || (to == NULL && !top_level))
			{
				outside++;
				continue;
			}
			/* isChildOf orders siblings by sequenceNumber (CASE 1.0) */
			if (child_of && getKeyJsonValueFromContainer(obj, "sequenceNumber", 14, &seq) &&
				seq.type == jbvNumeric)
			{
				double		d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																   NumericGetDatum(seq.val.numeric)));

				if (d == floor(d) && d > (double) NO_SEQUENCE && d <= PG_INT32_MAX)
					skills[from->index].sequence = (int32) d;
			}
			if (top_level)
				continue;		/* part of the document only: a root of the hierarchy */
			edges[nedges].source = skills[from->index].code;
			edges[nedges].target = skills[to->index].code;
			edges[nedges].relation = child_of ? RELATION_PART_OF : RELATION_PREREQUISITE;
			nedges++;
		}
	}
	if (outside > 0)
		ereport(NOTICE,
				(errmsg("skipped %d association%s whose other end is outside the CASE package",
						outside, outside == 1 ? "" : "s")));
	PG_RETURN_POINTER(graph_build(skills, nskills, edges, nedges));
}
