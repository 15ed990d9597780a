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

-- Not STRICT: a NULL weight or kind means the default, so a CASE without
-- ELSE cannot drop evidence; a NULL score, out_of or time gives NULL (no
-- evidence: missing work), which the aggregates skip.
CREATE FUNCTION mastery_evidence(score float8, out_of float8, observed_at timestamptz,
								 weight float8 DEFAULT 1, kind text DEFAULT 'assessment')
	RETURNS mastery_evidence
	AS 'MODULE_PATHNAME', 'mastery_evidence_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_evidence(float8, float8, timestamptz, float8, text) IS
	'makes mastery evidence; kind is assessment, practice, observation, self, behavior or override; a NULL weight or kind means the default, a NULL score gives NULL';

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
COMMENT ON FUNCTION proportion(mastery_evidence) IS 'score / out_of: 0 to 1, above 1 with extra credit';

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

-- Order: observed_at; at the same instant an override after other kinds;
-- then score, weight, out_of, kind: the order in which every rollup method
-- reads a stream.
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
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_evidence, mastery_evidence) IS 'observed earlier (same instant: not an override before an override, then lower score, then lower weight)';
CREATE OPERATOR <= (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_evidence, mastery_evidence) IS 'observed earlier or equal';
CREATE OPERATOR = (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
COMMENT ON OPERATOR = (mastery_evidence, mastery_evidence) IS 'same evidence in every field';
CREATE OPERATOR <> (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR <> (mastery_evidence, mastery_evidence) IS 'different evidence';
CREATE OPERATOR >= (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_evidence, mastery_evidence) IS 'observed later or equal';
CREATE OPERATOR > (LEFTARG = mastery_evidence, RIGHTARG = mastery_evidence,
	PROCEDURE = mastery_evidence_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR > (mastery_evidence, mastery_evidence) IS 'observed later (same instant: an override after other kinds, then higher score, then higher weight)';

CREATE OPERATOR CLASS mastery_evidence_ops DEFAULT FOR TYPE mastery_evidence USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 mastery_evidence_cmp(mastery_evidence, mastery_evidence);
COMMENT ON OPERATOR CLASS mastery_evidence_ops USING btree IS
	'orders evidence by observed_at, an override last at the same instant, then score, then weight';
COMMENT ON OPERATOR FAMILY mastery_evidence_ops USING btree IS
	'the order of mastery evidence: observed_at, an override last at the same instant, then score, then weight';

-- Equal evidence has equal bytes (no negative zero, reserved bytes zero):
-- btree deduplication may keep one copy
ALTER OPERATOR FAMILY mastery_evidence_ops USING btree
	ADD FUNCTION 4 (mastery_evidence) pg_catalog.btequalimage(oid);

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
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES);
COMMENT ON OPERATOR = (mastery_method, mastery_method) IS 'same method with the same parameters';

CREATE OPERATOR CLASS mastery_method_hash_ops DEFAULT FOR TYPE mastery_method USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 mastery_method_hash(mastery_method);
COMMENT ON OPERATOR CLASS mastery_method_hash_ops USING hash IS
	'hashing of mastery methods, so they can be grouped by';
COMMENT ON OPERATOR FAMILY mastery_method_hash_ops USING hash IS
	'hashing of mastery methods';

-- Order: by name, then parameter by parameter (ORDER BY, sort-based DISTINCT,
-- GROUP BY and UNION).  Equal methods have equal bytes (the normal form).
CREATE FUNCTION mastery_method_lt(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_lt(mastery_method, mastery_method) IS 'support for <';
CREATE FUNCTION mastery_method_le(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_le(mastery_method, mastery_method) IS 'support for <=';
CREATE FUNCTION mastery_method_ne(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_ne(mastery_method, mastery_method) IS 'support for <>';
CREATE FUNCTION mastery_method_ge(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_ge(mastery_method, mastery_method) IS 'support for >=';
CREATE FUNCTION mastery_method_gt(mastery_method, mastery_method) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_gt(mastery_method, mastery_method) IS 'support for >';
CREATE FUNCTION mastery_method_cmp(mastery_method, mastery_method) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_cmp(mastery_method, mastery_method) IS
	'btree support: by name, then parameter by parameter';
CREATE FUNCTION mastery_method_hash_extended(mastery_method, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_method_hash_extended(mastery_method, int8) IS
	'hash support with a seed (hash partitioning)';

CREATE OPERATOR <> (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR <> (mastery_method, mastery_method) IS 'different method or parameters';
CREATE OPERATOR < (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_method, mastery_method) IS 'sorts before (by name, then parameters)';
CREATE OPERATOR <= (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_method, mastery_method) IS 'sorts before or equal';
CREATE OPERATOR >= (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_method, mastery_method) IS 'sorts after or equal';
CREATE OPERATOR > (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR > (mastery_method, mastery_method) IS 'sorts after (by name, then parameters)';

CREATE OPERATOR CLASS mastery_method_ops DEFAULT FOR TYPE mastery_method USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 mastery_method_cmp(mastery_method, mastery_method);
COMMENT ON OPERATOR CLASS mastery_method_ops USING btree IS
	'orders mastery methods by name, then parameters';
COMMENT ON OPERATOR FAMILY mastery_method_ops USING btree IS
	'the order of mastery methods';
ALTER OPERATOR FAMILY mastery_method_ops USING btree
	ADD FUNCTION 4 (mastery_method) pg_catalog.btequalimage(oid);
ALTER OPERATOR FAMILY mastery_method_hash_ops USING hash
	ADD FUNCTION 2 (mastery_method) mastery_method_hash_extended(mastery_method, int8);

-- A method bound as a text parameter (BI tools, ETL frameworks) works
-- wherever a mastery_method is expected
CREATE CAST (text AS mastery_method) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (text AS mastery_method) IS 'a method written as text, such as ''decaying_average(weight=0.4)''';
CREATE CAST (varchar AS mastery_method) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (varchar AS mastery_method) IS 'a method written as text, such as ''decaying_average(weight=0.4)''';

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

-- States are multisets of evidence: equal when they hold the same evidence
-- the same number of times, in whatever order it arrived.  They sort by
-- their evidence in evidence order, piece by piece (a prefix first).
CREATE FUNCTION mastery_state_eq(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_eq(mastery_state, mastery_state) IS 'support for =';
CREATE FUNCTION mastery_state_ne(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_ne(mastery_state, mastery_state) IS 'support for <>';
CREATE FUNCTION mastery_state_lt(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_lt(mastery_state, mastery_state) IS 'support for <';
CREATE FUNCTION mastery_state_le(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_le(mastery_state, mastery_state) IS 'support for <=';
CREATE FUNCTION mastery_state_ge(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_ge(mastery_state, mastery_state) IS 'support for >=';
CREATE FUNCTION mastery_state_gt(mastery_state, mastery_state) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_gt(mastery_state, mastery_state) IS 'support for >';
CREATE FUNCTION mastery_state_cmp(mastery_state, mastery_state) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_cmp(mastery_state, mastery_state) IS
	'btree support: evidence in evidence order, piece by piece';
CREATE FUNCTION mastery_state_hash(mastery_state) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_hash(mastery_state) IS 'hash support';
CREATE FUNCTION mastery_state_hash_extended(mastery_state, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_hash_extended(mastery_state, int8) IS
	'hash support with a seed (hash partitioning)';

CREATE OPERATOR = (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
COMMENT ON OPERATOR = (mastery_state, mastery_state) IS
	'the same evidence, the same number of times (a multiset), in whatever order it arrived';
CREATE OPERATOR <> (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR <> (mastery_state, mastery_state) IS 'different evidence';
CREATE OPERATOR < (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_state, mastery_state) IS 'sorts before (evidence in order, piece by piece)';
CREATE OPERATOR <= (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_state, mastery_state) IS 'sorts before or equal';
CREATE OPERATOR >= (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_state, mastery_state) IS 'sorts after or equal';
CREATE OPERATOR > (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR > (mastery_state, mastery_state) IS 'sorts after (evidence in order, piece by piece)';

-- No btequalimage: a state written by a later on-disk format may equal one
-- of today's without having the same bytes.
CREATE OPERATOR CLASS mastery_state_ops DEFAULT FOR TYPE mastery_state USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 mastery_state_cmp(mastery_state, mastery_state);
COMMENT ON OPERATOR CLASS mastery_state_ops USING btree IS
	'orders mastery states by their evidence in evidence order';
COMMENT ON OPERATOR FAMILY mastery_state_ops USING btree IS
	'the order of mastery states';
CREATE OPERATOR CLASS mastery_state_hash_ops DEFAULT FOR TYPE mastery_state USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 mastery_state_hash(mastery_state),
	FUNCTION 2 mastery_state_hash_extended(mastery_state, int8);
COMMENT ON OPERATOR CLASS mastery_state_hash_ops USING hash IS
	'hashing of mastery states (as multisets) for hash joins, DISTINCT and hash partitioning';
COMMENT ON OPERATOR FAMILY mastery_state_hash_ops USING hash IS
	'hashing of mastery states';

-- Corrections: a state minus the evidence to take back (a multiset
-- difference), so a corrected score is state - old || new
CREATE FUNCTION mastery_state_difference(a mastery_state, b mastery_state) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_difference(mastery_state, mastery_state) IS
	'a without the evidence of b, one piece for each piece of b; an error (no_data_found) when a does not hold it; NULL counts as empty';
CREATE FUNCTION mastery_state_difference(a mastery_state, b mastery_state, missing_ok boolean) RETURNS mastery_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_difference(mastery_state, mastery_state, boolean) IS
	'a without the evidence of b; with missing_ok, evidence that a does not hold is skipped instead of an error';
CREATE OPERATOR - (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_difference);
COMMENT ON OPERATOR - (mastery_state, mastery_state) IS
	'the left state without the evidence of the right one (multiset difference); an error when it is not there';

-- Not STRICT: NULL evidence removes nothing, a NULL state is empty
CREATE FUNCTION mastery_state_remove(state mastery_state, e mastery_evidence, missing_ok boolean DEFAULT false)
	RETURNS mastery_state
	AS 'MODULE_PATHNAME', 'mastery_state_remove_evidence' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_remove(mastery_state, mastery_evidence, boolean) IS
	'the state with one piece of evidence equal to e taken away; an error (no_data_found) when there is none, unless missing_ok; NULL evidence removes nothing';

CREATE FUNCTION out_of(state mastery_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_state_out_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION out_of(mastery_state) IS
	'the out_of of the latest evidence: the scale of mastery(state, method) unless the method sets scale';

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

-- Graphs are stored in a canonical form: equal graphs have equal bytes,
-- which give equality and a stable order (DISTINCT, GROUP BY, UNION)
CREATE FUNCTION skill_graph_eq(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_eq(skill_graph, skill_graph) IS 'support for =';
CREATE FUNCTION skill_graph_ne(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_ne(skill_graph, skill_graph) IS 'support for <>';
CREATE FUNCTION skill_graph_lt(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_lt(skill_graph, skill_graph) IS 'support for <';
CREATE FUNCTION skill_graph_le(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_le(skill_graph, skill_graph) IS 'support for <=';
CREATE FUNCTION skill_graph_ge(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_ge(skill_graph, skill_graph) IS 'support for >=';
CREATE FUNCTION skill_graph_gt(skill_graph, skill_graph) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_gt(skill_graph, skill_graph) IS 'support for >';
CREATE FUNCTION skill_graph_cmp(skill_graph, skill_graph) RETURNS int4
	AS 'MODULE_PATHNAME', 'competency_bytes_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_cmp(skill_graph, skill_graph) IS 'btree support: an order of the canonical bytes';
CREATE FUNCTION skill_graph_hash(skill_graph) RETURNS int4
	AS 'MODULE_PATHNAME', 'competency_bytes_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_hash(skill_graph) IS 'hash support';
CREATE FUNCTION skill_graph_hash_extended(skill_graph, int8) RETURNS int8
	AS 'MODULE_PATHNAME', 'competency_bytes_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_hash_extended(skill_graph, int8) IS 'hash support with a seed (hash partitioning)';
CREATE OPERATOR = (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
COMMENT ON OPERATOR = (skill_graph, skill_graph) IS 'the same skill graph';
CREATE OPERATOR <> (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR <> (skill_graph, skill_graph) IS 'a different skill graph';
CREATE OPERATOR < (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR < (skill_graph, skill_graph) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR <= (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR <= (skill_graph, skill_graph) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR >= (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR >= (skill_graph, skill_graph) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR > (LEFTARG = skill_graph, RIGHTARG = skill_graph,
	PROCEDURE = skill_graph_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR > (skill_graph, skill_graph) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR CLASS skill_graph_ops DEFAULT FOR TYPE skill_graph USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 skill_graph_cmp(skill_graph, skill_graph);
COMMENT ON OPERATOR CLASS skill_graph_ops USING btree IS
	'a stable order of skill graphs, so they can be sorted, grouped, deduplicated and indexed';
COMMENT ON OPERATOR FAMILY skill_graph_ops USING btree IS 'the order of skill graphs';
CREATE OPERATOR CLASS skill_graph_hash_ops DEFAULT FOR TYPE skill_graph USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 skill_graph_hash(skill_graph),
	FUNCTION 2 skill_graph_hash_extended(skill_graph, int8);
COMMENT ON OPERATOR CLASS skill_graph_hash_ops USING hash IS 'hashing of skill graphs';
COMMENT ON OPERATOR FAMILY skill_graph_hash_ops USING hash IS 'hashing of skill graphs';

-- Queries.  ROWS: what the framework of a course gives, not the default
-- 1000, which priced ordinary queries past jit_above_cost (paths for 4,217
-- learners took 237 ms with JIT compilation, 39 ms without)
CREATE FUNCTION skills(g skill_graph, OUT code text, OUT title text, OUT kind text,
	OUT level text, OUT depth int, OUT sequence int) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'graph_skills' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION skills(skill_graph) IS
	'the skills of a graph in code order; depth 0 for skills that are part of nothing';

CREATE FUNCTION prerequisites(g skill_graph, skill text, transitive bool DEFAULT false)
	RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_prerequisites' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION prerequisites(skill_graph, text, bool) IS
	'skills that come before the skill (all of them with transitive), in topological order';

CREATE FUNCTION dependents(g skill_graph, skill text, transitive bool DEFAULT false)
	RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_dependents' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION dependents(skill_graph, text, bool) IS
	'skills that need the skill (all of them with transitive), in topological order';

CREATE FUNCTION parts(g skill_graph, skill text) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_parts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION parts(skill_graph, text) IS
	'the direct part_of children of a skill, by sequence number then code';

CREATE FUNCTION topological_order(g skill_graph) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_topological_order' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
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

CREATE FUNCTION wholes(g skill_graph, skill text, transitive bool DEFAULT false) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_wholes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION wholes(skill_graph, text, bool) IS
	'what the skill is part of: its cluster (all the way up to domain and grade with transitive), in topological order';

CREATE FUNCTION edges(g skill_graph, OUT source text, OUT target text, OUT relation text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'graph_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION edges(skill_graph) IS
	'every edge as a row: source is a prerequisite of target, or source is part of target';

CREATE FUNCTION skill_graph_union(a skill_graph, b skill_graph) RETURNS skill_graph
	AS 'MODULE_PATHNAME', 'graph_union' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_union(skill_graph, skill_graph) IS
	'one framework from two: skills with one code merge, edges add up (the || operator)';
CREATE OPERATOR || (LEFTARG = skill_graph, RIGHTARG = skill_graph, PROCEDURE = skill_graph_union);
COMMENT ON OPERATOR || (skill_graph, skill_graph) IS
	'one framework from two, for example a CASE hierarchy and a table of prerequisites';

---------------------------------------------------------------------------
-- learner_profile: one learner's record, per skill mastery, scale, evidence
-- count, last observation and trend; academic and behavioral side by side
---------------------------------------------------------------------------

CREATE TYPE learner_profile;

-- Output is JSON with times in UTC and exact numbers, the same under any
-- session settings; input reads times like timestamptz (a time without an
-- offset is in the session's TimeZone), so it is STABLE
CREATE FUNCTION learner_profile_in(cstring) RETURNS learner_profile
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_in(cstring) IS
	'text input of learner_profile: {"skill": {"mastery": m, "out_of": k, ...}, ...}';
CREATE FUNCTION learner_profile_out(learner_profile) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_out(learner_profile) IS
	'text output of learner_profile: JSON, skills in code order, times in UTC';
CREATE FUNCTION learner_profile_recv(internal) RETURNS learner_profile
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_recv(internal) IS
	'binary input of learner_profile, with the checks of text input';
CREATE FUNCTION learner_profile_send(learner_profile) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_send(learner_profile) IS 'binary output of learner_profile';

CREATE TYPE learner_profile (
	INPUT = learner_profile_in,
	OUTPUT = learner_profile_out,
	RECEIVE = learner_profile_recv,
	SEND = learner_profile_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE learner_profile IS
	'one learner: per skill mastery, out_of (its scale), evidence count, last observed and trend';

CREATE FUNCTION jsonb(p learner_profile) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'learner_profile_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jsonb(learner_profile) IS 'a learner profile as a jsonb object of skills';
CREATE CAST (learner_profile AS jsonb) WITH FUNCTION jsonb(learner_profile);
COMMENT ON CAST (learner_profile AS jsonb) IS 'a learner profile as a jsonb object of skills';
CREATE FUNCTION learner_profile(j jsonb) RETURNS learner_profile
	AS 'MODULE_PATHNAME', 'learner_profile_from_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile(jsonb) IS 'reads a jsonb object of skills with the checks of text input';
CREATE CAST (jsonb AS learner_profile) WITH FUNCTION learner_profile(jsonb);
COMMENT ON CAST (jsonb AS learner_profile) IS 'a learner profile from a jsonb object of skills';

CREATE FUNCTION learner_profile_eq(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_eq(learner_profile, learner_profile) IS 'support for =';
CREATE FUNCTION learner_profile_ne(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_ne(learner_profile, learner_profile) IS 'support for <>';
CREATE FUNCTION learner_profile_hash(learner_profile) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_hash(learner_profile) IS 'hash support';
CREATE FUNCTION learner_profile_hash_extended(learner_profile, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_hash_extended(learner_profile, int8) IS
	'hash support with a seed (hash partitioning)';
CREATE OPERATOR = (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES);
COMMENT ON OPERATOR = (learner_profile, learner_profile) IS 'the same skills with the same values';
CREATE OPERATOR <> (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
COMMENT ON OPERATOR <> (learner_profile, learner_profile) IS 'different skills or values';
CREATE OPERATOR CLASS learner_profile_hash_ops DEFAULT FOR TYPE learner_profile USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 learner_profile_hash(learner_profile),
	FUNCTION 2 learner_profile_hash_extended(learner_profile, int8);
COMMENT ON OPERATOR CLASS learner_profile_hash_ops USING hash IS
	'hashing of learner profiles for DISTINCT, GROUP BY and hash joins';
COMMENT ON OPERATOR FAMILY learner_profile_hash_ops USING hash IS 'hashing of learner profiles';

-- A stable order of profiles (their canonical bytes), for sorting and DISTINCT
CREATE FUNCTION learner_profile_lt(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_lt(learner_profile, learner_profile) IS 'support for <';
CREATE FUNCTION learner_profile_le(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_le(learner_profile, learner_profile) IS 'support for <=';
CREATE FUNCTION learner_profile_ge(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_ge(learner_profile, learner_profile) IS 'support for >=';
CREATE FUNCTION learner_profile_gt(learner_profile, learner_profile) RETURNS bool
	AS 'MODULE_PATHNAME', 'competency_bytes_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_gt(learner_profile, learner_profile) IS 'support for >';
CREATE FUNCTION learner_profile_cmp(learner_profile, learner_profile) RETURNS int4
	AS 'MODULE_PATHNAME', 'competency_bytes_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_cmp(learner_profile, learner_profile) IS 'btree support: an order of the canonical bytes';
CREATE OPERATOR < (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
COMMENT ON OPERATOR < (learner_profile, learner_profile) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR <= (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
COMMENT ON OPERATOR <= (learner_profile, learner_profile) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR >= (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
COMMENT ON OPERATOR >= (learner_profile, learner_profile) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR > (LEFTARG = learner_profile, RIGHTARG = learner_profile,
	PROCEDURE = learner_profile_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
COMMENT ON OPERATOR > (learner_profile, learner_profile) IS 'in the order of the canonical bytes (no meaning beyond sorting)';
CREATE OPERATOR CLASS learner_profile_ops DEFAULT FOR TYPE learner_profile USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 learner_profile_cmp(learner_profile, learner_profile);
COMMENT ON OPERATOR CLASS learner_profile_ops USING btree IS
	'a stable order of learner profiles, so they can be sorted, grouped, deduplicated and indexed';
COMMENT ON OPERATOR FAMILY learner_profile_ops USING btree IS 'the order of learner profiles';

-- The state of the learner_profile aggregates: per skill its evidence and
-- the method; a concrete type, so Citus can push the aggregates down
CREATE TYPE learner_profile_state;
CREATE FUNCTION learner_profile_state_in(cstring) RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_state_in(cstring) IS
	'text input of learner_profile_state: {"method": ..., "skills": {"code": "[evidence; ...]"}, "methods": {"code": method of its own}}';
CREATE FUNCTION learner_profile_state_out(learner_profile_state) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_state_out(learner_profile_state) IS
	'text output of learner_profile_state (how Citus moves partial profiles)';
CREATE FUNCTION learner_profile_state_recv(internal) RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_state_recv(internal) IS
	'binary input of learner_profile_state, every byte checked';
CREATE FUNCTION learner_profile_state_send(learner_profile_state) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_state_send(learner_profile_state) IS
	'binary output of learner_profile_state';
CREATE TYPE learner_profile_state (
	INPUT = learner_profile_state_in,
	OUTPUT = learner_profile_state_out,
	RECEIVE = learner_profile_state_recv,
	SEND = learner_profile_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE learner_profile_state IS
	'a learner profile being built: per skill its evidence and method (state of learner_profile)';

-- Not STRICT: rows without a skill or evidence add nothing
CREATE FUNCTION learner_profile_evidence_transfn(learner_profile_state, text, mastery_evidence, mastery_method)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_evidence_transfn(learner_profile_state, text, mastery_evidence, mastery_method) IS
	'transition of learner_profile(skill, evidence, method)';
CREATE FUNCTION learner_profile_state_transfn(learner_profile_state, text, mastery_state, mastery_method)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_state_transfn(learner_profile_state, text, mastery_state, mastery_method) IS
	'transition of learner_profile(skill, state, method)';
CREATE FUNCTION learner_profile_score_transfn(learner_profile_state, text, float8, timestamptz, mastery_method)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_score_transfn(learner_profile_state, text, float8, timestamptz, mastery_method) IS
	'transition of learner_profile(skill, score, observed_at, method)';
-- COST 1000: a partial profile holds all its learner's evidence, which
-- the workers flatten, the leader reads and merges; the planner sees none
-- of that and, grouping by learner, would pick partial plans that run
-- slower than a serial one (bench/profiles.sql times both).  Priced so,
-- it still scans in parallel and aggregates in the leader when few rows
-- reach the aggregate.
CREATE FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) IS
	'combine function of learner_profile: the evidence of both, skill by skill';
CREATE FUNCTION learner_profile_finalfn(learner_profile_state) RETURNS learner_profile
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_finalfn(learner_profile_state) IS
	'final function of learner_profile: each skill rolled up once';
CREATE FUNCTION learner_profile(state learner_profile_state) RETURNS learner_profile
	AS 'MODULE_PATHNAME', 'learner_profile_from_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile(learner_profile_state) IS
	'the profile of a learner_profile_state';

CREATE AGGREGATE learner_profile(skill text, e mastery_evidence, method mastery_method) (
	SFUNC = learner_profile_evidence_transfn,
	STYPE = learner_profile_state,
	FINALFUNC = learner_profile_finalfn,
	COMBINEFUNC = learner_profile_combinefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE learner_profile(text, mastery_evidence, mastery_method) IS
	'one learner''s profile from (skill, evidence) rows, each skill rolled up with its method (one per skill)';
CREATE AGGREGATE learner_profile(skill text, state mastery_state, method mastery_method) (
	SFUNC = learner_profile_state_transfn,
	STYPE = learner_profile_state,
	FINALFUNC = learner_profile_finalfn,
	COMBINEFUNC = learner_profile_combinefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE learner_profile(text, mastery_state, mastery_method) IS
	'one learner''s profile from stored (skill, state) rows; states of one skill merge';
CREATE AGGREGATE learner_profile(skill text, score float8, observed_at timestamptz, method mastery_method) (
	SFUNC = learner_profile_score_transfn,
	STYPE = learner_profile_state,
	FINALFUNC = learner_profile_finalfn,
	COMBINEFUNC = learner_profile_combinefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE learner_profile(text, float8, timestamptz, mastery_method) IS
	'one learner''s profile from (skill, score, observed_at) rows, scores without out_of as mastery(score, observed_at, method) takes them';

-- What analysts ask of a profile
CREATE FUNCTION learner_profile_get(p learner_profile, skill text) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION learner_profile_get(learner_profile, text) IS
	'the mastery of one skill; NULL when the profile has no value for it (the -> operator)';
CREATE OPERATOR -> (LEFTARG = learner_profile, RIGHTARG = text, PROCEDURE = learner_profile_get);
COMMENT ON OPERATOR -> (learner_profile, text) IS 'the mastery of one skill, or NULL';

CREATE FUNCTION skill_count(p learner_profile) RETURNS int
	AS 'MODULE_PATHNAME', 'learner_profile_skill_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION skill_count(learner_profile) IS 'how many skills the profile has';

CREATE FUNCTION profile_entries(p learner_profile, OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION profile_entries(learner_profile) IS
	'one row per skill in code order; trend is points per piece of evidence over the last five values';

-- A skill is a strength or a need, never both: at or above the threshold
-- (without one, three quarters of its scale) or below it
CREATE FUNCTION strengths(p learner_profile, n int DEFAULT 3, OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_strengths' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION strengths(learner_profile, int) IS
	'the n skills at three quarters of their scale or more, highest share first, then most evidence, then code';
CREATE FUNCTION strengths(p learner_profile, n int, threshold float8, min_evidence int DEFAULT 2,
	OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_strengths' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION strengths(learner_profile, int, float8, int) IS
	'the n skills at or above the threshold (on the profile''s scale) with at least min_evidence pieces of evidence, highest share first, then most evidence, then code';
CREATE FUNCTION needs(p learner_profile, n int DEFAULT 3, OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_needs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION needs(learner_profile, int) IS
	'the n skills below three quarters of their scale, lowest share first, then most evidence, then code';
CREATE FUNCTION needs(p learner_profile, n int, threshold float8, min_evidence int DEFAULT 2,
	OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_needs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION needs(learner_profile, int, float8, int) IS
	'the n skills below the threshold (on the profile''s scale) with at least min_evidence pieces of evidence, lowest share first, then most evidence, then code';

CREATE FUNCTION profile_distance(a learner_profile, b learner_profile) RETURNS float8
	AS 'MODULE_PATHNAME', 'learner_profile_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION profile_distance(learner_profile, learner_profile) IS
	'root mean square difference of mastery shares over the skills valued in either profile (no value counts as 0)';

CREATE FUNCTION profile_rollup(p learner_profile, g skill_graph, rule text DEFAULT 'average')
	RETURNS learner_profile
	AS 'MODULE_PATHNAME', 'learner_profile_rollup' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION profile_rollup(learner_profile, skill_graph, text) IS
	'adds every whole along part_of edges (cluster, domain, grade): average, minimum, share_mastered(threshold=k) or all_mastered(threshold=k) of its children';

---------------------------------------------------------------------------
-- Learning paths: what to learn next, toward a goal
---------------------------------------------------------------------------

-- Not STRICT (these four): a NULL profile is a learner without evidence;
-- a NULL graph, target or threshold is an error, never an empty answer
CREATE FUNCTION ready_skills(g skill_graph, p learner_profile, threshold float8) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'ready_skills' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION ready_skills(skill_graph, learner_profile, float8) IS
	'learnable skills not mastered (below threshold or no value) whose prerequisites all are, in topological order';

CREATE FUNCTION learning_path(g skill_graph, p learner_profile, target text, threshold float8,
	OUT step int, OUT skill text, OUT mastery float8, OUT ready bool) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learning_path_one' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION learning_path(skill_graph, learner_profile, text, float8) IS
	'the unmastered skills that lead to the target, each after its prerequisites; a cluster or domain target means its standards';
CREATE FUNCTION learning_path(g skill_graph, p learner_profile, targets text[], threshold float8,
	OUT step int, OUT skill text, OUT mastery float8, OUT ready bool) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learning_path_many' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION learning_path(skill_graph, learner_profile, text[], float8) IS
	'the unmastered skills that lead to any of the targets, each after its prerequisites';

CREATE FUNCTION skill_graph_to_dot(g skill_graph, p learner_profile, threshold float8) RETURNS text
	AS 'MODULE_PATHNAME', 'skill_graph_to_dot_profile' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION skill_graph_to_dot(skill_graph, learner_profile, float8) IS
	'Graphviz DOT colored by one learner: mastered green, ready gold, not yet ready grey, wholes white';

CREATE FUNCTION learning_path_to_dot(g skill_graph, p learner_profile, target text, threshold float8)
	RETURNS text
	AS 'MODULE_PATHNAME', 'learning_path_to_dot_one' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learning_path_to_dot(skill_graph, learner_profile, text, float8) IS
	'one learner''s path as Graphviz DOT: its skills and the mastered skills they build on, with the prerequisites as the path reads them';
CREATE FUNCTION learning_path_to_dot(g skill_graph, p learner_profile, targets text[], threshold float8)
	RETURNS text
	AS 'MODULE_PATHNAME', 'learning_path_to_dot_many' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learning_path_to_dot(skill_graph, learner_profile, text[], float8) IS
	'the path toward several targets as Graphviz DOT';

---------------------------------------------------------------------------
-- Instructional groups within a section, and an audit of any grouping
---------------------------------------------------------------------------

CREATE TYPE learner_group AS (learner text, group_no int, focus_skill text);
COMMENT ON TYPE learner_group IS
	'one learner''s place in the groups of instructional_groups: group number and the group''s focus skill';
-- The columns after flagged came in 0.5.0 (ALTER TYPE ... ADD ATTRIBUTE in
-- the upgrade: audits stored by 0.4.0 read with them NULL)
CREATE TYPE group_disproportion AS (group_no int, subgroup text, learners int, share float8,
	ratio float8, flagged bool, group_id text, group_size int, section_size int, subgroup_size int,
	expected float8, p_value float8, p_adjusted float8);
COMMENT ON TYPE group_disproportion IS
	'one subgroup in one group: learners, share of the group, ratio to its share of everyone, sizes, the count expected under random grouping, exact two-sided p-value and its Holm adjustment, flagged';
CREATE TYPE tracking_disproportion AS (unit text, subgroup text, learners int, lowest_tier int,
	risk float8, comparison_learners int, comparison_lowest_tier int, comparison_risk float8,
	state_comparison_learners int, state_comparison_lowest_tier int, state_comparison_risk float8,
	risk_ratio float8, alternate_risk_ratio float8, basis text, ratio float8, p_value float8, flagged bool);
COMMENT ON TYPE tracking_disproportion IS
	'one subgroup in one unit (school or grade): its risk of placement in the lowest tier of groups, against everyone else in the unit and in the state, the risk ratio and alternate risk ratio of 34 CFR 300.647, the exact p-value, flagged';

-- Not STRICT: rows without a learner or profile add nothing
CREATE FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph,
	float8, int, int, text) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph, float8, int, int, text) IS
	'transition of instructional_groups with a mode';
CREATE FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph,
	float8, int, int) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_transfn(internal, text, learner_profile, skill_graph, float8, int, int) IS
	'transition of instructional_groups (mode readiness)';
-- Not STRICT either: a NULL label is no label
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
CREATE FUNCTION instructional_groups_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_combinefn(internal, internal) IS 'combine function of instructional_groups';
CREATE FUNCTION instructional_groups_serializefn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_serializefn(internal) IS 'serialize function of instructional_groups';
CREATE FUNCTION instructional_groups_deserializefn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_deserializefn(bytea, internal) IS 'deserialize function of instructional_groups';
CREATE FUNCTION instructional_groups_finalfn(internal) RETURNS learner_group[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION instructional_groups_finalfn(internal) IS 'final function of instructional_groups: the groups';

CREATE AGGREGATE instructional_groups(learner text, profile learner_profile, g skill_graph,
	threshold float8, min_size int, max_size int, mode text) (
	SFUNC = instructional_groups_transfn,
	STYPE = internal,
	FINALFUNC = instructional_groups_finalfn,
	COMBINEFUNC = instructional_groups_combinefn,
	SERIALFUNC = instructional_groups_serializefn,
	DESERIALFUNC = instructional_groups_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE instructional_groups(text, learner_profile, skill_graph, float8, int, int, text) IS
	'the learners of a section in groups of min_size to max_size: readiness (same next skill), similar (closest profiles) or mixed (balanced for group tasks)';
CREATE AGGREGATE instructional_groups(learner text, profile learner_profile, g skill_graph,
	threshold float8, min_size int, max_size int) (
	SFUNC = instructional_groups_transfn,
	STYPE = internal,
	FINALFUNC = instructional_groups_finalfn,
	COMBINEFUNC = instructional_groups_combinefn,
	SERIALFUNC = instructional_groups_serializefn,
	DESERIALFUNC = instructional_groups_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE instructional_groups(text, learner_profile, skill_graph, float8, int, int) IS
	'the learners of a section in groups of min_size to max_size, each on a skill its learners are ready for';

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

CREATE FUNCTION group_disproportionality_transfn(internal, int, text) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_transfn(internal, int, text) IS 'transition of group_disproportionality';
CREATE FUNCTION group_disproportionality_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_combinefn(internal, internal) IS 'combine function of group_disproportionality';
CREATE FUNCTION group_disproportionality_serializefn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_serializefn(internal) IS 'serialize function of group_disproportionality';
CREATE FUNCTION group_disproportionality_deserializefn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_deserializefn(bytea, internal) IS 'deserialize function of group_disproportionality';
CREATE FUNCTION group_disproportionality_finalfn(internal) RETURNS group_disproportion[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION group_disproportionality_finalfn(internal) IS 'final function of group_disproportionality';
CREATE AGGREGATE group_disproportionality(group_no int, subgroup text) (
	SFUNC = group_disproportionality_transfn,
	STYPE = internal,
	FINALFUNC = group_disproportionality_finalfn,
	COMBINEFUNC = group_disproportionality_combinefn,
	SERIALFUNC = group_disproportionality_serializefn,
	DESERIALFUNC = group_disproportionality_deserializefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE group_disproportionality(int, text) IS
	'per group and subgroup: learners, share, ratio to the subgroup''s share of everyone, expected count, exact p-value and its Holm adjustment, flagged where that is below 0.05';
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

---------------------------------------------------------------------------
-- Knowledge tracing: Bayesian Knowledge Tracing fitted per skill (EM, the
-- model, restarts and defaults of pyBKT) and applied per row or as a method
---------------------------------------------------------------------------

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
	'BKT parameters fitted by EM, sequences ordered by observed_at; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip, min_learn, max_learn';
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
	'BKT parameters fitted by EM, sequences ordered by seq; options restarts, seed, init, forgets, tol, max_iter, pybkt_compat, max_guess, max_slip, min_learn, max_learn';

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

---------------------------------------------------------------------------
-- proficiency_level(): bands such as Beginning / Developing / Proficient / Advanced
---------------------------------------------------------------------------

-- Not STRICT: a NULL value or out_of has no level (NULL), a NULL cut or
-- label list is an error
CREATE FUNCTION proficiency_level(value float8, out_of float8,
	cuts float8[] DEFAULT '{0.5,0.75,0.9}',
	labels text[] DEFAULT '{Beginning,Developing,Proficient,Advanced}')
	RETURNS text AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION proficiency_level(float8, float8, float8[], text[]) IS
	'the label of the band value / out_of falls in; a band starts at its cut (a proportion of out_of)';
