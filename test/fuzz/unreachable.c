/*
 * unreachable.c
 *		The backend functions that the files compiled into the fuzz harnesses
 *		call on paths the harnesses never take (fmgr plumbing, jsonb, hash
 *		tables, tuple building).  Each one aborts if it is ever reached, so a
 *		harness that strays outside what shim.c provides fails loudly.
 *
 * Declared without the backend's headers on purpose: only their names
 * matter.  When the link of a harness reports an undefined reference, add
 * the name here (or to shim.c, if the harness needs it to work).
 */
#include <stdio.h>
#include <stdlib.h>

#define UNREACHABLE(name) \
	void name(void); \
	void name(void) { fprintf(stderr, "fuzz harness reached %s, which it has no stand-in for\n", #name); abort(); }

UNREACHABLE(AggCheckCallContext)
UNREACHABLE(AggGetAggref)
UNREACHABLE(BlessTupleDesc)
UNREACHABLE(construct_array)
UNREACHABLE(CreateTemplateTupleDesc)
UNREACHABLE(CreateTupleDescCopy)
UNREACHABLE(cstring_to_text)
UNREACHABLE(DatumGetEOHP)
UNREACHABLE(DatumGetHeapTupleHeader)
UNREACHABLE(deconstruct_array)
UNREACHABLE(DirectFunctionCall1Coll)
UNREACHABLE(DirectFunctionCall3Coll)
UNREACHABLE(end_MultiFuncCall)
UNREACHABLE(escape_json)
UNREACHABLE(exprType)
UNREACHABLE(get_call_result_type)
UNREACHABLE(get_fn_expr_argtype)
UNREACHABLE(GetAttributeByNum)
UNREACHABLE(InitMaterializedSRF)
UNREACHABLE(getKeyJsonValueFromContainer)
UNREACHABLE(hash_create)
UNREACHABLE(hash_get_num_entries)
UNREACHABLE(hash_search)
UNREACHABLE(heap_form_tuple)
UNREACHABLE(HeapTupleHeaderGetDatum)
UNREACHABLE(init_MultiFuncCall)
UNREACHABLE(jsonb_in)
UNREACHABLE(JsonbIteratorInit)
UNREACHABLE(JsonbIteratorNext)
UNREACHABLE(JsonEncodeDateTime)
UNREACHABLE(numeric_float8)
UNREACHABLE(numeric_out)
UNREACHABLE(per_MultiFuncCall)
UNREACHABLE(pg_detoast_datum_copy)
UNREACHABLE(pg_re_throw)
UNREACHABLE(text_to_cstring)
UNREACHABLE(timestamptz_in)
UNREACHABLE(timestamptz_out)
UNREACHABLE(TupleDescInitEntry)
UNREACHABLE(tuplestore_begin_heap)
UNREACHABLE(tuplestore_putvalues)
UNREACHABLE(WinGetCurrentPosition)
UNREACHABLE(WinGetFuncArgCurrent)
UNREACHABLE(WinGetFuncArgInPartition)
UNREACHABLE(WinGetPartitionLocalMemory)
UNREACHABLE(WinSetMarkPosition)

/* variables: never read on the harnesses' paths */
void	   *PG_exception_stack;
void	   *error_context_stack;
int			work_mem = 4096;
