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
