/*
 * competency.h
 *		Declarations shared by the files of the competency extension: limits,
 *		the structs several files need, and the order of evidence.
 */
#ifndef COMPETENCY_H
#define COMPETENCY_H

#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "rollup.h"

/* Limits, checked before anything is allocated */
#define ROLLUP_MAX_ROUND		10
#define ROLLUP_MAX_MIN_EVIDENCE 1000000
/* 30 million: a serialized stream with per-item terms stays under 1 GB */
#define STREAM_MAX_EVIDENCE		30000000

/*
 * Every value that can be stored can be dumped.  A value's text form, as
 * COPY's text format writes it (a backslash doubled), stays within
 * TEXT_FORM_MAX_BYTES: a row holding it still fits one palloc'd string
 * (MaxAllocSize, 1 GB - 1) with 73 MB to spare for its other columns, and
 * Citus, which moves aggregate states as text, can write it.  A value is
 * refused when it is built, from an upper bound of that length that costs
 * no rendering (text_form_max_bytes(); see _PG_init in competency.c).
 */
#define TEXT_FORM_MAX_BYTES		((Size) 1000000000)

/* ---------- shared helpers (competency.c) ---------- */

#include "utils/tuplestore.h"

extern Tuplestorestate *begin_rows(FunctionCallInfo fcinfo, const char *column_name,
								   TupleDesc *desc);
extern void append_exact_float8(StringInfo buf, double x);
extern void append_exact_float4(StringInfo buf, float x);
extern char *exact_float8(double x);
extern MemoryContext aggregate_states_context(MemoryContext aggcontext);
extern void **aggregate_states_shared(MemoryContext aggcontext);
extern bool aggregate_argument_is_const(FunctionCallInfo fcinfo, int argno);
extern void *grow_array(MemoryContext cxt, void *array, Size *cap, Size need, Size elemsize,
						Size min_cap, Size max_cap);

extern Size text_form_limit;
extern void _PG_init(void);

static inline Size
text_form_max_bytes(void)
{
	return text_form_limit;
}

extern Size json_string_text_bound(const char *s, Size len);
extern int	float8_text_bound(double x);
extern int	timestamp_text_bound(TimestampTz t);
/* the longest time in a text form: "294276-12-31T23:59:59.999999+00:00", or "... BC" */
#define TIMESTAMP_TEXT_MAX		37

/*
 * Text inside binary forms (skill codes): its length in the client
 * encoding, then its bytes converted (pq_sendtext); read back through
 * pq_getmsgtext into the server encoding, the length checked against the
 * message first.  Numbers around it go in network order, field by field.
 */
extern void send_counted_text(StringInfo buf, const char *s, int len);
extern char *recv_counted_text(StringInfo msg, int max_bytes, const char *what, const char *type,
							   int *len);

/*
 * Distinct byte strings (learner identifiers, skill codes), numbered in
 * order of arrival, found by a lib/simplehash.h table of their numbers
 * (a learner_profile of 2.4M rows in random order, 20,000 learners x 40
 * skills: 448 ms, as with the open addressing it replaced).
 * The callers keep their own limits on count and bytes; the table holds at
 * most 4 GB of bytes.  A zeroed table with cxt set is empty.  A table may
 * move, but not be copied and used twice: the copies would share numbers
 * and not entries.
 */
typedef struct StringTableEntry
{
	uint32		off;			/* in bytes */
	uint32		len;
	uint32		hash;
} StringTableEntry;

typedef struct StringTable
{
	MemoryContext cxt;
	char	   *bytes;
	Size		nbytes;
	Size		bytes_cap;
	StringTableEntry *entries;
	uint32		n;
	Size		entries_cap;
	struct string_numbers_hash *numbers;	/* the numbers by string; NULL while empty */
	const char *probe;			/* the string being looked up (number UINT32_MAX) */
	uint32		probe_len;
	uint32		probe_hash;
	uint32		last;			/* the string found or added last (when n > 0) */
} StringTable;

extern int64 string_table_find(StringTable *t, const char *s, uint32 len, uint32 *hash);
extern uint32 string_table_add(StringTable *t, const char *s, uint32 len, uint32 hash);

static inline const char *
string_table_bytes(const StringTable *t, uint32 i)
{
	return t->bytes + t->entries[i].off;
}

/* ---------- mastery_evidence (evidence.c) ---------- */

typedef enum EvidenceKind
{
	KIND_ASSESSMENT = 0,
	KIND_PRACTICE,
	KIND_OBSERVATION,
	KIND_SELF,
	KIND_BEHAVIOR,
	KIND_OVERRIDE
} EvidenceKind;

#define NUM_EVIDENCE_KINDS (KIND_OVERRIDE + 1)

/*
 * Scores and out_of stay within these magnitudes, so that rescaling and the
 * sums of every method stay finite (a score of 10^12 out of 10^-9 rescaled to
 * 10^12 is 10^33).  No grading scale comes near them.
 */
#define EVIDENCE_MAX_MAGNITUDE	1e12
#define EVIDENCE_MIN_OUT_OF		1e-9
#define EVIDENCE_MIN_WEIGHT		1e-6
#define EVIDENCE_MAX_WEIGHT		1e6

static inline bool
score_in_range(double score)
{
	return isfinite(score) && fabs(score) <= EVIDENCE_MAX_MAGNITUDE;
}

static inline bool
out_of_in_range(double out_of)
{
	return isfinite(out_of) && out_of >= EVIDENCE_MIN_OUT_OF &&
		out_of <= EVIDENCE_MAX_MAGNITUDE;
}
#define EVIDENCE_FORMAT 1

/*
 * One observation, 32 bytes, passed by reference.  The weight is a real
 * (float4) so that the kind and a format byte fit in 32 bytes; weights are
 * policy numbers like 1, 2 or 0.5, which float4 holds exactly.
 */
typedef struct MasteryEvidence
{
	float8		score;			/* >= 0; may exceed out_of (extra credit) */
	float8		out_of;			/* > 0 */
	TimestampTz observed_at;	/* finite */
	float4		weight;			/* > 0 */
	uint8		kind;			/* EvidenceKind */
	uint8		format;			/* EVIDENCE_FORMAT */
	uint16		reserved;		/* zero */
} MasteryEvidence;

#define DatumGetMasteryEvidence(d)	((MasteryEvidence *) DatumGetPointer(d))
#define PG_GETARG_EVIDENCE(n)		DatumGetMasteryEvidence(PG_GETARG_DATUM(n))
/* an argument read from storage, checked like any input */
#define PG_GETARG_CHECKED_EVIDENCE(n) checked_evidence(PG_GETARG_EVIDENCE(n))

extern void evidence_check(double score, double out_of, TimestampTz observed_at,
						   double weight, int kind);
extern const MasteryEvidence *checked_evidence(const MasteryEvidence *e);
extern void evidence_fill(MasteryEvidence *e, double score, double out_of,
						  TimestampTz observed_at, double weight, int kind);
extern const char *evidence_kind_name(int kind);
extern int	evidence_kind_from_name(const char *name, int len);
extern const char *evidence_parse(const char *input, const char *p, const char *stop,
								  bool score_only_ok, MasteryEvidence *e);
extern void evidence_append_text(StringInfo buf, double score, double out_of, TimestampTz t,
								 float4 weight, int kind, bool iso_utc);
extern Size evidence_text_bound(double score, double out_of, TimestampTz t, float4 weight, int kind);
/* the most evidence_text_bound gives: numbers and time at their longest, a weight, "observation" */
#define EVIDENCE_TEXT_MAX \
	(2 * (DOUBLE_SHORTEST_DECIMAL_LEN - 1) + sizeof("/ @ , weight=, kind=observation") - 1 + \
	 TIMESTAMP_TEXT_MAX + FLOAT_SHORTEST_DECIMAL_LEN - 1)
extern void evidence_append_json(StringInfo buf, double score, double out_of, TimestampTz t,
								 float4 weight, int kind);
struct JsonbContainer;
extern void evidence_from_jsonb(struct JsonbContainer *container, MasteryEvidence *e);
extern void check_score(double score);
extern void check_observed_at(TimestampTz t);
extern void check_score_only(double score, TimestampTz observed_at);

/*
 * The order of a stream, the one comparator of every path that orders
 * evidence (aggregates, stored states, merges, as-of, explanations, the
 * btree operator class): observed_at; at the same instant an override after
 * the other kinds (a teacher's judgement is the last word of its day, also
 * in date-only gradebooks); then score (as a share of out_of when the
 * scales differ), weight, out_of and kind, so that the order is total and
 * no plan or input order can change a result.
 */
static inline int
evidence_order(TimestampTz t1, double s1, double w1, double o1, int k1,
			   TimestampTz t2, double s2, double w2, double o2, int k2)
{
	if (t1 != t2)
		return t1 < t2 ? -1 : 1;
	if ((k1 == KIND_OVERRIDE) != (k2 == KIND_OVERRIDE))
		return k1 == KIND_OVERRIDE ? 1 : -1;
	/* scores on different scales compare as shares: 3/4 after 50/100 */
	if (o1 != o2 && o1 > 0.0 && o2 > 0.0 && s1 / o1 != s2 / o2)
		return s1 / o1 < s2 / o2 ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	if (w1 != w2)
		return w1 < w2 ? -1 : 1;
	if (o1 != o2)
		return o1 < o2 ? -1 : 1;
	if (k1 != k2)
		return k1 < k2 ? -1 : 1;
	return 0;
}

/* ---------- mastery_state (mastery_state.c) ---------- */

#define MASTERY_STATE_SEND_VERSION 1

/* ---------- mastery_method (method.c) ---------- */

#define MASTERY_METHOD_VERSION 1

typedef struct MasteryMethod
{
	int32		vl_len_;		/* varlena header, never touched directly */
	uint8		version;		/* MASTERY_METHOD_VERSION */
	uint8		flags;			/* zero; reserved for later formats */
	uint16		reserved;		/* zero */
	int32		reserved2;		/* zero; keeps the method 8-byte aligned */
	RollupMethod method;
} MasteryMethod;

#define DatumGetMasteryMethod(d)	((MasteryMethod *) PG_DETOAST_DATUM(d))
#define PG_GETARG_MASTERY_METHOD(n) DatumGetMasteryMethod(PG_GETARG_DATUM(n))
/* a method argument, checked like any stored value */
#define PG_GETARG_CHECKED_METHOD(n) checked_method(PG_GETARG_MASTERY_METHOD(n))

extern void method_check(const RollupMethod *m);
extern const RollupMethod *checked_method(const MasteryMethod *mm);
extern Datum mastery_method_in(PG_FUNCTION_ARGS);
extern void method_parse(const char *text, RollupMethod *m);

/*
 * The lexical rules of key=value lists, one for every list we read: a
 * method's parameters (method_parse) and bkt_fit's options.  Keys are words
 * (a letter or underscore, then letters, digits, underscores), lowercased;
 * numbers are decimal and finite; a flag is true or false; a tuple is
 * (number, ...).  Each reader reports its own errors.
 */
typedef enum OptionNumberStatus
{
	OPTION_NUMBER_OK,
	OPTION_NUMBER_MISSING,		/* no number starts here */
	OPTION_NUMBER_HEX,			/* 0x...: not decimal */
	OPTION_NUMBER_RANGE			/* beyond double precision */
} OptionNumberStatus;

extern void option_skip_blanks(const char **p);
extern char *option_scan_word(const char **p);
extern OptionNumberStatus option_scan_number(const char **p, double *value);
extern int	option_scan_flag(const char **p);
extern int	option_scan_tuple(const char **p, double *values, int max);
extern const RollupMethod *method_intern(const RollupMethod *m);
extern const char *method_name(int id);
extern char *method_to_text(const RollupMethod *m);
extern Size method_text_length(const RollupMethod *m);
extern void method_send(StringInfo buf, const RollupMethod *m);
extern void method_recv(StringInfo buf, RollupMethod *m);

/* ---------- evidence streams (evidence_stream.c) ---------- */

typedef struct TimedScore
{
	TimestampTz observed_at;
	float8		score;
} TimedScore;

/* What evidence carries besides its time and score; shared while uniform */
typedef struct EvidenceTerms
{
	float8		out_of;			/* 0: unknown (the score-only aggregate) */
	float4		weight;
	uint8		kind;
	uint8		pad[3];			/* zero, so terms compare with memcmp */
} EvidenceTerms;

/* The terms of a score of the score-only forms: out_of unknown, weight 1 */
extern const EvidenceTerms score_only_terms;

/*
 * Items beyond a stream's first array live in segments that are never
 * copied or freed while the stream grows: appends cost no memmove, and no
 * outgrown arrays are left behind in the aggregate's memory.
 */
typedef struct EvidenceSegment
{
	struct EvidenceSegment *next;
	int32		n;
	int32		capacity;
	TimedScore	items[FLEXIBLE_ARRAY_MEMBER];
} EvidenceSegment;

/* The terms of a piece of evidence; padding zeroed so terms compare with memcmp */
static inline EvidenceTerms
evidence_terms(const MasteryEvidence *e)
{
	EvidenceTerms t;

	memset(&t, 0, sizeof(t));
	t.out_of = e->out_of;
	t.weight = e->weight;
	t.kind = e->kind;
	return t;
}

typedef struct EvidenceStream
{
	int32		n;				/* pieces of evidence in all */
	int32		nitems;			/* how many of them are in items[] */
	int32		capacity;		/* of items[] */
	bool		sorted;			/* they arrived in evidence_order */
	bool		owns_items;		/* items[] was allocated here, not given */
	TimedScore *items;			/* the first nitems, contiguous */
	EvidenceSegment *segments;	/* the rest, in arrival order */
	EvidenceSegment *tail;
	EvidenceTerms common;		/* the terms of every item while terms is NULL */
	EvidenceTerms *terms;		/* per item once they differ; then all items
								 * are in items[] and there are no segments */
} EvidenceStream;

extern void stream_init(EvidenceStream *s, const EvidenceTerms *first,
						TimedScore *inline_items, int inline_capacity);
extern void stream_append(EvidenceStream *s, TimestampTz t, double score,
						  const EvidenceTerms *terms);
extern void stream_append_stream(EvidenceStream *dst, const EvidenceStream *src);
extern bool stream_view(const EvidenceStream *s, RollupInput *in, double *buf, int buflen);

/* A stream read in evidence order, for as-of views and explanations */
typedef struct OrderedEvidence
{
	int			n;
	const TimedScore *items;
	const EvidenceTerms *terms; /* per item, or NULL when all are common */
	EvidenceTerms common;
} OrderedEvidence;

extern void stream_ordered(const EvidenceStream *s, OrderedEvidence *o);
extern void ordered_release(const EvidenceStream *s, OrderedEvidence *o);
extern void stream_release(EvidenceStream *s);
extern int	ordered_count_as_of(const OrderedEvidence *o, TimestampTz as_of);
extern bool ordered_view(const OrderedEvidence *o, int count, RollupInput *in,
						 int *start, double *buf, int buflen);
extern void ordered_values_after(const RollupMethod *m, const OrderedEvidence *o,
								 double *values, bool *isnull);
extern const char *stream_parse_text(const char *input, const char *p, bool score_only_ok,
									 EvidenceStream *s);
extern void stream_append_text(StringInfo out, const EvidenceStream *s);
extern Size stream_text_bound(const EvidenceStream *s);
extern void stream_send(StringInfo buf, const EvidenceStream *s);
extern void stream_recv(StringInfo msg, EvidenceStream *s, const char *type, bool score_only_ok);
extern char *stream_encode(const EvidenceStream *s, bool ordered, Size prefix, Size *len);
extern void stream_decode_as(EvidenceStream *s, const char *data, Size len, bool borrow, int sqlstate);

/* Stored or serialized bytes: a failed check is data_corrupted */
static inline void
stream_decode(EvidenceStream *s, const char *data, Size len, bool borrow)
{
	stream_decode_as(s, data, len, borrow, ERRCODE_DATA_CORRUPTED);
}

/* A hint to the CPU; nothing on compilers without the builtin */
#if defined(__GNUC__) || defined(__clang__)
#define prefetch_for_read(p)	__builtin_prefetch((p), 0)
#define prefetch_for_write(p)	__builtin_prefetch((p), 1)
#else
#define prefetch_for_read(p)	((void) (p))
#define prefetch_for_write(p)	((void) (p))
#endif

#endif							/* COMPETENCY_H */
