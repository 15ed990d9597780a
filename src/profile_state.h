/*
 * profile_state.h
 *		learner_profile_state inside the server: the expanded state an
 *		aggregate builds (profile_aggregate.c) and its flat form, what
 *		travels between workers and is stored (profile_state.c).  Internal
 *		to those two files.
 */
#ifndef COMPETENCY_PROFILE_STATE_H
#define COMPETENCY_PROFILE_STATE_H

#include "learner_profile.h"

#include "utils/expandeddatum.h"

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

/* profile_aggregate.c: the state in memory */
extern ExpandedProfileState *new_profile_state(MemoryContext cxt, const RollupMethod *method);
extern bool is_expanded_profile_state(Datum d);
extern ExpandedProfileState *filed_view(ExpandedProfileState *ps, MemoryContext *cxt);
extern void add_skills(ExpandedProfileState *ps, const ExpandedProfileState *from);
extern ProfileSkill *state_skill(ExpandedProfileState *ps, const char *code, int len);
extern void skill_set_method(ExpandedProfileState *ps, ProfileSkill *sk, const RollupMethod *m);
extern uint8 stream_kinds(const EvidenceStream *s);
extern void skill_add_stream(ExpandedProfileState *ps, ProfileSkill *sk, const EvidenceStream *src,
							 const RollupMethod *method);
extern void check_state_text(ExpandedProfileState *ps);

static inline const RollupMethod *
skill_method(const ExpandedProfileState *ps, const ProfileSkill *sk)
{
	return sk->own_method ? sk->own_method : &ps->method;
}

/* profile_state.c: the flat form */
extern Size expanded_profile_flat_size(ExpandedObjectHeader *eohptr);
extern void expanded_profile_flatten(ExpandedObjectHeader *eohptr, void *result, Size size);
extern void profile_state_read_header(const char *data, Size size, ProfileStateHeader *h, int sqlstate);
extern void profile_state_read_into(ExpandedProfileState *ps, const char *data, Size size, int sqlstate);
extern ExpandedProfileState *profile_state_argument(FunctionCallInfo fcinfo, int argno, MemoryContext parent);

#endif							/* COMPETENCY_PROFILE_STATE_H */
