/*
 * bkt_items.c
 *		Knowledge tracing with item effects (KT-IDEM, Pardos and Heffernan
 *		2011; pyBKT's multigs): one p_guess and one p_slip per item beside
 *		the skill's shared p_init, p_learn and p_forget.  The bkt_item_fit
 *		aggregates collect as bkt_fit does (knowledge_tracing.c: the same
 *		state, with an item per response); here are EM over the larger
 *		model, the final function and the per-row predictions bkt_state and
 *		bkt_correct that take the row's item.
 *
 * The plain model is the item model with every item alike, so the fit
 * starts from the plain fit of the same answers: EM never lowers the
 * likelihood, and the item fit's log-likelihood is never below the plain
 * one (both are reported).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "competency.h"
#include "knowledge_tracing.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "windowapi.h"

/*
 * The model as one vector, for EM and SQUAREM alike: p_init, p_learn,
 * p_forget, then p_guess and p_slip of each item in byte order of the item
 * identifiers.
 */
#define ITEM_PRIOR		0
#define ITEM_LEARN		1
#define ITEM_FORGET		2
#define ITEM_GUESS(i)	(3 + 2 * (i))
#define ITEM_SLIP(i)	(4 + 2 * (i))
#define ITEM_NPARAMS(n) (3 + 2 * (n))

/* Expected counts: transitions [from][to], the initial state, emissions per item */
#define COUNT_TRANS(from, to)	(2 * (from) + (to))
#define COUNT_INIT(state)		(4 + (state))
#define COUNT_EMIT(i, state, response) (6 + 4 * (i) + 2 * (state) + (response))
#define ITEM_NCOUNTS(n)			(6 + 4 * (n))

/* halvings of a SQUAREM jump before the plain double step (as the plain fit) */
#define ITEM_MAX_BACKTRACK	8

/* the columns of bkt_item_params */
#define ITEM_FIT_COLUMNS	13

typedef struct ItemEm
{
	const BktData *d;
	const BktOptions *o;
	int			nparams;
	double	   *alpha;			/* 2 * maxlen */
	double	   *counts;			/* ITEM_NCOUNTS(nitems) */
} ItemEm;

typedef struct ItemFit
{
	double		ll;
	int			iterations;		/* E-steps */
	bool		converged;
} ItemFit;

/* P(response | state) as the plain fit takes it: an emission of 0 counts as 1 */
static inline void
item_likelihoods(double guess, double slip, uint8 code, double *l0, double *l1)
{
	if (code == BKT_RIGHT)
	{
		*l0 = guess != 0.0 ? guess : 1.0;
		*l1 = (1.0 - slip) != 0.0 ? 1.0 - slip : 1.0;
	}
	else if (code == BKT_WRONG)
	{
		*l0 = (1.0 - guess) != 0.0 ? 1.0 - guess : 1.0;
		*l1 = slip != 0.0 ? slip : 1.0;
	}
	else
	{
		*l0 = 1.0;
		*l1 = 1.0;
	}
}

/*
 * The log-likelihood at x and, when counts is given, the expected counts:
 * the plain fit's scaled forward pass and backward smoother, step for
 * step, with the row's item choosing the emission.  At a model whose
 * items are all alike it computes what the plain e_step does, in the same
 * order, so the first E-step from the plain fit gives its log-likelihood.
 */
static double
item_e_step(const ItemEm *em, const double *x, double *counts)
{
	const BktData *d = em->d;
	double	   *alpha = em->alpha;
	double		ll = 0.0;
	double		prod = 1.0;
	double		a00 = 1.0 - x[ITEM_LEARN],
				a01 = x[ITEM_FORGET],
				a10 = x[ITEM_LEARN],
				a11 = 1.0 - x[ITEM_FORGET];

	if (counts)
		memset(counts, 0, ITEM_NCOUNTS(d->nitems) * sizeof(double));
	for (int64 s = 0; s < d->nseq; s++)
	{
		const uint8 *code = d->code + d->start[s];
		const uint16 *item = d->item + d->start[s];
		int64		len = d->start[s + 1] - d->start[s];
		double		l0,
					l1,
					x0,
					x1,
					norm;

		if ((s & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();

		item_likelihoods(x[ITEM_GUESS(item[0])], x[ITEM_SLIP(item[0])], code[0], &l0, &l1);
		x0 = (1.0 - x[ITEM_PRIOR]) * l0;
		x1 = x[ITEM_PRIOR] * l1;
		for (int64 t = 0;;)
		{
			double		inv;

			norm = x0 + x1;
			inv = 1.0 / norm;
			alpha[2 * t] = x0 * inv;
			alpha[2 * t + 1] = x1 * inv;
			if (norm < 1e-100)
				ll += log(norm);
			else
			{
				prod *= norm;
				if (prod < 1e-200)
				{
					ll += log(prod);
					prod = 1.0;
				}
			}
			if (++t == len)
				break;
			item_likelihoods(x[ITEM_GUESS(item[t])], x[ITEM_SLIP(item[t])], code[t], &l0, &l1);
			x0 = (a00 * alpha[2 * t - 2] + a01 * alpha[2 * t - 1]) * l0;
			x1 = (a10 * alpha[2 * t - 2] + a11 * alpha[2 * t - 1]) * l1;
		}
		if (counts == NULL)
			continue;

		{
			double		g0 = alpha[2 * (len - 1)],
						g1 = alpha[2 * (len - 1) + 1];

			if (code[len - 1] != BKT_MISSING)
			{
				counts[COUNT_EMIT(item[len - 1], 0, code[len - 1])] += g0;
				counts[COUNT_EMIT(item[len - 1], 1, code[len - 1])] += g1;
			}
			for (int64 t = len - 2; t >= 0; t--)
			{
				double		f0 = alpha[2 * t],
							f1 = alpha[2 * t + 1];
				double		p0 = a00 * f0 + a01 * f1;
				double		p1 = a10 * f0 + a11 * f1;
				double		r0 = p0 != 0.0 ? g0 / p0 : 0.0;
				double		r1 = p1 != 0.0 ? g1 / p1 : 0.0;
				double		n00 = a00 * f0 * r0,
							n01 = a10 * f0 * r1,
							n10 = a01 * f1 * r0,
							n11 = a11 * f1 * r1;

				counts[COUNT_TRANS(0, 0)] += n00;
				counts[COUNT_TRANS(0, 1)] += n01;
				counts[COUNT_TRANS(1, 0)] += n10;
				counts[COUNT_TRANS(1, 1)] += n11;
				g0 = n00 + n01;
				g1 = n10 + n11;
				if (code[t] != BKT_MISSING)
				{
					counts[COUNT_EMIT(item[t], 0, code[t])] += g0;
					counts[COUNT_EMIT(item[t], 1, code[t])] += g1;
				}
			}
			counts[COUNT_INIT(0)] += g0;
			counts[COUNT_INIT(1)] += g1;
		}
	}
	return ll + log(prod);
}

/*
 * The M-step: the plain fit's rules for the shared parameters; each item's
 * p_guess and p_slip from that item's expected counts, within max_guess and
 * max_slip.  An item without answers in a state keeps what it had (the
 * plain fit's value it started from), where the plain fit would take 0.5.
 */
static void
item_m_step(const ItemEm *em, const double *counts, const double *x, double *next)
{
	const BktOptions *o = em->o;
	double		out0 = counts[COUNT_TRANS(0, 0)] + counts[COUNT_TRANS(0, 1)];
	double		out1 = counts[COUNT_TRANS(1, 0)] + counts[COUNT_TRANS(1, 1)];

	next[ITEM_PRIOR] = counts[COUNT_INIT(1)] / (counts[COUNT_INIT(0)] + counts[COUNT_INIT(1)]);
	next[ITEM_LEARN] = out0 == 0.0 ? 1.0 : counts[COUNT_TRANS(0, 1)] / out0;
	next[ITEM_LEARN] = Min(Max(next[ITEM_LEARN], o->min_learn), o->max_learn);
	next[ITEM_FORGET] = (!o->forgets || out1 == 0.0) ? 0.0 : counts[COUNT_TRANS(1, 0)] / out1;
	for (int i = 0; i < em->d->nitems; i++)
	{
		double		e0 = counts[COUNT_EMIT(i, 0, BKT_WRONG)] + counts[COUNT_EMIT(i, 0, BKT_RIGHT)];
		double		e1 = counts[COUNT_EMIT(i, 1, BKT_WRONG)] + counts[COUNT_EMIT(i, 1, BKT_RIGHT)];

		next[ITEM_GUESS(i)] = e0 == 0.0 ? x[ITEM_GUESS(i)] :
			Min(Max(counts[COUNT_EMIT(i, 0, BKT_RIGHT)] / e0, o->min_guess), o->max_guess);
		next[ITEM_SLIP(i)] = e1 == 0.0 ? x[ITEM_SLIP(i)] :
			Min(Max(counts[COUNT_EMIT(i, 1, BKT_WRONG)] / e1, o->min_slip), o->max_slip);
	}
}

/* Could EM be at x?  As the plain fit's feasible(), over every item */
static bool
item_feasible(const ItemEm *em, const double *x, const double *step)
{
	const BktOptions *o = em->o;

	for (int i = 0; i < em->nparams; i++)
	{
		if (!(x[i] >= 0.0 && x[i] <= 1.0))	/* NaN too */
			return false;
		if (step[i] > 0.0 && step[i] < 1.0 && (x[i] == 0.0 || x[i] == 1.0))
			return false;
	}
	if (x[ITEM_LEARN] < o->min_learn || x[ITEM_LEARN] > o->max_learn)
		return false;
	for (int i = 0; i < em->d->nitems; i++)
		if (x[ITEM_GUESS(i)] > o->max_guess || x[ITEM_SLIP(i)] > o->max_slip ||
			x[ITEM_GUESS(i)] < o->min_guess || x[ITEM_SLIP(i)] < o->min_slip)
			return false;
	return true;
}

/*
 * EM from x (updated in place to the fit), with SQUAREM jumps unless the
 * options turn acceleration off: the plain fit's fit_from and
 * fit_from_squarem over the longer vector, with the same stop rule (after
 * three E-steps, two consecutive log-likelihoods within tol).  A jump is
 * kept only where EM could be and when it loses no likelihood against
 * the double EM step, so the likelihood never falls.
 */
static ItemFit
item_em(const ItemEm *em, double *x)
{
	const BktOptions *o = em->o;
	int			n = em->nparams;
	double	   *x1 = palloc(n * sizeof(double));
	double	   *x2 = palloc(n * sizeof(double));
	double	   *xj = palloc(n * sizeof(double));
	double	   *r = palloc(n * sizeof(double));
	double	   *v = palloc(n * sizeof(double));
	ItemFit		f = {0.0, 0, false};
	double		prev = 0.0;
	int			esteps = 0;

	for (;;)
	{
		double		ll0,
					ll1,
					llx,
					rr = 0.0,
					vv = 0.0;
		bool		jumped = false;

		CHECK_FOR_INTERRUPTS();
		if (esteps == o->max_iter)
			break;
		ll0 = item_e_step(em, x, em->counts);
		if (++esteps >= 3 && fabs(ll0 - prev) < o->tol)
		{
			f.ll = ll0;
			f.converged = true;
			break;
		}
		prev = ll0;
		item_m_step(em, em->counts, x, x1);
		if (!o->accelerate)
		{
			memcpy(x, x1, n * sizeof(double));
			continue;
		}
		if (esteps == o->max_iter)
		{
			memcpy(x, x1, n * sizeof(double));
			break;
		}
		ll1 = item_e_step(em, x1, em->counts);
		if (++esteps >= 3 && fabs(ll1 - ll0) < o->tol)
		{
			memcpy(x, x1, n * sizeof(double));
			f.ll = ll1;
			f.converged = true;
			break;
		}
		item_m_step(em, em->counts, x1, x2);
		for (int i = 0; i < n; i++)
		{
			r[i] = x1[i] - x[i];
			v[i] = x2[i] - x1[i] - r[i];
			rr += r[i] * r[i];
			vv += v[i] * v[i];
		}
		memcpy(xj, x2, n * sizeof(double));
		if (vv > 0.0 && isfinite(rr) && isfinite(vv))
		{
			double		a = -sqrt(rr / vv);

			for (int k = 0; k < ITEM_MAX_BACKTRACK && a < -1.0; k++)
			{
				for (int i = 0; i < n; i++)
					xj[i] = x[i] - 2.0 * a * r[i] + a * a * v[i];
				if (item_feasible(em, xj, x2))
				{
					jumped = true;
					break;
				}
				a = (a - 1.0) / 2.0;
			}
			if (!jumped)
				memcpy(xj, x2, n * sizeof(double));
		}
		if (esteps == o->max_iter)
		{
			memcpy(x, x2, n * sizeof(double));
			break;
		}
		llx = item_e_step(em, xj, em->counts);
		esteps++;
		if (jumped && !(llx >= ll1))
		{
			/* the jump lost ground: the plain double step instead */
			memcpy(xj, x2, n * sizeof(double));
			if (esteps == o->max_iter)
			{
				memcpy(x, x2, n * sizeof(double));
				break;
			}
			llx = item_e_step(em, xj, em->counts);
			esteps++;
		}
		prev = llx;
		item_m_step(em, em->counts, xj, x);
	}
	if (!f.converged)
		f.ll = item_e_step(em, x, NULL);
	f.iterations = esteps;
	pfree(x1);
	pfree(x2);
	pfree(xj);
	pfree(r);
	pfree(v);
	return f;
}

/* degenerate as bkt_params says it: a wrong answer says "knows it" more than a right one */
static inline bool
degenerate_emissions(double guess, double slip)
{
	return guess > 1.0 - slip || guess > 0.5 || slip > 0.5;
}

/*
 * bkt_item_fit's final function: the plain fit of the group's answers (its
 * restarts and options), then EM over the item model from it.
 */
PG_FUNCTION_INFO_V1(bkt_item_fit_finalfn);
Datum
bkt_item_fit_finalfn(PG_FUNCTION_ARGS)
{
	BktFitState *st;
	BktOptions	o;
	BktData		d;
	BktFit		plain;
	ItemEm		em;
	ItemFit		f;
	double	   *x;
	double	   *start;
	int			nitems;
	int64	   *item_answers;
	int64		learners = 0;
	bool		no_steps;
	int64		repeat = 0;
	bool		degenerate = false;
	Datum	   *names,
			   *guesses,
			   *slips,
			   *answers;
	TupleDesc	desc;
	Datum		values[ITEM_FIT_COLUMNS];
	bool		nulls[ITEM_FIT_COLUMNS] = {false};

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_item_fit_finalfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BktFitState *) PG_GETARG_POINTER(0);
	if (st->nresponses == 0)
		PG_RETURN_NULL();
	{
		bool		answered = false;

		for (Size i = 0; i < st->nresponses && !answered; i++)
			answered = st->responses[i].code != BKT_MISSING;
		if (!answered)
			PG_RETURN_NULL();
	}
	Assert(st->has_items);
	bkt_parse_options(st->options, &o);
	bkt_build_sequences(st, &d, NULL);
	nitems = d.nitems;

	plain = bkt_fit_skill(&d, &o);

	em.d = &d;
	em.o = &o;
	em.nparams = ITEM_NPARAMS(nitems);
	em.alpha = palloc_extended(2 * Max(d.maxlen, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	em.counts = palloc(ITEM_NCOUNTS(nitems) * sizeof(double));
	x = palloc(em.nparams * sizeof(double));
	start = palloc(em.nparams * sizeof(double));
	start[ITEM_PRIOR] = plain.m.prior;
	start[ITEM_LEARN] = plain.m.learn;
	start[ITEM_FORGET] = plain.m.forget;
	for (int i = 0; i < nitems; i++)
	{
		start[ITEM_GUESS(i)] = plain.m.guess;
		start[ITEM_SLIP(i)] = plain.m.slip;
	}
	memcpy(x, start, em.nparams * sizeof(double));
	f = item_em(&em, x);

	/*
	 * EM does not lower the likelihood, but a last rounding step could put
	 * the fit a hair below its start; the start, the plain fit with every
	 * item alike, is then the better item fit
	 */
	if (!(f.ll >= plain.ll))
	{
		memcpy(x, start, em.nparams * sizeof(double));
		f.ll = plain.ll;
	}

	/* what the fit rests on, per item too */
	item_answers = palloc0(Max(nitems, 1) * sizeof(int64));
	for (int64 s = 0; s < d.nseq; s++)
	{
		int64		k = 0;

		for (int64 t = d.start[s]; t < d.start[s + 1]; t++)
			if (d.code[t] != BKT_MISSING)
			{
				k++;
				item_answers[d.item[t]]++;
			}
		learners += k > 0;
		repeat += k > 1;
	}
	/* no learner answered twice: nothing says how learning goes */
	no_steps = (repeat == 0);

	names = palloc(Max(nitems, 1) * sizeof(Datum));
	guesses = palloc(Max(nitems, 1) * sizeof(Datum));
	slips = palloc(Max(nitems, 1) * sizeof(Datum));
	answers = palloc(Max(nitems, 1) * sizeof(Datum));
	for (int i = 0; i < nitems; i++)
	{
		uint32		e = d.item_order[i];

		names[i] = PointerGetDatum(cstring_to_text_with_len(string_table_bytes(&st->items, e),
															 (int) st->items.entries[e].len));
		guesses[i] = Float8GetDatum(x[ITEM_GUESS(i)]);
		slips[i] = Float8GetDatum(x[ITEM_SLIP(i)]);
		answers[i] = Int64GetDatum(item_answers[i]);
		degenerate |= degenerate_emissions(x[ITEM_GUESS(i)], x[ITEM_SLIP(i)]);
	}

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE ||
		desc->natts != ITEM_FIT_COLUMNS)
		elog(ERROR, "bkt_item_fit_finalfn must return the composite type bkt_item_params");
	desc = BlessTupleDesc(desc);
	values[0] = Float8GetDatum(x[ITEM_PRIOR]);
	/* as bkt_fit: no learner answered twice, nothing shows how learning goes */
	values[1] = Float8GetDatum(x[ITEM_LEARN]);
	nulls[1] = no_steps;
	values[2] = Float8GetDatum(x[ITEM_FORGET]);
	nulls[2] = no_steps && o.forgets;
	values[3] = PointerGetDatum(construct_array(names, nitems, TEXTOID, -1, false, TYPALIGN_INT));
	values[4] = PointerGetDatum(construct_array(guesses, nitems, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[5] = PointerGetDatum(construct_array(slips, nitems, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[6] = PointerGetDatum(construct_array(answers, nitems, INT8OID, sizeof(int64),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	/* a likelihood of 1 may sum to a rounding error above 0 */
	values[7] = Float8GetDatum(Min(f.ll, 0.0));
	values[8] = Float8GetDatum(Min(plain.ll, 0.0));
	values[9] = Int32GetDatum(f.iterations);
	values[10] = BoolGetDatum(degenerate);
	values[11] = BoolGetDatum(f.converged);
	values[12] = Int64GetDatum(learners);

	pfree(em.alpha);
	pfree(em.counts);
	pfree(d.code);
	pfree(d.item);
	pfree(d.start);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------- bkt_item_params as input: the window functions ---------- */

/*
 * A fit as the window functions use it, parsed once and kept in fn_extra
 * for as long as the rows bring the same bytes.  Only usable fits (every
 * probability given) are kept.
 */
typedef struct ItemWindowFit
{
	MemoryContext cxt;			/* everything of this fit; deleted with it */
	char	   *bytes;			/* the bkt_item_params datum, detoasted */
	uint32		len;
	uint32		hash;			/* of bytes: what a partition remembers */
	int			nitems;
	const char **names;			/* sorted by bytes */
	int		   *name_lens;
	double	   *guess;			/* moved 1e-9 inside (0, 1) */
	double	   *slip;
	double		prior;
	BktSteps   *steps;			/* one per item */
} ItemWindowFit;

typedef struct ItemWindowState
{
	bool		started;
	int64		next;			/* the row whose prediction `known` is */
	BktTrace	known;
	uint32		fit_hash;		/* of the fit the partition started with */
	uint32		fit_len;
} ItemWindowState;

static int
compare_names(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

typedef struct NameSort
{
	const char **names;
	int		   *lens;
} NameSort;

static int
cmp_name_index(const void *a, const void *b, void *arg)
{
	NameSort   *ns = (NameSort *) arg;
	int			x = *(const int *) a,
				y = *(const int *) b;

	return compare_names(ns->names[x], ns->lens[x], ns->names[y], ns->lens[y]);
}

static double
fit_probability(HeapTupleHeader t, int attno, const char *name, bool *isnull)
{
	Datum		d = GetAttributeByNum(t, attno, isnull);
	double		v;

	if (*isnull)
		return 0.0;
	v = DatumGetFloat8(d);
	if (!(v >= 0.0 && v <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s of bkt_item_params must lie between 0 and 1", name),
				 errdetail("The value given was %s.", exact_float8(v))));
	return v;
}

/* The elements of one array column: one dimension, no NULL, n of them */
static Datum *
fit_array(HeapTupleHeader t, int attno, const char *name, Oid type, int *n, bool *isnull)
{
	Datum		d = GetAttributeByNum(t, attno, isnull);
	ArrayType  *a;
	Datum	   *elems;
	bool	   *elem_nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (*isnull)
		return NULL;
	a = DatumGetArrayTypeP(d);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s of bkt_item_params must be a one-dimensional array", name)));
	if (ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) > BKT_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_item_params holds at most %d items", BKT_MAX_ITEMS)));
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	deconstruct_array(a, type, typlen, typbyval, typalign, &elems, &elem_nulls, n);
	for (int i = 0; i < *n; i++)
		if (elem_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s of bkt_item_params holds a NULL", name),
					 errhint("Give every item its identifier, p_guess and p_slip.")));
	return elems;
}

/*
 * The fit of a row, parsed (or the one parsed for the row before when the
 * bytes are the same); NULL when a probability or array is NULL (the
 * p_learn of a skill no learner answered twice on), so the row has no
 * prediction, as with a NULL fit.
 */
static ItemWindowFit *
window_fit(FunctionCallInfo fcinfo, Datum datum)
{
	ItemWindowFit *cache = (ItemWindowFit *) fcinfo->flinfo->fn_extra;
	HeapTupleHeader t = DatumGetHeapTupleHeader(datum);
	uint32		len = HeapTupleHeaderGetDatumLength(t);
	MemoryContext old;
	ItemWindowFit *fit;
	bool		isnull;
	double		learn,
				forget;
	Datum	   *names,
			   *guesses,
			   *slips;
	int			nnames,
				nguesses,
				nslips;
	int		   *order;
	NameSort	ns;

	if (cache != NULL && cache->len == len && memcmp(cache->bytes, t, len) == 0)
		return cache;

	{
		MemoryContext cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "bkt_item_params",
												  ALLOCSET_SMALL_SIZES);

		old = MemoryContextSwitchTo(cxt);
		fit = palloc0(sizeof(ItemWindowFit));
		fit->cxt = cxt;
	}
	fit->prior = fit_probability(t, 1, "p_init", &isnull);
	if (isnull)
		goto unusable;
	learn = fit_probability(t, 2, "p_learn", &isnull);
	if (isnull)
		goto unusable;
	forget = fit_probability(t, 3, "p_forget", &isnull);
	if (isnull)
		goto unusable;
	names = fit_array(t, 4, "items", TEXTOID, &nnames, &isnull);
	if (isnull)
		goto unusable;
	guesses = fit_array(t, 5, "p_guess", FLOAT8OID, &nguesses, &isnull);
	if (isnull)
		goto unusable;
	slips = fit_array(t, 6, "p_slip", FLOAT8OID, &nslips, &isnull);
	if (isnull)
		goto unusable;
	if (nguesses != nnames || nslips != nnames)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bkt_item_params has %d items, %d p_guess and %d p_slip", nnames, nguesses, nslips),
				 errdetail("Each item has one p_guess and one p_slip, in the order of items.")));
	/* bkt_item_fit never writes one: an unknown item needs an item to step by */
	if (nnames == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bkt_item_params has no items"),
				 errdetail("An item fit holds at least one item, with its p_guess and p_slip."),
				 errhint("Use bkt_params for a fit without items.")));

	fit->nitems = nnames;
	fit->names = palloc(Max(nnames, 1) * sizeof(char *));
	fit->name_lens = palloc(Max(nnames, 1) * sizeof(int));
	fit->guess = palloc(Max(nnames, 1) * sizeof(double));
	fit->slip = palloc(Max(nnames, 1) * sizeof(double));
	fit->steps = palloc(Max(nnames, 1) * sizeof(BktSteps));
	order = palloc(Max(nnames, 1) * sizeof(int));
	{
		const char **raw_names = palloc(Max(nnames, 1) * sizeof(char *));
		int		   *raw_lens = palloc(Max(nnames, 1) * sizeof(int));

		for (int i = 0; i < nnames; i++)
		{
			text	   *name = DatumGetTextPP(names[i]);

			/* a copy: the array may point into the row, which goes away */
			raw_lens[i] = VARSIZE_ANY_EXHDR(name);
			raw_names[i] = pnstrdup(VARDATA_ANY(name), raw_lens[i]);
			order[i] = i;
		}
		ns.names = raw_names;
		ns.lens = raw_lens;
		qsort_arg(order, nnames, sizeof(int), cmp_name_index, &ns);
		for (int k = 0; k < nnames; k++)
		{
			int			i = order[k];
			BktModel	m;

			if (k > 0 && compare_names(raw_names[order[k - 1]], raw_lens[order[k - 1]],
									   raw_names[i], raw_lens[i]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("item \"%s\" appears twice in bkt_item_params",
								pnstrdup(raw_names[i], raw_lens[i])),
						 errhint("Give each item once, with its p_guess and p_slip.")));
			fit->names[k] = raw_names[i];
			fit->name_lens[k] = raw_lens[i];
			m.prior = fit->prior;
			m.learn = learn;
			m.forget = forget;
			m.guess = DatumGetFloat8(guesses[i]);
			m.slip = DatumGetFloat8(slips[i]);
			if (!(m.guess >= 0.0 && m.guess <= 1.0 && m.slip >= 0.0 && m.slip <= 1.0))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("p_guess and p_slip of bkt_item_params must lie between 0 and 1"),
						 errdetail("Item \"%s\" has p_guess %s and p_slip %s.",
								   pnstrdup(raw_names[i], raw_lens[i]),
								   exact_float8(m.guess), exact_float8(m.slip))));
			/* as the plain predictions: 1e-9 inside, so no answer proves the opposite */
			bkt_clamp_emissions(&m);
			fit->guess[k] = m.guess;
			fit->slip[k] = m.slip;
			bkt_steps_init(&fit->steps[k], learn, m.guess, m.slip, forget);
		}
	}
	fit->bytes = palloc(len);
	memcpy(fit->bytes, t, len);
	fit->len = len;
	fit->hash = hash_bytes((const unsigned char *) t, (int) len);
	MemoryContextSwitchTo(old);
	/* one fit kept at a time: a query over many skills replaces it often */
	if (cache != NULL)
		MemoryContextDelete(cache->cxt);
	fcinfo->flinfo->fn_extra = fit;
	return fit;

unusable:
	MemoryContextSwitchTo(old);
	MemoryContextDelete(fit->cxt);
	return NULL;
}

/* The rank of the row's item in the fit, or -1 when NULL or not in it */
static int
find_item(const ItemWindowFit *fit, bool isnull, Datum d)
{
	text	   *name;
	const char *s;
	int			len,
				lo = 0,
				hi;

	if (isnull)
		return -1;
	name = DatumGetTextPP(d);
	s = VARDATA_ANY(name);
	len = VARSIZE_ANY_EXHDR(name);
	hi = fit->nitems - 1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = compare_names(fit->names[mid], fit->name_lens[mid], s, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* One step of the row: its item's emissions, or the transition only */
static void
item_step(const ItemWindowFit *fit, BktTrace *known, bool correct_null, Datum correct, int item)
{
	if (item < 0 || correct_null)
		bkt_step(&fit->steps[Max(item, 0)], known, BKT_STEP_MISSING);
	else
		bkt_step(&fit->steps[item], known,
				 DatumGetBool(correct) ? BKT_STEP_RIGHT : BKT_STEP_WRONG);
}

/*
 * P(known) before the current row, as window_known does it for bkt_params
 * (knowledge_tracing.c), with each row's own item.  A row whose item is
 * NULL or not in the fit (an item new since the fit) cannot be weighed:
 * its answer moves nothing, the learning step after it still happens, and
 * its predicted answer (bkt_correct) is NULL.  Returns false when the row
 * has no prediction at all; *item is the row's item rank or -1.
 */
static bool
item_window_known(FunctionCallInfo fcinfo, BktTrace *known, ItemWindowFit **fitp, int *item)
{
	WindowObject win = PG_WINDOW_OBJECT();
	ItemWindowState *ws = WinGetPartitionLocalMemory(win, sizeof(ItemWindowState));
	int64		pos = WinGetCurrentPosition(win);
	bool		isnull;
	Datum		d;
	ItemWindowFit *fit = NULL;
	bool		has_fit;

	d = WinGetFuncArgCurrent(win, 1, &isnull);
	if (!isnull)
		fit = window_fit(fcinfo, d);
	has_fit = fit != NULL;
	if (has_fit && ws->started && (fit->hash != ws->fit_hash || fit->len != ws->fit_len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bkt_item_params change within one window partition"),
				 errdetail("P(known) follows one learner on one skill, under one skill's parameters."),
				 errhint("Partition by learner and skill, for example OVER (PARTITION BY student, skill ORDER BY answered_at).")));
	if (!has_fit)
	{
		if (!ws->started)
			return false;
		/* the partition's fit, for the step of this row */
		fit = (ItemWindowFit *) fcinfo->flinfo->fn_extra;
	}

	if (!ws->started || ws->next != pos)
	{
		BktTrace	k;

		bkt_trace_init(&k, fit->prior);
		for (int64 r = 0; r < pos; r++)
		{
			bool		out,
						cnull,
						inull;
			Datum		c = WinGetFuncArgInPartition(win, 0, (int) r, WINDOW_SEEK_HEAD,
													 false, &cnull, &out);
			Datum		it = WinGetFuncArgInPartition(win, 2, (int) r, WINDOW_SEEK_HEAD,
													  false, &inull, &out);

			if ((r & 4095) == 4095)
				CHECK_FOR_INTERRUPTS();
			item_step(fit, &k, cnull, c, find_item(fit, inull, it));
		}
		ws->known = k;
		ws->fit_hash = fit->hash;
		ws->fit_len = fit->len;
		ws->started = true;
	}
	*known = ws->known;
	*fitp = fit;
	{
		bool		cnull,
					inull;
		Datum		c = WinGetFuncArgCurrent(win, 0, &cnull);
		Datum		it = WinGetFuncArgCurrent(win, 2, &inull);

		*item = find_item(fit, inull, it);
		item_step(fit, &ws->known, cnull, c, *item);
	}
	ws->next = pos + 1;
	WinSetMarkPosition(win, pos);
	return has_fit;
}

PG_FUNCTION_INFO_V1(bkt_item_state);
Datum
bkt_item_state(PG_FUNCTION_ARGS)
{
	BktTrace	known;
	ItemWindowFit *fit;
	int			item;

	if (!item_window_known(fcinfo, &known, &fit, &item))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(bkt_known(&known));
}

PG_FUNCTION_INFO_V1(bkt_item_correct);
Datum
bkt_item_correct(PG_FUNCTION_ARGS)
{
	BktTrace	known;
	ItemWindowFit *fit;
	int			item;

	if (!item_window_known(fcinfo, &known, &fit, &item) || item < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(fit->guess[item] * bkt_unknown(&known) + (1.0 - fit->slip[item]) * bkt_known(&known));
}
