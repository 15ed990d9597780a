-- competency: competency-based education in the district data warehouse.
-- The one SQL source; the build copies it to competency--<version>.sql.

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

CREATE OPERATOR CLASS mastery_evidence_hash_ops DEFAULT FOR TYPE mastery_evidence USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 mastery_evidence_hash(mastery_evidence),
	FUNCTION 2 mastery_evidence_hash_extended(mastery_evidence, int8);
COMMENT ON OPERATOR CLASS mastery_evidence_hash_ops USING hash IS
	'hashing of mastery evidence for hash joins, DISTINCT and hash partitioning';

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
-- proficiency_level(): bands such as Beginning / Developing / Proficient / Advanced
---------------------------------------------------------------------------

CREATE FUNCTION proficiency_level(value float8, out_of float8,
	cuts float8[] DEFAULT '{0.5,0.75,0.9}',
	labels text[] DEFAULT '{Beginning,Developing,Proficient,Advanced}')
	RETURNS text AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION proficiency_level(float8, float8, float8[], text[]) IS
	'the label of the band value / out_of falls in; a band starts at its cut (a proportion of out_of)';
