/*
 * method.c
 *		mastery_method: a validated rollup policy such as
 *		decaying_average(weight=0.65, min_evidence=2).
 *
 * The method table below is the one source of truth for names, parameters,
 * defaults and ranges: the parser, the validator behind binary input and
 * deserialization, the normal form, the jsonb cast and mastery_methods()
 * all read it.  The stored form is the parsed RollupMethod, so an aggregate
 * never parses text per row.
 */
#include "competency.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/json.h"
#include "utils/jsonb.h"

typedef enum ParamValueKind
{
	PARAM_NUMBER,
	PARAM_INTEGER,
	PARAM_CHOICE
} ParamValueKind;

typedef struct ParamSpec
{
	const char *name;
	ParamValueKind	kind;
	bool		required;
	double		def;
	double		min;
	double		max;
	bool		open_interval;	/* min and max themselves are excluded */
	const char *choices[3];		/* PARAM_CHOICE: value i is choices[i] */
	const char *doc;
} ParamSpec;

typedef struct MethodSpec
{
	const char *name;
	RollupMethodId id;
	int			nparams;
	ParamSpec	params[ROLLUP_MAX_PARAMS];
	const char *doc;
} MethodSpec;

#define UNBOUNDED DBL_MAX

static const MethodSpec methods[] = {
	{"latest", ROLLUP_LATEST, 0, {{0}}, "the most recent score"},
	{"highest", ROLLUP_HIGHEST, 0, {{0}}, "the highest score"},
	{"average", ROLLUP_AVERAGE, 0, {{0}}, "the mean of all scores, weighted by evidence weight"},
	{"weighted_average", ROLLUP_WEIGHTED_AVERAGE, 1,
		{{"weight", PARAM_NUMBER, false, 0.65, 0.01, 0.99, false, {0},
		  "share of the most recent score; the other scores share the rest equally"}},
	"Canvas weighted average: weight * latest + (1 - weight) * mean of the earlier scores"},
	{"decaying_average", ROLLUP_DECAYING_AVERAGE, 1,
		{{"weight", PARAM_NUMBER, false, 0.65, 0.01, 0.99, false, {0},
		  "share of each new score in the running value"}},
	"D1 = s1, Dk = (1 - weight) * D(k-1) + weight * sk (Canvas decaying average, PowerSchool, JumpRope)"},
	{"n_mastery", ROLLUP_N_MASTERY, 2,
		{{"n", PARAM_INTEGER, false, 5, 1, 10, false, {0},
		  "how many scores at or above the threshold are needed"},
		 {"threshold", PARAM_NUMBER, true, 0, 0, UNBOUNDED, false, {0},
		  "the mastery score, on the scale of the scores"}},
	"NULL until n scores reach the threshold, then the mean of the scores that do (Canvas)"},
	{"mode", ROLLUP_MODE, 1,
		{{"tie", PARAM_CHOICE, false, TIE_HIGHEST, 0, 1, false, {"highest", "recent"},
		  "which score wins a tie in frequency"}},
	"the most frequent score"},
	{"median", ROLLUP_MEDIAN, 0, {{0}}, "the median score"},
	{"mean_recent", ROLLUP_MEAN_RECENT, 1,
		{{"n", PARAM_INTEGER, false, 3, 1, 1000, false, {0},
		  "how many of the most recent scores count"}},
	"the mean of the last n scores, weighted by evidence weight"},
	{"power_law", ROLLUP_POWER_LAW, 1,
		{{"at", PARAM_CHOICE, false, AT_LAST, 0, 1, false, {"last", "next"},
		  "estimate at the last score or one step ahead"}},
	"Marzano power law: least squares fit of ln(score) on ln(k), estimated at n or n + 1"},
	{"true_score", ROLLUP_TRUE_SCORE, 0, {{0}},
	"Marzano true score estimator: average, linear or power law, whichever predicted best"},
	{"bkt", ROLLUP_BKT, 6,
		{{"p_init", PARAM_NUMBER, true, 0, 0, 1, false, {0},
		  "probability the skill is mastered before any evidence"},
		 {"p_learn", PARAM_NUMBER, true, 0, 0, 1, false, {0},
		  "probability of learning the skill at each opportunity"},
		 {"p_guess", PARAM_NUMBER, true, 0, 0, 1, true, {0},
		  "probability of a correct answer without mastery"},
		 {"p_slip", PARAM_NUMBER, true, 0, 0, 1, true, {0},
		  "probability of a wrong answer despite mastery"},
		 {"p_forget", PARAM_NUMBER, false, 0, 0, 1, false, {0},
		  "probability of forgetting at each opportunity"},
		 {"correct_at", PARAM_NUMBER, false, 0.5, 0, UNBOUNDED, false, {0},
		  "evidence counts as correct when score / out_of reaches this"}},
	"Bayesian Knowledge Tracing (Corbett & Anderson): probability the skill is mastered"},
	{"streak", ROLLUP_STREAK, 3,
		{{"n", PARAM_INTEGER, false, 3, 1, 100, false, {0},
		  "how many scores in a row must reach the threshold"},
		 {"threshold", PARAM_NUMBER, true, 0, 0, UNBOUNDED, false, {0},
		  "the mastery score, on the scale of the scores"},
		 {"keep", PARAM_CHOICE, false, KEEP_REACHED, 0, 1, false, {"reached", "current"},
		  "reached: mastered once a streak is reached (ASSISTments); current: only while the latest scores form one (Khan Academy)"}},
	"NULL until n scores in a row reach the threshold, then the mean of the n scores of the latest such run"},
};

#define NUM_METHODS lengthof(methods)

/* Options every method accepts, after its own parameters; none by default */
enum
{
	OPTION_MIN_EVIDENCE,
	OPTION_SCALE,
	OPTION_ROUND,
	NUM_OPTIONS
};

static const ParamSpec options[NUM_OPTIONS] = {
	{"min_evidence", PARAM_INTEGER, false, 0, 1, ROLLUP_MAX_MIN_EVIDENCE, false, {0},
	"the result is NULL with fewer pieces of evidence than this"},
	{"scale", PARAM_INTEGER, false, 0, 1, ROLLUP_MAX_SCALE, false, {0},
	"the result rescaled from the out_of of the latest evidence to this many points (methods that report a score)"},
	{"round", PARAM_INTEGER, false, 0, 0, ROLLUP_MAX_ROUND, false, {0},
	"round the result half away from zero to this many decimals"},
};

/* scale is for methods that report a score; bkt reports a probability */
static bool
option_applies(const MethodSpec *spec, int option)
{
	return !(option == OPTION_SCALE && spec->id == ROLLUP_BKT);
}

/* How many options a method takes; their numbers in which[] when given */
static int
options_of(const MethodSpec *spec, int *which)
{
	int			n = 0;

	for (int i = 0; i < NUM_OPTIONS; i++)
		if (option_applies(spec, i))
		{
			if (which)
				which[n] = i;
			n++;
		}
	return n;
}

/* Where an option lives in a RollupMethod, and its value when absent */
static int32_t *
option_slot(RollupMethod *m, int option)
{
	switch (option)
	{
		case OPTION_MIN_EVIDENCE:
			return &m->min_evidence;
		case OPTION_SCALE:
			return &m->scale;
		default:
			return &m->round_digits;
	}
}

static int32_t
option_absent(int option)
{
	switch (option)
	{
		case OPTION_MIN_EVIDENCE:
			return ROLLUP_NO_MIN_EVIDENCE;
		case OPTION_SCALE:
			return ROLLUP_NO_SCALE;
		default:
			return ROLLUP_NO_ROUND;
	}
}

static int32_t
option_value(const RollupMethod *m, int option)
{
	return *option_slot((RollupMethod *) m, option);
}

static const MethodSpec *
method_spec(int id)
{
	for (int i = 0; i < (int) NUM_METHODS; i++)
		if ((int) methods[i].id == id)
			return &methods[i];
	return NULL;
}

const char *
method_name(int id)
{
	const MethodSpec *spec = method_spec(id);

	return spec ? spec->name : "?";
}

static char *
list_method_names(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) NUM_METHODS; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", methods[i].name);
	return buf.data;
}

static char *
list_parameter_names(const MethodSpec *spec)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < spec->nparams; i++)
		appendStringInfo(&buf, "%s, ", spec->params[i].name);
	for (int i = 0, listed = 0; i < NUM_OPTIONS; i++)
		if (option_applies(spec, i))
			appendStringInfo(&buf, "%s%s", listed++ ? ", " : "", options[i].name);
	return buf.data;
}

/* bkt(p_init=..., p_learn=..., ...): the required parameters, for hints */
static char *
required_example(const MethodSpec *spec)
{
	StringInfoData buf;
	bool		any = false;

	initStringInfo(&buf);
	appendStringInfoString(&buf, spec->name);
	for (int i = 0; i < spec->nparams; i++)
	{
		if (!spec->params[i].required)
			continue;
		appendStringInfo(&buf, "%s%s=...", any ? ", " : "(", spec->params[i].name);
		any = true;
	}
	if (any)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

static char *
format_number(double x)
{
	if (x == UNBOUNDED)
		return pstrdup("infinity");
	return exact_float8(x);
}

/* A value for one parameter: range, integrality, choices */
static void
check_param(const MethodSpec *spec, const ParamSpec *p, double value)
{
	bool		below,
				above;

	if (p->kind == PARAM_CHOICE)
	{
		if (value != 0 && value != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("parameter \"%s\" of mastery method \"%s\" must be one of: %s, %s",
							p->name, spec->name, p->choices[0], p->choices[1])));
		return;
	}
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("parameter \"%s\" of mastery method \"%s\" must be a finite number",
						p->name, spec->name)));
	if (p->kind == PARAM_INTEGER && value != floor(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" of mastery method \"%s\" must be an integer",
						p->name, spec->name),
				 errdetail("The value %s has a fractional part.", format_number(value))));
	below = p->open_interval ? value <= p->min : value < p->min;
	above = p->open_interval ? value >= p->max : value > p->max;
	if (below || above)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("parameter \"%s\" of mastery method \"%s\" is out of range",
						p->name, spec->name),
				 errdetail("The value %s is not %s %s and %s.", format_number(value),
						   p->open_interval ? "strictly between" : "between",
						   format_number(p->min), format_number(p->max))));
}

/*
 * The one validator of a RollupMethod, whatever its source: text, binary
 * input, jsonb, or a deserialized aggregate state.
 */
void
method_check(const RollupMethod *m)
{
	const MethodSpec *spec = method_spec(m->id);

	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid mastery method identifier %d", m->id),
				 errdetail("Known methods are numbered %d to %d.",
						   ROLLUP_FIRST_METHOD, ROLLUP_LAST_METHOD)));
	for (int i = 0; i < ROLLUP_MAX_PARAMS; i++)
	{
		/* the normal form has no negative zero: equal methods have equal bytes */
		if (m->params[i] == 0.0 && signbit(m->params[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid mastery method: parameter slot %d is a negative zero", i)));
		if (i < spec->nparams)
			check_param(spec, &spec->params[i], m->params[i]);
		else if (m->params[i] != 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid mastery method: unused parameter slot %d is not zero", i)));
	}
	for (int i = 0; i < NUM_OPTIONS; i++)
		if (option_value(m, i) != option_absent(i))
			check_param(spec, &options[i], option_value(m, i));
	if (m->scale != ROLLUP_NO_SCALE && !option_applies(spec, OPTION_SCALE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"scale\" does not apply to mastery method \"bkt\""),
				 errdetail("bkt reports a probability, not a score.")));
}

/* ---------- key=value lists: the lexical rules ---------- */

void
option_skip_blanks(const char **p)
{
	while (**p && isspace((unsigned char) **p))
		(*p)++;
}

/* A word, lowercased; NULL if none starts here */
char *
option_scan_word(const char **p)
{
	const char *start = *p;
	char	   *word;

	if (!(isalpha((unsigned char) **p) || **p == '_'))
		return NULL;
	while (isalnum((unsigned char) **p) || **p == '_')
		(*p)++;
	word = pnstrdup(start, *p - start);
	for (char *c = word; *c; c++)
		*c = pg_ascii_tolower((unsigned char) *c);
	return word;
}

/* A decimal number; *p moves past it only when one is read */
OptionNumberStatus
option_scan_number(const char **p, double *value)
{
	const char *digits = *p + (**p == '-' || **p == '+');
	char	   *end;

	/* strtod also reads "nan", "inf" and hexadecimal; decimals start like this */
	if (!(isdigit((unsigned char) **p) || **p == '.' || **p == '-' || **p == '+'))
		return OPTION_NUMBER_MISSING;
	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		return OPTION_NUMBER_HEX;
	errno = 0;
	*value = strtod(*p, &end);
	if (end == *p)
		return OPTION_NUMBER_MISSING;
	/* an underflow reads as its denormal or 0: the text a value prints must read back */
	if ((errno == ERANGE && (*value == HUGE_VAL || *value == -HUGE_VAL)) || !isfinite(*value))
		return OPTION_NUMBER_RANGE;
	*p = end;
	return OPTION_NUMBER_OK;
}

/* true (1) or false (0), any case; -1 when neither is here */
int
option_scan_flag(const char **p)
{
	const char *start = *p;

	while (isalpha((unsigned char) **p))
		(*p)++;
	if (*p - start == 4 && pg_strncasecmp(start, "true", 4) == 0)
		return 1;
	if (*p - start == 5 && pg_strncasecmp(start, "false", 5) == 0)
		return 0;
	*p = start;
	return -1;
}

/*
 * (number, ...) of at most max numbers into values; how many, or -1 when
 * what is here is no such tuple
 */
int
option_scan_tuple(const char **p, double *values, int max)
{
	int			n = 0;

	if (**p != '(')
		return -1;
	(*p)++;
	for (;;)
	{
		option_skip_blanks(p);
		if (n == max || option_scan_number(p, &values[n]) != OPTION_NUMBER_OK)
			return -1;
		n++;
		option_skip_blanks(p);
		if (**p == ')')
			break;
		if (**p != ',')
			return -1;
		(*p)++;
	}
	(*p)++;
	return n;
}

/* ---------- text input ---------- */

typedef struct MethodParser
{
	const char *input;			/* the whole text, for messages */
	const char *p;
} MethodParser;

pg_attribute_noreturn()
static void
syntax_error(MethodParser *ps, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type mastery_method: \"%s\"", ps->input),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (ps->p - ps->input) + 1),
			 errhint("Write a method as name or name(key=value, ...), for example decaying_average(weight=0.65).")));
}

static void
skip_space(MethodParser *ps)
{
	option_skip_blanks(&ps->p);
}

static char *
parse_word(MethodParser *ps)
{
	return option_scan_word(&ps->p);
}

static double
parse_value(MethodParser *ps, const MethodSpec *spec, const ParamSpec *param)
{
	if (param->kind == PARAM_CHOICE)
	{
		char	   *word = parse_word(ps);

		if (word == NULL)
			syntax_error(ps, psprintf("one of %s, %s", param->choices[0], param->choices[1]));
		for (int i = 0; i < 2; i++)
			if (strcmp(word, param->choices[i]) == 0)
				return i;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" of mastery method \"%s\" must be one of: %s, %s",
						param->name, spec->name, param->choices[0], param->choices[1]),
				 errdetail("The value given was \"%s\".", word)));
	}
	else
	{
		const char *start = ps->p;
		double		value = 0.0;

		switch (option_scan_number(&ps->p, &value))
		{
			case OPTION_NUMBER_OK:
				return value;
			case OPTION_NUMBER_MISSING:
				syntax_error(ps, psprintf("a number for parameter \"%s\"", param->name));
				break;
			case OPTION_NUMBER_HEX:
				syntax_error(ps, psprintf("a decimal number for parameter \"%s\"", param->name));
				break;
			case OPTION_NUMBER_RANGE:
				{
					char	   *end;

					(void) strtod(start, &end);
					ereport(ERROR,
							(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
							 errmsg("parameter \"%s\" of mastery method \"%s\" is out of range",
									param->name, spec->name),
							 errdetail("The value %s is too large for a double precision number.",
									   pnstrdup(start, end - start))));
				}
		}
	}
	pg_unreachable();
}

void
method_parse(const char *text, RollupMethod *m)
{
	MethodParser ps = {text, text};
	const MethodSpec *spec = NULL;
	bool		given[ROLLUP_MAX_PARAMS] = {false};
	char	   *name;

	memset(m, 0, sizeof(RollupMethod));
	for (int i = 0; i < NUM_OPTIONS; i++)
		*option_slot(m, i) = option_absent(i);

	skip_space(&ps);
	name = parse_word(&ps);
	if (name == NULL)
		syntax_error(&ps, "a method name");
	for (int i = 0; i < (int) NUM_METHODS; i++)
		if (strcmp(name, methods[i].name) == 0)
			spec = &methods[i];
	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown mastery method \"%s\"", name),
				 errdetail("Valid methods are: %s.", list_method_names())));
	m->id = spec->id;
	for (int i = 0; i < spec->nparams; i++)
		m->params[i] = spec->params[i].def;

	skip_space(&ps);
	if (*ps.p == '(')
	{
		bool		given_option[NUM_OPTIONS] = {false};

		ps.p++;
		skip_space(&ps);
		while (*ps.p != ')')
		{
			char	   *key;
			const ParamSpec *param = NULL;
			int			slot = -1;
			int			option = -1;
			double		value;

			key = parse_word(&ps);
			if (key == NULL)
				syntax_error(&ps, "a parameter name or \")\"");
			for (int i = 0; i < spec->nparams; i++)
				if (strcmp(key, spec->params[i].name) == 0)
				{
					param = &spec->params[i];
					slot = i;
				}
			for (int i = 0; param == NULL && i < NUM_OPTIONS; i++)
				if (strcmp(key, options[i].name) == 0)
				{
					param = &options[i];
					option = i;
				}
			if (param == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown parameter \"%s\" for mastery method \"%s\"",
								key, spec->name),
						 errdetail("Valid parameters are: %s.", list_parameter_names(spec))));
			if ((slot >= 0 && given[slot]) || (option >= 0 && given_option[option]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("parameter \"%s\" is given more than once in \"%s\"",
								key, text)));

			skip_space(&ps);
			if (*ps.p != '=')
				syntax_error(&ps, psprintf("\"=\" after \"%s\"", key));
			ps.p++;
			skip_space(&ps);
			value = parse_value(&ps, spec, param);
			check_param(spec, param, value);

			if (slot >= 0)
			{
				m->params[slot] = value;
				given[slot] = true;
			}
			else
			{
				*option_slot(m, option) = (int32) value;
				given_option[option] = true;
			}

			skip_space(&ps);
			if (*ps.p == ',')
			{
				ps.p++;
				skip_space(&ps);
				if (*ps.p == ')')
					syntax_error(&ps, "a parameter after \",\"");
			}
			else if (*ps.p != ')')
				syntax_error(&ps, "\",\" or \")\"");
		}
		ps.p++;
		skip_space(&ps);
	}
	if (*ps.p != '\0')
		syntax_error(&ps, "the end of the method");

	for (int i = 0; i < spec->nparams; i++)
		if (spec->params[i].required && !given[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mastery method \"%s\" requires parameter \"%s\"",
							spec->name, spec->params[i].name),
					 errdetail("Parameter \"%s\": %s.", spec->params[i].name,
							   spec->params[i].doc),
					 errhint("Write it as %s.", required_example(spec))));
	method_check(m);
}

/* ---------- normal form ---------- */

static void
append_value(StringInfo buf, const ParamSpec *p, double value)
{
	if (p->kind == PARAM_CHOICE)
		appendStringInfoString(buf, p->choices[(int) value]);
	else if (p->kind == PARAM_INTEGER)
		appendStringInfo(buf, "%d", (int) value);
	else
		append_exact_float8(buf, value);
}

/*
 * name(param=value, ..., min_evidence=k, round=d): every parameter of the
 * method with its value, defaults included, so a stored method keeps its
 * meaning even if a later release changed a default; options when set.
 */
char *
method_to_text(const RollupMethod *m)
{
	const MethodSpec *spec = method_spec(m->id);
	StringInfoData buf;
	bool		any = false;

	Assert(spec != NULL);
	initStringInfo(&buf);
	appendStringInfoString(&buf, spec->name);
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfo(&buf, "%s%s=", any ? ", " : "(", spec->params[i].name);
		append_value(&buf, &spec->params[i], m->params[i]);
		any = true;
	}
	for (int i = 0; i < NUM_OPTIONS; i++)
		if (option_value(m, i) != option_absent(i))
		{
			appendStringInfo(&buf, "%s%s=%d", any ? ", " : "(", options[i].name, option_value(m, i));
			any = true;
		}
	if (any)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * strlen(method_to_text(m)), remembered for the last method asked about:
 * every new profile state asks for its method's (the bound of its text
 * form), and a query's states share one.
 */
Size
method_text_length(const RollupMethod *m)
{
	static RollupMethod last;
	static Size last_length = 0;
	char	   *text;

	if (last_length > 0 && memcmp(&last, m, sizeof(RollupMethod)) == 0)
		return last_length;
	text = method_to_text(m);
	last_length = strlen(text);
	last = *m;
	pfree(text);
	return last_length;
}

static Datum
method_datum(const RollupMethod *m)
{
	MasteryMethod *result = palloc0(sizeof(MasteryMethod));

	SET_VARSIZE(result, sizeof(MasteryMethod));
	result->version = MASTERY_METHOD_VERSION;
	result->method = *m;
	/* no negative zero: equal methods have equal bytes (equality, hashing) */
	for (int i = 0; i < ROLLUP_MAX_PARAMS; i++)
		result->method.params[i] += 0.0;
	return PointerGetDatum(result);
}

/*
 * A stored method or an argument: its header, then the one validator, so a
 * damaged value is an error and never an index into a table of methods.
 */
const RollupMethod *
checked_method(const MasteryMethod *mm)
{
	if (VARSIZE(mm) != sizeof(MasteryMethod) ||
		mm->version != MASTERY_METHOD_VERSION ||
		mm->flags != 0 || mm->reserved != 0 || mm->reserved2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid mastery_method value"),
				 errdetail("Its header has version %d and size %d; version %d and size %d were expected.",
						   mm->version, (int) VARSIZE(mm),
						   MASTERY_METHOD_VERSION, (int) sizeof(MasteryMethod))));
	method_check(&mm->method);
	return &mm->method;
}

PG_FUNCTION_INFO_V1(mastery_method_in);
Datum
mastery_method_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	RollupMethod m;

	method_parse(text, &m);
	PG_RETURN_DATUM(method_datum(&m));
}

PG_FUNCTION_INFO_V1(mastery_method_out);
Datum
mastery_method_out(PG_FUNCTION_ARGS)
{
	MasteryMethod *mm = PG_GETARG_MASTERY_METHOD(0);

	PG_RETURN_CSTRING(method_to_text(checked_method(mm)));
}

/*
 * Binary form: a format byte, then the method as the validator sees it.
 * Parameters travel as float8, so a binary copy is exact.  Format 2 (0.2.0)
 * adds scale after round; format 1 (0.1.0) had none and still reads.
 */
#define METHOD_SEND_FORMAT 2

/* A method in binary, format byte first: mastery_method's form, and each method in a profile state's */
void
method_send(StringInfo buf, const RollupMethod *m)
{
	pq_sendbyte(buf, METHOD_SEND_FORMAT);
	pq_sendint32(buf, m->id);
	pq_sendint32(buf, m->min_evidence);
	pq_sendint32(buf, m->round_digits);
	pq_sendint32(buf, m->scale);
	for (int i = 0; i < ROLLUP_MAX_PARAMS; i++)
		pq_sendfloat8(buf, m->params[i]);
}

/* A method written by method_send (format 1 or 2), checked by the one validator */
void
method_recv(StringInfo buf, RollupMethod *m)
{
	int			format = pq_getmsgbyte(buf);

	if (format != 1 && format != METHOD_SEND_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for mastery_method", format),
				 errdetail("This version of competency reads formats 1 and %d.",
						   METHOD_SEND_FORMAT)));
	memset(m, 0, sizeof(RollupMethod));
	m->id = pq_getmsgint(buf, 4);
	m->min_evidence = pq_getmsgint(buf, 4);
	m->round_digits = pq_getmsgint(buf, 4);
	m->scale = format >= 2 ? pq_getmsgint(buf, 4) : ROLLUP_NO_SCALE;
	for (int i = 0; i < ROLLUP_MAX_PARAMS; i++)
		m->params[i] = pq_getmsgfloat8(buf) + 0.0;	/* no negative zero */
	method_check(m);
}

PG_FUNCTION_INFO_V1(mastery_method_recv);
Datum
mastery_method_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RollupMethod m;

	method_recv(buf, &m);
	pq_getmsgend(buf);
	PG_RETURN_DATUM(method_datum(&m));
}

PG_FUNCTION_INFO_V1(mastery_method_send);
Datum
mastery_method_send(PG_FUNCTION_ARGS)
{
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	method_send(&buf, m);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * The order of methods: by name, then parameter by parameter, then
 * min_evidence, scale and round (absent first).  Equal exactly when the bytes are
 * (the normal form has no negative zero), so = and btequalimage agree.
 */
static int
method_cmp(const RollupMethod *a, const RollupMethod *b)
{
	int			c = strcmp(method_name(a->id), method_name(b->id));

	if (c != 0)
		return c < 0 ? -1 : 1;
	for (int i = 0; i < ROLLUP_MAX_PARAMS; i++)
		if (a->params[i] != b->params[i])
			return a->params[i] < b->params[i] ? -1 : 1;
	if (a->min_evidence != b->min_evidence)
		return a->min_evidence < b->min_evidence ? -1 : 1;
	if (a->scale != b->scale)
		return a->scale < b->scale ? -1 : 1;
	if (a->round_digits != b->round_digits)
		return a->round_digits < b->round_digits ? -1 : 1;
	return 0;
}

#define METHOD_COMPARISON(fname, op) \
PG_FUNCTION_INFO_V1(fname); \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(method_cmp(PG_GETARG_CHECKED_METHOD(0), PG_GETARG_CHECKED_METHOD(1)) op 0); \
}

METHOD_COMPARISON(mastery_method_lt, <)
METHOD_COMPARISON(mastery_method_le, <=)
METHOD_COMPARISON(mastery_method_eq, ==)
METHOD_COMPARISON(mastery_method_ne, !=)
METHOD_COMPARISON(mastery_method_ge, >=)
METHOD_COMPARISON(mastery_method_gt, >)

PG_FUNCTION_INFO_V1(mastery_method_cmp);
Datum
mastery_method_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(method_cmp(PG_GETARG_CHECKED_METHOD(0), PG_GETARG_CHECKED_METHOD(1)));
}

/* {"method": "decaying_average", "weight": 0.65, "min_evidence": 2} */
static char *
method_json(const RollupMethod *m)
{
	const MethodSpec *spec = method_spec(m->id);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"method\": ");
	escape_json(&buf, spec->name);
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfoString(&buf, ", ");
		escape_json(&buf, spec->params[i].name);
		appendStringInfoString(&buf, ": ");
		if (spec->params[i].kind == PARAM_CHOICE)
			escape_json(&buf, spec->params[i].choices[(int) m->params[i]]);
		else
			append_value(&buf, &spec->params[i], m->params[i]);
	}
	for (int i = 0; i < NUM_OPTIONS; i++)
		if (option_value(m, i) != option_absent(i))
			appendStringInfo(&buf, ", \"%s\": %d", options[i].name, option_value(m, i));
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

PG_FUNCTION_INFO_V1(mastery_method_to_jsonb);
Datum
mastery_method_to_jsonb(PG_FUNCTION_ARGS)
{
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(0);

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(method_json(m))));
}

PG_FUNCTION_INFO_V1(mastery_method_to_json);
Datum
mastery_method_to_json(PG_FUNCTION_ARGS)
{
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(0);

	PG_RETURN_TEXT_P(cstring_to_text(method_json(m)));
}

PG_FUNCTION_INFO_V1(mastery_method_hash);
Datum
mastery_method_hash(PG_FUNCTION_ARGS)
{
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(0);

	return hash_any((const unsigned char *) m, sizeof(RollupMethod));
}

PG_FUNCTION_INFO_V1(mastery_method_hash_extended);
Datum
mastery_method_hash_extended(PG_FUNCTION_ARGS)
{
	const RollupMethod *m = PG_GETARG_CHECKED_METHOD(0);

	return hash_any_extended((const unsigned char *) m, sizeof(RollupMethod), PG_GETARG_INT64(1));
}

/*
 * From jsonb: the object is turned into the text form and parsed by the same
 * parser, so both paths accept and reject exactly the same methods.
 */
PG_FUNCTION_INFO_V1(mastery_method_from_jsonb);
Datum
mastery_method_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	StringInfoData params;
	char	   *name = NULL;
	char	   *key = NULL;
	RollupMethod m;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a mastery method in jsonb must be an object"),
				 errhint("Write it as {\"method\": \"decaying_average\", \"weight\": 0.65}.")));
	initStringInfo(&params);
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			char	   *value;

			if (v.type == jbvString)
				value = pnstrdup(v.val.string.val, v.val.string.len);
			else if (v.type == jbvNumeric)
				value = DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(v.val.numeric)));
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("value of key \"%s\" in a mastery method must be a number or a string", key)));
			if (strcmp(key, "method") == 0)
				name = value;
			else
			{
				/* keep keys and words to what the grammar can read back */
				for (char *c = key; *c; c++)
					if (!isalnum((unsigned char) *c) && *c != '_')
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("unknown parameter \"%s\" in a mastery method", key)));
				for (char *c = value; *c; c++)
					if (!isalnum((unsigned char) *c) && !strchr("_.+-", *c))
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("invalid value \"%s\" for parameter \"%s\" of a mastery method",
										value, key)));
				appendStringInfo(&params, "%s%s=%s", params.len ? ", " : "", key, value);
			}
		}
	}
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a mastery method in jsonb needs the key \"method\""),
				 errdetail("Valid methods are: %s.", list_method_names())));
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char) *c) && *c != '_')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown mastery method \"%s\"", name),
					 errdetail("Valid methods are: %s.", list_method_names())));
	method_parse(params.len ? psprintf("%s(%s)", name, params.data) : name, &m);
	PG_RETURN_DATUM(method_datum(&m));
}

/*
 * mastery_methods(): the method table as rows, so an analyst can look up
 * names, defaults and ranges from SQL.
 */
PG_FUNCTION_INFO_V1(mastery_methods);
Datum
mastery_methods(PG_FUNCTION_ARGS)
{
	FuncCallContext *fctx;
	int			row;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	tupdesc;
		int			rows = 0;

		fctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(fctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "mastery_methods must be called in a context that accepts a record");
		fctx->tuple_desc = BlessTupleDesc(tupdesc);
		/* one row per parameter and option, or per method without parameters */
		for (int i = 0; i < (int) NUM_METHODS; i++)
			rows += methods[i].nparams + options_of(&methods[i], NULL);
		fctx->max_calls = rows;
		MemoryContextSwitchTo(old);
	}
	fctx = SRF_PERCALL_SETUP();
	row = fctx->call_cntr;
	if (row < (int) fctx->max_calls)
	{
		const MethodSpec *spec = NULL;
		const ParamSpec *p;
		Datum		values[9];
		bool		nulls[9] = {false};
		int			i;

		for (i = 0; i < (int) NUM_METHODS; i++)
		{
			if (row < methods[i].nparams + options_of(&methods[i], NULL))
			{
				spec = &methods[i];
				break;
			}
			row -= methods[i].nparams + options_of(&methods[i], NULL);
		}
		Assert(spec != NULL);
		if (row < spec->nparams)
			p = &spec->params[row];
		else
		{
			int			which[NUM_OPTIONS];

			options_of(spec, which);
			p = &options[which[row - spec->nparams]];
		}

		values[0] = CStringGetTextDatum(spec->name);
		values[1] = CStringGetTextDatum(spec->doc);
		values[2] = CStringGetTextDatum(p->name);
		if (p->required || row >= spec->nparams)
			nulls[3] = true;
		else
		{
			StringInfoData b;

			initStringInfo(&b);
			append_value(&b, p, p->def);
			values[3] = CStringGetTextDatum(b.data);
		}
		if (p->kind == PARAM_CHOICE)
		{
			nulls[4] = nulls[5] = true;
			values[6] = CStringGetTextDatum(psprintf("%s or %s", p->choices[0], p->choices[1]));
		}
		else
		{
			values[4] = Float8GetDatum(p->min);
			values[5] = Float8GetDatum(p->max == UNBOUNDED ? get_float8_infinity() : p->max);
			values[6] = CStringGetTextDatum(p->kind == PARAM_INTEGER ? "integer" :
											p->open_interval ? "number, bounds excluded" : "number");
		}
		values[7] = BoolGetDatum(p->required);
		values[8] = CStringGetTextDatum(p->doc);
		SRF_RETURN_NEXT(fctx, HeapTupleGetDatum(heap_form_tuple(fctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(fctx);
}

/* ---------- one immortal copy of each method a backend uses ---------- */

/*
 * Aggregate states point to their method instead of carrying 64 bytes of
 * it (a group's state then fits a 128-byte chunk).  The copy lives in a
 * backend-local table in TopMemoryContext, so the pointer stays valid
 * whatever calls the aggregate: nothing depends on fn_extra or on an
 * aggregate context outliving a call.  Methods are policies, a handful per
 * session; past METHOD_INTERN_LIMIT the table stops growing and returns
 * NULL, and the caller keeps a copy in memory that lives as long as it needs.
 */
#define METHOD_INTERN_LIMIT 65536

static HTAB *interned_methods = NULL;

const RollupMethod *
method_intern(const RollupMethod *m)
{
	RollupMethod *entry;
	bool		found;

	if (interned_methods == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(RollupMethod);
		ctl.entrysize = sizeof(RollupMethod);
		ctl.hcxt = TopMemoryContext;
		interned_methods = hash_create("competency methods", 64, &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(interned_methods, m, HASH_FIND, NULL);
	if (entry != NULL)
		return entry;
	/* a query sweeping thousands of parameters: copies of its own instead */
	if (hash_get_num_entries(interned_methods) >= METHOD_INTERN_LIMIT)
		return NULL;
	entry = hash_search(interned_methods, m, HASH_ENTER, &found);
	return entry;
}
