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
UNREACHABLE(AllocSetContextCreateInternal)
UNREACHABLE(BlessTupleDesc)
UNREACHABLE(CreateTemplateTupleDesc)
UNREACHABLE(CreateTupleDescCopy)
UNREACHABLE(DatumGetHeapTupleHeader)
UNREACHABLE(DirectFunctionCall1Coll)
UNREACHABLE(GetAttributeByNum)
UNREACHABLE(HeapTupleHeaderGetDatum)
UNREACHABLE(JsonbIteratorInit)
UNREACHABLE(JsonbIteratorNext)
UNREACHABLE(MemoryContextAlloc)
UNREACHABLE(MemoryContextAllocHuge)
UNREACHABLE(MemoryContextAllocZero)
UNREACHABLE(MemoryContextRegisterResetCallback)
UNREACHABLE(TupleDescInitEntry)
UNREACHABLE(WinGetCurrentPosition)
UNREACHABLE(WinGetFuncArgCurrent)
UNREACHABLE(WinGetFuncArgInPartition)
UNREACHABLE(WinGetPartitionLocalMemory)
UNREACHABLE(WinSetMarkPosition)
UNREACHABLE(cstring_to_text)
UNREACHABLE(end_MultiFuncCall)
UNREACHABLE(escape_json)
UNREACHABLE(get_call_result_type)
UNREACHABLE(hash_create)
UNREACHABLE(hash_get_num_entries)
UNREACHABLE(hash_search)
UNREACHABLE(heap_form_tuple)
UNREACHABLE(init_MultiFuncCall)
UNREACHABLE(jsonb_in)
UNREACHABLE(numeric_out)
UNREACHABLE(per_MultiFuncCall)
UNREACHABLE(pg_detoast_datum_packed)
UNREACHABLE(pg_re_throw)
UNREACHABLE(pq_begintypsend)
UNREACHABLE(pq_endtypsend)
UNREACHABLE(pq_sendbytes)
UNREACHABLE(pq_sendfloat8)
UNREACHABLE(pq_sendtext)
UNREACHABLE(tuplestore_begin_heap)

/* variables: never read on the harnesses' paths */
void	   *CurrentMemoryContext;
void	   *TopMemoryContext;
void	   *PG_exception_stack;
void	   *error_context_stack;
int			work_mem = 4096;
