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
 */
#include "competency.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
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
	for (int i = 0; i < st->n; i++)
		if (nsub == 0 || compare_subgroups(subgroups[nsub - 1], subgroups[i]) != 0)
			subgroups[nsub++] = subgroups[i];

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

