/*
 * rollup.h
 *		The rollup methods as pure functions over one learner x skill stream.
 *
 * Nothing here knows about fmgr or SQL types: the plumbing (mastery_agg.c,
 * later mastery_state.c) prepares a RollupInput and calls rollup_compute(),
 * so the maths can be unit-tested and fuzzed on their own.
 */
#ifndef COMPETENCY_ROLLUP_H
#define COMPETENCY_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

typedef enum RollupMethodId
{
	ROLLUP_LATEST = 1,
	ROLLUP_HIGHEST,
	ROLLUP_AVERAGE,
	ROLLUP_WEIGHTED_AVERAGE,
	ROLLUP_DECAYING_AVERAGE,
	ROLLUP_N_MASTERY,
	ROLLUP_MODE,
	ROLLUP_MEDIAN,
	ROLLUP_MEAN_RECENT,
	ROLLUP_POWER_LAW,
	ROLLUP_TRUE_SCORE,
	ROLLUP_BKT,
	ROLLUP_STREAK
} RollupMethodId;

#define ROLLUP_FIRST_METHOD ROLLUP_LATEST
#define ROLLUP_LAST_METHOD	ROLLUP_STREAK
#define ROLLUP_MAX_PARAMS	6

/* Parameter slots, in the order of each method's row in method.c */
#define PARAM_WEIGHT		0	/* weighted_average, decaying_average */
#define PARAM_N				0	/* n_mastery, mean_recent, streak */
#define PARAM_THRESHOLD		1	/* n_mastery, streak */
#define PARAM_KEEP			2	/* streak: KEEP_REACHED or KEEP_CURRENT */
#define PARAM_TIE			0	/* mode: TIE_HIGHEST or TIE_RECENT */
#define PARAM_AT			0	/* power_law: AT_LAST or AT_NEXT */
#define PARAM_P_INIT		0	/* bkt */
#define PARAM_P_LEARN		1
#define PARAM_P_GUESS		2
#define PARAM_P_SLIP		3
#define PARAM_P_FORGET		4
#define PARAM_CORRECT_AT	5

#define TIE_HIGHEST 0
#define TIE_RECENT	1
#define AT_LAST		0
#define AT_NEXT		1
#define KEEP_REACHED 0
#define KEEP_CURRENT 1

#define ROLLUP_NO_MIN_EVIDENCE	0
#define ROLLUP_NO_ROUND			(-1)
#define ROLLUP_NO_SCALE			0
#define ROLLUP_MAX_SCALE		1000000

/*
 * A validated method: what mastery_method holds after its version header.
 * Fixed layout (64 bytes, no padding holes) because it is also written into
 * serialized aggregate states.
 */
typedef struct RollupMethod
{
	int32_t		id;				/* RollupMethodId */
	int32_t		min_evidence;	/* ROLLUP_NO_MIN_EVIDENCE or >= 1 */
	int32_t		round_digits;	/* ROLLUP_NO_ROUND or 0..ROLLUP_MAX_ROUND */
	int32_t		scale;			/* ROLLUP_NO_SCALE or 1..ROLLUP_MAX_SCALE (was
								 * reserved and zero in 0.1.0) */
	double		params[ROLLUP_MAX_PARAMS];	/* unused slots are zero */
} RollupMethod;

/*
 * What a method sees: the scores of one stream after ordering, after an
 * override has cut off older evidence, and rescaled to the out_of of the
 * most recent evidence.
 */
typedef struct RollupInput
{
	const double *scores;		/* oldest first */
	const double *weights;		/* evidence weights, or NULL when all equal */
	int			n;				/* >= 1 */
	double		out_of;			/* > 0, or 0 when unknown (score-only form) */
} RollupInput;

/* Returns false when the result is NULL (n_mastery, min_evidence). */
extern bool rollup_compute(const RollupMethod *method, const RollupInput *in,
						   double *result);

/* values[j] = rollup_compute on the first j + 1 scores, for every j, in O(n log n) */
extern void rollup_steps(const RollupMethod *method, const RollupInput *in,
						 double *values, bool *isnull);

/* result = sum(w[i] * scores[i]) for methods linear in the scores; w has n slots */
extern bool rollup_weights(const RollupMethod *method, const RollupInput *in, double *w);

/* round(x::numeric, digits)::float8, without leaving C */
extern double round_half_away(double x, int digits);

/*
 * Bayesian Knowledge Tracing, one response at a time: shared by the bkt
 * method, its per-step values, profiles and the bkt_state and bkt_correct
 * window functions.  P(known) travels as log-odds, x = log(P(known) /
 * P(unknown)).  Carried as a probability, 1 - P(known) loses every digit
 * once P(known) passes 1 - 1e-16, and from then on no wrong answer can move
 * it: 30 right answers then 30 wrong read 1 instead of 0.1143.  In log-odds
 * both tails keep their relative precision (P(unknown) = 1e-400 is x = 921).
 * Without forgetting x grows with every right answer, and without learning
 * it falls with every wrong one, so there it is a sum of two doubles: in one
 * double, 700 right then 900 wrong answers lost 8e-12 to rounding on the
 * way up and down; as a pair the steps stay exact to 1e-15 at any length.
 */
typedef struct BktSteps
{
	double		right;			/* log P(right | known) - log P(right | unknown) */
	double		wrong;			/* the same for a wrong answer */
	double		log_keep;		/* log(1 - p_forget) (-inf for 1) */
	double		log_forget;		/* log p_forget (-inf for 0) */
	double		log_learn;		/* log p_learn (-inf for 0) */
	double		log_stay;		/* log(1 - p_learn) (-inf for 1) */
	double		from_known;		/* x after the transition from P(known) = 1 */
	double		from_unknown;	/* x after the transition from P(known) = 0 */
} BktSteps;

/* the log-odds x as hi + lo */
typedef struct BktTrace
{
	double		hi;
	double		lo;
} BktTrace;

#define BKT_STEP_WRONG		0
#define BKT_STEP_RIGHT		1
#define BKT_STEP_MISSING	2	/* no answer: the transition only */

/* p_guess and p_slip strictly inside (0, 1); p_learn and p_forget in [0, 1] */
extern void bkt_steps_init(BktSteps *s, double learn, double guess, double slip, double forget);
extern void bkt_trace_init(BktTrace *x, double p_init);
extern void bkt_step(const BktSteps *s, BktTrace *x, int response);
extern double bkt_known(const BktTrace *x);		/* P(known) */
extern double bkt_unknown(const BktTrace *x);	/* P(unknown), not 1 - P(known) */

#endif							/* COMPETENCY_ROLLUP_H */
