/*
 * mastery_agg.c
 *		Plumbing of the mastery() aggregates: transition, combine, serialize,
 *		deserialize and final.  No method maths here (see rollup.c).
 *
 * The state is the method plus the stream of evidence.  Transition only
 * appends; the final function reads the stream in order (sorting a copy only
 * when evidence did not arrive in time order) and calls the method once.
 */
#include "competency.h"

#include "nodes/nodeFuncs.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/*
 * A small group's evidence fits in the state itself: one allocation, and
 * the state stays within a 128-byte chunk of the aggregate's memory.
 */
#define STATE_INLINE_ITEMS 3

/*
 * The state points to its method's immortal copy (method_intern): not into
 * fn_extra, which callers may build afresh for every call.
 */
typedef struct MasteryAggState
{
	const RollupMethod *method;
	EvidenceStream stream;
	TimedScore	inline_items[STATE_INLINE_ITEMS];
} MasteryAggState;

StaticAssertDecl(sizeof(MasteryAggState) <= 128,
				 "a mastery state should fit a 128-byte chunk");

/*
 * What fn_extra remembers about the method argument: whether it is a
 * constant (as it nearly always is, and then it is not even compared per
 * row), and the last method checked.  Only a cache: with fn_extra reset
 * before every call the results are the same.
 */
typedef struct MethodCache
{
	bool		checked_const;	/* looked at the aggregate's argument */
	bool		is_const;
	bool		have_last;
	RollupMethod last;			/* the last method read and checked, by value */
	const RollupMethod *interned;	/* its interned copy, NULL past the limit */
} MethodCache;

static MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *name)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", name);
	return aggcontext;
}

static MethodCache *
method_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(MethodCache));
	return (MethodCache *) fcinfo->flinfo->fn_extra;
}

static void
methods_differ(const RollupMethod *a, const RollupMethod *b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("mastery method changes within one group"),
			 errdetail("The group started with %s and then got %s.",
					   method_to_text(a), method_to_text(b)),
			 errhint("Use one method per aggregate call, or group by the method column too.")));
}

/*
 * A copy of the method that lives as long as the new state pointing to it:
 * the backend's interned copy, or past its limit a copy in the aggregate
 * context of this call (never kept in fn_extra: that context may be reset
 * before the next call, or be another grouping set's).
 */
static const RollupMethod *
lasting_copy(FunctionCallInfo fcinfo, const RollupMethod *m)
{
	const RollupMethod *interned = method_intern(m);
	MemoryContext aggcontext;
	RollupMethod *copy;

	if (interned != NULL)
		return interned;
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;
	copy = MemoryContextAlloc(aggcontext, sizeof(RollupMethod));
	*copy = *m;
	return copy;
}

static const RollupMethod *
lasting_method(FunctionCallInfo fcinfo, MethodCache *cache)
{
	return cache->interned != NULL ? cache->interned : lasting_copy(fcinfo, &cache->last);
}

/*
 * The method of this row.  It is an argument, so it could change from row
 * to row; one group has one policy, so a second method in a group is an
 * error.  Method bytes are checked like any stored value, once per
 * distinct value seen.
 */
static const RollupMethod *
method_argument(FunctionCallInfo fcinfo, int argno, MasteryAggState *state)
{
	MethodCache *cache = method_cache(fcinfo);
	const MasteryMethod *mm;

	if (!cache->checked_const)
	{
		cache->is_const = aggregate_argument_is_const(fcinfo, argno);
		cache->checked_const = true;
	}
	if (state != NULL && cache->is_const)
		return state->method;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mastery method must not be null"),
				 errhint("Name a method such as 'decaying_average' or 'latest'.")));
	mm = (const MasteryMethod *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if (!cache->have_last || VARSIZE(mm) != sizeof(MasteryMethod) ||
		memcmp(&cache->last, &mm->method, sizeof(RollupMethod)) != 0)
	{
		cache->last = *checked_method(mm);
		cache->have_last = true;
		cache->interned = method_intern(&cache->last);
	}
	if (state != NULL)
	{
		if (memcmp(state->method, &cache->last, sizeof(RollupMethod)) != 0)
			methods_differ(state->method, &cache->last);
		return state->method;
	}
	/* for this call only: new_state makes the copy a state keeps */
	return &cache->last;
}

static MasteryAggState *
new_state(FunctionCallInfo fcinfo, MemoryContext aggcontext, const RollupMethod *method,
		  const EvidenceTerms *first)
{
	MasteryAggState *state = MemoryContextAlloc(aggcontext, sizeof(MasteryAggState));
	MethodCache *cache = (MethodCache *) fcinfo->flinfo->fn_extra;

	/* the interned copy when the method is the cached one, else a lasting copy */
	state->method = cache != NULL && method == &cache->last ? lasting_method(fcinfo, cache) :
		lasting_copy(fcinfo, method);
	stream_init(&state->stream, first, state->inline_items, STATE_INLINE_ITEMS);
	return state;
}

/* mastery(score float8, observed_at timestamptz, method) */
PG_FUNCTION_INFO_V1(mastery_score_transfn);
Datum
mastery_score_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = aggregate_context(fcinfo, "mastery_score_transfn");
	MasteryAggState *state = PG_ARGISNULL(0) ? NULL : (MasteryAggState *) PG_GETARG_POINTER(0);
	const RollupMethod *method = method_argument(fcinfo, 3, state);
	double		score;
	TimestampTz observed_at;

	/* like avg(), rows with a NULL score or time are not evidence */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	score = PG_GETARG_FLOAT8(1);
	observed_at = PG_GETARG_TIMESTAMPTZ(2);
	/* with out_of unknown there is no scale, but a score is still >= 0 */
	check_score_only(score, observed_at);

	if (state == NULL)
		state = new_state(fcinfo, aggcontext, method, &score_only_terms);
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		stream_append(&state->stream, observed_at, score, &score_only_terms);
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(state);
}

/* mastery(e mastery_evidence, method) */
PG_FUNCTION_INFO_V1(mastery_evidence_transfn);
Datum
mastery_evidence_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = aggregate_context(fcinfo, "mastery_evidence_transfn");
	MasteryAggState *state = PG_ARGISNULL(0) ? NULL : (MasteryAggState *) PG_GETARG_POINTER(0);
	const RollupMethod *method = method_argument(fcinfo, 2, state);
	const MasteryEvidence *e;
	EvidenceTerms terms;
	MemoryContext old;

	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	e = PG_GETARG_CHECKED_EVIDENCE(1);
	terms = evidence_terms(e);

	if (state == NULL)
		state = new_state(fcinfo, aggcontext, method, &terms);
	old = MemoryContextSwitchTo(aggcontext);
	stream_append(&state->stream, e->observed_at, e->score, &terms);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(mastery_combinefn);
Datum
mastery_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = aggregate_context(fcinfo, "mastery_combinefn");
	MasteryAggState *a = PG_ARGISNULL(0) ? NULL : (MasteryAggState *) PG_GETARG_POINTER(0);
	MasteryAggState *b = PG_ARGISNULL(1) ? NULL : (MasteryAggState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = new_state(fcinfo, aggcontext, b->method, &b->stream.common);
	else if (memcmp(a->method, b->method, sizeof(RollupMethod)) != 0)
		methods_differ(a->method, b->method);
	old = MemoryContextSwitchTo(aggcontext);
	stream_append_stream(&a->stream, &b->stream);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/*
 * Serialized state: format byte, three zero bytes, the method, then the
 * encoded stream.  Deserialize checks all of it: a worker's bytes are input.
 */
#define AGG_STATE_FORMAT 1
#define AGG_STATE_HEADER (4 + sizeof(RollupMethod))

PG_FUNCTION_INFO_V1(mastery_serializefn);
Datum
mastery_serializefn(PG_FUNCTION_ARGS)
{
	MasteryAggState *state = (MasteryAggState *) PG_GETARG_POINTER(0);
	Size		len;
	char	   *out;

	/* arrival order: the combine step finds out whether it is ordered */
	out = stream_encode(&state->stream, false, VARHDRSZ + AGG_STATE_HEADER, &len);
	SET_VARSIZE(out, len);
	out[VARHDRSZ] = AGG_STATE_FORMAT;
	memcpy(out + VARHDRSZ + 4, state->method, sizeof(RollupMethod));
	PG_RETURN_BYTEA_P((bytea *) out);
}

/*
 * The result is transient: it lives in the current (per-tuple) memory
 * context, and the combine function copies what it keeps.
 */
PG_FUNCTION_INFO_V1(mastery_deserializefn);
Datum
mastery_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	MasteryAggState *state;

	(void) aggregate_context(fcinfo, "mastery_deserializefn");
	if (len < AGG_STATE_HEADER || p[0] != AGG_STATE_FORMAT || p[1] || p[2] || p[3])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized mastery aggregate state"),
				 errdetail("Its header is missing or has an unknown format.")));
	state = palloc(sizeof(MasteryAggState));
	{
		RollupMethod *method = palloc(sizeof(RollupMethod));

		/* transient like the state: the combine function makes it lasting */
		memcpy(method, p + 4, sizeof(RollupMethod));
		method_check(method);
		state->method = method;
	}
	/* the combine function reads it while the serialized bytes still exist */
	stream_decode(&state->stream, p + AGG_STATE_HEADER, len - AGG_STATE_HEADER, true);
	PG_RETURN_POINTER(state);
}

/* Reads the state without changing it: window aggregates call it repeatedly */
PG_FUNCTION_INFO_V1(mastery_finalfn);
Datum
mastery_finalfn(PG_FUNCTION_ARGS)
{
	MasteryAggState *state;
	RollupInput in;
	double		result;
	double		buf[128];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (MasteryAggState *) PG_GETARG_POINTER(0);
	if (!stream_view(&state->stream, &in, buf, lengthof(buf)))
		PG_RETURN_NULL();
	if (!rollup_compute(state->method, &in, &result))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(result);
}
