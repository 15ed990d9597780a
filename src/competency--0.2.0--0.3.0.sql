-- competency 0.2.0 -> 0.3.0: only what changed.

\echo Use "ALTER EXTENSION competency UPDATE TO '0.3.0'" to load this file. \quit

-- Knowledge tracing: Bayesian Knowledge Tracing fitted per skill (EM, the
-- model, restarts and defaults of pyBKT) and applied per row or as a method

CREATE TYPE bkt_params AS (
	p_init float8,
	p_learn float8,
	p_guess float8,
	p_slip float8,
	p_forget float8,
	log_likelihood float8,
	iterations int,
	degenerate boolean,
	converged boolean
);
COMMENT ON TYPE bkt_params IS
	'fitted BKT parameters of a skill: p_init, p_learn, p_guess, p_slip, p_forget, the log-likelihood at them, EM iterations, whether the fit is degenerate (guess > 1 - slip, or guess or slip above 0.5), and whether EM met its stop rule before max_iter';

-- Not STRICT: a NULL correct is a missing response (the step still
-- happens); rows without a learner or an order key add nothing
CREATE FUNCTION bkt_fit_transfn(internal, text, timestamptz, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, timestamptz, boolean) IS
	'transition function of bkt_fit';
CREATE FUNCTION bkt_fit_transfn(internal, text, timestamptz, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, timestamptz, boolean, text) IS
	'transition function of bkt_fit';
CREATE FUNCTION bkt_fit_transfn(internal, text, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, bigint, boolean) IS
	'transition function of bkt_fit';
CREATE FUNCTION bkt_fit_transfn(internal, text, bigint, boolean, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_transfn(internal, text, bigint, boolean, text) IS
	'transition function of bkt_fit';
CREATE FUNCTION bkt_fit_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_combinefn(internal, internal) IS
	'combine function of bkt_fit: the responses of both partial states';
CREATE FUNCTION bkt_fit_serializefn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bkt_fit_serializefn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_serializefn(internal) IS
	'serialization function of bkt_fit';
CREATE FUNCTION bkt_fit_deserializefn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bkt_fit_deserializefn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_deserializefn(bytea, internal) IS
	'deserialization function of bkt_fit';
CREATE FUNCTION bkt_fit_finalfn(internal) RETURNS bkt_params
	AS 'MODULE_PATHNAME', 'bkt_fit_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION bkt_fit_finalfn(internal) IS
	'final function of bkt_fit: one sequence per learner, then EM from each start';

CREATE AGGREGATE bkt_fit(learner text, observed_at timestamptz, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, timestamptz, boolean) IS
	'BKT parameters fitted by EM to one sequence per learner ordered by observed_at (5 random starts, seed 42)';
CREATE AGGREGATE bkt_fit(learner text, observed_at timestamptz, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, timestamptz, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by observed_at; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip';
CREATE AGGREGATE bkt_fit(learner text, seq bigint, correct boolean) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, bigint, boolean) IS
	'BKT parameters fitted by EM to one sequence per learner ordered by seq (5 random starts, seed 42)';
CREATE AGGREGATE bkt_fit(learner text, seq bigint, correct boolean, options text) (
	SFUNC = bkt_fit_transfn, STYPE = internal, FINALFUNC = bkt_fit_finalfn,
	COMBINEFUNC = bkt_fit_combinefn, SERIALFUNC = bkt_fit_serializefn,
	DESERIALFUNC = bkt_fit_deserializefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bkt_fit(text, bigint, boolean, text) IS
	'BKT parameters fitted by EM, sequences ordered by seq; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip';

-- Window functions over one learner's rows in order (PARTITION BY learner,
-- skill ORDER BY the time); a NULL correct is a missing response, NULL
-- parameters give NULL
CREATE FUNCTION bkt_state(correct boolean, params bkt_params) RETURNS float8
	AS 'MODULE_PATHNAME', 'bkt_state' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
COMMENT ON FUNCTION bkt_state(boolean, bkt_params) IS
	'P(known) before this row given the rows before it in the window partition (pyBKT''s state prediction)';
CREATE FUNCTION bkt_correct(correct boolean, params bkt_params) RETURNS float8
	AS 'MODULE_PATHNAME', 'bkt_correct' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
COMMENT ON FUNCTION bkt_correct(boolean, bkt_params) IS
	'predicted P(correct) of this row given the rows before it: p_guess * (1 - state) + (1 - p_slip) * state';

CREATE FUNCTION mastery_method(params bkt_params) RETURNS mastery_method
	AS 'MODULE_PATHNAME', 'bkt_params_to_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method(bkt_params) IS
	'the bkt mastery method with fitted parameters (a p_guess or p_slip of 0 or 1 moves 1e-9 inside)';
CREATE CAST (bkt_params AS mastery_method) WITH FUNCTION mastery_method(bkt_params);
COMMENT ON CAST (bkt_params AS mastery_method) IS
	'the bkt mastery method with fitted parameters, for mastery(), profiles and paths';

-- Learner profiles: a method per skill (state format 2)
COMMENT ON FUNCTION learner_profile_state_in(cstring) IS
	'text input of learner_profile_state: {"method": ..., "skills": {"code": "[evidence; ...]"}, "methods": {"code": method of its own}}';
COMMENT ON TYPE learner_profile_state IS
	'a learner profile being built: per skill its evidence and method (state of learner_profile)';
COMMENT ON AGGREGATE learner_profile(text, mastery_evidence, mastery_method) IS
	'one learner''s profile from (skill, evidence) rows, each skill rolled up with its method (one per skill)';

-- Partial profiles hold all their evidence: price the combine so that the
-- planner does not pick partial plans that run slower than serial ones
ALTER FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) COST 1000;
