/*
 * proficiency.c
 *		proficiency_level(value, out_of, cuts, labels): the band a mastery
 *		value falls in, such as Beginning / Developing / Proficient / Advanced.
 *
 * Cuts are proportions of out_of, so one policy serves a four-point scale
 * and a percentage alike.  The cut and label arrays are checked and
 * unpacked once per query and kept in fn_extra.
 */
#include "competency.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

typedef struct ProficiencyBands
{
	ArrayType  *cuts_key;		/* the arrays these bands were made from */
	ArrayType  *labels_key;
	int			ncuts;
	double	   *cuts;
	text	  **labels;			/* ncuts + 1 */
} ProficiencyBands;

typedef struct BandsCache
{
	MemoryContext cxt;
	ProficiencyBands *bands;
} BandsCache;

static bool
same_array(const ArrayType *a, const ArrayType *b)
{
	return a != NULL && VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

static ProficiencyBands *
make_bands(MemoryContext cxt, ArrayType *cuts, ArrayType *labels)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	ProficiencyBands *bands = palloc0(sizeof(ProficiencyBands));
	Datum	   *cut_values;
	bool	   *cut_nulls;
	Datum	   *label_values;
	bool	   *label_nulls;
	int			nlabels;

	if (ARR_NDIM(cuts) > 1 || ARR_NDIM(labels) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cuts and labels of proficiency_level must be one-dimensional arrays")));
	deconstruct_array(cuts, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &cut_values, &cut_nulls, &bands->ncuts);
	deconstruct_array(labels, TEXTOID, -1, false, TYPALIGN_INT,
					  &label_values, &label_nulls, &nlabels);
	if (nlabels != bands->ncuts + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("proficiency_level needs one more label than cuts"),
				 errdetail("There are %d cuts and %d labels.", bands->ncuts, nlabels),
				 errhint("Three cuts such as '{0.5,0.75,0.9}' make four bands, which need four labels.")));

	bands->cuts = palloc(sizeof(double) * Max(bands->ncuts, 1));
	for (int i = 0; i < bands->ncuts; i++)
	{
		double		c;

		if (cut_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("cut %d of proficiency_level is null", i + 1)));
		c = DatumGetFloat8(cut_values[i]);
		if (!isfinite(c))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("cut %d of proficiency_level must be a finite number", i + 1)));
		/* cuts in points (60, 70, 80) would put everyone in the first band */
		if (c < 0.0 || c > 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("cut %d of proficiency_level must be a proportion of out_of between 0 and 1", i + 1),
					 errdetail("The cut given was %g.", c),
					 errhint("Write 70%% of out_of as 0.7.")));
		if (i > 0 && c <= bands->cuts[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cuts of proficiency_level must be strictly increasing"),
					 errdetail("Cut %d (%g) does not exceed cut %d (%g).",
							   i + 1, c, i, bands->cuts[i - 1])));
		bands->cuts[i] = c;
	}
	bands->labels = palloc(sizeof(text *) * nlabels);
	for (int i = 0; i < nlabels; i++)
	{
		if (label_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("label %d of proficiency_level is null", i + 1)));
		bands->labels[i] = DatumGetTextPCopy(label_values[i]);
	}
	bands->cuts_key = (ArrayType *) palloc(VARSIZE(cuts));
	memcpy(bands->cuts_key, cuts, VARSIZE(cuts));
	bands->labels_key = (ArrayType *) palloc(VARSIZE(labels));
	memcpy(bands->labels_key, labels, VARSIZE(labels));
	MemoryContextSwitchTo(old);
	return bands;
}

PG_FUNCTION_INFO_V1(proficiency_level);
Datum
proficiency_level(PG_FUNCTION_ARGS)
{
	double		value;
	double		out_of;
	ArrayType  *cuts;
	ArrayType  *labels;
	BandsCache *cache = fcinfo->flinfo->fn_extra;
	ProficiencyBands *bands;
	double		proportion;
	int			band = 0;

	/* not STRICT: no value is no level, but a missing policy is an error */
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cuts and labels of proficiency_level must not be null"),
				 errhint("Leave them out for the defaults '{0.5,0.75,0.9}' and '{Beginning,Developing,Proficient,Advanced}'.")));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	value = PG_GETARG_FLOAT8(0);
	out_of = PG_GETARG_FLOAT8(1);
	cuts = PG_GETARG_ARRAYTYPE_P(2);
	labels = PG_GETARG_ARRAYTYPE_P(3);

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(BandsCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "proficiency_level bands",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	bands = cache->bands;
	if (bands == NULL || !same_array(bands->cuts_key, cuts) ||
		!same_array(bands->labels_key, labels))
	{
		/* arrays that change per row replace the cache, never pile up */
		cache->bands = NULL;
		MemoryContextReset(cache->cxt);
		bands = cache->bands = make_bands(cache->cxt, cuts, labels);
	}
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value of proficiency_level must be a finite number")));
	if (!isfinite(out_of) || out_of <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("out_of of proficiency_level must be a positive finite number"),
				 errdetail("The out_of given was %g.", out_of)));

	proportion = value / out_of;
	while (band < bands->ncuts && proportion >= bands->cuts[band])
		band++;
	/* a copy: the cache is reset when the arrays change from row to row */
	PG_RETURN_TEXT_P(DatumGetTextPCopy(PointerGetDatum(bands->labels[band])));
}
