/*
 * evidence_stream.c
 *		All evidence of one learner x skill: append, merge, encode, and the
 *		ordered view a rollup method sees.
 *
 * An item is 16 bytes (time and score).  The other terms of evidence
 * (out_of, weight, kind) are almost always the same for a whole stream, so
 * they are kept once and only spread into a per-item array when they first
 * differ.  A growing stream adds segments instead of reallocating: with
 * thousands of groups growing side by side, doubling arrays would copy every
 * item again and leave the outgrown arrays unused in the aggregate's memory.
 * The aggregates keep a stream as their state; the stored mastery_state
 * will encode the same stream.
 */
#include "competency.h"

#include <math.h>

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#define STREAM_FORMAT 1
#define STREAM_FLAG_TERMS 0x01	/* per-item terms follow the items */

const EvidenceTerms score_only_terms = {0.0, 1.0f, KIND_ASSESSMENT, {0, 0, 0}};

/* Segments are sized so that header and items fill a power of two */
#define SEGMENT_MIN_BYTES 128
#define SEGMENT_MAX_BYTES (16 * 1024 * 1024)

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

/* An item with its own terms, for ordering streams whose terms differ */
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
full_order(const TimedScore *a, const EvidenceTerms *ta,
		   const TimedScore *b, const EvidenceTerms *tb)
{
	return evidence_order(a->observed_at, a->score, ta->weight, ta->out_of, ta->kind,
						  b->observed_at, b->score, tb->weight, tb->out_of, tb->kind);
}

/* ---------- reading in arrival order ---------- */

typedef struct StreamReader
{
	const EvidenceStream *s;
	const EvidenceSegment *segment; /* NULL while in items[] */
	int			i;				/* next position in items[] or the segment */
	int			index;			/* next position in the stream */
} StreamReader;

static inline void
reader_start(StreamReader *r, const EvidenceStream *s)
{
	r->s = s;
	r->segment = NULL;
	r->i = 0;
	r->index = 0;
}

/* The next item, or NULL at the end; *terms gets its terms */
static inline const TimedScore *
reader_next(StreamReader *r, const EvidenceTerms **terms)
{
	const EvidenceStream *s = r->s;

	if (r->index >= s->n)
		return NULL;
	*terms = s->terms ? &s->terms[r->index] : &s->common;
	r->index++;
	if (r->segment == NULL)
	{
		if (r->i < s->nitems)
			return &s->items[r->i++];
		r->segment = s->segments;
		r->i = 0;
	}
	else if (r->i >= r->segment->n)
	{
		r->segment = r->segment->next;
		r->i = 0;
	}
	return &r->segment->items[r->i++];
}

static inline const TimedScore *
stream_last(const EvidenceStream *s)
{
	return s->tail ? &s->tail->items[s->tail->n - 1] : &s->items[s->nitems - 1];
}

static inline const EvidenceTerms *
stream_last_terms(const EvidenceStream *s)
{
	return s->terms ? &s->terms[s->n - 1] : &s->common;
}

/* ---------- building ---------- */

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
	s->nitems = 0;
	s->capacity = inline_capacity;
	s->sorted = true;
	s->owns_items = false;
	s->items = inline_items;
	s->segments = NULL;
	s->tail = NULL;
	s->common = *first;
	s->terms = NULL;
}

static void
check_stream_size(int64 needed)
{
	if (needed > STREAM_MAX_EVIDENCE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too much evidence in one learner x skill stream"),
				 errdetail("A stream holds at most %d pieces of evidence.", STREAM_MAX_EVIDENCE),
				 errhint("Group by learner and skill, not by learner alone.")));
}

/* A new last segment holding about as many items as the stream has */
static void
add_segment(EvidenceStream *s)
{
	Size		bytes = SEGMENT_MIN_BYTES;
	EvidenceSegment *segment;

	while (bytes < SEGMENT_MAX_BYTES && bytes < sizeof(TimedScore) * (Size) s->n)
		bytes *= 2;
	segment = palloc(bytes);
	segment->next = NULL;
	segment->n = 0;
	segment->capacity = (bytes - offsetof(EvidenceSegment, items)) / sizeof(TimedScore);
	if (s->tail)
		s->tail->next = segment;
	else
		s->segments = segment;
	s->tail = segment;
}

/* All items into one array of the current memory context; segments freed */
static void
stream_flatten(EvidenceStream *s, int64 capacity)
{
	TimedScore *items;
	EvidenceSegment *segment;
	int			k;

	Assert(s->terms == NULL);
	capacity = Max(capacity, s->n);
	items = palloc_extended(sizeof(TimedScore) * capacity, MCXT_ALLOC_HUGE);
	memcpy(items, s->items, sizeof(TimedScore) * s->nitems);
	k = s->nitems;
	for (segment = s->segments; segment != NULL;)
	{
		EvidenceSegment *next = segment->next;

		memcpy(items + k, segment->items, sizeof(TimedScore) * segment->n);
		k += segment->n;
		pfree(segment);
		segment = next;
	}
	if (s->owns_items)
		pfree(s->items);
	s->items = items;
	s->owns_items = true;
	s->nitems = s->n;
	s->capacity = (int32) capacity;
	s->segments = s->tail = NULL;
}

/*
 * From now on every item keeps its own terms, in arrays that double as they
 * grow (terms that differ are rare enough not to need segments).
 */
static void
stream_spread_terms(EvidenceStream *s)
{
	stream_flatten(s, Max((int64) s->n * 2, 8));
	s->terms = palloc_extended(sizeof(EvidenceTerms) * s->capacity, MCXT_ALLOC_HUGE);
	for (int i = 0; i < s->n; i++)
		s->terms[i] = s->common;
}

static void
append_with_terms(EvidenceStream *s, const TimedScore *item, const EvidenceTerms *terms)
{
	if (s->nitems >= s->capacity)
	{
		int64		capacity = Min(Max((int64) s->capacity * 2, 8), STREAM_MAX_EVIDENCE);

		if (s->owns_items)
			s->items = repalloc_huge(s->items, sizeof(TimedScore) * capacity);
		else
		{
			/* borrowed items (a decoded datum's bytes) are never written */
			TimedScore *items = palloc_extended(sizeof(TimedScore) * capacity, MCXT_ALLOC_HUGE);

			memcpy(items, s->items, sizeof(TimedScore) * s->nitems);
			s->items = items;
			s->owns_items = true;
		}
		s->terms = repalloc_huge(s->terms, sizeof(EvidenceTerms) * capacity);
		s->capacity = (int32) capacity;
	}
	s->items[s->nitems] = *item;
	s->terms[s->nitems] = *terms;
	s->nitems++;
}

/*
 * Scores without out_of cannot be rescaled to evidence that has one, nor
 * the other way round: a stream has them all or none (s->common is the
 * terms of its first item).
 */
pg_attribute_noreturn()
static void
out_of_kinds_differ(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("evidence with and without out_of in one stream"),
			 errdetail("Scores that came without out_of (the score-only forms of mastery() and learner_profile()) cannot be rescaled to the scale of evidence that has one."),
			 errhint("Give one learner and skill all its scores with their out_of, or all without.")));
}

void
stream_append(EvidenceStream *s, TimestampTz t, double score,
			  const EvidenceTerms *terms)
{
	TimedScore	item = {t, score};

	if (unlikely(s->n >= STREAM_MAX_EVIDENCE))
		check_stream_size((int64) s->n + 1);
	if (s->n == 0)
		s->common = *terms;
	else
	{
		if (s->terms == NULL && !terms_equal(terms, &s->common))
		{
			if ((terms->out_of == 0.0) != (s->common.out_of == 0.0))
				out_of_kinds_differ();
			stream_spread_terms(s);
		}
		else if (unlikely(s->terms != NULL && (terms->out_of == 0.0) != (s->common.out_of == 0.0)))
			out_of_kinds_differ();
		/* uniform terms: time and score decide; else the whole order */
		if (s->sorted &&
			(s->terms == NULL ? timed_score_cmp(stream_last(s), &item) :
			 full_order(stream_last(s), stream_last_terms(s), &item, terms)) > 0)
			s->sorted = false;
	}

	if (s->terms)
		append_with_terms(s, &item, terms);
	else if (s->segments == NULL && s->nitems < s->capacity)
		s->items[s->nitems++] = item;
	else
	{
		if (s->tail == NULL || s->tail->n >= s->tail->capacity)
			add_segment(s);
		s->tail->items[s->tail->n++] = item;
	}
	s->n++;
}

/*
 * Two ordered streams with the same terms: parallel workers each see a
 * time-ordered share of a group.  Merging keeps the result ordered, so the
 * final function does not sort.
 */
static void
stream_merge(EvidenceStream *dst, const EvidenceStream *src)
{
	int64		total = (int64) dst->n + src->n;
	TimedScore *merged;
	StreamReader a,
				b;
	const TimedScore *x,
			   *y;
	const EvidenceTerms *unused;
	int64		k = 0;
	EvidenceSegment *segment;

	check_stream_size(total);
	merged = palloc_extended(sizeof(TimedScore) * total, MCXT_ALLOC_HUGE);
	reader_start(&a, dst);
	reader_start(&b, src);
	x = reader_next(&a, &unused);
	y = reader_next(&b, &unused);
	while (x && y)
	{
		if (timed_score_cmp(x, y) <= 0)
		{
			merged[k++] = *x;
			x = reader_next(&a, &unused);
		}
		else
		{
			merged[k++] = *y;
			y = reader_next(&b, &unused);
		}
	}
	for (; x; x = reader_next(&a, &unused))
		merged[k++] = *x;
	for (; y; y = reader_next(&b, &unused))
		merged[k++] = *y;
	Assert(k == total);

	for (segment = dst->segments; segment != NULL;)
	{
		EvidenceSegment *next = segment->next;

		pfree(segment);
		segment = next;
	}
	if (dst->owns_items)
		pfree(dst->items);
	dst->items = merged;
	dst->owns_items = true;
	dst->n = dst->nitems = dst->capacity = (int32) total;
	dst->segments = dst->tail = NULL;
	dst->sorted = true;
}

/* The combine step of parallel aggregation: dst gets all of src */
void
stream_append_stream(EvidenceStream *dst, const EvidenceStream *src)
{
	StreamReader r;
	const TimedScore *item;
	const EvidenceTerms *terms;

	if (src->n == 0)
		return;
	if (dst->n == 0)
		dst->common = src->common;
	if (dst->sorted && src->sorted && dst->terms == NULL && src->terms == NULL &&
		terms_equal(&src->common, &dst->common))
	{
		stream_merge(dst, src);
		return;
	}
	reader_start(&r, src);
	while ((item = reader_next(&r, &terms)) != NULL)
		stream_append(dst, item->observed_at, item->score, terms);
}

/* ---------- the view a method sees ---------- */

/*
 * The stream's items and terms, contiguous and ordered: the stream's own
 * arrays when they already are, else a sorted copy in the current memory
 * context.  The stream itself is never changed.
 */
static void
ordered_items(const EvidenceStream *s, const TimedScore **items,
			  const EvidenceTerms **terms)
{
	StreamReader r;
	const TimedScore *item;
	const EvidenceTerms *t;

	if (s->segments == NULL && s->sorted)
	{
		*items = s->items;
		*terms = s->terms;
		return;
	}
	if (s->terms == NULL)
	{
		TimedScore *copy = palloc_extended(sizeof(TimedScore) * s->n, MCXT_ALLOC_HUGE);
		int			k = 0;

		reader_start(&r, s);
		while ((item = reader_next(&r, &t)) != NULL)
			copy[k++] = *item;
		if (!s->sorted)
			sort_timed_scores(copy, s->n);
		*items = copy;
		*terms = NULL;
	}
	else
	{
		FullEvidence *full = palloc_extended(sizeof(FullEvidence) * s->n, MCXT_ALLOC_HUGE);
		TimedScore *item_copy = palloc_extended(sizeof(TimedScore) * s->n, MCXT_ALLOC_HUGE);
		EvidenceTerms *terms_copy = palloc_extended(sizeof(EvidenceTerms) * s->n, MCXT_ALLOC_HUGE);

		for (int i = 0; i < s->n; i++)
		{
			full[i].item = s->items[i];
			full[i].terms = s->terms[i];
		}
		sort_full_evidence(full, s->n);
		for (int i = 0; i < s->n; i++)
		{
			item_copy[i] = full[i].item;
			terms_copy[i] = full[i].terms;
		}
		pfree(full);
		*items = item_copy;
		*terms = terms_copy;
	}
}

/* The stream in evidence order; see ordered_items() */
void
stream_ordered(const EvidenceStream *s, OrderedEvidence *o)
{
	o->n = s->n;
	o->common = s->common;
	ordered_items(s, &o->items, &o->terms);
}

/* Frees what stream_ordered copied, if it copied */
void
ordered_release(const EvidenceStream *s, OrderedEvidence *o)
{
	if (o->items != NULL && o->items != s->items)
		pfree((void *) o->items);
	if (o->terms != NULL && o->terms != s->terms)
		pfree((void *) o->terms);
	o->items = NULL;
	o->terms = NULL;
}

/* Frees what a stream allocated (its own items, terms and segments) */
void
stream_release(EvidenceStream *s)
{
	EvidenceSegment *segment = s->segments;

	while (segment != NULL)
	{
		EvidenceSegment *next = segment->next;

		pfree(segment);
		segment = next;
	}
	if (s->owns_items && s->items != NULL)
		pfree(s->items);
	if (s->terms != NULL)
		pfree(s->terms);
	s->items = NULL;
	s->terms = NULL;
	s->segments = s->tail = NULL;
	s->n = s->nitems = s->capacity = 0;
}

/* How many of the ordered items were observed at or before as_of */
int
ordered_count_as_of(const OrderedEvidence *o, TimestampTz as_of)
{
	int			lo = 0,
				hi = o->n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (o->items[mid].observed_at <= as_of)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * What a method sees of the first `count` ordered items: the scores from
 * the latest override on (an override is a teacher's judgement that
 * restarts the stream), rescaled to the out_of of the most recent of them,
 * with weights only when they differ.  *start gets the position of the
 * first score seen.  Scores and weights go to buf when 2 * count <= buflen,
 * else to memory of the current context.  Returns false when count is 0.
 */
bool
ordered_view(const OrderedEvidence *o, int count, RollupInput *in, int *start_out,
			 double *buf, int buflen)
{
	const TimedScore *items = o->items;
	const EvidenceTerms *terms = o->terms;
	int			start = 0;
	int			n;
	double	   *scores;
	double	   *weights = NULL;
	double		out_of;

	Assert(count >= 0 && count <= o->n);
	if (count == 0)
		return false;

	if (terms)
	{
		for (int i = count - 1; i >= 0; i--)
			if (terms[i].kind == KIND_OVERRIDE)
			{
				start = i;
				break;
			}
	}
	else if (o->common.kind == KIND_OVERRIDE)
		start = count - 1;
	n = count - start;
	out_of = terms ? terms[count - 1].out_of : o->common.out_of;

	scores = 2 * n <= buflen ? buf : palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
		scores[i] = items[start + i].score;

	if (terms)
	{
		bool		same_weight = true;

		for (int i = 0; i < n; i++)
		{
			const EvidenceTerms *t = &terms[start + i];

			/* only rescale what needs it, so equal scales stay exact */
			if (t->out_of != out_of)
				scores[i] = scores[i] / t->out_of * out_of;
			if (t->weight != terms[start].weight)
				same_weight = false;
		}
		if (!same_weight)
		{
			weights = 2 * n <= buflen ? buf + n :
				palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
			for (int i = 0; i < n; i++)
				weights[i] = terms[start + i].weight;
		}
	}

	in->scores = scores;
	in->weights = weights;
	in->n = n;
	in->out_of = out_of;
	if (start_out)
		*start_out = start;
	return true;
}

/*
 * Pieces start..end rescaled to out_of, with weights when they differ: what
 * ordered_view gives for a prefix ending in a piece of that out_of, computed
 * the same way, so that values agree to the bit.
 */
static void
window_view(const OrderedEvidence *o, int start, int end, double out_of, RollupInput *in)
{
	int			n = end - start + 1;
	double	   *scores = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
	double	   *weights = NULL;
	bool		same_weight = true;

	for (int i = 0; i < n; i++)
	{
		scores[i] = o->items[start + i].score;
		if (o->terms)
		{
			const EvidenceTerms *t = &o->terms[start + i];

			if (t->out_of != out_of)
				scores[i] = scores[i] / t->out_of * out_of;
			if (t->weight != o->terms[start].weight)
				same_weight = false;
		}
	}
	if (!same_weight)
	{
		weights = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
		for (int i = 0; i < n; i++)
			weights[i] = o->terms[start + i].weight;
	}
	in->scores = scores;
	in->weights = weights;
	in->n = n;
	in->out_of = out_of;
}

/*
 * value_after[i] for every piece of evidence i: the result over evidence
 * 0..i.  The prefixes of one window (from an override to the next) that end
 * in pieces of one out_of see the same rescaled scores, so one pass of
 * rollup_steps over the window, rescaled to that out_of, gives all their
 * values: O(n log n) per distinct out_of in a window, so a stream that
 * alternates two scales costs two passes, not one per piece.
 */
void
ordered_values_after(const RollupMethod *m, const OrderedEvidence *o, double *values, bool *isnull)
{
	int			start = 0;

	while (start < o->n)
	{
		int			end = start;
		double	   *scales = NULL;
		int			nscales = 0;

		/* the window: up to the piece before the next override */
		while (end + 1 < o->n &&
			   (o->terms ? o->terms[end + 1].kind : o->common.kind) != KIND_OVERRIDE)
			end++;
		/* its distinct scales, in order of first use */
		if (o->terms == NULL)
		{
			scales = palloc(sizeof(double));
			scales[nscales++] = o->common.out_of;
		}
		else
		{
			scales = palloc(sizeof(double) * (end - start + 1));
			for (int i = start; i <= end; i++)
			{
				int			k = 0;

				while (k < nscales && scales[k] != o->terms[i].out_of)
					k++;
				if (k == nscales)
					scales[nscales++] = o->terms[i].out_of;
			}
		}
		for (int k = 0; k < nscales; k++)
		{
			RollupInput in;
			double	   *v = palloc_extended(sizeof(double) * (end - start + 1), MCXT_ALLOC_HUGE);
			bool	   *nul = palloc_extended(sizeof(bool) * (end - start + 1), MCXT_ALLOC_HUGE);

			window_view(o, start, end, scales[k], &in);
			rollup_steps(m, &in, v, nul);
			for (int i = start; i <= end; i++)
				if ((o->terms ? o->terms[i].out_of : o->common.out_of) == scales[k])
				{
					values[i] = v[i - start];
					isnull[i] = nul[i - start];
				}
			pfree(v);
			pfree(nul);
			pfree((void *) in.scores);
			if (in.weights)
				pfree((void *) in.weights);
			CHECK_FOR_INTERRUPTS();
		}
		pfree(scales);
		start = end + 1;
	}
}

/* The view of the whole stream; false for an empty stream */
bool
stream_view(const EvidenceStream *s, RollupInput *in, double *buf, int buflen)
{
	OrderedEvidence o;

	if (s->n == 0)
		return false;
	stream_ordered(s, &o);
	return ordered_view(&o, o.n, in, NULL, buf, buflen);
}

/* ---------- binary encoding ---------- */

/*
 * The encoding of a stream, shared by serialized aggregate states and the
 * stored mastery_state (whose on-disk format it is, after the varlena
 * header):
 *
 *   StreamHeader   format (STREAM_FORMAT), flags (zero), nterms, n, zero
 *   terms[nterms]  the distinct terms, in order of first use
 *   items[n]       time and score
 *   term_of[n]     uint16 index into terms[], only when nterms > 1
 *
 * 16 bytes per piece of evidence, 18 when terms differ, plus 16 per distinct
 * terms.  Native byte order: the binary send format of mastery_state writes
 * every field in network order instead.
 */
typedef struct StreamHeader
{
	uint8		format;
	uint8		flags;
	uint16		nterms;
	int32		n;
	int32		reserved[2];
} StreamHeader;

StaticAssertDecl(sizeof(StreamHeader) == 16, "stream header is 16 bytes");

#define MAX_DISTINCT_TERMS PG_UINT16_MAX

/* Distinct terms in order of first use, found with a small hash table */
typedef struct TermsDictionary
{
	int			n;
	int			size;			/* slots, a power of two */
	EvidenceTerms *terms;		/* n entries, in order of first use */
	int32	   *slots;			/* index into terms, or -1 */
} TermsDictionary;

static uint32
terms_hash(const EvidenceTerms *t)
{
	return hash_bytes((const unsigned char *) t, sizeof(EvidenceTerms));
}

static void
dictionary_init(TermsDictionary *d)
{
	d->n = 0;
	d->size = 16;
	d->terms = palloc(sizeof(EvidenceTerms) * d->size);
	d->slots = palloc(sizeof(int32) * d->size);
	memset(d->slots, -1, sizeof(int32) * d->size);
}

static int
dictionary_index(TermsDictionary *d, const EvidenceTerms *t)
{
	uint32		h = terms_hash(t);
	int			i;

	for (i = h & (d->size - 1); d->slots[i] >= 0; i = (i + 1) & (d->size - 1))
		if (terms_equal(&d->terms[d->slots[i]], t))
			return d->slots[i];
	if (d->n >= MAX_DISTINCT_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct out_of, weight and kind combinations in one stream"),
				 errdetail("A stream holds at most %d distinct combinations.", MAX_DISTINCT_TERMS)));
	if (2 * (d->n + 1) > d->size)
	{
		/* grow and rehash, keeping the load under one half */
		int			old_n = d->n;

		d->size *= 2;
		d->terms = repalloc(d->terms, sizeof(EvidenceTerms) * d->size);
		d->slots = repalloc(d->slots, sizeof(int32) * d->size);
		memset(d->slots, -1, sizeof(int32) * d->size);
		for (int k = 0; k < old_n; k++)
		{
			int			j;

			for (j = terms_hash(&d->terms[k]) & (d->size - 1); d->slots[j] >= 0;
				 j = (j + 1) & (d->size - 1))
				;
			d->slots[j] = k;
		}
		for (i = h & (d->size - 1); d->slots[i] >= 0; i = (i + 1) & (d->size - 1))
			;
	}
	d->terms[d->n] = *t;
	d->slots[i] = d->n;
	return d->n++;
}

/*
 * Encodes s into a new buffer of the current memory context, leaving
 * `prefix` bytes at its start for the caller's header; *len gets the whole
 * size.  With ordered, the items are written in evidence order (the
 * canonical form of a stored state); otherwise in arrival order.
 */
char *
stream_encode(const EvidenceStream *s, bool ordered, Size prefix, Size *len)
{
	const TimedScore *items = NULL;
	const EvidenceTerms *terms = NULL;
	TermsDictionary dict;
	uint16	   *term_of = NULL;
	StreamHeader h;
	Size		size;
	char	   *buf;
	char	   *out;

	if (ordered)
		ordered_items(s, &items, &terms);
	else if (s->segments == NULL)
	{
		items = s->items;
		terms = s->terms;
	}
	else
	{
		/* segments hold uniform terms only: gather the items */
		TimedScore *copy = palloc_extended(sizeof(TimedScore) * s->n, MCXT_ALLOC_HUGE);
		StreamReader r;
		const TimedScore *item;
		const EvidenceTerms *t;
		int			k = 0;

		reader_start(&r, s);
		while ((item = reader_next(&r, &t)) != NULL)
			copy[k++] = *item;
		items = copy;
	}

	if (terms == NULL)
	{
		/* uniform terms, the common case: a dictionary of one, no hashing */
		dict.n = s->n > 0 ? 1 : 0;
		dict.terms = (EvidenceTerms *) &s->common;
	}
	else
	{
		dictionary_init(&dict);
		dictionary_index(&dict, &terms[0]);
		term_of = palloc_extended(sizeof(uint16) * s->n, MCXT_ALLOC_HUGE);
		for (int i = 0; i < s->n; i++)
		{
			/* consecutive items usually share terms */
			term_of[i] = (i > 0 && terms_equal(&terms[i], &terms[i - 1])) ? term_of[i - 1] :
				dictionary_index(&dict, &terms[i]);
		}
	}

	size = prefix + sizeof(StreamHeader) + sizeof(EvidenceTerms) * dict.n +
		sizeof(TimedScore) * (Size) s->n;
	if (dict.n > 1)
		size += sizeof(uint16) * (Size) s->n;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a stream of %d pieces of evidence is too large to encode", s->n),
				 errhint("Group by learner and skill.")));

	buf = palloc(size);
	memset(buf, 0, prefix);
	out = buf + prefix;
	memset(&h, 0, sizeof(h));
	h.format = STREAM_FORMAT;
	h.nterms = (uint16) dict.n;
	h.n = s->n;
	memcpy(out, &h, sizeof(h));
	out += sizeof(h);
	memcpy(out, dict.terms, sizeof(EvidenceTerms) * dict.n);
	out += sizeof(EvidenceTerms) * dict.n;
	memcpy(out, items, sizeof(TimedScore) * s->n);
	out += sizeof(TimedScore) * s->n;
	if (dict.n > 1)
		memcpy(out, term_of, sizeof(uint16) * s->n);
	*len = size;
	return buf;
}

pg_attribute_noreturn()
static void
corrupt_stream(int sqlstate, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid encoded mastery evidence"),
			 errdetail("%s", detail)));
}

/* Terms as stored; out_of 0 marks the score-only form */
static void
check_terms(const EvidenceTerms *t, bool known_out_of, int sqlstate)
{
	if (t->pad[0] || t->pad[1] || t->pad[2] || t->kind >= NUM_EVIDENCE_KINDS)
		corrupt_stream(sqlstate, "An evidence kind is invalid.");
	if (known_out_of ? !out_of_in_range(t->out_of) : t->out_of != 0.0)
		corrupt_stream(sqlstate, "An out_of is invalid.");
	if (!isfinite(t->weight) || t->weight <= 0.0f)
		corrupt_stream(sqlstate, "A weight is invalid.");
}

static void
check_item(const TimedScore *item, const EvidenceTerms *t, int sqlstate)
{
	/* scores without out_of are 0 or more too (check_score_only) */
	if (!score_in_range(item->score) || item->score < 0.0)
		corrupt_stream(sqlstate, "A score is invalid.");
	if (TIMESTAMP_NOT_FINITE(item->observed_at) || !IS_VALID_TIMESTAMP(item->observed_at))
		corrupt_stream(sqlstate, "A time observed is invalid.");
}

/*
 * Reads what stream_encode wrote into a flat stream, checking every field
 * the way the type input functions do; sizes are checked before anything
 * is allocated.  With borrow, the stream points into data instead of
 * copying the items when data is aligned for it: the caller keeps data alive
 * as long as the stream and never appends to it.  Everything else is
 * allocated in the current memory context.  Bytes that fail a check are
 * reported with SQLSTATE sqlstate: data_corrupted for stored and serialized
 * bytes (stream_decode), invalid_binary_representation for stored bytes a
 * client sent as binary input (learner_profile_state's formats 1 and 2).
 */
void
stream_decode_as(EvidenceStream *s, const char *data, Size len, bool borrow, int sqlstate)
{
	StreamHeader h;
	Size		expected;
	bool		known_out_of;
	const EvidenceTerms *dict;
	const char *items;
	const char *term_of_bytes;

	if (len < sizeof(StreamHeader))
		corrupt_stream(sqlstate, "The data is shorter than its header.");
	memcpy(&h, data, sizeof(h));
	if (h.format != STREAM_FORMAT)
		corrupt_stream(sqlstate, psprintf("Format %d is not known; this version reads format %d.",
										  h.format, STREAM_FORMAT));
	if (h.flags != 0 || h.reserved[0] != 0 || h.reserved[1] != 0)
		corrupt_stream(sqlstate, "Unknown flags are set.");
	if (h.n < 0 || h.n > STREAM_MAX_EVIDENCE)
		corrupt_stream(sqlstate, psprintf("The evidence count %d is out of range.", h.n));
	if ((h.n == 0) != (h.nterms == 0))
		corrupt_stream(sqlstate, "The count of distinct terms does not match the evidence.");
	expected = sizeof(StreamHeader) + sizeof(EvidenceTerms) * (Size) h.nterms +
		sizeof(TimedScore) * (Size) h.n;
	if (h.nterms > 1)
		expected += sizeof(uint16) * (Size) h.n;
	if (len != expected)
		corrupt_stream(sqlstate, psprintf("The data has %zu bytes where %zu were expected.",
										  len, expected));

	/* the dictionary may be unaligned (borrowed bytes): read it by copy */
	dict = palloc(sizeof(EvidenceTerms) * Max(h.nterms, 1));
	memcpy((void *) dict, data + sizeof(StreamHeader), sizeof(EvidenceTerms) * h.nterms);
	items = data + sizeof(StreamHeader) + sizeof(EvidenceTerms) * h.nterms;
	term_of_bytes = items + sizeof(TimedScore) * (Size) h.n;

	known_out_of = h.nterms > 0 && dict[0].out_of != 0.0;
	for (int k = 0; k < h.nterms; k++)
		check_terms(&dict[k], known_out_of, sqlstate);
	if (h.nterms > 1)
	{
		/* distinct terms, checked through the encoder's hash table: O(nterms) */
		TermsDictionary seen;

		dictionary_init(&seen);
		for (int k = 0; k < h.nterms; k++)
		{
			if (dictionary_index(&seen, &dict[k]) != k)
				corrupt_stream(sqlstate, "A term appears twice in the dictionary.");
			if ((k & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		pfree(seen.terms);
		pfree(seen.slots);
	}

	s->n = s->nitems = h.n;
	s->capacity = h.n;
	s->common = h.nterms > 0 ? dict[0] : (EvidenceTerms) {0};
	s->segments = s->tail = NULL;
	s->terms = NULL;
	if (borrow && (uintptr_t) items % ALIGNOF_DOUBLE == 0)
	{
		s->owns_items = false;
		s->items = (TimedScore *) items;
	}
	else
	{
		s->owns_items = true;
		s->items = palloc_extended(sizeof(TimedScore) * Max(h.n, 1), MCXT_ALLOC_HUGE);
		memcpy(s->items, items, sizeof(TimedScore) * h.n);
	}
	if (h.nterms > 1)
	{
		/* as many terms as items: the capacity is that of both */
		s->terms = palloc_extended(sizeof(EvidenceTerms) * Max(h.n, 1), MCXT_ALLOC_HUGE);
		for (int i = 0; i < h.n; i++)
		{
			uint16		k;

			memcpy(&k, term_of_bytes + sizeof(uint16) * i, sizeof(uint16));
			if (k >= h.nterms)
				corrupt_stream(sqlstate, "An index into the terms is out of range.");
			s->terms[i] = dict[k];
		}
	}

	s->sorted = true;
	if (s->terms == NULL)
	{
		for (int i = 0; i < s->n; i++)
		{
			check_item(&s->items[i], &s->common, sqlstate);
			if (i > 0 && timed_score_cmp(&s->items[i - 1], &s->items[i]) > 0)
				s->sorted = false;
			if ((i & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	else
	{
		for (int i = 0; i < s->n; i++)
		{
			check_item(&s->items[i], &s->terms[i], sqlstate);
			if (i > 0 && full_order(&s->items[i - 1], &s->terms[i - 1],
									&s->items[i], &s->terms[i]) > 0)
				s->sorted = false;
			if ((i & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	pfree((void *) dict);
}
