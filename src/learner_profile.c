/*
 * learner_profile.c
 *		learner_profile: one learner's record, per skill its mastery, scale,
 *		evidence count, last observation and trend; academic and behavioral
 *		skills side by side.  The type and its one validator, text (JSON),
 *		binary and jsonb forms, equality; the aggregates that build it from
 *		evidence or stored states; what analysts ask of it (one skill, the
 *		entries, strengths and needs, the distance between two learners); and
 *		the rollup of a profile up a framework's part_of hierarchy.
 *
 * While an aggregate builds a profile its state is learner_profile_state,
 * a concrete type (so Citus can push the aggregate down) held as an
 * expanded object in the aggregate's shared context (competency.c): per
 * skill the stream of evidence, as mastery() keeps it, and the method.  The final function
 * rolls each stream up once.  Rows of evidence first go to the learner's
 * evidence log, one append each, and reach their skills' streams when
 * something reads the state (see "the skill dictionary and the evidence
 * log" below): every piece of evidence is still kept, so a profile is
 * exact whatever order rows arrive in and whatever the plan.
 */
#include "learner_profile.h"
#include "skill_graph.h"

#include <sys/mman.h>

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

static inline Size
profile_entry_text_bound(const char *code, Size len)
{
	return json_string_text_bound(code, len) + PROFILE_ENTRY_TEXT_MAX;
}

/* A profile whose text could pass the limit is refused before it is built */
static void
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
void
profile_check_threshold(const LearnerProfile *p, double threshold, const char *function)
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
	if (high >= 2.0 && threshold > 0.0 && threshold < 1.0)
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

static char *
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

/* ---------- the profile of a stream: mastery, scale, trend ---------- */

/*
 * The least-squares slope of the last (up to TREND_POINTS) non-NULL values
 * after each piece of evidence, against their position: points gained per
 * piece of evidence.  False when fewer than two values exist.
 */
static bool
trend_of(const double *values, const bool *isnull, int n, double *slope)
{
	double		sx = 0,
				sy = 0,
				sxx = 0,
				sxy = 0;
	int			m = 0;

	for (int i = n - 1; i >= 0 && m < TREND_POINTS; i--)
	{
		double		x;

		if (isnull[i])
			continue;
		x = (double) (i - (n - 1));
		sx += x;
		sy += values[i];
		sxx += x * x;
		sxy += x * values[i];
		m++;
	}
	if (m < 2)
		return false;
	*slope = (sxy - sx * sy / m) / (sxx - sx * sx / m);
	if (fabs(*slope) < 1e-12 * (fabs(sy / m) + 1.0))
		*slope = 0.0;			/* flat, not a rounding residue */
	return isfinite(*slope);
}

/* One skill's entry from its evidence and the method */
static void
entry_from_stream(const RollupMethod *m, const EvidenceStream *s, uint8 kinds, ProfileEntry *e)
{
	OrderedEvidence o;
	RollupInput in;
	double		value;
	double		latest_out_of;
	double		buf[128];

	memset(e, 0, sizeof(ProfileEntry));
	e->evidence_count = s->n;
	e->kinds = kinds;
	e->last_observed = DT_NOBEGIN;
	e->out_of = 1.0;
	if (s->n == 0)
		return;
	stream_ordered(s, &o);
	e->last_observed = o.items[o.n - 1].observed_at;
	/*
	 * The scale of the value: the method's, the latest evidence's, or 1.
	 * Scores without out_of (0 in the stream: a stream has them all or none)
	 * leave it unknown; scale=k is then an error of rollup_compute, as in
	 * mastery(score, observed_at, method).
	 */
	latest_out_of = o.terms ? o.terms[o.n - 1].out_of : o.common.out_of;
	if (m->id == ROLLUP_BKT)
		e->out_of = 1.0;
	else if (m->scale != ROLLUP_NO_SCALE)
		e->out_of = m->scale;
	else if (latest_out_of > 0.0)
		e->out_of = latest_out_of;
	else
		e->flags |= ENTRY_NO_SCALE;
	if (ordered_view(&o, o.n, &in, NULL, buf, lengthof(buf)) && rollup_compute(m, &in, &value))
	{
		e->mastery = value;
		e->flags |= ENTRY_HAS_MASTERY;
	}
	if (o.n >= 2)
	{
		/*
		 * The values after the last TREND_POINTS pieces, each the rollup of
		 * that prefix (O(n) each): the trend reads nothing earlier.  Each is on
		 * the scale of the latest evidence of its step: compare them on
		 * today's scale (a 70/100 then a 3/4 is not a fall of 67 points);
		 * scale=k and bkt values share one scale already.
		 */
		double		values[TREND_POINTS];
		bool		isnull[TREND_POINTS];
		int			first = Max(0, o.n - TREND_POINTS);
		double		slope;

		for (int i = first; i < o.n; i++)
		{
			RollupInput prefix;
			double		pbuf[128];
			int			k = i - first;

			isnull[k] = !(ordered_view(&o, i + 1, &prefix, NULL, pbuf, lengthof(pbuf)) &&
						  rollup_compute(m, &prefix, &values[k]));
			if (!isnull[k] && o.terms != NULL && m->scale == ROLLUP_NO_SCALE && m->id != ROLLUP_BKT &&
				latest_out_of > 0.0 && o.terms[i].out_of != e->out_of)
				values[k] = values[k] / o.terms[i].out_of * e->out_of;
			if (prefix.scores != pbuf)
			{
				pfree((void *) prefix.scores);
				if (prefix.weights)
					pfree((void *) prefix.weights);
			}
		}
		if (trend_of(values, isnull, o.n - first, &slope))
		{
			e->trend = slope;
			e->flags |= ENTRY_HAS_TREND;
		}
	}
	ordered_release(s, &o);
}

/* ---------- the aggregate state: learner_profile_state ---------- */

/*
 * Per skill its code and stream.  Skills are found by a small open
 * addressing table on the code's hash, and the skill of the previous row
 * is tried first (rows of a learner often come skill by skill).
 */
#define SKILL_INLINE_ITEMS 8
#define SKILL_INLINE_CODE 32

/* A skill with a short code and up to 8 pieces of evidence: one 256-byte chunk */
typedef struct ProfileSkill
{
	char	   *code;			/* code_inline, or its own allocation */
	int32		len;
	uint32		hash;
	uint8		kinds;
	uint32		read_mark;		/* the last flat read that brought this skill */
	RollupMethod *own_method;	/* NULL: the state's method */
	EvidenceStream stream;
	TimedScore	inline_items[SKILL_INLINE_ITEMS];
	char		code_inline[SKILL_INLINE_CODE];
} ProfileSkill;

StaticAssertDecl(sizeof(ProfileSkill) <= 256, "a profile skill fits a 256-byte chunk");

/*
 * The codes of every skill the states of one aggregate context have seen,
 * shared by them (competency.c, aggregate_states_shared): rows name a
 * skill by a short string, and finding it here, in a few hot cache lines,
 * is what lets a row go to its learner's log without touching the
 * learner's skills.
 */
/*
 * A replay's note on one code, valid in that replay: its skill in the
 * target (replay_log), or its place among the log's skills (log_entries)
 */
typedef struct ReplayedCode
{
	uint32		replay;
	int32		slot;
	ProfileSkill *skill;
} ReplayedCode;

typedef struct SkillDictionary
{
	MemoryContext cxt;			/* the states context */
	StringTable codes;
	ReplayedCode *replayed;		/* per code, grown by replay_log */
	Size		replayed_cap;
	uint32		replays;		/* replay_log generations */
	/* where the states' log chunks are carved from, never freed one by one */
	char	   *arena_next;
	Size		arena_room;
	Size		arena_slab;		/* size of the last slab */
	/* chunks of settled logs, by size class (8, 16, 32 entries), for other logs */
	struct ProfileLogChunk *free_chunks[3];
} SkillDictionary;

/*
 * Beyond this many distinct codes, or bytes of them, rows take the direct
 * path: no state's log can then name more skills than a profile holds, so
 * "too many skills" is raised at the row that brings one too many, and
 * the dictionary stays small whatever the input.
 */
#define DICTIONARY_MAX_CODES PROFILE_MAX_SKILLS
#define DICTIONARY_MAX_BYTES (64 * 1024 * 1024)

/*
 * The evidence log: one learner's rows as they arrive, 24 bytes each, in
 * chunks that are appended to and never moved.  Rows of one learner that
 * arrive between rows of 50,000 others touch one cache line of it, where
 * filing each row under its skill touches four.  The log is replayed into
 * the skills of a throwaway copy (filed_view) when anything reads the
 * state: the final function, flattening, the text form; a combine or a
 * copy replays it into its target.  Every row of a log has the state's
 * method: a learner whose rows bring a second method (a method per skill)
 * has its log filed (settle_log) and its rows filed at once from then on,
 * so a method that changes within a skill is an error at its row, as are
 * a bad or one-too-many skill code.
 */
typedef struct ProfileLogEntry
{
	int32		code;			/* in the dictionary */
	uint8		terms;			/* in the log's terms */
	uint8		pad[3];
	TimestampTz observed_at;
	float8		score;
} ProfileLogEntry;

StaticAssertDecl(sizeof(ProfileLogEntry) == 24, "log entries are 24 bytes");

typedef struct ProfileLogChunk
{
	struct ProfileLogChunk *next_free;	/* in the dictionary's free chunks */
	int32		size_class;		/* LOG_FIRST_CHUNK_ENTRIES << size_class entries */
	int32		pad;
	ProfileLogEntry entries[FLEXIBLE_ARRAY_MEMBER];	/* every chunk but the
														 * last is full */
} ProfileLogChunk;

/* Chunks of 8, 16, then 32 entries: a learner's log wastes little room */
#define LOG_FIRST_CHUNK_ENTRIES 8
#define LOG_CHUNK_SIZES			3
#define LOG_LAST_CHUNK_ENTRIES	(LOG_FIRST_CHUNK_ENTRIES << (LOG_CHUNK_SIZES - 1))
#define LOG_CHUNK_ENTRIES(c)	(LOG_FIRST_CHUNK_ENTRIES << (c)->size_class)
/*
 * A log holds fewer rows than one skill's stream may (STREAM_MAX_EVIDENCE):
 * past this many chunks the learner's rows are filed at once, so the
 * stream's own limit is checked at the row that passes it.
 */
#define LOG_MAX_CHUNKS			(STREAM_MAX_EVIDENCE / LOG_LAST_CHUNK_ENTRIES)
#define ARENA_FIRST_SLAB		(4 * 1024)
#define ARENA_LAST_SLAB			(16 * 1024 * 1024)
/* Distinct terms (out_of, weight, kind) one log holds; more: the direct path */
#define LOG_MAX_TERMS			256

/*
 * One learner's log; all zero is an empty log.  Its chunks are listed in
 * an array, not linked: a reader finds them all at once, where following
 * links waits on one cold chunk after another.
 */
typedef struct EvidenceLog
{
	ProfileLogEntry *next;		/* where the next row goes */
	int32		room;			/* entries left in tail */
	uint8		cur_terms;		/* index of cur_terms_value in terms */
	EvidenceTerms cur_terms_value;	/* zero at first: weight 0, which no
									 * evidence has */
	ProfileLogChunk *tail;		/* the newest chunk; NULL when the log is empty */
	int32		chunks;
	int32		nterms;
	EvidenceTerms *terms;		/* the distinct terms of its rows */
	Size		terms_cap;
	ProfileLogChunk **chunk_list;	/* its chunks, oldest first */
	Size		chunk_list_cap;
} EvidenceLog;

typedef struct ExpandedProfileState
{
	ExpandedObjectHeader hdr;
	/* what a logged row touches, together after the header */
	char	   *flat;			/* encoding cached by get_flat_size */
	uint64		method_tag;		/* a profile_method_argument tag of method */
	SkillDictionary *dict;		/* NULL: rows are filed at once */
	Size		text_bound;		/* its text form takes at most this (see state_text_bound) */
	EvidenceLog log;			/* rows of the state's method not yet filed */
	bool		view;			/* a throwaway copy (filed_view): no bound kept */
	RollupMethod method;
	int32		nskills;
	int32		capacity;		/* of skills[] */
	ProfileSkill **skills;
	int32		nslots;			/* a power of two, at least twice nskills */
	int32	   *slots;			/* index into skills[], or -1 */
	int32		last;			/* the skill of the previous row, or -1 */
	uint32		reads;			/* flat states read into this one */
	Size		flat_size;
} ExpandedProfileState;

static Size expanded_profile_flat_size(ExpandedObjectHeader *eohptr);
static void expanded_profile_flatten(ExpandedObjectHeader *eohptr, void *result, Size size);

static const ExpandedObjectMethods expanded_profile_methods = {
	expanded_profile_flat_size,
	expanded_profile_flatten
};

static bool
is_expanded_profile_state(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &expanded_profile_methods;
}

/*
 * The text form of a state (learner_profile_state_out) is bounded as it
 * grows, so that a state is refused at the row that would make it too
 * large to dump or to move between Citus nodes, never later:
 *   the frame and the method's text           STATE_TEXT_FRAME + method
 *   per skill: ", " code ": " "[" ... "]"     code as JSON + SKILL_TEXT_FRAME
 *   per piece of evidence: the piece and "; " evidence_text_bound + 2
 *   per skill with a method of its own        code as JSON + ", " ": " + method as JSON
 * Rows in the evidence log count at their longest (LOG_ROW_TEXT_MAX); when
 * that passes the limit the log is filed and its rows counted as they are.
 */
#define STATE_TEXT_FRAME (sizeof("{\"method\": , \"skills\": {}, \"methods\": {}}") - 1)
#define SKILL_TEXT_FRAME (sizeof(", " ": " "\"[" "]\"") - 1)
#define LOG_ROW_TEXT_MAX(codelen) (EVIDENCE_TEXT_MAX + 2 + json_code_text_max(codelen) + SKILL_TEXT_FRAME)

/* the most json_string_text_bound gives for a code of len bytes: \u00XX each */
static inline Size
json_code_text_max(Size len)
{
	return 2 + 7 * len;
}

static inline Size
method_text_bound(const RollupMethod *m)
{
	/* a method's text has no character JSON escapes */
	return method_text_length(m) + 2;
}

/*
 * A new state in cxt: the aggregate's shared context (see
 * aggregate_states_context), or a context of its own for a state read
 * outside the aggregate's lifetime.
 */
static ExpandedProfileState *
new_profile_state(MemoryContext cxt, const RollupMethod *method)
{
	ExpandedProfileState *ps = MemoryContextAllocZero(cxt, sizeof(ExpandedProfileState));

	EOH_init_header(&ps->hdr, &expanded_profile_methods, cxt);
	ps->method = *method;
	ps->last = -1;
	ps->text_bound = STATE_TEXT_FRAME + method_text_bound(method);
	return ps;
}

static void
profile_state_changed(ExpandedProfileState *ps)
{
	if (ps->flat != NULL)
	{
		pfree(ps->flat);
		ps->flat = NULL;
	}
}

/* A skill code a row brings for the first time, checked like every code */
static void
check_new_code(const char *code, int len)
{
	if (len == 0 || len > SKILL_CODE_MAX_LENGTH || memchr(code, '\0', len) != NULL)
	{
		char	   *copy = pnstrdup(code, len);

		check_skill_code(copy);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("skill code \"%s\" contains a zero byte", copy)));
	}
}

/* The skill with this code, added when new; in the state's context */
static ProfileSkill *
state_skill(ExpandedProfileState *ps, const char *code, int len)
{
	uint32		hash;
	int			slot;
	ProfileSkill *sk;
	MemoryContext old;

	if (ps->last >= 0)
	{
		sk = ps->skills[ps->last];
		if (sk->len == len && memcmp(sk->code, code, len) == 0)
			return sk;
	}
	hash = hash_bytes((const unsigned char *) code, len);
	if (ps->nslots > 0)
	{
		for (slot = hash & (ps->nslots - 1); ps->slots[slot] >= 0; slot = (slot + 1) & (ps->nslots - 1))
		{
			sk = ps->skills[ps->slots[slot]];
			if (sk->hash == hash && sk->len == len && memcmp(sk->code, code, len) == 0)
			{
				ps->last = ps->slots[slot];
				return sk;
			}
		}
	}

	check_new_code(code, len);
	if (ps->nskills >= PROFILE_MAX_SKILLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile has too many skills"),
				 errdetail("A profile holds at most %d skills.", PROFILE_MAX_SKILLS),
				 errhint("Group by learner: a profile is one learner's record.")));
	old = MemoryContextSwitchTo(ps->hdr.eoh_context);
	if (ps->nskills >= ps->capacity)
	{
		int			capacity = Max(8, ps->capacity * 2);

		ps->skills = ps->skills ? repalloc(ps->skills, sizeof(ProfileSkill *) * capacity) :
			palloc(sizeof(ProfileSkill *) * capacity);
		ps->capacity = capacity;
	}
	if (2 * (ps->nskills + 1) > ps->nslots)
	{
		int			nslots = Max(16, ps->nslots * 2);

		if (ps->slots)
			pfree(ps->slots);
		ps->slots = palloc(sizeof(int32) * nslots);
		memset(ps->slots, -1, sizeof(int32) * nslots);
		ps->nslots = nslots;
		for (int i = 0; i < ps->nskills; i++)
		{
			for (slot = ps->skills[i]->hash & (nslots - 1); ps->slots[slot] >= 0;
				 slot = (slot + 1) & (nslots - 1))
				;
			ps->slots[slot] = i;
		}
	}
	sk = palloc(sizeof(ProfileSkill));
	sk->code = len < SKILL_INLINE_CODE ? sk->code_inline : palloc(len + 1);
	memcpy(sk->code, code, len);
	sk->code[len] = '\0';
	sk->len = len;
	sk->hash = hash;
	sk->kinds = 0;
	sk->own_method = NULL;
	sk->read_mark = 0;
	{
		static const EvidenceTerms none = {0};

		stream_init(&sk->stream, &none, sk->inline_items, SKILL_INLINE_ITEMS);
	}
	for (slot = hash & (ps->nslots - 1); ps->slots[slot] >= 0; slot = (slot + 1) & (ps->nslots - 1))
		;
	ps->slots[slot] = ps->nskills;
	ps->skills[ps->nskills] = sk;
	ps->last = ps->nskills;
	ps->nskills++;
	if (!ps->view)
		ps->text_bound += json_string_text_bound(sk->code, len) + SKILL_TEXT_FRAME;
	MemoryContextSwitchTo(old);
	return sk;
}

static inline const RollupMethod *
skill_method(const ExpandedProfileState *ps, const ProfileSkill *sk)
{
	return sk->own_method ? sk->own_method : &ps->method;
}

/* The skill's method is m: its own copy only when it differs from the state's */
static void
skill_set_method(ExpandedProfileState *ps, ProfileSkill *sk, const RollupMethod *m)
{
	if (memcmp(&ps->method, m, sizeof(RollupMethod)) == 0)
	{
		if (sk->own_method)
			pfree(sk->own_method);
		sk->own_method = NULL;
		return;
	}
	if (sk->own_method == NULL)
		sk->own_method = MemoryContextAlloc(ps->hdr.eoh_context, sizeof(RollupMethod));
	*sk->own_method = *m;
	/* its entry in "methods" (counted again if the method changes: a bound) */
	if (!ps->view)
		ps->text_bound += json_string_text_bound(sk->code, sk->len) + sizeof(", " ": ") - 1 +
			method_text_bound(m);
}

/*
 * Skills of one profile may each have their own method (each skill's
 * fitted BKT parameters, say), but one skill keeps one: the method of the
 * rows that give it evidence.  A skill without evidence yet takes the
 * method it is given, so rows that add nothing (an empty stored state) do
 * not decide it, whatever their order.
 */
static void
skill_use_method(ExpandedProfileState *ps, ProfileSkill *sk, const RollupMethod *m)
{
	const RollupMethod *current = skill_method(ps, sk);

	if (memcmp(current, m, sizeof(RollupMethod)) == 0)
		return;
	if (sk->stream.n == 0)
	{
		skill_set_method(ps, sk, m);
		return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("mastery method changes within one skill of a learner profile"),
			 errdetail("Skill \"%s\" started with %s and then got %s.",
					   sk->code, method_to_text(current), method_to_text(m)),
			 errhint("Use one method per skill: skills may differ (each skill's fitted bkt_params, for example), the rows of one skill may not.")));
}

static uint8
stream_kinds(const EvidenceStream *s)
{
	uint8		kinds = 0;

	if (s->n == 0)
		return 0;
	if (s->terms == NULL)
		return 1 << s->common.kind;
	for (int i = 0; i < s->n; i++)
		kinds |= 1 << s->terms[i].kind;
	return kinds;
}

/*
 * Adds all evidence of src, rolled up by method, to skill sk of ps.  A
 * stream without evidence has no say in the skill's method, so rows or
 * partial states that bring nothing cannot make the result depend on
 * their order.
 */
static void
skill_add_stream(ExpandedProfileState *ps, ProfileSkill *sk, const EvidenceStream *src,
				 const RollupMethod *method)
{
	MemoryContext old;

	if (src->n == 0)
		return;
	skill_use_method(ps, sk, method);
	old = MemoryContextSwitchTo(ps->hdr.eoh_context);

	stream_append_stream(&sk->stream, src);
	sk->kinds |= stream_kinds(src);
	MemoryContextSwitchTo(old);
	/* the skill's frame has the brackets */
	if (!ps->view)
		ps->text_bound += stream_text_bound(src) - 2;
}

/* ---------- the skill dictionary and the evidence log ---------- */

/* The dictionary the states of this aggregate context share */
static SkillDictionary *
skill_dictionary(MemoryContext aggcontext)
{
	void	  **shared = aggregate_states_shared(aggcontext);

	if (*shared == NULL)
	{
		MemoryContext cxt = aggregate_states_context(aggcontext);
		SkillDictionary *d = MemoryContextAllocZero(cxt, sizeof(SkillDictionary));

		d->cxt = cxt;
		d->codes.cxt = cxt;
		*shared = d;
	}
	return (SkillDictionary *) *shared;
}

/* The dictionary number of a code, added when new; -1 when the dictionary is full */
static int32
dictionary_code(SkillDictionary *d, const char *code, int len)
{
	uint32		hash;
	int64		i = string_table_find(&d->codes, code, len, &hash);

	if (i >= 0)
		return (int32) i;
	check_new_code(code, len);
	if (d->codes.n >= DICTIONARY_MAX_CODES || d->codes.nbytes + len > DICTIONARY_MAX_BYTES)
		return -1;
	return (int32) string_table_add(&d->codes, code, len, hash);
}

/* The index of a row's terms in the log; -1 when the log holds LOG_MAX_TERMS */
static int
log_terms(ExpandedProfileState *ps, const EvidenceTerms *terms)
{
	EvidenceLog *log = &ps->log;

	if (memcmp(terms, &log->cur_terms_value, sizeof(EvidenceTerms)) == 0)
		return log->cur_terms;
	for (int i = 0; i < log->nterms; i++)
	{
		if (memcmp(&log->terms[i], terms, sizeof(EvidenceTerms)) == 0)
		{
			log->cur_terms = i;
			log->cur_terms_value = *terms;
			return i;
		}
	}
	if (log->nterms >= LOG_MAX_TERMS)
		return -1;
	/* most learners bring a few: the table starts small */
	log->terms = grow_array(ps->hdr.eoh_context, log->terms, &log->terms_cap, log->nterms + 1,
							sizeof(EvidenceTerms), 2, LOG_MAX_TERMS);
	log->terms[log->nterms] = *terms;
	log->cur_terms = log->nterms;
	log->cur_terms_value = *terms;
	return log->nterms++;
}

/*
 * Log chunks are carved from slabs the dictionary allocates in the states
 * context, growing to 16 MB: no chunk header or power-of-two rounding per
 * chunk, and the chunks of many learners share pages.
 */
static void *
arena_alloc(SkillDictionary *d, Size bytes)
{
	void	   *p;

	bytes = MAXALIGN(bytes);
	if (bytes > d->arena_room)
	{
		Size		slab = d->arena_slab == 0 ? ARENA_FIRST_SLAB : Min(2 * d->arena_slab, ARENA_LAST_SLAB);

		while (slab < bytes)
			slab *= 2;
		d->arena_next = MemoryContextAlloc(d->cxt, slab);
		d->arena_room = slab;
		d->arena_slab = slab;
		/* valgrind sees each chunk as it is carved, and nothing beyond */
		VALGRIND_MAKE_MEM_NOACCESS(d->arena_next, slab);
#ifdef MADV_HUGEPAGE
		/* huge pages where the system allows them: fewer TLB misses */
		if (slab >= ARENA_LAST_SLAB)
		{
			uintptr_t	start = TYPEALIGN(2 * 1024 * 1024, (uintptr_t) d->arena_next);
			uintptr_t	end = TYPEALIGN_DOWN(2 * 1024 * 1024, (uintptr_t) d->arena_next + slab);

			if (end > start)
				(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
		}
#endif
#ifdef MADV_POPULATE_WRITE
		/* the slab will be filled: its pages in one call, not a fault each */
		if (slab >= ARENA_LAST_SLAB)
		{
			uintptr_t	start = TYPEALIGN(4096, (uintptr_t) d->arena_next);
			uintptr_t	end = TYPEALIGN_DOWN(4096, (uintptr_t) d->arena_next + slab);

			if (end > start)
				(void) madvise((void *) start, end - start, MADV_POPULATE_WRITE);
		}
#endif
	}
	p = d->arena_next;
	d->arena_next += bytes;
	d->arena_room -= bytes;
	VALGRIND_MAKE_MEM_UNDEFINED(p, bytes);
	/*
	 * The next chunk, whoever's it will be, is written a few dozen rows
	 * from now: fetched ahead, its first write does not wait on memory.
	 */
	if (d->arena_room >= 64)
		prefetch_for_write(d->arena_next);
	return p;
}

static void
log_add_chunk(ExpandedProfileState *ps)
{
	EvidenceLog *log = &ps->log;
	int			size_class = Min(log->chunks, LOG_CHUNK_SIZES - 1);
	Size		bytes = offsetof(ProfileLogChunk, entries) +
		sizeof(ProfileLogEntry) * (LOG_FIRST_CHUNK_ENTRIES << size_class);
	ProfileLogChunk *c = ps->dict->free_chunks[size_class];

	if (c != NULL)
	{
		VALGRIND_MAKE_MEM_UNDEFINED(c, bytes);
		ps->dict->free_chunks[size_class] = c->next_free;
	}
	else
		c = arena_alloc(ps->dict, bytes);
	c->next_free = NULL;
	c->size_class = size_class;
	log->chunk_list = grow_array(ps->hdr.eoh_context, log->chunk_list, &log->chunk_list_cap,
								 log->chunks + 1, sizeof(ProfileLogChunk *), 8, LOG_MAX_CHUNKS);
	log->chunk_list[log->chunks++] = c;
	log->tail = c;
	log->next = c->entries;
	log->room = LOG_CHUNK_ENTRIES(c);
}

/*
 * One row into the log; false when it must take the direct path: its
 * method is not the state's, or a table of the log is full.
 */
static inline bool
log_append(ExpandedProfileState *ps, const char *code, int len, const RollupMethod *m,
		   uint64 method_tag, const EvidenceTerms *terms, TimestampTz observed_at, double score)
{
	int32		c;
	int			ti;
	ProfileLogEntry *entry;

	/* tags start at 1: a new state's 0 matches none */
	if (ps->method_tag != method_tag)
	{
		if (memcmp(&ps->method, m, sizeof(RollupMethod)) != 0)
			return false;
		ps->method_tag = method_tag;
	}
	/* counted at its longest; past the limit, filed and counted as it is */
	if (unlikely(ps->text_bound + LOG_ROW_TEXT_MAX(len) > text_form_max_bytes()))
		return false;
	c = dictionary_code(ps->dict, code, len);
	ti = log_terms(ps, terms);
	if (c < 0 || ti < 0)
		return false;
	if (unlikely(ps->log.room == 0))
	{
		if (ps->log.chunks >= LOG_MAX_CHUNKS)
			return false;
		log_add_chunk(ps);
	}
	ps->text_bound += LOG_ROW_TEXT_MAX(len);
	entry = ps->log.next++;
	ps->log.room--;
	entry->code = c;
	entry->terms = (uint8) ti;
	entry->pad[0] = entry->pad[1] = entry->pad[2] = 0;
	entry->observed_at = observed_at;
	entry->score = score;
	return true;
}

/*
 * Every row of a log (its rows have method m; its codes are d's) into the
 * skills of into, each skill's method checked as the direct path checks
 * it.  The dictionary notes each code's skill in into for this replay.
 */
static inline int
log_chunk_rows(const EvidenceLog *log, const ProfileLogChunk *c)
{
	return c == log->tail ? LOG_CHUNK_ENTRIES(c) - log->room : LOG_CHUNK_ENTRIES(c);
}

/* A new replay generation: no code has a note of it yet */
static uint32
dictionary_new_replay(SkillDictionary *d)
{
	Size		noted = d->replayed_cap;

	/* notes of replay 0 for codes new since the last replay */
	d->replayed = grow_array(d->cxt, d->replayed, &d->replayed_cap, d->codes.n,
							 sizeof(ReplayedCode), 64, DICTIONARY_MAX_CODES);
	memset(d->replayed + noted, 0, sizeof(ReplayedCode) * (d->replayed_cap - noted));
	if (++d->replays == 0)
	{
		/* the counter wrapped: no note is current */
		memset(d->replayed, 0, sizeof(ReplayedCode) * d->replayed_cap);
		d->replays = 1;
	}
	return d->replays;
}

static void
replay_log(ExpandedProfileState *into, const EvidenceLog *log, SkillDictionary *d,
		   const RollupMethod *m)
{
	uint32		replay;
	MemoryContext old;
	ProfileLogChunk *const *chunks = log->chunk_list;
	const ProfileLogChunk *c;
	int			k;

	if (log->tail == NULL)
		return;
	replay = dictionary_new_replay(d);
	old = MemoryContextSwitchTo(into->hdr.eoh_context);
	for (k = 0; k < log->chunks; k++)
	{
		int			n;

		c = chunks[k];
		n = log_chunk_rows(log, c);
		for (int i = 0; i < n; i++)
		{
			const ProfileLogEntry *e = &c->entries[i];
			ReplayedCode *r = &d->replayed[e->code];
			const EvidenceTerms *terms = &log->terms[e->terms];

			if (r->replay != replay)
			{
				r->skill = state_skill(into, string_table_bytes(&d->codes, e->code),
									   d->codes.entries[e->code].len);
				skill_use_method(into, r->skill, m);
				r->replay = replay;
			}
			stream_append(&r->skill->stream, e->observed_at, e->score, terms);
			r->skill->kinds |= 1 << terms->kind;
			if (!into->view)
				into->text_bound += evidence_text_bound(e->score, terms->out_of, e->observed_at,
														terms->weight, terms->kind) + 2;
		}
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextSwitchTo(old);
}

/* The bound of a state's text counted afresh, from its skills (its log is empty) */
static Size
state_text_bound(const ExpandedProfileState *ps)
{
	Size		bound = STATE_TEXT_FRAME + method_text_bound(&ps->method);

	Assert(ps->log.tail == NULL);
	for (int i = 0; i < ps->nskills; i++)
	{
		const ProfileSkill *sk = ps->skills[i];

		bound += json_string_text_bound(sk->code, sk->len) + SKILL_TEXT_FRAME +
			stream_text_bound(&sk->stream) - 2;
		if (sk->own_method)
			bound += json_string_text_bound(sk->code, sk->len) + sizeof(", " ": ") - 1 +
				method_text_bound(sk->own_method);
	}
	return bound;
}

static void settle_log(ExpandedProfileState *ps);

/*
 * A state whose text form could pass the limit is refused where it grows
 * (the row, merge or input that would make it too large): its text is
 * what Citus moves and what pg_dump writes.  Its log's rows are counted
 * at their longest, so before refusing they are filed and counted as
 * they are.
 */
static void
check_state_text(ExpandedProfileState *ps)
{
	if (likely(ps->text_bound <= text_form_max_bytes()))
		return;
	if (ps->log.tail != NULL)
		settle_log(ps);
	else
		ps->text_bound = state_text_bound(ps);
	if (ps->text_bound > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("learner profile state is too large to be written as text"),
				 errdetail("Its %d skills and their evidence could take up to %zu bytes as text; a state must stay within %zu bytes so that it can be dumped, restored and moved between Citus nodes.",
						   ps->nskills, ps->text_bound, text_form_max_bytes()),
				 errhint("Group by learner, so that each profile holds one learner's evidence, or build profiles from fewer pieces of evidence or with shorter skill codes.")));
}

/*
 * The log's rows filed under the state's skills, and the log closed: the
 * learner's later rows are filed at once (a learner whose rows do not fit
 * the log would otherwise settle again and again).  The log is detached
 * before it is replayed, so no row can be filed twice, and its chunks go
 * on to other learners' logs.
 */
static void
settle_log(ExpandedProfileState *ps)
{
	EvidenceLog log = ps->log;
	SkillDictionary *d = ps->dict;

	memset(&ps->log, 0, sizeof(EvidenceLog));
	ps->dict = NULL;
	if (log.tail == NULL)
		return;
	replay_log(ps, &log, d, &ps->method);
	/* its rows were counted at their longest, then again as filed */
	ps->text_bound = state_text_bound(ps);
	for (int k = 0; k < log.chunks; k++)
	{
		ProfileLogChunk *c = log.chunk_list[k];

		c->next_free = d->free_chunks[c->size_class];
		d->free_chunks[c->size_class] = c;
	}
	pfree(log.chunk_list);
	pfree(log.terms);
}

/* Every skill of from, with its evidence and method, and its log, into ps */
static void
add_skills(ExpandedProfileState *ps, const ExpandedProfileState *from)
{
	for (int i = 0; i < from->nskills; i++)
		skill_add_stream(ps, state_skill(ps, from->skills[i]->code, from->skills[i]->len),
						 &from->skills[i]->stream, skill_method(from, from->skills[i]));
	replay_log(ps, &from->log, from->dict, &from->method);
}

/*
 * The state as its skills and their evidence, log included: the state
 * itself when its log is empty, else a throwaway copy in a context of its
 * own (*cxt, to delete), so reading a state never doubles its memory.
 */
static ExpandedProfileState *
filed_view(ExpandedProfileState *ps, MemoryContext *cxt)
{
	ExpandedProfileState *view;

	*cxt = NULL;
	if (ps->log.tail == NULL)
		return ps;
	*cxt = AllocSetContextCreate(CurrentMemoryContext, "learner_profile view",
								 ALLOCSET_DEFAULT_SIZES);
	view = new_profile_state(*cxt, &ps->method);
	view->view = true;
	add_skills(view, ps);
	return view;
}

/* ---------- flat form of the state: what travels and is stored ---------- */

/*
 * Format byte, three zero bytes, the method, the skill count, then per
 * skill: int32 code length, the code, padding to 4 bytes, int32 1 when the
 * skill has a method of its own, which follows (0: the state's method),
 * int32 length of the stream encoding, the encoding (evidence_stream.c),
 * padding to 4.  Format 1 (release 0.2.0) had no per-skill method.
 */
#define PROFILE_STATE_FORMAT 2

typedef struct ProfileStateHeader
{
	int32		vl_len_;
	uint8		format;
	uint8		pad[3];
	int32		nskills;
	int32		pad2;			/* zero; the method is 8-byte aligned */
	RollupMethod method;
} ProfileStateHeader;

StaticAssertDecl(offsetof(ProfileStateHeader, method) == 16, "no implicit padding in a flat state header");

static Size
expanded_profile_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedProfileState *state = (ExpandedProfileState *) eohptr;
	ExpandedProfileState *ps;
	StringInfoData buf;
	ProfileStateHeader h;
	MemoryContext old;
	MemoryContext view;

	if (state->flat != NULL)
		return state->flat_size;
	/*
	 * Read from its skills and log; only the bytes go in the state's
	 * context (each skill's encoding and sorted copy are freed).
	 */
	ps = filed_view(state, &view);
	old = MemoryContextSwitchTo(eohptr->eoh_context);
	initStringInfo(&buf);
	MemoryContextSwitchTo(old);
	memset(&h, 0, sizeof(h));
	h.format = PROFILE_STATE_FORMAT;
	h.nskills = ps->nskills;
	h.method = ps->method;
	appendBinaryStringInfo(&buf, (char *) &h, sizeof(h));
	for (int i = 0; i < ps->nskills; i++)
	{
		ProfileSkill *sk = ps->skills[i];
		Size		len;
		char	   *enc = stream_encode(&sk->stream, true, 0, &len);
		int32		n32;
		static const char zeros[4] = {0};

		n32 = sk->len;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		appendBinaryStringInfo(&buf, sk->code, sk->len);
		appendBinaryStringInfo(&buf, zeros, (4 - (sk->len & 3)) & 3);
		n32 = sk->own_method != NULL;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		if (sk->own_method)
			appendBinaryStringInfo(&buf, (char *) sk->own_method, sizeof(RollupMethod));
		n32 = (int32) len;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		appendBinaryStringInfo(&buf, enc, len);
		appendBinaryStringInfo(&buf, zeros, (4 - (len & 3)) & 3);
		pfree(enc);
	}
	SET_VARSIZE(buf.data, buf.len);
	state->flat = buf.data;
	state->flat_size = buf.len;
	if (view != NULL)
		MemoryContextDelete(view);
	return state->flat_size;
}

static void
expanded_profile_flatten(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	ExpandedProfileState *ps = (ExpandedProfileState *) eohptr;

	/* flattened a second time without a size request: build the bytes again */
	if (ps->flat == NULL)
		(void) expanded_profile_flat_size(eohptr);
	Assert(ps->flat != NULL && size == ps->flat_size);
	memcpy(result, ps->flat, size);
	/* one copy is enough: a parallel partial state is flattened once */
	pfree(ps->flat);
	ps->flat = NULL;
}

/*
 * Flat bytes that fail a check, with SQLSTATE sqlstate: data_corrupted for
 * stored and serialized bytes, invalid_binary_representation for the stored
 * bytes a client sends as binary input (formats 1 and 2 of
 * learner_profile_state_recv), as every other binary input reports.
 */
pg_attribute_noreturn()
static void
corrupt_profile_state(int sqlstate, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid learner_profile_state value"),
			 errdetail("%s", detail)));
}

static void
profile_state_read_header(const char *data, Size size, ProfileStateHeader *h, int sqlstate)
{
	if (size < sizeof(ProfileStateHeader))
		corrupt_profile_state(sqlstate, "The value is shorter than its header.");
	memcpy(h, data, sizeof(ProfileStateHeader));
	if (h->format < 1 || h->format > PROFILE_STATE_FORMAT || h->pad[0] || h->pad[1] || h->pad[2] || h->pad2)
		corrupt_profile_state(sqlstate, psprintf("Format %d is not known; this version reads formats 1 to %d.",
												 h->format, PROFILE_STATE_FORMAT));
	if (h->nskills < 0 || h->nskills > PROFILE_MAX_SKILLS ||
		(Size) h->nskills * 8 > size - sizeof(ProfileStateHeader))
		corrupt_profile_state(sqlstate, "The skill count does not match the size.");
	method_check(&h->method);
}

/*
 * Adds every skill of a flat state to ps: a state of its own, or the
 * combine target, so that each piece of evidence is copied once, from the
 * flat bytes straight into its skill.  Every byte is checked: it may come
 * from another node.
 */
static void
profile_state_read_into(ExpandedProfileState *ps, const char *data, Size size, int sqlstate)
{
	ProfileStateHeader h;
	Size		pos = sizeof(ProfileStateHeader);
	uint32		generation;

	/* 0 marks a skill no read has brought yet */
	if (++ps->reads == 0)
		ps->reads = 1;
	generation = ps->reads;

	profile_state_read_header(data, size, &h, sqlstate);
	for (int i = 0; i < h.nskills; i++)
	{
		int32		len;
		int32		enclen;
		const char *code;
		ProfileSkill *sk;
		EvidenceStream s;
		RollupMethod own;
		const RollupMethod *method = &h.method;

		if (size - pos < 4)
			corrupt_profile_state(sqlstate, "A skill is cut short.");
		memcpy(&len, data + pos, 4);
		pos += 4;
		if (len <= 0 || len > SKILL_CODE_MAX_LENGTH || (Size) len > size - pos)
			corrupt_profile_state(sqlstate, "A skill code has an invalid length.");
		code = data + pos;
		if (memchr(code, '\0', len) != NULL)
			corrupt_profile_state(sqlstate, "A skill code contains a zero byte.");
		if (!pg_verifymbstr(code, len, true))
			corrupt_profile_state(sqlstate, "A skill code is not valid in the server encoding.");
		pos += len + ((4 - (len & 3)) & 3);
		if (pos > size || size - pos < 4)
			corrupt_profile_state(sqlstate, "A skill is cut short.");
		if (h.format >= 2)
		{
			int32		flag;

			memcpy(&flag, data + pos, 4);
			pos += 4;
			if (flag != 0 && flag != 1)
				corrupt_profile_state(sqlstate, "A skill's method flag is neither 0 nor 1.");
			if (flag)
			{
				if (size - pos < sizeof(RollupMethod))
					corrupt_profile_state(sqlstate, "A skill's method is cut short.");
				memcpy(&own, data + pos, sizeof(RollupMethod));
				pos += sizeof(RollupMethod);
				method_check(&own);
				method = &own;
			}
			if (size - pos < 4)
				corrupt_profile_state(sqlstate, "A skill is cut short.");
		}
		memcpy(&enclen, data + pos, 4);
		pos += 4;
		if (enclen < 0 || (Size) enclen > size - pos)
			corrupt_profile_state(sqlstate, "An evidence stream has an invalid length.");
		sk = state_skill(ps, code, len);
		if (sk->read_mark == generation)
			corrupt_profile_state(sqlstate, "A skill appears twice.");
		sk->read_mark = generation;
		/* borrowed: the evidence is copied once, into the skill */
		stream_decode_as(&s, data + pos, enclen, true, sqlstate);
		skill_add_stream(ps, sk, &s, method);
		pos += enclen + ((4 - (enclen & 3)) & 3);
		if (pos > size)
			corrupt_profile_state(sqlstate, "An evidence stream is cut short.");
		CHECK_FOR_INTERRUPTS();
	}
	if (pos != size)
		corrupt_profile_state(sqlstate, "There are bytes after the last skill.");
}

/* A flat state read into a new state under parent */
static ExpandedProfileState *
profile_state_read(const char *data, Size size, MemoryContext parent, int sqlstate)
{
	ProfileStateHeader h;
	ExpandedProfileState *ps;

	profile_state_read_header(data, size, &h, sqlstate);
	ps = new_profile_state(AllocSetContextCreate(parent, "learner_profile_state",
												 ALLOCSET_SMALL_SIZES), &h.method);
	profile_state_read_into(ps, data, size, sqlstate);
	return ps;
}

/* The state argument as an expanded state: its own, or one read from bytes */
static ExpandedProfileState *
profile_state_argument(FunctionCallInfo fcinfo, int argno, MemoryContext parent)
{
	Datum		d = PG_GETARG_DATUM(argno);
	struct varlena *flat;

	if (is_expanded_profile_state(d))
		return (ExpandedProfileState *) DatumGetEOHP(d);
	flat = PG_DETOAST_DATUM(d);
	return profile_state_read((const char *) flat, VARSIZE(flat), parent, ERRCODE_DATA_CORRUPTED);
}

/*
 * Text form, for Citus (which moves partial states as text) and dumps:
 * {"method": "average", "skills": {"ratios": "[3/4 @ ...; ...]", ...}},
 * every number exact and every time in UTC.
 */
PG_FUNCTION_INFO_V1(learner_profile_state_out);
Datum
learner_profile_state_out(PG_FUNCTION_ARGS)
{
	MemoryContext view;
	ExpandedProfileState *ps = filed_view(profile_state_argument(fcinfo, 0, CurrentMemoryContext),
										  &view);
	StringInfoData buf;
	StringInfoData stream;

	initStringInfo(&buf);
	initStringInfo(&stream);
	appendStringInfoString(&buf, "{\"method\": ");
	escape_json(&buf, method_to_text(&ps->method));
	appendStringInfoString(&buf, ", \"skills\": {");
	for (int i = 0; i < ps->nskills; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, ps->skills[i]->code);
		appendStringInfoString(&buf, ": ");
		resetStringInfo(&stream);
		stream_append_text(&stream, &ps->skills[i]->stream);
		escape_json(&buf, stream.data);
		CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(&buf, '}');
	/* the skills with a method of their own, when there are any */
	{
		int			n = 0;

		for (int i = 0; i < ps->nskills; i++)
		{
			if (ps->skills[i]->own_method == NULL)
				continue;
			appendStringInfoString(&buf, n++ == 0 ? ", \"methods\": {" : ", ");
			escape_json(&buf, ps->skills[i]->code);
			appendStringInfoString(&buf, ": ");
			escape_json(&buf, method_to_text(ps->skills[i]->own_method));
		}
		if (n > 0)
			appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	if (view != NULL)
		MemoryContextDelete(view);
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(learner_profile_state_in);
Datum
learner_profile_state_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
	JsonbValue *method;
	JsonbValue *skills;
	JsonbValue *methods;
	ExpandedProfileState *ps;
	RollupMethod m;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *code = NULL;

	if (!JB_ROOT_IS_OBJECT(jb) ||
		(method = getKeyJsonValueFromContainer(&jb->root, "method", 6, NULL)) == NULL ||
		method->type != jbvString ||
		(skills = getKeyJsonValueFromContainer(&jb->root, "skills", 6, NULL)) == NULL ||
		skills->type != jbvBinary || !JsonContainerIsObject(skills->val.binary.data) ||
		((methods = getKeyJsonValueFromContainer(&jb->root, "methods", 7, NULL)) != NULL &&
		 (methods->type != jbvBinary || !JsonContainerIsObject(methods->val.binary.data))) ||
		JB_ROOT_COUNT(jb) != (methods ? 3 : 2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type learner_profile_state"),
				 errdetail("A learner_profile_state is {\"method\": \"...\", \"skills\": {\"code\": \"[evidence; ...]\", ...}}, with \"methods\": {\"code\": \"method\", ...} for skills with a method of their own.")));
	method_parse(json_text(method), &m);
	ps = new_profile_state(CurrentMemoryContext, &m);
	it = JsonbIteratorInit(skills->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			code = json_text(&v);
		else if (tok == WJB_VALUE)
		{
			char	   *stream_text;
			const char *end;
			ProfileSkill *sk;
			MemoryContext old;

			if (v.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("the evidence of skill \"%s\" in a learner_profile_state must be a string", code)));
			stream_text = json_text(&v);
			sk = state_skill(ps, code, strlen(code));
			if (sk->stream.n > 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("skill \"%s\" appears twice in a learner_profile_state", code)));
			old = MemoryContextSwitchTo(ps->hdr.eoh_context);
			end = stream_parse_text(stream_text, stream_text, true, &sk->stream);
			MemoryContextSwitchTo(old);
			/* the stream was empty; the skill's frame has the brackets */
			ps->text_bound += stream_text_bound(&sk->stream) - 2;
			while (isspace((unsigned char) *end))
				end++;
			if (*end != '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid evidence of skill \"%s\" in a learner_profile_state", code),
						 errdetail("Unexpected text after \"]\".")));
			sk->kinds = stream_kinds(&sk->stream);
		}
	}
	/* then the skills' own methods, each naming a skill of "skills" */
	if (methods)
	{
		it = JsonbIteratorInit(methods->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
				code = json_text(&v);
			else if (tok == WJB_VALUE)
			{
				RollupMethod own;
				ProfileSkill *sk;
				int			before = ps->nskills;

				if (v.type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("the method of skill \"%s\" in a learner_profile_state must be a string", code)));
				method_parse(json_text(&v), &own);
				sk = state_skill(ps, code, strlen(code));
				if (ps->nskills != before)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("skill \"%s\" has a method but no evidence in a learner_profile_state", code),
							 errhint("Every key of \"methods\" names a skill of \"skills\".")));
				skill_set_method(ps, sk, &own);
			}
		}
	}
	check_state_text(ps);
	/* a stored value is flat */
	{
		Size		size = expanded_profile_flat_size(&ps->hdr);
		void	   *flat = palloc(size);

		expanded_profile_flatten(&ps->hdr, flat, size);
		PG_RETURN_POINTER(flat);
	}
}

/*
 * Binary form of a state, format 3: the state's method as mastery_method
 * sends it (its format byte first), the skill count, then per skill its
 * code (int32 length in the client encoding, then the bytes converted to
 * it), a byte 1 followed by the skill's own method when it has one (else
 * 0), and its evidence as mastery_state sends it (the count, then score,
 * out_of, observed_at, weight and kind of each piece in evidence order);
 * numbers in network order.  The method goes as numbers, not as its text,
 * so that a parameter travels exactly and is checked by the same
 * validator as a mastery_method's.  recv builds the state as text input
 * does (every code, method and piece of evidence checked the same way).
 *
 * Formats 1 and 2 (0.2.0, and this release before format 3) were a format
 * byte and the stored bytes as they lie in memory: byte order of the
 * sender's machine, codes in its server encoding.  They are still read,
 * through the checks of every stored state.
 */
#define PROFILE_STATE_SEND_FORMAT 3

PG_FUNCTION_INFO_V1(learner_profile_state_send);
Datum
learner_profile_state_send(PG_FUNCTION_ARGS)
{
	MemoryContext view;
	ExpandedProfileState *ps = filed_view(profile_state_argument(fcinfo, 0, CurrentMemoryContext),
										  &view);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PROFILE_STATE_SEND_FORMAT);
	method_send(&buf, &ps->method);
	pq_sendint32(&buf, ps->nskills);
	for (int i = 0; i < ps->nskills; i++)
	{
		const ProfileSkill *sk = ps->skills[i];

		send_counted_text(&buf, sk->code, sk->len);
		pq_sendbyte(&buf, sk->own_method != NULL);
		if (sk->own_method)
			method_send(&buf, sk->own_method);
		stream_send(&buf, &sk->stream);
		CHECK_FOR_INTERRUPTS();
	}
	if (view != NULL)
		MemoryContextDelete(view);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Formats 1 and 2: the sender's stored bytes, checked as every stored state */
static ExpandedProfileState *
profile_state_recv_flat(StringInfo msg, int format)
{
	int			len = msg->len - msg->cursor;
	char	   *flat;

	flat = palloc(VARHDRSZ + len);
	SET_VARSIZE(flat, VARHDRSZ + len);
	memcpy(flat + VARHDRSZ, pq_getmsgbytes(msg, len), len);
	pq_getmsgend(msg);
	if (len < 1 || (uint8) flat[VARHDRSZ] != format)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("learner_profile_state binary format %d does not match the format of its value", format)));
	return profile_state_read(flat, VARHDRSZ + len, CurrentMemoryContext,
							  ERRCODE_INVALID_BINARY_REPRESENTATION);
}

PG_FUNCTION_INFO_V1(learner_profile_state_recv);
Datum
learner_profile_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			format = pq_getmsgbyte(msg);
	ExpandedProfileState *ps;
	RollupMethod m;
	int			n;
	char	   *flat;
	Size		size;
	uint32		generation;

	if (format < 1 || format > PROFILE_STATE_SEND_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for learner_profile_state", format),
				 errdetail("This version of competency reads formats 1 to %d.", PROFILE_STATE_SEND_FORMAT)));
	if (format < PROFILE_STATE_SEND_FORMAT)
		ps = profile_state_recv_flat(msg, format);
	else
	{
		method_recv(msg, &m);
		n = pq_getmsgint(msg, 4);
		/* a skill takes at least 9 bytes (code length, method flag, evidence count) */
		if (n < 0 || n > PROFILE_MAX_SKILLS || (int64) n * 9 > msg->len - msg->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid skill count %d in binary learner_profile_state", n)));
		ps = new_profile_state(CurrentMemoryContext, &m);
		/* a skill this read brought carries its mark, evidence or not */
		generation = ++ps->reads;
		for (int i = 0; i < n; i++)
		{
			int			len;
			char	   *code = recv_counted_text(msg, SKILL_CODE_MAX_LENGTH, "skill code",
												 "learner_profile_state", &len);
			ProfileSkill *sk = state_skill(ps, code, len);
			int			has_method = pq_getmsgbyte(msg);
			RollupMethod own;
			MemoryContext old;

			if (sk->read_mark == generation)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("skill \"%s\" appears twice in a learner_profile_state", code)));
			sk->read_mark = generation;
			if (has_method != 0 && has_method != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid method flag %d for skill \"%s\" in binary learner_profile_state",
								has_method, code)));
			if (has_method)
				method_recv(msg, &own);
			old = MemoryContextSwitchTo(ps->hdr.eoh_context);
			stream_recv(msg, &sk->stream, "learner_profile_state", true);
			MemoryContextSwitchTo(old);
			/* the stream was empty; the skill's frame has the brackets */
			ps->text_bound += stream_text_bound(&sk->stream) - 2;
			sk->kinds = stream_kinds(&sk->stream);
			if (has_method)
				skill_set_method(ps, sk, &own);
			CHECK_FOR_INTERRUPTS();
		}
		pq_getmsgend(msg);
	}
	check_state_text(ps);
	/* a stored value is flat */
	size = expanded_profile_flat_size(&ps->hdr);
	flat = palloc(size);
	expanded_profile_flatten(&ps->hdr, flat, size);
	PG_RETURN_POINTER(flat);
}

/* ---------- the aggregates ---------- */

/* A transition state: in the aggregate's shared context, with its dictionary */
static ExpandedProfileState *
new_aggregate_state(MemoryContext aggcontext, const RollupMethod *method)
{
	SkillDictionary *d = skill_dictionary(aggcontext);
	ExpandedProfileState *ps = new_profile_state(d->cxt, method);

	ps->dict = d;
	return ps;
}

/*
 * The transition value to change: the read-write expanded state this
 * aggregate context holds (changed in place and returned, so nodeAgg,
 * window aggregation and Citus keep it), else a new one in its own context
 * under the aggregate context, starting from a flat state when one is given.
 */
static ExpandedProfileState *
profile_target(FunctionCallInfo fcinfo, const RollupMethod *method)
{
	MemoryContext aggcontext;
	ExpandedProfileState *ps;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "learner_profile transition called in non-aggregate context");
	if (!PG_ARGISNULL(0))
	{
		Datum		d = PG_GETARG_DATUM(0);

		if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) && is_expanded_profile_state(d))
			return (ExpandedProfileState *) DatumGetEOHP(d);
		/* a flat state (from a worker or a table): read into a state of our own */
		if (!is_expanded_profile_state(d))
		{
			struct varlena *flat = PG_DETOAST_DATUM(d);
			ProfileStateHeader h;

			profile_state_read_header((const char *) flat, VARSIZE(flat), &h, ERRCODE_DATA_CORRUPTED);
			ps = new_aggregate_state(aggcontext, &h.method);
			profile_state_read_into(ps, (const char *) flat, VARSIZE(flat), ERRCODE_DATA_CORRUPTED);
			return ps;
		}
		/* a read-only expanded state: a copy of our own to change */
		{
			ExpandedProfileState *from = profile_state_argument(fcinfo, 0, CurrentMemoryContext);

			ps = new_aggregate_state(aggcontext, &from->method);
			add_skills(ps, from);
			return ps;
		}
	}
	if (method == NULL)
		return NULL;
	return new_aggregate_state(aggcontext, method);
}

/*
 * The method argument: checked once per distinct value (fn_extra only
 * remembers the last one checked; a fresh FmgrInfo per call just checks
 * again), and not looked at again when it is a constant of the call, as it
 * nearly always is.  Each value checked gets a tag no other ever gets in
 * this backend, so a state that has seen the tag knows the method without
 * comparing its 64 bytes.
 */
typedef struct CheckedMethod
{
	RollupMethod method;
	uint64		tag;
	bool		is_const;		/* every row's method: a constant of the call */
} CheckedMethod;

static uint64 last_method_tag = 0;

static pg_attribute_always_inline const RollupMethod *
profile_method_argument(FunctionCallInfo fcinfo, int argno, uint64 *tag)
{
	const MasteryMethod *mm;
	CheckedMethod *last = fcinfo->flinfo->fn_extra;

	if (likely(last != NULL && last->is_const))
	{
		*tag = last->tag;
		return &last->method;
	}
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mastery method must not be null"),
				 errhint("Name a method such as 'decaying_average' or 'latest'.")));
	mm = (const MasteryMethod *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if (last != NULL && VARSIZE(mm) == sizeof(MasteryMethod) &&
		memcmp(&last->method, &mm->method, sizeof(RollupMethod)) == 0)
	{
		*tag = last->tag;
		return &last->method;
	}
	if (last == NULL)
		last = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
																  sizeof(CheckedMethod));
	last->method = *checked_method(mm);
	last->is_const = aggregate_argument_is_const(fcinfo, argno);
	last->tag = ++last_method_tag;
	*tag = last->tag;
	return &last->method;
}

/*
 * One row of evidence into the state: appended to the log, or, when it
 * must take the direct path, filed under its skill at once after the log.
 */
static inline void
profile_add_row(ExpandedProfileState *ps, const text *skill, const RollupMethod *method,
				uint64 tag, const EvidenceTerms *terms, TimestampTz observed_at, double score)
{
	const char *code = VARDATA_ANY(skill);
	int			len = VARSIZE_ANY_EXHDR(skill);
	ProfileSkill *sk;
	MemoryContext old;

	profile_state_changed(ps);
	if (likely(ps->dict != NULL) &&
		log_append(ps, code, len, method, tag, terms, observed_at, score))
		return;
	settle_log(ps);
	sk = state_skill(ps, code, len);
	skill_use_method(ps, sk, method);
	old = MemoryContextSwitchTo(ps->hdr.eoh_context);
	stream_append(&sk->stream, observed_at, score, terms);
	MemoryContextSwitchTo(old);
	sk->kinds |= 1 << terms->kind;
	ps->text_bound += evidence_text_bound(score, terms->out_of, observed_at, terms->weight,
										  terms->kind) + 2;
	check_state_text(ps);
}

/* learner_profile(skill, evidence, method): transition */
PG_FUNCTION_INFO_V1(learner_profile_evidence_transfn);
Datum
learner_profile_evidence_transfn(PG_FUNCTION_ARGS)
{
	ExpandedProfileState *ps;
	const RollupMethod *method;
	const MasteryEvidence *e;
	EvidenceTerms terms;
	uint64		tag;

	/* the method is checked on every row, as mastery() checks it */
	method = profile_method_argument(fcinfo, 3, &tag);
	/* a row without a skill or evidence adds nothing */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&profile_target(fcinfo, NULL)->hdr));
	}
	ps = profile_target(fcinfo, method);
	e = PG_GETARG_CHECKED_EVIDENCE(2);
	terms = evidence_terms(e);
	profile_add_row(ps, PG_GETARG_TEXT_PP(1), method, tag, &terms, e->observed_at, e->score);
	PG_RETURN_DATUM(EOHPGetRWDatum(&ps->hdr));
}

/*
 * learner_profile(skill, score, observed_at, method): transition.  Scores
 * without out_of, as mastery(score, observed_at, method) takes them: each
 * row goes to the log as it is, with no evidence value built for it.
 */
PG_FUNCTION_INFO_V1(learner_profile_score_transfn);
Datum
learner_profile_score_transfn(PG_FUNCTION_ARGS)
{
	ExpandedProfileState *ps;
	const RollupMethod *method;
	double		score;
	TimestampTz observed_at;
	uint64		tag;

	/* the method is checked on every row, as mastery() checks it */
	method = profile_method_argument(fcinfo, 4, &tag);
	/* like avg(), a row without a skill, score or time adds nothing */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&profile_target(fcinfo, NULL)->hdr));
	}
	score = PG_GETARG_FLOAT8(2);
	observed_at = PG_GETARG_TIMESTAMPTZ(3);
	/* the checks of check_score_only, which reports what fails them */
	if (unlikely(!(score >= 0.0 && score <= EVIDENCE_MAX_MAGNITUDE) ||
				 TIMESTAMP_NOT_FINITE(observed_at) || !IS_VALID_TIMESTAMP(observed_at)))
		check_score_only(score, observed_at);
	ps = profile_target(fcinfo, method);
	profile_add_row(ps, PG_GETARG_TEXT_PP(1), method, tag, &score_only_terms, observed_at, score + 0.0);
	PG_RETURN_DATUM(EOHPGetRWDatum(&ps->hdr));
}

/* learner_profile(skill, state, method): transition */
PG_FUNCTION_INFO_V1(learner_profile_state_transfn);
Datum
learner_profile_state_transfn(PG_FUNCTION_ARGS)
{
	ExpandedProfileState *ps;
	const RollupMethod *method;
	text	   *skill;
	ProfileSkill *sk;
	EvidenceStream buf;
	struct varlena *st;
	uint64		tag;

	/* the method is checked on every row, as mastery() checks it */
	method = profile_method_argument(fcinfo, 3, &tag);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&profile_target(fcinfo, NULL)->hdr));
	}
	skill = PG_GETARG_TEXT_PP(1);
	/* the stored state's own checks (stream_decode; an expanded one is flattened) */
	st = PG_DETOAST_DATUM(PG_GETARG_DATUM(2));
	stream_decode(&buf, VARDATA(st), VARSIZE(st) - VARHDRSZ, true);
	if (buf.n == 0)
	{
		/*
		 * An empty state (all its evidence corrected away) is no evidence: no
		 * entry, and a group of only empty states is NULL, as a group of
		 * rows without evidence is.
		 */
		check_new_code(VARDATA_ANY(skill), VARSIZE_ANY_EXHDR(skill));
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&profile_target(fcinfo, NULL)->hdr));
	}
	ps = profile_target(fcinfo, method);
	sk = state_skill(ps, VARDATA_ANY(skill), VARSIZE_ANY_EXHDR(skill));
	skill_add_stream(ps, sk, &buf, method);
	profile_state_changed(ps);
	check_state_text(ps);
	PG_RETURN_DATUM(EOHPGetRWDatum(&ps->hdr));
}

/* Combine: every skill of b into a */
PG_FUNCTION_INFO_V1(learner_profile_combinefn);
Datum
learner_profile_combinefn(PG_FUNCTION_ARGS)
{
	ExpandedProfileState *a;
	ExpandedProfileState *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&profile_target(fcinfo, NULL)->hdr));
	}
	if (!is_expanded_profile_state(PG_GETARG_DATUM(1)))
	{
		/* a partial state from a worker: its evidence copied once, into a */
		struct varlena *flat = PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
		ProfileStateHeader h;

		profile_state_read_header((const char *) flat, VARSIZE(flat), &h, ERRCODE_DATA_CORRUPTED);
		a = profile_target(fcinfo, &h.method);
		profile_state_read_into(a, (const char *) flat, VARSIZE(flat), ERRCODE_DATA_CORRUPTED);
		profile_state_changed(a);
		check_state_text(a);
		PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
	}
	b = (ExpandedProfileState *) DatumGetEOHP(PG_GETARG_DATUM(1));
	a = profile_target(fcinfo, &b->method);
	/*
	 * a's own log, if any, stays: its rows join the skills when a is read,
	 * and a skill's evidence is ordered by time, not by arrival.
	 */
	if (a == b)
		elog(ERROR, "learner_profile state combined with itself");
	add_skills(a, b);
	profile_state_changed(a);
	check_state_text(a);
	PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
}

/* In evidence order with uniform terms: by time, then score */
static bool
timed_scores_sorted(const TimedScore *items, int n)
{
	for (int i = 1; i < n; i++)
		if (items[i - 1].observed_at > items[i].observed_at ||
			(items[i - 1].observed_at == items[i].observed_at && items[i - 1].score > items[i].score))
			return false;
	return true;
}

/*
 * The entries of a state whose evidence all lies in its log, under one set
 * of terms (a learner's rows of one table, as they nearly always are): the
 * rows counted per skill, placed skill by skill into one array (a counting
 * sort), and each skill's run rolled up as a stream of its own.  Nothing is
 * filed: no skill, stream or memory context is built per learner, as
 * filed_view would, and the state is only read.
 */
static ProfileSpec *
log_entries(const ExpandedProfileState *ps, int *nspecs)
{
	const EvidenceLog *log = &ps->log;
	SkillDictionary *d = ps->dict;
	ProfileLogChunk *const *chunks = log->chunk_list;
	uint32		replay = dictionary_new_replay(d);
	Size		codes_cap = 0,
				next_cap = 0;
	int32	   *codes = NULL;	/* per skill of the log: its code */
	int64	   *next = NULL;	/* its row count, then where its next row goes */
	int			n = 0;
	int64		rows = 0;
	Size		text = 2;
	TimedScore *items;
	ProfileSpec *specs;

	Assert(ps->nskills == 0 && log->nterms == 1);
	/* each code's place, and its rows; the chunks ahead fetched meanwhile */
	for (int k = 0; k < Min(log->chunks, 4); k++)
		prefetch_for_read(chunks[k]);
	for (int k = 0; k < log->chunks; k++)
	{
		const ProfileLogChunk *c = chunks[k];
		int			m = log_chunk_rows(log, c);

		if (k + 4 < log->chunks)
			prefetch_for_read(chunks[k + 4]);
		for (int i = 0; i < m; i++)
		{
			ReplayedCode *r = &d->replayed[c->entries[i].code];

			if (r->replay != replay)
			{
				codes = grow_array(CurrentMemoryContext, codes, &codes_cap, n + 1, sizeof(int32), 16,
								   DICTIONARY_MAX_CODES);
				next = grow_array(CurrentMemoryContext, next, &next_cap, n + 1, sizeof(int64), 16,
								  DICTIONARY_MAX_CODES);
				r->replay = replay;
				r->slot = n;
				codes[n] = c->entries[i].code;
				next[n++] = 0;
			}
			next[r->slot]++;
		}
		rows += m;
		CHECK_FOR_INTERRUPTS();
	}
	specs = palloc(sizeof(ProfileSpec) * Max(n, 1));
	for (int s = 0; s < n; s++)
	{
		int			len = d->codes.entries[codes[s]].len;

		specs[s].code = pnstrdup(string_table_bytes(&d->codes, codes[s]), len);
		text += profile_entry_text_bound(specs[s].code, len);
	}
	/* the builder's bound, before any skill is rolled up */
	check_profile_text(text, n);
	/* each skill's first place in items */
	rows = 0;
	for (int s = 0; s < n; s++)
	{
		int64		count = next[s];

		next[s] = rows;
		rows += count;
	}
	items = palloc_extended(sizeof(TimedScore) * Max(rows, 1), MCXT_ALLOC_HUGE);
	for (int k = 0; k < log->chunks; k++)
	{
		const ProfileLogChunk *c = chunks[k];
		int			m = log_chunk_rows(log, c);

		for (int i = 0; i < m; i++)
		{
			const ProfileLogEntry *e = &c->entries[i];
			TimedScore *item = &items[next[d->replayed[e->code].slot]++];

			item->observed_at = e->observed_at;
			item->score = e->score;
		}
		CHECK_FOR_INTERRUPTS();
	}
	/* next[s] is now where skill s ends */
	for (int s = 0; s < n; s++)
	{
		int64		first = s == 0 ? 0 : next[s - 1];
		EvidenceStream stream;

		stream.n = stream.nitems = stream.capacity = (int32) (next[s] - first);
		stream.items = items + first;
		stream.owns_items = false;
		stream.sorted = timed_scores_sorted(stream.items, stream.n);
		stream.segments = stream.tail = NULL;
		stream.common = log->terms[0];
		stream.terms = NULL;
		entry_from_stream(&ps->method, &stream, 1 << log->terms[0].kind, &specs[s].entry);
		if ((s & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(items);
	*nspecs = n;
	return specs;
}

/* Final: each skill's stream rolled up once; the state is only read */
PG_FUNCTION_INFO_V1(learner_profile_finalfn);
Datum
learner_profile_finalfn(PG_FUNCTION_ARGS)
{
	ExpandedProfileState *ps;
	ProfileSpec *specs;
	MemoryContext view;
	LearnerProfile *result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ps = profile_state_argument(fcinfo, 0, CurrentMemoryContext);
	if (ps->nskills == 0 && ps->log.tail != NULL && ps->log.nterms == 1)
	{
		int			n;

		specs = log_entries(ps, &n);
		PG_RETURN_POINTER(profile_build(specs, n));
	}
	/* only read: a window aggregate goes on adding to the state */
	ps = filed_view(ps, &view);
	/* the builder's bound, before any skill is rolled up */
	{
		Size		text = 2;

		for (int i = 0; i < ps->nskills; i++)
			text += profile_entry_text_bound(ps->skills[i]->code, ps->skills[i]->len);
		check_profile_text(text, ps->nskills);
	}
	specs = palloc(sizeof(ProfileSpec) * Max(ps->nskills, 1));
	for (int i = 0; i < ps->nskills; i++)
	{
		specs[i].code = ps->skills[i]->code;
		entry_from_stream(skill_method(ps, ps->skills[i]), &ps->skills[i]->stream,
						  ps->skills[i]->kinds, &specs[i].entry);
		if ((i & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	result = profile_build(specs, ps->nskills);
	if (view != NULL)
		MemoryContextDelete(view);
	PG_RETURN_POINTER(result);
}

/* learner_profile(state): a stored learner_profile_state rolled up */
PG_FUNCTION_INFO_V1(learner_profile_from_state);
Datum
learner_profile_from_state(PG_FUNCTION_ARGS)
{
	return learner_profile_finalfn(fcinfo);
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
		profile_check_threshold(p, threshold, strengths ? "strengths" : "needs");
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

/* ---------- rollup up the part_of hierarchy ---------- */

/*
 * The rules: average (of the children that have a value, as shares of
 * their scales), minimum, share_mastered(threshold) (the share of the
 * standards under the whole, all the way down, at or above the threshold;
 * a standard without a value counts as not mastered) and
 * all_mastered(threshold) (1 when every standard under it is, else 0).
 */
typedef enum RollupRule
{
	RULE_AVERAGE,
	RULE_MINIMUM,
	RULE_SHARE_MASTERED,
	RULE_ALL_MASTERED
} RollupRule;

static RollupRule
parse_rollup_rule(const char *text, double *threshold)
{
	static const char *const names[] = {"average", "minimum", "share_mastered", "all_mastered"};
	char		name[32];
	int			len = 0;
	const char *p = text;

	while (isspace((unsigned char) *p))
		p++;
	while ((isalnum((unsigned char) *p) || *p == '_') && len < (int) sizeof(name) - 1)
		name[len++] = *p++;
	name[len] = '\0';
	for (int r = 0; r < (int) lengthof(names); r++)
	{
		if (strcmp(name, names[r]) != 0)
			continue;
		while (isspace((unsigned char) *p))
			p++;
		if (r >= RULE_SHARE_MASTERED)
		{
			char	   *end;

			if (strncmp(p, "(threshold", 10) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("rollup rule \"%s\" needs a threshold", name),
						 errhint("Write it as %s(threshold=3).", name)));
			p += 10;
			while (isspace((unsigned char) *p))
				p++;
			if (*p++ != '=')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid rollup rule \"%s\"", text),
						 errhint("Write it as %s(threshold=3).", name)));
			*threshold = strtod(p, &end);
			if (end == p || !isfinite(*threshold) || *threshold < 0.0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid threshold in rollup rule \"%s\"", text)));
			p = end;
			while (isspace((unsigned char) *p))
				p++;
			if (*p++ != ')')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid rollup rule \"%s\"", text),
						 errhint("Write it as %s(threshold=3).", name)));
			while (isspace((unsigned char) *p))
				p++;
		}
		if (*p != '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid rollup rule \"%s\"", text),
					 errdetail("Valid rules are: average, minimum, share_mastered(threshold=k), all_mastered(threshold=k).")));
		return (RollupRule) r;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown rollup rule \"%s\"", text),
			 errdetail("Valid rules are: average, minimum, share_mastered(threshold=k), all_mastered(threshold=k).")));
	pg_unreachable();
}

/*
 * profile_rollup(profile, g, rule): every skill of the profile that is in
 * the graph passes its value up the part_of hierarchy (standard, cluster,
 * domain, grade), children before wholes.  Under average and minimum a
 * whole gets the rule's value of its children that have a value, on their
 * common scale or as a share when the scales differ, and the mean of their
 * trends (as shares).  Under share_mastered and all_mastered a whole gets
 * the share of the distinct standards under it that are mastered (a whole
 * rated at or above the threshold covers its standards), as a share and
 * without a trend, even a whole the profile rates; under the other rules a
 * rated whole keeps its own value.  Evidence counts add up over the
 * distinct skills under a whole, last_observed is the latest.
 */
PG_FUNCTION_INFO_V1(learner_profile_rollup);
Datum
learner_profile_rollup(PG_FUNCTION_ARGS)
{
	const LearnerProfile *p = PG_GETARG_PROFILE(0);
	GraphView  *g = graph_argument(fcinfo, 1);
	double		threshold = 0.0;
	RollupRule	rule = parse_rollup_rule(text_to_cstring(PG_GETARG_TEXT_PP(2)), &threshold);
	ProfileEntry *value = palloc0(sizeof(ProfileEntry) * Max(g->n, 1));
	bool	   *known = palloc0(sizeof(bool) * Max(g->n, 1));
	bool	   *own = palloc0(sizeof(bool) * Max(g->n, 1));
	int32	   *leaves = palloc0(sizeof(int32) * Max(g->n, 1));
	int32	   *leaves_mastered = palloc0(sizeof(int32) * Max(g->n, 1));
	int32	   *below_evidence = palloc0(sizeof(int32) * Max(g->n, 1));
	uint8	   *below_kinds = palloc0(sizeof(uint8) * Max(g->n, 1));
	TimestampTz *below_last = palloc(sizeof(TimestampTz) * Max(g->n, 1));
	ProfileSpec *specs;
	int			nspecs = 0;

	/* the profile's skills on the graph (and off it: kept as they are) */
	int32	   *spec_of = palloc(sizeof(int32) * Max(g->n, 1));

	/*
	 * The share rules read one threshold on every standard: as in
	 * ready_skills, on the profile's one scale (3 of 100 is not mastered)
	 */
	if (rule == RULE_SHARE_MASTERED || rule == RULE_ALL_MASTERED)
		profile_check_threshold(p, threshold, "profile_rollup with a share rule");
	for (int v = 0; v < g->n; v++)
		below_last[v] = DT_NOBEGIN;

	specs = palloc(sizeof(ProfileSpec) * (p->nentries + g->n + 1));
	for (int i = 0; i < p->nentries; i++)
	{
		int			v = graph_find(g, profile_code(p, i));

		/* an earlier rollup's wholes are computed again, not kept */
		if (v >= 0 && (p->entries[i].flags & ENTRY_ROLLED_UP))
			continue;
		specs[nspecs].code = (char *) profile_code(p, i);
		specs[nspecs].entry = p->entries[i];
		if (v >= 0)
		{
			value[v] = p->entries[i];
			known[v] = true;
			own[v] = true;
			spec_of[v] = nspecs;
		}
		nspecs++;
	}
	/*
	 * A whole rated at or above the threshold covers the standards under it,
	 * as it does for learning paths.  Then per whole its distinct standards
	 * and how many are mastered, and the evidence of the distinct skills
	 * under it (a standard that is part of two clusters counts once).
	 */
	{
		bool	   *covered = palloc0(sizeof(bool) * Max(g->n, 1));

		for (int v = 0; v < g->n && (rule == RULE_SHARE_MASTERED || rule == RULE_ALL_MASTERED); v++)
			if (own[v] && g->parts_start[v] != g->parts_start[v + 1] &&
				(value[v].flags & ENTRY_HAS_MASTERY) && value[v].mastery >= threshold)
			{
				int			nbelow = graph_reach(g, v, g->parts_start, g->parts, true);

				for (int b = 0; b < nbelow; b++)
					covered[g->found[b]] = true;
			}
		for (int w = 0; w < g->n; w++)
		{
			int			nbelow;

			if (g->parts_start[w] == g->parts_start[w + 1])
				continue;
			nbelow = graph_reach(g, w, g->parts_start, g->parts, true);
			for (int b = 0; b < nbelow; b++)
			{
				int32		v = g->found[b];

				if (own[v])
				{
					below_evidence[w] = (int32) Min((int64) below_evidence[w] + value[v].evidence_count,
													PG_INT32_MAX);
					below_kinds[w] |= value[v].kinds;
					if (!TIMESTAMP_IS_NOBEGIN(value[v].last_observed) &&
						(TIMESTAMP_IS_NOBEGIN(below_last[w]) || value[v].last_observed > below_last[w]))
						below_last[w] = value[v].last_observed;
				}
				if (g->parts_start[v] != g->parts_start[v + 1])
					continue;
				leaves[w]++;
				if (covered[v] || (own[v] && (value[v].flags & ENTRY_HAS_MASTERY) &&
								   value[v].mastery >= threshold))
					leaves_mastered[w]++;
			}
			if (own[w] && covered[w])
				leaves_mastered[w] = leaves[w];
			if ((w & 255) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	for (int t = 0; t < g->n; t++)
	{
		int32		w = g->topo[t];
		int			nvalues = 0,
					ntrends = 0;
		double		sum = 0.0,
					minimum = 0.0,
					trend = 0.0,
					scale = 0.0;
		bool		same_scale = true;
		bool		share_rule = rule == RULE_SHARE_MASTERED || rule == RULE_ALL_MASTERED;
		int32		first_valued = -1;
		ProfileEntry e;

		if (g->parts_start[w] == g->parts_start[w + 1])
			continue;
		memset(&e, 0, sizeof(e));
		e.last_observed = DT_NOBEGIN;
		for (int k = g->parts_start[w]; k < g->parts_start[w + 1]; k++)
		{
			const ProfileEntry *c = &value[g->parts[k]];

			if (!known[g->parts[k]])
				continue;
			/* trends as shares of their scales, like the values */
			if (c->flags & ENTRY_HAS_TREND)
			{
				trend += c->trend / c->out_of;
				ntrends++;
			}
			if (!(c->flags & ENTRY_HAS_MASTERY))
				continue;
			if (nvalues == 0)
			{
				scale = c->out_of;
				first_valued = g->parts[k];
			}
			else if (entry_has_scale(c) != entry_has_scale(&value[first_valued]) && !share_rule)
			{
				/* values on the scores' own scale make no share beside shares */
				const ProfileEntry *scaled = entry_has_scale(c) ? c : &value[first_valued];

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the parts of \"%s\" mix skills with a scale and skills without one",
								skill_code(g, w)),
						 errdetail("Skill \"%s\" is rated from 0 to %s and skill \"%s\" on the scale of its scores, which came without out_of.",
								   skill_code(g, entry_has_scale(c) ? g->parts[k] : first_valued),
								   exact_float8(scaled->out_of),
								   skill_code(g, entry_has_scale(c) ? first_valued : g->parts[k])),
						 errhint("Build every skill of the profile from scores with their out_of (mastery_evidence(score, out_of, observed_at)), or every skill from scores alone.")));
			}
			else if (c->out_of != scale)
				same_scale = false;
			sum += c->mastery / c->out_of;
			minimum = nvalues == 0 ? c->mastery / c->out_of : Min(minimum, c->mastery / c->out_of);
			nvalues++;
		}
		e.evidence_count = below_evidence[w];
		e.kinds = below_kinds[w];
		e.last_observed = below_last[w];
		if (own[w])
		{
			/*
			 * A whole the profile rates from its own evidence keeps its own
			 * entry as it is: rolling up again gives the same profile.
			 */
			value[w] = specs[spec_of[w]].entry;
			continue;
		}
		if (e.evidence_count == 0 && nvalues == 0 && ntrends == 0 && TIMESTAMP_IS_NOBEGIN(e.last_observed))
			continue;			/* nothing below this whole is known */
		e.out_of = 1.0;
		e.flags |= ENTRY_ROLLED_UP;
		switch (rule)
		{
			case RULE_AVERAGE:
			case RULE_MINIMUM:
				if (nvalues > 0)
				{
					double		share = rule == RULE_AVERAGE ? sum / nvalues : minimum;

					e.out_of = same_scale ? scale : 1.0;
					e.mastery = share * e.out_of;
					e.flags |= ENTRY_HAS_MASTERY;
					/* of parts without a scale: a value on their scores' scale */
					if (!entry_has_scale(&value[first_valued]))
						e.flags |= ENTRY_NO_SCALE;
				}
				break;
			case RULE_SHARE_MASTERED:
				e.mastery = (double) leaves_mastered[w] / leaves[w];
				e.flags |= ENTRY_HAS_MASTERY;
				break;
			case RULE_ALL_MASTERED:
				e.mastery = leaves_mastered[w] == leaves[w] ? 1.0 : 0.0;
				e.flags |= ENTRY_HAS_MASTERY;
				break;
		}
		if (ntrends > 0 && !share_rule)
		{
			e.trend = trend / ntrends * e.out_of;
			e.flags |= ENTRY_HAS_TREND;
		}
		value[w] = e;
		known[w] = true;
		specs[nspecs].code = (char *) skill_code(g, w);
		specs[nspecs].entry = e;
		nspecs++;
		if ((t & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(profile_build(specs, nspecs));
}
