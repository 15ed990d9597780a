/*
 * learner_profile.h
 *		The learner_profile value shared by learner_profile.c (type,
 *		aggregates, accessors, rollups) and learning_path.c (fringe, paths,
 *		pictures).
 */
#ifndef COMPETENCY_LEARNER_PROFILE_H
#define COMPETENCY_LEARNER_PROFILE_H

#include "competency.h"

#define LEARNER_PROFILE_VERSION 1
#define PROFILE_MAX_SKILLS		1000000

/* ProfileEntry.flags */
#define ENTRY_HAS_MASTERY		0x01
#define ENTRY_HAS_TREND			0x02
#define ENTRY_ROLLED_UP			0x04	/* a whole's value computed by profile_rollup */
#define ENTRY_NO_SCALE			0x08	/* scores without out_of: see ProfileEntry */
#define ENTRY_FLAGS				(ENTRY_HAS_MASTERY | ENTRY_HAS_TREND | ENTRY_ROLLED_UP | ENTRY_NO_SCALE)

/*
 * One skill of a profile.  mastery is on the scale out_of (the method's
 * scale=k, else the out_of of the latest evidence; 1 for bkt), so
 * mastery / out_of compares skills on different scales.  With
 * ENTRY_NO_SCALE the scores came without an out_of (the score-only form,
 * as mastery(score, observed_at, method) takes them): the value is on the
 * scale of the scores, which nothing records, and out_of is 1, so its
 * "share" is the value itself; a threshold is read on the scores' scale,
 * and what needs a scale (three quarters of it, shares beside skills that
 * have one) is an error.  kinds has bit k set when evidence of kind k was
 * seen: academic and behavioral skills live in one profile and stay
 * distinguishable.
 */
typedef struct ProfileEntry
{
	int32		code;			/* offset of the skill code in the string pool */
	int32		evidence_count; /* >= 0 */
	float8		mastery;		/* when ENTRY_HAS_MASTERY */
	float8		out_of;			/* > 0 */
	float8		trend;			/* when ENTRY_HAS_TREND */
	TimestampTz last_observed;	/* finite, or DT_NOBEGIN when no evidence */
	uint8		flags;
	uint8		kinds;			/* bit per EvidenceKind */
	uint16		reserved;		/* zero */
	int32		reserved2;		/* zero */
} ProfileEntry;

StaticAssertDecl(sizeof(ProfileEntry) == 48, "profile entries are 48 bytes");

/*
 * The stored profile: a header, the entries sorted by code (byte order, as
 * skill graphs sort theirs: lookups and merges with a graph are binary
 * searches or linear walks), then the NUL-terminated codes.
 */
typedef struct LearnerProfile
{
	int32		vl_len_;		/* varlena header, never touched directly */
	uint8		version;		/* LEARNER_PROFILE_VERSION */
	uint8		flags;			/* zero */
	uint16		reserved;		/* zero */
	int32		nentries;
	int32		nstrings;		/* bytes in the string pool */
	int32		reserved2;		/* zero; keeps the entries 8-byte aligned */
	ProfileEntry entries[FLEXIBLE_ARRAY_MEMBER];
} LearnerProfile;

static inline const char *
profile_strings(const LearnerProfile *p)
{
	return (const char *) &p->entries[p->nentries];
}

static inline const char *
profile_code(const LearnerProfile *p, int i)
{
	return profile_strings(p) + p->entries[i].code;
}

static inline bool
entry_has_scale(const ProfileEntry *e)
{
	return (e->flags & ENTRY_NO_SCALE) == 0;
}

/* mastery / out_of (the value itself without a scale), or -1 for a skill without a value */
static inline double
entry_proportion(const ProfileEntry *e)
{
	return (e->flags & ENTRY_HAS_MASTERY) ? e->mastery / e->out_of : -1.0;
}

/* What the builder takes: an entry with its code as a string */
typedef struct ProfileSpec
{
	char	   *code;
	ProfileEntry entry;			/* its code field is ignored */
} ProfileSpec;

extern LearnerProfile *profile_build(ProfileSpec *specs, int n);
extern const LearnerProfile *profile_argument(FunctionCallInfo fcinfo, int argno);
extern int	profile_find(const LearnerProfile *p, const char *code);
extern double profile_distance_between(const LearnerProfile *a, const LearnerProfile *b);
extern double profile_distance_shared(const LearnerProfile *a, const LearnerProfile *b, int *shared);
extern void profile_check(const LearnerProfile *p);
/* the most bytes a skill's entry can take in the profile's text form, and the check of a total */
extern Size profile_entry_text_bound(const char *code, Size len);
extern void check_profile_text(Size bound, int nskills);
/* a jsonb string as a C string */
struct JsonbValue;
extern char *json_text(struct JsonbValue *v);
extern void profile_check_threshold(const LearnerProfile *p, double threshold, const char *function);
extern void profile_check_cut(const LearnerProfile *p, double threshold, const char *function);
extern int	profile_valued_entry(const LearnerProfile *p, bool with_scale, bool rolled_up_too);
struct GraphView;
extern int	profile_ready_skills(struct GraphView *g, const LearnerProfile *p, double threshold,
								 int32 *ready);

#define PG_GETARG_PROFILE(n) profile_argument(fcinfo, n)

#endif							/* COMPETENCY_LEARNER_PROFILE_H */
