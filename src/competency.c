/*
 * competency.c
 *		The loadable module itself (its magic block), and the few helpers
 *		that set-returning functions of several features share.  Every
 *		SQL-callable function lives in the file of its feature (see README,
 *		"Layout").
 */
#include "competency.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "miscadmin.h"

PG_MODULE_MAGIC;

/*
 * Numbers in every text form the extension writes (evidence, states,
 * methods, profiles, JSON): the shortest form that reads back exactly,
 * whatever the session's extra_float_digits.  Text forms travel (Citus
 * moves states as text, deparsed queries carry method constants), so they
 * must not lose digits in a session that asked for fewer.
 */
void
append_exact_float8(StringInfo buf, double x)
{
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(x, digits);
	appendStringInfoString(buf, digits);
}

void
append_exact_float4(StringInfo buf, float x)
{
	char		digits[FLOAT_SHORTEST_DECIMAL_LEN];

	float_to_shortest_decimal_buf(x, digits);
	appendStringInfoString(buf, digits);
}

char *
exact_float8(double x)
{
	return double_to_shortest_decimal(x);
}

/*
 * Starts the rows of a materialized set-returning function: checks that the
 * caller accepts a set, and returns the tuplestore (in per-query memory) and
 * its descriptor.  A function returning setof text gets a one-column
 * descriptor named column_name.
 */
Tuplestorestate *
begin_rows(FunctionCallInfo fcinfo, const char *column_name, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	Tuplestorestate *store;
	TupleDesc	tupdesc;
	TypeFuncClass kind;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in a context that cannot accept a set")));
	kind = get_call_result_type(fcinfo, NULL, &tupdesc);
	if (kind != TYPEFUNC_COMPOSITE && kind != TYPEFUNC_SCALAR)
		elog(ERROR, "unexpected result type of a set-returning function");

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (kind == TYPEFUNC_SCALAR)
	{
		tupdesc = CreateTemplateTupleDesc(1);
		TupleDescInitEntry(tupdesc, (AttrNumber) 1, column_name, TEXTOID, -1, 0);
	}
	else
		tupdesc = CreateTupleDescCopy(tupdesc);
	store = tuplestore_begin_heap(true, false, work_mem);
	MemoryContextSwitchTo(old);

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = tupdesc;
	*desc = tupdesc;
	return store;
}
