/*
 * learner_profile.c
 *		learner_profile: one learner's record, per skill its mastery, scale,
 *		evidence count, last observation and trend; academic and behavioral
 *		skills side by side.  The type and its one validator, text (JSON),
 *		binary and jsonb forms, equality; and what analysts ask of it (one
 *		skill, the entries, strengths and needs, the distance between two
 *		learners).  The aggregates that build it are in profile_aggregate.c,
 *		their state's flat form in profile_state.c, the rollup of a profile
 *		up a framework in profile_rollup.c.
 */
#include "learner_profile.h"
#include "skill_graph.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/expandeddatum.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memdebug.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "utils/timestamp.h"

/* How many of the latest values the trend is fitted on */
#define TREND_POINTS 5

/* ---------- building and checking a stored profile ---------- */

pg_attribute_noreturn()
static void
corrupt_profile(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid learner_profile value"),
			 errdetail("%s", detail)));
}

static int
compare_profile_specs(const void *a, const void *b)
{
	return strcmp(((const ProfileSpec *) a)->code, ((const ProfileSpec *) b)->code);
}

/*
 * The values of one entry, whatever their source (text, binary, jsonb, an
 * aggregate, a rollup): the same checks everywhere.
 */
/* Room above the largest score (1e12) for methods that extrapolate */
#define PROFILE_MAX_VALUE 1e15

static void
check_entry_values(const char *code, const ProfileEntry *e)
{
	if ((e->flags & ~ENTRY_FLAGS) != 0 || e->reserved != 0 || e->reserved2 != 0 ||
		e->kinds >= (1 << NUM_EVIDENCE_KINDS))
		corrupt_profile(psprintf("The entry of skill \"%s\" has unknown flags.", code));
	/* bounds like evidence's, so that shares and distances stay finite */
	if ((e->flags & ENTRY_HAS_MASTERY) &&
		(!isfinite(e->mastery) || e->mastery < 0.0 || e->mastery > PROFILE_MAX_VALUE))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("mastery of skill \"%s\" in a learner profile must be a number from 0 to 1e15", code)));
	if (!isfinite(e->out_of) || e->out_of < EVIDENCE_MIN_OUT_OF || e->out_of > EVIDENCE_MAX_MAGNITUDE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("out_of of skill \"%s\" in a learner profile must be between 1e-09 and 1e12", code)));
	if ((e->flags & ENTRY_HAS_TREND) && (!isfinite(e->trend) || fabs(e->trend) > PROFILE_MAX_VALUE))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("trend of skill \"%s\" in a learner profile must be a number from -1e15 to 1e15", code)));
	if (e->evidence_count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("evidence count of skill \"%s\" in a learner profile must not be negative", code)));
	if (!TIMESTAMP_IS_NOBEGIN(e->last_observed) &&
		(TIMESTAMP_NOT_FINITE(e->last_observed) || !IS_VALID_TIMESTAMP(e->last_observed)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("last_observed of skill \"%s\" in a learner profile must be a finite timestamp", code)));
}

/*
 * The text form of a profile (profile_json) takes at most "{}", the codes
 * as JSON strings (json_string_text_bound), and per entry this many bytes:
 * its keys and punctuation, three numbers at their longest, a count, a
 * time and every kind.
 */
#define PROFILE_ENTRY_TEXT_MAX \
	(sizeof(", " ": {\"mastery\": " ", \"out_of\": " ", \"evidence_count\": " \
			", \"last_observed\": " ", \"trend\": " ", \"kinds\": " ", \"rolled_up\": true}") - 1 + \
	 3 * (DOUBLE_SHORTEST_DECIMAL_LEN - 1) + 10 + (TIMESTAMP_TEXT_MAX + 2) + \
	 sizeof("[\"assessment\", \"practice\", \"observation\", \"self\", \"behavior\", \"override\"]") - 1)

Size
profile_entry_text_bound(const char *code, Size len)
{
	return json_string_text_bound(code, len) + PROFILE_ENTRY_TEXT_MAX;
}

/* A profile whose text could pass the limit is refused before it is built */
void
check_profile_text(Size bound, int nskills)
{
	if (bound > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile is too large to be written as text"),
				 errdetail("Its %d skills could take up to %zu bytes as text; a value must stay within %zu bytes so that it can be dumped and restored.",
						   nskills, bound, text_form_max_bytes()),
				 errhint("Build profiles with fewer skills or shorter skill codes: one learner per profile, on the skills of one framework.")));
}

/*
 * The one builder: entries sorted by code, each checked, codes unique.
 * Specs are sorted in place; the profile is allocated in the current
 * memory context after its size is known to be within limits.
 */
LearnerProfile *
profile_build(ProfileSpec *specs, int n)
{
	Size		nstrings = 0;
	Size		text = 2;
	Size		size;
	LearnerProfile *p;
	char	   *strings;

	if (n < 0 || n > PROFILE_MAX_SKILLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile has too many skills"),
				 errdetail("A profile holds at most %d skills; this one has %d.", PROFILE_MAX_SKILLS, n)));
	if (n > 1)
		qsort(specs, n, sizeof(ProfileSpec), compare_profile_specs);
	for (int i = 0; i < n; i++)
	{
		check_skill_code(specs[i].code);
		if (i > 0 && strcmp(specs[i - 1].code, specs[i].code) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("skill \"%s\" appears twice in a learner profile", specs[i].code)));
		/* no negative zero: equal profiles have equal bytes */
		specs[i].entry.mastery += 0.0;
		specs[i].entry.trend += 0.0;
		if (!(specs[i].entry.flags & ENTRY_HAS_MASTERY))
			specs[i].entry.mastery = 0.0;
		if (!(specs[i].entry.flags & ENTRY_HAS_TREND))
			specs[i].entry.trend = 0.0;
		if (!entry_has_scale(&specs[i].entry))
			specs[i].entry.out_of = 1.0;
		check_entry_values(specs[i].code, &specs[i].entry);
		nstrings += strlen(specs[i].code) + 1;
		text += profile_entry_text_bound(specs[i].code, strlen(specs[i].code));
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	check_profile_text(text, n);
	size = offsetof(LearnerProfile, entries) + sizeof(ProfileEntry) * (Size) n + nstrings;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile is too large")));
	p = palloc0(size);
	SET_VARSIZE(p, size);
	p->version = LEARNER_PROFILE_VERSION;
	p->nentries = n;
	p->nstrings = (int32) nstrings;
	strings = (char *) &p->entries[n];
	nstrings = 0;
	for (int i = 0; i < n; i++)
	{
		size_t		len = strlen(specs[i].code) + 1;

		p->entries[i] = specs[i].entry;
		p->entries[i].code = (int32) nstrings;
		memcpy(strings + nstrings, specs[i].code, len);
		nstrings += len;
	}
	return p;
}

/* A stored profile, checked field by field before anything reads it */
void
profile_check(const LearnerProfile *p)
{
	Size		size = VARSIZE(p);
	const char *strings;

	if (size < offsetof(LearnerProfile, entries))
		corrupt_profile("The value is shorter than its header.");
	if (p->version != LEARNER_PROFILE_VERSION)
		corrupt_profile(psprintf("Format %d is not known; this version reads format %d.",
								 p->version, LEARNER_PROFILE_VERSION));
	if (p->flags != 0 || p->reserved != 0 || p->reserved2 != 0)
		corrupt_profile("Unknown flags are set.");
	/* the alignment padding before the entries: equal values, equal bytes */
	for (Size b = offsetof(LearnerProfile, reserved2) + sizeof(int32); b < offsetof(LearnerProfile, entries); b++)
		if (((const char *) p)[b] != 0)
			corrupt_profile("Its padding is not zero.");
	if (p->nentries < 0 || p->nentries > PROFILE_MAX_SKILLS || p->nstrings < 0 ||
		size != offsetof(LearnerProfile, entries) + sizeof(ProfileEntry) * (Size) p->nentries +
		(Size) p->nstrings)
		corrupt_profile("Its counts do not match its size.");
	if (p->nentries > 0 && (p->nstrings == 0 || profile_strings(p)[p->nstrings - 1] != '\0'))
		corrupt_profile("Its string pool is not terminated.");
	strings = profile_strings(p);
	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];

		if (e->code < 0 || e->code >= p->nstrings)
			corrupt_profile("A skill code lies outside the string pool.");
		if (i > 0 && strcmp(strings + p->entries[i - 1].code, strings + e->code) >= 0)
			corrupt_profile("The skills are not in order.");
		if (strlen(strings + e->code) > SKILL_CODE_MAX_LENGTH || strings[e->code] == '\0')
			corrupt_profile("A skill code is empty or too long.");
		if ((e->mastery == 0.0 && signbit(e->mastery)) || (e->trend == 0.0 && signbit(e->trend)) ||
			(!(e->flags & ENTRY_HAS_MASTERY) && e->mastery != 0.0) ||
			(!(e->flags & ENTRY_HAS_TREND) && e->trend != 0.0) ||
			(!entry_has_scale(e) && e->out_of != 1.0))
			corrupt_profile("A value is not in its normal form.");
		check_entry_values(strings + e->code, e);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * A profile argument, detoasted and checked.  Profiles change from row to
 * row (one per learner), so this is the per-row cost: O(skills).
 */
const LearnerProfile *
profile_argument(FunctionCallInfo fcinfo, int argno)
{
	const LearnerProfile *p = (const LearnerProfile *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	profile_check(p);
	return p;
}

/*
 * The first skill with a value that has a scale, or that has none; only
 * skills as assessed, or rolled-up wholes too.  -1 when there is none.
 */
int
profile_valued_entry(const LearnerProfile *p, bool with_scale, bool rolled_up_too)
{
	uint8		skip = rolled_up_too ? 0 : ENTRY_ROLLED_UP;

	for (int i = 0; i < p->nentries; i++)
		if ((p->entries[i].flags & (ENTRY_HAS_MASTERY | skip)) == ENTRY_HAS_MASTERY &&
			entry_has_scale(&p->entries[i]) == with_scale)
			return i;
	return -1;
}

/*
 * A mastery threshold means something only on the scale of the values it is
 * compared with.  3 on a BKT profile (0 to 1) calls every skill unmastered,
 * and on a profile whose skills are on 4 and 100 points it calls 35 of 100
 * mastered: both without a word.  So a threshold above the profile's scale,
 * or a profile of several scales, is an error naming the scale.  Skills
 * whose scores came without out_of are on the scale of those scores, which
 * only the caller knows: a threshold is taken on it, as mastery(score,
 * observed_at, method) is compared with one, but not beside skills that
 * have a scale.  A whole's rolled-up value (profile_rollup) is not compared
 * with it and is not looked at.
 */
static void check_threshold_on_scale(const LearnerProfile *p, double threshold, const char *function,
									 bool mastery);

/* A mastery threshold: on the profile's one scale, and not a share of it */
void
profile_check_threshold(const LearnerProfile *p, double threshold, const char *function)
{
	check_threshold_on_scale(p, threshold, function, true);
}

/*
 * A cut between strengths and needs: on the profile's one scale; a low cut
 * (0.5 of 4: what the learner is nearly at zero on) is a fair question
 */
void
profile_check_cut(const LearnerProfile *p, double threshold, const char *function)
{
	check_threshold_on_scale(p, threshold, function, false);
}

static void
check_threshold_on_scale(const LearnerProfile *p, double threshold, const char *function, bool mastery)
{
	double		low = 0.0,
				high = 0.0;
	int			low_i = -1,
				high_i = -1;
	int			unscaled_i = profile_valued_entry(p, false, false);

	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];

		if ((e->flags & (ENTRY_HAS_MASTERY | ENTRY_ROLLED_UP)) != ENTRY_HAS_MASTERY ||
			!entry_has_scale(e))
			continue;
		if (low_i < 0 || e->out_of < low)
		{
			low = e->out_of;
			low_i = i;
		}
		if (high_i < 0 || e->out_of > high)
		{
			high = e->out_of;
			high_i = i;
		}
	}
	if (low_i >= 0 && unscaled_i >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a profile on one scale, and this one mixes scales", function),
				 errdetail("Skill \"%s\" is rated from 0 to %s and skill \"%s\" on the scale of its scores, which came without out_of, so one threshold cannot mean the same on both.",
						   profile_code(p, low_i), exact_float8(low), profile_code(p, unscaled_i)),
				 errhint("Build every skill of the profile from scores with their out_of (mastery_evidence(score, out_of, observed_at)), or every skill from scores alone.")));
	if (low_i < 0)
		return;
	if (low != high)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a profile on one scale, and this one mixes scales", function),
				 errdetail("Skill \"%s\" is rated from 0 to %s and skill \"%s\" from 0 to %s, so one threshold cannot mean the same on both.",
						   profile_code(p, low_i), exact_float8(low), profile_code(p, high_i), exact_float8(high)),
				 errhint("Build the profile with a method that puts every skill on one scale, for example decaying_average(scale=4).")));
	if (threshold > high)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery threshold %s is above the scale of the profile", exact_float8(threshold)),
				 errdetail("Its skills are rated from 0 to %s, so no skill could count as mastered.", exact_float8(high)),
				 errhint("Give the threshold on that scale, for example %s for three quarters of it.",
						 exact_float8(0.75 * high))));
	/* 0.75 meant as a share of a 4-point scale would call nearly everything mastered */
	if (mastery && high >= 2.0 && threshold > 0.0 && threshold < 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mastery threshold %s reads as a share, and the profile is rated from 0 to %s",
						exact_float8(threshold), exact_float8(high)),
				 errdetail("The threshold is compared with the values themselves, so %s would count a skill at %s of %s as mastered.",
						   exact_float8(threshold), exact_float8(threshold), exact_float8(high)),
				 errhint("Give the threshold on the profile's scale: a share of %s is %s of %s.",
						 exact_float8(threshold), exact_float8(threshold * high), exact_float8(high))));
}

/* The entry of a skill, or -1 */
int
profile_find(const LearnerProfile *p, const char *code)
{
	int			lo = 0,
				hi = p->nentries - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(profile_code(p, mid), code);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* ---------- text (JSON), jsonb and binary forms ---------- */

static void
append_kinds(StringInfo buf, uint8 kinds)
{
	bool		first = true;

	appendStringInfoChar(buf, '[');
	for (int k = 0; k < NUM_EVIDENCE_KINDS; k++)
		if (kinds & (1 << k))
		{
			appendStringInfo(buf, "%s\"%s\"", first ? "" : ", ", evidence_kind_name(k));
			first = false;
		}
	appendStringInfoChar(buf, ']');
}

/*
 * {"ratios": {"mastery": 3.2, "out_of": 4, "evidence_count": 5,
 *  "last_observed": "2024-09-05T00:00:00+00:00", "trend": 0.1,
 *  "kinds": ["assessment"]}, ...}: numbers exact and times in UTC, so the
 * text reads back identically under any session settings.
 */
static char *
profile_json(const LearnerProfile *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, profile_code(p, i));
		appendStringInfoString(&buf, ": {\"mastery\": ");
		if (e->flags & ENTRY_HAS_MASTERY)
			append_exact_float8(&buf, e->mastery);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", \"out_of\": ");
		if (entry_has_scale(e))
			append_exact_float8(&buf, e->out_of);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfo(&buf, ", \"evidence_count\": %d, \"last_observed\": ", e->evidence_count);
		if (TIMESTAMP_IS_NOBEGIN(e->last_observed))
			appendStringInfoString(&buf, "null");
		else
		{
			char		stamp[MAXDATELEN + 1];
			int			utc = 0;

			escape_json(&buf, JsonEncodeDateTime(stamp, TimestampTzGetDatum(e->last_observed),
												 TIMESTAMPTZOID, &utc));
		}
		appendStringInfoString(&buf, ", \"trend\": ");
		if (e->flags & ENTRY_HAS_TREND)
			append_exact_float8(&buf, e->trend);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", \"kinds\": ");
		append_kinds(&buf, e->kinds);
		if (e->flags & ENTRY_ROLLED_UP)
			appendStringInfoString(&buf, ", \"rolled_up\": true");
		appendStringInfoChar(&buf, '}');
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

static double
json_number(JsonbValue *v, const char *key, const char *code)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of skill \"%s\" in a learner profile must be a number", key, code)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

char *
json_text(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* One skill's object: every key known, mastery and out_of required */
static void
entry_from_json(JsonbContainer *obj, const char *code, ProfileEntry *e)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	bool		have_mastery = false,
				have_out_of = false;

	memset(e, 0, sizeof(ProfileEntry));
	e->last_observed = DT_NOBEGIN;
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = json_text(&v);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;
		if (strcmp(key, "mastery") == 0)
		{
			have_mastery = true;
			if (v.type != jbvNull)
			{
				e->mastery = json_number(&v, key, code);
				e->flags |= ENTRY_HAS_MASTERY;
			}
		}
		else if (strcmp(key, "out_of") == 0)
		{
			/* null: scores without out_of, a value on their own scale */
			if (v.type == jbvNull)
				e->flags |= ENTRY_NO_SCALE;
			else
				e->out_of = json_number(&v, key, code);
			have_out_of = true;
		}
		else if (strcmp(key, "evidence_count") == 0)
		{
			double		n = json_number(&v, key, code);

			if (n != floor(n) || n < 0 || n > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("evidence_count of skill \"%s\" in a learner profile must be a whole number from 0", code)));
			e->evidence_count = (int32) n;
		}
		else if (strcmp(key, "trend") == 0)
		{
			if (v.type != jbvNull)
			{
				e->trend = json_number(&v, key, code);
				e->flags |= ENTRY_HAS_TREND;
			}
		}
		else if (strcmp(key, "last_observed") == 0)
		{
			if (v.type == jbvString)
				e->last_observed = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
																		   CStringGetDatum(json_text(&v)),
																		   ObjectIdGetDatum(InvalidOid),
																		   Int32GetDatum(-1)));
			else if (v.type != jbvNull)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"last_observed\" of skill \"%s\" in a learner profile must be a timestamp string or null", code)));
		}
		else if (strcmp(key, "rolled_up") == 0)
		{
			if (v.type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"rolled_up\" of skill \"%s\" in a learner profile must be true or false", code)));
			if (v.val.boolean)
				e->flags |= ENTRY_ROLLED_UP;
		}
		else if (strcmp(key, "kinds") == 0)
		{
			JsonbIterator *kit;
			JsonbValue	kv;
			JsonbIteratorToken ktok;

			if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"kinds\" of skill \"%s\" in a learner profile must be an array of evidence kinds", code)));
			kit = JsonbIteratorInit(v.val.binary.data);
			while ((ktok = JsonbIteratorNext(&kit, &kv, true)) != WJB_DONE)
			{
				if (ktok != WJB_ELEM)
					continue;
				if (kv.type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("\"kinds\" of skill \"%s\" in a learner profile must be an array of evidence kinds", code)));
				e->kinds |= 1 << evidence_kind_from_name(kv.val.string.val, kv.val.string.len);
			}
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown key \"%s\" for skill \"%s\" in a learner profile", key, code),
					 errdetail("Valid keys are: mastery, out_of, evidence_count, last_observed, trend, kinds, rolled_up.")));
	}
	if (!have_mastery || !have_out_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("skill \"%s\" in a learner profile needs \"mastery\" and \"out_of\"", code),
				 errhint("Write it as {\"%s\": {\"mastery\": 3.2, \"out_of\": 4}}; mastery may be null, and out_of is null for a value on the scale of scores that came without one.", code)));
}

static LearnerProfile *
profile_from_json(Jsonb *jb)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	ProfileSpec *specs;
	int			n = 0;
	char	   *code = NULL;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a learner profile must be a JSON object of skills"),
				 errhint("Write it as {\"ratios\": {\"mastery\": 3.2, \"out_of\": 4}, ...}.")));
	if (JB_ROOT_COUNT(jb) > PROFILE_MAX_SKILLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile has too many skills"),
				 errdetail("A profile holds at most %d skills.", PROFILE_MAX_SKILLS)));
	specs = palloc(sizeof(ProfileSpec) * Max(JB_ROOT_COUNT(jb), 1));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			code = json_text(&v);
		else if (tok == WJB_VALUE)
		{
			if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("skill \"%s\" in a learner profile must map to an object", code)));
			specs[n].code = code;
			entry_from_json(v.val.binary.data, code, &specs[n].entry);
			n++;
			CHECK_FOR_INTERRUPTS();
		}
	}
	return profile_build(specs, n);
}

PG_FUNCTION_INFO_V1(learner_profile_in);
Datum
learner_profile_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(profile_from_json(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																		   CStringGetDatum(text)))));
}

PG_FUNCTION_INFO_V1(learner_profile_out);
Datum
learner_profile_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(profile_json(PG_GETARG_PROFILE(0)));
}

PG_FUNCTION_INFO_V1(learner_profile_to_jsonb);
Datum
learner_profile_to_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(profile_json(PG_GETARG_PROFILE(0)))));
}

PG_FUNCTION_INFO_V1(learner_profile_from_jsonb);
Datum
learner_profile_from_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(profile_from_json(PG_GETARG_JSONB_P(0)));
}

/*
 * Binary: a version byte, the count, then per skill its code (int32 length
 * in the client encoding, then the bytes converted to it), flags, kinds,
 * evidence count, mastery, out_of, trend and last_observed in network
 * order.  Format 1 (0.2.0) wrote the code's bytes unconverted, so a copy
 * between databases of different encodings garbled it; it is still read,
 * its bytes taken as they are.  recv goes through the builder, as text
 * input does.
 */
#define PROFILE_SEND_VERSION 2

PG_FUNCTION_INFO_V1(learner_profile_send);
Datum
learner_profile_send(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PROFILE_SEND_VERSION);
	pq_sendint32(&buf, p->nentries);
	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];
		const char *code = profile_code(p, i);

		send_counted_text(&buf, code, strlen(code));
		pq_sendbyte(&buf, e->flags);
		pq_sendbyte(&buf, e->kinds);
		pq_sendint32(&buf, e->evidence_count);
		pq_sendfloat8(&buf, e->mastery);
		pq_sendfloat8(&buf, e->out_of);
		pq_sendfloat8(&buf, e->trend);
		pq_sendint64(&buf, e->last_observed);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* A skill code of format 1: the sender's bytes, unconverted */
static char *
recv_raw_code(StringInfo msg)
{
	int			len = pq_getmsgint(msg, 4);
	char	   *code;

	if (len <= 0 || len > SKILL_CODE_MAX_LENGTH || len > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid skill code length %d in binary learner_profile", len)));
	code = pnstrdup(pq_getmsgbytes(msg, len), len);
	if (strlen(code) != (size_t) len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("a skill code in binary learner_profile contains a zero byte")));
	pg_verifymbstr(code, len, false);
	return code;
}

PG_FUNCTION_INFO_V1(learner_profile_recv);
Datum
learner_profile_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(msg);
	int			n;
	ProfileSpec *specs;

	if (version != 1 && version != PROFILE_SEND_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for learner_profile", version),
				 errdetail("This version of competency reads formats 1 and %d.", PROFILE_SEND_VERSION)));
	n = pq_getmsgint(msg, 4);
	/* each skill takes at least 42 bytes (an empty code): check the count first */
	if (n < 0 || n > PROFILE_MAX_SKILLS || (int64) n * 42 > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid skill count %d in binary learner_profile", n)));
	specs = palloc(sizeof(ProfileSpec) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		ProfileEntry *e = &specs[i].entry;

		if (version == 1)
			specs[i].code = recv_raw_code(msg);
		else
		{
			int			len;

			specs[i].code = recv_counted_text(msg, SKILL_CODE_MAX_LENGTH, "skill code",
											  "learner_profile", &len);
		}
		memset(e, 0, sizeof(ProfileEntry));
		e->flags = pq_getmsgbyte(msg);
		e->kinds = pq_getmsgbyte(msg);
		e->evidence_count = pq_getmsgint(msg, 4);
		e->mastery = pq_getmsgfloat8(msg);
		e->out_of = pq_getmsgfloat8(msg);
		e->trend = pq_getmsgfloat8(msg);
		e->last_observed = pq_getmsgint64(msg);
		if ((e->flags & ~ENTRY_FLAGS) != 0 || e->kinds >= (1 << NUM_EVIDENCE_KINDS))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid flags for skill \"%s\" in binary learner_profile", specs[i].code)));
		/* as send writes it: an entry without a scale carries out_of 1 */
		if (!entry_has_scale(e) && e->out_of != 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid out_of for skill \"%s\" in binary learner_profile", specs[i].code),
					 errdetail("A skill without a scale is sent with out_of 1, not %s.", exact_float8(e->out_of))));
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(msg);
	PG_RETURN_POINTER(profile_build(specs, n));
}

/* Equal profiles have equal bytes: the builder's normal form */
PG_FUNCTION_INFO_V1(learner_profile_eq);
Datum
learner_profile_eq(PG_FUNCTION_ARGS)
{
	const LearnerProfile *a = PG_GETARG_PROFILE(0);
	const LearnerProfile *b = PG_GETARG_PROFILE(1);

	PG_RETURN_BOOL(VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0);
}

PG_FUNCTION_INFO_V1(learner_profile_ne);
Datum
learner_profile_ne(PG_FUNCTION_ARGS)
{
	const LearnerProfile *a = PG_GETARG_PROFILE(0);
	const LearnerProfile *b = PG_GETARG_PROFILE(1);

	PG_RETURN_BOOL(!(VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0));
}

PG_FUNCTION_INFO_V1(learner_profile_hash);
Datum
learner_profile_hash(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);

	return hash_any((const unsigned char *) VARDATA(p), VARSIZE(p) - VARHDRSZ);
}

PG_FUNCTION_INFO_V1(learner_profile_hash_extended);
Datum
learner_profile_hash_extended(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);

	return hash_any_extended((const unsigned char *) VARDATA(p), VARSIZE(p) - VARHDRSZ,
							 PG_GETARG_INT64(1));
}


/* ---------- what analysts ask of a profile ---------- */

/* profile -> skill: the mastery, NULL when the skill has none */
PG_FUNCTION_INFO_V1(learner_profile_get);
Datum
learner_profile_get(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);
	char	   *code = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			i = profile_find(p, code);

	if (i < 0 || !(p->entries[i].flags & ENTRY_HAS_MASTERY))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(p->entries[i].mastery);
}

PG_FUNCTION_INFO_V1(learner_profile_skill_count);
Datum
learner_profile_skill_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_PROFILE(0)->nentries);
}

static Datum
kinds_array(uint8 kinds)
{
	Datum		names[NUM_EVIDENCE_KINDS];
	int			n = 0;

	for (int k = 0; k < NUM_EVIDENCE_KINDS; k++)
		if (kinds & (1 << k))
			names[n++] = CStringGetTextDatum(evidence_kind_name(k));
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static void
put_entry(Tuplestorestate *store, TupleDesc desc, const LearnerProfile *p, int i)
{
	const ProfileEntry *e = &p->entries[i];
	Datum		values[7];
	bool		nulls[7] = {false};

	values[0] = CStringGetTextDatum(profile_code(p, i));
	values[1] = Float8GetDatum(e->mastery);
	nulls[1] = !(e->flags & ENTRY_HAS_MASTERY);
	values[2] = Int32GetDatum(e->evidence_count);
	values[3] = TimestampTzGetDatum(e->last_observed);
	nulls[3] = TIMESTAMP_IS_NOBEGIN(e->last_observed);
	values[4] = Float8GetDatum(e->trend);
	nulls[4] = !(e->flags & ENTRY_HAS_TREND);
	values[5] = Float8GetDatum(e->out_of);
	nulls[5] = !entry_has_scale(e);
	values[6] = kinds_array(e->kinds);
	tuplestore_putvalues(store, desc, values, nulls);
}

/* profile_entries(profile): one row per skill, in code order */
PG_FUNCTION_INFO_V1(learner_profile_entries);
Datum
learner_profile_entries(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);
	TupleDesc	desc;
	Tuplestorestate *store = begin_rows(fcinfo, NULL, &desc);

	for (int i = 0; i < p->nentries; i++)
	{
		put_entry(store, desc, p, i);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * strengths and needs: a skill is one or the other, never both.  With a
 * threshold (on the profile's scale) a strength is at or above it and a
 * need below it, counting only skills with at least min_evidence pieces of
 * evidence; without one (the two-argument forms) the line is three
 * quarters of each skill's scale.  Ranked by mastery as a share of the
 * scale (strengths from the top, needs from the bottom), then by evidence
 * count (more first: the better founded), then by code.  Skills without a
 * value are neither.
 */
#define STRENGTH_SHARE 0.75

typedef struct Ranking
{
	const LearnerProfile *profile;
	bool		descending;
} Ranking;

static int
compare_ranked(const void *a, const void *b, void *arg)
{
	const Ranking *r = arg;
	const ProfileEntry *x = &r->profile->entries[*(const int32 *) a];
	const ProfileEntry *y = &r->profile->entries[*(const int32 *) b];
	bool		vx = (x->flags & ENTRY_HAS_MASTERY) != 0;
	bool		vy = (y->flags & ENTRY_HAS_MASTERY) != 0;
	double		px = vx ? entry_proportion(x) : 0.0;
	double		py = vy ? entry_proportion(y) : 0.0;

	/* needs without a value yet come after those with one */
	if (vx != vy)
		return vx ? -1 : 1;
	if (px != py)
		return ((px < py) == r->descending) ? 1 : -1;
	if (x->evidence_count != y->evidence_count)
		return x->evidence_count > y->evidence_count ? -1 : 1;
	return (*(const int32 *) a > *(const int32 *) b) - (*(const int32 *) a < *(const int32 *) b);
}

static Datum
ranked_entries(FunctionCallInfo fcinfo, bool strengths)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);
	int32		n = PG_GETARG_INT32(1);
	bool		given = PG_NARGS() >= 4;
	double		threshold = given ? PG_GETARG_FLOAT8(2) : 0.0;
	int32		min_evidence = given ? PG_GETARG_INT32(3) : 0;
	TupleDesc	desc;
	Tuplestorestate *store;
	int32	   *order;
	int			m = 0;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the number of skills must not be negative"),
				 errdetail("%d was given.", n)));
	if (given)
	{
		if (!isfinite(threshold) || threshold < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("mastery threshold must be a finite number, 0 or more"),
					 errhint("Give it on the scale of the profile's values (for example 3 of 4).")));
		if (min_evidence < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the minimum evidence count must not be negative"),
					 errdetail("%d was given.", min_evidence)));
		profile_check_cut(p, threshold, strengths ? "strengths" : "needs");
	}
	else
	{
		/* rolled-up wholes too: each is split at three quarters of its own scale */
		int			i = profile_valued_entry(p, false, true);

		if (i >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("skill \"%s\" has no scale to split at three quarters of", profile_code(p, i)),
					 errdetail("Its scores came without out_of, so its value is on their scale, which the profile does not know."),
					 errhint("Give the threshold on the scale of the scores: %s(p, n, threshold).",
							 strengths ? "strengths" : "needs")));
	}
	store = begin_rows(fcinfo, NULL, &desc);
	order = palloc(sizeof(int32) * Max(p->nentries, 1));
	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];
		bool		above;

		if (e->evidence_count < min_evidence)
			continue;
		/*
		 * A skill with evidence whose method gives no value yet (a streak
		 * not reached, n_mastery before its n-th score) is not mastered: a
		 * need, never a strength; rolled-up wholes only summarize
		 */
		if (!(e->flags & ENTRY_HAS_MASTERY))
		{
			if (!strengths && !(e->flags & ENTRY_ROLLED_UP) && e->evidence_count > 0)
				order[m++] = i;
			continue;
		}
		above = given ? e->mastery >= threshold : entry_proportion(e) >= STRENGTH_SHARE;
		if (above == strengths)
			order[m++] = i;
	}
	{
		Ranking		r = {p, strengths};

		qsort_arg(order, m, sizeof(int32), compare_ranked, &r);
	}
	for (int i = 0; i < Min(n, m); i++)
		put_entry(store, desc, p, order[i]);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(learner_profile_strengths);
Datum
learner_profile_strengths(PG_FUNCTION_ARGS)
{
	return ranked_entries(fcinfo, true);
}

PG_FUNCTION_INFO_V1(learner_profile_needs);
Datum
learner_profile_needs(PG_FUNCTION_ARGS)
{
	return ranked_entries(fcinfo, false);
}

/*
 * profile_distance(a, b): the root mean square difference of mastery as a
 * share of its scale, over the skills that have a value in either profile;
 * a skill without a value in one of them counts as 0 there (no evidence of
 * mastery).  0 for identical profiles and for two profiles without values;
 * at most about 1 unless extra credit pushes shares above 1.  Values
 * without a scale (scores without out_of) differ as they are, on the
 * scores' own scale; beside shares they would mean nothing, so the two
 * profiles together have values of one kind or the other.
 */
static void
check_distance_scales(const LearnerProfile *a, const LearnerProfile *b)
{
	const LearnerProfile *scaled = a,
			   *unscaled = a;
	int			s = profile_valued_entry(a, true, true),
				u = profile_valued_entry(a, false, true);

	if (s < 0)
	{
		scaled = b;
		s = profile_valued_entry(b, true, true);
	}
	if (u < 0)
	{
		unscaled = b;
		u = profile_valued_entry(b, false, true);
	}
	if (s >= 0 && u >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("profile distance needs values of one kind, shares of a scale or scores without one"),
				 errdetail("Skill \"%s\" of the %s profile is rated from 0 to %s and skill \"%s\" of the %s profile on the scale of its scores, which came without out_of.",
						   profile_code(scaled, s), scaled == a ? "first" : "second",
						   exact_float8(scaled->entries[s].out_of),
						   profile_code(unscaled, u), unscaled == a ? "first" : "second"),
				 errhint("Build the profiles you compare from scores with their out_of (mastery_evidence(score, out_of, observed_at)), or all from scores alone.")));
}

/*
 * The root mean square difference of shares over the skills of a and b:
 * with shared_only, those both have a value for (for grouping: a skill one
 * learner was never assessed on says nothing of how alike the two are, and
 * counting it as 0 made late arrivals, who missed the same early skills,
 * look alike and land together); else those either has a value for, a
 * skill without one counting as 0.  *counted: how many skills; 0 gives 0.
 */
static double
profile_distance_over(const LearnerProfile *a, const LearnerProfile *b, bool shared_only, int *counted)
{
	int			i = 0,
				j = 0,
				n = 0;
	double		sum = 0.0;

	check_distance_scales(a, b);
	while (i < a->nentries || j < b->nentries)
	{
		int			c;
		bool		va = false,
					vb = false;
		double		pa = 0.0,
					pb = 0.0;

		if (i >= a->nentries)
			c = 1;
		else if (j >= b->nentries)
			c = -1;
		else
			c = strcmp(profile_code(a, i), profile_code(b, j));
		if (c <= 0)
		{
			va = (a->entries[i].flags & ENTRY_HAS_MASTERY) != 0;
			if (va)
				pa = a->entries[i].mastery / a->entries[i].out_of;
			i++;
		}
		if (c >= 0)
		{
			vb = (b->entries[j].flags & ENTRY_HAS_MASTERY) != 0;
			if (vb)
				pb = b->entries[j].mastery / b->entries[j].out_of;
			j++;
		}
		if (shared_only ? (va && vb) : (va || vb))
		{
			sum += (pa - pb) * (pa - pb);
			n++;
		}
	}
	*counted = n;
	return n > 0 ? sqrt(sum / n) : 0.0;
}

double
profile_distance_between(const LearnerProfile *a, const LearnerProfile *b)
{
	int			counted;

	return profile_distance_over(a, b, false, &counted);
}

/* Over the skills both profiles have a value for, and how many (*shared) */
double
profile_distance_shared(const LearnerProfile *a, const LearnerProfile *b, int *shared)
{
	return profile_distance_over(a, b, true, shared);
}

PG_FUNCTION_INFO_V1(learner_profile_distance);
Datum
learner_profile_distance(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(profile_distance_between(PG_GETARG_PROFILE(0), PG_GETARG_PROFILE(1)));
}

