-- competency 0.4.0 -> 0.5.0: only what changed.

\echo Use "ALTER EXTENSION competency UPDATE TO '0.5.0'" to load this file. \quit

-- instructional_groups with a balance input: groups that share a focus
-- spread each subgroup label as evenly as their sizes allow
-- Not STRICT: rows without a learner add nothing; a NULL label is no label
CREATE FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph,
	float8, int, int, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'instructional_groups_balance_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph, float8, int, int, text, text) IS
	'transition of instructional_groups with a mode and a subgroup label to balance';
CREATE FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph,
	float8, int, int, text, text[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'instructional_groups_balance_array_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph, float8, int, int, text, text[]) IS
	'transition of instructional_groups with a mode and subgroup labels to balance, one per column';
CREATE AGGREGATE instructional_groups(learner text, profile learner_profile, g skill_graph,
	threshold float8, min_size int, max_size int, mode text, balance text) (
	SFUNC = instructional_groups_transfn,
	STYPE = internal,
	FINALFUNC = instructional_groups_finalfn,
	COMBINEFUNC = instructional_groups_combinefn,
	SERIALFUNC = instructional_groups_serializefn,
	DESERIALFUNC = instructional_groups_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE instructional_groups(text, learner_profile, skill_graph, float8, int, int, text, text) IS
	'the learners of a section in groups of min_size to max_size by mode, groups that share a focus spreading the balance label as evenly as their sizes allow';
CREATE AGGREGATE instructional_groups(learner text, profile learner_profile, g skill_graph,
	threshold float8, min_size int, max_size int, mode text, balance text[]) (
	SFUNC = instructional_groups_transfn,
	STYPE = internal,
	FINALFUNC = instructional_groups_finalfn,
	COMBINEFUNC = instructional_groups_combinefn,
	SERIALFUNC = instructional_groups_serializefn,
	DESERIALFUNC = instructional_groups_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE instructional_groups(text, learner_profile, skill_graph, float8, int, int, text, text[]) IS
	'the learners of a section in groups of min_size to max_size by mode, groups that share a focus spreading each balance label column as evenly as their sizes allow';

-- learner_profile from raw columns, like mastery(score, observed_at, method):
-- scores without out_of, each skill's value on the scale of its scores
-- (out_of null in the profile); the same state and combine as the other forms
CREATE FUNCTION learner_profile_score_transfn(learner_profile_state, text, float8, timestamptz, mastery_method)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_score_transfn(learner_profile_state, text, float8, timestamptz, mastery_method) IS
	'transition of learner_profile(skill, score, observed_at, method)';
CREATE AGGREGATE learner_profile(skill text, score float8, observed_at timestamptz, method mastery_method) (
	SFUNC = learner_profile_score_transfn,
	STYPE = learner_profile_state,
	FINALFUNC = learner_profile_finalfn,
	COMBINEFUNC = learner_profile_combinefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE learner_profile(text, float8, timestamptz, mastery_method) IS
	'one learner''s profile from (skill, score, observed_at) rows, scores without out_of as mastery(score, observed_at, method) takes them';

-- group_disproportionality: every cell with its sizes, expected count,
-- exact p-value and Holm-adjusted p-value (new attributes at the end, so
-- that audits stored by 0.4.0 still read, with these NULL), settings for
-- flagged, and group ids of type bigint and text
ALTER TYPE group_disproportion ADD ATTRIBUTE group_id text, ADD ATTRIBUTE group_size int,
	ADD ATTRIBUTE section_size int, ADD ATTRIBUTE subgroup_size int, ADD ATTRIBUTE expected float8,
	ADD ATTRIBUTE p_value float8, ADD ATTRIBUTE p_adjusted float8;
COMMENT ON TYPE group_disproportion IS
	'one subgroup in one group: learners, share of the group, ratio to its share of everyone, sizes, the count expected under random grouping, exact two-sided p-value and its Holm adjustment, flagged';
COMMENT ON AGGREGATE group_disproportionality(int, text) IS
	'per group and subgroup: learners, share, ratio to the subgroup''s share of everyone, expected count, exact p-value and its Holm adjustment, flagged where that is below 0.05';
CREATE TYPE tracking_disproportion AS (unit text, subgroup text, learners int, lowest_tier int,
	risk float8, comparison_learners int, comparison_lowest_tier int, comparison_risk float8,
	state_comparison_learners int, state_comparison_lowest_tier int, state_comparison_risk float8,
	risk_ratio float8, alternate_risk_ratio float8, basis text, ratio float8, p_value float8, flagged bool);
COMMENT ON TYPE tracking_disproportion IS
	'one subgroup in one unit (school or grade): its risk of placement in the lowest tier of groups, against everyone else in the unit and in the state, the risk ratio and alternate risk ratio of 34 CFR 300.647, the exact p-value, flagged';
-- Settings of the audit: alpha for the Holm-adjusted p-value and the
-- factor a share must be off by (min_ratio 1: any departure)
CREATE FUNCTION group_disproportionality_transfn(internal, int, text, float8, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'group_disproportionality_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, int, text, float8, float8) IS
	'transition of group_disproportionality with alpha and min_ratio';
-- Group ids of other types: bigint (a warehouse key) and text
CREATE FUNCTION group_disproportionality_transfn(internal, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'group_disproportionality_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, bigint, text) IS
	'transition of group_disproportionality with bigint group ids';
CREATE FUNCTION group_disproportionality_transfn(internal, bigint, text, float8, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'group_disproportionality_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, bigint, text, float8, float8) IS
	'transition of group_disproportionality with bigint group ids, alpha and min_ratio';
CREATE FUNCTION group_disproportionality_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'group_disproportionality_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, text, text) IS
	'transition of group_disproportionality with text group ids';
CREATE FUNCTION group_disproportionality_transfn(internal, text, text, float8, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'group_disproportionality_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, text, text, float8, float8) IS
	'transition of group_disproportionality with text group ids, alpha and min_ratio';
CREATE AGGREGATE group_disproportionality(group_no int, subgroup text, alpha float8, min_ratio float8) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(int, text, float8, float8) IS
	'per group and subgroup: the audit''s cells, flagged where the Holm-adjusted p-value is below alpha and the ratio at least min_ratio or at most 1/min_ratio';
CREATE AGGREGATE group_disproportionality(group_id bigint, subgroup text) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(bigint, text) IS
	'per group (bigint id) and subgroup: the audit''s cells, flagged where the Holm-adjusted p-value is below 0.05';
CREATE AGGREGATE group_disproportionality(group_id bigint, subgroup text, alpha float8, min_ratio float8) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(bigint, text, float8, float8) IS
	'per group (bigint id) and subgroup: the audit''s cells, flagged where the Holm-adjusted p-value is below alpha and the ratio at least min_ratio or at most 1/min_ratio';
CREATE AGGREGATE group_disproportionality(group_id text, subgroup text) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(text, text) IS
	'per group (text id) and subgroup: the audit''s cells, flagged where the Holm-adjusted p-value is below 0.05';
CREATE AGGREGATE group_disproportionality(group_id text, subgroup text, alpha float8, min_ratio float8) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(text, text, float8, float8) IS
	'per group (text id) and subgroup: the audit''s cells, flagged where the Holm-adjusted p-value is below alpha and the ratio at least min_ratio or at most 1/min_ratio';

-- The tracking audit across sections: groups ranked by mean mastery within
-- their section, per unit and subgroup the risk of placement in the lowest
-- tier (34 CFR 300.647: risk ratio, alternate risk ratio, cell and n-size)
-- Not STRICT: rows without a unit, section, group or learner add nothing
CREATE FUNCTION tracking_audit_transfn(internal, text, text, text, text, text, float8) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_transfn(internal, text, text, text, text, text, float8) IS
	'transition of tracking_audit';
CREATE FUNCTION tracking_audit_transfn(internal, text, text, text, text, text, float8, int, int, float8) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_transfn(internal, text, text, text, text, text, float8, int, int, float8) IS
	'transition of tracking_audit with cell size, n-size and risk ratio threshold';
CREATE FUNCTION tracking_audit_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_combinefn(internal, internal) IS 'combine function of tracking_audit';
CREATE FUNCTION tracking_audit_serializefn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_serializefn(internal) IS 'serialize function of tracking_audit';
CREATE FUNCTION tracking_audit_deserializefn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_deserializefn(bytea, internal) IS 'deserialize function of tracking_audit';
CREATE FUNCTION tracking_audit_finalfn(internal) RETURNS tracking_disproportion[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION tracking_audit_finalfn(internal) IS 'final function of tracking_audit: a row per unit and subgroup';
CREATE AGGREGATE tracking_audit(unit text, section text, group_id text, learner text, subgroup text,
	mastery float8) (
	SFUNC = tracking_audit_transfn,
	STYPE = internal,
	FINALFUNC = tracking_audit_finalfn,
	COMBINEFUNC = tracking_audit_combinefn,
	SERIALFUNC = tracking_audit_serializefn,
	DESERIALFUNC = tracking_audit_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE tracking_audit(text, text, text, text, text, float8) IS
	'per unit and subgroup: the risk of placement in the lowest tier of groups by mean mastery, risk ratio or alternate risk ratio (cell size 10, n-size 30), exact p-value, flagged above 3.0';
CREATE AGGREGATE tracking_audit(unit text, section text, group_id text, learner text, subgroup text,
	mastery float8, cell_size int, n_size int, threshold float8) (
	SFUNC = tracking_audit_transfn,
	STYPE = internal,
	FINALFUNC = tracking_audit_finalfn,
	COMBINEFUNC = tracking_audit_combinefn,
	SERIALFUNC = tracking_audit_serializefn,
	DESERIALFUNC = tracking_audit_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE tracking_audit(text, text, text, text, text, float8, int, int, float8) IS
	'per unit and subgroup: the risk of placement in the lowest tier of groups by mean mastery, risk ratio or alternate risk ratio at the given cell size and n-size, exact p-value, flagged above the threshold';
