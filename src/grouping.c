/*
 * grouping.c
 *		Flexible instructional groups within a section.
 *
 * instructional_groups(learner, profile, g, threshold, min_size, max_size,
 * mode) collects one row per learner: the profile, and (computed once per
 * row with the graph cached for the query) the learner's ready skills.  The
 * final function puts the learners in the order of a draw from their codes
 * (learner_draw), so the result depends on the input only, never on its
 * order or the plan, and never on the order of learner ids; then it groups
 * them:
 *
 *   readiness  learners ready for the same skill grouped on it; focus
 *              skills chosen to cover every learner with as few groups as
 *              the sizes allow; then exhaustive improvement passes
 *   similar    capacity-constrained k-medoids on profile_distance, then
 *              exhaustive swap passes; focus the group's most common need
 *   mixed      a serpentine draft by overall mastery, then exhaustive swap
 *              passes that make the group means as equal as possible
 *
 * A section of 30 is small: the improvement passes try every move and
 * every swap until none helps (O(n^2) per pass), which finds a local
 * optimum no single exchange can improve.
 *
 * With a balance input (a subgroup label, or an array of them, per
 * learner), the groups that share a focus then spread every label as
 * evenly as their sizes allow (group_balance.c); the focus of each group is
 * fixed before, so that moving learners among them changes no focus.
 *
 * The modes are in group_readiness.c, group_similar.c and group_mixed.c,
 * over the Section of grouping.h.  The audit of any grouping
 * (group_disproportionality) is in group_audit.c.
 */
#include "group_balance.h"
#include "grouping.h"
#include "learner_profile.h"
#include "skill_graph.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/qunique.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include <limits.h>

/* an n x n distance matrix per section: 2,000 learners take 32 MB */
#define GROUPING_MAX_LEARNERS 2000
/* label columns of the balance input (english_learner, iep, free_lunch, ...) */
#define GROUPING_MAX_LABELS 16

typedef enum GroupingMode
{
	MODE_READINESS,
	MODE_SIMILAR,
	MODE_MIXED
} GroupingMode;

static const char *const mode_names[] = {"readiness", "similar", "mixed"};

/* ---------- the aggregate state ---------- */

struct GroupLearner
{
	char	   *code;
	LearnerProfile *profile;
	int32		nready;
	char	  **ready;			/* ready skill codes, in topological order */
	char	   *need;			/* see learner_need; NULL for none */
	int32		nlabels;		/* balance labels: 0 (none given) or the state's columns */
	char	  **labels;			/* each NULL for no label */
};

/* Is skill v under a whole the profile rates (as assessed) at or above the threshold? */
static bool
covered_by_whole(GraphView *g, const LearnerProfile *p, int v, double threshold)
{
	int			nabove = graph_reach(g, v, g->wholes_start, g->wholes, true);

	for (int a = 0; a < nabove; a++)
	{
		int			i = profile_find(p, skill_code(g, g->found[a]));

		if (i >= 0 && (p->entries[i].flags & (ENTRY_HAS_MASTERY | ENTRY_ROLLED_UP)) == ENTRY_HAS_MASTERY &&
			p->entries[i].mastery >= threshold)
			return true;
	}
	return false;
}

/*
 * A learner's need: the lowest of their skills in the graph below the
 * threshold (as assessed, not rolled up, and not covered by a whole
 * mastered as such; ties by code); with none, the first skill they are
 * ready for; else none.
 */
static const char *
learner_need(GraphView *g, const LearnerProfile *p, double threshold, const char *first_ready)
{
	int			best = -1;

	for (int i = 0; i < p->nentries; i++)
	{
		const ProfileEntry *e = &p->entries[i];
		int			v;

		if ((e->flags & (ENTRY_HAS_MASTERY | ENTRY_ROLLED_UP)) == ENTRY_HAS_MASTERY &&
			e->mastery < threshold &&
			(best < 0 || entry_proportion(e) < entry_proportion(&p->entries[best])) &&
			(v = graph_find(g, profile_code(p, i))) >= 0 &&
			!covered_by_whole(g, p, v, threshold))
			best = i;
	}
	return best >= 0 ? profile_code(p, best) : first_ready;
}

typedef struct GroupingState
{
	int32		mode;
	int32		min_size;
	int32		max_size;
	double		threshold;
	/* balance: -2 none asked (no balance argument), -1 not known yet, else columns */
	int32		columns;
	int32		n,
				capacity;
	GroupLearner *learners;
	Size		serialized;		/* bytes its serialized form takes */
} GroupingState;

#define BALANCE_NONE (-2)
#define BALANCE_UNKNOWN (-1)

/* A serialized state: varlena header, format byte, mode, sizes, threshold, columns, count */
#define GROUPING_SERIALIZED_HEADER (VARHDRSZ + 1 + 4 + 4 + 4 + 8 + 4 + 4)

/*
 * A learner's bytes in the serialized state (instructional_groups_serializefn):
 * the code, the profile and the need, each with its length, the ready
 * count, ready_bytes for the ready skills with theirs, and the label count
 * and label_bytes for the labels with theirs.
 */
static inline Size
learner_serialized_size(Size code_len, Size profile_size, const char *need, Size ready_bytes,
						Size label_bytes)
{
	return 4 + code_len + 4 + profile_size + 4 + ready_bytes + 4 + (need ? strlen(need) : 0) +
		4 + label_bytes;
}

static Size
labels_serialized_size(int nlabels, char **labels)
{
	Size		bytes = 0;

	for (int c = 0; c < nlabels; c++)
		bytes += 4 + (labels[c] ? strlen(labels[c]) : 0);
	return bytes;
}

/*
 * Parallel workers hand the leader their learners serialized as bytea, and
 * 2,000 learners with large profiles can pass what one value holds.  The
 * learner that would take the serialized state past the limit on text forms
 * (well within what a bytea and a palloc'd buffer hold) is refused before it
 * is copied, whatever the plan, so that a query does not fail only when it
 * runs in parallel.
 */
static void
reserve_serialized(GroupingState *st, Size bytes)
{
	if (st->serialized + bytes > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("instructional_groups state is too large"),
				 errdetail("Its %d learners with their profiles, ready skills and labels would take more than %zu bytes, more than a parallel worker may pass on.",
						   st->n + 1, text_form_max_bytes()),
				 errhint("Group one section at a time, with profiles of the skills the section is grouped on (one framework or course, not every skill of every year).")));
	st->serialized += bytes;
}

static GroupingMode
mode_argument(FunctionCallInfo fcinfo, int argno)
{
	char	   *name;

	if (PG_NARGS() <= argno)
		return MODE_READINESS;
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("grouping mode must not be null"),
				 errdetail("Valid modes are: readiness, similar, mixed.")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	for (int m = 0; m < (int) lengthof(mode_names); m++)
		if (strcmp(name, mode_names[m]) == 0)
			return (GroupingMode) m;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown grouping mode \"%s\"", name),
			 errdetail("Valid modes are: readiness, similar, mixed.")));
	pg_unreachable();
}

static void
check_sizes(int min_size, int max_size)
{
	if (min_size < 1 || max_size < min_size || max_size > GROUPING_MAX_LEARNERS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("group sizes must satisfy 1 <= min_size <= max_size <= %d", GROUPING_MAX_LEARNERS),
				 errdetail("min_size is %d and max_size is %d.", min_size, max_size)));
}

static void
add_learner(GroupingState *st, GroupLearner *l)
{
	if (st->n >= GROUPING_MAX_LEARNERS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("instructional_groups groups at most %d learners at once", GROUPING_MAX_LEARNERS),
				 errhint("Group by section: groups are formed within one section.")));
	if (st->n >= st->capacity)
	{
		st->capacity = Max(32, st->capacity * 2);
		st->learners = st->learners ? repalloc(st->learners, sizeof(GroupLearner) * st->capacity) :
			palloc(sizeof(GroupLearner) * st->capacity);
	}
	st->learners[st->n++] = *l;
}

static GroupingState *
grouping_state(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "instructional_groups called in non-aggregate context");
	if (PG_ARGISNULL(0))
	{
		GroupingState *st = MemoryContextAllocZero(*aggcontext, sizeof(GroupingState));

		st->mode = -1;
		st->serialized = GROUPING_SERIALIZED_HEADER;
		return st;
	}
	return (GroupingState *) PG_GETARG_POINTER(0);
}

/*
 * The mode, sizes and threshold of a section are constants of the call: a
 * section grouped under two settings has no single answer.
 */
static void
state_settings(GroupingState *st, int mode, int min_size, int max_size, double threshold,
			   bool balance)
{
	if (st->mode < 0)
	{
		st->mode = mode;
		st->min_size = min_size;
		st->max_size = max_size;
		st->threshold = threshold;
		st->columns = balance ? BALANCE_UNKNOWN : BALANCE_NONE;
	}
	else if ((st->columns == BALANCE_NONE) == balance)
		elog(ERROR, "instructional_groups states with and without balance labels met");
	else if (st->mode != mode || st->min_size != min_size || st->max_size != max_size ||
			 st->threshold != threshold)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("grouping settings change within one section"),
				 errdetail("The section started with mode %s, sizes %d to %d and threshold %g, then got mode %s, sizes %d to %d and threshold %g.",
						   mode_names[st->mode], st->min_size, st->max_size, st->threshold,
						   mode_names[mode], min_size, max_size, threshold),
				 errhint("Pass the mode, sizes and threshold as constants, or the same value for every row of a section.")));
}

/*
 * The labels of a learner are columns (English learner, IEP, ...): every
 * learner of a section has the same number.  A shorter array is most likely
 * the list of the labels that apply to a learner, whose positions mean
 * nothing: padded, it would balance one program against another.
 */
static void
state_columns(GroupingState *st, int columns, const char *learner)
{
	if (st->columns == BALANCE_UNKNOWN)
		st->columns = columns;
	else if (st->columns != columns)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("balance label arrays differ in length within one section"),
				 errdetail("Learner \"%s\" has %d labels where other learners of the section have %d.",
						   learner, columns, st->columns),
				 errhint("Give every learner the same label columns, with NULL where a label does not apply: ARRAY[english_learner, iep], not the list of the labels that apply.")));
}

typedef enum BalanceInput
{
	BALANCE_INPUT_NONE,			/* the six- and seven-argument forms */
	BALANCE_INPUT_TEXT,			/* one label per learner */
	BALANCE_INPUT_ARRAY			/* a text[] of label columns */
} BalanceInput;

/*
 * The labels of argument 8, copied into the current memory context;
 * *nlabels is 0 for a NULL array (no label in any column).
 */
static char **
labels_argument(FunctionCallInfo fcinfo, BalanceInput input, int *nlabels)
{
	ArrayType  *array;
	Datum	   *elements;
	bool	   *nulls;
	int			n;
	char	  **labels;

	if (input == BALANCE_INPUT_TEXT)
	{
		labels = palloc(sizeof(char *));
		labels[0] = PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8));
		*nlabels = 1;
		return labels;
	}
	*nlabels = 0;
	if (input == BALANCE_INPUT_NONE || PG_ARGISNULL(8))
		return NULL;
	array = PG_GETARG_ARRAYTYPE_P(8);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("balance labels must be a one-dimensional array"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(array)),
				 errhint("Give one label per column: ARRAY[english_learner, iep, free_lunch].")));
	n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	if (n > GROUPING_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("instructional_groups balances at most %d label columns", GROUPING_MAX_LABELS),
				 errdetail("The array has %d labels.", n)));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elements, &nulls, &n);
	labels = palloc(sizeof(char *) * Max(n, 1));
	for (int c = 0; c < n; c++)
		labels[c] = nulls[c] ? NULL : TextDatumGetCString(elements[c]);
	*nlabels = n;
	return labels;
}

/*
 * instructional_groups(learner, profile, g, threshold, min_size, max_size
 * [, mode [, balance]]): transition.  A row without a learner adds nothing;
 * a learner without a profile (an outer join: no evidence yet) has
 * mastered nothing and is grouped like everyone else.
 */
static Datum
grouping_transition(FunctionCallInfo fcinfo, BalanceInput input)
{
	MemoryContext aggcontext;
	GroupingState *st = grouping_state(fcinfo, &aggcontext);
	GraphView  *g;
	const LearnerProfile *p;
	double		threshold;
	int			mode;
	GroupLearner l;
	int32	   *ready;
	const char *need;
	Size		ready_bytes = 0;
	text	   *learner;
	char	  **labels;
	int			nlabels;
	MemoryContext old;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	for (int a = 3; a <= 6; a++)
		if (PG_ARGISNULL(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the skill graph, threshold and group sizes of instructional_groups must not be null")));
	threshold = PG_GETARG_FLOAT8(4);
	if (!isfinite(threshold) || threshold < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("mastery threshold must be a finite number, 0 or more"),
				 errhint("Give it on the scale of the profile's values (for example 3 of 4).")));
	check_sizes(PG_GETARG_INT32(5), PG_GETARG_INT32(6));
	mode = mode_argument(fcinfo, 7);
	state_settings(st, mode, PG_GETARG_INT32(5), PG_GETARG_INT32(6), threshold,
				   input != BALANCE_INPUT_NONE);
	labels = labels_argument(fcinfo, input, &nlabels);
	learner = PG_GETARG_TEXT_PP(1);
	if ((nlabels > 0 || (input == BALANCE_INPUT_ARRAY && !PG_ARGISNULL(8))) && st->columns != nlabels)
		state_columns(st, nlabels, text_to_cstring(learner));

	g = graph_argument(fcinfo, 3);
	p = PG_ARGISNULL(2) ? profile_build(NULL, 0) : PG_GETARG_PROFILE(2);
	profile_check_threshold(p, threshold, "instructional_groups");
	ready = palloc(sizeof(int32) * Max(g->n, 1));
	l.nready = profile_ready_skills(g, p, threshold, ready);
	need = learner_need(g, p, threshold, l.nready > 0 ? skill_code(g, ready[0]) : NULL);
	for (int i = 0; i < l.nready; i++)
		ready_bytes += 4 + strlen(skill_code(g, ready[i]));
	reserve_serialized(st, learner_serialized_size(VARSIZE_ANY_EXHDR(learner), VARSIZE(p), need,
												   ready_bytes, labels_serialized_size(nlabels, labels)));

	old = MemoryContextSwitchTo(aggcontext);
	l.code = text_to_cstring(learner);
	l.profile = palloc(VARSIZE(p));
	memcpy(l.profile, p, VARSIZE(p));
	l.ready = palloc(sizeof(char *) * Max(l.nready, 1));
	for (int i = 0; i < l.nready; i++)
		l.ready[i] = pstrdup(skill_code(g, ready[i]));
	l.need = need ? pstrdup(need) : NULL;
	l.nlabels = nlabels;
	l.labels = palloc(sizeof(char *) * Max(nlabels, 1));
	for (int c = 0; c < nlabels; c++)
		l.labels[c] = labels[c] ? pstrdup(labels[c]) : NULL;
	add_learner(st, &l);
	MemoryContextSwitchTo(old);
	pfree(ready);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(instructional_groups_transfn);
Datum
instructional_groups_transfn(PG_FUNCTION_ARGS)
{
	return grouping_transition(fcinfo, BALANCE_INPUT_NONE);
}

/* instructional_groups(..., mode, balance text) */
PG_FUNCTION_INFO_V1(instructional_groups_balance_transfn);
Datum
instructional_groups_balance_transfn(PG_FUNCTION_ARGS)
{
	return grouping_transition(fcinfo, BALANCE_INPUT_TEXT);
}

/* instructional_groups(..., mode, balance text[]) */
PG_FUNCTION_INFO_V1(instructional_groups_balance_array_transfn);
Datum
instructional_groups_balance_array_transfn(PG_FUNCTION_ARGS)
{
	return grouping_transition(fcinfo, BALANCE_INPUT_ARRAY);
}

PG_FUNCTION_INFO_V1(instructional_groups_combinefn);
Datum
instructional_groups_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	GroupingState *a = grouping_state(fcinfo, &aggcontext);
	GroupingState *b = PG_ARGISNULL(1) ? NULL : (GroupingState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL || b->mode < 0)
		PG_RETURN_POINTER(a);
	state_settings(a, b->mode, b->min_size, b->max_size, b->threshold, b->columns != BALANCE_NONE);
	if (b->columns >= 0 && b->n > 0)
	{
		const char *learner = b->learners[0].code;

		for (int i = b->n - 1; i >= 0; i--)
			if (b->learners[i].nlabels > 0)
				learner = b->learners[i].code;
		state_columns(a, b->columns, learner);
	}
	old = MemoryContextSwitchTo(aggcontext);
	for (int i = 0; i < b->n; i++)
	{
		GroupLearner l = b->learners[i];
		Size		ready_bytes = 0;

		for (int k = 0; k < l.nready; k++)
			ready_bytes += 4 + strlen(l.ready[k]);
		reserve_serialized(a, learner_serialized_size(strlen(l.code), VARSIZE(l.profile), l.need,
													  ready_bytes, labels_serialized_size(l.nlabels, l.labels)));
		l.code = pstrdup(l.code);
		l.profile = palloc(VARSIZE(b->learners[i].profile));
		memcpy(l.profile, b->learners[i].profile, VARSIZE(b->learners[i].profile));
		l.ready = palloc(sizeof(char *) * Max(l.nready, 1));
		for (int k = 0; k < l.nready; k++)
			l.ready[k] = pstrdup(b->learners[i].ready[k]);
		l.need = l.need ? pstrdup(l.need) : NULL;
		l.labels = palloc(sizeof(char *) * Max(l.nlabels, 1));
		for (int c = 0; c < l.nlabels; c++)
			l.labels[c] = b->learners[i].labels[c] ? pstrdup(b->learners[i].labels[c]) : NULL;
		add_learner(a, &l);
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/*
 * Serialized: format byte, mode, sizes, threshold, balance columns, count,
 * then per learner its code, its profile's bytes, its ready skills, its
 * need (length 0: none) and its labels (length -1: none), each
 * length-prefixed (bytes, never converted: independent of client_encoding).
 * Format 3 added the labels.
 */
#define GROUPING_STATE_FORMAT 3

static void
send_string(StringInfo buf, const char *s)
{
	int			len = strlen(s);

	pq_sendint32(buf, len);
	pq_sendbytes(buf, s, len);
}

pg_attribute_noreturn()
static void
corrupt_grouping_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized instructional_groups state"),
			 errdetail("%s", detail)));
}

/* A skill code (1 to SKILL_CODE_MAX_LENGTH bytes) or a learner (any text) */
static char *
receive_string(StringInfo msg, bool skill)
{
	int			len = pq_getmsgint(msg, 4);
	char	   *s;

	if (len < (skill ? 1 : 0) || (skill && len > SKILL_CODE_MAX_LENGTH) || len > msg->len - msg->cursor)
		corrupt_grouping_state("A code has an invalid length.");
	s = pnstrdup(pq_getmsgbytes(msg, len), len);
	if (strlen(s) != (size_t) len || !pg_verifymbstr(s, len, true))
		corrupt_grouping_state("A code is not valid text.");
	return s;
}

PG_FUNCTION_INFO_V1(instructional_groups_serializefn);
Datum
instructional_groups_serializefn(PG_FUNCTION_ARGS)
{
	GroupingState *st = (GroupingState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, GROUPING_STATE_FORMAT);
	pq_sendint32(&buf, st->mode);
	pq_sendint32(&buf, st->min_size);
	pq_sendint32(&buf, st->max_size);
	pq_sendfloat8(&buf, st->threshold);
	pq_sendint32(&buf, st->columns);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		GroupLearner *l = &st->learners[i];

		send_string(&buf, l->code);
		pq_sendint32(&buf, VARSIZE(l->profile));
		pq_sendbytes(&buf, (char *) l->profile, VARSIZE(l->profile));
		pq_sendint32(&buf, l->nready);
		for (int k = 0; k < l->nready; k++)
			send_string(&buf, l->ready[k]);
		if (l->need)
			send_string(&buf, l->need);
		else
			pq_sendint32(&buf, 0);
		pq_sendint32(&buf, l->nlabels);
		for (int c = 0; c < l->nlabels; c++)
			if (l->labels[c])
				send_string(&buf, l->labels[c]);
			else
				pq_sendint32(&buf, -1);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(instructional_groups_deserializefn);
Datum
instructional_groups_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	StringInfoData msg;
	GroupingState *st = palloc0(sizeof(GroupingState));
	int			n;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "instructional_groups_deserializefn called in non-aggregate context");
	st->serialized = GROUPING_SERIALIZED_HEADER;
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < 29 || pq_getmsgbyte(&msg) != GROUPING_STATE_FORMAT)
		corrupt_grouping_state("Its header is missing or has an unknown format.");
	st->mode = pq_getmsgint(&msg, 4);
	st->min_size = pq_getmsgint(&msg, 4);
	st->max_size = pq_getmsgint(&msg, 4);
	st->threshold = pq_getmsgfloat8(&msg);
	st->columns = pq_getmsgint(&msg, 4);
	n = pq_getmsgint(&msg, 4);
	if (st->mode < -1 || st->mode > MODE_MIXED || (st->mode < 0 && n != 0) ||
		st->columns < BALANCE_NONE || st->columns > GROUPING_MAX_LABELS ||
		(st->mode >= 0 && (st->min_size < 1 || st->max_size < st->min_size ||
						   st->max_size > GROUPING_MAX_LEARNERS || !isfinite(st->threshold) ||
						   st->threshold < 0.0)))
		corrupt_grouping_state("Its settings are out of range.");
	/* each learner takes at least 17 bytes: check before allocating */
	if (n < 0 || n > GROUPING_MAX_LEARNERS || (int64) n * 17 > msg.len - msg.cursor)
		corrupt_grouping_state("Its learner count does not match its size.");
	/* label columns are set by a learner's row */
	if (st->columns >= 0 && n == 0)
		corrupt_grouping_state("It has label columns but no learners.");
	for (int i = 0; i < n; i++)
	{
		GroupLearner l;
		int			size;
		int			start = msg.cursor;

		l.code = receive_string(&msg, false);
		size = pq_getmsgint(&msg, 4);
		if (size < (int) offsetof(LearnerProfile, entries) || size > msg.len - msg.cursor)
			corrupt_grouping_state("A profile has an invalid length.");
		l.profile = palloc(size);
		memcpy(l.profile, pq_getmsgbytes(&msg, size), size);
		if ((int) VARSIZE(l.profile) != size)
			corrupt_grouping_state("A profile has an invalid length.");
		profile_check(l.profile);
		l.nready = pq_getmsgint(&msg, 4);
		if (l.nready < 0 || (int64) l.nready * 5 > msg.len - msg.cursor)
			corrupt_grouping_state("A ready skill count does not match the size.");
		l.ready = palloc(sizeof(char *) * Max(l.nready, 1));
		for (int k = 0; k < l.nready; k++)
			l.ready[k] = receive_string(&msg, true);
		if (msg.len - msg.cursor < 4)
			corrupt_grouping_state("A learner is cut short.");
		{
			uint32		need_len;

			memcpy(&need_len, msg.data + msg.cursor, 4);
			if (need_len == 0)
			{
				(void) pq_getmsgint(&msg, 4);
				l.need = NULL;
			}
			else
				l.need = receive_string(&msg, true);
		}
		/* no labels, or one per column of the state */
		l.nlabels = pq_getmsgint(&msg, 4);
		if (l.nlabels != 0 && (st->columns < 0 || l.nlabels != st->columns))
			corrupt_grouping_state("A learner's label count does not match the state's.");
		l.labels = palloc(sizeof(char *) * Max(l.nlabels, 1));
		for (int c = 0; c < l.nlabels; c++)
		{
			int32		len;

			if (msg.len - msg.cursor < 4)
				corrupt_grouping_state("A learner is cut short.");
			memcpy(&len, msg.data + msg.cursor, 4);
			if ((int32) pg_ntoh32(len) == -1)
			{
				(void) pq_getmsgint(&msg, 4);
				l.labels[c] = NULL;
			}
			else
				l.labels[c] = receive_string(&msg, false);
		}
		/* counted as read: a worker's whole state is within the limit */
		reserve_serialized(st, msg.cursor - start);
		add_learner(st, &l);
		CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

/* ---------- grouping a section ---------- */

static int
compare_learner_pointers(const void *a, const void *b)
{
	return strcmp((*(GroupLearner *const *) a)->code, (*(GroupLearner *const *) b)->code);
}

/*
 * The order learners are taken in wherever the grouping has nothing else to
 * go by (equal learners, the cut between groups on one skill): a draw from a
 * hash of the learner's code, never the codes' own order.  Districts number
 * learners at enrolment, so late arrivals, often English learners, carry the
 * highest numbers; taken in id order they were cut into groups together (in
 * one trial 417 of 432 pairs of groups on one skill split a run of ids).
 * The draw is FNV-1a of the code's bytes, mixed with the seed by splitmix64's
 * finalizer: the same on every machine, in every plan and input order.
 */
#define GROUPING_SEED UINT64CONST(0x9e3779b97f4a7c15)

static uint64
learner_draw(const char *code, uint64 seed)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (const unsigned char *c = (const unsigned char *) code; *c; c++)
		h = (h ^ *c) * UINT64CONST(0x100000001b3);
	h ^= seed;
	h = (h ^ (h >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

typedef struct DrawnLearner
{
	uint64		draw;
	GroupLearner *learner;
} DrawnLearner;

static int
compare_drawn(const void *a, const void *b)
{
	const DrawnLearner *x = a;
	const DrawnLearner *y = b;

	if (x->draw != y->draw)
		return x->draw < y->draw ? -1 : 1;
	return strcmp(x->learner->code, y->learner->code);
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static double
overall_mastery(const LearnerProfile *p)
{
	double		sum = 0.0;
	int			n = 0;

	/* the skills as assessed: rolled-up wholes would count them twice */
	for (int i = 0; i < p->nentries; i++)
		if ((p->entries[i].flags & (ENTRY_HAS_MASTERY | ENTRY_ROLLED_UP)) == ENTRY_HAS_MASTERY)
		{
			sum += p->entries[i].mastery / p->entries[i].out_of;
			n++;
		}
	return n > 0 ? sum / n : 0.0;
}

/*
 * Learners are compared by shares of their skills' scales, or, for skills
 * whose scores came without out_of, by values on those scores' scale: one
 * section's learners have one kind or the other (each learner's profile
 * is checked on its own by profile_check_threshold).
 */
static void
check_section_scales(const Section *s)
{
	int			scaled = -1,
				unscaled = -1;

	for (int i = 0; i < s->n && (scaled < 0 || unscaled < 0); i++)
	{
		if (scaled < 0 && profile_valued_entry(s->learners[i]->profile, true, false) >= 0)
			scaled = i;
		if (unscaled < 0 && profile_valued_entry(s->learners[i]->profile, false, false) >= 0)
			unscaled = i;
	}
	if (scaled >= 0 && unscaled >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("instructional_groups needs the profiles of one section on one kind of scale"),
				 errdetail("Learner \"%s\" has skills rated on a scale and learner \"%s\" skills rated on the scale of scores that came without out_of.",
						   s->learners[scaled]->code, s->learners[unscaled]->code),
				 errhint("Build every profile from scores with their out_of (mastery_evidence(score, out_of, observed_at)), or every profile from scores alone.")));
}

static int
skill_index(const Section *s, const char *code)
{
	int			lo = 0,
				hi = s->nskills - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(s->skills[mid], code);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * The section's learners: sorted by code to refuse a learner met twice,
 * then in the order of the draw (learner_draw)
 */
static void
section_learners(Section *s, const GroupingState *st)
{
	DrawnLearner *drawn;

	s->learners = palloc(sizeof(GroupLearner *) * Max(s->n, 1));
	for (int i = 0; i < s->n; i++)
		s->learners[i] = &st->learners[i];
	qsort(s->learners, s->n, sizeof(GroupLearner *), compare_learner_pointers);
	for (int i = 1; i < s->n; i++)
		if (strcmp(s->learners[i - 1]->code, s->learners[i]->code) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("learner \"%s\" appears twice in one section", s->learners[i]->code),
					 errhint("Give instructional_groups one row per learner of a section. A ROLLUP or CUBE total over several sections meets a learner of two sections twice: group by section alone.")));
	drawn = palloc(sizeof(DrawnLearner) * Max(s->n, 1));
	for (int i = 0; i < s->n; i++)
	{
		drawn[i].learner = s->learners[i];
		drawn[i].draw = learner_draw(s->learners[i]->code, GROUPING_SEED);
	}
	qsort(drawn, s->n, sizeof(DrawnLearner), compare_drawn);
	for (int i = 0; i < s->n; i++)
		s->learners[i] = drawn[i].learner;
	pfree(drawn);
}

/*
 * The n x n profile distances, over the skills both learners have a value
 * for; a pair with none in common is as far apart as the section's pairs
 * are on average (nothing says they are alike or not).  NaN marks them
 * meanwhile.
 */
static void
section_distances(Section *s)
{
	double		total = 0.0;
	int64		defined = 0;

	s->distance = palloc_extended(sizeof(double) * Max((Size) s->n * s->n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < s->n; i++)
	{
		DIST(s, i, i) = 0.0;
		for (int j = i + 1; j < s->n; j++)
		{
			int			shared;
			double		d = profile_distance_shared(s->learners[i]->profile,
													s->learners[j]->profile, &shared);

			if (shared == 0)
				d = NAN;
			else
			{
				total += d;
				defined++;
			}
			DIST(s, i, j) = DIST(s, j, i) = d;
		}
		CHECK_FOR_INTERRUPTS();
	}
	if (defined < (int64) s->n * (s->n - 1) / 2)
	{
		double		mean = defined > 0 ? total / defined : 0.0;

		for (Size k = 0; k < (Size) s->n * s->n; k++)
			if (isnan(s->distance[k]))
				s->distance[k] = mean;
	}
}

/* The skill dictionary (every skill a learner is ready for, by code) and the ready matrix */
static void
section_skills(Section *s)
{
	int			nall = 0;
	char	  **all;

	for (int i = 0; i < s->n; i++)
		nall += s->learners[i]->nready;
	all = palloc(sizeof(char *) * Max(nall, 1));
	nall = 0;
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < s->learners[i]->nready; k++)
			all[nall++] = s->learners[i]->ready[k];
	qsort(all, nall, sizeof(char *), compare_strings);
	s->nskills = qunique(all, nall, sizeof(char *), compare_strings);
	s->skills = all;
	if ((Size) s->n * Max(s->nskills, 1) > 100 * 1000 * 1000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many learners and ready skills in one section"),
				 errdetail("%d learners are ready for %d different skills.", s->n, s->nskills),
				 errhint("Group one section at a time, on the skill graph of its course.")));
	s->ready = palloc_extended(sizeof(bool) * Max((Size) s->n * s->nskills, 1),
							   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < s->learners[i]->nready; k++)
			READY(s, i, skill_index(s, s->learners[i]->ready[k])) = true;
}

/* The section of a state, ready for a mode to group: learners, distances, skills, no groups yet */
static void
section_prepare(Section *s, const GroupingState *st)
{
	s->n = st->n;
	s->min_size = st->min_size;
	s->max_size = st->max_size;
	section_learners(s, st);
	check_section_scales(s);
	s->overall = palloc(sizeof(double) * Max(s->n, 1));
	s->need = palloc(sizeof(char *) * Max(s->n, 1));
	for (int i = 0; i < s->n; i++)
	{
		s->overall[i] = overall_mastery(s->learners[i]->profile);
		s->need[i] = s->learners[i]->need;
	}
	/* mixed groups never look at how alike two learners are */
	s->distance = NULL;
	if (st->mode != MODE_MIXED)
		section_distances(s);
	section_skills(s);
	s->group = palloc(sizeof(int32) * Max(s->n, 1));
	s->focus = palloc(sizeof(int32) * Max(s->n, 1));
	s->size = palloc0(sizeof(int32) * Max(s->n, 1));
	s->ngroups = 0;
}

/* ---------- shared by the modes ---------- */

int
compare_ranked_desc(const void *a, const void *b)
{
	const Ranked *x = a;
	const Ranked *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->index - y->index;
}

/* ---------- focus skills, numbering, the result ---------- */

/*
 * The code most members of group g share: a skill they are ready for
 * (ready) or their need; ties by code.  O(members^2) per group.
 */
static const char *
most_common(Section *s, int g, bool ready)
{
	const char *best = NULL;
	int			best_count = 0;
	int			nmembers = 0;
	int		   *members = palloc(sizeof(int) * Max(s->n, 1));

	for (int i = 0; i < s->n; i++)
		if (s->group[i] == g)
			members[nmembers++] = i;
	if (ready)
	{
		for (int k = 0; k < s->nskills; k++)
		{
			int			c = 0;

			for (int m = 0; m < nmembers; m++)
				c += READY(s, members[m], k);
			if (c > best_count)
			{
				best = s->skills[k];
				best_count = c;
			}
		}
	}
	else
	{
		for (int m = 0; m < nmembers; m++)
		{
			const char *need = s->need[members[m]];
			int			c = 0;

			if (need == NULL)
				continue;
			for (int o = 0; o < nmembers; o++)
				c += s->need[members[o]] != NULL && strcmp(s->need[members[o]], need) == 0;
			if (c > best_count || (c == best_count && strcmp(need, best) < 0))
			{
				best = need;
				best_count = c;
			}
		}
	}
	pfree(members);
	return best;
}

typedef struct NumberedGroup
{
	int			group;
	const char *focus;
	const char *first;			/* its smallest learner code */
} NumberedGroup;

static int
compare_numbered(const void *a, const void *b)
{
	const NumberedGroup *x = a;
	const NumberedGroup *y = b;

	if ((x->focus == NULL) != (y->focus == NULL))
		return x->focus == NULL ? 1 : -1;
	if (x->focus != NULL)
	{
		int			c = strcmp(x->focus, y->focus);

		if (c != 0)
			return c;
	}
	return strcmp(x->first, y->first);
}

static int
compare_learners_by_code(const void *a, const void *b, void *arg)
{
	const Section *s = arg;

	return strcmp(s->learners[*(const int *) a]->code, s->learners[*(const int *) b]->code);
}

/* The focus a group is numbered and shown by */
static const char *
group_focus(Section *s, GroupingMode mode, int g)
{
	switch (mode)
	{
		case MODE_READINESS:
			return s->focus[g] >= 0 ? s->skills[s->focus[g]] : most_common(s, g, true);
		case MODE_SIMILAR:
			return most_common(s, g, false);
		case MODE_MIXED:
			break;
	}
	return NULL;
}

typedef struct LabelRef
{
	const char *label;			/* a label, or a group's focus (NULL: none) */
	int			index;			/* the learner's, or the group's */
} LabelRef;

/* by label, no label first, then index */
static int
compare_label_refs(const void *a, const void *b)
{
	const LabelRef *x = a;
	const LabelRef *y = b;

	if ((x->label == NULL) != (y->label == NULL))
		return x->label == NULL ? -1 : 1;
	if (x->label != NULL)
	{
		int			c = strcmp(x->label, y->label);

		if (c != 0)
			return c;
	}
	return x->index - y->index;
}

/*
 * The balance input: the groups that share a focus (a skill, a need, or
 * none: every mixed group, groups of learners ready for nothing) spread
 * every label among them (group_balance.c).  Labels become numbers, each
 * column's values in byte order, the same on every machine.
 */
static void
spread_labels(Section *s, const GroupingState *st, const char **focus, const bool *has_members)
{
	BalanceProblem p;
	int			columns = st->columns;
	int32	   *label = palloc(sizeof(int32) * Max((Size) s->n * columns, 1));
	int32	   *family = palloc(sizeof(int32) * Max(s->ngroups, 1));
	LabelRef   *refs = palloc(sizeof(LabelRef) * Max(Max(s->n, s->ngroups), 1));
	int			nvalues = 0,
				nfamilies = 0,
				nrefs;

	for (int c = 0; c < columns; c++)
	{
		nrefs = 0;
		for (int i = 0; i < s->n; i++)
		{
			const GroupLearner *l = s->learners[i];

			label[(Size) i * columns + c] = -1;
			if (l->nlabels > 0 && l->labels[c] != NULL)
			{
				refs[nrefs].label = l->labels[c];
				refs[nrefs].index = i;
				nrefs++;
			}
		}
		qsort(refs, nrefs, sizeof(LabelRef), compare_label_refs);
		for (int r = 0; r < nrefs; r++)
		{
			if (r == 0 || strcmp(refs[r - 1].label, refs[r].label) != 0)
				nvalues++;
			label[(Size) refs[r].index * columns + c] = nvalues - 1;
		}
	}
	nrefs = 0;
	for (int g = 0; g < s->ngroups; g++)
	{
		family[g] = -1;
		if (has_members[g])
		{
			refs[nrefs].label = focus[g];
			refs[nrefs].index = g;
			nrefs++;
		}
	}
	qsort(refs, nrefs, sizeof(LabelRef), compare_label_refs);
	for (int r = 0; r < nrefs; r++)
	{
		if (r == 0 || (refs[r - 1].label == NULL) != (refs[r].label == NULL) ||
			(refs[r].label != NULL && strcmp(refs[r - 1].label, refs[r].label) != 0))
			nfamilies++;
		family[refs[r].index] = nfamilies - 1;
	}

	p.n = s->n;
	p.ngroups = s->ngroups;
	p.group = s->group;
	p.family = family;
	p.ncolumns = columns;
	p.label = label;
	p.nvalues = nvalues;
	p.cost = st->mode == MODE_MIXED ? BALANCE_MEANS : BALANCE_DISTANCE;
	p.distance = s->distance;
	p.overall = s->overall;
	/* readiness groups have no cost of their own to lower: they cut by the draw */
	p.cost_passes = st->mode != MODE_READINESS;
	p.min_size = st->min_size;
	p.max_size = st->max_size;
	balance_groups(&p);
	pfree(label);
	pfree(family);
	pfree(refs);
}

PG_FUNCTION_INFO_V1(instructional_groups_finalfn);
Datum
instructional_groups_finalfn(PG_FUNCTION_ARGS)
{
	GroupingState *st;
	Section		s;
	NumberedGroup *numbered;
	int			ngroups = 0;
	Oid			array_type = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			element_type;
	TupleDesc	desc;
	Datum	   *rows;
	int			nrows = 0;
	int		   *by_code;
	const char **focus;
	bool	   *has_members;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (GroupingState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	if (!OidIsValid(array_type) || !OidIsValid(element_type = get_element_type(array_type)))
		elog(ERROR, "instructional_groups could not determine its result type");
	section_prepare(&s, st);
	switch ((GroupingMode) st->mode)
	{
		case MODE_READINESS:
			group_readiness(&s);
			break;
		case MODE_SIMILAR:
			group_similar(&s);
			break;
		case MODE_MIXED:
			group_mixed(&s);
			break;
	}

	/*
	 * Focus skills, fixed before the balance labels are spread: moving
	 * learners among groups that share a focus changes no group's focus
	 */
	focus = palloc(sizeof(char *) * Max(s.ngroups, 1));
	has_members = palloc0(sizeof(bool) * Max(s.ngroups, 1));
	for (int i = 0; i < s.n; i++)
		if (s.group[i] >= 0)
			has_members[s.group[i]] = true;
	for (int g = 0; g < s.ngroups; g++)
		focus[g] = has_members[g] ? group_focus(&s, (GroupingMode) st->mode, g) : NULL;
	if (st->columns > 0)
		spread_labels(&s, st, focus, has_members);

	/* groups numbered by focus and first learner */
	numbered = palloc(sizeof(NumberedGroup) * Max(s.ngroups, 1));
	for (int g = 0; g < s.ngroups; g++)
	{
		const char *first = NULL;

		for (int i = 0; i < s.n; i++)
			if (s.group[i] == g && (first == NULL || strcmp(s.learners[i]->code, first) < 0))
				first = s.learners[i]->code;
		if (first == NULL)
			continue;			/* emptied by the improvement passes */
		numbered[ngroups].group = g;
		numbered[ngroups].first = first;
		numbered[ngroups].focus = focus[g];
		ngroups++;
	}
	qsort(numbered, ngroups, sizeof(NumberedGroup), compare_numbered);

	/* the rows by group, each group's learners by code */
	by_code = palloc(sizeof(int) * Max(s.n, 1));
	for (int i = 0; i < s.n; i++)
		by_code[i] = i;
	qsort_arg(by_code, s.n, sizeof(int), compare_learners_by_code, &s);
	desc = lookup_rowtype_tupdesc(element_type, -1);
	rows = palloc(sizeof(Datum) * s.n);
	for (int k = 0; k < ngroups; k++)
		for (int j = 0; j < s.n; j++)
		{
			int			i = by_code[j];
			Datum		values[3];
			bool		nulls[3] = {false};

			if (s.group[i] != numbered[k].group)
				continue;
			values[0] = CStringGetTextDatum(s.learners[i]->code);
			values[1] = Int32GetDatum(k + 1);
			if (numbered[k].focus)
				values[2] = CStringGetTextDatum(numbered[k].focus);
			else
				nulls[2] = true;
			rows[nrows++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
		}
	ReleaseTupleDesc(desc);
	PG_RETURN_ARRAYTYPE_P(construct_array(rows, nrows, element_type, -1, false, TYPALIGN_DOUBLE));
}
