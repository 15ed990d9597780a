/*
 * evidence.c
 *		mastery_evidence: one observation of a learner on a skill.
 *
 * Text form:  3.5/4 @ 2024-09-05 10:00:00+00, weight=2, kind=practice
 * (weight and kind are written only when they differ from 1 and assessment).
 * Every input path (text, binary, jsonb, the constructor) ends in
 * evidence_check(), the one validator.
 */
#include "competency.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

static const char *const kind_names[NUM_EVIDENCE_KINDS] = {
	"assessment", "practice", "observation", "self", "behavior", "override"
};

const char *
evidence_kind_name(int kind)
{
	if (kind < 0 || kind >= NUM_EVIDENCE_KINDS)
		elog(ERROR, "invalid evidence kind %d", kind);
	return kind_names[kind];
}

int
evidence_kind_from_name(const char *name, int len)
{
	/* per row in mastery_evidence(): the first letter rules out the others */
	for (int k = 0; k < NUM_EVIDENCE_KINDS; k++)
		if (len > 0 && pg_tolower((unsigned char) name[0]) == kind_names[k][0] &&
			pg_strncasecmp(name, kind_names[k], len) == 0 && kind_names[k][len] == '\0')
			return k;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown evidence kind \"%.*s\"", len, name),
			 errdetail("Valid kinds are: assessment, practice, observation, self, behavior, override.")));
	pg_unreachable();
}

void
check_observed_at(TimestampTz t)
{
	if (TIMESTAMP_NOT_FINITE(t) || !IS_VALID_TIMESTAMP(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("observed_at of mastery evidence must be a finite timestamp"),
				 errdetail("Evidence needs the date it was observed; infinity is not a date.")));
}

/* A score of the score-only forms: no out_of, but still 0 or more */
void
check_score_only(double score, TimestampTz observed_at)
{
	check_score(score);
	if (score < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score of mastery evidence must not be negative"),
				 errdetail("The score given was %s.", float8out_internal(score))));
	check_observed_at(observed_at);
}

void
check_score(double score)
{
	if (!isfinite(score))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score of mastery evidence must be a finite number"),
				 errdetail("The score given was %s.", float8out_internal(score))));
	if (!score_in_range(score))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score of mastery evidence is out of range"),
				 errdetail("The score %s is beyond 1e12 in magnitude.", float8out_internal(score))));
}

/* The one validator of mastery evidence, whatever its source */
void
evidence_check(double score, double out_of, TimestampTz observed_at,
			   double weight, int kind)
{
	check_score(score);
	if (!isfinite(out_of) || out_of <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("out_of of mastery evidence must be a positive finite number"),
				 errdetail("The out_of given was %s.", float8out_internal(out_of)),
				 errhint("out_of is the highest possible score, for example 4 on a four-point scale.")));
	if (!out_of_in_range(out_of))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("out_of of mastery evidence is out of range"),
				 errdetail("The out_of %s is not between 1e-09 and 1e12.", float8out_internal(out_of))));
	/* above out_of is allowed: gradebooks give extra credit (103 of 100) */
	if (score < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score of mastery evidence must not be negative"),
				 errdetail("The score given was %s.", float8out_internal(score)),
				 errhint("Scores run from 0 upward; out_of is the highest regular score.")));
	if (!isfinite(weight) || weight <= 0.0 || weight > FLT_MAX ||
		(float4) weight <= 0.0f)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("weight of mastery evidence must be a positive finite number"),
				 errdetail("The weight given was %s.", float8out_internal(weight)),
				 errhint("Weights are real numbers greater than 0; the default is 1.")));
	check_observed_at(observed_at);
	if (kind < 0 || kind >= NUM_EVIDENCE_KINDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid evidence kind number %d", kind),
				 errdetail("Kinds are numbered 0 to %d.", NUM_EVIDENCE_KINDS - 1)));
}

/* Validates and fills: the one way evidence values are made */
void
evidence_fill(MasteryEvidence *e, double score, double out_of, TimestampTz observed_at,
			  double weight, int kind)
{
	evidence_check(score, out_of, observed_at, weight, kind);
	/*
	 * New evidence keeps its weight within policy magnitudes, where real
	 * (float4) keeps six digits; stored values of earlier releases are only
	 * held to evidence_check.
	 */
	if ((float4) weight < (float4) EVIDENCE_MIN_WEIGHT || (float4) weight > (float4) EVIDENCE_MAX_WEIGHT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("weight of mastery evidence is out of range"),
				 errdetail("The weight %s is not between 1e-06 and 1e+06.", float8out_internal(weight)),
				 errhint("Weights are stored as real: use policy numbers such as 1, 2 or 0.5.")));
	memset(e, 0, sizeof(MasteryEvidence));
	e->score = score + 0.0;		/* no negative zero: equal values, equal bytes */
	e->out_of = out_of;
	e->observed_at = observed_at;
	e->weight = (float4) weight;
	e->kind = (uint8) kind;
	e->format = EVIDENCE_FORMAT;
}

static MasteryEvidence *
make_evidence(double score, double out_of, TimestampTz observed_at,
			  double weight, int kind)
{
	MasteryEvidence *e = palloc(sizeof(MasteryEvidence));

	evidence_fill(e, score, out_of, observed_at, weight, kind);
	return e;
}

/*
 * A stored value: the format byte, then the one validator, so that bytes
 * corrupted on disk are reported rather than indexed or rolled up.
 */
const MasteryEvidence *
checked_evidence(const MasteryEvidence *e)
{
	if (e->format != EVIDENCE_FORMAT || e->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid mastery_evidence value"),
				 errdetail("Its format byte is %d; format %d was expected.",
						   e->format, EVIDENCE_FORMAT)));
	evidence_check(e->score, e->out_of, e->observed_at, e->weight, e->kind);
	return e;
}

/* ---------- text input and output ---------- */

pg_attribute_noreturn()
static void
evidence_syntax_error(const char *input, const char *at, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type mastery_evidence: \"%s\"", input),
			 errdetail("Expected %s at character %d.", expected, (int) (at - input) + 1),
			 errhint("Write evidence as score/out_of @ timestamp, optionally followed by \", weight=2\" and \", kind=practice\".")));
}

static const char *
skip_spaces(const char *p)
{
	while (*p && isspace((unsigned char) *p))
		p++;
	return p;
}

static double
parse_number(const char *input, const char **p, const char *what)
{
	char	   *end;
	double		value;

	/* strtod also reads "nan" and "inf"; let them through to the validator */
	value = strtod(*p, &end);
	if (end == *p)
		evidence_syntax_error(input, *p, what);
	*p = end;
	return value;
}

/*
 * Parses one piece of evidence of `input` from p.  It ends at the end of the
 * string or before one of the characters of `stop` (a mastery_state lists
 * evidence separated by ';').  Returns the position where it ended and
 * fills *e after the one validator.  With score_only_ok a score may come
 * without "/out_of" (a learner_profile_state of the score-only form): *e
 * then has out_of 0, and is only good for its terms.
 */
const char *
evidence_parse(const char *input, const char *p, const char *stop, bool score_only_ok,
			   MasteryEvidence *e)
{
	const char *start;
	const char *end;
	double		score,
				out_of,
				weight = 1.0;
	int			kind = KIND_ASSESSMENT;
	bool		have_weight = false,
				have_kind = false;
	TimestampTz observed_at;
	char	   *stamp;
	bool		score_only = false;

	p = skip_spaces(p);
	score = parse_number(input, &p, "a score");
	p = skip_spaces(p);
	/* no "/": a score without out_of; "/0" is an out_of of 0, an error */
	if (score_only_ok && *p == '@')
	{
		out_of = 0.0;
		score_only = true;
	}
	else
	{
		if (*p != '/')
			evidence_syntax_error(input, p, "\"/\" between score and out_of");
		p = skip_spaces(p + 1);
		out_of = parse_number(input, &p, "out_of");
		p = skip_spaces(p);
	}
	if (*p != '@')
		evidence_syntax_error(input, p, "\"@\" before the time observed");
	p = skip_spaces(p + 1);

	/* the timestamp runs to the next comma or stop character, or is quoted */
	if (*p == '"')
	{
		start = ++p;
		while (*p && *p != '"')
			p++;
		if (*p != '"')
			evidence_syntax_error(input, p, "a closing double quote");
		end = p++;
	}
	else
	{
		start = p;
		while (*p && *p != ',' && !strchr(stop, *p))
			p++;
		end = p;
		while (end > start && isspace((unsigned char) end[-1]))
			end--;
	}
	if (end == start)
		evidence_syntax_error(input, start, "the time observed");
	stamp = pnstrdup(start, end - start);
	observed_at = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
														  CStringGetDatum(stamp),
														  ObjectIdGetDatum(InvalidOid),
														  Int32GetDatum(-1)));
	pfree(stamp);

	for (p = skip_spaces(p); *p == ','; p = skip_spaces(p))
	{
		const char *key;
		int			keylen;

		p = skip_spaces(p + 1);
		key = p;
		while (isalpha((unsigned char) *p) || *p == '_')
			p++;
		keylen = p - key;
		p = skip_spaces(p);
		if (keylen == 0 || *p != '=')
			evidence_syntax_error(input, key, "weight=... or kind=...");
		p = skip_spaces(p + 1);
		if ((keylen == 6 && pg_strncasecmp(key, "weight", 6) == 0 && have_weight) ||
			(keylen == 4 && pg_strncasecmp(key, "kind", 4) == 0 && have_kind))
			evidence_syntax_error(input, key, "each of weight and kind at most once");
		if (keylen == 6 && pg_strncasecmp(key, "weight", 6) == 0)
		{
			weight = parse_number(input, &p, "a weight");
			have_weight = true;
		}
		else if (keylen == 4 && pg_strncasecmp(key, "kind", 4) == 0)
		{
			const char *word = p;

			while (isalpha((unsigned char) *p))
				p++;
			if (p == word)
				evidence_syntax_error(input, word, "an evidence kind");
			kind = evidence_kind_from_name(word, p - word);
			have_kind = true;
		}
		else
			evidence_syntax_error(input, key, "weight=... or kind=...");
	}
	if (*p != '\0' && !strchr(stop, *p))
		evidence_syntax_error(input, p, "\",\" or the end of the evidence");

	if (score_only)
	{
		/* every check but out_of's, which it has none of */
		check_score_only(score, observed_at);
		evidence_fill(e, score, 1.0, observed_at, weight, kind);
		e->out_of = 0.0;
	}
	else
		evidence_fill(e, score, out_of, observed_at, weight, kind);
	return p;
}

PG_FUNCTION_INFO_V1(mastery_evidence_in);
Datum
mastery_evidence_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	MasteryEvidence *e = palloc(sizeof(MasteryEvidence));

	evidence_parse(input, input, "", false, e);
	PG_RETURN_POINTER(e);
}

/*
 * score/out_of @ time[, weight=w][, kind=k], or score @ time when out_of is
 * unknown (0: the score-only form).  The time is written with the
 * session's DateStyle and TimeZone like timestamptz, or with iso_utc as ISO
 * 8601 in UTC, which reads back the same under any settings (stored states
 * travel between servers as text).
 */
void
evidence_append_text(StringInfo buf, double score, double out_of, TimestampTz t,
					 float4 weight, int kind, bool iso_utc)
{
	append_exact_float8(buf, score);
	if (out_of != 0.0)
	{
		appendStringInfoChar(buf, '/');
		append_exact_float8(buf, out_of);
	}
	appendStringInfoString(buf, " @ ");
	if (iso_utc)
	{
		char		stamp[MAXDATELEN + 1];
		int			utc = 0;

		appendStringInfoString(buf, JsonEncodeDateTime(stamp, TimestampTzGetDatum(t),
													   TIMESTAMPTZOID, &utc));
	}
	else
		appendStringInfoString(buf, DatumGetCString(DirectFunctionCall1(timestamptz_out,
																		TimestampTzGetDatum(t))));
	if (weight != 1.0f)
	{
		appendStringInfoString(buf, ", weight=");
		append_exact_float4(buf, weight);
	}
	if (kind != KIND_ASSESSMENT)
		appendStringInfo(buf, ", kind=%s", evidence_kind_name(kind));
}

/*
 * The length of evidence_append_text's ISO form, or more, without writing
 * it: what the text forms of states are bounded by (TEXT_FORM_MAX_BYTES).
 */
Size
evidence_text_bound(double score, double out_of, TimestampTz t, float4 weight, int kind)
{
	Size		n = float8_text_bound(score) + 1 + float8_text_bound(out_of) + 3 + timestamp_text_bound(t);

	if (weight != 1.0f)
		n += sizeof(", weight=") - 1 + FLOAT_SHORTEST_DECIMAL_LEN - 1;
	if (kind != KIND_ASSESSMENT)
		n += sizeof(", kind=") - 1 + strlen(evidence_kind_name(kind));
	return n;
}

PG_FUNCTION_INFO_V1(mastery_evidence_out);
Datum
mastery_evidence_out(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = checked_evidence(PG_GETARG_EVIDENCE(0));
	StringInfoData buf;

	initStringInfo(&buf);
	evidence_append_text(&buf, e->score, e->out_of, e->observed_at, e->weight, e->kind, false);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- binary input and output ---------- */

PG_FUNCTION_INFO_V1(mastery_evidence_recv);
Datum
mastery_evidence_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			format = pq_getmsgbyte(buf);
	double		score,
				out_of,
				weight;
	TimestampTz observed_at;
	int			kind;

	if (format != EVIDENCE_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for mastery_evidence", format),
				 errdetail("This version of competency reads format %d.", EVIDENCE_FORMAT)));
	score = pq_getmsgfloat8(buf);
	out_of = pq_getmsgfloat8(buf);
	observed_at = pq_getmsgint64(buf);
	weight = pq_getmsgfloat4(buf);
	kind = pq_getmsgbyte(buf);
	pq_getmsgend(buf);
	PG_RETURN_POINTER(make_evidence(score, out_of, observed_at, weight, kind));
}

PG_FUNCTION_INFO_V1(mastery_evidence_send);
Datum
mastery_evidence_send(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = checked_evidence(PG_GETARG_EVIDENCE(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, EVIDENCE_FORMAT);
	pq_sendfloat8(&buf, e->score);
	pq_sendfloat8(&buf, e->out_of);
	pq_sendint64(&buf, e->observed_at);
	pq_sendfloat4(&buf, e->weight);
	pq_sendbyte(&buf, e->kind);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------- constructor and accessors ---------- */

/*
 * mastery_evidence(score, out_of, observed_at, weight, kind).  Not STRICT:
 * a NULL weight or kind means the default (a CASE without ELSE must not drop
 * the evidence), while a NULL score, out_of or time means there is no
 * evidence (missing work), and the aggregates skip NULL evidence.
 */
PG_FUNCTION_INFO_V1(mastery_evidence_make);
Datum
mastery_evidence_make(PG_FUNCTION_ARGS)
{
	double		weight = 1.0;
	int			kind = KIND_ASSESSMENT;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(3))
		weight = PG_GETARG_FLOAT8(3);
	if (!PG_ARGISNULL(4))
	{
		text	   *name = PG_GETARG_TEXT_PP(4);

		kind = evidence_kind_from_name(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	}
	PG_RETURN_POINTER(make_evidence(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1),
									PG_GETARG_TIMESTAMPTZ(2), weight, kind));
}

PG_FUNCTION_INFO_V1(mastery_evidence_score);
Datum
mastery_evidence_score(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(checked_evidence(PG_GETARG_EVIDENCE(0))->score);
}

PG_FUNCTION_INFO_V1(mastery_evidence_out_of);
Datum
mastery_evidence_out_of(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(checked_evidence(PG_GETARG_EVIDENCE(0))->out_of);
}

PG_FUNCTION_INFO_V1(mastery_evidence_observed_at);
Datum
mastery_evidence_observed_at(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(checked_evidence(PG_GETARG_EVIDENCE(0))->observed_at);
}

PG_FUNCTION_INFO_V1(mastery_evidence_weight);
Datum
mastery_evidence_weight(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT4(checked_evidence(PG_GETARG_EVIDENCE(0))->weight);
}

PG_FUNCTION_INFO_V1(mastery_evidence_kind);
Datum
mastery_evidence_kind(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(evidence_kind_name(checked_evidence(PG_GETARG_EVIDENCE(0))->kind)));
}

PG_FUNCTION_INFO_V1(mastery_evidence_proportion);
Datum
mastery_evidence_proportion(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = checked_evidence(PG_GETARG_EVIDENCE(0));

	PG_RETURN_FLOAT8(e->score / e->out_of);
}

/* ---------- jsonb ---------- */

/* Evidence as a JSON object; numbers in shortest exact form so jsonb round-trips */
void
evidence_append_json(StringInfo buf, double score, double out_of, TimestampTz t,
					 float4 weight, int kind)
{
	char		stamp[MAXDATELEN + 1];

	appendStringInfoString(buf, "{\"score\": ");
	append_exact_float8(buf, score);
	appendStringInfoString(buf, ", \"out_of\": ");
	append_exact_float8(buf, out_of);
	appendStringInfoString(buf, ", \"observed_at\": ");
	escape_json(buf, JsonEncodeDateTime(stamp, TimestampTzGetDatum(t), TIMESTAMPTZOID, NULL));
	appendStringInfoString(buf, ", \"weight\": ");
	append_exact_float4(buf, weight);
	appendStringInfo(buf, ", \"kind\": \"%s\"}", evidence_kind_name(kind));
}

static char *
evidence_json(const MasteryEvidence *e)
{
	StringInfoData buf;

	initStringInfo(&buf);
	evidence_append_json(&buf, e->score, e->out_of, e->observed_at, e->weight, e->kind);
	return buf.data;
}

PG_FUNCTION_INFO_V1(mastery_evidence_to_jsonb);
Datum
mastery_evidence_to_jsonb(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = checked_evidence(PG_GETARG_EVIDENCE(0));

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(evidence_json(e))));
}

/* The json cast is what to_json(), to_jsonb() and row_to_json() use */
PG_FUNCTION_INFO_V1(mastery_evidence_to_json);
Datum
mastery_evidence_to_json(PG_FUNCTION_ARGS)
{
	const MasteryEvidence *e = checked_evidence(PG_GETARG_EVIDENCE(0));

	PG_RETURN_TEXT_P(cstring_to_text(evidence_json(e)));
}

static double
jsonb_number(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key \"%s\" of mastery evidence in jsonb must be a number", key)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(v->val.numeric)));
}

static char *
jsonb_string(JsonbValue *v, const char *key)
{
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key \"%s\" of mastery evidence in jsonb must be a string", key)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * {"score": 3, "out_of": 4, "observed_at": "2024-09-05T10:00:00+00:00",
 *  "weight": 1, "kind": "assessment"}: weight and kind are optional.
 */
void
evidence_from_jsonb(JsonbContainer *container, MasteryEvidence *e)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	double		score = 0,
				out_of = 0,
				weight = 1.0;
	int			kind = KIND_ASSESSMENT;
	TimestampTz observed_at = 0;
	int			seen = 0;

	if (!JsonContainerIsObject(container))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery evidence in jsonb must be an object"),
				 errhint("Write it as {\"score\": 3, \"out_of\": 4, \"observed_at\": \"2024-09-05\"}.")));
	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			if (strcmp(key, "score") == 0)
				score = jsonb_number(&v, key), seen |= 1;
			else if (strcmp(key, "out_of") == 0)
				out_of = jsonb_number(&v, key), seen |= 2;
			else if (strcmp(key, "observed_at") == 0)
			{
				observed_at = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
																	  CStringGetDatum(jsonb_string(&v, key)),
																	  ObjectIdGetDatum(InvalidOid),
																	  Int32GetDatum(-1)));
				seen |= 4;
			}
			else if (strcmp(key, "weight") == 0)
				weight = jsonb_number(&v, key);
			else if (strcmp(key, "kind") == 0)
			{
				char	   *word = jsonb_string(&v, key);

				kind = evidence_kind_from_name(word, strlen(word));
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown key \"%s\" in mastery evidence", key),
						 errdetail("Valid keys are: score, out_of, observed_at, weight, kind.")));
		}
	}
	if (seen != 7)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery evidence in jsonb needs the key \"%s\"",
						!(seen & 1) ? "score" : !(seen & 2) ? "out_of" : "observed_at"),
				 errdetail("score, out_of and observed_at are required; weight and kind are optional.")));
	evidence_fill(e, score, out_of, observed_at, weight, kind);
}

PG_FUNCTION_INFO_V1(mastery_evidence_from_jsonb);
Datum
mastery_evidence_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	MasteryEvidence *e = palloc(sizeof(MasteryEvidence));

	if (JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery evidence in jsonb must be an object"),
				 errhint("Write it as {\"score\": 3, \"out_of\": 4, \"observed_at\": \"2024-09-05\"}.")));
	evidence_from_jsonb(&jb->root, e);
	PG_RETURN_POINTER(e);
}

/* ---------- btree and hash support ---------- */

static int
evidence_cmp_internal(const MasteryEvidence *a, const MasteryEvidence *b)
{
	return evidence_order(a->observed_at, a->score, a->weight, a->out_of, a->kind,
						  b->observed_at, b->score, b->weight, b->out_of, b->kind);
}

#define EVIDENCE_COMPARISON(fname, op) \
PG_FUNCTION_INFO_V1(fname); \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(evidence_cmp_internal(PG_GETARG_EVIDENCE(0), \
										 PG_GETARG_EVIDENCE(1)) op 0); \
}

EVIDENCE_COMPARISON(mastery_evidence_lt, <)
EVIDENCE_COMPARISON(mastery_evidence_le, <=)
EVIDENCE_COMPARISON(mastery_evidence_eq, ==)
EVIDENCE_COMPARISON(mastery_evidence_ne, !=)
EVIDENCE_COMPARISON(mastery_evidence_ge, >=)
EVIDENCE_COMPARISON(mastery_evidence_gt, >)

PG_FUNCTION_INFO_V1(mastery_evidence_cmp);
Datum
mastery_evidence_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(evidence_cmp_internal(PG_GETARG_EVIDENCE(0), PG_GETARG_EVIDENCE(1)));
}

/* Equal evidence has equal bytes: no negative zero, reserved bytes zero */
PG_FUNCTION_INFO_V1(mastery_evidence_hash);
Datum
mastery_evidence_hash(PG_FUNCTION_ARGS)
{
	return hash_any((const unsigned char *) PG_GETARG_EVIDENCE(0), sizeof(MasteryEvidence));
}

PG_FUNCTION_INFO_V1(mastery_evidence_hash_extended);
Datum
mastery_evidence_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_any_extended((const unsigned char *) PG_GETARG_EVIDENCE(0),
							 sizeof(MasteryEvidence), PG_GETARG_INT64(1));
}
