/*
 * profile_rollup.c
 *		profile_rollup: a profile's values rolled up a framework's part_of
 *		hierarchy, from standards to clusters, domains and grades.
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

/* One rollup: per skill of the graph, what is known of it and below it */
typedef struct RollupWork
{
	GraphView  *g;
	RollupRule	rule;
	double		threshold;
	bool		share_rule;		/* share_mastered or all_mastered */
	ProfileEntry *value;		/* per skill: its entry, once known */
	bool	   *known;
	bool	   *own;			/* rated by the profile itself (not rolled up) */
	int32	   *spec_of;		/* of an own skill: its place in specs */
	int32	   *leaves;			/* per whole: the distinct standards under it */
	int32	   *leaves_mastered;	/* and how many are mastered (share rules) */
	int32	   *below_evidence; /* per whole: evidence of the distinct skills under it */
	uint8	   *below_kinds;
	TimestampTz *below_last;
	ProfileSpec *specs;			/* the result's entries */
	int			nspecs;
} RollupWork;

/*
 * The profile's own entries: those on the graph placed on it, the others
 * kept as they are; an earlier rollup's wholes are computed again, not kept
 */
static void
place_own_entries(RollupWork *r, const LearnerProfile *p)
{
	for (int i = 0; i < p->nentries; i++)
	{
		int			v = graph_find(r->g, profile_code(p, i));

		if (v >= 0 && (p->entries[i].flags & ENTRY_ROLLED_UP))
			continue;
		r->specs[r->nspecs].code = (char *) profile_code(p, i);
		r->specs[r->nspecs].entry = p->entries[i];
		if (v >= 0)
		{
			r->value[v] = p->entries[i];
			r->known[v] = true;
			r->own[v] = true;
			r->spec_of[v] = r->nspecs;
		}
		r->nspecs++;
	}
}

/*
 * Per whole its distinct standards and how many are mastered, and the
 * evidence of the distinct skills under it (a standard that is part of two
 * clusters counts once).  A whole rated at or above the threshold covers
 * the standards under it.  Unlike ready_skills and learning_path, a
 * standard never assessed is not mastered here even when a mastered
 * standard needs it: a rollup reports what the evidence shows.
 */
static void
count_standards_below(RollupWork *r)
{
	GraphView  *g = r->g;
	bool	   *covered = palloc0(sizeof(bool) * Max(g->n, 1));

	for (int v = 0; v < g->n && r->share_rule; v++)
		if (r->own[v] && g->parts_start[v] != g->parts_start[v + 1] &&
			(r->value[v].flags & ENTRY_HAS_MASTERY) && r->value[v].mastery >= r->threshold)
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
			const ProfileEntry *e = &r->value[v];

			if (r->own[v])
			{
				r->below_evidence[w] = (int32) Min((int64) r->below_evidence[w] + e->evidence_count,
												   PG_INT32_MAX);
				r->below_kinds[w] |= e->kinds;
				if (!TIMESTAMP_IS_NOBEGIN(e->last_observed) &&
					(TIMESTAMP_IS_NOBEGIN(r->below_last[w]) || e->last_observed > r->below_last[w]))
					r->below_last[w] = e->last_observed;
			}
			if (g->parts_start[v] != g->parts_start[v + 1])
				continue;
			r->leaves[w]++;
			if (covered[v] || (r->own[v] && (e->flags & ENTRY_HAS_MASTERY) && e->mastery >= r->threshold))
				r->leaves_mastered[w]++;
		}
		if (r->own[w] && covered[w])
			r->leaves_mastered[w] = r->leaves[w];
		if ((w & 255) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(covered);
}

/*
 * The entry of whole w from its parts (already rolled up: the wholes go in
 * topological order); false when nothing below it is known
 */
static bool
roll_up_whole(RollupWork *r, int32 w, ProfileEntry *e)
{
	GraphView  *g = r->g;
	int			nvalues = 0,
				ntrends = 0;
	double		sum = 0.0,
				minimum = 0.0,
				trend = 0.0,
				scale = 0.0;
	bool		same_scale = true;
	int32		first_valued = -1;

	memset(e, 0, sizeof(*e));
	e->last_observed = DT_NOBEGIN;
	for (int k = g->parts_start[w]; k < g->parts_start[w + 1]; k++)
	{
		const ProfileEntry *c = &r->value[g->parts[k]];

		if (!r->known[g->parts[k]])
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
		else if (entry_has_scale(c) != entry_has_scale(&r->value[first_valued]) && !r->share_rule)
		{
			/* values on the scores' own scale make no share beside shares */
			const ProfileEntry *scaled = entry_has_scale(c) ? c : &r->value[first_valued];

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
	e->evidence_count = r->below_evidence[w];
	e->kinds = r->below_kinds[w];
	e->last_observed = r->below_last[w];
	if (e->evidence_count == 0 && nvalues == 0 && ntrends == 0 && TIMESTAMP_IS_NOBEGIN(e->last_observed))
		return false;
	e->out_of = 1.0;
	e->flags |= ENTRY_ROLLED_UP;
	switch (r->rule)
	{
		case RULE_AVERAGE:
		case RULE_MINIMUM:
			if (nvalues > 0)
			{
				double		share = r->rule == RULE_AVERAGE ? sum / nvalues : minimum;

				e->out_of = same_scale ? scale : 1.0;
				e->mastery = share * e->out_of;
				e->flags |= ENTRY_HAS_MASTERY;
				/* of parts without a scale: a value on their scores' scale */
				if (!entry_has_scale(&r->value[first_valued]))
					e->flags |= ENTRY_NO_SCALE;
			}
			break;
		case RULE_SHARE_MASTERED:
			e->mastery = (double) r->leaves_mastered[w] / r->leaves[w];
			e->flags |= ENTRY_HAS_MASTERY;
			break;
		case RULE_ALL_MASTERED:
			e->mastery = r->leaves_mastered[w] == r->leaves[w] ? 1.0 : 0.0;
			e->flags |= ENTRY_HAS_MASTERY;
			break;
	}
	if (ntrends > 0 && !r->share_rule)
	{
		e->trend = trend / ntrends * e->out_of;
		e->flags |= ENTRY_HAS_TREND;
	}
	return true;
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
	RollupWork	r;
	int			n;

	memset(&r, 0, sizeof(r));
	r.g = g;
	r.rule = parse_rollup_rule(text_to_cstring(PG_GETARG_TEXT_PP(2)), &r.threshold);
	r.share_rule = r.rule == RULE_SHARE_MASTERED || r.rule == RULE_ALL_MASTERED;
	n = Max(g->n, 1);
	r.value = palloc0(sizeof(ProfileEntry) * n);
	r.known = palloc0(sizeof(bool) * n);
	r.own = palloc0(sizeof(bool) * n);
	r.spec_of = palloc(sizeof(int32) * n);
	r.leaves = palloc0(sizeof(int32) * n);
	r.leaves_mastered = palloc0(sizeof(int32) * n);
	r.below_evidence = palloc0(sizeof(int32) * n);
	r.below_kinds = palloc0(sizeof(uint8) * n);
	r.below_last = palloc(sizeof(TimestampTz) * n);
	for (int v = 0; v < g->n; v++)
		r.below_last[v] = DT_NOBEGIN;
	r.specs = palloc(sizeof(ProfileSpec) * (p->nentries + g->n + 1));

	/*
	 * The share rules read one threshold on every standard: as in
	 * ready_skills, on the profile's one scale (3 of 100 is not mastered)
	 */
	if (r.share_rule)
		profile_check_threshold(p, r.threshold, "profile_rollup with a share rule");
	place_own_entries(&r, p);
	count_standards_below(&r);
	for (int t = 0; t < g->n; t++)
	{
		int32		w = g->topo[t];
		ProfileEntry e;
		bool		known;

		if (g->parts_start[w] == g->parts_start[w + 1])
			continue;
		known = roll_up_whole(&r, w, &e);	/* its parts checked, even when rated */
		/*
		 * A whole the profile rates from its own evidence keeps its own
		 * entry as it is: rolling up again gives the same profile.
		 */
		if (r.own[w])
		{
			r.value[w] = r.specs[r.spec_of[w]].entry;
			continue;
		}
		if (!known)
			continue;			/* nothing below this whole is known */
		r.value[w] = e;
		r.known[w] = true;
		r.specs[r.nspecs].code = (char *) skill_code(g, w);
		r.specs[r.nspecs].entry = e;
		r.nspecs++;
		if ((t & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(profile_build(r.specs, r.nspecs));
}

