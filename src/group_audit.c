/*
 * group_audit.c
 *		Equity audits of any grouping.
 *
 * group_disproportionality(group, subgroup [, alpha, min_ratio]) counts
 * every subgroup in every group of one call (a section, with GROUP BY
 * section) and gives per cell the count expected under random grouping of
 * the same sizes, the exact two-sided p-value (hypergeometric, summed as
 * Fisher's test sums it) and its Holm-adjusted value over the cells of the
 * call; flagged where that is below alpha and the share is off by at
 * least min_ratio.
 *
 * tracking_audit(unit, section, group, learner, subgroup, mastery [,
 * cell_size, n_size, threshold]) ranks the groups of every section by mean
 * mastery and gives per unit (school or grade) and subgroup the risk of
 * placement in the lowest tier, its risk ratio against everyone else in
 * the unit, or, where they are too few, the alternate risk ratio against
 * everyone else in the state (every unit of the call), as 34 CFR 300.647
 * defines them, with the exact p-value of the 2 x 2 table (Fisher).
 */
#include "competency.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/qunique.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include <math.h>

/*
 * Serialized audit state: format byte, group id kind, alpha, min_ratio, row
 * count, rows.  Format 3 added the kind and the settings.
 */
#define AUDIT_STATE_FORMAT 3
#define TRACKING_STATE_FORMAT 1

typedef struct Ranked
{
	double		key;
	int			index;
} Ranked;

/* ascending by key, ties by index: a deterministic order */
static int
compare_ranked_asc(const void *a, const void *b)
{
	const Ranked *x = a;
	const Ranked *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index - y->index;
}

/* ---------- exact tests ---------- */

/* ln C(n, k) */
static double
log_choose(int64 n, int64 k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

/*
 * Two-sided exact p-value of seeing x members of a subgroup (K of N in
 * all) among m learners drawn at random: the summed probability of every
 * count no more likely than x, with R's relative tolerance 1 + 1e-7 so that
 * counts as likely as x up to rounding count (hypergeometric, as Fisher's
 * exact test sums it; a 2 x 2 table is the same draw).  In log space with
 * lgamma: exact to rounding for tables of millions, where the binomial
 * coefficients themselves overflow.
 */
static double
hypergeometric_two_sided(int64 x, int64 m, int64 K, int64 N)
{
	int64		lo = Max(0, m - (N - K)),
				hi = Min(m, K);
	double		log_total = log_choose(N, m);
	double		log_px = log_choose(K, x) + log_choose(N - K, m - x) - log_total;
	double		p = 0.0;

	for (int64 k = lo; k <= hi; k++)
	{
		double		log_pk = log_choose(K, k) + log_choose(N - K, m - k) - log_total;

		if (log_pk <= log_px + log1p(1e-7))
			p += exp(log_pk);
		if ((k & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return Min(p, 1.0);
}

/* ---------- the audit: group_disproportionality(group, subgroup) ---------- */

pg_attribute_noreturn()
static void
corrupt_audit_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized group_disproportionality state"),
			 errdetail("%s", detail)));
}

/* What the group ids of a call are: one aggregate, one kind */
typedef enum AuditKind
{
	AUDIT_KIND_UNKNOWN = 0,
	AUDIT_KIND_INT4 = 'i',
	AUDIT_KIND_INT8 = 'b',
	AUDIT_KIND_TEXT = 't'
} AuditKind;

typedef struct AuditRow
{
	int64		group_no;		/* integer ids */
	char	   *group_id;		/* text ids */
	char	   *subgroup;		/* NULL: no subgroup recorded */
} AuditRow;

typedef struct AuditState
{
	int			n,
				capacity;
	AuditRow   *rows;
	Size		serialized;		/* bytes its serialized form takes */
	char		kind;			/* AuditKind */
	double		alpha;			/* 0: not yet seen */
	double		min_ratio;
} AuditState;

/* A serialized state: varlena header, format, kind, alpha, min_ratio, count */
#define AUDIT_SERIALIZED_HEADER (VARHDRSZ + 1 + 1 + 8 + 8 + 4)

#define AUDIT_MAX_ROWS 10000000
#define AUDIT_MAX_CELLS 1000000

/* The defaults of the two-column forms: Holm-adjusted p < 0.05, any ratio */
#define AUDIT_DEFAULT_ALPHA 0.05
#define AUDIT_DEFAULT_MIN_RATIO 1.0

static AuditState *
new_audit_state(MemoryContext cxt)
{
	AuditState *st = MemoryContextAllocZero(cxt, sizeof(AuditState));

	st->serialized = AUDIT_SERIALIZED_HEADER;
	return st;
}

static AuditState *
audit_state(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "group_disproportionality called in non-aggregate context");
	if (PG_ARGISNULL(0))
		return new_audit_state(*aggcontext);
	return (AuditState *) PG_GETARG_POINTER(0);
}

static void
check_audit_settings(double alpha, double min_ratio)
{
	if (!(alpha > 0.0 && alpha <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("group_disproportionality's alpha must be above 0 and at most 1, not %g", alpha),
				 errhint("Give the level the Holm-adjusted p-value must stay below, for example 0.05.")));
	if (!(min_ratio >= 1.0 && isfinite(min_ratio)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("group_disproportionality's min_ratio must be a finite number, 1 or more, not %g", min_ratio),
				 errhint("Give the factor a share must be off by to be flagged: 2 flags twice or half the expected share, 1 any share.")));
}

/*
 * The kind of the group ids and the settings are constants of the call:
 * one audit under two levels has no single answer.
 */
static void
audit_settings(AuditState *st, char kind, double alpha, double min_ratio)
{
	if (st->kind == AUDIT_KIND_UNKNOWN)
	{
		st->kind = kind;
		st->alpha = alpha;
		st->min_ratio = min_ratio;
	}
	else if (st->kind != kind)
		elog(ERROR, "group_disproportionality states of different group id types met");
	else if (st->alpha != alpha || st->min_ratio != min_ratio)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("group_disproportionality settings change within one audit"),
				 errdetail("The audit started with alpha %g and min_ratio %g, then got alpha %g and min_ratio %g.",
						   st->alpha, st->min_ratio, alpha, min_ratio),
				 errhint("Pass alpha and min_ratio as constants, or the same values for every row of an audit.")));
}

/* bytes a row takes in the serialized state */
static Size
audit_row_bytes(char kind, const AuditRow *row)
{
	Size		label = 4 + (row->subgroup ? strlen(row->subgroup) : 0);

	switch (kind)
	{
		case AUDIT_KIND_INT4:
			return 4 + label;
		case AUDIT_KIND_INT8:
			return 8 + label;
		default:
			return 4 + strlen(row->group_id) + label;
	}
}

/*
 * A row of the audit.  Its serialized form (the group id, a length and the
 * label per row) is what parallel workers hand the leader as bytea: the
 * row that would take it past the limit on text forms (well within what a
 * bytea and a palloc'd buffer hold) is refused, whatever the plan, so that
 * a query does not fail only when it runs in parallel.
 */
static void
audit_add(AuditState *st, int64 group_no, char *group_id, char *subgroup)
{
	AuditRow	row = {group_no, group_id, subgroup};
	Size		bytes = audit_row_bytes(st->kind, &row);

	if (st->n >= AUDIT_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality audits at most %d learners at once", AUDIT_MAX_ROWS)));
	if (st->serialized + bytes > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality state is too large"),
				 errdetail("Its %d rows and their group ids and subgroup labels would take more than %zu bytes, more than a parallel worker may pass on.",
						   st->n + 1, text_form_max_bytes()),
				 errhint("Audit one section at a time, by a subgroup with short labels (a code rather than a description).")));
	st->serialized += bytes;
	if (st->n >= st->capacity)
	{
		st->capacity = Max(64, st->capacity * 2);
		st->rows = st->rows ? repalloc_huge(st->rows, sizeof(AuditRow) * st->capacity) :
			palloc_extended(sizeof(AuditRow) * st->capacity, MCXT_ALLOC_HUGE);
	}
	st->rows[st->n++] = row;
}

/*
 * The transition of every form: rows without a group are not grouped
 * learners and are left out; alpha and min_ratio, where given, are
 * arguments 3 and 4.
 */
static Datum
audit_transition(FunctionCallInfo fcinfo, char kind)
{
	MemoryContext aggcontext;
	AuditState *st = audit_state(fcinfo, &aggcontext);
	double		alpha = AUDIT_DEFAULT_ALPHA,
				min_ratio = AUDIT_DEFAULT_MIN_RATIO;
	MemoryContext old;
	int64		group_no = 0;
	char	   *group_id = NULL;

	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("group_disproportionality's alpha and min_ratio must not be null")));
		alpha = PG_GETARG_FLOAT8(3);
		min_ratio = PG_GETARG_FLOAT8(4);
		if (st->kind == AUDIT_KIND_UNKNOWN)
			check_audit_settings(alpha, min_ratio);
	}
	audit_settings(st, kind, alpha, min_ratio);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	old = MemoryContextSwitchTo(aggcontext);
	if (kind == AUDIT_KIND_INT4)
		group_no = PG_GETARG_INT32(1);
	else if (kind == AUDIT_KIND_INT8)
		group_no = PG_GETARG_INT64(1);
	else
		group_id = text_to_cstring(PG_GETARG_TEXT_PP(1));
	audit_add(st, group_no, group_id, PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(group_disproportionality_transfn);
Datum
group_disproportionality_transfn(PG_FUNCTION_ARGS)
{
	return audit_transition(fcinfo, AUDIT_KIND_INT4);
}

PG_FUNCTION_INFO_V1(group_disproportionality_bigint_transfn);
Datum
group_disproportionality_bigint_transfn(PG_FUNCTION_ARGS)
{
	return audit_transition(fcinfo, AUDIT_KIND_INT8);
}

PG_FUNCTION_INFO_V1(group_disproportionality_text_transfn);
Datum
group_disproportionality_text_transfn(PG_FUNCTION_ARGS)
{
	return audit_transition(fcinfo, AUDIT_KIND_TEXT);
}

PG_FUNCTION_INFO_V1(group_disproportionality_combinefn);
Datum
group_disproportionality_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	AuditState *a = audit_state(fcinfo, &aggcontext);
	AuditState *b = PG_ARGISNULL(1) ? NULL : (AuditState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL || b->kind == AUDIT_KIND_UNKNOWN)
		PG_RETURN_POINTER(a);
	audit_settings(a, b->kind, b->alpha, b->min_ratio);
	old = MemoryContextSwitchTo(aggcontext);
	for (int i = 0; i < b->n; i++)
		audit_add(a, b->rows[i].group_no,
				  b->rows[i].group_id ? pstrdup(b->rows[i].group_id) : NULL,
				  b->rows[i].subgroup ? pstrdup(b->rows[i].subgroup) : NULL);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

static void
send_label(StringInfo buf, const char *s)
{
	int			len = s ? (int) strlen(s) : -1;

	pq_sendint32(buf, len);
	if (len > 0)
		pq_sendbytes(buf, s, len);
}

/* a label of the serialized form: bytes as the transition took them */
static char *
receive_label(StringInfo msg, bool nullable, void (*corrupt) (const char *))
{
	int			len = pq_getmsgint(msg, 4);
	char	   *s;

	if (len < (nullable ? -1 : 0) || len > msg->len - msg->cursor)
		corrupt("A label has an invalid length.");
	if (len < 0)
		return NULL;
	s = pnstrdup(len > 0 ? pq_getmsgbytes(msg, len) : "", len);
	if (strlen(s) != (size_t) len || !pg_verifymbstr(s, len, true))
		corrupt("A label is not valid text.");
	return s;
}

PG_FUNCTION_INFO_V1(group_disproportionality_serializefn);
Datum
group_disproportionality_serializefn(PG_FUNCTION_ARGS)
{
	AuditState *st = (AuditState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, AUDIT_STATE_FORMAT);
	pq_sendbyte(&buf, st->kind);
	pq_sendfloat8(&buf, st->alpha);
	pq_sendfloat8(&buf, st->min_ratio);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		if (st->kind == AUDIT_KIND_INT4)
			pq_sendint32(&buf, (int32) st->rows[i].group_no);
		else if (st->kind == AUDIT_KIND_INT8)
			pq_sendint64(&buf, st->rows[i].group_no);
		else
			send_label(&buf, st->rows[i].group_id);
		send_label(&buf, st->rows[i].subgroup);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(group_disproportionality_deserializefn);
Datum
group_disproportionality_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	StringInfoData msg;
	AuditState *st = new_audit_state(CurrentMemoryContext);
	char		kind;
	double		alpha,
				min_ratio;
	int			n;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "group_disproportionality_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < AUDIT_SERIALIZED_HEADER - VARHDRSZ || pq_getmsgbyte(&msg) != AUDIT_STATE_FORMAT)
		corrupt_audit_state("Its header is missing or has an unknown format.");
	kind = (char) pq_getmsgbyte(&msg);
	alpha = pq_getmsgfloat8(&msg);
	min_ratio = pq_getmsgfloat8(&msg);
	n = pq_getmsgint(&msg, 4);
	if (kind == AUDIT_KIND_UNKNOWN && n == 0)
	{
		pq_getmsgend(&msg);
		PG_RETURN_POINTER(st);
	}
	if (kind != AUDIT_KIND_INT4 && kind != AUDIT_KIND_INT8 && kind != AUDIT_KIND_TEXT)
		corrupt_audit_state("Its group id type is unknown.");
	if (!(alpha > 0.0 && alpha <= 1.0) || !(min_ratio >= 1.0 && isfinite(min_ratio)))
		corrupt_audit_state("Its settings are out of range.");
	audit_settings(st, kind, alpha, min_ratio);
	if (n < 0 || n > AUDIT_MAX_ROWS || (int64) n * 8 > msg.len - msg.cursor)
		corrupt_audit_state("Its row count does not match its size.");
	for (int i = 0; i < n; i++)
	{
		int64		group_no = 0;
		char	   *group_id = NULL;

		if (kind == AUDIT_KIND_INT4)
			group_no = (int32) pq_getmsgint(&msg, 4);
		else if (kind == AUDIT_KIND_INT8)
			group_no = pq_getmsgint64(&msg);
		else
			group_id = receive_label(&msg, false, corrupt_audit_state);
		audit_add(st, group_no, group_id, receive_label(&msg, true, corrupt_audit_state));
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

static int
compare_subgroups(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL))
		return a == NULL ? 1 : -1;
	return a ? strcmp(a, b) : 0;
}

static int
compare_subgroup_pointers(const void *a, const void *b)
{
	return compare_subgroups(*(char *const *) a, *(char *const *) b);
}

/* groups by number, or text ids as bytes; then subgroups, NULL last */
static int
compare_audit_rows(const void *a, const void *b)
{
	const AuditRow *x = a;
	const AuditRow *y = b;

	if (x->group_id || y->group_id)
	{
		int			c = strcmp(x->group_id, y->group_id);

		if (c != 0)
			return c;
	}
	else if (x->group_no != y->group_no)
		return x->group_no < y->group_no ? -1 : 1;
	return compare_subgroups(x->subgroup, y->subgroup);
}

static bool
same_group(const AuditRow *x, const AuditRow *y)
{
	return x->group_id ? strcmp(x->group_id, y->group_id) == 0 : x->group_no == y->group_no;
}

/* the columns of group_disproportion */
enum
{
	CELL_GROUP_NO,
	CELL_SUBGROUP,
	CELL_LEARNERS,
	CELL_SHARE,
	CELL_RATIO,
	CELL_FLAGGED,
	CELL_GROUP_ID,
	CELL_GROUP_SIZE,
	CELL_SECTION_SIZE,
	CELL_SUBGROUP_SIZE,
	CELL_EXPECTED,
	CELL_P_VALUE,
	CELL_P_ADJUSTED,
	CELL_COLUMNS
};

/*
 * Per group and subgroup: learners, share of the group, ratio of that share
 * to the subgroup's share of everyone, the count expected under random
 * grouping of the same sizes (the hypergeometric mean m K / N), the exact
 * two-sided p-value and its Holm-adjusted value over every cell of the
 * call, and flagged where that is below alpha and the ratio is min_ratio
 * or more, or 1/min_ratio or less.  Subgroups absent from a group get a
 * row with 0 learners: under-representation to zero is what tracking
 * looks like.
 */
PG_FUNCTION_INFO_V1(group_disproportionality_finalfn);
Datum
group_disproportionality_finalfn(PG_FUNCTION_ARGS)
{
	AuditState *st;
	AuditRow   *rows;
	Oid			array_type = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			element_type;
	TupleDesc	desc;
	int			ngroups = 0,
				nsub = 0;
	int		   *group_first;
	int		   *group_sizes;
	char	  **subgroups;
	int		   *sub_totals;
	Datum	   *out;
	int			nout = 0;
	int			ncells;
	int		   *counts;
	double	   *pvalues,
			   *adjusted;
	Ranked	   *holm;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AuditState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	if (!OidIsValid(array_type) || !OidIsValid(element_type = get_element_type(array_type)))
		elog(ERROR, "group_disproportionality could not determine its result type");
	rows = palloc_extended(sizeof(AuditRow) * st->n, MCXT_ALLOC_HUGE);
	memcpy(rows, st->rows, sizeof(AuditRow) * st->n);
	qsort(rows, st->n, sizeof(AuditRow), compare_audit_rows);

	/* each group: its first row and its size */
	group_first = palloc(sizeof(int) * st->n);
	group_sizes = palloc0(sizeof(int) * st->n);
	for (int i = 0; i < st->n; i++)
	{
		if (ngroups == 0 || !same_group(&rows[group_first[ngroups - 1]], &rows[i]))
			group_first[ngroups++] = i;
		group_sizes[ngroups - 1]++;
	}
	/* the distinct subgroups, sorted (NULL last) */
	subgroups = palloc(sizeof(char *) * st->n);
	for (int i = 0; i < st->n; i++)
		subgroups[i] = rows[i].subgroup;
	qsort(subgroups, st->n, sizeof(char *), compare_subgroup_pointers);
	nsub = (int) qunique(subgroups, st->n, sizeof(char *), compare_subgroup_pointers);

	if ((Size) ngroups * nsub > AUDIT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality reports at most %d groups times subgroups", AUDIT_MAX_CELLS),
				 errdetail("This audit has %d groups and %d subgroups.", ngroups, nsub),
				 errhint("Audit one section at a time, by a subgroup with few values (not a learner id).")));

	/* every cell's count (rows are sorted by group, then subgroup) */
	ncells = ngroups * nsub;
	counts = palloc0(sizeof(int) * Max(ncells, 1));
	sub_totals = palloc0(sizeof(int) * Max(nsub, 1));
	for (int g = 0, r = 0; g < ngroups; g++)
		for (int k = 0; k < nsub; k++)
			while (r < st->n && r < group_first[g] + group_sizes[g] &&
				   compare_subgroups(rows[r].subgroup, subgroups[k]) == 0)
			{
				counts[g * nsub + k]++;
				sub_totals[k]++;
				r++;
			}

	/* exact p-values, then Holm's step-down across the cells */
	pvalues = palloc(sizeof(double) * Max(ncells, 1));
	adjusted = palloc(sizeof(double) * Max(ncells, 1));
	holm = palloc(sizeof(Ranked) * Max(ncells, 1));
	for (int c = 0; c < ncells; c++)
	{
		pvalues[c] = hypergeometric_two_sided(counts[c], group_sizes[c / nsub], sub_totals[c % nsub], st->n);
		holm[c].key = pvalues[c];
		holm[c].index = c;
		if ((c & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	qsort(holm, ncells, sizeof(Ranked), compare_ranked_asc);
	{
		double		running = 0.0;

		for (int r = 0; r < ncells; r++)
		{
			running = Max(running, Min(1.0, (double) (ncells - r) * holm[r].key));
			adjusted[holm[r].index] = running;
		}
	}

	/* 0.4.0's type had the first six columns: a database not yet updated still audits */
	desc = lookup_rowtype_tupdesc(element_type, -1);
	if (desc->natts != CELL_COLUMNS && desc->natts != CELL_GROUP_ID)
		elog(ERROR, "group_disproportion has %d columns, not %d", desc->natts, CELL_COLUMNS);
	out = palloc_extended(sizeof(Datum) * Max((Size) ncells, 1), MCXT_ALLOC_HUGE);
	for (int g = 0; g < ngroups; g++)
	{
		const AuditRow *first = &rows[group_first[g]];
		char	   *group_id;

		if (first->group_id)
			group_id = first->group_id;
		else
			group_id = psprintf(INT64_FORMAT, first->group_no);
		for (int k = 0; k < nsub; k++)
		{
			int			c = g * nsub + k;
			int			x = counts[c];
			double		share = (double) x / group_sizes[g],
						overall = (double) sub_totals[k] / st->n,
						ratio = share / overall;
			Datum		values[CELL_COLUMNS];
			bool		nulls[CELL_COLUMNS] = {false};

			/* an integer id that an int holds is also the group number */
			if (!first->group_id && first->group_no >= PG_INT32_MIN && first->group_no <= PG_INT32_MAX)
				values[CELL_GROUP_NO] = Int32GetDatum((int32) first->group_no);
			else
				nulls[CELL_GROUP_NO] = true;
			if (subgroups[k])
				values[CELL_SUBGROUP] = CStringGetTextDatum(subgroups[k]);
			else
				nulls[CELL_SUBGROUP] = true;
			values[CELL_LEARNERS] = Int32GetDatum(x);
			values[CELL_SHARE] = Float8GetDatum(share);
			values[CELL_RATIO] = Float8GetDatum(ratio);
			values[CELL_FLAGGED] = BoolGetDatum(adjusted[c] < st->alpha &&
												(ratio >= st->min_ratio || ratio <= 1.0 / st->min_ratio));
			values[CELL_GROUP_ID] = CStringGetTextDatum(group_id);
			values[CELL_GROUP_SIZE] = Int32GetDatum(group_sizes[g]);
			values[CELL_SECTION_SIZE] = Int32GetDatum(st->n);
			values[CELL_SUBGROUP_SIZE] = Int32GetDatum(sub_totals[k]);
			values[CELL_EXPECTED] = Float8GetDatum((double) group_sizes[g] * sub_totals[k] / st->n);
			values[CELL_P_VALUE] = Float8GetDatum(pvalues[c]);
			values[CELL_P_ADJUSTED] = Float8GetDatum(adjusted[c]);
			out[nout++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
		}
		CHECK_FOR_INTERRUPTS();
	}
	ReleaseTupleDesc(desc);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nout, element_type, -1, false, TYPALIGN_DOUBLE));
}

/* ---------- the tracking audit: tracking_audit(unit, section, group, learner, subgroup, mastery) ---------- */

pg_attribute_noreturn()
static void
corrupt_tracking_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized tracking_audit state"),
			 errdetail("%s", detail)));
}

typedef struct TrackingRow
{
	char	   *unit;
	char	   *section;
	char	   *group;
	char	   *learner;
	char	   *subgroup;		/* NULL: no subgroup recorded */
	double		mastery;
	bool		has_mastery;
} TrackingRow;

typedef struct TrackingState
{
	int			n,
				capacity;
	TrackingRow *rows;
	Size		serialized;
	bool		has_settings;
	int32		cell_size;
	int32		n_size;
	double		threshold;
} TrackingState;

/*
 * 34 CFR 300.647(b)(1)(iv): a minimum cell size of at most 10 and an
 * n-size of at most 30 are presumptively reasonable; the risk ratio
 * threshold is the state's choice (3.0 is common).
 */
#define TRACKING_DEFAULT_CELL_SIZE 10
#define TRACKING_DEFAULT_N_SIZE 30
#define TRACKING_DEFAULT_THRESHOLD 3.0
#define TRACKING_MAX_CELL_SIZE 10
#define TRACKING_MAX_N_SIZE 30

/* format, cell size, n-size, threshold, row count */
#define TRACKING_SERIALIZED_HEADER (VARHDRSZ + 1 + 4 + 4 + 8 + 4)
/* per row: five lengths, the mastery and its null flag */
#define TRACKING_ROW_BYTES (5 * 4 + 8 + 1)

static TrackingState *
new_tracking_state(MemoryContext cxt)
{
	TrackingState *st = MemoryContextAllocZero(cxt, sizeof(TrackingState));

	st->serialized = TRACKING_SERIALIZED_HEADER;
	return st;
}

static TrackingState *
tracking_state(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "tracking_audit called in non-aggregate context");
	if (PG_ARGISNULL(0))
		return new_tracking_state(*aggcontext);
	return (TrackingState *) PG_GETARG_POINTER(0);
}

static void
check_tracking_settings(int32 cell_size, int32 n_size, double threshold)
{
	if (cell_size < 1 || cell_size > TRACKING_MAX_CELL_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking_audit's minimum cell size must be between 1 and %d, not %d",
						TRACKING_MAX_CELL_SIZE, cell_size),
				 errhint("34 CFR 300.647 presumes a minimum cell size of at most 10 reasonable; the default is 10.")));
	if (n_size < 1 || n_size > TRACKING_MAX_N_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking_audit's minimum n-size must be between 1 and %d, not %d",
						TRACKING_MAX_N_SIZE, n_size),
				 errhint("34 CFR 300.647 presumes a minimum n-size of at most 30 reasonable; the default is 30.")));
	if (!(threshold > 0.0 && isfinite(threshold)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking_audit's risk ratio threshold must be a finite number above 0, not %g", threshold),
				 errhint("Give the state's threshold, for example 3.0: a subgroup is flagged when its ratio exceeds it.")));
}

static void
tracking_settings(TrackingState *st, int32 cell_size, int32 n_size, double threshold)
{
	if (!st->has_settings)
	{
		st->has_settings = true;
		st->cell_size = cell_size;
		st->n_size = n_size;
		st->threshold = threshold;
	}
	else if (st->cell_size != cell_size || st->n_size != n_size || st->threshold != threshold)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking_audit settings change within one audit"),
				 errdetail("The audit started with cell size %d, n-size %d and threshold %g, then got cell size %d, n-size %d and threshold %g.",
						   st->cell_size, st->n_size, st->threshold, cell_size, n_size, threshold),
				 errhint("Pass the cell size, n-size and threshold as constants, or the same values for every row of an audit.")));
}

static inline Size
label_bytes(const char *s)
{
	return s ? strlen(s) : 0;
}

/* as audit_add: the row that would take the serialized state past the limit is refused */
static void
tracking_add(TrackingState *st, const TrackingRow *row)
{
	Size		bytes = TRACKING_ROW_BYTES + label_bytes(row->unit) + label_bytes(row->section) +
		label_bytes(row->group) + label_bytes(row->learner) + label_bytes(row->subgroup);

	if (st->n >= AUDIT_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tracking_audit audits at most %d placements at once", AUDIT_MAX_ROWS)));
	if (st->serialized + bytes > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tracking_audit state is too large"),
				 errdetail("Its %d rows and their labels would take more than %zu bytes, more than a parallel worker may pass on.",
						   st->n + 1, text_form_max_bytes()),
				 errhint("Audit one district or grade at a time, with short codes for units, sections, groups, learners and subgroups.")));
	st->serialized += bytes;
	if (st->n >= st->capacity)
	{
		st->capacity = Max(64, st->capacity * 2);
		st->rows = st->rows ? repalloc_huge(st->rows, sizeof(TrackingRow) * st->capacity) :
			palloc_extended(sizeof(TrackingRow) * st->capacity, MCXT_ALLOC_HUGE);
	}
	st->rows[st->n++] = *row;
}

/*
 * Rows without a unit, section, group or learner are not placements and are
 * left out; a NULL subgroup is a subgroup of its own, a NULL mastery counts
 * the learner as placed without moving the group's mean.
 */
PG_FUNCTION_INFO_V1(tracking_audit_transfn);
Datum
tracking_audit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	TrackingState *st = tracking_state(fcinfo, &aggcontext);
	int32		cell_size = TRACKING_DEFAULT_CELL_SIZE,
				n_size = TRACKING_DEFAULT_N_SIZE;
	double		threshold = TRACKING_DEFAULT_THRESHOLD;
	TrackingRow row;
	MemoryContext old;

	if (PG_NARGS() > 7)
	{
		for (int a = 7; a <= 9; a++)
			if (PG_ARGISNULL(a))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("tracking_audit's cell size, n-size and threshold must not be null")));
		cell_size = PG_GETARG_INT32(7);
		n_size = PG_GETARG_INT32(8);
		threshold = PG_GETARG_FLOAT8(9);
		if (!st->has_settings)
			check_tracking_settings(cell_size, n_size, threshold);
	}
	tracking_settings(st, cell_size, n_size, threshold);
	for (int a = 1; a <= 4; a++)
		if (PG_ARGISNULL(a))
			PG_RETURN_POINTER(st);
	row.has_mastery = !PG_ARGISNULL(6);
	row.mastery = row.has_mastery ? PG_GETARG_FLOAT8(6) : 0.0;
	if (row.has_mastery && !isfinite(row.mastery))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking_audit's mastery must be a finite number"),
				 errhint("Pass NULL for a learner without a mastery value.")));
	old = MemoryContextSwitchTo(aggcontext);
	row.unit = text_to_cstring(PG_GETARG_TEXT_PP(1));
	row.section = text_to_cstring(PG_GETARG_TEXT_PP(2));
	row.group = text_to_cstring(PG_GETARG_TEXT_PP(3));
	row.learner = text_to_cstring(PG_GETARG_TEXT_PP(4));
	row.subgroup = PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5));
	tracking_add(st, &row);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(tracking_audit_combinefn);
Datum
tracking_audit_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	TrackingState *a = tracking_state(fcinfo, &aggcontext);
	TrackingState *b = PG_ARGISNULL(1) ? NULL : (TrackingState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL || !b->has_settings)
		PG_RETURN_POINTER(a);
	tracking_settings(a, b->cell_size, b->n_size, b->threshold);
	old = MemoryContextSwitchTo(aggcontext);
	for (int i = 0; i < b->n; i++)
	{
		TrackingRow row = b->rows[i];

		row.unit = pstrdup(row.unit);
		row.section = pstrdup(row.section);
		row.group = pstrdup(row.group);
		row.learner = pstrdup(row.learner);
		row.subgroup = row.subgroup ? pstrdup(row.subgroup) : NULL;
		tracking_add(a, &row);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(tracking_audit_serializefn);
Datum
tracking_audit_serializefn(PG_FUNCTION_ARGS)
{
	TrackingState *st = (TrackingState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TRACKING_STATE_FORMAT);
	pq_sendint32(&buf, st->has_settings ? st->cell_size : 0);
	pq_sendint32(&buf, st->has_settings ? st->n_size : 0);
	pq_sendfloat8(&buf, st->has_settings ? st->threshold : 0.0);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		const TrackingRow *r = &st->rows[i];

		send_label(&buf, r->unit);
		send_label(&buf, r->section);
		send_label(&buf, r->group);
		send_label(&buf, r->learner);
		send_label(&buf, r->subgroup);
		pq_sendbyte(&buf, r->has_mastery ? 1 : 0);
		pq_sendfloat8(&buf, r->mastery);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(tracking_audit_deserializefn);
Datum
tracking_audit_deserializefn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	StringInfoData msg;
	TrackingState *st = new_tracking_state(CurrentMemoryContext);
	int32		cell_size,
				n_size;
	double		threshold;
	int			n;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "tracking_audit_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < TRACKING_SERIALIZED_HEADER - VARHDRSZ || pq_getmsgbyte(&msg) != TRACKING_STATE_FORMAT)
		corrupt_tracking_state("Its header is missing or has an unknown format.");
	cell_size = pq_getmsgint(&msg, 4);
	n_size = pq_getmsgint(&msg, 4);
	threshold = pq_getmsgfloat8(&msg);
	n = pq_getmsgint(&msg, 4);
	if (cell_size == 0 && n == 0)
	{
		pq_getmsgend(&msg);
		PG_RETURN_POINTER(st);
	}
	if (cell_size < 1 || cell_size > TRACKING_MAX_CELL_SIZE || n_size < 1 || n_size > TRACKING_MAX_N_SIZE ||
		!(threshold > 0.0 && isfinite(threshold)))
		corrupt_tracking_state("Its settings are out of range.");
	tracking_settings(st, cell_size, n_size, threshold);
	if (n < 0 || n > AUDIT_MAX_ROWS || (int64) n * TRACKING_ROW_BYTES > msg.len - msg.cursor)
		corrupt_tracking_state("Its row count does not match its size.");
	for (int i = 0; i < n; i++)
	{
		TrackingRow row;
		int			flag;

		row.unit = receive_label(&msg, false, corrupt_tracking_state);
		row.section = receive_label(&msg, false, corrupt_tracking_state);
		row.group = receive_label(&msg, false, corrupt_tracking_state);
		row.learner = receive_label(&msg, false, corrupt_tracking_state);
		row.subgroup = receive_label(&msg, true, corrupt_tracking_state);
		flag = pq_getmsgbyte(&msg);
		row.mastery = pq_getmsgfloat8(&msg);
		if ((flag != 0 && flag != 1) || (flag == 1 && isnan(row.mastery)))
			corrupt_tracking_state("A mastery value is invalid.");
		row.has_mastery = flag == 1;
		tracking_add(st, &row);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

/* by unit, section, group, then mastery (NULL last): sums in one order */
static int
compare_placements(const void *a, const void *b)
{
	const TrackingRow *x = *(TrackingRow *const *) a;
	const TrackingRow *y = *(TrackingRow *const *) b;
	int			c;

	if ((c = strcmp(x->unit, y->unit)) != 0 || (c = strcmp(x->section, y->section)) != 0 ||
		(c = strcmp(x->group, y->group)) != 0)
		return c;
	if (x->has_mastery != y->has_mastery)
		return x->has_mastery ? -1 : 1;
	if (x->has_mastery && x->mastery != y->mastery)
		return x->mastery < y->mastery ? -1 : 1;
	return 0;
}

/*
 * Two group means are one tier when they differ by no more than rounding:
 * (0.1 + 0.1 + 0.1) / 3 is not 0.1 in float8, and a group of three at 0.1
 * beside one at 0.1 is no lower tier.  1e-9 of the larger, or of 1.
 */
static bool
same_mean(double a, double b)
{
	return fabs(a - b) <= 1e-9 * Max(1.0, Max(fabs(a), fabs(b)));
}

/* a placement that counts: the learner, and whether their group is in the lowest tier */
typedef struct Placement
{
	const TrackingRow *row;
	bool		lowest;
} Placement;

static int
compare_placements_by_learner(const void *a, const void *b)
{
	const Placement *x = a;
	const Placement *y = b;
	int			c;

	if ((c = strcmp(x->row->unit, y->row->unit)) != 0)
		return c;
	return strcmp(x->row->learner, y->row->learner);
}

/* one learner in one unit; then one subgroup in one unit */
typedef struct TrackingCell
{
	const char *unit;
	const char *subgroup;
	int64		learners;
	int64		lowest;
	int64		state_learners;	/* the subgroup over every unit */
	int64		state_lowest;
	int			index;
} TrackingCell;

static int
compare_cells(const void *a, const void *b)
{
	const TrackingCell *x = a;
	const TrackingCell *y = b;
	int			c;

	if ((c = strcmp(x->unit, y->unit)) != 0)
		return c;
	return compare_subgroups(x->subgroup, y->subgroup);
}

static int
compare_cells_by_subgroup(const void *a, const void *b)
{
	const TrackingCell *x = *(TrackingCell *const *) a;
	const TrackingCell *y = *(TrackingCell *const *) b;
	int			c;

	if ((c = compare_subgroups(x->subgroup, y->subgroup)) != 0)
		return c;
	return strcmp(x->unit, y->unit);
}

/* the columns of tracking_disproportion */
enum
{
	TRACK_UNIT,
	TRACK_SUBGROUP,
	TRACK_LEARNERS,
	TRACK_LOWEST,
	TRACK_RISK,
	TRACK_COMPARISON_LEARNERS,
	TRACK_COMPARISON_LOWEST,
	TRACK_COMPARISON_RISK,
	TRACK_STATE_LEARNERS,
	TRACK_STATE_LOWEST,
	TRACK_STATE_RISK,
	TRACK_RISK_RATIO,
	TRACK_ALTERNATE_RISK_RATIO,
	TRACK_BASIS,
	TRACK_RATIO,
	TRACK_P_VALUE,
	TRACK_FLAGGED,
	TRACK_COLUMNS
};

static inline Datum
count_datum(int64 x)
{
	return Int32GetDatum((int32) x);
}

/*
 * The tiers: in each section the groups are ranked by the mean mastery of
 * their learners (NULLs left out of the mean), and the lowest tier is the
 * group or groups with the lowest mean.  A section whose groups all have
 * one mean (or that has one group) has no lower tier, and a group without
 * any mastery cannot be ranked: their placements are left out.  Then each
 * learner counts once per unit, in the lowest tier when any of their
 * placements in the unit is; per unit and subgroup, 34 CFR 300.647:
 *
 *   risk                  lowest / learners
 *   risk ratio            risk / risk of everyone else in the unit
 *   alternate risk ratio  risk / risk of everyone else in the state (every
 *                         unit of the call), where everyone else in the
 *                         unit misses the cell size or the n-size
 *
 * A ratio needs its numerator's group to have at least cell_size learners
 * in the lowest tier and n_size learners in all, and its comparison group
 * the same; flagged where the ratio exceeds the threshold.  p_value: Fisher's
 * exact two-sided test of the 2 x 2 table of the subgroup against the
 * comparison group the ratio used (the unit's where there is no ratio).
 */
PG_FUNCTION_INFO_V1(tracking_audit_finalfn);
Datum
tracking_audit_finalfn(PG_FUNCTION_ARGS)
{
	TrackingState *st;
	Oid			array_type = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			element_type;
	TupleDesc	desc;
	TrackingRow **sorted;
	Placement  *placements;
	int			nplaced = 0;
	TrackingCell *learners,
			   *cells,
			  **by_subgroup;
	int			nlearners = 0,
				ncells = 0;
	int64		state_learners = 0,
				state_lowest = 0;
	Datum	   *out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (TrackingState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	if (!OidIsValid(array_type) || !OidIsValid(element_type = get_element_type(array_type)))
		elog(ERROR, "tracking_audit could not determine its result type");

	sorted = palloc_extended(sizeof(TrackingRow *) * st->n, MCXT_ALLOC_HUGE);
	for (int i = 0; i < st->n; i++)
		sorted[i] = &st->rows[i];
	qsort(sorted, st->n, sizeof(TrackingRow *), compare_placements);

	/* sections: the mean of each group, the lowest, whether any differs */
	placements = palloc_extended(sizeof(Placement) * st->n, MCXT_ALLOC_HUGE);
	for (int s = 0; s < st->n;)
	{
		int			e = s;
		double		lowest = 0.0,
					highest = 0.0;
		bool		ranked = false,
					tiered = false;

		while (e < st->n && strcmp(sorted[e]->unit, sorted[s]->unit) == 0 &&
			   strcmp(sorted[e]->section, sorted[s]->section) == 0)
			e++;
		/* two passes over the section's groups: the lowest mean, then the placements */
		for (int pass = 0; pass < 2; pass++)
			for (int g = s; g < e;)
			{
				int			h = g,
							with_mastery = 0;
				double		sum = 0.0,
							mean;

				while (h < e && strcmp(sorted[h]->group, sorted[g]->group) == 0)
				{
					if (sorted[h]->has_mastery)
					{
						sum += sorted[h]->mastery;
						with_mastery++;
					}
					h++;
				}
				if (with_mastery > 0)
				{
					mean = sum / with_mastery;
					if (pass == 0)
					{
						if (!ranked || mean < lowest)
							lowest = mean;
						if (!ranked || mean > highest)
							highest = mean;
						ranked = true;
					}
					else if (tiered)
						for (int i = g; i < h; i++)
						{
							placements[nplaced].row = sorted[i];
							placements[nplaced].lowest = same_mean(mean, lowest);
							nplaced++;
						}
				}
				g = h;
				/* after the first pass: tiers only where the means differ */
				if (pass == 0 && g == e)
					tiered = ranked && !same_mean(lowest, highest);
			}
		s = e;
		CHECK_FOR_INTERRUPTS();
	}

	/* learners: once per unit, with one subgroup */
	qsort(placements, nplaced, sizeof(Placement), compare_placements_by_learner);
	learners = palloc_extended(sizeof(TrackingCell) * Max(nplaced, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < nplaced; i++)
	{
		const TrackingRow *r = placements[i].row;

		if (nlearners > 0 && strcmp(learners[nlearners - 1].unit, r->unit) == 0 &&
			strcmp(placements[i - 1].row->learner, r->learner) == 0)
		{
			TrackingCell *l = &learners[nlearners - 1];

			if (compare_subgroups(l->subgroup, r->subgroup) != 0)
			{
				/* named in order, whatever the order of the rows */
				bool		in_order = compare_subgroups(l->subgroup, r->subgroup) < 0;
				const char *first = in_order ? l->subgroup : r->subgroup;
				const char *second = in_order ? r->subgroup : l->subgroup;

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("learner \"%s\" has two subgroups in unit \"%s\"", r->learner, r->unit),
						 errdetail("One row gives subgroup %s, another %s.",
								   first ? quote_literal_cstr(first) : "NULL",
								   second ? quote_literal_cstr(second) : "NULL"),
						 errhint("Give each learner one value of the subgroup in every row, for example the status as of the audit date.")));
			}
			l->lowest |= placements[i].lowest;
			continue;
		}
		learners[nlearners].unit = r->unit;
		learners[nlearners].subgroup = r->subgroup;
		learners[nlearners].learners = 1;
		learners[nlearners].lowest = placements[i].lowest ? 1 : 0;
		nlearners++;
	}
	if (nlearners == 0)
		PG_RETURN_NULL();

	/* cells: per unit and subgroup */
	qsort(learners, nlearners, sizeof(TrackingCell), compare_cells);
	cells = palloc_extended(sizeof(TrackingCell) * nlearners, MCXT_ALLOC_HUGE);
	for (int i = 0; i < nlearners; i++)
	{
		if (ncells == 0 || compare_cells(&cells[ncells - 1], &learners[i]) != 0)
		{
			cells[ncells] = learners[i];
			cells[ncells].learners = 0;
			cells[ncells].lowest = 0;
			cells[ncells].index = ncells;
			ncells++;
		}
		cells[ncells - 1].learners++;
		cells[ncells - 1].lowest += learners[i].lowest;
		state_learners++;
		state_lowest += learners[i].lowest;
	}
	/* each subgroup over every unit */
	by_subgroup = palloc_extended(sizeof(TrackingCell *) * ncells, MCXT_ALLOC_HUGE);
	for (int i = 0; i < ncells; i++)
		by_subgroup[i] = &cells[i];
	qsort(by_subgroup, ncells, sizeof(TrackingCell *), compare_cells_by_subgroup);
	for (int i = 0; i < ncells;)
	{
		int			j = i;
		int64		n = 0,
					a = 0;

		while (j < ncells && compare_subgroups(by_subgroup[j]->subgroup, by_subgroup[i]->subgroup) == 0)
		{
			n += by_subgroup[j]->learners;
			a += by_subgroup[j]->lowest;
			j++;
		}
		for (int k = i; k < j; k++)
		{
			by_subgroup[k]->state_learners = n;
			by_subgroup[k]->state_lowest = a;
		}
		i = j;
	}

	desc = lookup_rowtype_tupdesc(element_type, -1);
	if (desc->natts != TRACK_COLUMNS)
		elog(ERROR, "tracking_disproportion has %d columns, not %d", desc->natts, TRACK_COLUMNS);
	out = palloc_extended(sizeof(Datum) * ncells, MCXT_ALLOC_HUGE);
	for (int u = 0, c = 0; u < ncells;)
	{
		int			v = u;
		int64		unit_learners = 0,
					unit_lowest = 0;

		while (v < ncells && strcmp(cells[v].unit, cells[u].unit) == 0)
		{
			unit_learners += cells[v].learners;
			unit_lowest += cells[v].lowest;
			v++;
		}
		for (; c < v; c++)
		{
			const TrackingCell *cell = &cells[c];
			int64		n = cell->learners,
						a = cell->lowest,
						cn = unit_learners - n,
						ca = unit_lowest - a,
						sn = state_learners - cell->state_learners,
						sa = state_lowest - cell->state_lowest;
			double		risk = (double) a / n;
			bool		meets = n >= st->n_size && a >= st->cell_size;
			bool		unit_meets = cn >= st->n_size && ca >= st->cell_size;
			bool		state_meets = sn >= st->n_size && sa >= st->cell_size;
			Datum		values[TRACK_COLUMNS];
			bool		nulls[TRACK_COLUMNS] = {false};
			const char *basis;
			double		ratio = 0.0;
			bool		has_ratio = false;

			values[TRACK_UNIT] = CStringGetTextDatum(cell->unit);
			if (cell->subgroup)
				values[TRACK_SUBGROUP] = CStringGetTextDatum(cell->subgroup);
			else
				nulls[TRACK_SUBGROUP] = true;
			values[TRACK_LEARNERS] = count_datum(n);
			values[TRACK_LOWEST] = count_datum(a);
			values[TRACK_RISK] = Float8GetDatum(risk);
			values[TRACK_COMPARISON_LEARNERS] = count_datum(cn);
			values[TRACK_COMPARISON_LOWEST] = count_datum(ca);
			if (cn > 0)
				values[TRACK_COMPARISON_RISK] = Float8GetDatum((double) ca / cn);
			else
				nulls[TRACK_COMPARISON_RISK] = true;
			values[TRACK_STATE_LEARNERS] = count_datum(sn);
			values[TRACK_STATE_LOWEST] = count_datum(sa);
			if (sn > 0)
				values[TRACK_STATE_RISK] = Float8GetDatum((double) sa / sn);
			else
				nulls[TRACK_STATE_RISK] = true;
			if (meets && unit_meets)
				values[TRACK_RISK_RATIO] = Float8GetDatum(risk / ((double) ca / cn));
			else
				nulls[TRACK_RISK_RATIO] = true;
			if (meets && state_meets)
				values[TRACK_ALTERNATE_RISK_RATIO] = Float8GetDatum(risk / ((double) sa / sn));
			else
				nulls[TRACK_ALTERNATE_RISK_RATIO] = true;

			if (n < st->n_size)
				basis = "subgroup below n-size";
			else if (a < st->cell_size)
				basis = "subgroup below cell size";
			else if (unit_meets)
			{
				basis = "risk ratio";
				ratio = risk / ((double) ca / cn);
				has_ratio = true;
			}
			else if (state_meets)
			{
				basis = "alternate risk ratio";
				ratio = risk / ((double) sa / sn);
				has_ratio = true;
			}
			else
				basis = "comparison below cell size or n-size";
			values[TRACK_BASIS] = CStringGetTextDatum(basis);
			if (has_ratio)
				values[TRACK_RATIO] = Float8GetDatum(ratio);
			else
				nulls[TRACK_RATIO] = true;
			if (meets && !unit_meets && state_meets)
				values[TRACK_P_VALUE] = Float8GetDatum(hypergeometric_two_sided(a, a + sa, n, n + sn));
			else if (cn > 0)
				values[TRACK_P_VALUE] = Float8GetDatum(hypergeometric_two_sided(a, a + ca, n, n + cn));
			else
				nulls[TRACK_P_VALUE] = true;
			values[TRACK_FLAGGED] = BoolGetDatum(has_ratio && ratio > st->threshold);
			out[c] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
		}
		u = v;
		CHECK_FOR_INTERRUPTS();
	}
	ReleaseTupleDesc(desc);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, ncells, element_type, -1, false, TYPALIGN_DOUBLE));
}
