/*
 * group_audit.c
 *		An equity audit of any grouping: group_disproportionality(group_no,
 *		subgroup) counts every subgroup in every group and flags a count that
 *		random grouping of the same sizes would make unlikely (two-sided
 *		exact hypergeometric p, Holm-adjusted, < 0.05).
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

/* Serialized audit state: format byte, row count, rows */
#define AUDIT_STATE_FORMAT 2

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

/* ---------- the audit: group_disproportionality(group_no, subgroup) ---------- */

pg_attribute_noreturn()
static void
corrupt_audit_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized group_disproportionality state"),
			 errdetail("%s", detail)));
}

typedef struct AuditRow
{
	int32		group_no;
	char	   *subgroup;		/* NULL: no subgroup recorded */
} AuditRow;

typedef struct AuditState
{
	int			n,
				capacity;
	AuditRow   *rows;
	Size		serialized;		/* bytes its serialized form takes */
} AuditState;

/* A serialized state: varlena header, format byte, row count */
#define AUDIT_SERIALIZED_HEADER (VARHDRSZ + 1 + 4)

#define AUDIT_MAX_ROWS 10000000
#define AUDIT_MAX_CELLS 1000000

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

/*
 * A row of the audit.  Its serialized form (a group number, a length and
 * the label per row) is what parallel workers hand the leader as bytea:
 * the row that would take it past the limit on text forms (well within
 * what a bytea and a palloc'd buffer hold) is refused, whatever the plan,
 * so that a query does not fail only when it runs in parallel.
 */
static void
audit_add(AuditState *st, int32 group_no, char *subgroup)
{
	Size		bytes = 8 + (subgroup ? strlen(subgroup) : 0);

	if (st->n >= AUDIT_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality audits at most %d learners at once", AUDIT_MAX_ROWS)));
	if (st->serialized + bytes > text_form_max_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality state is too large"),
				 errdetail("Its %d rows and their subgroup labels would take more than %zu bytes, more than a parallel worker may pass on.",
						   st->n + 1, text_form_max_bytes()),
				 errhint("Audit one section at a time, by a subgroup with short labels (a code rather than a description).")));
	st->serialized += bytes;
	if (st->n >= st->capacity)
	{
		st->capacity = Max(64, st->capacity * 2);
		st->rows = st->rows ? repalloc_huge(st->rows, sizeof(AuditRow) * st->capacity) :
			palloc_extended(sizeof(AuditRow) * st->capacity, MCXT_ALLOC_HUGE);
	}
	st->rows[st->n].group_no = group_no;
	st->rows[st->n].subgroup = subgroup;
	st->n++;
}

/* Rows without a group number are not grouped learners: left out */
PG_FUNCTION_INFO_V1(group_disproportionality_transfn);
Datum
group_disproportionality_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	AuditState *st = audit_state(fcinfo, &aggcontext);
	MemoryContext old;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	old = MemoryContextSwitchTo(aggcontext);
	audit_add(st, PG_GETARG_INT32(1), PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(group_disproportionality_combinefn);
Datum
group_disproportionality_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	AuditState *a = audit_state(fcinfo, &aggcontext);
	AuditState *b = PG_ARGISNULL(1) ? NULL : (AuditState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	old = MemoryContextSwitchTo(aggcontext);
	for (int i = 0; i < b->n; i++)
		audit_add(a, b->rows[i].group_no, b->rows[i].subgroup ? pstrdup(b->rows[i].subgroup) : NULL);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(group_disproportionality_serializefn);
Datum
group_disproportionality_serializefn(PG_FUNCTION_ARGS)
{
	AuditState *st = (AuditState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, AUDIT_STATE_FORMAT);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		int			len = st->rows[i].subgroup ? (int) strlen(st->rows[i].subgroup) : -1;

		pq_sendint32(&buf, st->rows[i].group_no);
		pq_sendint32(&buf, len);
		if (len > 0)
			pq_sendbytes(&buf, st->rows[i].subgroup, len);
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
	int			n;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "group_disproportionality_deserializefn called in non-aggregate context");
	msg.data = VARDATA_ANY(in);
	msg.len = VARSIZE_ANY_EXHDR(in);
	msg.maxlen = msg.len;
	msg.cursor = 0;
	if (msg.len < 5 || pq_getmsgbyte(&msg) != AUDIT_STATE_FORMAT)
		corrupt_audit_state("Its header is missing or has an unknown format.");
	n = pq_getmsgint(&msg, 4);
	if (n < 0 || n > AUDIT_MAX_ROWS || (int64) n * 8 > msg.len - msg.cursor)
		corrupt_audit_state("Its row count does not match its size.");
	for (int i = 0; i < n; i++)
	{
		int32		group_no = pq_getmsgint(&msg, 4);
		int			len = pq_getmsgint(&msg, 4);
		char	   *subgroup = NULL;

		if (len < -1 || len > msg.len - msg.cursor)
			corrupt_audit_state("A subgroup has an invalid length.");
		if (len >= 0)
		{
			subgroup = pnstrdup(len > 0 ? pq_getmsgbytes(&msg, len) : "", len);
			if (strlen(subgroup) != (size_t) len || !pg_verifymbstr(subgroup, len, true))
				corrupt_audit_state("A subgroup is not valid text.");
		}
		audit_add(st, group_no, subgroup);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&msg);
	PG_RETURN_POINTER(st);
}

static int
compare_audit_rows(const void *a, const void *b)
{
	const AuditRow *x = a;
	const AuditRow *y = b;

	if (x->group_no != y->group_no)
		return x->group_no < y->group_no ? -1 : 1;
	if ((x->subgroup == NULL) != (y->subgroup == NULL))
		return x->subgroup == NULL ? 1 : -1;
	return x->subgroup ? strcmp(x->subgroup, y->subgroup) : 0;
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

/* ln C(n, k) */
static double
log_choose(int n, int k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

/*
 * Two-sided exact p-value of seeing x members of a subgroup (K of N in
 * all) in a group of m learners drawn at random: the summed probability of
 * every count no more likely than x (hypergeometric, as Fisher's exact
 * test sums it).
 */
static double
hypergeometric_two_sided(int x, int m, int K, int N)
{
	int			lo = Max(0, m - (N - K)),
				hi = Min(m, K);
	double		log_total = log_choose(N, m);
	double		px = exp(log_choose(K, x) + log_choose(N - K, m - x) - log_total);
	double		p = 0.0;

	for (int k = lo; k <= hi; k++)
	{
		double		pk = exp(log_choose(K, k) + log_choose(N - K, m - k) - log_total);

		if (pk <= px * (1.0 + 1e-7))
			p += pk;
	}
	return Min(p, 1.0);
}

/*
 * Per group and subgroup: learners, share of the group, ratio of that share
 * to the subgroup's share of everyone, and flagged when random grouping of
 * the same sizes would make a count this far from the expected one unlikely
 * (two-sided exact p < 0.05).  Subgroups absent from a group get a row with
 * 0 learners: under-representation to zero is what tracking looks like.
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
	int32	   *group_nos;
	int		   *group_sizes;
	char	  **subgroups;
	int		   *sub_totals;
	Datum	   *out;
	int			nout = 0;
	int			ncells;
	int		   *counts;
	double	   *pvalues;
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

	group_nos = palloc(sizeof(int32) * st->n);
	group_sizes = palloc0(sizeof(int) * st->n);
	for (int i = 0; i < st->n; i++)
	{
		if (ngroups == 0 || group_nos[ngroups - 1] != rows[i].group_no)
			group_nos[ngroups++] = rows[i].group_no;
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
	sub_totals = palloc0(sizeof(int) * Max(nsub, 1));
	for (int i = 0; i < st->n; i++)
	{
		int			lo = 0,
					hi = nsub - 1;

		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			if (compare_subgroups(subgroups[mid], rows[i].subgroup) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		sub_totals[lo]++;
	}

	if ((Size) ngroups * nsub > AUDIT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("group_disproportionality reports at most %d groups times subgroups", AUDIT_MAX_CELLS),
				 errdetail("This audit has %d groups and %d subgroups.", ngroups, nsub),
				 errhint("Audit one section at a time, by a subgroup with few values (not a learner id).")));

	/* every cell's count and exact p-value, then Holm's step-down across them */
	ncells = ngroups * nsub;
	counts = palloc0(sizeof(int) * Max(ncells, 1));
	pvalues = palloc(sizeof(double) * Max(ncells, 1));
	for (int g = 0, r = 0; g < ngroups; g++)
		for (int k = 0; k < nsub; k++)
			while (r < st->n && rows[r].group_no == group_nos[g] &&
				   compare_subgroups(rows[r].subgroup, subgroups[k]) == 0)
			{
				counts[g * nsub + k]++;
				r++;
			}
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
			pvalues[holm[r].index] = running;
		}
	}

	desc = lookup_rowtype_tupdesc(element_type, -1);
	out = palloc_extended(sizeof(Datum) * Max((Size) ncells, 1), MCXT_ALLOC_HUGE);
	for (int g = 0; g < ngroups; g++)
	{
		for (int k = 0; k < nsub; k++)
		{
			int			x = counts[g * nsub + k];
			double		share,
						overall = (double) sub_totals[k] / st->n;
			Datum		values[6];
			bool		nulls[6] = {false};

			share = (double) x / group_sizes[g];
			values[0] = Int32GetDatum(group_nos[g]);
			if (subgroups[k])
				values[1] = CStringGetTextDatum(subgroups[k]);
			else
				nulls[1] = true;
			values[2] = Int32GetDatum(x);
			values[3] = Float8GetDatum(share);
			values[4] = Float8GetDatum(share / overall);
			values[5] = BoolGetDatum(pvalues[g * nsub + k] < 0.05);
			out[nout++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
		}
		CHECK_FOR_INTERRUPTS();
	}
	ReleaseTupleDesc(desc);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nout, element_type, -1, false, TYPALIGN_DOUBLE));
}
