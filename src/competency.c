/*
 * competency.c
 *		The loadable module itself (its magic block), and the few helpers
 *		that set-returning functions of several features share.  Every
 *		SQL-callable function lives in the file of its feature (see README,
 *		"Layout").
 */
#include "competency.h"

#include <errno.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/primnodes.h"
#include "port/pg_bswap.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

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

StaticAssertDecl(TEXT_FORM_MAX_BYTES < MaxAllocSize, "a text form fits a palloc'd string");

/*
 * The limit on text forms: TEXT_FORM_MAX_BYTES, unless the server's
 * environment sets COMPETENCY_TEXT_FORM_MAX_BYTES lower.  Only the tests
 * set it (test/text_limits.sh), to reach the limit on every path with
 * small values; it cannot raise the limit, so no setting makes a value
 * that cannot be dumped.
 */
Size		text_form_limit = TEXT_FORM_MAX_BYTES;

void
_PG_init(void)
{
	const char *env = getenv("COMPETENCY_TEXT_FORM_MAX_BYTES");
	char	   *end;
	unsigned long long lower;

	if (env == NULL)
		return;
	errno = 0;
	lower = strtoull(env, &end, 10);
	if (errno == 0 && end != env && *end == '\0' && lower > 0 && lower < TEXT_FORM_MAX_BYTES)
		text_form_limit = (Size) lower;
}

/*
 * The longest text escape_json writes for s (quotes included), as COPY's
 * text format then writes it: every backslash twice.  In the database's
 * encoding: a dump in another client encoding may take more.
 */
Size
json_string_text_bound(const char *s, Size len)
{
	Size		n = 2;

	for (Size i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\')
			n += 4;				/* \\ in JSON, \\\\ in COPY */
		else if (c == '"' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
			n += 3;				/* \" is \\" in COPY */
		else if (c < ' ')
			n += 7;				/* \u00XX */
		else
			n += 1;
	}
	return n;
}

/*
 * The length of append_exact_float8's text, or more: exact for whole
 * numbers below 1e15, which the shortest form writes as their digits; the
 * longest form otherwise (17 digits, sign, point and exponent).
 */
int
float8_text_bound(double x)
{
	double		a = fabs(x);
	double		p = 10.0;
	int			digits = 1;

	if (!(a < 1e15) || a != floor(a))
		return DOUBLE_SHORTEST_DECIMAL_LEN - 1;
	while (p <= a)
	{
		digits++;
		p *= 10.0;
	}
	return digits + (signbit(x) ? 1 : 0);
}

/*
 * The length of a time as the text forms write it (JsonEncodeDateTime in
 * UTC, "2024-09-05T10:00:00+00:00"), or more: 25 characters for a whole
 * second in years 1 to 9999, 7 more for a fraction (".123456"), and room
 * for six-digit years and " BC" otherwise.
 */
int
timestamp_text_bound(TimestampTz t)
{
	/* 0001-01-01 and 10000-01-01 00:00 UTC, in microseconds from 2000-01-01 */
	const TimestampTz year1 = INT64CONST(-63082281600000000);
	const TimestampTz year10000 = INT64CONST(252455616000000000);

	if (t >= year1 && t < year10000)
		return t % USECS_PER_SEC == 0 ? 25 : 32;
	return TIMESTAMP_TEXT_MAX;
}

/*
 * A counted text: pq_sendtext converts to the client encoding, which may
 * change the length, so the count is written after the bytes are.
 */
void
send_counted_text(StringInfo buf, const char *s, int len)
{
	int			at = buf->len;
	uint32		n;

	pq_sendint32(buf, 0);
	pq_sendtext(buf, s, len);
	n = pg_hton32((uint32) (buf->len - at - 4));
	memcpy(buf->data + at, &n, 4);
}

/*
 * A counted text, converted to the server encoding (which rejects bytes
 * invalid in the client encoding, and zero bytes).  max_bytes bounds the
 * text in the server encoding; a conversion grows text at most
 * MAX_CONVERSION_GROWTH times, so longer counts are refused before
 * anything is allocated.  The caller checks the text as text input would.
 */
char *
recv_counted_text(StringInfo msg, int max_bytes, const char *what, const char *type, int *len)
{
	int			raw = pq_getmsgint(msg, 4);
	char	   *text;

	if (raw < 0 || raw > msg->len - msg->cursor || (int64) raw > (int64) max_bytes * MAX_CONVERSION_GROWTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid %s length %d in binary %s", what, raw, type)));
	text = pq_getmsgtext(msg, raw, len);
	if (strlen(text) != (size_t) *len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("a %s in binary %s contains a zero byte", what, type)));
	return text;
}

/*
 * Starts the rows of a materialized set-returning function: checks that the
 * caller accepts a set, and returns the tuplestore (in per-query memory) and
 * its descriptor.  Row types go through InitMaterializedSRF(); a function
 * returning setof text gets a one-column descriptor named column_name,
 * which InitMaterializedSRF() cannot give in PostgreSQL 15 (it requires a
 * row type, or an expected descriptor that a call in the select list lacks).
 */
Tuplestorestate *
begin_rows(FunctionCallInfo fcinfo, const char *column_name, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, NULL) != TYPEFUNC_SCALAR)
	{
		InitMaterializedSRF(fcinfo, 0);
		*desc = rsinfo->setDesc;
		return rsinfo->setResult;
	}
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in a context that cannot accept a set")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTemplateTupleDesc(1);
	TupleDescInitEntry(tupdesc, (AttrNumber) 1, column_name, TEXTOID, -1, 0);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
											  false, work_mem);
	rsinfo->setDesc = tupdesc;
	MemoryContextSwitchTo(old);
	*desc = tupdesc;
	return rsinfo->setResult;
}

/* ---------- one memory context for the expanded states of an aggregate ---------- */

/*
 * The expanded transition values of mastery_agg, mastery_state_union and
 * learner_profile live in one memory context per aggregate context, a
 * child of it, rather than one each: nodeAgg's hash aggregation measures
 * its memory by walking every child of the aggregate context for every new
 * group, so a context per group makes hashing quadratic in the groups.
 *
 * The executors keep a read-write expanded value in place when its
 * context's parent is the aggregate context (nodeAgg, window aggregation,
 * Citus's worker_partial_agg and coord_combine_agg), and delete it only
 * when a transition returns another value.  The transitions therefore
 * change a read-write state they are given in place and return it, always:
 * nothing deletes one state, so sharing a context is safe.
 *
 * The shared context of an aggregate context is found in a backend-local
 * table, not in fn_extra (callers may build a new FmgrInfo for every row,
 * and grouping sets call one function with several aggregate contexts).
 * A reset callback allocated in the aggregate context itself, one per
 * entry, removes the entry when the aggregate context is reset or deleted.
 */
typedef struct SharedStatesEntry
{
	MemoryContext aggcontext;	/* hash key */
	MemoryContext states;
	void	   *shared;			/* what the states share, in states (or NULL) */
} SharedStatesEntry;

static HTAB *shared_states = NULL;

static void
forget_shared_states(void *arg)
{
	MemoryContext aggcontext = (MemoryContext) arg;

	if (shared_states != NULL)
		hash_search(shared_states, &aggcontext, HASH_REMOVE, NULL);
}

static SharedStatesEntry *
shared_states_entry(MemoryContext aggcontext)
{
	SharedStatesEntry *entry;
	bool		found;

	if (shared_states == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(MemoryContext);
		ctl.entrysize = sizeof(SharedStatesEntry);
		ctl.hcxt = TopMemoryContext;
		shared_states = hash_create("competency aggregate states", 64, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(shared_states, &aggcontext, HASH_ENTER, &found);
	if (!found)
	{
		MemoryContextCallback *cb;

		entry->shared = NULL;
		PG_TRY();
		{
			entry->states = AllocSetContextCreate(aggcontext, "competency aggregate states",
												  ALLOCSET_DEFAULT_SIZES);
			cb = MemoryContextAlloc(aggcontext, sizeof(MemoryContextCallback));
			cb->func = forget_shared_states;
			cb->arg = aggcontext;
			MemoryContextRegisterResetCallback(aggcontext, cb);
		}
		PG_CATCH();
		{
			hash_search(shared_states, &aggcontext, HASH_REMOVE, NULL);
			PG_RE_THROW();
		}
		PG_END_TRY();
	}
	return entry;
}

MemoryContext
aggregate_states_context(MemoryContext aggcontext)
{
	return shared_states_entry(aggcontext)->states;
}

/*
 * A pointer the states of one aggregate context share (learner_profile's
 * skill dictionary): whatever it points to lives in the states context, so
 * it goes with the states it serves.
 */
void	  **
aggregate_states_shared(MemoryContext aggcontext)
{
	return &shared_states_entry(aggcontext)->shared;
}

/* ---------- growing arrays and tables of strings ---------- */

/*
 * Is argument argno of a transition function a constant of this very
 * aggregate call?  Only when the Aggref the executor reports has that
 * argument, of the type the function was declared with; anything else (a
 * window, or a caller with its own Aggref such as Citus) means looking at
 * the argument on every row.
 */
bool
aggregate_argument_is_const(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	TargetEntry *tle;

	if (aggref == NULL || list_length(aggref->args) < argno)
		return false;
	tle = (TargetEntry *) list_nth(aggref->args, argno - 1);
	return IsA(tle->expr, Const) &&
		exprType((Node *) tle->expr) == get_fn_expr_argtype(fcinfo->flinfo, argno);
}

/*
 * Room for need elements in a doubling array (huge allocations: limits,
 * checked by the callers, may pass 1 GB).
 */
void *
grow_array(MemoryContext cxt, void *array, Size *cap, Size need, Size elemsize,
		   Size min_cap, Size max_cap)
{
	Size		newcap;

	if (need <= *cap)
		return array;
	newcap = Min(Max(Max(*cap * 2, min_cap), need), max_cap);
	array = array == NULL ? MemoryContextAllocHuge(cxt, newcap * elemsize)
		: repalloc_huge(array, newcap * elemsize);
	*cap = newcap;
	return array;
}

/*
 * The table's numbers, hashed and compared as the strings they stand for;
 * UINT32_MAX stands for the string being looked up (StringTable.probe)
 */
typedef struct StringNumber
{
	uint32		number;
	uint32		hash;
	char		status;
} StringNumber;

static inline bool
string_number_equal(const StringTable *t, uint32 a, uint32 b)
{
	const char *sa = a == UINT32_MAX ? t->probe : t->bytes + t->entries[a].off;
	const char *sb = b == UINT32_MAX ? t->probe : t->bytes + t->entries[b].off;
	uint32		la = a == UINT32_MAX ? t->probe_len : t->entries[a].len;
	uint32		lb = b == UINT32_MAX ? t->probe_len : t->entries[b].len;

	return la == lb && memcmp(sa, sb, la) == 0;
}

#define SH_PREFIX string_numbers
#define SH_ELEMENT_TYPE StringNumber
#define SH_KEY_TYPE uint32
#define SH_KEY number
#define SH_HASH_KEY(tb, key) \
	((key) == UINT32_MAX ? ((StringTable *) (tb)->private_data)->probe_hash \
	 : ((StringTable *) (tb)->private_data)->entries[key].hash)
#define SH_EQUAL(tb, a, b) string_number_equal((StringTable *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * The number of string s, or -1 when the table does not hold it (*hash is
 * then its hash, for string_table_add).  Rows often repeat the previous
 * string: it is tried first.
 */
int64
string_table_find(StringTable *t, const char *s, uint32 len, uint32 *hash)
{
	StringNumber *found;

	if (t->n > 0)
	{
		const StringTableEntry *e = &t->entries[t->last];

		if (e->len == len && memcmp(t->bytes + e->off, s, len) == 0)
			return t->last;
	}
	*hash = hash_bytes((const unsigned char *) s, (int) len);
	if (t->numbers == NULL)
		return -1;
	t->numbers->private_data = t;	/* the table may have been moved since */
	t->probe = s;
	t->probe_len = len;
	t->probe_hash = *hash;
	found = string_numbers_lookup(t->numbers, UINT32_MAX);
	if (found == NULL)
		return -1;
	return t->last = found->number;
}

/* Adds s, which the table does not hold (hash from string_table_find): its number */
uint32
string_table_add(StringTable *t, const char *s, uint32 len, uint32 hash)
{
	StringTableEntry *e;
	bool		present;

	if (t->nbytes + len > UINT32_MAX || t->n >= (1U << 30))
		elog(ERROR, "string table of %u strings and %zu bytes is full", t->n, t->nbytes);
	t->bytes = grow_array(t->cxt, t->bytes, &t->bytes_cap, t->nbytes + len, 1, 1024, UINT32_MAX);
	t->entries = grow_array(t->cxt, t->entries, &t->entries_cap, (Size) t->n + 1,
							sizeof(StringTableEntry), 64, UINT32_MAX);
	e = &t->entries[t->n];
	e->off = (uint32) t->nbytes;
	e->len = len;
	e->hash = hash;
	if (len > 0)
		memcpy(t->bytes + t->nbytes, s, len);
	t->nbytes += len;
	t->last = t->n++;
	if (t->numbers == NULL)
		t->numbers = string_numbers_create(t->cxt, 64, t);
	t->numbers->private_data = t;
	(void) string_numbers_insert(t->numbers, t->last, &present);
	Assert(!present);
	return t->last;
}

/* ---------- an order of bytes, for values with no meaningful order ---------- */

/*
 * Skill graphs and learner profiles are stored in a canonical form (equal
 * values have equal bytes), so comparing their bytes gives equality and a
 * stable total order: enough to sort, group, deduplicate and index them.
 * Reading bytes needs no validation; nothing is interpreted.
 */
static int
bytes_cmp(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	struct varlena *b = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));
	Size		la = VARSIZE_ANY_EXHDR(a),
				lb = VARSIZE_ANY_EXHDR(b);
	int			c = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));

	/* sorts call this n log n times in one context: free detoasted copies */
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return (la > lb) - (la < lb);
}

#define BYTES_COMPARISON(fname, op) \
PG_FUNCTION_INFO_V1(fname); \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(bytes_cmp(fcinfo) op 0); \
}

BYTES_COMPARISON(competency_bytes_lt, <)
BYTES_COMPARISON(competency_bytes_le, <=)
BYTES_COMPARISON(competency_bytes_eq, ==)
BYTES_COMPARISON(competency_bytes_ne, !=)
BYTES_COMPARISON(competency_bytes_ge, >=)
BYTES_COMPARISON(competency_bytes_gt, >)

PG_FUNCTION_INFO_V1(competency_bytes_cmp);
Datum
competency_bytes_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(bytes_cmp(fcinfo));
}

PG_FUNCTION_INFO_V1(competency_bytes_hash);
Datum
competency_bytes_hash(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));

	return hash_any((const unsigned char *) VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a));
}

PG_FUNCTION_INFO_V1(competency_bytes_hash_extended);
Datum
competency_bytes_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));

	return hash_any_extended((const unsigned char *) VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
							 PG_GETARG_INT64(1));
}
