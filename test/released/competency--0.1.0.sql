-- competency 0.1.0, as released: the install script of that version, kept so
-- that CREATE EXTENSION competency VERSION '0.1.0' and the upgrade path can be
-- tested (test/upgrade.sh).  Never edit it; changes go in upgrade scripts.

\echo Use "CREATE EXTENSION competency" to load this file. \quit

---------------------------------------------------------------------------
-- mastery_evidence: one observation (score, out_of, observed_at, weight, kind)
---------------------------------------------------------------------------

CREATE TYPE mastery_evidence;

-- Text I/O reads and writes a timestamptz, so it depends on TimeZone and
-- DateStyle like timestamptz_in/out: STABLE.
CREATE FUNCTION mastery_evidence_in(cstring) RETURNS mastery_evidence
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_in(cstring) IS
	'text input of mastery_evidence: score/out_of @ timestamp[, weight=w][, kind=k]';

CREATE FUNCTION mastery_evidence_out(mastery_evidence) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_out(mastery_evidence) IS
	'text output of mastery_evidence';

CREATE FUNCTION mastery_evidence_recv(internal) RETURNS mastery_evidence
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_recv(internal) IS
	'binary input of mastery_evidence, with the same checks as text input';

CREATE FUNCTION mastery_evidence_send(mastery_evidence) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_send(mastery_evidence) IS
	'binary output of mastery_evidence';

CREATE TYPE mastery_evidence (
	INPUT = mastery_evidence_in,
	OUTPUT = mastery_evidence_out,
	RECEIVE = mastery_evidence_recv,
	SEND = mastery_evidence_send,
	INTERNALLENGTH = 32,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE mastery_evidence IS
	'one observation of a learner on a skill: score out of out_of, when, weight and kind';

CREATE FUNCTION mastery_evidence(score float8, out_of float8, observed_at timestamptz,
								 weight float8 DEFAULT 1, kind text DEFAULT 'assessment')
	RETURNS mastery_evidence
	AS 'MODULE_PATHNAME', 'mastery_evidence_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence(float8, float8, timestamptz, float8, text) IS
	'makes mastery evidence; kind is assessment, practice, observation, self, behavior or override';

CREATE FUNCTION score(e mastery_evidence) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_evidence_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score(mastery_evidence) IS 'the score of the evidence';

CREATE FUNCTION out_of(e mastery_evidence) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_evidence_out_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION out_of(mastery_evidence) IS 'the highest possible score of the evidence';

CREATE FUNCTION observed_at(e mastery_evidence) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'mastery_evidence_observed_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION observed_at(mastery_evidence) IS 'when the evidence was observed';

CREATE FUNCTION weight(e mastery_evidence) RETURNS real
	AS 'MODULE_PATHNAME', 'mastery_evidence_weight' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION weight(mastery_evidence) IS
	'the weight of the evidence in average and mean_recent (stored as real)';

CREATE FUNCTION kind(e mastery_evidence) RETURNS text
	AS 'MODULE_PATHNAME', 'mastery_evidence_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION kind(mastery_evidence) IS
	'assessment, practice, observation, self, behavior or override';

CREATE FUNCTION proportion(e mastery_evidence) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_evidence_proportion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION proportion(mastery_evidence) IS 'score / out_of, between 0 and 1';

-- jsonb and json: the timestamp is written in the session's time zone
CREATE FUNCTION jsonb(e mastery_evidence) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mastery_evidence_to_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jsonb(mastery_evidence) IS
	'mastery evidence as {"score", "out_of", "observed_at", "weight", "kind"}';
CREATE CAST (mastery_evidence AS jsonb) WITH FUNCTION jsonb(mastery_evidence);
COMMENT ON CAST (mastery_evidence AS jsonb) IS 'mastery evidence as a jsonb object';

CREATE FUNCTION json(e mastery_evidence) RETURNS json
	AS 'MODULE_PATHNAME', 'mastery_evidence_to_json' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION json(mastery_evidence) IS
	'mastery evidence as a json object; used by to_json(), to_jsonb() and row_to_json()';
CREATE CAST (mastery_evidence AS json) WITH FUNCTION json(mastery_evidence);
COMMENT ON CAST (mastery_evidence AS json) IS 'mastery evidence as a json object';

CREATE FUNCTION mastery_evidence(j jsonb) RETURNS mastery_evidence
	AS 'MODULE_PATHNAME', 'mastery_evidence_from_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence(jsonb) IS
	'reads {"score", "out_of", "observed_at"[, "weight"][, "kind"]} with the checks of text input';
CREATE CAST (jsonb AS mastery_evidence) WITH FUNCTION mastery_evidence(jsonb);
COMMENT ON CAST (jsonb AS mastery_evidence) IS 'mastery evidence from a jsonb object';

-- Order: observed_at, then score, then weight (then out_of, kind): the
-- order in which every rollup method reads a stream.
CREATE FUNCTION mastery_evidence_lt(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_lt(mastery_evidence, mastery_evidence) IS 'support for <';
CREATE FUNCTION mastery_evidence_le(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_le(mastery_evidence, mastery_evidence) IS 'support for <=';
CREATE FUNCTION mastery_evidence_eq(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_eq(mastery_evidence, mastery_evidence) IS 'support for =';
CREATE FUNCTION mastery_evidence_ne(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_ne(mastery_evidence, mastery_evidence) IS 'support for <>';
CREATE FUNCTION mastery_evidence_ge(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_ge(mastery_evidence, mastery_evidence) IS 'support for >=';
CREATE FUNCTION mastery_evidence_gt(mastery_evidence, mastery_evidence) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_gt(mastery_evidence, mastery_evidence) IS 'support for >';
CREATE FUNCTION mastery_evidence_cmp(mastery_evidence, mastery_evidence) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_cmp(mastery_evidence, mastery_evidence) IS
	'btree support: observed_at, then score, then weight, then out_of and kind';
CREATE FUNCTION mastery_evidence_hash(mastery_evidence) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_hash(mastery_evidence) IS 'hash support';
CREATE FUNCTION mastery_evidence_hash_extended(mastery_evidence, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_hash_extended(mastery_evidence, int8) IS
	'hash support with a seed (hash partitioning)';

CREATE OPERATOR < (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_evidence, mastery_evidence) IS 'observed earlier (ties: lower score, then lower weight)';
CREATE OPERATOR <= (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_evidence, mastery_evidence) IS 'observed earlier or equal';
CREATE OPERATOR = (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
COMMENT ON OPERATOR = (mastery_evidence, mastery_evidence) IS 'same evidence in every field';
CREATE OPERATOR <> (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = neqsel, JOIN = neqjoinsel);
COMMENT ON OPERATOR <> (mastery_evidence, mastery_evidence) IS 'different evidence';
CREATE OPERATOR >= (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_evidence, mastery_evidence) IS 'observed later or equal';
CREATE OPERATOR > (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
COMMENT ON OPERATOR > (mastery_evidence, mastery_evidence) IS 'observed later (ties: higher score, then higher weight)';

CREATE OPERATOR CLASS mastery_evidence_ops DEFAULT FOR TYPE mastery_evidence USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 mastery_evidence_cmp(mastery_evidence, mastery_evidence);
COMMENT ON OPERATOR CLASS mastery_evidence_ops USING btree IS
	'orders evidence by observed_at, then score, then weight';
COMMENT ON OPERATOR FAMILY mastery_evidence_ops USING btree IS
	'the order of mastery evidence: observed_at, then score, then weight';

CREATE OPERATOR CLASS mastery_evidence_hash_ops DEFAULT FOR TYPE mastery_evidence USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 mastery_evidence_hash(mastery_evidence),
	FUNCTION 2 mastery_evidence_hash_extended(mastery_evidence, int8);
COMMENT ON OPERATOR CLASS mastery_evidence_hash_ops USING hash IS
	'hashing of mastery evidence for hash joins, DISTINCT and hash partitioning';
COMMENT ON OPERATOR FAMILY mastery_evidence_hash_ops USING hash IS
	'hashing of mastery evidence';

---------------------------------------------------------------------------
-- mastery_method: a validated rollup policy
---------------------------------------------------------------------------

CREATE TYPE mastery_method;

CREATE FUNCTION mastery_method_in(cstring) RETURNS mastery_method
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_in(cstring) IS
	'text input of mastery_method: name or name(key=value, ...)';

CREATE FUNCTION mastery_method_out(mastery_method) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_out(mastery_method) IS
	'normal form of a mastery method: every parameter with its value';

CREATE FUNCTION mastery_method_recv(internal) RETURNS mastery_method
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_recv(internal) IS
	'binary input of mastery_method, with the same checks as text input';

CREATE FUNCTION mastery_method_send(mastery_method) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_send(mastery_method) IS 'binary output of mastery_method';

CREATE TYPE mastery_method (
	INPUT = mastery_method_in,
	OUTPUT = mastery_method_out,
	RECEIVE = mastery_method_recv,
	SEND = mastery_method_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE mastery_method IS
	'a rollup policy such as decaying_average(weight=0.65); see mastery_methods()';

CREATE FUNCTION mastery_method_eq(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_eq(mastery_method, mastery_method) IS 'support for =';
CREATE FUNCTION mastery_method_hash(mastery_method) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_hash(mastery_method) IS 'hash support';

CREATE OPERATOR = (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_eq, COMMUTATOR = =,
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
COMMENT ON OPERATOR = (mastery_method, mastery_method) IS 'same method with the same parameters';

CREATE OPERATOR CLASS mastery_method_hash_ops DEFAULT FOR TYPE mastery_method USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 mastery_method_hash(mastery_method);
COMMENT ON OPERATOR CLASS mastery_method_hash_ops USING hash IS
	'hashing of mastery methods, so they can be grouped by';
COMMENT ON OPERATOR FAMILY mastery_method_hash_ops USING hash IS
	'hashing of mastery methods';

CREATE FUNCTION jsonb(m mastery_method) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mastery_method_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jsonb(mastery_method) IS
	'a mastery method as {"method": name, parameter: value, ...}';
CREATE CAST (mastery_method AS jsonb) WITH FUNCTION jsonb(mastery_method);
COMMENT ON CAST (mastery_method AS jsonb) IS 'a mastery method as a jsonb object';

CREATE FUNCTION json(m mastery_method) RETURNS json
	AS 'MODULE_PATHNAME', 'mastery_method_to_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION json(mastery_method) IS
	'a mastery method as a json object; used by to_json() and to_jsonb()';
CREATE CAST (mastery_method AS json) WITH FUNCTION json(mastery_method);
COMMENT ON CAST (mastery_method AS json) IS 'a mastery method as a json object';

CREATE FUNCTION mastery_method(j jsonb) RETURNS mastery_method
	AS 'MODULE_PATHNAME', 'mastery_method_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method(jsonb) IS
	'reads {"method": name, parameter: value, ...} with the checks of text input';
CREATE CAST (jsonb AS mastery_method) WITH FUNCTION mastery_method(jsonb);
COMMENT ON CAST (jsonb AS mastery_method) IS 'a mastery method from a jsonb object';

CREATE FUNCTION mastery_methods(
	OUT method text, OUT method_description text, OUT parameter text,
	OUT default_value text, OUT min_value float8, OUT max_value float8,
	OUT value_kind text, OUT required bool, OUT parameter_description text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_methods() IS
	'every rollup method with its parameters, defaults and ranges (min_evidence and round apply to all)';

---------------------------------------------------------------------------
-- mastery(): rollup aggregates over raw scores or mastery evidence
---------------------------------------------------------------------------

CREATE FUNCTION mastery_score_transfn(internal, float8, timestamptz, mastery_method)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_score_transfn(internal, float8, timestamptz, mastery_method) IS
	'transition of mastery(score, observed_at, method): appends the score';

CREATE FUNCTION mastery_evidence_transfn(internal, mastery_evidence, mastery_method)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence_transfn(internal, mastery_evidence, mastery_method) IS
	'transition of mastery(evidence, method): appends the evidence';

CREATE FUNCTION mastery_combinefn(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_combinefn(internal, internal) IS
	'combines two partial mastery states (parallel aggregation)';

CREATE FUNCTION mastery_serializefn(internal)
	RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_serializefn(internal) IS
	'serializes a partial mastery state for a parallel worker';

CREATE FUNCTION mastery_deserializefn(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_deserializefn(bytea, internal) IS
	'reads and checks a serialized partial mastery state';

CREATE FUNCTION mastery_finalfn(internal)
	RETURNS float8 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_finalfn(internal) IS
	'orders the evidence and applies the rollup method';

CREATE AGGREGATE mastery(score float8, observed_at timestamptz, method mastery_method) (
	SFUNC = mastery_score_transfn,
	STYPE = internal,
	SSPACE = 96,
	FINALFUNC = mastery_finalfn,
	COMBINEFUNC = mastery_combinefn,
	SERIALFUNC = mastery_serializefn,
	DESERIALFUNC = mastery_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE mastery(float8, timestamptz, mastery_method) IS
	'mastery level from scores and their times with a rollup method (out_of unknown)';

CREATE AGGREGATE mastery(e mastery_evidence, method mastery_method) (
	SFUNC = mastery_evidence_transfn,
	STYPE = internal,
	SSPACE = 96,
	FINALFUNC = mastery_finalfn,
	COMBINEFUNC = mastery_combinefn,
	SERIALFUNC = mastery_serializefn,
	DESERIALFUNC = mastery_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE mastery(mastery_evidence, mastery_method) IS
	'mastery level from mastery evidence with a rollup method';

---------------------------------------------------------------------------
-- mastery_state: a learner x skill's evidence as a stored, mergeable value
---------------------------------------------------------------------------

CREATE TYPE mastery_state;

-- Input reads timestamps, which may depend on TimeZone: STABLE.  Output
-- writes ISO 8601 in UTC whatever the settings: IMMUTABLE.
CREATE FUNCTION mastery_state_in(cstring) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_in(cstring) IS
	'text input of mastery_state: [evidence; evidence; ...]';

CREATE FUNCTION mastery_state_out(mastery_state) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_out(mastery_state) IS
	'text output of mastery_state, evidence in order, times in UTC';

CREATE FUNCTION mastery_state_recv(internal) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_recv(internal) IS
	'binary input of mastery_state, every piece of evidence checked like mastery_evidence';

CREATE FUNCTION mastery_state_send(mastery_state) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_send(mastery_state) IS 'binary output of mastery_state';

CREATE TYPE mastery_state (
	INPUT = mastery_state_in,
	OUTPUT = mastery_state_out,
	RECEIVE = mastery_state_recv,
	SEND = mastery_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,			-- the decoder never assumes more; no padding in rows
	STORAGE = extended
);
COMMENT ON TYPE mastery_state IS
	'all evidence of one learner x skill: stored, mergeable with ||, rolled up with mastery(state, method)';

CREATE FUNCTION jsonb(s mastery_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mastery_state_to_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jsonb(mastery_state) IS 'a mastery state as a jsonb array of evidence objects';
CREATE CAST (mastery_state AS jsonb) WITH FUNCTION jsonb(mastery_state);
COMMENT ON CAST (mastery_state AS jsonb) IS 'a mastery state as a jsonb array of evidence objects';

CREATE FUNCTION json(s mastery_state) RETURNS json
	AS 'MODULE_PATHNAME', 'mastery_state_to_json' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION json(mastery_state) IS
	'a mastery state as a json array of evidence objects; used by to_json() and to_jsonb()';
CREATE CAST (mastery_state AS json) WITH FUNCTION json(mastery_state);
COMMENT ON CAST (mastery_state AS json) IS 'a mastery state as a json array of evidence objects';

CREATE FUNCTION mastery_state(j jsonb) RETURNS mastery_state
	AS 'MODULE_PATHNAME', 'mastery_state_from_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state(jsonb) IS
	'reads a jsonb array of evidence objects, each checked like mastery_evidence';
CREATE CAST (jsonb AS mastery_state) WITH FUNCTION mastery_state(jsonb);
COMMENT ON CAST (jsonb AS mastery_state) IS 'a mastery state from a jsonb array of evidence objects';

-- Not STRICT: a NULL state is an empty one, NULL evidence adds nothing
CREATE FUNCTION mastery_state_append(state mastery_state, e mastery_evidence) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_append(mastery_state, mastery_evidence) IS
	'the state with one more piece of evidence (transition of mastery_agg)';

CREATE FUNCTION mastery_state_merge(a mastery_state, b mastery_state) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_merge(mastery_state, mastery_state) IS
	'all evidence of both states (the || operator; combine function of the state aggregates)';

CREATE FUNCTION mastery_state_final(mastery_state) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_final(mastery_state) IS
	'final function of the state aggregates: the stored form of the state built';

CREATE OPERATOR || (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_merge, COMMUTATOR = ||);
COMMENT ON OPERATOR || (mastery_state, mastery_state) IS
	'all evidence of both states, in order; NULL counts as empty';

-- Concrete state type with a combine function: the shape Citus pushes down
CREATE AGGREGATE mastery_agg(e mastery_evidence) (
	SFUNC = mastery_state_append,
	STYPE = mastery_state,
	FINALFUNC = mastery_state_final,
	COMBINEFUNC = mastery_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE mastery_agg(mastery_evidence) IS
	'the mastery state of a group''s evidence, to store, merge and roll up later';

CREATE AGGREGATE mastery_state_union(mastery_state) (
	SFUNC = mastery_state_merge,
	STYPE = mastery_state,
	FINALFUNC = mastery_state_final,
	COMBINEFUNC = mastery_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE mastery_state_union(mastery_state) IS
	'merges the states of a group (per-shard or per-day states into one)';

CREATE FUNCTION mastery(state mastery_state, method mastery_method) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_state_mastery' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery(mastery_state, mastery_method) IS
	'the mastery level of a stored state; equals mastery(evidence, method) over its evidence';

CREATE FUNCTION mastery_at(state mastery_state, method mastery_method, as_of timestamptz) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_state_mastery_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_at(mastery_state, mastery_method, timestamptz) IS
	'the mastery level as of a time: only evidence observed at or before as_of counts';

CREATE FUNCTION mastery_explain(state mastery_state, method mastery_method,
	OUT ordinal int, OUT observed_at timestamptz, OUT score float8, OUT out_of float8,
	OUT kind text, OUT weight_in_result float8, OUT value_after float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'mastery_state_explain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION mastery_explain(mastery_state, mastery_method) IS
	'each piece of evidence with its weight in the result (linear methods) and the result after it';

CREATE FUNCTION evidence_count(state mastery_state) RETURNS int
	AS 'MODULE_PATHNAME', 'mastery_state_evidence_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION evidence_count(mastery_state) IS 'how many pieces of evidence the state holds';

CREATE FUNCTION last_observed(state mastery_state) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'mastery_state_last_observed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION last_observed(mastery_state) IS 'when the most recent evidence was observed; NULL when empty';

---------------------------------------------------------------------------
-- skill_graph: a competency framework (skills, prerequisites, part_of)
---------------------------------------------------------------------------

CREATE TYPE skill_graph;

CREATE FUNCTION skill_graph_in(cstring) RETURNS skill_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_in(cstring) IS
	'text input of skill_graph: {"skills": [...], "edges": [...]} (see skill_graph_out)';

CREATE FUNCTION skill_graph_out(skill_graph) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_out(skill_graph) IS
	'text output of skill_graph as JSON: skills in code order, then edges';

CREATE FUNCTION skill_graph_recv(internal) RETURNS skill_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_recv(internal) IS
	'binary input of skill_graph, checked and built like text input';

CREATE FUNCTION skill_graph_send(skill_graph) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_send(skill_graph) IS 'binary output of skill_graph';

CREATE TYPE skill_graph (
	INPUT = skill_graph_in,
	OUTPUT = skill_graph_out,
	RECEIVE = skill_graph_recv,
	SEND = skill_graph_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE skill_graph IS
	'a competency framework: skills with metadata, prerequisite edges and part_of edges, acyclic';

CREATE FUNCTION jsonb(g skill_graph) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'skill_graph_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jsonb(skill_graph) IS 'a skill graph as {"skills": [...], "edges": [...]}';
CREATE CAST (skill_graph AS jsonb) WITH FUNCTION jsonb(skill_graph);
COMMENT ON CAST (skill_graph AS jsonb) IS 'a skill graph as a jsonb object';

CREATE FUNCTION skill_graph(j jsonb) RETURNS skill_graph
	AS 'MODULE_PATHNAME', 'skill_graph_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph(jsonb) IS
	'builds a skill graph from {"skills": [...], "edges": [...]}';
CREATE CAST (jsonb AS skill_graph) WITH FUNCTION skill_graph(jsonb);
COMMENT ON CAST (jsonb AS skill_graph) IS 'a skill graph from a jsonb object';

CREATE FUNCTION skill_graph_from_case(package jsonb) RETURNS skill_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_from_case(jsonb) IS
	'a 1EdTech CASE CFPackage (CASE 1.0 or OpenSALT export): isChildOf becomes part_of, precedes becomes prerequisite';

-- skill_graph_agg: graphs from tables of codes
CREATE FUNCTION skill_graph_agg_transfn(internal, text, text)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_transfn(internal, text, text) IS
	'transition of skill_graph_agg(prerequisite, skill)';
CREATE FUNCTION skill_graph_agg_relation_transfn(internal, text, text, text)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_relation_transfn(internal, text, text, text) IS
	'transition of skill_graph_agg(source, target, relation)';
CREATE FUNCTION skill_graph_agg_combinefn(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_combinefn(internal, internal) IS
	'combines partial skill graph states';
CREATE FUNCTION skill_graph_agg_serializefn(internal)
	RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_serializefn(internal) IS
	'serializes a partial skill graph state';
CREATE FUNCTION skill_graph_agg_deserializefn(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_deserializefn(bytea, internal) IS
	'reads and checks a serialized partial skill graph state';
CREATE FUNCTION skill_graph_agg_finalfn(internal)
	RETURNS skill_graph AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_agg_finalfn(internal) IS
	'builds the graph: merges duplicate edges, rejects cycles';

CREATE AGGREGATE skill_graph_agg(prerequisite text, skill text) (
	SFUNC = skill_graph_agg_transfn,
	STYPE = internal,
	FINALFUNC = skill_graph_agg_finalfn,
	COMBINEFUNC = skill_graph_agg_combinefn,
	SERIALFUNC = skill_graph_agg_serializefn,
	DESERIALFUNC = skill_graph_agg_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE skill_graph_agg(text, text) IS
	'a skill graph from (prerequisite, skill) rows; a NULL prerequisite adds the skill alone';

CREATE AGGREGATE skill_graph_agg(source text, target text, relation text) (
	SFUNC = skill_graph_agg_relation_transfn,
	STYPE = internal,
	FINALFUNC = skill_graph_agg_finalfn,
	COMBINEFUNC = skill_graph_agg_combinefn,
	SERIALFUNC = skill_graph_agg_serializefn,
	DESERIALFUNC = skill_graph_agg_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE skill_graph_agg(text, text, text) IS
	'a skill graph from (source, target, relation) rows: relation prerequisite or part_of (source part of target)';

-- Queries
CREATE FUNCTION skills(g skill_graph, OUT code text, OUT title text, OUT kind text,
	OUT level text, OUT depth int, OUT sequence int) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'graph_skills' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skills(skill_graph) IS
	'the skills of a graph in code order; depth 0 for skills that are part of nothing';

CREATE FUNCTION prerequisites(g skill_graph, skill text, transitive bool DEFAULT false)
	RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_prerequisites' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION prerequisites(skill_graph, text, bool) IS
	'skills that come before the skill (all of them with transitive), in topological order';

CREATE FUNCTION dependents(g skill_graph, skill text, transitive bool DEFAULT false)
	RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_dependents' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dependents(skill_graph, text, bool) IS
	'skills that need the skill (all of them with transitive), in topological order';

CREATE FUNCTION parts(g skill_graph, skill text) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_parts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION parts(skill_graph, text) IS
	'the direct part_of children of a skill, by sequence number then code';

CREATE FUNCTION topological_order(g skill_graph) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_topological_order' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION topological_order(skill_graph) IS
	'every skill after its prerequisites and parts; ties by sequence number, then code';

CREATE FUNCTION skill_count(g skill_graph) RETURNS int
	AS 'MODULE_PATHNAME', 'graph_skill_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_count(skill_graph) IS 'how many skills the graph has';

-- not STRICT: a NULL relation counts edges of both relations
CREATE FUNCTION edge_count(g skill_graph, relation text DEFAULT NULL) RETURNS int
	AS 'MODULE_PATHNAME', 'graph_edge_count' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edge_count(skill_graph, text) IS
	'how many prerequisite or part_of edges the graph has (both when relation is NULL)';

CREATE FUNCTION subgraph(g skill_graph, roots text[]) RETURNS skill_graph
	AS 'MODULE_PATHNAME', 'graph_subgraph' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subgraph(skill_graph, text[]) IS
	'the roots, everything part of them, and the edges among those skills';

CREATE FUNCTION skill_graph_to_dot(g skill_graph) RETURNS text
	AS 'MODULE_PATHNAME', 'graph_to_dot' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_to_dot(skill_graph) IS
	'the graph in Graphviz DOT: prerequisite edges solid, part_of edges dashed';

---------------------------------------------------------------------------
-- proficiency_level(): bands such as Beginning / Developing / Proficient / Advanced
---------------------------------------------------------------------------

CREATE FUNCTION proficiency_level(value float8, out_of float8,
	cuts float8[] DEFAULT '{0.5,0.75,0.9}',
	labels text[] DEFAULT '{Beginning,Developing,Proficient,Advanced}')
	RETURNS text AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION proficiency_level(float8, float8, float8[], text[]) IS
	'the label of the band value / out_of falls in; a band starts at its cut (a proportion of out_of)';
