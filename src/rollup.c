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

/*
 * streak: n scores in a row at or above the threshold, the rule ASSISTments
 * and Khan Academy call mastery ("three right in a row").  The value is the
 * mean of the n scores of the latest such run: on the scale of the scores,
 * and at or above the threshold exactly when the streak is there, so a
 * profile, a path or a proficiency level at that threshold reads it as
 * mastered, and nothing else does; NULL before, as n_mastery.  With
 * keep=reached (ASSISTments) a streak once reached stays; with keep=current
 * (Khan Academy) it counts only while it runs up to the latest score, so a
 * later miss loses it.  Returns where the run's n scores end (one past), or
 * -1 for none.
 */
static int
streak_end(const double *s, int n, int times, double threshold, bool current)
{
	int			run = 0,
				end = -1;

	for (int i = 0; i < n; i++)
	{
		run = s[i] >= threshold ? run + 1 : 0;
		if (run >= times)
			end = i + 1;
	}
	if (current && run < times)
		return -1;
	return end;
}

static double
window_mean(const double *s, int end, int times)
{
	double		sum = 0.0;

	for (int i = end - times; i < end; i++)
		sum += s[i];
	return sum / times;
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
 * Bayesian Knowledge Tracing (Corbett & Anderson 1995): for each response
 * the posterior of "known", then the learning transition, in log-odds (see
 * rollup.h).  The posterior adds the response's log-likelihood ratio; the
 * transition is
 *   P'(known) = P(known) (1 - p_forget) + P(unknown) p_learn
 *   P'(unknown) = P(unknown) (1 - p_learn) + P(known) p_forget,
 * whose ratio, divided through by P(unknown), is a pair of log-sum-exps.
 */
void
bkt_steps_init(BktSteps *s, double learn, double guess, double slip, double forget)
{
	s->right = log1p(-slip) - log(guess);
	s->wrong = log(slip) - log1p(-guess);
	s->log_keep = log1p(-forget);
	s->log_forget = log(forget);
	s->log_learn = log(learn);
	s->log_stay = log1p(-learn);
	s->from_known = s->log_keep - s->log_forget;
	s->from_unknown = s->log_learn - s->log_stay;
}

void
bkt_trace_init(BktTrace *x, double p_init)
{
	x->hi = log(p_init) - log1p(-p_init);
	x->lo = 0.0;
}

/* sigmoid, without cancellation on either side */
static double
logistic(double x)
{
	double		e;

	if (x >= 0.0)
		return 1.0 / (1.0 + exp(-x));
	e = exp(x);
	return e / (1.0 + e);
}

double
bkt_known(const BktTrace *x)
{
	return logistic(x->hi + x->lo);
}

double
bkt_unknown(const BktTrace *x)
{
	return logistic(-(x->hi + x->lo));
}

/* x += y with the rounding error kept in lo (Knuth's two-sum); y finite */
static inline void
trace_add(BktTrace *x, double y)
{
	double		sum = x->hi + y;
	double		back = sum - x->hi;
	double		lo = x->lo + ((x->hi - (sum - back)) + (y - back));

	x->hi = sum + lo;
	x->lo = lo - (x->hi - sum);
}

/* log(exp(a) + exp(b)), exact where either is -inf */
static inline double
log_add(double a, double b)
{
	if (a < b)
	{
		double		t = a;

		a = b;
		b = t;
	}
	if (b == -INFINITY)
		return a;
	return a + log1p(exp(b - a));
}

void
bkt_step(const BktSteps *s, BktTrace *x, int response)
{
	double		t;

	/* certainly known or unknown: no answer moves it, the transition does */
	if (x->hi == INFINITY || x->hi == -INFINITY)
	{
		x->hi = x->hi > 0.0 ? s->from_known : s->from_unknown;
		x->lo = 0.0;
		return;
	}
	if (response == BKT_STEP_RIGHT)
		trace_add(x, s->right);
	else if (response == BKT_STEP_WRONG)
		trace_add(x, s->wrong);
	t = x->hi + x->lo;

	/*
	 * The transition in log-odds:
	 *   log(e^t (1 - p_forget) + p_learn) - log((1 - p_learn) + e^t p_forget).
	 * Where x is unbounded (no forgetting and t above log p_learn, or no
	 * learning and t below -log p_forget) it is t plus a correction, added
	 * to the pair; elsewhere x stays within the learning and forgetting
	 * floors and a double holds it.
	 */
	if (s->log_forget == -INFINITY && s->log_stay > -INFINITY && t >= s->log_learn)
		trace_add(x, log1p(exp(s->log_learn - t)) - s->log_stay);
	else if (s->log_learn == -INFINITY && s->log_keep > -INFINITY && t + s->log_forget <= 0.0)
		trace_add(x, s->log_keep - log1p(exp(t + s->log_forget)));
	else
	{
		x->hi = log_add(t + s->log_keep, s->log_learn) - log_add(s->log_stay, t + s->log_forget);
		x->lo = 0.0;
	}
}

static double
bkt(const double *s, int n, const double *p, double out_of)
{
	BktSteps	steps;
	BktTrace	x;

	bkt_steps_init(&steps, p[PARAM_P_LEARN], p[PARAM_P_GUESS], p[PARAM_P_SLIP], p[PARAM_P_FORGET]);
	bkt_trace_init(&x, p[PARAM_P_INIT]);
	for (int i = 0; i < n; i++)
	{
		double		level = out_of > 0.0 ? s[i] / out_of : s[i];

		bkt_step(&steps, &x, level >= p[PARAM_CORRECT_AT] ? BKT_STEP_RIGHT : BKT_STEP_WRONG);
	}
	return bkt_known(&x);
}

/*
 * n_mastery's threshold on the scale of the scores it compares: as given,
 * or, when the method sets scale=k, given on that k-point scale and read
 * on the scale of the latest evidence (one policy for a standard whatever
 * its evidence's scales).
 */
static double
n_mastery_threshold(const RollupMethod *m, const RollupInput *in)
{
	if (m->scale != ROLLUP_NO_SCALE && in->out_of > 0.0)
		return m->params[PARAM_THRESHOLD] / m->scale * in->out_of;
	return m->params[PARAM_THRESHOLD];
}

/*
 * The options applied to every method's value: scale (from the out_of of
 * the latest evidence to a fixed number of points), then round.
 */
/*
 * scale=k on scores without out_of is an error whether or not the method
 * gives a value yet: what is wrong is the method, not the evidence so far.
 */
static void
check_scale_applies(const RollupMethod *m, const RollupInput *in)
{
	if (m->scale != ROLLUP_NO_SCALE && !(in->out_of > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"scale\" needs evidence with an out_of"),
				 errdetail("The scores of mastery(score, observed_at, method) have no out_of to rescale from."),
				 errhint("Use mastery(mastery_evidence(score, out_of, observed_at), method).")));
}

static double
rollup_finish(const RollupMethod *m, const RollupInput *in, double r)
{
	if (m->scale != ROLLUP_NO_SCALE)
		r = r / in->out_of * m->scale;
	if (m->round_digits != ROLLUP_NO_ROUND)
		r = round_half_away(r, m->round_digits);
	return r;
}

bool
rollup_compute(const RollupMethod *m, const RollupInput *in, double *result)
{
	const double *s = in->scores;
	const double *p = m->params;
	int			n = in->n;
	double		r;

	Assert(n >= 1);
	check_scale_applies(m, in);
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
			if (!n_mastery(s, n, (int) p[PARAM_N], n_mastery_threshold(m, in), &r))
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
		case ROLLUP_STREAK:
			{
				int			end = streak_end(s, n, (int) p[PARAM_N], n_mastery_threshold(m, in),
											 (int) p[PARAM_KEEP] == KEEP_CURRENT);

				if (end < 0)
					return false;
				r = window_mean(s, end, (int) p[PARAM_N]);
			}
			break;
		default:
			elog(ERROR, "unrecognized rollup method %d", m->id);
	}

	*result = rollup_finish(m, in, r);
	return true;
}

/* ---------- the result after every prefix ---------- */

/* Scores seen and how often, for mode: open addressing on the bits */
typedef struct ScoreCounts
{
	int			size;			/* a power of two, at least twice the entries */
	uint64_t   *keys;
	int		   *counts;			/* 0: empty slot */
} ScoreCounts;

static int *
score_count_slot(ScoreCounts *c, double score)
{
	uint64_t	key;
	uint64_t	h;

	score += 0.0;				/* one key for both zeros */
	memcpy(&key, &score, sizeof(key));
	h = key * UINT64_C(0x9E3779B97F4A7C15);
	for (int i = (int) (h >> 40) & (c->size - 1);; i = (i + 1) & (c->size - 1))
		if (c->counts[i] == 0 || c->keys[i] == key)
		{
			c->keys[i] = key;
			return &c->counts[i];
		}
}

/* A binary heap of doubles; max-heap when sign is 1, min-heap when -1 */
typedef struct ScoreHeap
{
	int			n;
	double		sign;
	double	   *v;
} ScoreHeap;

static void
heap_add(ScoreHeap *h, double x)
{
	int			i = h->n++;

	while (i > 0 && h->sign * h->v[(i - 1) / 2] < h->sign * x)
	{
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static double
heap_take(ScoreHeap *h)
{
	double		top = h->v[0];
	double		x = h->v[--h->n];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->sign * h->v[c + 1] > h->sign * h->v[c])
			c++;
		if (h->sign * h->v[c] <= h->sign * x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = x;
	return top;
}

/* What rollup_steps carries from one piece of evidence to the next */
typedef struct StepState
{
	double		highest,
				sum,
				wsum_s,
				wsum,
				decayed,
				err_avg,
				err_lin,
				err_pow;
	double		floor;			/* of power_law's and true_score's logs */
	bool		same_weight;
	int			met;			/* n_mastery: scores at the threshold, their sum */
	double		met_sum;
	LineFit		lin,
				pow;
	BktSteps	steps;
	BktTrace	known;
	int			run;			/* streak: scores in a row at the threshold */
	double		streak_value;	/* streak: the latest run's mean, or NaN */
	ScoreCounts counts;			/* mode */
	double		best;
	int			best_count;
	ScoreHeap	low,			/* median: the smaller half, and the larger */
				high;
} StepState;

/*
 * The value after piece j (k = j + 1 seen), before rollup_finish; *null
 * when the method has none yet
 */
static pg_attribute_always_inline double
next_step(const RollupMethod *m, const RollupInput *in, StepState *st, int j, bool *null)
{
	const double *s = in->scores;
	const double *w = in->weights;
	const double *p = m->params;
	double		out_of = in->out_of;
	double		y = s[j];
	int			k = j + 1;
	double		r = 0.0;

	if (w != NULL && w[j] != w[0])
		st->same_weight = false;
	switch ((RollupMethodId) m->id)
	{
		case ROLLUP_LATEST:
			r = y;
			break;
		case ROLLUP_HIGHEST:
			st->highest = j == 0 ? y : Max(st->highest, y);
			r = st->highest;
			break;
		case ROLLUP_AVERAGE:
			st->sum += y;
			if (w != NULL)
			{
				st->wsum_s += w[j] * y;
				st->wsum += w[j];
			}
			r = st->same_weight ? st->sum / k : st->wsum_s / st->wsum;
			break;
		case ROLLUP_WEIGHTED_AVERAGE:
			r = k == 1 ? y : p[PARAM_WEIGHT] * y + (1.0 - p[PARAM_WEIGHT]) * (st->sum / (k - 1));
			st->sum += y;
			break;
		case ROLLUP_DECAYING_AVERAGE:
			st->decayed = j == 0 ? y : (1.0 - p[PARAM_WEIGHT]) * st->decayed + p[PARAM_WEIGHT] * y;
			r = st->decayed;
			break;
		case ROLLUP_N_MASTERY:
			if (y >= n_mastery_threshold(m, in))
			{
				st->met_sum += y;
				st->met++;
			}
			*null = k < (int) p[PARAM_N] || st->met < (int) p[PARAM_N];
			if (!*null)
				r = st->met_sum / st->met;
			break;
		case ROLLUP_MODE:
			{
				int		   *c = score_count_slot(&st->counts, y);

				/* counts only grow by one: the best changes only to y */
				(*c)++;
				if (*c > st->best_count ||
					(*c == st->best_count &&
					 ((int) p[PARAM_TIE] == TIE_RECENT || y > st->best)))
				{
					st->best = y;
					st->best_count = *c;
				}
				r = st->best;
			}
			break;
		case ROLLUP_MEDIAN:
			/* low holds the smaller half (one more when odd) */
			if (st->low.n == 0 || y <= st->low.v[0])
				heap_add(&st->low, y);
			else
				heap_add(&st->high, y);
			if (st->low.n > st->high.n + 1)
				heap_add(&st->high, heap_take(&st->low));
			else if (st->high.n > st->low.n)
				heap_add(&st->low, heap_take(&st->high));
			r = (k % 2) ? st->low.v[0] : (st->low.v[0] + st->high.v[0]) / 2.0;
			break;
		case ROLLUP_MEAN_RECENT:
			r = mean_recent(s, st->same_weight ? NULL : w, k, (int) p[PARAM_N]);
			break;
		case ROLLUP_POWER_LAW:
			line_add(&st->pow, log((double) k), log_score(y, st->floor));
			r = k == 1 ? clamp_estimate(y, out_of) :
				clamp_estimate(exp(line_at(&st->pow, log((double) ((int) p[PARAM_AT] == AT_NEXT ? k + 1 : k)))),
							   out_of);
			break;
		case ROLLUP_TRUE_SCORE:
			if (k >= 3)
			{
				double		d;

				d = y - st->sum / (k - 1);
				st->err_avg += d * d;
				d = y - line_at(&st->lin, (double) k);
				st->err_lin += d * d;
				d = y - exp(line_at(&st->pow, log((double) k)));
				st->err_pow += d * d;
			}
			st->sum += y;
			line_add(&st->lin, (double) k, y);
			line_add(&st->pow, log((double) k), log_score(y, st->floor));
			if (k < 3)
				r = clamp_estimate(st->sum / k, out_of);
			else if (st->err_avg <= st->err_lin && st->err_avg <= st->err_pow)
				r = clamp_estimate(st->sum / k, out_of);
			else if (st->err_pow <= st->err_lin)
				r = clamp_estimate(exp(line_at(&st->pow, log((double) k))), out_of);
			else
				r = clamp_estimate(line_at(&st->lin, (double) k), out_of);
			break;
		case ROLLUP_BKT:
			{
				double		level = out_of > 0.0 ? y / out_of : y;

				if (j == 0)
				{
					bkt_steps_init(&st->steps, p[PARAM_P_LEARN], p[PARAM_P_GUESS],
								   p[PARAM_P_SLIP], p[PARAM_P_FORGET]);
					bkt_trace_init(&st->known, p[PARAM_P_INIT]);
				}
				bkt_step(&st->steps, &st->known,
						 level >= p[PARAM_CORRECT_AT] ? BKT_STEP_RIGHT : BKT_STEP_WRONG);
				r = bkt_known(&st->known);
			}
			break;
		case ROLLUP_STREAK:
			st->run = y >= n_mastery_threshold(m, in) ? st->run + 1 : 0;
			if (st->run >= (int) p[PARAM_N])
				st->streak_value = window_mean(s, j + 1, (int) p[PARAM_N]);
			else if ((int) p[PARAM_KEEP] == KEEP_CURRENT)
				st->streak_value = NAN;
			*null = isnan(st->streak_value);
			r = st->streak_value;
			break;
		default:
			elog(ERROR, "unrecognized rollup method %d", m->id);
	}
	return r;
}

/*
 * rollup_steps: values[j] (isnull[j]) is what rollup_compute gives for the
 * first j + 1 scores of in, for every j, in O(n log n) (mean_recent:
 * O(n * its n)).  Each method keeps running sums that replay the very
 * operations of rollup_compute in the same order, so every value is equal
 * to the bit, not merely close; mastery_explain relies on it.
 */
void
rollup_steps(const RollupMethod *m, const RollupInput *in, double *values, bool *isnull)
{
	int			n = in->n;
	StepState	st;

	check_scale_applies(m, in);

	if (n == 0)
		return;
	/* power_law and true_score floor at the highest score when out_of is unknown */
	if (in->out_of <= 0.0 && (m->id == ROLLUP_POWER_LAW || m->id == ROLLUP_TRUE_SCORE))
	{
		for (int j = 0; j < n; j++)
		{
			RollupInput prefix = *in;

			prefix.n = j + 1;
			isnull[j] = !rollup_compute(m, &prefix, &values[j]);
			if ((j & 255) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		return;
	}
	memset(&st, 0, sizeof(st));
	st.floor = in->out_of > 0.0 ? 0.01 * in->out_of : 0.0;
	st.same_weight = true;
	st.streak_value = NAN;
	st.low.sign = 1.0;
	st.high.sign = -1.0;
	if (m->id == ROLLUP_MODE)
	{
		st.counts.size = 16;
		while (st.counts.size < 2 * n)
			st.counts.size *= 2;
		st.counts.keys = palloc_extended(sizeof(uint64_t) * st.counts.size, MCXT_ALLOC_HUGE);
		st.counts.counts = palloc_extended(sizeof(int) * st.counts.size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	}
	if (m->id == ROLLUP_MEDIAN)
	{
		/* each half holds at most n / 2 + 1, and one more while rebalancing */
		st.low.v = palloc_extended(sizeof(double) * (n / 2 + 2), MCXT_ALLOC_HUGE);
		st.high.v = palloc_extended(sizeof(double) * (n / 2 + 2), MCXT_ALLOC_HUGE);
	}

	for (int j = 0; j < n; j++)
	{
		bool		null = false;
		double		r = next_step(m, in, &st, j, &null);

		if (m->min_evidence != ROLLUP_NO_MIN_EVIDENCE && j + 1 < m->min_evidence)
			null = true;
		if (!null)
			r = rollup_finish(m, in, r);
		values[j] = null ? 0.0 : r;
		isnull[j] = null;
		if ((j & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (st.counts.keys)
	{
		pfree(st.counts.keys);
		pfree(st.counts.counts);
	}
	if (st.low.v)
	{
		pfree(st.low.v);
		pfree(st.high.v);
	}
}

/*
 * The weight of each score in the result, for the methods whose result is a
 * weighted sum of the scores: result = sum(w[i] * s[i]) before rounding.
 * This is what mastery_explain shows a teacher or parent.  Returns false
 * for power_law, true_score and bkt (not linear in the scores) and when
 * the result is NULL.
 */
static bool rollup_weights_unscaled(const RollupMethod *m, const RollupInput *in, double *w);

bool
rollup_weights(const RollupMethod *m, const RollupInput *in, double *w)
{
	check_scale_applies(m, in);
	if (!rollup_weights_unscaled(m, in, w))
		return false;
	/* scale=k multiplies the result, so it multiplies every weight */
	if (m->scale != ROLLUP_NO_SCALE && in->out_of > 0.0)
		for (int i = 0; i < in->n; i++)
			w[i] = w[i] / in->out_of * m->scale;
	return true;
}

static bool
rollup_weights_unscaled(const RollupMethod *m, const RollupInput *in, double *w)
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
				double		threshold = n_mastery_threshold(m, in);

				if (!n_mastery(s, n, (int) p[PARAM_N], threshold, &result))
					return false;
				for (int i = 0; i < n; i++)
					count += s[i] >= threshold;
				for (int i = 0; i < n; i++)
					if (s[i] >= threshold)
						w[i] = 1.0 / count;
				return true;
			}
		case ROLLUP_STREAK:
			{
				int			times = (int) p[PARAM_N];
				int			end = streak_end(s, n, times, n_mastery_threshold(m, in),
											 (int) p[PARAM_KEEP] == KEEP_CURRENT);

				if (end < 0)
					return false;
				for (int i = end - times; i < end; i++)
					w[i] = 1.0 / times;
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
