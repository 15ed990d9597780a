/*
 * fuzz_stream.c
 *		libFuzzer harness for evidence streams and rollup methods, built with
 *		AddressSanitizer and UBSan by `make fuzz` (and briefly by `make test`).
 *
 * Each input drives: appends of evidence to two streams (in and out of
 * order, with differing out_of, weight and kind), a merge, every rollup
 * method with and without options, the canonical and arrival-order
 * encodings read back, and the encoding with bytes overwritten by the input
 * (which must be rejected or read as valid evidence, never crash).
 * Invariants: decode(encode(s)) holds the same ordered evidence, results are
 * finite, and for linear methods sum(weight * score) is the result.
 */
#include "competency.h"

#include <math.h>

#include "shim.h"

typedef struct Input
{
	const uint8_t *p;
	size_t		n;
} Input;

static int
take(Input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static void
fail(const char *what)
{
	fprintf(stderr, "invariant broken: %s\n", what);
	abort();
}

static void
append_some(EvidenceStream *s, Input *in, bool score_only, int count)
{
	for (int i = 0; i < count && in->n > 0; i++)
	{
		EvidenceTerms terms;
		int			b = take(in);
		double		out_of = score_only ? 0.0 : ((b & 1) ? 100.0 : 4.0);
		double		score = (double) take(in) / (out_of == 4.0 ? 50.0 : 2.0);

		memset(&terms, 0, sizeof(terms));
		terms.out_of = out_of;
		terms.weight = (b & 2) ? 2.0f : 1.0f;
		terms.kind = (b >> 2) % 8 == 7 ? KIND_OVERRIDE : ((b >> 2) % 8) % NUM_EVIDENCE_KINDS;
		if (terms.kind == KIND_OVERRIDE && (b & 0x80) == 0)
			terms.kind = KIND_ASSESSMENT;
		if (score_only)
		{
			terms.weight = 1.0f;
			terms.kind = KIND_ASSESSMENT;
		}
		stream_append(s, (TimestampTz) (take(in) % 16) * 86400000000LL, score, &terms);
	}
}

static RollupMethod
method_from(Input *in, int id)
{
	RollupMethod m;
	int			b = take(in);

	memset(&m, 0, sizeof(m));
	m.id = id;
	m.min_evidence = (b & 1) ? 1 + b % 5 : ROLLUP_NO_MIN_EVIDENCE;
	m.round_digits = (b & 2) ? b % 4 : ROLLUP_NO_ROUND;
	m.scale = ((b & 4) && id != ROLLUP_BKT) ? 1 + b % 100 : ROLLUP_NO_SCALE;
	switch (id)
	{
		case ROLLUP_WEIGHTED_AVERAGE:
		case ROLLUP_DECAYING_AVERAGE:
			m.params[PARAM_WEIGHT] = 0.01 + (take(in) % 99) / 100.0;
			break;
		case ROLLUP_N_MASTERY:
			m.params[PARAM_N] = 1 + take(in) % 10;
			m.params[PARAM_THRESHOLD] = take(in) / 10.0;
			break;
		case ROLLUP_MODE:
			m.params[PARAM_TIE] = take(in) & 1;
			break;
		case ROLLUP_STREAK:
			m.params[PARAM_N] = 1 + take(in) % 6;
			m.params[PARAM_THRESHOLD] = take(in) / 10.0;
			m.params[PARAM_KEEP] = take(in) & 1;
			break;
		case ROLLUP_MEAN_RECENT:
			m.params[PARAM_N] = 1 + take(in) % 20;
			break;
		case ROLLUP_POWER_LAW:
			m.params[PARAM_AT] = take(in) & 1;
			break;
		case ROLLUP_BKT:
			m.params[PARAM_P_INIT] = take(in) / 255.0;
			m.params[PARAM_P_LEARN] = take(in) / 255.0;
			m.params[PARAM_P_GUESS] = (1 + take(in) % 254) / 255.0;
			m.params[PARAM_P_SLIP] = (1 + take(in) % 254) / 255.0;
			m.params[PARAM_P_FORGET] = take(in) / 255.0;
			m.params[PARAM_CORRECT_AT] = take(in) / 255.0;
			break;
	}
	return m;
}

static void
check_rollups(const EvidenceStream *s, Input *in)
{
	for (int id = ROLLUP_FIRST_METHOD; id <= ROLLUP_LAST_METHOD; id++)
	{
		RollupMethod m = method_from(in, id);
		RollupInput v;
		double		buf[16];
		double		result;
		bool		has_result;

		if (!stream_view(s, &v, buf, lengthof(buf)))
			continue;
		has_result = rollup_compute(&m, &v, &result);
		if (has_result && !isfinite(result))
			fail("a rollup result is not finite");
		if (has_result && m.round_digits == ROLLUP_NO_ROUND)
		{
			double	   *w = palloc(sizeof(double) * v.n);
			double		sum = 0.0,
						scale = 1.0;

			if (rollup_weights(&m, &v, w))
			{
				for (int i = 0; i < v.n; i++)
				{
					sum += w[i] * v.scores[i];
					scale = Max(scale, fabs(v.scores[i]));
				}
				if (fabs(sum - result) > 1e-9 * scale)
					fail("weights do not reproduce a linear result");
			}
		}
		/* every prefix of the ordered stream (windows, scales): the values
		 * mastery_explain shows equal a rollup of that prefix to the bit
		 * (short streams: the check itself is quadratic) */
		if (s->n <= 64)
		{
			OrderedEvidence o;
			double	   *after = palloc(sizeof(double) * s->n);
			bool	   *after_null = palloc(sizeof(bool) * s->n);

			stream_ordered(s, &o);
			ordered_values_after(&m, &o, after, after_null);
			for (int j = 0; j < o.n; j++)
			{
				RollupInput prefix;
				double		expected;
				bool		has = ordered_view(&o, j + 1, &prefix, NULL, NULL, 0) &&
					rollup_compute(&m, &prefix, &expected);

				if (has != !after_null[j])
					fail("ordered_values_after and a prefix rollup disagree on NULL");
				if (has && memcmp(&expected, &after[j], sizeof(double)) != 0 &&
					!(expected == 0.0 && after[j] == 0.0))
					fail("ordered_values_after and a prefix rollup disagree on a value");
			}
		}
		/* every prefix: rollup_steps equals rollup_compute to the bit */
		{
			double	   *steps = palloc(sizeof(double) * v.n);
			bool	   *nulls = palloc(sizeof(bool) * v.n);

			rollup_steps(&m, &v, steps, nulls);
			for (int j = 0; j < v.n; j++)
			{
				RollupInput prefix = v;
				double		expected;
				bool		has;

				prefix.n = j + 1;
				has = rollup_compute(&m, &prefix, &expected);
				if (has != !nulls[j])
					fail("rollup_steps and rollup_compute disagree on NULL");
				if (has && memcmp(&expected, &steps[j], sizeof(double)) != 0 &&
					!(expected == 0.0 && steps[j] == 0.0))
					fail("rollup_steps and rollup_compute disagree on a value");
			}
		}
	}
}

static void
check_round_trip(const EvidenceStream *s, bool ordered)
{
	Size		len;
	char	   *bytes = stream_encode(s, ordered, 0, &len);
	EvidenceStream d;
	OrderedEvidence a,
				b;

	stream_decode(&d, bytes, len, false);
	stream_ordered(s, &a);
	stream_ordered(&d, &b);
	if (a.n != b.n)
		fail("decoding changed the count");
	for (int i = 0; i < a.n; i++)
	{
		const EvidenceTerms *ta = a.terms ? &a.terms[i] : &a.common;
		const EvidenceTerms *tb = b.terms ? &b.terms[i] : &b.common;

		if (memcmp(&a.items[i], &b.items[i], sizeof(TimedScore)) != 0 ||
			memcmp(ta, tb, sizeof(EvidenceTerms)) != 0)
			fail("decoding changed the evidence");
	}
}

/* The encoding with input bytes written over it: rejected or valid, never a crash */
static void
decode_damaged(const EvidenceStream *s, Input *in)
{
	Size		len;
	char	   *bytes = stream_encode(s, (take(in) & 1) != 0, 0, &len);
	int			edits = take(in) % 8;
	EvidenceStream d;

	for (int i = 0; i < edits && len > 0; i++)
	{
		size_t		at = ((size_t) take(in) << 8 | (size_t) take(in)) % len;

		bytes[at] = (char) take(in);
	}
	if (take(in) & 1)
		len = len > 0 ? len - take(in) % (len + 1) : 0;
	if (sigsetjmp(fuzz_on_error, 0) == 0)
	{
		stream_decode(&d, bytes, len, (len & 1) != 0);
		check_rollups(&d, in);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input		in = {data, size};
	EvidenceStream a,
				b;
	TimedScore	inline_a[3],
				inline_b[3];
	EvidenceTerms none;
	bool		score_only;

	memset(&none, 0, sizeof(none));
	if (sigsetjmp(fuzz_on_error, 0) == 0)
	{
		score_only = (take(&in) & 1) != 0;
		stream_init(&a, &none, inline_a, lengthof(inline_a));
		stream_init(&b, &none, inline_b, lengthof(inline_b));
		append_some(&a, &in, score_only, take(&in) % 64);
		append_some(&b, &in, score_only, take(&in) % 64);
		check_rollups(&a, &in);
		check_round_trip(&a, true);
		check_round_trip(&a, false);
		stream_append_stream(&a, &b);
		append_some(&a, &in, score_only, take(&in) % 8);
		check_rollups(&a, &in);
		check_round_trip(&a, true);
		decode_damaged(&a, &in);
	}
	fuzz_release_all();
	return 0;
}
