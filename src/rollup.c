/*
 * rollup.c
 *		The rollup methods: pure functions over the scores of one stream.
 *
 * Each method gets the scores oldest first, already cut at the latest
 * override and rescaled to one out_of (see evidence_stream.c), and returns
 * one number.  The formulas and their sources are in the method table of
 * DESIGN.md and the README; the comments here say where a choice was made.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

#include "rollup.h"

static double
clamp_estimate(double x, double out_of)
{
	if (!(x > 0.0))				/* also maps NaN from a degenerate fit to 0 */
		return 0.0;
	if (out_of > 0.0 && x > out_of)
		return out_of;
	return x;
}

static double
plain_mean(const double *s, int n)
{
	double		sum = 0.0;

	for (int i = 0; i < n; i++)
		sum += s[i];
	return sum / n;
}

static double
weighted_mean(const double *s, const double *w, int n)
{
	double		sum = 0.0;
	double		wsum = 0.0;

	if (w == NULL)
		return plain_mean(s, n);
	for (int i = 0; i < n; i++)
	{
		sum += w[i] * s[i];
		wsum += w[i];
	}
	return sum / wsum;
}

/* Canvas "weighted average": the latest score against the mean of the rest */
static double
weighted_average(const double *s, int n, double weight)
{
	if (n == 1)
		return s[0];
	return weight * s[n - 1] + (1.0 - weight) * plain_mean(s, n - 1);
}

/* Canvas standard_decaying_average, PowerSchool and JumpRope: D1 = s1 */
static double
decaying_average(const double *s, int n, double weight)
{
	double		d = s[0];

	for (int i = 1; i < n; i++)
		d = (1.0 - weight) * d + weight * s[i];
	return d;
}

/* Canvas "n number of times": NULL until mastery has been shown n times */
static bool
n_mastery(const double *s, int n, int times, double threshold, double *result)
{
	double		sum = 0.0;
	int			count = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] >= threshold)
		{
			sum += s[i];
			count++;
		}
	}
	if (n < times || count < times)
		return false;
	*result = sum / count;
	return true;
}

static int
compare_doubles(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

static double *
sorted_copy(const double *s, int n)
{
	double	   *copy = palloc(sizeof(double) * n);

	memcpy(copy, s, sizeof(double) * n);
	qsort(copy, n, sizeof(double), compare_doubles);
	return copy;
}

static double
median(const double *s, int n)
{
	double	   *v = sorted_copy(s, n);
	double		m;

	m = (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
	pfree(v);
	return m;
}

typedef struct Occurrence
{
	double		score;
	int			index;
} Occurrence;

static int
compare_occurrences(const void *a, const void *b)
{
	const Occurrence *x = a;
	const Occurrence *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * The most frequent score.  Ties go to the highest score, or with
 * tie=recent to the score seen most recently (its last occurrence is latest).
 */
static double
mode(const double *s, int n, int tie)
{
	Occurrence *v = palloc(sizeof(Occurrence) * n);
	double		best = s[n - 1];
	int			best_count = 0;
	int			best_last = -1;

	for (int i = 0; i < n; i++)
	{
		v[i].score = s[i];
		v[i].index = i;
	}
	qsort(v, n, sizeof(Occurrence), compare_occurrences);

	for (int i = 0, j; i < n; i = j)
	{
		int			last;

		for (j = i; j < n && v[j].score == v[i].score; j++)
			;
		last = v[j - 1].index;	/* runs are ordered by index */
		/* runs ascend by score, so on a count tie a later run is higher */
		if (j - i > best_count ||
			(j - i == best_count &&
			 (tie == TIE_HIGHEST || last > best_last)))
		{
			best = v[i].score;
			best_count = j - i;
			best_last = last;
		}
	}
	pfree(v);
	return best;
}

/* The mean of the last n scores, with evidence weights */
static double
mean_recent(const double *s, const double *w, int n, int recent)
{
	int			first = n > recent ? n - recent : 0;

	return weighted_mean(s + first, w ? w + first : NULL, n - first);
}

/*
 * Power law fits work on ln(score); a score <= 0 counts as 1% of out_of, or
 * of the highest score when out_of is unknown.  Returns 0 when no positive
 * floor exists (every score <= 0 with out_of unknown): there is no curve.
 */
static double
power_floor(const double *s, int n, double out_of)
{
	double		highest = s[0];

	if (out_of > 0.0)
		return 0.01 * out_of;
	for (int i = 1; i < n; i++)
		highest = Max(highest, s[i]);
	return highest > 0.0 ? 0.01 * highest : 0.0;
}

static inline double
log_score(double s, double floor)
{
	return log(s > 0.0 ? s : floor);
}

/*
 * Running sums of an ordinary least squares fit y = a + b x, so a prefix
 * fit costs O(1) per added point (true_score fits every prefix).
 */
typedef struct LineFit
{
	int			m;
	double		sx,
				sy,
				sxx,
				sxy;
} LineFit;

static inline void
line_add(LineFit *f, double x, double y)
{
	f->m++;
	f->sx += x;
	f->sy += y;
	f->sxx += x * x;
	f->sxy += x * y;
}

/* Value of the fitted line at x; needs m >= 2 distinct x */
static inline double
line_at(const LineFit *f, double x)
{
	double		mx = f->sx / f->m;
	double		my = f->sy / f->m;
	double		vxx = f->sxx - f->sx * mx;
	double		b = (f->sxy - f->sx * my) / vxx;

	return my + b * (x - mx);
}

/* Marzano power law: ln s = ln a + b ln k, k = 1..n, estimated at n or n+1 */
static double
power_law(const double *s, int n, int at, double out_of)
{
	LineFit		f = {0};
	double		floor;

	if (n == 1)
		return clamp_estimate(s[0], out_of);
	floor = power_floor(s, n, out_of);
	if (floor <= 0.0)
		return 0.0;
	for (int k = 1; k <= n; k++)
		line_add(&f, log((double) k), log_score(s[k - 1], floor));
	return clamp_estimate(exp(line_at(&f, log((double) (at == AT_NEXT ? n + 1 : n)))),
						  out_of);
}

/*
 * Marzano's "true score estimator": average, linear and power law models
 * compete on their one-step-ahead predictions of s3..sn, each fitted on the
 * scores before the one it predicts; the smallest squared error wins (ties:
 * average, then power law, then linear) and gives its estimate at n.
 */
static double
true_score(const double *s, int n, double out_of)
{
	LineFit		lin = {0};
	LineFit		pow = {0};
	double		sum = 0.0;
	double		err_avg = 0.0;
	double		err_lin = 0.0;
	double		err_pow = 0.0;
	double		floor;
	bool		have_pow;
	double		estimate;

	if (n < 3)
		return clamp_estimate(plain_mean(s, n), out_of);

	floor = power_floor(s, n, out_of);
	have_pow = floor > 0.0;

	for (int k = 1; k <= n; k++)
	{
		double		y = s[k - 1];

		if (k >= 3)
		{
			double		d;

			d = y - sum / (k - 1);
			err_avg += d * d;
			d = y - line_at(&lin, (double) k);
			err_lin += d * d;
			if (have_pow)
			{
				d = y - exp(line_at(&pow, log((double) k)));
				err_pow += d * d;
			}
		}
		sum += y;
		line_add(&lin, (double) k, y);
		if (have_pow)
			line_add(&pow, log((double) k), log_score(y, floor));
		if ((k & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	if (err_avg <= err_lin && (!have_pow || err_avg <= err_pow))
		estimate = sum / n;
	else if (have_pow && err_pow <= err_lin)
		estimate = exp(line_at(&pow, log((double) n)));
	else
		estimate = line_at(&lin, (double) n);
	return clamp_estimate(estimate, out_of);
}

/*
 * Bayesian Knowledge Tracing (Corbett & Anderson 1995): the posterior of
 * "mastered" given each response, then the learning transition.  Guess and
 * slip are validated to lie strictly inside (0, 1), so no denominator is 0.
 */
static double
bkt(const double *s, int n, const double *p, double out_of)
{
	double		known = p[PARAM_P_INIT];
	double		learn = p[PARAM_P_LEARN];
	double		guess = p[PARAM_P_GUESS];
	double		slip = p[PARAM_P_SLIP];
	double		forget = p[PARAM_P_FORGET];
	double		correct_at = p[PARAM_CORRECT_AT];

	for (int i = 0; i < n; i++)
	{
		double		level = out_of > 0.0 ? s[i] / out_of : s[i];
		double		post;

		if (level >= correct_at)
			post = known * (1.0 - slip) /
				(known * (1.0 - slip) + (1.0 - known) * guess);
		else
			post = known * slip /
				(known * slip + (1.0 - known) * (1.0 - guess));
		known = post * (1.0 - forget) + (1.0 - post) * learn;
	}
	return known;
}

bool
rollup_compute(const RollupMethod *m, const RollupInput *in, double *result)
{
	const double *s = in->scores;
	const double *p = m->params;
	int			n = in->n;
	double		r;

	Assert(n >= 1);
	if (m->min_evidence != ROLLUP_NO_MIN_EVIDENCE && n < m->min_evidence)
		return false;

	switch ((RollupMethodId) m->id)
	{
		case ROLLUP_LATEST:
			r = s[n - 1];
			break;
		case ROLLUP_HIGHEST:
			r = s[0];
			for (int i = 1; i < n; i++)
				r = Max(r, s[i]);
			break;
		case ROLLUP_AVERAGE:
			r = weighted_mean(s, in->weights, n);
			break;
		case ROLLUP_WEIGHTED_AVERAGE:
			r = weighted_average(s, n, p[PARAM_WEIGHT]);
			break;
		case ROLLUP_DECAYING_AVERAGE:
			r = decaying_average(s, n, p[PARAM_WEIGHT]);
			break;
		case ROLLUP_N_MASTERY:
			if (!n_mastery(s, n, (int) p[PARAM_N], p[PARAM_THRESHOLD], &r))
				return false;
			break;
		case ROLLUP_MODE:
			r = mode(s, n, (int) p[PARAM_TIE]);
			break;
		case ROLLUP_MEDIAN:
			r = median(s, n);
			break;
		case ROLLUP_MEAN_RECENT:
			r = mean_recent(s, in->weights, n, (int) p[PARAM_N]);
			break;
		case ROLLUP_POWER_LAW:
			r = power_law(s, n, (int) p[PARAM_AT], in->out_of);
			break;
		case ROLLUP_TRUE_SCORE:
			r = true_score(s, n, in->out_of);
			break;
		case ROLLUP_BKT:
			r = bkt(s, n, p, in->out_of);
			break;
		default:
			elog(ERROR, "unrecognized rollup method %d", m->id);
	}

	if (m->round_digits != ROLLUP_NO_ROUND)
		r = round_half_away(r, m->round_digits);
	*result = r;
	return true;
}

/*
 * The weight of each score in the result, for the methods whose result is a
 * weighted sum of the scores: result = sum(w[i] * s[i]) before rounding.
 * This is what mastery_explain shows a teacher or parent.  Returns false
 * for power_law, true_score and bkt (not linear in the scores) and when
 * the result is NULL.
 */
bool
rollup_weights(const RollupMethod *m, const RollupInput *in, double *w)
{
	const double *s = in->scores;
	const double *p = m->params;
	int			n = in->n;

	if (m->min_evidence != ROLLUP_NO_MIN_EVIDENCE && n < m->min_evidence)
		return false;
	for (int i = 0; i < n; i++)
		w[i] = 0.0;

	switch ((RollupMethodId) m->id)
	{
		case ROLLUP_LATEST:
			w[n - 1] = 1.0;
			return true;
		case ROLLUP_HIGHEST:
			{
				int			best = 0;

				for (int i = 1; i < n; i++)
					if (s[i] >= s[best])
						best = i;
				w[best] = 1.0;
				return true;
			}
		case ROLLUP_AVERAGE:
		case ROLLUP_MEAN_RECENT:
			{
				int			first = 0;
				double		total = 0.0;

				if (m->id == ROLLUP_MEAN_RECENT && n > (int) p[PARAM_N])
					first = n - (int) p[PARAM_N];
				for (int i = first; i < n; i++)
					total += in->weights ? in->weights[i] : 1.0;
				for (int i = first; i < n; i++)
					w[i] = (in->weights ? in->weights[i] : 1.0) / total;
				return true;
			}
		case ROLLUP_WEIGHTED_AVERAGE:
			if (n == 1)
				w[0] = 1.0;
			else
			{
				for (int i = 0; i < n - 1; i++)
					w[i] = (1.0 - p[PARAM_WEIGHT]) / (n - 1);
				w[n - 1] = p[PARAM_WEIGHT];
			}
			return true;
		case ROLLUP_DECAYING_AVERAGE:
			{
				double		keep = 1.0;

				/* Dn = sum over k of weight (1-weight)^(n-k) sk, and (1-weight)^(n-1) s1 */
				for (int i = n - 1; i >= 1; i--)
				{
					w[i] = p[PARAM_WEIGHT] * keep;
					keep *= 1.0 - p[PARAM_WEIGHT];
				}
				w[0] = keep;
				return true;
			}
		case ROLLUP_N_MASTERY:
			{
				double		result;
				int			count = 0;

				if (!n_mastery(s, n, (int) p[PARAM_N], p[PARAM_THRESHOLD], &result))
					return false;
				for (int i = 0; i < n; i++)
					count += s[i] >= p[PARAM_THRESHOLD];
				for (int i = 0; i < n; i++)
					if (s[i] >= p[PARAM_THRESHOLD])
						w[i] = 1.0 / count;
				return true;
			}
		case ROLLUP_MODE:
			{
				double		value = mode(s, n, (int) p[PARAM_TIE]);
				int			count = 0;

				for (int i = 0; i < n; i++)
					count += s[i] == value;
				for (int i = 0; i < n; i++)
					if (s[i] == value)
						w[i] = 1.0 / count;
				return true;
			}
		case ROLLUP_MEDIAN:
			{
				/* the middle one or two scores, found by their ranks */
				Occurrence *v = palloc(sizeof(Occurrence) * n);

				for (int i = 0; i < n; i++)
				{
					v[i].score = s[i];
					v[i].index = i;
				}
				qsort(v, n, sizeof(Occurrence), compare_occurrences);
				if (n % 2)
					w[v[n / 2].index] = 1.0;
				else
				{
					w[v[n / 2 - 1].index] += 0.5;
					w[v[n / 2].index] += 0.5;
				}
				pfree(v);
				return true;
			}
		case ROLLUP_POWER_LAW:
		case ROLLUP_TRUE_SCORE:
		case ROLLUP_BKT:
			return false;
	}
	elog(ERROR, "unrecognized rollup method %d", m->id);
	return false;
}

/*
 * round(x::numeric, digits)::float8: PostgreSQL converts a float8 to numeric
 * with DBL_DIG significant digits and rounds half away from zero.  Rounding
 * that decimal, not the binary value, is what makes 3.5275 round to 3.53 as
 * PowerSchool publishes, although the double nearest 3.5275 lies below it.
 */
double
round_half_away(double x, int digits)
{
	char		buf[64];
	char		mantissa[DBL_DIG + 2];
	int			exponent;
	int			keep;
	int			len;
	bool		negative = x < 0.0;

	if (!isfinite(x) || x == 0.0)
		return x;

	/* d.dddddddddddddde[+-]XX: DBL_DIG significant digits */
	snprintf(buf, sizeof(buf), "%.*e", DBL_DIG - 1, fabs(x));
	mantissa[0] = buf[0];
	memcpy(mantissa + 1, buf + 2, DBL_DIG - 1);
	mantissa[DBL_DIG] = '\0';
	exponent = atoi(buf + DBL_DIG + 2);

	/* digits kept: those before the point (exponent + 1) plus 'digits' */
	keep = exponent + 1 + digits;
	if (keep >= DBL_DIG)
		return strtod(buf, NULL) * (negative ? -1.0 : 1.0);
	if (keep < 0)
		return 0.0;

	len = keep;
	if (mantissa[keep] >= '5')
	{
		int			i = keep - 1;

		while (i >= 0 && mantissa[i] == '9')
			mantissa[i--] = '0';
		if (i >= 0)
			mantissa[i]++;
		else
		{
			/* 999.. rounded up to 1000..: one more digit */
			memmove(mantissa + 1, mantissa, keep);
			mantissa[0] = '1';
			len = keep + 1;
			exponent++;
		}
	}
	if (len == 0)
		return 0.0;
	mantissa[len] = '\0';
	/* value = 0.<mantissa> * 10^(exponent + 1) = <mantissa> * 10^(exponent + 1 - len) */
	snprintf(buf, sizeof(buf), "%s%se%d", negative ? "-" : "", mantissa,
			 exponent + 1 - len);
	return strtod(buf, NULL);
}
