/*
 * knowledge_tracing.c
 *		Bayesian Knowledge Tracing fitted in SQL: the bkt_fit aggregates
 *		(expectation maximization per skill, the model and fitting rules of
 *		pyBKT), the per-row predictions bkt_state and bkt_correct (window
 *		functions), and the bkt mastery method of a fitted bkt_params.
 *
 * The model: a learner either knows the skill or not.  Before the first
 * response P(known) = p_init; a response is correct with probability p_guess
 * when unknown and 1 - p_slip when known; after each response an unknown
 * skill is learned with probability p_learn and a known one forgotten with
 * p_forget (0 unless the forgets option asks for it).
 *
 * The aggregate only collects (learner, order key, response) triples; the
 * final function sorts them into one sequence per learner and runs EM, so
 * partial states from parallel workers merge by concatenation and the fit
 * does not depend on the order rows arrive in.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "competency.h"
#include "knowledge_tracing.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "windowapi.h"

/* Expected counts of one E-step */
typedef struct BktCounts
{
	double		trans[2][2];	/* [from][to] */
	double		emit[2][2];		/* [state][response] */
	double		init[2];
} BktCounts;

/* ---------- options ---------- */

pg_attribute_noreturn()
static void
options_error(const char *options, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid bkt_fit options: \"%s\"", options),
			 errdetail("%s", detail),
			 errhint("Write options as key=value pairs separated by commas, for example "
					 "'restarts=10, seed=7' or 'init=(0.5, 0.1, 0.2, 0.1), pybkt_compat'; "
					 "the keys are restarts, seed, init, forgets, tol, max_iter, pybkt_compat, "
					 "min_guess, max_guess, min_slip, max_slip, min_learn, max_learn and accelerate.")));
}

/* A number, decimal and finite; the error names the key */
static double
option_number(const char *options, const char **p, const char *key)
{
	double		v = 0.0;

	option_skip_blanks(p);
	switch (option_scan_number(p, &v))
	{
		case OPTION_NUMBER_OK:
			break;
		case OPTION_NUMBER_MISSING:
			options_error(options, psprintf("Option \"%s\" needs a number.", key));
		case OPTION_NUMBER_HEX:
			options_error(options, psprintf("Option \"%s\" needs a decimal number.", key));
		case OPTION_NUMBER_RANGE:
			options_error(options, psprintf("Option \"%s\" is out of range.", key));
	}
	return v;
}

/* A whole number from low to high */
static int
option_whole_number(const char *options, const char **p, const char *key, int low, int high)
{
	double		v = option_number(options, p, key);

	if (v != floor(v) || v < low || v > high)
		options_error(options, psprintf("Option \"%s\" is a whole number from %d to %d.", key, low, high));
	return (int) v;
}

static bool
option_flag(const char *options, const char **p, const char *key, bool has_value)
{
	int			flag;

	if (!has_value)
		return true;
	option_skip_blanks(p);
	flag = option_scan_flag(p);
	if (flag < 0)
		options_error(options, psprintf("Option \"%s\" is true or false.", key));
	return flag == 1;
}

static void
check_probability(const char *options, const char *what, double v, bool open)
{
	if (v < 0.0 || v > 1.0 || (open && (v == 0.0 || v == 1.0)))
		options_error(options, psprintf("%s must lie %s 0 and 1; %s was given.",
										what, open ? "strictly between" : "between",
										exact_float8(v)));
}

/* p_learn within min_learn and max_learn */
static inline double
bound_learn(const BktOptions *o, double learn)
{
	return Min(Max(learn, o->min_learn), o->max_learn);
}

void
bkt_parse_options(const char *options, BktOptions *o)
{
	static const char *const option_names[] = {
		"restarts", "seed", "init", "forgets", "tol", "max_iter", "pybkt_compat", "max_guess", "max_slip",
		"min_learn", "max_learn", "accelerate", "min_guess", "min_slip"
	};
	const char *p = options;
	bool		restarts_given = false;
	int			seen = 0;

	o->restarts = 5;
	o->seed = 42;
	o->has_init = false;
	o->init_forget_given = false;
	memset(&o->init, 0, sizeof(BktModel));
	o->forgets = false;
	o->tol = -1.0;				/* set below: it depends on the stop rule */
	o->max_iter = 100;
	o->pybkt_compat = false;
	o->max_guess = 1.0;
	o->max_slip = 1.0;
	o->min_guess = 0.0;
	o->min_slip = 0.0;
	o->accelerate = true;
	o->min_learn = 0.0;
	o->max_learn = 1.0;

	option_skip_blanks(&p);
	while (*p)
	{
		const char *start = p;
		char	   *key = option_scan_word(&p);
		bool		has_value;

		if (key == NULL)
			options_error(options, psprintf("Expected an option name at character %d.",
											(int) (start - options) + 1));
		option_skip_blanks(&p);
		has_value = (*p == '=');
		if (has_value)
			p++;
		for (int i = 0; i < (int) lengthof(option_names); i++)
			if (strcmp(key, option_names[i]) == 0)
			{
				if (seen & (1 << i))
					options_error(options, psprintf("Option \"%s\" is given twice.", key));
				seen |= 1 << i;
			}

		if (strcmp(key, "forgets") == 0)
			o->forgets = option_flag(options, &p, key, has_value);
		else if (strcmp(key, "pybkt_compat") == 0)
			o->pybkt_compat = option_flag(options, &p, key, has_value);
		else if (strcmp(key, "accelerate") == 0)
			o->accelerate = option_flag(options, &p, key, has_value);
		else if (!has_value)
			options_error(options, psprintf("Option \"%s\" needs a value (%s=...).", key, key));
		else if (strcmp(key, "restarts") == 0)
		{
			o->restarts = option_whole_number(options, &p, key, 0, BKT_MAX_RESTARTS);
			restarts_given = true;
		}
		else if (strcmp(key, "seed") == 0)
		{
			char	   *end = (char *) p;
			long long	v = -1;

			/* digits only: a seed is whole, and may pass double precision */
			option_skip_blanks(&p);
			errno = 0;
			if (isdigit((unsigned char) *p))
				v = strtoll(p, &end, 10);
			if (end == p || errno == ERANGE || v < 0)
				options_error(options, "Option \"seed\" is a whole number from 0 to 9223372036854775807.");
			p = end;
			o->seed = (uint64) v;
		}
		else if (strcmp(key, "init") == 0)
		{
			double		v[5];
			int			n = 0;
			const char *usage = "Option \"init\" is a list of four probabilities, init=(p_init, p_learn, p_guess, p_slip), or five with p_forget.";

			option_skip_blanks(&p);
			n = option_scan_tuple(&p, v, 5);
			if (n < 4)
				options_error(options, usage);
			if (n == 5)
				check_probability(options, "p_forget of option \"init\"", v[4], false);
			o->init_forget_given = (n == 5);
			check_probability(options, "p_init of option \"init\"", v[0], false);
			check_probability(options, "p_learn of option \"init\"", v[1], false);
			check_probability(options, "p_guess of option \"init\"", v[2], false);
			check_probability(options, "p_slip of option \"init\"", v[3], false);
			o->has_init = true;
			o->init.prior = v[0];
			o->init.learn = v[1];
			o->init.guess = v[2];
			o->init.slip = v[3];
			o->init.forget = n == 5 ? v[4] : 0.0;
		}
		else if (strcmp(key, "tol") == 0)
		{
			o->tol = option_number(options, &p, key);
			if (o->tol <= 0.0)
				options_error(options, "Option \"tol\" must be greater than 0.");
		}
		else if (strcmp(key, "max_iter") == 0)
			o->max_iter = option_whole_number(options, &p, key, 1, BKT_MAX_ITER);
		else if (strcmp(key, "max_guess") == 0 || strcmp(key, "max_slip") == 0)
		{
			double		v = option_number(options, &p, key);

			if (v <= 0.0 || v > 1.0)
				options_error(options, psprintf("Option \"%s\" lies above 0 and at most 1.", key));
			if (key[4] == 'g')
				o->max_guess = v;
			else
				o->max_slip = v;
		}
		else if (strcmp(key, "min_guess") == 0 || strcmp(key, "min_slip") == 0)
		{
			double		v = option_number(options, &p, key);

			if (v < 0.0 || v >= 0.5)
				options_error(options, psprintf("Option \"%s\" lies from 0 to below 0.5.", key));
			if (key[4] == 'g')
				o->min_guess = v;
			else
				o->min_slip = v;
		}
		else if (strcmp(key, "min_learn") == 0 || strcmp(key, "max_learn") == 0)
		{
			double		v = option_number(options, &p, key);

			if (v < 0.0 || v > 1.0)
				options_error(options, psprintf("Option \"%s\" lies between 0 and 1.", key));
			if (key[1] == 'i')
				o->min_learn = v;
			else
				o->max_learn = v;
		}
		else
			options_error(options, psprintf("Option \"%s\" is not known.", key));

		option_skip_blanks(&p);
		if (*p == ',')
		{
			p++;
			option_skip_blanks(&p);
			if (*p == '\0')
				options_error(options, "An option name must follow the last comma.");
		}
		else if (*p != '\0')
			options_error(options, psprintf("Expected a comma at character %d.",
											(int) (p - options) + 1));
	}

	/* with a start of one's own, restarts add to it only when asked */
	if (o->has_init && !restarts_given)
		o->restarts = 0;
	if (!o->has_init && o->restarts == 0)
		options_error(options, "With restarts=0 there is nothing to fit from; give init=(...) or restarts of 1 or more.");
	/* pyBKT's own steps, E-step for E-step */
	if (o->pybkt_compat)
		o->accelerate = false;
	/*
	 * pyBKT stops when the log-likelihood, truncated to an integer, changes
	 * by less than 1e-3.  Our float rule needs a finer step to get as far.
	 */
	if (o->tol < 0.0)
		o->tol = o->pybkt_compat ? 1e-3 : o->accelerate ? 1e-7 : 1e-6;
	if (o->init_forget_given && !o->forgets && o->init.forget != 0.0)
		options_error(options, "A p_forget in option \"init\" needs the option \"forgets\"; without it p_forget is 0.");
	if (o->init_forget_given && o->forgets && o->init.forget == 0.0)
		options_error(options, "With \"forgets\", the p_forget of option \"init\" must be above 0: EM never moves a p_forget of 0.");
	if (o->min_learn > o->max_learn)
		options_error(options, psprintf("Option \"min_learn\" (%s) is above option \"max_learn\" (%s).",
										exact_float8(o->min_learn), exact_float8(o->max_learn)));
	if (o->min_guess > o->max_guess || o->min_slip > o->max_slip)
		options_error(options, "Option \"min_guess\" or \"min_slip\" is above its \"max_\" bound.");
	if (o->has_init)
	{
		o->init.guess = Min(Max(o->init.guess, o->min_guess), o->max_guess);
		o->init.slip = Min(Max(o->init.slip, o->min_slip), o->max_slip);
		o->init.learn = bound_learn(o, o->init.learn);
	}
}

/* ---------- the aggregate state ---------- */

static BktFitState *
new_state(MemoryContext cxt, const char *options, int len)
{
	BktFitState *st = MemoryContextAllocZero(cxt, sizeof(BktFitState));

	st->options = MemoryContextAlloc(cxt, len + 1);
	memcpy(st->options, options, len);
	st->options[len] = '\0';
	st->options_len = len;
	st->learners.cxt = cxt;
	st->items.cxt = cxt;
	return st;
}

/* Options are compared as given, byte for byte: no copy per row */
static void
check_same_options(const BktFitState *st, const char *options, int len)
{
	if (len != st->options_len || memcmp(st->options, options, len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bkt_fit options differ between rows of one group"),
				 errdetail("One row gives \"%s\" and another \"%s\".", st->options, pnstrdup(options, len)),
				 errhint("Pass the same options to every row of a group, usually a constant.")));
}

static void
too_many_responses(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("bkt_fit takes at most %d responses in one group", BKT_MAX_RESPONSES),
			 errhint("Fit on a sample of learners, or group by a finer key such as skill and school year.")));
}

/*
 * The learner of the next response: one entry per distinct identifier, so
 * memory and the limits do not depend on the order rows arrive in.
 */
static uint32
learner_index(BktFitState *st, const char *name, uint32 len)
{
	uint32		hash;
	int64		idx = string_table_find(&st->learners, name, len, &hash);

	if (idx >= 0)
		return (uint32) idx;
	if (st->learners.nbytes + len > BKT_MAX_NAMES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_fit takes at most 1 GB of learner identifiers in one group"),
				 errhint("Use shorter learner identifiers, such as student numbers.")));
	/* never more learners than responses, and those are limited */
	if (st->learners.n >= BKT_MAX_RESPONSES)
		too_many_responses();
	return string_table_add(&st->learners, name, len, hash);
}

/* The item of the next response (bkt_item_fit), bounded like the learners */
static uint16
item_index(BktFitState *st, const char *name, uint32 len)
{
	uint32		hash;
	int64		idx = string_table_find(&st->items, name, len, &hash);

	if (idx >= 0)
		return (uint16) idx;
	if (st->items.n >= BKT_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_item_fit takes at most %d items in one group", BKT_MAX_ITEMS),
				 errdetail("Each item has a p_guess and a p_slip of its own; a group with more items rests few answers on each."),
				 errhint("Group by a finer key such as the standard, or fit items of few answers together under one code.")));
	if (st->items.nbytes + len > BKT_MAX_ITEM_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_item_fit takes at most 16 MB of item identifiers in one group"),
				 errhint("Use shorter item identifiers, such as item codes.")));
	return (uint16) string_table_add(&st->items, name, len, hash);
}

static void
add_response(MemoryContext cxt, BktFitState *st, uint32 learner, uint16 item, int64 key, uint8 code)
{
	if (st->nresponses >= BKT_MAX_RESPONSES)
		too_many_responses();
	st->responses = grow_array(cxt, st->responses, &st->responses_cap, st->nresponses + 1,
								sizeof(BktResponse), 256, BKT_MAX_RESPONSES);
	st->responses[st->nresponses].key = key;
	st->responses[st->nresponses].learner = learner;
	st->responses[st->nresponses].item = item;
	st->responses[st->nresponses].code = code;
	st->nresponses++;
}

/* Everything of src appended to dst (combine): its learners, then its responses */
static void
append_state(MemoryContext cxt, BktFitState *dst, const BktFitState *src)
{
	uint32	   *map = palloc_extended(Max(src->learners.n, 1) * sizeof(uint32), MCXT_ALLOC_HUGE);
	uint16		item_map[BKT_MAX_ITEMS];

	for (uint32 i = 0; i < src->learners.n; i++)
		map[i] = learner_index(dst, string_table_bytes(&src->learners, i), src->learners.entries[i].len);
	item_map[0] = 0;
	for (uint32 i = 0; i < src->items.n; i++)
		item_map[i] = item_index(dst, string_table_bytes(&src->items, i), src->items.entries[i].len);
	for (Size i = 0; i < src->nresponses; i++)
	{
		add_response(cxt, dst, map[src->responses[i].learner], item_map[src->responses[i].item],
					 src->responses[i].key, src->responses[i].code);
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(map);
}

/* The options argument's bytes, read in place ("" for none or NULL) */
static const char *
options_argument(FunctionCallInfo fcinfo, int argno, int *len)
{
	text	   *t;

	*len = 0;
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return "";
	t = PG_GETARG_TEXT_PP(argno);
	*len = VARSIZE_ANY_EXHDR(t);
	return VARDATA_ANY(t);
}

/* A 0/1 answer: anything else is refused, not read as right */
static uint8
integer_answer(int32 v)
{
	if (v != 0 && v != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("correct must be 0 or 1, not %d", v),
				 errdetail("An integer answer is 1 when right and 0 when wrong."),
				 errhint("Give NULL for a missing answer, or map other codes first, for example (score >= 1)::int.")));
	return (uint8) v;
}

/* The kind of learner and answer columns of one transition function */
typedef enum BktColumns
{
	LEARNER_TEXT_CORRECT_BOOLEAN,
	LEARNER_TEXT_CORRECT_INTEGER,
	LEARNER_BIGINT_CORRECT_BOOLEAN,
	LEARNER_BIGINT_CORRECT_INTEGER
} BktColumns;

/*
 * bkt_fit and bkt_model (learner, observed_at | seq, correct [, options]),
 * and bkt_crossvalidate (..., folds, seed, options): rows without a learner
 * or an order key add nothing; a NULL correct is a missing response (the
 * skill may still be learned at that step, as in pyBKT).  A bigint learner
 * is its decimal text, so 42 and '42' are one learner.
 */
static Datum
fit_transition(FunctionCallInfo fcinfo, BktColumns columns, bool crossvalidate, bool items)
{
	MemoryContext aggcontext;
	BktFitState *st = PG_ARGISNULL(0) ? NULL : (BktFitState *) PG_GETARG_POINTER(0);
	const char *options;
	int			options_len;
	int32		folds = 0;
	int64		fold_seed = 0;
	uint32		idx;
	uint16		item = 0;
	uint8		code;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "bkt_fit_transfn called in non-aggregate context");
	options = options_argument(fcinfo, crossvalidate ? 6 : items ? 5 : 4, &options_len);
	if (crossvalidate)
	{
		folds = PG_ARGISNULL(4) ? 5 : PG_GETARG_INT32(4);
		fold_seed = PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5);
		if (folds < 2 || folds > BKT_MAX_FOLDS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bkt_crossvalidate takes 2 to %d folds, not %d", BKT_MAX_FOLDS, folds),
					 errhint("Five folds (the default, NULL) are usual.")));
	}
	if (st == NULL)
	{
		BktOptions	o;

		st = new_state(aggcontext, options, options_len);
		st->folds = folds;
		st->fold_seed = fold_seed;
		st->has_items = items;
		/* bad options fail on the first row, not after the scan */
		bkt_parse_options(st->options, &o);
	}
	else
	{
		check_same_options(st, options, options_len);
		if (st->folds != folds || st->fold_seed != fold_seed)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bkt_crossvalidate folds or seed differ between rows of one group"),
					 errhint("Pass the same folds and seed to every row of a group, usually constants.")));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	/* bkt_item_fit: a row without its item is not weighed (as one without a learner) */
	if (items)
	{
		text	   *name;

		if (PG_ARGISNULL(4))
			PG_RETURN_POINTER(st);
		name = PG_GETARG_TEXT_PP(4);
		item = item_index(st, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	}

	if (PG_ARGISNULL(3))
		code = BKT_MISSING;
	else if (columns == LEARNER_TEXT_CORRECT_INTEGER || columns == LEARNER_BIGINT_CORRECT_INTEGER)
		code = integer_answer(PG_GETARG_INT32(3));
	else
		code = PG_GETARG_BOOL(3) ? BKT_RIGHT : BKT_WRONG;

	if (columns == LEARNER_BIGINT_CORRECT_BOOLEAN || columns == LEARNER_BIGINT_CORRECT_INTEGER)
	{
		char		digits[MAXINT8LEN + 1];
		int			len = pg_lltoa(PG_GETARG_INT64(1), digits);

		idx = learner_index(st, digits, (uint32) len);
	}
	else
	{
		text	   *learner = PG_GETARG_TEXT_PP(1);

		idx = learner_index(st, VARDATA_ANY(learner), VARSIZE_ANY_EXHDR(learner));
	}
	add_response(aggcontext, st, idx, item, PG_GETARG_INT64(2), code);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(bkt_fit_transfn);
Datum
bkt_fit_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_BOOLEAN, false, false);
}

PG_FUNCTION_INFO_V1(bkt_fit_integer_transfn);
Datum
bkt_fit_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_INTEGER, false, false);
}

PG_FUNCTION_INFO_V1(bkt_fit_bigint_transfn);
Datum
bkt_fit_bigint_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_BOOLEAN, false, false);
}

PG_FUNCTION_INFO_V1(bkt_fit_bigint_integer_transfn);
Datum
bkt_fit_bigint_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_INTEGER, false, false);
}

PG_FUNCTION_INFO_V1(bkt_crossvalidate_transfn);
Datum
bkt_crossvalidate_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_BOOLEAN, true, false);
}

PG_FUNCTION_INFO_V1(bkt_crossvalidate_integer_transfn);
Datum
bkt_crossvalidate_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_INTEGER, true, false);
}

PG_FUNCTION_INFO_V1(bkt_crossvalidate_bigint_transfn);
Datum
bkt_crossvalidate_bigint_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_BOOLEAN, true, false);
}

PG_FUNCTION_INFO_V1(bkt_crossvalidate_bigint_integer_transfn);
Datum
bkt_crossvalidate_bigint_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_INTEGER, true, false);
}

PG_FUNCTION_INFO_V1(bkt_item_fit_transfn);
Datum
bkt_item_fit_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_BOOLEAN, false, true);
}

PG_FUNCTION_INFO_V1(bkt_item_fit_integer_transfn);
Datum
bkt_item_fit_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_TEXT_CORRECT_INTEGER, false, true);
}

PG_FUNCTION_INFO_V1(bkt_item_fit_bigint_transfn);
Datum
bkt_item_fit_bigint_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_BOOLEAN, false, true);
}

PG_FUNCTION_INFO_V1(bkt_item_fit_bigint_integer_transfn);
Datum
bkt_item_fit_bigint_integer_transfn(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, LEARNER_BIGINT_CORRECT_INTEGER, false, true);
}

PG_FUNCTION_INFO_V1(bkt_fit_combinefn);
Datum
bkt_fit_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BktFitState *a = PG_ARGISNULL(0) ? NULL : (BktFitState *) PG_GETARG_POINTER(0);
	BktFitState *b = PG_ARGISNULL(1) ? NULL : (BktFitState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "bkt_fit_combinefn called in non-aggregate context");
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = new_state(aggcontext, b->options, b->options_len);
		a->folds = b->folds;
		a->fold_seed = b->fold_seed;
		a->has_items = b->has_items;
	}
	else
		check_same_options(a, b->options, b->options_len);
	if (a->has_items != b->has_items)
		elog(ERROR, "bkt_fit_combinefn combines a state with items and one without");
	append_state(aggcontext, a, b);
	PG_RETURN_POINTER(a);
}

/*
 * Partial states in bytes that depend on nothing of the session: a format
 * byte, the options, the folds, the learners' identifiers as raw bytes, a
 * byte for items and their identifiers (bkt_item_fit), then the responses
 * (learner index, key, code, and the item index with items), integers in
 * network order.
 */
PG_FUNCTION_INFO_V1(bkt_fit_serializefn);
Datum
bkt_fit_serializefn(PG_FUNCTION_ARGS)
{
	BktFitState *st = (BktFitState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	Size		olen = strlen(st->options);
	Size		per_response = st->has_items ? 15 : 13;
	Size		size = 1 + 4 + olen + 4 + 8 + 4 + (Size) st->learners.n * 4 + st->learners.nbytes +
		1 + 4 + (Size) st->items.n * 4 + st->items.nbytes + 8 + st->nresponses * per_response;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_fit_serializefn called in non-aggregate context");
	if (size > MaxAllocSize - VARHDRSZ - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bkt_fit partial state of %zu bytes is too large to pass between processes", size),
				 errhint("Set max_parallel_workers_per_gather = 0 for this query, or fit fewer responses per group.")));
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) size);
	pq_sendbyte(&buf, BKT_STATE_FORMAT);
	pq_sendint32(&buf, (uint32) olen);
	pq_sendbytes(&buf, st->options, (int) olen);
	pq_sendint32(&buf, (uint32) st->folds);
	pq_sendint64(&buf, (uint64) st->fold_seed);
	pq_sendint32(&buf, st->learners.n);
	for (uint32 i = 0; i < st->learners.n; i++)
	{
		pq_sendint32(&buf, st->learners.entries[i].len);
		pq_sendbytes(&buf, string_table_bytes(&st->learners, i), (int) st->learners.entries[i].len);
	}
	pq_sendbyte(&buf, st->has_items ? 1 : 0);
	pq_sendint32(&buf, st->items.n);
	for (uint32 i = 0; i < st->items.n; i++)
	{
		pq_sendint32(&buf, st->items.entries[i].len);
		pq_sendbytes(&buf, string_table_bytes(&st->items, i), (int) st->items.entries[i].len);
	}
	pq_sendint64(&buf, (uint64) st->nresponses);
	for (Size i = 0; i < st->nresponses; i++)
	{
		pq_sendint32(&buf, st->responses[i].learner);
		pq_sendint64(&buf, (uint64) st->responses[i].key);
		pq_sendbyte(&buf, st->responses[i].code);
		if (st->has_items)
			pq_sendint16(&buf, st->responses[i].item);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

pg_attribute_noreturn()
static void
corrupt_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid bkt_fit partial state"),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(bkt_fit_deserializefn);
Datum
bkt_fit_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext cxt = CurrentMemoryContext;
	StringInfoData msg;
	BktFitState *st;
	uint32		olen,
				nlearners,
				nitems;
	int			has_items;
	uint64		per_response;
	uint16		item_remap[BKT_MAX_ITEMS];
	uint64		nresponses;
	char	   *options;
	uint32	   *remap;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_fit_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < 34 || pq_getmsgbyte(&msg) != BKT_STATE_FORMAT)
		corrupt_state("Its header is missing or has an unknown format.");
	olen = pq_getmsgint(&msg, 4);
	if (olen > (uint32) (msg.len - msg.cursor))
		corrupt_state("Its options run past its end.");
	options = palloc(olen + 1);
	pq_copymsgbytes(&msg, options, (int) olen);
	options[olen] = '\0';
	if (strlen(options) != olen)
		corrupt_state("Its options hold a zero byte.");
	st = new_state(cxt, options, (int) olen);
	if (msg.len - msg.cursor < 12)
		corrupt_state("Its folds are missing.");
	st->folds = (int32) pq_getmsgint(&msg, 4);
	st->fold_seed = (int64) pq_getmsgint64(&msg);
	if (st->folds != 0 && (st->folds < 2 || st->folds > BKT_MAX_FOLDS))
		corrupt_state("Its number of folds is out of range.");

	nlearners = pq_getmsgint(&msg, 4);
	if (nlearners > BKT_MAX_RESPONSES ||
		(uint64) nlearners * 4 > (uint64) (msg.len - msg.cursor))
		corrupt_state("Its learner count does not match its size.");
	remap = palloc(Max(nlearners, 1) * sizeof(uint32));
	for (uint32 i = 0; i < nlearners; i++)
	{
		uint32		len = pq_getmsgint(&msg, 4);
		const char *name;

		if (len > (uint32) (msg.len - msg.cursor))
			corrupt_state("A learner identifier runs past its end.");
		name = pq_getmsgbytes(&msg, (int) len);
		remap[i] = learner_index(st, name, len);
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (msg.len - msg.cursor < 5)
		corrupt_state("Its items are missing.");
	has_items = pq_getmsgbyte(&msg);
	if (has_items != 0 && has_items != 1)
		corrupt_state("Its item flag is neither 0 nor 1.");
	st->has_items = has_items == 1;
	nitems = pq_getmsgint(&msg, 4);
	if ((!st->has_items && nitems != 0) || nitems > BKT_MAX_ITEMS ||
		(uint64) nitems * 4 > (uint64) (msg.len - msg.cursor))
		corrupt_state("Its item count does not match its size.");
	item_remap[0] = 0;
	for (uint32 i = 0; i < nitems; i++)
	{
		uint32		len = pq_getmsgint(&msg, 4);
		const char *name;

		if (len > (uint32) (msg.len - msg.cursor))
			corrupt_state("An item identifier runs past its end.");
		name = pq_getmsgbytes(&msg, (int) len);
		item_remap[i] = item_index(st, name, len);
	}
	if (msg.len - msg.cursor < 8)
		corrupt_state("Its response count is missing.");
	nresponses = pq_getmsgint64(&msg);
	per_response = st->has_items ? 15 : 13;
	if (nresponses > BKT_MAX_RESPONSES ||
		nresponses * per_response != (uint64) (msg.len - msg.cursor))
		corrupt_state("Its response count does not match its size.");
	for (uint64 i = 0; i < nresponses; i++)
	{
		uint32		learner = pq_getmsgint(&msg, 4);
		int64		key = (int64) pq_getmsgint64(&msg);
		int			code = pq_getmsgbyte(&msg);
		uint32		item = st->has_items ? pq_getmsgint(&msg, 2) : 0;

		if (learner >= nlearners)
			corrupt_state("A response refers to a learner it does not hold.");
		if (code != BKT_WRONG && code != BKT_RIGHT && code != BKT_MISSING)
			corrupt_state("A response has an unknown code.");
		if (st->has_items && item >= nitems)
			corrupt_state("A response refers to an item it does not hold.");
		add_response(cxt, st, remap[learner], item_remap[item], key, (uint8) code);
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

/* ---------- sequences ---------- */

/* What the sorts compare with, and a count to check for interrupts by */
typedef struct SortContext
{
	const StringTable *names;	/* the table whose entries are being ordered */
	const uint32 *rank;
	const uint32 *item_rank;	/* with items, else NULL */
	uint32		calls;
} SortContext;

static inline void
sort_progress(SortContext *sc)
{
	if ((++sc->calls & 0xFFFFF) == 0)
		CHECK_FOR_INTERRUPTS();
}

static int
cmp_names(const void *a, const void *b, void *arg)
{
	SortContext *sc = (SortContext *) arg;
	const StringTable *t = sc->names;
	const StringTableEntry *x = &t->entries[*(const uint32 *) a];
	const StringTableEntry *y = &t->entries[*(const uint32 *) b];
	int			c;

	sort_progress(sc);
	c = memcmp(t->bytes + x->off, t->bytes + y->off, Min(x->len, y->len));
	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/*
 * Responses in sequence order: learner (rank), key, then wrong, right,
 * missing, then the item (rank)
 */
static int
cmp_responses(const void *a, const void *b, void *arg)
{
	SortContext *sc = (SortContext *) arg;
	const BktResponse *x = (const BktResponse *) a;
	const BktResponse *y = (const BktResponse *) b;
	uint32		rx = sc->rank[x->learner],
				ry = sc->rank[y->learner];

	sort_progress(sc);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->code != y->code)
		return (int) x->code - (int) y->code;
	if (sc->item_rank)
		return (int) sc->item_rank[x->item] - (int) sc->item_rank[y->item];
	return 0;
}

/*
 * One sequence per learner, ordered by key with ties broken by the
 * response (wrong before right before missing), learners in byte order of
 * their identifiers: the same sequences, summed in the same order, however
 * the rows arrived.  The responses are sorted in place: that changes no
 * content of the state (a multiset of responses whose learner entries stay
 * put), so a final call of a window frame, or of another aggregate sharing
 * the state, sees the same state.
 */
void
bkt_build_sequences(BktFitState *st, BktData *d, uint32 **seq_learner)
{
	uint32	   *order = palloc_extended(Max(st->learners.n, 1) * sizeof(uint32), MCXT_ALLOC_HUGE);
	uint32	   *rank = palloc_extended(Max(st->learners.n, 1) * sizeof(uint32), MCXT_ALLOC_HUGE);
	int64		n = (int64) st->nresponses;
	int64		seq = 0;
	uint32	   *item_rank = NULL;
	SortContext sc = {&st->items, NULL, NULL, 0};

	/* items too in byte order: d->item holds ranks, d->item_order the entries */
	d->item_order = NULL;
	d->nitems = 0;
	if (st->has_items)
	{
		d->nitems = (int) st->items.n;
		d->item_order = palloc(Max(st->items.n, 1) * sizeof(uint32));
		item_rank = palloc(Max(st->items.n, 1) * sizeof(uint32));
		for (uint32 i = 0; i < st->items.n; i++)
			d->item_order[i] = i;
		qsort_arg(d->item_order, st->items.n, sizeof(uint32), cmp_names, &sc);
		for (uint32 i = 0; i < st->items.n; i++)
			item_rank[d->item_order[i]] = i;
	}
	sc.names = &st->learners;
	sc.rank = rank;
	sc.item_rank = item_rank;

	/* learner entries are distinct identifiers: their order is their rank */
	for (uint32 i = 0; i < st->learners.n; i++)
		order[i] = i;
	qsort_arg(order, st->learners.n, sizeof(uint32), cmp_names, &sc);
	for (uint32 i = 0; i < st->learners.n; i++)
		rank[order[i]] = i;
	CHECK_FOR_INTERRUPTS();
	qsort_arg(st->responses, n, sizeof(BktResponse), cmp_responses, &sc);
	CHECK_FOR_INTERRUPTS();

	d->code = palloc_extended(Max(n, 1), MCXT_ALLOC_HUGE);
	d->item = st->has_items ? palloc_extended(Max(n, 1) * sizeof(uint16), MCXT_ALLOC_HUGE) : NULL;
	d->start = palloc_extended(((Size) st->learners.n + 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	d->maxlen = 0;
	if (seq_learner)
		*seq_learner = palloc_extended(Max(st->learners.n, 1) * sizeof(uint32), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		d->code[i] = st->responses[i].code;
		if (d->item)
			d->item[i] = (uint16) item_rank[st->responses[i].item];
		if (i == 0 || st->responses[i].learner != st->responses[i - 1].learner)
		{
			if (seq > 0)
				d->maxlen = Max(d->maxlen, i - d->start[seq - 1]);
			Assert(seq < (int64) st->learners.n);
			if (seq_learner)
				(*seq_learner)[seq] = st->responses[i].learner;
			d->start[seq++] = i;
		}
	}
	if (seq > 0)
		d->maxlen = Max(d->maxlen, n - d->start[seq - 1]);
	d->start[seq] = n;
	d->nseq = seq;
	pfree(order);
	pfree(rank);
	if (item_rank)
		pfree(item_rank);
}

/* ---------- EM ---------- */

/*
 * P(response | state), in pyBKT's form: an emission probability of exactly
 * 0 leaves the likelihood at 1 (so a fit that reached slip = 0 never sees an
 * impossible sequence).
 */
static inline void
likelihoods(const BktModel *m, uint8 code, double *l0, double *l1)
{
	if (code == BKT_RIGHT)
	{
		*l0 = m->guess != 0.0 ? m->guess : 1.0;
		*l1 = (1.0 - m->slip) != 0.0 ? 1.0 - m->slip : 1.0;
	}
	else if (code == BKT_WRONG)
	{
		*l0 = (1.0 - m->guess) != 0.0 ? 1.0 - m->guess : 1.0;
		*l1 = m->slip != 0.0 ? m->slip : 1.0;
	}
	else
	{
		*l0 = 1.0;
		*l1 = 1.0;
	}
}

/*
 * The log-likelihood of every sequence at m, and when c is given the
 * expected counts (scaled forward pass, then the backward smoother).  alpha
 * holds 2 * maxlen doubles.
 */
static double
e_step(const BktData *d, const BktModel *m, BktCounts *c, double *alpha)
{
	double		ll = 0.0;
	double		prod = 1.0;
	double		a00 = 1.0 - m->learn,
				a01 = m->forget,
				a10 = m->learn,
				a11 = 1.0 - m->forget;

	if (c)
		memset(c, 0, sizeof(BktCounts));
	for (int64 s = 0; s < d->nseq; s++)
	{
		const uint8 *code = d->code + d->start[s];
		int64		len = d->start[s + 1] - d->start[s];
		double		l0,
					l1,
					x0,
					x1,
					norm;

		if ((s & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();

		/* forward, normalized at each step; log-likelihood = sum log(norm) */
		likelihoods(m, code[0], &l0, &l1);
		x0 = (1.0 - m->prior) * l0;
		x1 = m->prior * l1;
		for (int64 t = 0;;)
		{
			norm = x0 + x1;
			{
				/* one division a step, not two */
				double		inv = 1.0 / norm;

				alpha[2 * t] = x0 * inv;
				alpha[2 * t + 1] = x1 * inv;
			}
			/* one log per ~200 orders of magnitude instead of one a row */
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
			likelihoods(m, code[t], &l0, &l1);
			x0 = (a00 * alpha[2 * t - 2] + a01 * alpha[2 * t - 1]) * l0;
			x1 = (a10 * alpha[2 * t - 2] + a11 * alpha[2 * t - 1]) * l1;
		}
		if (c == NULL)
			continue;

		/* backward: gamma(t) from gamma(t + 1) and the forward message */
		{
			double		g0 = alpha[2 * (len - 1)],
						g1 = alpha[2 * (len - 1) + 1];

			if (code[len - 1] != BKT_MISSING)
			{
				c->emit[0][code[len - 1]] += g0;
				c->emit[1][code[len - 1]] += g1;
			}
			for (int64 t = len - 2; t >= 0; t--)
			{
				double		f0 = alpha[2 * t],
							f1 = alpha[2 * t + 1];
				double		p0 = a00 * f0 + a01 * f1;	/* P(state at t + 1) */
				double		p1 = a10 * f0 + a11 * f1;
				double		r0 = p0 != 0.0 ? g0 / p0 : 0.0;
				double		r1 = p1 != 0.0 ? g1 / p1 : 0.0;
				double		n00 = a00 * f0 * r0,	/* from 0 to 0 */
							n01 = a10 * f0 * r1,	/* from 0 to 1 */
							n10 = a01 * f1 * r0,	/* from 1 to 0 */
							n11 = a11 * f1 * r1;	/* from 1 to 1 */

				c->trans[0][0] += n00;
				c->trans[0][1] += n01;
				c->trans[1][0] += n10;
				c->trans[1][1] += n11;
				g0 = n00 + n01;
				g1 = n10 + n11;
				if (code[t] != BKT_MISSING)
				{
					c->emit[0][code[t]] += g0;
					c->emit[1][code[t]] += g1;
				}
			}
			c->init[0] += g0;
			c->init[1] += g1;
		}
	}
	return ll + log(prod);
}

/*
 * The M-step, pyBKT's rules: a state never left takes its transitions to
 * "known"; a state with no responses emits right and wrong equally.
 */
static BktModel
m_step(const BktCounts *c, const BktOptions *o)
{
	BktModel	m;
	double		out0 = c->trans[0][0] + c->trans[0][1];
	double		out1 = c->trans[1][0] + c->trans[1][1];
	double		e0 = c->emit[0][0] + c->emit[0][1];
	double		e1 = c->emit[1][0] + c->emit[1][1];

	m.learn = out0 == 0.0 ? 1.0 : c->trans[0][1] / out0;
	m.forget = (!o->forgets || out1 == 0.0) ? 0.0 : c->trans[1][0] / out1;
	m.guess = e0 == 0.0 ? 0.5 : c->emit[0][BKT_RIGHT] / e0;
	m.slip = e1 == 0.0 ? 0.5 : c->emit[1][BKT_WRONG] / e1;
	m.prior = c->init[1] / (c->init[0] + c->init[1]);
	/* bounded EM: the bound holds at every step, not only at the end */
	m.guess = Min(Max(m.guess, o->min_guess), o->max_guess);
	m.slip = Min(Max(m.slip, o->min_slip), o->max_slip);
	m.learn = bound_learn(o, m.learn);
	return m;
}


/*
 * EM from one start.  The stop rule: after at least three E-steps, the
 * log-likelihood changed by less than tol since the previous one (with
 * pybkt_compat, both truncated to integers first).  The parameters returned
 * are those of the last E-step, whose log-likelihood is exact; if max_iter
 * runs out, those of the last M-step, with one more pass for theirs.
 */
static BktFit
fit_from(const BktData *d, BktModel m, const BktOptions *o, double *alpha)
{
	BktFit		f;
	BktCounts	c;
	double		prev = 0.0;

	for (int i = 0; i < o->max_iter; i++)
	{
		double		ll,
					cmp;

		CHECK_FOR_INTERRUPTS();
		ll = e_step(d, &m, &c, alpha);
		cmp = o->pybkt_compat ? trunc(ll) : ll;
		if (i > 1 && fabs(cmp - prev) < o->tol)
		{
			f.m = m;
			f.ll = ll;
			f.iterations = i + 1;
			f.converged = true;
			return f;
		}
		prev = cmp;
		m = m_step(&c, o);
	}
	f.m = m;
	f.ll = e_step(d, &m, NULL, alpha);
	f.iterations = o->max_iter;
	f.converged = false;
	return f;
}

/* ---------- SQUAREM ---------- */

/*
 * EM creeps where the likelihood is flat: on real data (item difficulty,
 * learners who learn in jumps) a fifth of the skills of the ASSISTments
 * skill builder stop at 100 E-steps unconverged.  SQUAREM (Varadhan and
 * Roland 2008, scheme S3) takes two EM steps r and then v, and jumps along
 * them: x = x0 - 2a r + a^2 v with a = -|r| / |v|, followed by an EM step
 * from x.  The jump is kept only when it lands where EM could be (inside
 * [0, 1] and the bounds) and its likelihood is at least that after one EM
 * step; otherwise the plain double step is taken.  So the likelihood never
 * falls, and the stop rule is the plain one: two consecutive EM E-steps
 * whose log-likelihoods differ by less than tol.
 */
#define BKT_NPARAMS			5
/* halvings of the jump toward the plain double step before giving up on it */
#define BKT_MAX_BACKTRACK	8
/* a start this close to the best fit so far climbs to it: stop it */
#define BKT_SAME_FIT		1e-4

static inline void
model_vector(const BktModel *m, double v[BKT_NPARAMS])
{
	v[0] = m->prior;
	v[1] = m->learn;
	v[2] = m->forget;
	v[3] = m->guess;
	v[4] = m->slip;
}

static inline BktModel
vector_model(const double v[BKT_NPARAMS])
{
	BktModel	m;

	m.prior = v[0];
	m.learn = v[1];
	m.forget = v[2];
	m.guess = v[3];
	m.slip = v[4];
	return m;
}

/*
 * Could EM be at x?  Inside [0, 1] and the bounds, and strictly inside
 * wherever the EM step em is: a probability that reaches 0 or 1 exactly
 * is one EM never moves again.
 */
static bool
feasible(const BktModel *x, const BktModel *em, const BktOptions *o)
{
	double		xv[BKT_NPARAMS],
				ev[BKT_NPARAMS];

	model_vector(x, xv);
	model_vector(em, ev);
	for (int i = 0; i < BKT_NPARAMS; i++)
	{
		if (!(xv[i] >= 0.0 && xv[i] <= 1.0))	/* NaN too */
			return false;
		if (ev[i] > 0.0 && ev[i] < 1.0 && (xv[i] == 0.0 || xv[i] == 1.0))
			return false;
	}
	return x->guess <= o->max_guess && x->slip <= o->max_slip &&
		x->guess >= o->min_guess && x->slip >= o->min_slip &&
		x->learn >= o->min_learn && x->learn <= o->max_learn;
}

static bool
same_fit(const BktModel *a, const BktModel *b)
{
	double		av[BKT_NPARAMS],
				bv[BKT_NPARAMS];

	model_vector(a, av);
	model_vector(b, bv);
	for (int i = 0; i < BKT_NPARAMS; i++)
		if (fabs(av[i] - bv[i]) > BKT_SAME_FIT)
			return false;
	return true;
}

/*
 * EM from one start with SQUAREM jumps.  Returns what fit_from returns; a
 * start that comes within BKT_SAME_FIT of best (a fit of this skill from an
 * earlier start) below its likelihood is stopped there, since it climbs to
 * that same fit: its result, lower than best's, is never chosen.
 */
static BktFit
fit_from_squarem(const BktData *d, BktModel m0, const BktOptions *o, double *alpha,
				 const BktFit *best)
{
	BktFit		f;
	BktCounts	c;
	int			esteps = 0;
	double		prev = 0.0;		/* log-likelihood of the last E-step */

	for (;;)
	{
		BktModel	m1,
					m2,
					mx;
		double		ll0,
					ll1,
					llx,
					x0[BKT_NPARAMS],
					x1[BKT_NPARAMS],
					x2[BKT_NPARAMS],
					r[BKT_NPARAMS],
					v[BKT_NPARAMS],
					rr = 0.0,
					vv = 0.0,
					a;
		bool		jumped = false;

		CHECK_FOR_INTERRUPTS();
		if (esteps == o->max_iter)
			break;
		ll0 = e_step(d, &m0, &c, alpha);
		if (++esteps >= 3 && fabs(ll0 - prev) < o->tol)
		{
			f.m = m0;
			f.ll = ll0;
			f.iterations = esteps;
			f.converged = true;
			return f;
		}
		m1 = m_step(&c, o);
		if (esteps == o->max_iter)
		{
			m0 = m1;
			break;
		}
		ll1 = e_step(d, &m1, &c, alpha);
		if (++esteps >= 3 && fabs(ll1 - ll0) < o->tol)
		{
			f.m = m1;
			f.ll = ll1;
			f.iterations = esteps;
			f.converged = true;
			return f;
		}
		m2 = m_step(&c, o);

		model_vector(&m0, x0);
		model_vector(&m1, x1);
		model_vector(&m2, x2);
		for (int i = 0; i < BKT_NPARAMS; i++)
		{
			r[i] = x1[i] - x0[i];
			v[i] = x2[i] - x1[i] - r[i];
			rr += r[i] * r[i];
			vv += v[i] * v[i];
		}
		mx = m2;
		if (vv > 0.0 && isfinite(rr) && isfinite(vv))
		{
			a = -sqrt(rr / vv);
			for (int k = 0; k < BKT_MAX_BACKTRACK && a < -1.0; k++)
			{
				double		xv[BKT_NPARAMS];
				BktModel	jump;

				for (int i = 0; i < BKT_NPARAMS; i++)
					xv[i] = x0[i] - 2.0 * a * r[i] + a * a * v[i];
				jump = vector_model(xv);
				if (feasible(&jump, &m2, o))
				{
					mx = jump;
					jumped = true;
					break;
				}
				a = (a - 1.0) / 2.0;
			}
		}
		if (esteps == o->max_iter)
		{
			m0 = m2;
			break;
		}
		llx = e_step(d, &mx, &c, alpha);
		esteps++;
		if (jumped && !(llx >= ll1))
		{
			/* the jump lost ground: the plain double step instead */
			mx = m2;
			if (esteps == o->max_iter)
			{
				m0 = m2;
				break;
			}
			llx = e_step(d, &mx, &c, alpha);
			esteps++;
		}
		prev = llx;
		m0 = m_step(&c, o);
		if (best != NULL && llx < best->ll && same_fit(&m0, &best->m))
		{
			f.m = mx;
			f.ll = llx;
			f.iterations = esteps;
			f.converged = false;
			return f;
		}
	}
	f.m = m0;
	f.ll = e_step(d, &m0, NULL, alpha);
	f.iterations = o->max_iter;
	f.converged = false;
	return f;
}

/*
 * splitmix64: a small generator whose stream is the same on every platform.
 * Not common/pg_prng.h: its xoroshiro128** stream differs, so every random
 * start, and with it every fit a seed gives, would change; a seed's fit is
 * a contract (test/tap/bkt_acceleration.sql pins 0.4.0's, and a district
 * refitting with the seed it stored must get the fit it stored).
 */
static inline uint64
next_random(uint64 *s)
{
	uint64		z = (*s += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline double
uniform(uint64 *s, double high)
{
	return (double) (next_random(s) >> 11) * (1.0 / 9007199254740992.0) * high;
}

/* Strictly better, so the first of equals wins; pyBKT compares integers */
static bool
better(const BktFit *a, const BktFit *b, bool pybkt_compat)
{
	if (isnan(b->ll))
		return !isnan(a->ll);
	if (pybkt_compat)
		return trunc(a->ll) > trunc(b->ll);
	return a->ll > b->ll;
}

/* The given start, then the random ones (pyBKT's ranges); the best wins */
BktFit
bkt_fit_skill(const BktData *d, const BktOptions *o)
{
	double	   *alpha = palloc_extended(2 * Max(d->maxlen, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	uint64		rng = o->seed;
	BktFit		best = {{0}, NAN, 0, false};

	if (o->has_init)
	{
		BktModel	m = o->init;

		/* EM never moves a p_forget of 0: draw one, as pyBKT does */
		if (o->forgets && !o->init_forget_given)
			m.forget = uniform(&rng, 1.0);
		best = o->accelerate ? fit_from_squarem(d, m, o, alpha, NULL) : fit_from(d, m, o, alpha);
	}
	for (int r = 0; r < o->restarts; r++)
	{
		BktModel	m;
		BktFit		f;

		m.prior = uniform(&rng, 1.0);
		m.learn = bound_learn(o, uniform(&rng, 0.4));
		/*
		 * Min() evaluates the draw twice, returning a second draw when the
		 * first is below the bound: kept, so that the unbounded starts (and
		 * every fit pinned in the tests) stay what they were; the bounds
		 * are then applied to what it returns, which could pass max_guess
		 */
		m.guess = Min(uniform(&rng, 0.4), o->max_guess);
		m.slip = Min(uniform(&rng, 0.3), o->max_slip);
		m.guess = Min(Max(m.guess, o->min_guess), o->max_guess);
		m.slip = Min(Max(m.slip, o->min_slip), o->max_slip);
		m.forget = o->forgets ? uniform(&rng, 1.0) : 0.0;
		if (o->accelerate)
			f = fit_from_squarem(d, m, o, alpha, best.iterations > 0 ? &best : NULL);
		else
			f = fit_from(d, m, o, alpha);
		if (best.iterations == 0 || better(&f, &best, o->pybkt_compat))
			best = f;
	}
	pfree(alpha);

	/*
	 * With forgetting, the model has a mirror image of the same likelihood:
	 * "known" and "unknown" swapped, p_init to 1 - p_init, p_learn with
	 * p_forget, p_guess to 1 - p_slip and p_slip to 1 - p_guess.  EM lands
	 * on either (on data simulated from p_guess 0.15 and p_slip 0.05, five
	 * and twenty starts alike gave p_guess 0.95 and p_slip 0.85), and the
	 * mirror, used as a method, reads the strongest learners as not knowing
	 * the skill.  "Known" is the state that answers right more often: the
	 * fit is given that way round.  pybkt_compat keeps pyBKT's as it comes.
	 */
	/*
	 * The mirror's p_learn is the fit's p_forget, its p_guess 1 - p_slip:
	 * where it breaks a bound (min_learn, max_learn, min_guess, ...), the
	 * fit the bounds allow is kept as it is (and reads degenerate)
	 */
	if (o->forgets && !o->pybkt_compat && best.m.guess > 1.0 - best.m.slip)
	{
		BktModel	mirror;

		mirror.prior = 1.0 - best.m.prior;
		mirror.learn = best.m.forget;
		mirror.forget = best.m.learn;
		mirror.guess = 1.0 - best.m.slip;
		mirror.slip = 1.0 - best.m.guess;
		if (mirror.learn >= o->min_learn && mirror.learn <= o->max_learn &&
			mirror.guess >= o->min_guess && mirror.guess <= o->max_guess &&
			mirror.slip >= o->min_slip && mirror.slip <= o->max_slip)
			best.m = mirror;
	}
	return best;
}

/*
 * The fit of a group, as bkt_params (nine columns) or as bkt_model (the
 * same, then implausible, learners, answers and repeat_learners).
 */
static Datum
fit_final(FunctionCallInfo fcinfo, bool model)
{
	BktFitState *st;
	BktOptions	o;
	BktData		d;
	BktFit		f;
	TupleDesc	desc;
	Datum		values[13];
	bool		nulls[13] = {false};
	bool		no_steps;
	int64		learners = 0,
				answers = 0,
				repeat_learners = 0;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "bkt_fit_finalfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BktFitState *) PG_GETARG_POINTER(0);
	if (st->nresponses == 0)
		PG_RETURN_NULL();
	/* only missing answers: nothing to fit */
	{
		bool		answered = false;

		for (Size i = 0; i < st->nresponses && !answered; i++)
			answered = st->responses[i].code != BKT_MISSING;
		if (!answered)
			PG_RETURN_NULL();
	}
	bkt_parse_options(st->options, &o);

	bkt_build_sequences(st, &d, NULL);
	f = bkt_fit_skill(&d, &o);
	/* what the fit rests on: answers, not missing ones */
	for (int64 s = 0; s < d.nseq; s++)
	{
		int64		k = 0;

		for (int64 t = d.start[s]; t < d.start[s + 1]; t++)
			k += d.code[t] != BKT_MISSING;
		learners += k > 0;
		answers += k;
		repeat_learners += k > 1;
	}
	/*
	 * no learner answered twice (missing answers are steps, but with no
	 * answer after them they say nothing of learning): nothing says how
	 * learning goes
	 */
	no_steps = (repeat_learners == 0);
	pfree(d.code);
	pfree(d.start);

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE ||
		desc->natts != (model ? 13 : 9))
		elog(ERROR, "bkt_fit_finalfn must return the composite type %s", model ? "bkt_model" : "bkt_params");
	desc = BlessTupleDesc(desc);
	values[0] = Float8GetDatum(f.m.prior);
	/*
	 * pyBKT reports p_learn 1 then (a state never left learns for sure), and
	 * the bkt method would call every learner's skill known after one
	 * answer; NULL says it cannot be fitted, and the method refuses it
	 */
	values[1] = Float8GetDatum(f.m.learn);
	nulls[1] = no_steps;
	nulls[4] = no_steps && o.forgets;
	values[2] = Float8GetDatum(f.m.guess);
	values[3] = Float8GetDatum(f.m.slip);
	values[4] = Float8GetDatum(f.m.forget);
	/* a likelihood of 1 may sum to a rounding error above 0 */
	values[5] = Float8GetDatum(Min(f.ll, 0.0));
	values[6] = Int32GetDatum(f.iterations);
	/* degenerate: a wrong answer says "knows it" more than a right one does */
	values[7] = BoolGetDatum(f.m.guess > 1.0 - f.m.slip || f.m.guess > 0.5 || f.m.slip > 0.5);
	values[8] = BoolGetDatum(f.converged);
	if (model)
	{
		/*
		 * implausible: one answer would teach the skill to half or more of
		 * those who do not know it; such a fit usually comes from short or
		 * misordered sequences rather than from learning
		 */
		values[9] = BoolGetDatum(f.m.learn >= 0.5);
		nulls[9] = no_steps;
		values[10] = Int64GetDatum(learners);
		values[11] = Int64GetDatum(answers);
		values[12] = Int64GetDatum(repeat_learners);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(bkt_fit_finalfn);
Datum
bkt_fit_finalfn(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, false);
}

PG_FUNCTION_INFO_V1(bkt_model_finalfn);
Datum
bkt_model_finalfn(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, true);
}

/* ---------- bkt_params as input ---------- */

/*
 * p_guess and p_slip 1e-9 inside (0, 1), for the predictions and the
 * method: with exactly 0 or 1 one answer would prove the opposite of what
 * it shows (or divide by zero in the method's formula).
 */
void
bkt_clamp_emissions(BktModel *m)
{
	m->guess = Min(Max(m->guess, BKT_METHOD_EPSILON), 1.0 - BKT_METHOD_EPSILON);
	m->slip = Min(Max(m->slip, BKT_METHOD_EPSILON), 1.0 - BKT_METHOD_EPSILON);
}

static double
params_field(HeapTupleHeader t, int attno, const char *name)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(t, attno, &isnull);
	double		v;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of bkt_params is NULL", name),
				 attno == 2 ? errdetail("bkt_fit leaves p_learn NULL when no learner answered twice: nothing shows how learning goes.") : 0,
				 errhint("Give every probability of the model: p_init, p_learn, p_guess, p_slip and p_forget.")));
	v = DatumGetFloat8(d);
	if (!(v >= 0.0 && v <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s of bkt_params must lie between 0 and 1", name),
				 errdetail("The value given was %s.", exact_float8(v))));
	return v;
}

/*
 * Whether every probability of the model is given: a skill bkt_fit could
 * not fit (p_learn NULL) has no predictions, as a NULL bkt_params has none
 */
static bool
params_complete(Datum d)
{
	HeapTupleHeader t = DatumGetHeapTupleHeader(d);

	for (int attno = 1; attno <= 5; attno++)
	{
		bool		isnull;

		(void) GetAttributeByNum(t, attno, &isnull);
		if (isnull)
			return false;
	}
	return true;
}

static void
params_from_datum(Datum d, BktModel *m)
{
	HeapTupleHeader t = DatumGetHeapTupleHeader(d);

	m->prior = params_field(t, 1, "p_init");
	m->learn = params_field(t, 2, "p_learn");
	m->guess = params_field(t, 3, "p_guess");
	m->slip = params_field(t, 4, "p_slip");
	m->forget = params_field(t, 5, "p_forget");
}

/* the window functions step with the method's code (rollup.h) */
StaticAssertDecl(BKT_WRONG == BKT_STEP_WRONG && BKT_RIGHT == BKT_STEP_RIGHT &&
				 BKT_MISSING == BKT_STEP_MISSING, "response codes differ from rollup.h's");

typedef struct BktWindowState
{
	bool		started;
	int64		next;			/* the row whose prediction `known` is */
	BktTrace	known;			/* P(known) as rollup.h carries it */
	BktModel	m;				/* in use: p_guess and p_slip inside (0, 1) */
	BktSteps	steps;			/* of m */
	BktModel	given;			/* as the rows give them */
	/* the last row's parameters as bytes: a repeat is not read field by field */
	uint32		params_len;
	char		params[BKT_PARAMS_CACHE];
} BktWindowState;

static uint8
response_code(bool isnull, Datum d)
{
	return isnull ? BKT_MISSING : DatumGetBool(d) ? BKT_RIGHT : BKT_WRONG;
}

static bool
same_model(const BktModel *a, const BktModel *b)
{
	/* by value: -0 and 0 are the same probability */
	return a->prior == b->prior && a->learn == b->learn && a->guess == b->guess &&
		a->slip == b->slip && a->forget == b->forget;
}

/*
 * P(known) before the current row (as rollup.h carries it), given the rows
 * before it in the partition.  Rows are met in order, so each call takes one step; the first
 * row with parameters reads the rows before it once.  A row without
 * parameters (NULL, or a fit with a NULL probability: the p_learn of a
 * skill bkt_fit could not fit) gives NULL, not an error that would end a
 * window query over every skill, but its answer still counts for the rows
 * after it.  p_guess and p_slip move 1e-9 inside (0, 1), as in the method:
 * with exactly 0 one answer would prove the opposite of what it shows.
 */
static bool
window_known(FunctionCallInfo fcinfo, BktTrace *known, BktModel *m)
{
	WindowObject win = PG_WINDOW_OBJECT();
	BktWindowState *ws = WinGetPartitionLocalMemory(win, sizeof(BktWindowState));
	int64		pos = WinGetCurrentPosition(win);
	bool		isnull;
	bool		has_params;
	Datum		d;

	d = WinGetFuncArgCurrent(win, 1, &isnull);
	has_params = !isnull;
	if (has_params && (ws->params_len == 0 ||
					   HeapTupleHeaderGetDatumLength(DatumGetHeapTupleHeader(d)) != ws->params_len ||
					   memcmp(ws->params, DatumGetHeapTupleHeader(d), ws->params_len) != 0))
		has_params = params_complete(d);
	if (has_params)
	{
		HeapTupleHeader t = DatumGetHeapTupleHeader(d);
		uint32		len = HeapTupleHeaderGetDatumLength(t);

		if (ws->params_len > 0 && len == ws->params_len && memcmp(ws->params, t, len) == 0)
			*m = ws->given;		/* the parameters of the row before */
		else
		{
			params_from_datum(d, m);
			ws->params_len = 0;
			if (len <= BKT_PARAMS_CACHE && ws->started && same_model(&ws->given, m))
			{
				memcpy(ws->params, t, len);
				ws->params_len = len;
			}
		}
		/* compared as given; clamped below for use */
		if (ws->started && !same_model(&ws->given, m))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bkt_params change within one window partition"),
					 errdetail("P(known) follows one learner on one skill, under one skill's parameters."),
					 errhint("Partition by learner and skill, for example OVER (PARTITION BY student, skill ORDER BY answered_at).")));
	}
	else if (!ws->started)
		return false;			/* no parameters yet: the first that come read back */

	if (!ws->started || ws->next != pos)
	{
		BktTrace	k;

		ws->given = *m;
		bkt_clamp_emissions(m);
		bkt_steps_init(&ws->steps, m->learn, m->guess, m->slip, m->forget);
		bkt_trace_init(&k, m->prior);

		/* the first parameters of the partition (or a call out of order) */
		for (int64 r = 0; r < pos; r++)
		{
			bool		out;
			Datum		c = WinGetFuncArgInPartition(win, 0, (int) r, WINDOW_SEEK_HEAD,
													 false, &isnull, &out);

			if ((r & 4095) == 4095)
				CHECK_FOR_INTERRUPTS();
			bkt_step(&ws->steps, &k, response_code(isnull, c));
		}
		ws->known = k;
		ws->m = *m;
		ws->started = true;
	}
	*m = ws->m;
	*known = ws->known;
	d = WinGetFuncArgCurrent(win, 0, &isnull);
	bkt_step(&ws->steps, &ws->known, response_code(isnull, d));
	ws->next = pos + 1;
	/* later calls read only this row and on: let the tuplestore drop the rest */
	WinSetMarkPosition(win, pos);
	return has_params;
}

PG_FUNCTION_INFO_V1(bkt_state);
Datum
bkt_state(PG_FUNCTION_ARGS)
{
	BktTrace	known;
	BktModel	m;

	if (!window_known(fcinfo, &known, &m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(bkt_known(&known));
}

PG_FUNCTION_INFO_V1(bkt_correct);
Datum
bkt_correct(PG_FUNCTION_ARGS)
{
	BktTrace	known;
	BktModel	m;

	if (!window_known(fcinfo, &known, &m))
		PG_RETURN_NULL();
	/* P(unknown) as its own number: 1 - P(known) has no digits left near 1 */
	PG_RETURN_FLOAT8(m.guess * bkt_unknown(&known) + (1.0 - m.slip) * bkt_known(&known));
}

/*
 * The bkt mastery method of fitted parameters.  The method's formula
 * divides by p_guess and p_slip, so a fitted 0 or 1 (a skill nobody ever
 * got wrong) moves 1e-9 inside.
 */
PG_FUNCTION_INFO_V1(bkt_params_to_method);
Datum
bkt_params_to_method(PG_FUNCTION_ARGS)
{
	BktModel	m;
	StringInfoData buf;

	params_from_datum(PG_GETARG_DATUM(0), &m);
	bkt_clamp_emissions(&m);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "bkt(p_init=");
	append_exact_float8(&buf, m.prior);
	appendStringInfoString(&buf, ", p_learn=");
	append_exact_float8(&buf, m.learn);
	appendStringInfoString(&buf, ", p_guess=");
	append_exact_float8(&buf, m.guess);
	appendStringInfoString(&buf, ", p_slip=");
	append_exact_float8(&buf, m.slip);
	appendStringInfoString(&buf, ", p_forget=");
	append_exact_float8(&buf, m.forget);
	appendStringInfoChar(&buf, ')');
	PG_RETURN_DATUM(DirectFunctionCall1(mastery_method_in, CStringGetDatum(buf.data)));
}

/* The nine columns of bkt_params of a bkt_model, which begins with them */
PG_FUNCTION_INFO_V1(bkt_model_to_params);
Datum
bkt_model_to_params(PG_FUNCTION_ARGS)
{
	HeapTupleHeader t = PG_GETARG_HEAPTUPLEHEADER(0);
	TupleDesc	desc;
	Datum		values[9];
	bool		nulls[9];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != 9)
		elog(ERROR, "bkt_model_to_params must return the composite type bkt_params");
	desc = BlessTupleDesc(desc);
	for (int i = 0; i < 9; i++)
		values[i] = GetAttributeByNum(t, i + 1, &nulls[i]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/*
 * The fit when it can be used, else the fallback (a district's default
 * for the skill's subject, say): one expression in a window query puts a
 * default under every degenerate, implausible or unfitted skill.  Usable:
 * every probability given, not degenerate, p_learn below 0.5.
 */
PG_FUNCTION_INFO_V1(bkt_fallback);
Datum
bkt_fallback(PG_FUNCTION_ARGS)
{
	if (!PG_ARGISNULL(0))
	{
		Datum		fit = PG_GETARG_DATUM(0);
		HeapTupleHeader t = DatumGetHeapTupleHeader(fit);
		bool		isnull;
		Datum		degenerate;

		if (params_complete(fit))
		{
			BktModel	m;

			params_from_datum(fit, &m);
			degenerate = GetAttributeByNum(t, 8, &isnull);
			if (m.learn < 0.5 && (isnull || !DatumGetBool(degenerate)) &&
				!(m.guess > 1.0 - m.slip || m.guess > 0.5 || m.slip > 0.5))
				PG_RETURN_DATUM(fit);
		}
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(1));
}
