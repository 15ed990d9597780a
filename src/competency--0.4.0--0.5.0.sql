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

-- Knowledge tracing, operating a fit: p_learn bounds in the options, integer
-- answers and learners, bkt_model (the fit and what it rests on),
-- bkt_evaluate and bkt_crossvalidate
COMMENT ON AGGREGATE bkt_fit(text, timestamptz, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip, min_learn, max_learn';
COMMENT ON AGGREGATE bkt_fit(text, bigint, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by seq; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip, min_learn, max_learn';

-- bkt_fit with 0/1 integer answers and bigint learner ids (smaller integers
-- cast implicitly), so item-response tables load as they are: a bigint
-- learner is its decimal text, and an integer answer other than 0 or 1 is
-- an error.  Not STRICT, as the boolean forms

CREATE FUNCTION bkt_fit_transfn(internal, text, timestamptz, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, timestamptz, integer) IS
	'transition function of bkt_fit and bkt_model with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, text, timestamptz, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, timestamptz, integer, text) IS
	'transition function of bkt_fit and bkt_model with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, text, bigint, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, bigint, integer) IS
	'transition function of bkt_fit and bkt_model with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, text, bigint, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, bigint, integer, text) IS
	'transition function of bkt_fit and bkt_model with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, boolean) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and boolean answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, boolean, text) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and boolean answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, bigint, boolean) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and boolean answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, bigint, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, bigint, boolean, text) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and boolean answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, integer) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, timestamptz, integer, text) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, bigint, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, bigint, integer) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_fit_transfn(internal, bigint, bigint, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, bigint, bigint, integer, text) IS
	'transition function of bkt_fit and bkt_model with a bigint learner and 0/1 integer answers';

CREATE AGGREGATE bkt_fit(learner text, observed_at timestamptz, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, timestamptz, integer) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner text, observed_at timestamptz, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, timestamptz, integer, text) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; options as bkt_fit(text, timestamptz, boolean, text); a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner text, seq bigint, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, bigint, integer) IS
	'BKT parameters fitted by EM, sequences ordered by seq; a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner text, seq bigint, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, bigint, integer, text) IS
	'BKT parameters fitted by EM, sequences ordered by seq; options as bkt_fit(text, bigint, boolean, text); a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner bigint, observed_at timestamptz, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, timestamptz, boolean) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; a bigint learner is its decimal text, correct boolean';
CREATE AGGREGATE bkt_fit(learner bigint, observed_at timestamptz, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, timestamptz, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; options as bkt_fit(text, timestamptz, boolean, text); a bigint learner is its decimal text, correct boolean';
CREATE AGGREGATE bkt_fit(learner bigint, seq bigint, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, bigint, boolean) IS
	'BKT parameters fitted by EM, sequences ordered by seq; a bigint learner is its decimal text, correct boolean';
CREATE AGGREGATE bkt_fit(learner bigint, seq bigint, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, bigint, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by seq; options as bkt_fit(text, bigint, boolean, text); a bigint learner is its decimal text, correct boolean';
CREATE AGGREGATE bkt_fit(learner bigint, observed_at timestamptz, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, timestamptz, integer) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; a bigint learner is its decimal text, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner bigint, observed_at timestamptz, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, timestamptz, integer, text) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; options as bkt_fit(text, timestamptz, boolean, text); a bigint learner is its decimal text, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner bigint, seq bigint, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, bigint, integer) IS
	'BKT parameters fitted by EM, sequences ordered by seq; a bigint learner is its decimal text, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_fit(learner bigint, seq bigint, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(bigint, bigint, integer, text) IS
	'BKT parameters fitted by EM, sequences ordered by seq; options as bkt_fit(text, bigint, boolean, text); a bigint learner is its decimal text, correct 1 or 0 (anything else is an error)';

-- bkt_model: the fit and what it rests on.  bkt_params keeps its nine
-- columns: its values may be stored in tables, dumped as nine-field text
-- and written as literals, and a composite type that gains attributes
-- refuses those (record input wants every column)
CREATE TYPE bkt_model AS (
	p_init float8,
	p_learn float8,
	p_guess float8,
	p_slip float8,
	p_forget float8,
	log_likelihood float8,
	iterations int,
	degenerate boolean,
	converged boolean,
	implausible boolean,
	learners bigint,
	answers bigint,
	repeat_learners bigint
);
COMMENT ON TYPE bkt_model IS
	'a BKT fit and what it rests on: the columns of bkt_params, then implausible (p_learn of 0.5 or more), the learners and answers fitted, and the learners with at least two answers';
CREATE FUNCTION bkt_model_finalfn(internal) RETURNS bkt_model
	AS 'MODULE_PATHNAME', 'bkt_model_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_model_finalfn(internal) IS
	'final function of bkt_model: the fit of bkt_fit, then what it rests on';

CREATE AGGREGATE bkt_model(learner text, observed_at timestamptz, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, timestamptz, boolean) IS
	'bkt_fit by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, observed_at timestamptz, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, timestamptz, boolean, text) IS
	'bkt_fit with options by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, seq bigint, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, bigint, boolean) IS
	'bkt_fit by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, seq bigint, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, bigint, boolean, text) IS
	'bkt_fit with options by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, observed_at timestamptz, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, timestamptz, integer) IS
	'bkt_fit by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, observed_at timestamptz, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, timestamptz, integer, text) IS
	'bkt_fit with options by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, seq bigint, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, bigint, integer) IS
	'bkt_fit by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner text, seq bigint, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(text, bigint, integer, text) IS
	'bkt_fit with options by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, observed_at timestamptz, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, timestamptz, boolean) IS
	'bkt_fit by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, observed_at timestamptz, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, timestamptz, boolean, text) IS
	'bkt_fit with options by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, seq bigint, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, bigint, boolean) IS
	'bkt_fit by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, seq bigint, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, bigint, boolean, text) IS
	'bkt_fit with options by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, observed_at timestamptz, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, timestamptz, integer) IS
	'bkt_fit by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, observed_at timestamptz, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, timestamptz, integer, text) IS
	'bkt_fit with options by observed_at, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, seq bigint, correct integer) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, bigint, integer) IS
	'bkt_fit by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';
CREATE AGGREGATE bkt_model(learner bigint, seq bigint, correct integer, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_model_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_model(bigint, bigint, integer, text) IS
	'bkt_fit with options by seq, and what the fit rests on: implausible, learners, answers, repeat_learners';

-- a bkt_model goes wherever a bkt_params goes (bkt_state, bkt_correct, a
-- bkt_params column), and to the bkt method as a bkt_params does
CREATE FUNCTION bkt_params(model bkt_model) RETURNS bkt_params
	AS 'MODULE_PATHNAME', 'bkt_model_to_params' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bkt_params(bkt_model) IS
	'the nine columns of bkt_params of a bkt_model';
CREATE CAST (bkt_model AS bkt_params) WITH FUNCTION bkt_params(bkt_model) AS IMPLICIT;
COMMENT ON CAST (bkt_model AS bkt_params) IS
	'a bkt_model is used as its bkt_params (bkt_state, bkt_correct, stored fits)';
CREATE FUNCTION mastery_method(params bkt_model) RETURNS mastery_method
	AS 'MODULE_PATHNAME', 'bkt_params_to_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method(bkt_model) IS
	'the bkt mastery method with the fitted parameters of a bkt_model';
CREATE CAST (bkt_model AS mastery_method) WITH FUNCTION mastery_method(bkt_model);
COMMENT ON CAST (bkt_model AS mastery_method) IS
	'the bkt mastery method with the fitted parameters of a bkt_model';

-- A fit or a default: not STRICT (a NULL fit takes the fallback)
CREATE FUNCTION bkt_fallback(fit bkt_params, fallback bkt_params) RETURNS bkt_params
	AS 'MODULE_PATHNAME', 'bkt_fallback' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fallback(bkt_params, bkt_params) IS
	'the fit when usable (every probability given, not degenerate, p_learn below 0.5), else the fallback';

-- bkt_evaluate: how well predicted probabilities of a right answer score
-- (pyBKT's evaluate).  Not STRICT: rows with a NULL answer or prediction
-- are skipped
CREATE TYPE bkt_evaluation AS (
	n bigint,
	auc float8,
	rmse float8,
	accuracy float8,
	log_loss float8
);
COMMENT ON TYPE bkt_evaluation IS
	'scores of predictions: answers scored, AUC (Mann-Whitney, ties half; NULL with one kind of answer), RMSE, accuracy at 0.5, log loss (predictions clamped to 1e-15 from 0 and 1)';
CREATE FUNCTION bkt_evaluate_transfn(internal, boolean, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_evaluate_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_transfn(internal, boolean, float8) IS
	'transition function of bkt_evaluate';
CREATE FUNCTION bkt_evaluate_transfn(internal, integer, float8) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_evaluate_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_transfn(internal, integer, float8) IS
	'transition function of bkt_evaluate with 0/1 integer answers';
CREATE FUNCTION bkt_evaluate_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_evaluate_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_combinefn(internal, internal) IS
	'combine function of bkt_evaluate: the predictions of both partial states';
CREATE FUNCTION bkt_evaluate_serializefn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bkt_evaluate_serializefn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_serializefn(internal) IS
	'serialization function of bkt_evaluate';
CREATE FUNCTION bkt_evaluate_deserializefn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_evaluate_deserializefn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_deserializefn(bytea, internal) IS
	'deserialization function of bkt_evaluate';
CREATE FUNCTION bkt_evaluate_finalfn(internal) RETURNS bkt_evaluation
	AS 'MODULE_PATHNAME', 'bkt_evaluate_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_evaluate_finalfn(internal) IS
	'final function of bkt_evaluate: the predictions sorted, then the metrics';
CREATE AGGREGATE bkt_evaluate(correct boolean, predicted float8) (
	SFUNC = bkt_evaluate_transfn, STYPE = internal, FINALFUNC = bkt_evaluate_finalfn,
	COMBINEFUNC = bkt_evaluate_combinefn, SERIALFUNC = bkt_evaluate_serializefn,
	DESERIALFUNC = bkt_evaluate_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_evaluate(boolean, float8) IS
	'n, AUC, RMSE, accuracy and log loss of predicted probabilities of a right answer';
CREATE AGGREGATE bkt_evaluate(correct integer, predicted float8) (
	SFUNC = bkt_evaluate_transfn, STYPE = internal, FINALFUNC = bkt_evaluate_finalfn,
	COMBINEFUNC = bkt_evaluate_combinefn, SERIALFUNC = bkt_evaluate_serializefn,
	DESERIALFUNC = bkt_evaluate_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_evaluate(integer, float8) IS
	'n, AUC, RMSE, accuracy and log loss of predicted probabilities of a 0/1 answer';

-- bkt_crossvalidate: learners dealt to folds by a hash of their id and the
-- seed, each fold's answers predicted by the fit of the other folds (pyBKT's
-- crossvalidate).  Not STRICT: NULL folds, seed or options mean 5, 0 and
-- the defaults of bkt_fit
CREATE TYPE bkt_fold AS (
	fold int,
	learners bigint,
	n bigint,
	auc float8,
	rmse float8,
	accuracy float8,
	log_loss float8
);
COMMENT ON TYPE bkt_fold IS
	'the scores of one fold of a cross-validation (fold NULL: the mean over the folds), its learners and answers';

CREATE FUNCTION bkt_crossvalidate_transfn(internal, text, timestamptz, boolean, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, text, timestamptz, boolean, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, text, bigint, boolean, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, text, bigint, boolean, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, text, timestamptz, integer, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, text, timestamptz, integer, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, text, bigint, integer, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, text, bigint, integer, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, bigint, timestamptz, boolean, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, bigint, timestamptz, boolean, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, bigint, bigint, boolean, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, bigint, bigint, boolean, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, bigint, timestamptz, integer, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, bigint, timestamptz, integer, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_transfn(internal, bigint, bigint, integer, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_transfn(internal, bigint, bigint, integer, int, int, text) IS
	'transition function of bkt_crossvalidate';
CREATE FUNCTION bkt_crossvalidate_finalfn(internal) RETURNS bkt_fold[]
	AS 'MODULE_PATHNAME', 'bkt_crossvalidate_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_crossvalidate_finalfn(internal) IS
	'final function of bkt_crossvalidate: folds of learners, a fit without each, its predictions scored';
CREATE AGGREGATE bkt_crossvalidate(learner text, observed_at timestamptz, correct boolean, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(text, timestamptz, boolean, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by observed_at): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner text, seq bigint, correct boolean, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(text, bigint, boolean, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by seq): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner text, observed_at timestamptz, correct integer, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(text, timestamptz, integer, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by observed_at): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner text, seq bigint, correct integer, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(text, bigint, integer, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by seq): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner bigint, observed_at timestamptz, correct boolean, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(bigint, timestamptz, boolean, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by observed_at): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner bigint, seq bigint, correct boolean, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(bigint, bigint, boolean, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by seq): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner bigint, observed_at timestamptz, correct integer, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(bigint, timestamptz, integer, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by observed_at): per-fold and mean n, AUC, RMSE, accuracy and log loss';
CREATE AGGREGATE bkt_crossvalidate(learner bigint, seq bigint, correct integer, folds int, seed int, options text) (
	SFUNC = bkt_crossvalidate_transfn, STYPE = internal, FINALFUNC = bkt_crossvalidate_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_crossvalidate(bigint, bigint, integer, int, int, text) IS
	'k-fold cross-validation of bkt_fit by learners (sequences ordered by seq): per-fold and mean n, AUC, RMSE, accuracy and log loss';

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

-- bkt_item_fit: knowledge tracing with item effects (KT-IDEM, pyBKT's
-- multigs): a p_guess and a p_slip per item, p_init, p_learn and p_forget
-- shared.  A new name, not bkt_fit with one more text argument: that
-- would read bkt_fit(learner, seq, correct, options) as an item.  Not
-- STRICT, as bkt_fit: a NULL correct is a missing response; rows without a
-- learner, an order key or an item add nothing
CREATE TYPE bkt_item_params AS (
	p_init float8,
	p_learn float8,
	p_forget float8,
	items text[],
	p_guess float8[],
	p_slip float8[],
	item_answers bigint[],
	log_likelihood float8,
	plain_log_likelihood float8,
	iterations int,
	degenerate boolean,
	converged boolean,
	learners bigint
);
COMMENT ON TYPE bkt_item_params IS
	'a BKT fit with item effects: shared p_init, p_learn and p_forget; items in byte order with p_guess, p_slip and the answers of each; the log-likelihood, and that of the plain fit of the same answers (never above it); EM iterations of the item fit, degenerate (some item has guess > 1 - slip, or guess or slip above 0.5), converged, learners';

CREATE FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, boolean, text) IS
	'transition function of bkt_item_fit with a text learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, boolean, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, boolean, text, text) IS
	'transition function of bkt_item_fit with a text learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, bigint, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, bigint, boolean, text) IS
	'transition function of bkt_item_fit with a text learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, bigint, boolean, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, bigint, boolean, text, text) IS
	'transition function of bkt_item_fit with a text learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, integer, text) IS
	'transition function of bkt_item_fit with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, integer, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, timestamptz, integer, text, text) IS
	'transition function of bkt_item_fit with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, bigint, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, bigint, integer, text) IS
	'transition function of bkt_item_fit with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, text, bigint, integer, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, text, bigint, integer, text, text) IS
	'transition function of bkt_item_fit with a text learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, boolean, text) IS
	'transition function of bkt_item_fit with a bigint learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, boolean, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, boolean, text, text) IS
	'transition function of bkt_item_fit with a bigint learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, boolean, text) IS
	'transition function of bkt_item_fit with a bigint learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, boolean, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, boolean, text, text) IS
	'transition function of bkt_item_fit with a bigint learner and boolean answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, integer, text) IS
	'transition function of bkt_item_fit with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, integer, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, timestamptz, integer, text, text) IS
	'transition function of bkt_item_fit with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, integer, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, integer, text) IS
	'transition function of bkt_item_fit with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, integer, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_item_fit_bigint_integer_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_transfn(internal, bigint, bigint, integer, text, text) IS
	'transition function of bkt_item_fit with a bigint learner and 0/1 integer answers';
CREATE FUNCTION bkt_item_fit_finalfn(internal) RETURNS bkt_item_params
	AS 'MODULE_PATHNAME', 'bkt_item_fit_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_item_fit_finalfn(internal) IS
	'final function of bkt_item_fit: the plain fit of the answers, then EM over a p_guess and p_slip per item from it';

CREATE AGGREGATE bkt_item_fit(learner text, observed_at timestamptz, correct boolean, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, timestamptz, boolean, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at (the plain fit: 5 random starts, seed 42)';
CREATE AGGREGATE bkt_item_fit(learner text, observed_at timestamptz, correct boolean, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, timestamptz, boolean, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at; options as bkt_fit';
CREATE AGGREGATE bkt_item_fit(learner text, seq bigint, correct boolean, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, bigint, boolean, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq (the plain fit: 5 random starts, seed 42)';
CREATE AGGREGATE bkt_item_fit(learner text, seq bigint, correct boolean, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, bigint, boolean, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq; options as bkt_fit';
CREATE AGGREGATE bkt_item_fit(learner text, observed_at timestamptz, correct integer, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, timestamptz, integer, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at (the plain fit: 5 random starts, seed 42); a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner text, observed_at timestamptz, correct integer, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, timestamptz, integer, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at; options as bkt_fit; a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner text, seq bigint, correct integer, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, bigint, integer, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq (the plain fit: 5 random starts, seed 42); a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner text, seq bigint, correct integer, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(text, bigint, integer, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq; options as bkt_fit; a text learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner bigint, observed_at timestamptz, correct boolean, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, timestamptz, boolean, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at (the plain fit: 5 random starts, seed 42); a bigint learner, boolean answers';
CREATE AGGREGATE bkt_item_fit(learner bigint, observed_at timestamptz, correct boolean, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, timestamptz, boolean, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at; options as bkt_fit; a bigint learner, boolean answers';
CREATE AGGREGATE bkt_item_fit(learner bigint, seq bigint, correct boolean, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, bigint, boolean, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq (the plain fit: 5 random starts, seed 42); a bigint learner, boolean answers';
CREATE AGGREGATE bkt_item_fit(learner bigint, seq bigint, correct boolean, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, bigint, boolean, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq; options as bkt_fit; a bigint learner, boolean answers';
CREATE AGGREGATE bkt_item_fit(learner bigint, observed_at timestamptz, correct integer, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, timestamptz, integer, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at (the plain fit: 5 random starts, seed 42); a bigint learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner bigint, observed_at timestamptz, correct integer, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, timestamptz, integer, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by observed_at; options as bkt_fit; a bigint learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner bigint, seq bigint, correct integer, item text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, bigint, integer, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq (the plain fit: 5 random starts, seed 42); a bigint learner, correct 1 or 0 (anything else is an error)';
CREATE AGGREGATE bkt_item_fit(learner bigint, seq bigint, correct integer, item text, options text) (
	SFUNC = bkt_item_fit_transfn, STYPE = internal, FINALFUNC = bkt_item_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_item_fit(bigint, bigint, integer, text, text) IS
	'BKT with a p_guess and p_slip per item, fitted by EM from the plain fit, sequences ordered by seq; options as bkt_fit; a bigint learner, correct 1 or 0 (anything else is an error)';

-- Window functions as bkt_state and bkt_correct, with the row's item: an
-- item NULL or not in the fit weighs nothing (the learning step after the
-- row still happens) and has no predicted answer
CREATE FUNCTION bkt_state(correct boolean, params bkt_item_params, item text) RETURNS float8
	AS 'MODULE_PATHNAME', 'bkt_item_state' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
COMMENT ON FUNCTION bkt_state(boolean, bkt_item_params, text) IS
	'P(known) before this row given the rows before it in the window partition, each answer weighed by its item''s p_guess and p_slip';
CREATE FUNCTION bkt_correct(correct boolean, params bkt_item_params, item text) RETURNS float8
	AS 'MODULE_PATHNAME', 'bkt_item_correct' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
COMMENT ON FUNCTION bkt_correct(boolean, bkt_item_params, text) IS
	'P(right answer) on this row''s item given the rows before it in the window partition; NULL for an item NULL or not in the fit';
