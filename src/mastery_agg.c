/*
 * mastery_agg.c
 *		Plumbing of the mastery() aggregates: transition, combine, serialize,
 *		deserialize and final.  No method maths here (see rollup.c).
 *
 * The state is the method plus the stream of evidence.  Transition only
 * appends; the final function orders the stream (a no-op when evidence
 * arrived in time order) and calls the method once.
 */
#include "competency.h"

#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

typedef struct MasteryAggState
{
	RollupMethod method;
	EvidenceStream stream;
} MasteryAggState;

/* The terms of every score of the score-only form: out_of unknown */
static const EvidenceTerms score_only_terms = {0.0, 1.0f, KIND_ASSESSMENT, {0, 0, 0}};

static MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *name)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", name);
	return aggcontext;
}

static MasteryAggState *
new_state(MemoryContext aggcontext, const RollupMethod *method,
		  const EvidenceTerms *first)
{
	MemoryContext old = MemoryContextSwitchTo(aggcontext);
	MasteryAggState *state = palloc(sizeof(MasteryAggState));

	state->method = *method;
	stream_init(&state->stream, first);
	MemoryContextSwitchTo(old);
	return state;
}

/*
 * The method is an argument, so it could change from row to row; one group
 * has one policy, so a second method in a group is an error.
 */
static const RollupMethod *
method_argument(FunctionCallInfo fcinfo, int argno, MasteryAggState *state)
{
	MasteryMethod *mm;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mastery method must not be null"),
				 errhint("Name a method such as 'decaying_average' or 'latest'.")));
	mm = PG_GETARG_MASTERY_METHOD(argno);
	if (state != NULL &&
		memcmp(&state->method, &mm->method, sizeof(RollupMethod)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery method changes within one group"),
				 errdetail("The group started with %s and then got %s.",
						   method_to_text(&state->method), method_to_text(&mm->method)),
				 errhint("Use one method per aggregate call, or group by the method column too.")));
	return &mm->method;
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
	check_score(score);
	check_observed_at(observed_at);

	if (state == NULL)
		state = new_state(aggcontext, method, &score_only_terms);
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
	e = PG_GETARG_EVIDENCE(1);
	memset(&terms, 0, sizeof(terms));
	terms.out_of = e->out_of;
	terms.weight = e->weight;
	terms.kind = e->kind;

	if (state == NULL)
		state = new_state(aggcontext, method, &terms);
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
		a = new_state(aggcontext, &b->method, &b->stream.common);
	else if (memcmp(&a->method, &b->method, sizeof(RollupMethod)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery method changes within one group"),
				 errdetail("The group has both %s and %s.",
						   method_to_text(&a->method), method_to_text(&b->method))));
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
	Size		size = VARHDRSZ + AGG_STATE_HEADER + stream_encoded_size(&state->stream);
	bytea	   *out;
	char	   *p;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("mastery aggregate state of %d pieces of evidence is too large to pass between parallel workers",
						state->stream.n),
				 errhint("Group by learner and skill, or SET max_parallel_workers_per_gather = 0.")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memset(p, 0, 4);
	p[0] = AGG_STATE_FORMAT;
	memcpy(p + 4, &state->method, sizeof(RollupMethod));
	stream_encode(&state->stream, p + AGG_STATE_HEADER);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(mastery_deserializefn);
Datum
mastery_deserializefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = aggregate_context(fcinfo, "mastery_deserializefn");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	MasteryAggState *state;
	MemoryContext old;

	if (len < AGG_STATE_HEADER || p[0] != AGG_STATE_FORMAT || p[1] || p[2] || p[3])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized mastery aggregate state"),
				 errdetail("Its header is missing or has an unknown format.")));
	old = MemoryContextSwitchTo(aggcontext);
	state = palloc(sizeof(MasteryAggState));
	memcpy(&state->method, p + 4, sizeof(RollupMethod));
	method_check(&state->method);
	stream_decode(&state->stream, p + AGG_STATE_HEADER, len - AGG_STATE_HEADER);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(state);
}

/*
 * Sorting in place is safe even if transitions continue afterwards (window
 * use): it leaves the same multiset of evidence, marked as ordered.
 */
PG_FUNCTION_INFO_V1(mastery_finalfn);
Datum
mastery_finalfn(PG_FUNCTION_ARGS)
{
	MasteryAggState *state;
	RollupInput in;
	double		result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (MasteryAggState *) PG_GETARG_POINTER(0);
	if (!stream_view(&state->stream, &in))
		PG_RETURN_NULL();
	if (!rollup_compute(&state->method, &in, &result))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(result);
}
