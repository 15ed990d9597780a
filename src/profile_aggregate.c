/*
 * profile_aggregate.c
 *		The aggregates that build learner profiles: learner_profile over
 *		evidence, raw scores or stored states, and learner_profile_state.
 *
 * While an aggregate builds a profile its state is learner_profile_state,
 * a concrete type (so Citus can push the aggregate down) held as an
 * expanded object in the aggregate's shared context (competency.c): per
 * skill the stream of evidence, as mastery() keeps it, and the method.  The
 * final function rolls each stream up once.  Rows of evidence first go to
 * the learner's evidence log, one append each, and reach their skills'
 * streams when something reads the state (see "the skill dictionary and
 * the evidence log" below): every piece of evidence is still kept, so a
 * profile is exact whatever order rows arrive in and whatever the plan.
 * The flat form of the state, and its text and binary forms, are in
 * profile_state.c.
 */
#include "learner_profile.h"
#include "profile_state.h"
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

#include <sys/mman.h>

/* How many of the latest values the trend is fitted on */
#define TREND_POINTS 5

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


static const ExpandedObjectMethods expanded_profile_methods = {
	expanded_profile_flat_size,
	expanded_profile_flatten
};

bool
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
ExpandedProfileState *
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
ProfileSkill *
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

/* The skill's method is m: its own copy only when it differs from the state's */
void
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

uint8
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
void
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
void
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
void
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
ExpandedProfileState *
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

