/*
 * mastery_state.c
 *		mastery_state: all evidence of one learner x skill as a stored,
 *		mergeable value, with as-of results and explanations.
 *
 * On disk a state is a varlena whose body is the stream encoding of
 * evidence_stream.c in its canonical form (evidence in evidence order, terms
 * in order of first use), so equal evidence gives equal bytes.  The format
 * byte of that encoding is the state's version.
 *
 * While an aggregate builds a state (mastery_agg, mastery_state_union) the
 * state is an expanded object holding an EvidenceStream, so appending costs
 * what the mastery() aggregates pay.  The state type is concrete (not
 * internal): that is what lets Citus push these aggregates down to its
 * workers and move partial states between nodes through text I/O.
 */
#include "competency.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

typedef struct MasteryState
{
	int32		vl_len_;		/* varlena header, never touched directly */
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* the stream encoding */
} MasteryState;

/* ---------- states being built: expanded objects ---------- */

/*
 * While an aggregate builds it, a state is an expanded object in the
 * memory context that all expanded states of its aggregate context share
 * (aggregate_states_context, competency.c): the transitions change a
 * read-write state in place and return it, so no executor deletes one, and
 * nothing depends on fn_extra or on which aggregate context a call comes
 * with.  A small group's evidence fits in the object itself (one 256-byte
 * chunk).
 */
#define STATE_INLINE_ITEMS 8

typedef struct ExpandedMasteryState
{
	ExpandedObjectHeader hdr;
	EvidenceStream stream;
	char	   *flat;			/* encoding cached by get_flat_size, its
								 * varlena header set */
	Size		text_bound;		/* 0, or a bound of its text (see state_text_grew) */
	TimedScore	inline_items[STATE_INLINE_ITEMS];
} ExpandedMasteryState;

StaticAssertDecl(sizeof(ExpandedMasteryState) <= 256,
				 "an expanded state and its first evidence fit a 256-byte chunk");

static Size expanded_state_flat_size(ExpandedObjectHeader *eohptr);
static void expanded_state_flatten(ExpandedObjectHeader *eohptr, void *result, Size size);

static const ExpandedObjectMethods expanded_state_methods = {
	expanded_state_flat_size,
	expanded_state_flatten
};

static Size
expanded_state_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedMasteryState *es = (ExpandedMasteryState *) eohptr;

	if (es->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);
		Size		size;

		es->flat = stream_encode(&es->stream, true, VARHDRSZ, &size);
		SET_VARSIZE(es->flat, size);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(es->flat);
}

static void
expanded_state_flatten(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	ExpandedMasteryState *es = (ExpandedMasteryState *) eohptr;

	Assert(es->flat != NULL && size == VARSIZE(es->flat));
	memcpy(result, es->flat, size);
}

static bool
is_expanded_state(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &expanded_state_methods;
}

/* A new, empty expanded state in cxt (the aggregate's shared context) */
static ExpandedMasteryState *
new_expanded_state(MemoryContext cxt, const EvidenceTerms *first)
{
	ExpandedMasteryState *es = MemoryContextAlloc(cxt, sizeof(ExpandedMasteryState));

	EOH_init_header(&es->hdr, &expanded_state_methods, cxt);
	stream_init(&es->stream, first, es->inline_items, STATE_INLINE_ITEMS);
	es->flat = NULL;
	es->text_bound = 0;
	return es;
}

/* The evidence changed: a cached encoding no longer holds */
static void
forget_flat(ExpandedMasteryState *es)
{
	if (es->flat != NULL)
	{
		pfree(es->flat);
		es->flat = NULL;
	}
}

/* ---------- reading a state ---------- */

/*
 * The stream of a state argument: an expanded state's own stream, or a
 * stored state decoded (and checked) into the current memory context,
 * borrowing the detoasted bytes, which live as long as the call.
 */
static const EvidenceStream *
state_stream(FunctionCallInfo fcinfo, int argno, EvidenceStream *buf)
{
	Datum		d = PG_GETARG_DATUM(argno);
	MasteryState *st;

	if (is_expanded_state(d))
		return &((ExpandedMasteryState *) DatumGetEOHP(d))->stream;
	st = (MasteryState *) PG_DETOAST_DATUM(d);
	stream_decode(buf, st->data, VARSIZE(st) - VARHDRSZ, true);
	return buf;
}

/* ---------- the limit on text forms ---------- */

/*
 * Every value that can be stored can be dumped: a state whose text form
 * (stream_append_text; COPY escapes nothing in it) could pass the limit on
 * text forms is refused when it is built, from stream_text_bound, which is
 * exact for whole numbers on whole seconds and never renders anything.  A
 * piece of evidence takes at most EVIDENCE_TEXT_MAX bytes and a separator,
 * so a stream of up to this many pieces (7,518,796 at 10^9 bytes) cannot
 * pass the limit: below it, a transition compares a count and nothing else.
 */
static inline int
state_text_free_count(void)
{
	return (int) ((text_form_max_bytes() - 2) / (EVIDENCE_TEXT_MAX + 2));
}

static void
check_state_text(Size bound, int n)
{
	if (bound > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("mastery state is too large to be written as text"),
				 errdetail("Its %d pieces of evidence could take up to %zu bytes as text; a state must stay within %zu bytes so that it can be dumped, restored and moved between Citus nodes.",
						   n, bound, text_form_max_bytes()),
				 errhint("Keep one learner and skill per state, and split a longer stream into states per school year or term (group by it too), or keep fewer pieces of evidence.")));
}

/*
 * An aggregate's state grew by evidence whose text takes at most `added`
 * bytes.  Past the free count its bound is counted once in full, then kept
 * as it grows, so that the row or merge that would take it past the limit
 * is refused: its text is what Citus moves between nodes.
 */
static void
state_text_grew(ExpandedMasteryState *es, Size added)
{
	if (es->text_bound == 0)
		es->text_bound = stream_text_bound(&es->stream);
	else
		es->text_bound += added;
	check_state_text(es->text_bound, es->stream.n);
}

/* A stored state of s, refused before it is encoded if its text could pass the limit */
static Datum
state_datum(const EvidenceStream *s)
{
	Size		len;
	char	   *flat;

	if (unlikely(s->n > state_text_free_count()))
		check_state_text(stream_text_bound(s), s->n);
	flat = stream_encode(s, true, VARHDRSZ, &len);

	SET_VARSIZE(flat, len);
	return PointerGetDatum(flat);
}

/* ---------- text input and output ---------- */

/*
 * [3/4 @ 2024-09-05T10:00:00+00:00; 4/4 @ 2024-09-12T10:00:00+00:00, kind=override]
 * Times are ISO 8601 in UTC whatever the session's settings: the text form
 * is how states travel between Citus nodes, which may differ in DateStyle.
 */
/*
 * Reads a state's text form starting at p (input is the whole text, for
 * messages) into s, whose later allocations go to the current memory
 * context; returns the position after the closing "]".  With
 * score_only_ok, scores may come without out_of (all of a stream's or
 * none: stream_append checks).
 */
const char *
stream_parse_text(const char *input, const char *p, bool score_only_ok, EvidenceStream *s)
{
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '[')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type mastery_state: \"%s\"", input),
				 errdetail("A mastery state starts with \"[\"."),
				 errhint("Write a state as [evidence; evidence; ...], for example [3/4 @ 2024-09-05; 4/4 @ 2024-09-12].")));
	p++;
	while (isspace((unsigned char) *p))
		p++;
	while (*p != ']')
	{
		MasteryEvidence e;
		EvidenceTerms terms;

		p = evidence_parse(input, p, ";]", score_only_ok, &e);
		terms = evidence_terms(&e);
		stream_append(s, e.observed_at, e.score, &terms);
		if (*p == ';')
			p++;
		else if (*p != ']')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type mastery_state: \"%s\"", input),
					 errdetail("Expected \";\" or \"]\" at character %d.", (int) (p - input) + 1)));
		while (isspace((unsigned char) *p))
			p++;
		CHECK_FOR_INTERRUPTS();
	}
	return p + 1;
}

/* The text form of a stream: its evidence in order, times in UTC */
void
stream_append_text(StringInfo out, const EvidenceStream *s)
{
	OrderedEvidence o;

	stream_ordered(s, &o);
	appendStringInfoChar(out, '[');
	for (int i = 0; i < o.n; i++)
	{
		const EvidenceTerms *t = o.terms ? &o.terms[i] : &o.common;

		if (i > 0)
			appendStringInfoString(out, "; ");
		evidence_append_text(out, o.items[i].score, t->out_of, o.items[i].observed_at,
							 t->weight, t->kind, true);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(out, ']');
	ordered_release(s, &o);
}

/*
 * The length of stream_append_text's text, or more, without writing it:
 * the brackets and, per piece of evidence, its bound and a separator.
 */
Size
stream_text_bound(const EvidenceStream *s)
{
	Size		n = 2;

	for (int i = 0; i < s->nitems; i++)
	{
		const EvidenceTerms *t = s->terms ? &s->terms[i] : &s->common;

		n += evidence_text_bound(s->items[i].score, t->out_of, s->items[i].observed_at,
								 t->weight, t->kind) + 2;
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	/* items in segments have the common terms (see EvidenceStream) */
	for (const EvidenceSegment *g = s->segments; g != NULL; g = g->next)
	{
		for (int i = 0; i < g->n; i++)
			n += evidence_text_bound(g->items[i].score, s->common.out_of, g->items[i].observed_at,
									 s->common.weight, s->common.kind) + 2;
		CHECK_FOR_INTERRUPTS();
	}
	return n;
}

PG_FUNCTION_INFO_V1(mastery_state_in);
Datum
mastery_state_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p;
	EvidenceStream s;
	TimedScore	first[STATE_INLINE_ITEMS];
	static const EvidenceTerms none = {0};

	stream_init(&s, &none, first, STATE_INLINE_ITEMS);
	p = stream_parse_text(input, input, false, &s);
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type mastery_state: \"%s\"", input),
				 errdetail("Unexpected text after \"]\" at character %d.", (int) (p - input) + 1)));
	PG_RETURN_DATUM(state_datum(&s));
}

PG_FUNCTION_INFO_V1(mastery_state_out);
Datum
mastery_state_out(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	StringInfoData out;

	initStringInfo(&out);
	stream_append_text(&out, s);
	PG_RETURN_CSTRING(out.data);
}

/* ---------- binary input and output ---------- */

/*
 * A stream in binary: the count, then every piece of evidence in evidence
 * order as mastery_evidence sends it (score, out_of, observed_at, weight,
 * kind; network byte order).  A mastery_state's form, and each skill's in
 * a learner_profile_state's.
 */
void
stream_send(StringInfo buf, const EvidenceStream *s)
{
	OrderedEvidence o;

	stream_ordered(s, &o);
	pq_sendint32(buf, o.n);
	for (int i = 0; i < o.n; i++)
	{
		const EvidenceTerms *t = o.terms ? &o.terms[i] : &o.common;

		pq_sendfloat8(buf, o.items[i].score);
		pq_sendfloat8(buf, t->out_of);
		pq_sendint64(buf, o.items[i].observed_at);
		pq_sendfloat4(buf, t->weight);
		pq_sendbyte(buf, t->kind);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ordered_release(s, &o);
}

/*
 * Appends the evidence stream_send wrote to s (initialized by the caller,
 * grown in the current memory context), each piece checked by the evidence
 * validator; the count is checked against the message first.  With
 * score_only_ok an out_of of 0 is a score without one (as text input
 * reads them).
 */
void
stream_recv(StringInfo msg, EvidenceStream *s, const char *type, bool score_only_ok)
{
	int			n = pq_getmsgint(msg, 4);

	/* each piece takes 29 bytes */
	if (n < 0 || n > STREAM_MAX_EVIDENCE || (int64) n * 29 > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid evidence count %d in binary %s", n, type)));
	for (int i = 0; i < n; i++)
	{
		double		score = pq_getmsgfloat8(msg);
		double		out_of = pq_getmsgfloat8(msg);
		TimestampTz t = pq_getmsgint64(msg);
		double		weight = pq_getmsgfloat4(msg);
		int			kind = pq_getmsgbyte(msg);
		MasteryEvidence e;
		EvidenceTerms terms;

		if (out_of == 0.0 && score_only_ok)
		{
			check_score_only(score, t);
			evidence_fill(&e, score, 1.0, t, weight, kind);
			e.out_of = 0.0;
		}
		else
			evidence_fill(&e, score, out_of, t, weight, kind);
		terms = evidence_terms(&e);
		stream_append(s, e.observed_at, e.score, &terms);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Version byte, then the stream; recv stores the canonical form */
PG_FUNCTION_INFO_V1(mastery_state_recv);
Datum
mastery_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(msg);
	EvidenceStream s;
	TimedScore	first[STATE_INLINE_ITEMS];
	static const EvidenceTerms none = {0};

	if (version != MASTERY_STATE_SEND_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for mastery_state", version),
				 errdetail("This version of competency reads format %d.", MASTERY_STATE_SEND_VERSION)));
	stream_init(&s, &none, first, STATE_INLINE_ITEMS);
	stream_recv(msg, &s, "mastery_state", false);
	pq_getmsgend(msg);
	PG_RETURN_DATUM(state_datum(&s));
}

PG_FUNCTION_INFO_V1(mastery_state_send);
Datum
mastery_state_send(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	StringInfoData out;

	pq_begintypsend(&out);
	pq_sendbyte(&out, MASTERY_STATE_SEND_VERSION);
	stream_send(&out, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&out));
}

/* ---------- jsonb ---------- */

/* [{"score": 3, "out_of": 4, "observed_at": "...", "weight": 1, "kind": "assessment"}, ...] */
static char *
state_json(const EvidenceStream *s)
{
	OrderedEvidence o;
	StringInfoData out;

	stream_ordered(s, &o);
	initStringInfo(&out);
	appendStringInfoChar(&out, '[');
	for (int i = 0; i < o.n; i++)
	{
		const EvidenceTerms *t = o.terms ? &o.terms[i] : &o.common;

		if (i > 0)
			appendStringInfoString(&out, ", ");
		evidence_append_json(&out, o.items[i].score, t->out_of, o.items[i].observed_at,
							 t->weight, t->kind);
	}
	appendStringInfoChar(&out, ']');
	return out.data;
}

PG_FUNCTION_INFO_V1(mastery_state_to_jsonb);
Datum
mastery_state_to_jsonb(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in,
										CStringGetDatum(state_json(state_stream(fcinfo, 0, &buf)))));
}

PG_FUNCTION_INFO_V1(mastery_state_to_json);
Datum
mastery_state_to_json(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;

	PG_RETURN_TEXT_P(cstring_to_text(state_json(state_stream(fcinfo, 0, &buf))));
}

PG_FUNCTION_INFO_V1(mastery_state_from_jsonb);
Datum
mastery_state_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	EvidenceStream s;
	TimedScore	first[STATE_INLINE_ITEMS];
	static const EvidenceTerms none = {0};

	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a mastery state in jsonb must be an array of evidence objects"),
				 errhint("Write it as [{\"score\": 3, \"out_of\": 4, \"observed_at\": \"2024-09-05\"}, ...].")));
	stream_init(&s, &none, first, STATE_INLINE_ITEMS);
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		MasteryEvidence e;
		EvidenceTerms terms;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("every element of a mastery state in jsonb must be an evidence object")));
		evidence_from_jsonb(v.val.binary.data, &e);
		terms = evidence_terms(&e);
		stream_append(&s, e.observed_at, e.score, &terms);
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_DATUM(state_datum(&s));
}

/* ---------- building: mastery_agg, mastery_state_union, || ---------- */

/*
 * The transition value to change: in an aggregate, the read-write expanded
 * state given (changed in place and returned, so the executor keeps it and
 * never deletes a state that shares its context), else a new one in the
 * aggregate's shared context, starting from the stored or read-only state
 * given.  NULL outside aggregates.
 */
static ExpandedMasteryState *
aggregate_target(FunctionCallInfo fcinfo, const EvidenceTerms *first)
{
	MemoryContext aggcontext;
	ExpandedMasteryState *es;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		return NULL;
	if (!PG_ARGISNULL(0))
	{
		Datum		d = PG_GETARG_DATUM(0);

		if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) && is_expanded_state(d))
			return (ExpandedMasteryState *) DatumGetEOHP(d);
	}
	es = new_expanded_state(aggregate_states_context(aggcontext), first);
	if (!PG_ARGISNULL(0))
	{
		EvidenceStream buf;
		const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
		MemoryContext old = MemoryContextSwitchTo(es->hdr.eoh_context);

		stream_append_stream(&es->stream, s);
		MemoryContextSwitchTo(old);
	}
	return es;
}

/* mastery_state_append(state, evidence): the transition of mastery_agg */
PG_FUNCTION_INFO_V1(mastery_state_append);
Datum
mastery_state_append(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = NULL;
	EvidenceTerms terms = {0};
	ExpandedMasteryState *es;
	MemoryContext old;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		if (!AggCheckCallContext(fcinfo, NULL))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (!PG_ARGISNULL(1))
	{
		e = PG_GETARG_CHECKED_EVIDENCE(1);
		terms = evidence_terms(e);
	}
	es = aggregate_target(fcinfo, &terms);
	if (es == NULL)
	{
		/* called as a function: a new stored state */
		EvidenceStream s,
					buf;
		TimedScore	first[STATE_INLINE_ITEMS];

		stream_init(&s, &terms, first, STATE_INLINE_ITEMS);
		if (!PG_ARGISNULL(0))
			stream_append_stream(&s, state_stream(fcinfo, 0, &buf));
		if (!PG_ARGISNULL(1))
			stream_append(&s, e->observed_at, e->score, &terms);
		PG_RETURN_DATUM(state_datum(&s));
	}
	if (!PG_ARGISNULL(1))
	{
		old = MemoryContextSwitchTo(es->hdr.eoh_context);
		stream_append(&es->stream, e->observed_at, e->score, &terms);
		MemoryContextSwitchTo(old);
		forget_flat(es);
		if (unlikely(es->stream.n > state_text_free_count()))
			state_text_grew(es, evidence_text_bound(e->score, e->out_of, e->observed_at,
													e->weight, e->kind) + 2);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}

/*
 * mastery_state_merge(a, b): all evidence of both.  The transition and
 * combine function of mastery_state_union and the combine function of
 * mastery_agg; outside aggregates, the || operator.
 */
PG_FUNCTION_INFO_V1(mastery_state_merge);
Datum
mastery_state_merge(PG_FUNCTION_ARGS)
{
	static const EvidenceTerms none = {0};
	ExpandedMasteryState *es;
	EvidenceStream bbuf;
	const EvidenceStream *b;
	MemoryContext old;
	Size		added = 0;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		if (!AggCheckCallContext(fcinfo, NULL))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		PG_RETURN_DATUM(EOHPGetRWDatum(&aggregate_target(fcinfo, &none)->hdr));
	}
	b = state_stream(fcinfo, 1, &bbuf);
	es = aggregate_target(fcinfo, &b->common);
	if (es == NULL)
	{
		EvidenceStream s,
					abuf;
		TimedScore	first[STATE_INLINE_ITEMS];

		stream_init(&s, &b->common, first, STATE_INLINE_ITEMS);
		if (!PG_ARGISNULL(0))
			stream_append_stream(&s, state_stream(fcinfo, 0, &abuf));
		stream_append_stream(&s, b);
		PG_RETURN_DATUM(state_datum(&s));
	}
	/* counted before b grows (a state merged with itself) */
	if (es->text_bound != 0)
		added = stream_text_bound(b) - 2;
	old = MemoryContextSwitchTo(es->hdr.eoh_context);
	if (b == &es->stream)
	{
		/* a state merged with itself: append a copy */
		EvidenceStream copy;

		stream_init(&copy, &b->common, NULL, 0);
		stream_append_stream(&copy, b);
		stream_append_stream(&es->stream, &copy);
	}
	else
		stream_append_stream(&es->stream, b);
	MemoryContextSwitchTo(old);
	forget_flat(es);
	if (es->stream.n > state_text_free_count())
		state_text_grew(es, added);
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}

/* The final function of both aggregates: a stored state of the result */
PG_FUNCTION_INFO_V1(mastery_state_final);
Datum
mastery_state_final(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(state_datum(state_stream(fcinfo, 0, &buf)));
}

/* ---------- equality, order and hashing ---------- */

/*
 * A state is a multiset of evidence: two states are equal when they hold
 * the same evidence the same number of times, whatever order it arrived
 * in.  States sort by their evidence read in evidence order, piece by
 * piece, and a state that is a prefix of another sorts first; so sorting,
 * DISTINCT, UNION, GROUP BY and merge joins agree with =.
 */
static int
state_cmp(FunctionCallInfo fcinfo)
{
	EvidenceStream abuf,
				bbuf;
	const EvidenceStream *a = state_stream(fcinfo, 0, &abuf);
	const EvidenceStream *b = state_stream(fcinfo, 1, &bbuf);
	OrderedEvidence oa,
				ob;
	int			result = 0;

	stream_ordered(a, &oa);
	stream_ordered(b, &ob);
	for (int i = 0; i < Min(oa.n, ob.n) && result == 0; i++)
	{
		const EvidenceTerms *ta = oa.terms ? &oa.terms[i] : &oa.common;
		const EvidenceTerms *tb = ob.terms ? &ob.terms[i] : &ob.common;

		result = evidence_order(oa.items[i].observed_at, oa.items[i].score, ta->weight,
								ta->out_of, ta->kind,
								ob.items[i].observed_at, ob.items[i].score, tb->weight,
								tb->out_of, tb->kind);
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	if (result == 0 && oa.n != ob.n)
		result = oa.n < ob.n ? -1 : 1;
	/* sorts call this millions of times: give back what reading took */
	ordered_release(a, &oa);
	ordered_release(b, &ob);
	if (a == &abuf)
		stream_release(&abuf);
	if (b == &bbuf)
		stream_release(&bbuf);
	return result;
}

#define STATE_COMPARISON(fname, op) \
PG_FUNCTION_INFO_V1(fname); \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(state_cmp(fcinfo) op 0); \
}

STATE_COMPARISON(mastery_state_lt, <)
STATE_COMPARISON(mastery_state_le, <=)
STATE_COMPARISON(mastery_state_eq, ==)
STATE_COMPARISON(mastery_state_ne, !=)
STATE_COMPARISON(mastery_state_ge, >=)
STATE_COMPARISON(mastery_state_gt, >)

PG_FUNCTION_INFO_V1(mastery_state_cmp);
Datum
mastery_state_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(state_cmp(fcinfo));
}

/* The evidence in order, each piece hashed with its terms and chained */
static uint64
state_hash(FunctionCallInfo fcinfo, uint64 seed)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	OrderedEvidence o;
	uint64		h = hash_uint32_extended((uint32) s->n, seed);

	stream_ordered(s, &o);
	for (int i = 0; i < o.n; i++)
	{
		const EvidenceTerms *t = o.terms ? &o.terms[i] : &o.common;
		struct
		{
			TimestampTz observed_at;
			float8		score;
			EvidenceTerms terms;
		}			piece;

		memset(&piece, 0, sizeof(piece));
		piece.observed_at = o.items[i].observed_at;
		piece.score = o.items[i].score + 0.0;	/* no negative zero */
		piece.terms = *t;
		h = hash_combine64(h, hash_bytes_extended((const unsigned char *) &piece,
												  sizeof(piece), seed));
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	ordered_release(s, &o);
	if (s == &buf)
		stream_release(&buf);
	return h;
}

/* The 32-bit hash is the low half of the extended hash with seed 0 */
PG_FUNCTION_INFO_V1(mastery_state_hash);
Datum
mastery_state_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) (uint32) state_hash(fcinfo, 0));
}

PG_FUNCTION_INFO_V1(mastery_state_hash_extended);
Datum
mastery_state_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) state_hash(fcinfo, (uint64) PG_GETARG_INT64(1)));
}

/* ---------- rollups of a state ---------- */

/* mastery(state, method): the same as mastery(evidence, method) over its evidence */
PG_FUNCTION_INFO_V1(mastery_state_mastery);
Datum
mastery_state_mastery(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(1);
	RollupInput in;
	double		result;
	double		scores[128];

	if (!stream_view(s, &in, scores, lengthof(scores)) || !rollup_compute(m, &in, &result))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(result);
}

/* mastery_at(state, method, as_of): as if only evidence observed by as_of existed */
PG_FUNCTION_INFO_V1(mastery_state_mastery_at);
Datum
mastery_state_mastery_at(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(1);
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(2);
	OrderedEvidence o;
	RollupInput in;
	double		result;
	double		scores[128];

	if (TIMESTAMP_IS_NOBEGIN(as_of))
		PG_RETURN_NULL();
	stream_ordered(s, &o);
	if (!ordered_view(&o, TIMESTAMP_IS_NOEND(as_of) ? o.n : ordered_count_as_of(&o, as_of),
					  &in, NULL, scores, lengthof(scores)) ||
		!rollup_compute(m, &in, &result))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(result);
}

PG_FUNCTION_INFO_V1(mastery_state_evidence_count);
Datum
mastery_state_evidence_count(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;

	PG_RETURN_INT32(state_stream(fcinfo, 0, &buf)->n);
}

PG_FUNCTION_INFO_V1(mastery_state_last_observed);
Datum
mastery_state_last_observed(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	OrderedEvidence o;

	if (s->n == 0)
		PG_RETURN_NULL();
	stream_ordered(s, &o);
	PG_RETURN_TIMESTAMPTZ(o.items[o.n - 1].observed_at);
}

/* out_of(state): the scale of the latest evidence, the scale of results */
PG_FUNCTION_INFO_V1(mastery_state_out_of);
Datum
mastery_state_out_of(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s = state_stream(fcinfo, 0, &buf);
	OrderedEvidence o;

	if (s->n == 0)
		PG_RETURN_NULL();
	stream_ordered(s, &o);
	PG_RETURN_FLOAT8(o.terms ? o.terms[o.n - 1].out_of : o.common.out_of);
}

/* ---------- corrections: removing evidence ---------- */

/*
 * a - b as multisets: every piece of b takes away one equal piece of a.
 * Both are read in evidence order, so one merge-like pass finds the pairs.
 * A piece of b that a does not hold is an error (no_data_found, which a
 * PL/pgSQL handler can catch by name) unless missing_ok.
 */
static Datum
state_difference(const EvidenceStream *a, const EvidenceStream *b, bool missing_ok)
{
	OrderedEvidence oa,
				ob;
	EvidenceStream result;
	TimedScore	first[STATE_INLINE_ITEMS];
	int			i = 0,
				j = 0;

	stream_ordered(a, &oa);
	stream_ordered(b, &ob);
	stream_init(&result, &a->common, first, STATE_INLINE_ITEMS);
	while (i < oa.n)
	{
		const EvidenceTerms *ta = oa.terms ? &oa.terms[i] : &oa.common;
		int			c = -1;

		if (j < ob.n)
		{
			const EvidenceTerms *tb = ob.terms ? &ob.terms[j] : &ob.common;

			c = evidence_order(oa.items[i].observed_at, oa.items[i].score, ta->weight,
							   ta->out_of, ta->kind,
							   ob.items[j].observed_at, ob.items[j].score, tb->weight,
							   tb->out_of, tb->kind);
		}
		if (c == 0)
		{
			i++;				/* removed */
			j++;
		}
		else if (c < 0)
		{
			stream_append(&result, oa.items[i].observed_at, oa.items[i].score, ta);
			i++;
		}
		else
		{
			if (!missing_ok)
			{
				const EvidenceTerms *tb = ob.terms ? &ob.terms[j] : &ob.common;
				StringInfoData missing;

				initStringInfo(&missing);
				evidence_append_text(&missing, ob.items[j].score, tb->out_of,
									 ob.items[j].observed_at, tb->weight, tb->kind, true);
				ereport(ERROR,
						(errcode(ERRCODE_NO_DATA_FOUND),
						 errmsg("mastery state does not hold the evidence to remove"),
						 errdetail("The evidence %s is not in the state (or not as many times).",
								   missing.data),
						 errhint("Evidence is removed only when it matches what was added: the same score, out_of, weight, kind and time "
								 "(a date becomes a time in the session's time zone, so build evidence the same way in every session).")));
			}
			j++;
		}
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (j < ob.n && !missing_ok)
	{
		const EvidenceTerms *tb = ob.terms ? &ob.terms[j] : &ob.common;
		StringInfoData missing;

		initStringInfo(&missing);
		evidence_append_text(&missing, ob.items[j].score, tb->out_of,
							 ob.items[j].observed_at, tb->weight, tb->kind, true);
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("mastery state does not hold the evidence to remove"),
				 errdetail("The evidence %s is not in the state (or not as many times).", missing.data),
				 errhint("Evidence is removed only when it matches what was added: the same score, out_of, weight, kind and time "
						 "(a date becomes a time in the session's time zone, so build evidence the same way in every session).")));
	}
	return state_datum(&result);
}

/*
 * mastery_state_difference(a, b, missing_ok), and a - b.  Like ||, NULL
 * counts as an empty state: a - NULL is a, so the nightly correction
 * state - removed || added needs no COALESCE.
 */
PG_FUNCTION_INFO_V1(mastery_state_difference);
Datum
mastery_state_difference(PG_FUNCTION_ARGS)
{
	static const EvidenceTerms none = {0};
	EvidenceStream abuf,
				bbuf,
				empty;
	bool		missing_ok = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(state_datum(state_stream(fcinfo, 0, &abuf)));
	}
	stream_init(&empty, &none, NULL, 0);
	PG_RETURN_DATUM(state_difference(PG_ARGISNULL(0) ? &empty : state_stream(fcinfo, 0, &abuf),
									 state_stream(fcinfo, 1, &bbuf), missing_ok));
}

/* mastery_state_remove(state, evidence, missing_ok): one piece taken away */
/*
 * Not STRICT, like || and -: NULL evidence removes nothing (the trigger of
 * the correction workflow makes NULL evidence of a NULL score), and a NULL
 * state is an empty one.
 */
PG_FUNCTION_INFO_V1(mastery_state_remove_evidence);
Datum
mastery_state_remove_evidence(PG_FUNCTION_ARGS)
{
	static const EvidenceTerms none = {0};
	EvidenceStream abuf,
				one,
				empty;
	const MasteryEvidence *e;
	EvidenceTerms terms;
	TimedScore	first[1];
	bool		missing_ok = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(state_datum(state_stream(fcinfo, 0, &abuf)));
	}
	e = PG_GETARG_CHECKED_EVIDENCE(1);
	terms = evidence_terms(e);
	stream_init(&one, &terms, first, 1);
	stream_append(&one, e->observed_at, e->score, &terms);
	stream_init(&empty, &none, NULL, 0);
	PG_RETURN_DATUM(state_difference(PG_ARGISNULL(0) ? &empty : state_stream(fcinfo, 0, &abuf),
									 &one, missing_ok));
}

/*
 * mastery_explain(state, method): one row per piece of evidence, in order,
 * with its weight in the result and the result after it.
 *
 * For methods linear in the scores, weight_in_result * score summed over
 * the rows gives the (unrounded) result; the weight includes the rescaling
 * to the out_of of the most recent evidence, and is 0 for evidence an
 * override set aside.  For power_law, true_score and bkt the weight is
 * NULL and value_after shows the fitted or filtered value step by step.
 */
PG_FUNCTION_INFO_V1(mastery_state_explain);
Datum
mastery_state_explain(PG_FUNCTION_ARGS)
{
	EvidenceStream buf;
	const EvidenceStream *s;
	const RollupMethod *m;
	OrderedEvidence o;
	RollupInput in;
	TupleDesc	tupdesc;
	Tuplestorestate *store;
	double	   *weights = NULL;
	double	   *after;
	bool	   *after_null;
	bool		linear = false;
	int			start = 0;

	s = state_stream(fcinfo, 0, &buf);
	m = PG_GETARG_CHECKED_METHOD(1);
	stream_ordered(s, &o);
	if (o.n > 0 && ordered_view(&o, o.n, &in, &start, NULL, 0))
	{
		weights = palloc_extended(sizeof(double) * in.n, MCXT_ALLOC_HUGE);
		linear = rollup_weights(m, &in, weights);
	}
	after = palloc_extended(sizeof(double) * Max(o.n, 1), MCXT_ALLOC_HUGE);
	after_null = palloc_extended(sizeof(bool) * Max(o.n, 1), MCXT_ALLOC_HUGE);
	ordered_values_after(m, &o, after, after_null);

	store = begin_rows(fcinfo, NULL, &tupdesc);
	for (int i = 0; i < o.n; i++)
	{
		const EvidenceTerms *t = o.terms ? &o.terms[i] : &o.common;
		const EvidenceTerms *last = o.terms ? &o.terms[o.n - 1] : &o.common;
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = TimestampTzGetDatum(o.items[i].observed_at);
		values[2] = Float8GetDatum(o.items[i].score);
		if (t->out_of > 0.0)
			values[3] = Float8GetDatum(t->out_of);
		else
			nulls[3] = true;
		values[4] = CStringGetTextDatum(evidence_kind_name(t->kind));
		if (!linear)
			nulls[5] = true;
		else if (i < start)
			values[5] = Float8GetDatum(0.0);
		else
		{
			/* fold the rescaling in, so that weight * score adds up */
			double		w = weights[i - start];

			if (t->out_of != last->out_of)
				w = w / t->out_of * last->out_of;
			values[5] = Float8GetDatum(w);
		}
		values[6] = Float8GetDatum(after[i]);
		nulls[6] = after_null[i];
		tuplestore_putvalues(store, tupdesc, values, nulls);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	return (Datum) 0;
}
