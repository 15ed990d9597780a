/*
 * evidence_stream.c
 *		All evidence of one learner x skill: append, merge, order, encode, and
 *		the view a rollup method sees.
 *
 * An item is 16 bytes (time and score).  The other terms of evidence
 * (out_of, weight, kind) are almost always the same for a whole stream, so
 * they are kept once and only spread into a per-item array when they first
 * differ.  The aggregates keep a stream as their state; the stored
 * mastery_state will encode the same stream.
 */
#include "competency.h"

#include <math.h>

#include "miscadmin.h"

#define STREAM_INITIAL_CAPACITY 8
#define STREAM_FORMAT 1
#define STREAM_FLAG_TERMS 0x01	/* per-item terms follow the items */

static inline int
timed_score_cmp(const TimedScore *a, const TimedScore *b)
{
	if (a->observed_at != b->observed_at)
		return a->observed_at < b->observed_at ? -1 : 1;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return 0;
}

#define ST_SORT sort_timed_scores
#define ST_ELEMENT_TYPE TimedScore
#define ST_COMPARE(a, b) timed_score_cmp(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* An item with its own terms, for sorting streams whose terms differ */
typedef struct FullEvidence
{
	TimedScore	item;
	EvidenceTerms terms;
} FullEvidence;

static inline int
full_evidence_cmp(const FullEvidence *a, const FullEvidence *b)
{
	return evidence_order(a->item.observed_at, a->item.score, a->terms.weight,
						  a->terms.out_of, a->terms.kind,
						  b->item.observed_at, b->item.score, b->terms.weight,
						  b->terms.out_of, b->terms.kind);
}

#define ST_SORT sort_full_evidence
#define ST_ELEMENT_TYPE FullEvidence
#define ST_COMPARE(a, b) full_evidence_cmp(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

static inline bool
terms_equal(const EvidenceTerms *a, const EvidenceTerms *b)
{
	return memcmp(a, b, sizeof(EvidenceTerms)) == 0;
}

static inline int
item_cmp(const EvidenceStream *s, int i, const TimedScore *item,
		 const EvidenceTerms *terms)
{
	const EvidenceTerms *ti = stream_terms(s, i);

	return evidence_order(s->items[i].observed_at, s->items[i].score,
						  ti->weight, ti->out_of, ti->kind,
						  item->observed_at, item->score,
						  terms->weight, terms->out_of, terms->kind);
}

/*
 * Starts an empty stream whose first items go to a buffer the caller owns
 * (the aggregate state embeds one, so a small group costs one allocation).
 * Later allocations are in the current memory context; the aggregates
 * switch to theirs.
 */
void
stream_init(EvidenceStream *s, const EvidenceTerms *first,
			TimedScore *inline_items, int inline_capacity)
{
	s->n = 0;
	s->capacity = inline_capacity;
	s->sorted = true;
	s->owns_items = false;
	s->items = inline_items;
	s->common = *first;
	s->terms = NULL;
}

static void
stream_reserve(EvidenceStream *s, int64 needed)
{
	int64		capacity = Max(s->capacity, STREAM_INITIAL_CAPACITY);

	if (needed <= s->capacity)
		return;
	if (needed > STREAM_MAX_EVIDENCE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too much evidence in one learner x skill stream"),
				 errdetail("A stream holds at most %d pieces of evidence.", STREAM_MAX_EVIDENCE),
				 errhint("Group by learner and skill, not by learner alone.")));
	while (capacity < needed)
		capacity *= 2;
	capacity = Min(capacity, STREAM_MAX_EVIDENCE);
	if (s->owns_items)
		s->items = repalloc_huge(s->items, sizeof(TimedScore) * capacity);
	else
	{
		TimedScore *items = palloc_extended(sizeof(TimedScore) * capacity, MCXT_ALLOC_HUGE);

		memcpy(items, s->items, sizeof(TimedScore) * s->n);
		s->items = items;
		s->owns_items = true;
	}
	if (s->terms)
		s->terms = repalloc_huge(s->terms, sizeof(EvidenceTerms) * capacity);
	s->capacity = (int32) capacity;
}

/* From now on every item keeps its own terms */
static void
stream_spread_terms(EvidenceStream *s)
{
	s->terms = palloc_extended(sizeof(EvidenceTerms) * Max(s->capacity, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < s->n; i++)
		s->terms[i] = s->common;
}

void
stream_append(EvidenceStream *s, TimestampTz t, double score,
			  const EvidenceTerms *terms)
{
	TimedScore	item = {t, score};

	if (s->n == 0)
		s->common = *terms;
	else if (s->terms == NULL && !terms_equal(terms, &s->common))
		stream_spread_terms(s);
	if (unlikely(s->n >= s->capacity))
		stream_reserve(s, (int64) s->n + 1);
	if (s->sorted && s->n > 0)
	{
		/* uniform terms: time and score decide; else the whole order */
		int			c = s->terms == NULL ? timed_score_cmp(&s->items[s->n - 1], &item) :
			item_cmp(s, s->n - 1, &item, terms);

		if (c > 0)
			s->sorted = false;
	}
	s->items[s->n] = item;
	if (s->terms)
		s->terms[s->n] = *terms;
	s->n++;
}

/*
 * Two ordered streams with the same terms, interleaved in time: parallel
 * workers each see a time-ordered share of a group.  Merging keeps the
 * result ordered, so the final function does not sort.
 */
static void
stream_merge(EvidenceStream *dst, const EvidenceStream *src)
{
	int64		total = (int64) dst->n + src->n;
	TimedScore *merged;
	int			i = 0,
				j = 0,
				k = 0;

	if (total > STREAM_MAX_EVIDENCE)
		stream_reserve(dst, total);	/* reports the limit */
	merged = palloc_extended(sizeof(TimedScore) * total, MCXT_ALLOC_HUGE);
	while (i < dst->n && j < src->n)
	{
		if (timed_score_cmp(&dst->items[i], &src->items[j]) <= 0)
			merged[k++] = dst->items[i++];
		else
			merged[k++] = src->items[j++];
	}
	if (i < dst->n)
		memcpy(merged + k, dst->items + i, sizeof(TimedScore) * (dst->n - i));
	if (j < src->n)
		memcpy(merged + k + (dst->n - i), src->items + j, sizeof(TimedScore) * (src->n - j));
	if (dst->owns_items)
		pfree(dst->items);
	dst->items = merged;
	dst->owns_items = true;
	dst->capacity = (int32) total;
	dst->n = (int32) total;
	dst->sorted = true;
}

/* The combine step of parallel aggregation: dst gets all of src */
void
stream_append_stream(EvidenceStream *dst, const EvidenceStream *src)
{
	bool		in_order;

	if (src->n == 0)
		return;
	if (dst->n == 0)
		dst->common = src->common;
	in_order = dst->sorted && src->sorted &&
		(dst->n == 0 || item_cmp(dst, dst->n - 1, &src->items[0], stream_terms(src, 0)) <= 0);
	if (!in_order && dst->sorted && src->sorted && dst->terms == NULL &&
		src->terms == NULL && terms_equal(&src->common, &dst->common))
	{
		stream_merge(dst, src);
		return;
	}
	if (dst->terms == NULL &&
		(src->terms != NULL || !terms_equal(&src->common, &dst->common)))
		stream_spread_terms(dst);
	stream_reserve(dst, (int64) dst->n + src->n);
	memcpy(dst->items + dst->n, src->items, sizeof(TimedScore) * src->n);
	if (dst->terms)
	{
		for (int i = 0; i < src->n; i++)
			dst->terms[dst->n + i] = *stream_terms(src, i);
	}
	dst->n += src->n;
	dst->sorted = in_order;
}

/*
 * Evidence arrives in time order in most warehouses, so the aggregates
 * track whether it did and sort only when it did not.
 */
void
stream_sort(EvidenceStream *s)
{
	if (s->sorted)
		return;
	if (s->terms == NULL)
		sort_timed_scores(s->items, s->n);
	else
	{
		FullEvidence *full = palloc_extended(sizeof(FullEvidence) * s->n, MCXT_ALLOC_HUGE);

		for (int i = 0; i < s->n; i++)
		{
			full[i].item = s->items[i];
			full[i].terms = s->terms[i];
		}
		sort_full_evidence(full, s->n);
		for (int i = 0; i < s->n; i++)
		{
			s->items[i] = full[i].item;
			s->terms[i] = full[i].terms;
		}
		pfree(full);
	}
	s->sorted = true;
}

/*
 * What a method sees, in the current memory context: the scores from the
 * latest override on (an override is a teacher's judgement that restarts
 * the stream), rescaled to the out_of of the most recent evidence, with
 * weights only when they differ.  Scores and weights go to buf when
 * 2n <= buflen, else to memory of the current context.  Returns false for
 * an empty stream.
 */
bool
stream_view(EvidenceStream *s, RollupInput *in, double *buf, int buflen)
{
	int			start = 0;
	int			n;
	double	   *scores;
	double	   *weights = NULL;
	double		out_of;

	if (s->n == 0)
		return false;
	stream_sort(s);

	if (s->terms)
	{
		for (int i = s->n - 1; i >= 0; i--)
			if (s->terms[i].kind == KIND_OVERRIDE)
			{
				start = i;
				break;
			}
	}
	else if (s->common.kind == KIND_OVERRIDE)
		start = s->n - 1;
	n = s->n - start;
	out_of = stream_terms(s, s->n - 1)->out_of;

	/* the caller's buffer holds scores and weights of small streams */
	scores = 2 * n <= buflen ? buf : palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
		scores[i] = s->items[start + i].score;

	if (s->terms)
	{
		bool		same_weight = true;

		for (int i = 0; i < n; i++)
		{
			const EvidenceTerms *t = &s->terms[start + i];

			/* only rescale what needs it, so equal scales stay exact */
			if (t->out_of != out_of)
				scores[i] = scores[i] / t->out_of * out_of;
			if (t->weight != s->terms[start].weight)
				same_weight = false;
		}
		if (!same_weight)
		{
			weights = 2 * n <= buflen ? buf + n :
				palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
			for (int i = 0; i < n; i++)
				weights[i] = s->terms[start + i].weight;
		}
	}

	in->scores = scores;
	in->weights = weights;
	in->n = n;
	in->out_of = out_of;
	return true;
}

/* ---------- binary encoding ---------- */

/*
 * Layout: format byte, flags byte, two zero bytes, int32 n, the common
 * terms, n items, and n terms when STREAM_FLAG_TERMS is set.  Native byte
 * order: serialized aggregate states never leave the server.
 */
typedef struct StreamHeader
{
	uint8		format;
	uint8		flags;
	uint16		reserved;
	int32		n;
	EvidenceTerms common;
} StreamHeader;

Size
stream_encoded_size(const EvidenceStream *s)
{
	Size		size = sizeof(StreamHeader) + sizeof(TimedScore) * (Size) s->n;

	if (s->terms)
		size += sizeof(EvidenceTerms) * (Size) s->n;
	return size;
}

char *
stream_encode(const EvidenceStream *s, char *out)
{
	StreamHeader h;

	memset(&h, 0, sizeof(h));
	h.format = STREAM_FORMAT;
	h.flags = s->terms ? STREAM_FLAG_TERMS : 0;
	h.n = s->n;
	h.common = s->common;
	memcpy(out, &h, sizeof(h));
	out += sizeof(h);
	memcpy(out, s->items, sizeof(TimedScore) * s->n);
	out += sizeof(TimedScore) * s->n;
	if (s->terms)
	{
		memcpy(out, s->terms, sizeof(EvidenceTerms) * s->n);
		out += sizeof(EvidenceTerms) * s->n;
	}
	return out;
}

pg_attribute_noreturn()
static void
corrupt_stream(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized mastery evidence"),
			 errdetail("%s", detail)));
}

/* Terms as stored; out_of 0 marks the score-only form */
static void
check_terms(const EvidenceTerms *t, bool known_out_of)
{
	if (t->pad[0] || t->pad[1] || t->pad[2] || t->kind >= NUM_EVIDENCE_KINDS)
		corrupt_stream("An evidence kind is invalid.");
	if (!isfinite(t->out_of) || (known_out_of ? t->out_of <= 0.0 : t->out_of != 0.0))
		corrupt_stream("An out_of is invalid.");
	if (!isfinite(t->weight) || t->weight <= 0.0f)
		corrupt_stream("A weight is invalid.");
}

static void
check_item(const TimedScore *item, const EvidenceTerms *t)
{
	if (!isfinite(item->score) || (t->out_of > 0.0 && item->score < 0.0))
		corrupt_stream("A score is invalid.");
	if (TIMESTAMP_NOT_FINITE(item->observed_at) || !IS_VALID_TIMESTAMP(item->observed_at))
		corrupt_stream("A time observed is invalid.");
}

/*
 * Reads what stream_encode wrote, checking every field the way the type
 * input functions do; sizes are checked before anything is allocated.
 */
void
stream_decode(EvidenceStream *s, const char *data, Size len)
{
	StreamHeader h;
	Size		expected;
	bool		known_out_of;

	if (len < sizeof(StreamHeader))
		corrupt_stream("The data is shorter than its header.");
	memcpy(&h, data, sizeof(h));
	if (h.format != STREAM_FORMAT)
		corrupt_stream(psprintf("Format %d is not known; this version reads format %d.",
								h.format, STREAM_FORMAT));
	if ((h.flags & ~STREAM_FLAG_TERMS) || h.reserved != 0)
		corrupt_stream("Unknown flags are set.");
	if (h.n < 0 || h.n > STREAM_MAX_EVIDENCE)
		corrupt_stream(psprintf("The evidence count %d is out of range.", h.n));
	expected = sizeof(StreamHeader) + sizeof(TimedScore) * (Size) h.n;
	if (h.flags & STREAM_FLAG_TERMS)
		expected += sizeof(EvidenceTerms) * (Size) h.n;
	if (len != expected)
		corrupt_stream(psprintf("The data has %zu bytes where %zu were expected.", len, expected));

	known_out_of = h.common.out_of != 0.0;
	check_terms(&h.common, known_out_of);

	s->n = h.n;
	s->capacity = Max(h.n, STREAM_INITIAL_CAPACITY);
	s->common = h.common;
	s->owns_items = true;
	s->items = palloc_extended(sizeof(TimedScore) * s->capacity, MCXT_ALLOC_HUGE);
	memcpy(s->items, data + sizeof(StreamHeader), sizeof(TimedScore) * h.n);
	s->terms = NULL;
	if (h.flags & STREAM_FLAG_TERMS)
	{
		s->terms = palloc_extended(sizeof(EvidenceTerms) * s->capacity, MCXT_ALLOC_HUGE);
		memcpy(s->terms, data + sizeof(StreamHeader) + sizeof(TimedScore) * h.n,
			   sizeof(EvidenceTerms) * h.n);
	}

	s->sorted = true;
	for (int i = 0; i < s->n; i++)
	{
		const EvidenceTerms *t = stream_terms(s, i);

		if (s->terms)
			check_terms(t, known_out_of);
		check_item(&s->items[i], t);
		if (i > 0 && s->sorted && item_cmp(s, i - 1, &s->items[i], t) > 0)
			s->sorted = false;
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
