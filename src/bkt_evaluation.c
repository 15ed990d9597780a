/*
 * bkt_evaluation.c
 *		How well predictions of right answers hold up: the bkt_evaluate
 *		aggregate (n, AUC, RMSE, accuracy, log loss, as pyBKT's evaluate
 *		reports them) and bkt_crossvalidate, which fits BKT on all but one
 *		fold of learners and scores its predictions on that fold, fold by
 *		fold (pyBKT's crossvalidate).
 *
 * The metrics are computed once, in the final function, from the
 * predictions sorted: AUC needs every (prediction, answer) pair anyway, and
 * sums taken in sorted order are the same whatever order the rows, or the
 * partial states of parallel workers, arrive in.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "rollup.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "knowledge_tracing.h"

/*
 * 8 bytes a prediction; 100 million keep a partial state (and each sorted
 * array) under the 1 GB that may pass between processes
 */
#define BKT_EVALUATE_MAX	100000000
#define BKT_EVALUATE_FORMAT	1

/*
 * Predictions are clamped to [1e-15, 1 - 1e-15] for the log loss only, as
 * scikit-learn's log_loss did (eps=1e-15) up to version 1.2: a prediction
 * of exactly 0 for a right answer costs log(1e-15) = -34.5, not infinity.
 */
#define BKT_LOG_LOSS_EPSILON	1e-15

typedef struct BktMetrics
{
	int64		n;
	bool		has_auc;		/* both right and wrong answers */
	double		auc;
	double		rmse;
	double		accuracy;
	double		log_loss;
} BktMetrics;

/* ---------- the metrics, over sorted predictions ---------- */

static int
cmp_float8(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Neumaier's compensated sum: the metrics match numeric arithmetic to 1e-15 */
typedef struct ExactSum
{
	double		sum;
	double		carry;
} ExactSum;

static inline void
exact_add(ExactSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->carry += (s->sum - t) + x;
	else
		s->carry += (x - t) + s->sum;
	s->sum = t;
}

/*
 * The predicted probability of the answer given, clamped: the same clamp
 * as scikit-learn's on the prediction (it is symmetric), but taken after
 * 1 - p, since 1 - (1 - 1e-15) in doubles is 0.9992e-15, not 1e-15
 */
static inline double
observed_probability(double q)
{
	return Min(Max(q, BKT_LOG_LOSS_EPSILON), 1.0 - BKT_LOG_LOSS_EPSILON);
}

/*
 * The metrics of the predictions of nright right and nwrong wrong answers
 * (sorted here, in place).  AUC is the Mann-Whitney statistic: the share
 * of (right, wrong) pairs in which the right answer's prediction is the
 * higher, a tie counting one half; counted in integers, divided once.
 * Accuracy takes a prediction of 0.5 or more as a right answer predicted.
 */
static void
compute_metrics(double *right, int64 nright, double *wrong, int64 nwrong, BktMetrics *out)
{
	ExactSum	squares = {0, 0},
				logs = {0, 0};
	int64		hits = 0;
	int64		twice_u = 0;
	int64		below = 0,
				at_or_below = 0;
	int64		n = nright + nwrong;

	Assert(n > 0);
	qsort(right, nright, sizeof(double), cmp_float8);
	CHECK_FOR_INTERRUPTS();
	qsort(wrong, nwrong, sizeof(double), cmp_float8);
	CHECK_FOR_INTERRUPTS();

	for (int64 i = 0; i < nright; i++)
	{
		double		p = right[i];

		while (below < nwrong && wrong[below] < p)
			below++;
		if (at_or_below < below)
			at_or_below = below;
		while (at_or_below < nwrong && wrong[at_or_below] <= p)
			at_or_below++;
		twice_u += below + at_or_below;
		exact_add(&squares, (1.0 - p) * (1.0 - p));
		exact_add(&logs, log(observed_probability(p)));
		hits += p >= 0.5;
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	for (int64 i = 0; i < nwrong; i++)
	{
		double		p = wrong[i];

		exact_add(&squares, p * p);
		exact_add(&logs, log(observed_probability(1.0 - p)));
		hits += p < 0.5;
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	out->n = n;
	out->has_auc = nright > 0 && nwrong > 0;
	out->auc = out->has_auc ? (double) twice_u / (2.0 * (double) nright * (double) nwrong) : 0.0;
	out->rmse = sqrt((squares.sum + squares.carry) / (double) n);
	out->accuracy = (double) hits / (double) n;
	out->log_loss = -(logs.sum + logs.carry) / (double) n;
}

/* ---------- bkt_evaluate ---------- */

typedef struct BktEvaluateState
{
	double	   *right;			/* predictions of right answers */
	Size		nright;
	Size		right_cap;
	double	   *wrong;
	Size		nwrong;
	Size		wrong_cap;
} BktEvaluateState;

static void
too_many_predictions(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("bkt_evaluate takes at most %d predictions in one group", BKT_EVALUATE_MAX),
			 errhint("Evaluate on a sample of learners, or group by a finer key such as skill.")));
}

static void
add_prediction(MemoryContext cxt, BktEvaluateState *st, bool right, double p)
{
	if (st->nright + st->nwrong >= BKT_EVALUATE_MAX)
		too_many_predictions();
	if (right)
	{
		st->right = grow_array(cxt, st->right, &st->right_cap, st->nright + 1, sizeof(double),
							   256, BKT_EVALUATE_MAX);
		st->right[st->nright++] = p;
	}
	else
	{
		st->wrong = grow_array(cxt, st->wrong, &st->wrong_cap, st->nwrong + 1, sizeof(double),
							   256, BKT_EVALUATE_MAX);
		st->wrong[st->nwrong++] = p;
	}
}

/* NULLs are skipped; a prediction must be a probability */
static Datum
evaluate_transition(FunctionCallInfo fcinfo, bool integer_answer)
{
	MemoryContext aggcontext;
	BktEvaluateState *st = PG_ARGISNULL(0) ? NULL : (BktEvaluateState *) PG_GETARG_POINTER(0);
	double		p;
	bool		right;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "bkt_evaluate_transfn called in non-aggregate context");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (integer_answer)
	{
		int32		v = PG_GETARG_INT32(1);

		if (v != 0 && v != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("correct must be 0 or 1, not %d", v),
					 errdetail("An integer answer is 1 when right and 0 when wrong."),
					 errhint("Give NULL for a missing answer, or map other codes first, for example (score >= 1)::int.")));
		right = (v == 1);
	}
	else
		right = PG_GETARG_BOOL(1);
	p = PG_GETARG_FLOAT8(2);
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("predicted probability %s is not between 0 and 1", exact_float8(p)),
				 errdetail("bkt_evaluate scores predicted probabilities of a right answer."),
				 errhint("Pass the output of bkt_correct, or another probability; leave a missing prediction NULL.")));
	if (st == NULL)
		st = MemoryContextAllocZero(aggcontext, sizeof(BktEvaluateState));
	/* -0 is 0: one key for the sort and the comparisons */
	add_prediction(aggcontext, st, right, p == 0.0 ? 0.0 : p);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(bkt_evaluate_transfn);
Datum
bkt_evaluate_transfn(PG_FUNCTION_ARGS)
{
	return evaluate_transition(fcinfo, false);
}

PG_FUNCTION_INFO_V1(bkt_evaluate_integer_transfn);
Datum
bkt_evaluate_integer_transfn(PG_FUNCTION_ARGS)
{
	return evaluate_transition(fcinfo, true);
}

PG_FUNCTION_INFO_V1(bkt_evaluate_combinefn);
Datum
bkt_evaluate_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BktEvaluateState *a = PG_ARGISNULL(0) ? NULL : (BktEvaluateState *) PG_GETARG_POINTER(0);
	BktEvaluateState *b = PG_ARGISNULL(1) ? NULL : (BktEvaluateState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "bkt_evaluate_combinefn called in non-aggregate context");
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = MemoryContextAllocZero(aggcontext, sizeof(BktEvaluateState));
	if (a->nright + a->nwrong + b->nright + b->nwrong > BKT_EVALUATE_MAX)
		too_many_predictions();
	if (b->nright > 0)
	{
		a->right = grow_array(aggcontext, a->right, &a->right_cap, a->nright + b->nright,
							  sizeof(double), 256, BKT_EVALUATE_MAX);
		memcpy(a->right + a->nright, b->right, b->nright * sizeof(double));
		a->nright += b->nright;
	}
	if (b->nwrong > 0)
	{
		a->wrong = grow_array(aggcontext, a->wrong, &a->wrong_cap, a->nwrong + b->nwrong,
							  sizeof(double), 256, BKT_EVALUATE_MAX);
		memcpy(a->wrong + a->nwrong, b->wrong, b->nwrong * sizeof(double));
		a->nwrong += b->nwrong;
	}
	PG_RETURN_POINTER(a);
}

/*
 * A format byte, the two counts, then the predictions as IEEE doubles in
 * network order (pq_sendfloat8): the same bytes on every platform.
 */
PG_FUNCTION_INFO_V1(bkt_evaluate_serializefn);
Datum
bkt_evaluate_serializefn(PG_FUNCTION_ARGS)
{
	BktEvaluateState *st = (BktEvaluateState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	Size		size = 1 + 8 + 8 + (st->nright + st->nwrong) * 8;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_evaluate_serializefn called in non-aggregate context");
	if (size > MaxAllocSize - VARHDRSZ - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_evaluate partial state of %zu bytes is too large to pass between processes", size),
				 errhint("Set max_parallel_workers_per_gather = 0 for this query, or evaluate fewer predictions per group.")));
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) size);
	pq_sendbyte(&buf, BKT_EVALUATE_FORMAT);
	pq_sendint64(&buf, (uint64) st->nright);
	pq_sendint64(&buf, (uint64) st->nwrong);
	for (Size i = 0; i < st->nright; i++)
		pq_sendfloat8(&buf, st->right[i]);
	for (Size i = 0; i < st->nwrong; i++)
		pq_sendfloat8(&buf, st->wrong[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

pg_attribute_noreturn()
static void
corrupt_evaluate_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid bkt_evaluate partial state"),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(bkt_evaluate_deserializefn);
Datum
bkt_evaluate_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext cxt = CurrentMemoryContext;
	StringInfoData msg;
	BktEvaluateState *st;
	uint64		nright,
				nwrong;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_evaluate_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < 17 || pq_getmsgbyte(&msg) != BKT_EVALUATE_FORMAT)
		corrupt_evaluate_state("Its header is missing or has an unknown format.");
	nright = pq_getmsgint64(&msg);
	nwrong = pq_getmsgint64(&msg);
	if (nright > BKT_EVALUATE_MAX || nwrong > BKT_EVALUATE_MAX ||
		nright + nwrong > BKT_EVALUATE_MAX ||
		(nright + nwrong) * 8 != (uint64) (msg.len - msg.cursor))
		corrupt_evaluate_state("Its prediction counts do not match its size.");
	st = MemoryContextAllocZero(cxt, sizeof(BktEvaluateState));
	st->right = grow_array(cxt, NULL, &st->right_cap, Max(nright, 1), sizeof(double), 1, BKT_EVALUATE_MAX);
	st->wrong = grow_array(cxt, NULL, &st->wrong_cap, Max(nwrong, 1), sizeof(double), 1, BKT_EVALUATE_MAX);
	for (uint64 i = 0; i < nright + nwrong; i++)
	{
		double		p = pq_getmsgfloat8(&msg);

		if (!(p >= 0.0 && p <= 1.0))
			corrupt_evaluate_state("A prediction lies outside 0 to 1.");
		if (i < nright)
			st->right[st->nright++] = p;
		else
			st->wrong[st->nwrong++] = p;
		if ((i & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

/* The composite of one set of metrics; fold and learners only for bkt_fold */
static HeapTuple
metrics_tuple(TupleDesc desc, int first, const BktMetrics *m, bool has_metrics, Datum *values, bool *nulls)
{
	values[first] = Int64GetDatum(m->n);
	values[first + 1] = Float8GetDatum(m->auc);
	nulls[first + 1] = !has_metrics || !m->has_auc;
	values[first + 2] = Float8GetDatum(m->rmse);
	values[first + 3] = Float8GetDatum(m->accuracy);
	values[first + 4] = Float8GetDatum(m->log_loss);
	for (int i = 2; i <= 4; i++)
		nulls[first + i] = !has_metrics;
	return heap_form_tuple(desc, values, nulls);
}

/*
 * Sorting in place changes no content of the state (two multisets of
 * predictions), so a window frame's later final calls see the same state.
 */
PG_FUNCTION_INFO_V1(bkt_evaluate_finalfn);
Datum
bkt_evaluate_finalfn(PG_FUNCTION_ARGS)
{
	BktEvaluateState *st;
	BktMetrics	m;
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {false};

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_evaluate_finalfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BktEvaluateState *) PG_GETARG_POINTER(0);
	if (st->nright + st->nwrong == 0)
		PG_RETURN_NULL();
	compute_metrics(st->right, (int64) st->nright, st->wrong, (int64) st->nwrong, &m);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != 5)
		elog(ERROR, "bkt_evaluate_finalfn must return the composite type bkt_evaluation");
	desc = BlessTupleDesc(desc);
	PG_RETURN_DATUM(HeapTupleGetDatum(metrics_tuple(desc, 0, &m, true, values, nulls)));
}

/* ---------- bkt_crossvalidate ---------- */

/*
 * A learner's place in the shuffle of a seed: FNV-1a over the seed's
 * eight bytes (least significant first) and the identifier's bytes, then
 * splitmix64's finalizer.  Byte by byte, so the folds are the same on
 * every platform; never the identifiers' order, so learners numbered in
 * order of enrolment do not fall into folds by cohort.
 */
static uint64
fold_hash(const char *bytes, uint32 len, int64 seed)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (int i = 0; i < 8; i++)
	{
		h ^= ((uint64) seed >> (8 * i)) & 0xFF;
		h *= UINT64CONST(0x100000001b3);
	}
	for (uint32 i = 0; i < len; i++)
	{
		h ^= (unsigned char) bytes[i];
		h *= UINT64CONST(0x100000001b3);
	}
	h = (h ^ (h >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	h = (h ^ (h >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return h ^ (h >> 31);
}

typedef struct FoldKey
{
	uint64		hash;
	int64		seq;			/* sequences are in byte order of the identifiers */
} FoldKey;

static int
cmp_fold_keys(const void *a, const void *b)
{
	const FoldKey *x = (const FoldKey *) a;
	const FoldKey *y = (const FoldKey *) b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * The fold of every sequence: learners in order of their hash, dealt to
 * the folds in turn, so fold sizes differ by at most one learner.
 */
static int *
assign_folds(const BktFitState *st, const BktData *d, const uint32 *seq_learner)
{
	FoldKey    *keys = palloc_extended(Max(d->nseq, 1) * sizeof(FoldKey), MCXT_ALLOC_HUGE);
	int		   *fold = palloc_extended(Max(d->nseq, 1) * sizeof(int), MCXT_ALLOC_HUGE);

	for (int64 s = 0; s < d->nseq; s++)
	{
		uint32		l = seq_learner[s];

		keys[s].hash = fold_hash(string_table_bytes(&st->learners, l), st->learners.entries[l].len,
								 st->fold_seed);
		keys[s].seq = s;
	}
	qsort(keys, d->nseq, sizeof(FoldKey), cmp_fold_keys);
	CHECK_FOR_INTERRUPTS();
	for (int64 i = 0; i < d->nseq; i++)
		fold[keys[i].seq] = (int) (i % st->folds);
	pfree(keys);
	return fold;
}

/*
 * The predictions of one held-out learner's answers, each from the
 * answers before it (the exact recursion of rollup.h, as bkt_correct).
 */
static void
predict_sequence(const BktSteps *steps, const BktModel *m, const uint8 *code, int64 len,
				 double *right, int64 *nright, double *wrong, int64 *nwrong)
{
	BktTrace	x;

	bkt_trace_init(&x, m->prior);
	for (int64 t = 0; t < len; t++)
	{
		if (code[t] != BKT_MISSING)
		{
			double		p = m->guess * bkt_unknown(&x) + (1.0 - m->slip) * bkt_known(&x);

			p = Min(Max(p, 0.0), 1.0);
			if (code[t] == BKT_RIGHT)
				right[(*nright)++] = p;
			else
				wrong[(*nwrong)++] = p;
		}
		bkt_step(steps, &x, code[t]);
		if ((t & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * One fold: fit on the other folds' learners, then score the predictions
 * of this fold's answers.  No metrics when the other folds hold no answer,
 * or no learner there answered twice (bkt_fit's p_learn would be NULL).
 */
static bool
score_fold(const BktData *d, const int *fold, int f, const BktOptions *o,
		   double *right, double *wrong, BktMetrics *m, int64 *learners)
{
	BktData		train;
	int64		ncodes = 0,
				nanswered = 0,
				nright = 0,
				nwrong = 0;
	bool		steps_seen = false;
	BktFit		fit;
	BktModel	model;
	BktSteps	steps;

	*learners = 0;
	memset(m, 0, sizeof(BktMetrics));
	for (int64 s = 0; s < d->nseq; s++)
	{
		int64		len = d->start[s + 1] - d->start[s];
		int64		answered = 0;

		for (int64 t = d->start[s]; t < d->start[s + 1]; t++)
			answered += d->code[t] != BKT_MISSING;
		if (fold[s] == f)
		{
			*learners += answered > 0;
			m->n += answered;
		}
		else
		{
			ncodes += len;
			nanswered += answered;
			/* a learner who answered twice: missing answers show no learning */
			steps_seen |= answered > 1;
		}
	}
	if (nanswered == 0 || !steps_seen || m->n == 0)
		return false;

	train.code = palloc_extended(ncodes, MCXT_ALLOC_HUGE);
	train.start = palloc_extended((d->nseq + 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	train.item = NULL;
	train.item_order = NULL;
	train.nitems = 0;
	train.nseq = 0;
	train.maxlen = 0;
	ncodes = 0;
	for (int64 s = 0; s < d->nseq; s++)
	{
		int64		len = d->start[s + 1] - d->start[s];

		if (fold[s] == f)
			continue;
		train.start[train.nseq++] = ncodes;
		memcpy(train.code + ncodes, d->code + d->start[s], len);
		ncodes += len;
		train.maxlen = Max(train.maxlen, len);
	}
	train.start[train.nseq] = ncodes;
	fit = bkt_fit_skill(&train, o);
	pfree(train.code);
	pfree(train.start);

	model = fit.m;
	bkt_clamp_emissions(&model);
	bkt_steps_init(&steps, model.learn, model.guess, model.slip, model.forget);
	for (int64 s = 0; s < d->nseq; s++)
		if (fold[s] == f)
			predict_sequence(&steps, &model, d->code + d->start[s], d->start[s + 1] - d->start[s],
							 right, &nright, wrong, &nwrong);
	compute_metrics(right, nright, wrong, nwrong, m);
	return true;
}

/*
 * bkt_fold rows: one per fold, then one with fold NULL holding the mean of
 * each metric over the folds that have it (pyBKT's crossvalidate reports
 * that mean), the learners and answers of all folds.
 */
PG_FUNCTION_INFO_V1(bkt_crossvalidate_finalfn);
Datum
bkt_crossvalidate_finalfn(PG_FUNCTION_ARGS)
{
	BktFitState *st;
	BktOptions	o;
	BktData		d;
	uint32	   *seq_learner;
	int		   *fold;
	double	   *right,
			   *wrong;
	Oid			array_type,
				fold_type;
	TupleDesc	desc;
	Datum	   *rows;
	BktMetrics	mean = {0};
	double		sums[4] = {0};
	int			counts[4] = {0};
	int64		all_learners = 0;
	bool		answered = false;
	Datum		values[7];
	bool		nulls[7];

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_crossvalidate_finalfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BktFitState *) PG_GETARG_POINTER(0);
	for (Size i = 0; i < st->nresponses && !answered; i++)
		answered = st->responses[i].code != BKT_MISSING;
	if (!answered)
		PG_RETURN_NULL();
	bkt_parse_options(st->options, &o);

	array_type = get_fn_expr_rettype(fcinfo->flinfo);
	fold_type = get_element_type(array_type);
	if (!OidIsValid(fold_type))
		elog(ERROR, "bkt_crossvalidate_finalfn must return an array of bkt_fold");
	desc = lookup_rowtype_tupdesc_copy(fold_type, -1);
	if (desc->natts != 7)
		elog(ERROR, "bkt_crossvalidate_finalfn must return an array of bkt_fold");
	desc = BlessTupleDesc(desc);

	bkt_build_sequences(st, &d, &seq_learner);
	fold = assign_folds(st, &d, seq_learner);
	/* one fold's predictions at a time; at most every answer */
	right = palloc_extended(Max(st->nresponses, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	wrong = palloc_extended(Max(st->nresponses, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	rows = palloc((st->folds + 1) * sizeof(Datum));
	for (int f = 0; f < st->folds; f++)
	{
		BktMetrics	m;
		int64		learners;
		bool		has = score_fold(&d, fold, f, &o, right, wrong, &m, &learners);

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(f + 1);
		values[1] = Int64GetDatum(learners);
		rows[f] = HeapTupleGetDatum(metrics_tuple(desc, 2, &m, has, values, nulls));
		all_learners += learners;
		mean.n += m.n;
		if (has && m.has_auc)
		{
			sums[0] += m.auc;
			counts[0]++;
		}
		if (has)
		{
			sums[1] += m.rmse;
			sums[2] += m.accuracy;
			sums[3] += m.log_loss;
			counts[1]++;
		}
	}
	memset(nulls, 0, sizeof(nulls));
	nulls[0] = true;
	values[0] = Int32GetDatum(0);
	values[1] = Int64GetDatum(all_learners);
	mean.has_auc = counts[0] > 0;
	mean.auc = counts[0] > 0 ? sums[0] / counts[0] : 0.0;
	mean.rmse = counts[1] > 0 ? sums[1] / counts[1] : 0.0;
	mean.accuracy = counts[1] > 0 ? sums[2] / counts[1] : 0.0;
	mean.log_loss = counts[1] > 0 ? sums[3] / counts[1] : 0.0;
	rows[st->folds] = HeapTupleGetDatum(metrics_tuple(desc, 2, &mean, counts[1] > 0, values, nulls));

	pfree(right);
	pfree(wrong);
	pfree(fold);
	pfree(seq_learner);
	pfree(d.code);
	pfree(d.start);
	PG_RETURN_ARRAYTYPE_P(construct_array(rows, st->folds + 1, fold_type, -1, false, TYPALIGN_DOUBLE));
}
