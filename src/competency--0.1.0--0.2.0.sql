-- competency 0.1.0 -> 0.2.0: only what changed.

\echo Use "ALTER EXTENSION competency UPDATE TO '0.2.0'" to load this file. \quit

-- The mastery() state now carries its method: 240 bytes (a hint to the planner)
CREATE OR REPLACE AGGREGATE mastery(score float8, observed_at timestamptz, method mastery_method) (
	SFUNC = mastery_score_transfn,
	STYPE = internal,
	SSPACE = 256,
	FINALFUNC = mastery_finalfn,
	COMBINEFUNC = mastery_combinefn,
	SERIALFUNC = mastery_serializefn,
	DESERIALFUNC = mastery_deserializefn,
	PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE mastery(e mastery_evidence, method mastery_method) (
	SFUNC = mastery_evidence_transfn,
	STYPE = internal,
	SSPACE = 256,
	FINALFUNC = mastery_finalfn,
	COMBINEFUNC = mastery_combinefn,
	SERIALFUNC = mastery_serializefn,
	DESERIALFUNC = mastery_deserializefn,
	PARALLEL = SAFE
);

-- Equal evidence has equal bytes (no negative zero, reserved bytes zero):
-- btree deduplication may keep one copy
ALTER OPERATOR FAMILY mastery_evidence_ops USING btree
	ADD FUNCTION 4 (mastery_evidence) btequalimage(oid);

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
	RESTRICT = neqsel, JOIN = neqjoinsel);
COMMENT ON OPERATOR <> (mastery_method, mastery_method) IS 'different method or parameters';
CREATE OPERATOR < (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_method, mastery_method) IS 'sorts before (by name, then parameters)';
CREATE OPERATOR <= (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_method, mastery_method) IS 'sorts before or equal';
CREATE OPERATOR >= (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_method, mastery_method) IS 'sorts after or equal';
CREATE OPERATOR > (LEFTARG = mastery_method, RIGHTARG = mastery_method,
	PROCEDURE = mastery_method_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
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
	ADD FUNCTION 4 (mastery_method) btequalimage(oid);
ALTER OPERATOR FAMILY mastery_method_hash_ops USING hash
	ADD FUNCTION 2 (mastery_method) mastery_method_hash_extended(mastery_method, int8);

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
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
COMMENT ON OPERATOR = (mastery_state, mastery_state) IS
	'the same evidence, the same number of times (a multiset), in whatever order it arrived';
CREATE OPERATOR <> (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = neqsel, JOIN = neqjoinsel);
COMMENT ON OPERATOR <> (mastery_state, mastery_state) IS 'different evidence';
CREATE OPERATOR < (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
COMMENT ON OPERATOR < (mastery_state, mastery_state) IS 'sorts before (evidence in order, piece by piece)';
CREATE OPERATOR <= (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
COMMENT ON OPERATOR <= (mastery_state, mastery_state) IS 'sorts before or equal';
CREATE OPERATOR >= (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel);
COMMENT ON OPERATOR >= (mastery_state, mastery_state) IS 'sorts after or equal';
CREATE OPERATOR > (LEFTARG = mastery_state, RIGHTARG = mastery_state,
	PROCEDURE = mastery_state_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
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

-- A NULL weight or kind means the default; a NULL cut or label list is an error
ALTER FUNCTION mastery_evidence(float8, float8, timestamptz, float8, text) CALLED ON NULL INPUT;
COMMENT ON FUNCTION mastery_evidence(float8, float8, timestamptz, float8, text) IS
	'makes mastery evidence; kind is assessment, practice, observation, self, behavior or override; a NULL weight or kind means the default, a NULL score gives NULL';
ALTER FUNCTION proficiency_level(float8, float8, float8[], text[]) CALLED ON NULL INPUT;
COMMENT ON FUNCTION proportion(mastery_evidence) IS 'score / out_of: 0 to 1, above 1 with extra credit';

-- The order of evidence puts an override after other kinds at the same
-- instant.  Indexes on mastery_evidence columns sort by it: rebuild them
-- with REINDEX after this update (stored states are read in the new order
-- without a rebuild).
COMMENT ON OPERATOR < (mastery_evidence, mastery_evidence) IS 'observed earlier (same instant: not an override before an override, then lower score, then lower weight)';
COMMENT ON OPERATOR > (mastery_evidence, mastery_evidence) IS 'observed later (same instant: an override after other kinds, then higher score, then higher weight)';
COMMENT ON OPERATOR CLASS mastery_evidence_ops USING btree IS
	'orders evidence by observed_at, an override last at the same instant, then score, then weight';
COMMENT ON OPERATOR FAMILY mastery_evidence_ops USING btree IS
	'the order of mastery evidence: observed_at, an override last at the same instant, then score, then weight';

-- A method bound as a text parameter (BI tools, ETL frameworks) works
-- wherever a mastery_method is expected
CREATE CAST (text AS mastery_method) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (text AS mastery_method) IS 'a method written as text, such as ''decaying_average(weight=0.4)''';
CREATE CAST (varchar AS mastery_method) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (varchar AS mastery_method) IS 'a method written as text, such as ''decaying_average(weight=0.4)''';

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

CREATE FUNCTION mastery_state_remove(state mastery_state, e mastery_evidence, missing_ok boolean DEFAULT false)
	RETURNS mastery_state
	AS 'MODULE_PATHNAME', 'mastery_state_remove_evidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mastery_state_remove(mastery_state, mastery_evidence, boolean) IS
	'the state with one piece of evidence equal to e taken away; an error (no_data_found) when there is none, unless missing_ok';

CREATE FUNCTION out_of(state mastery_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'mastery_state_out_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION out_of(mastery_state) IS
	'the out_of of the latest evidence: the scale of mastery(state, method) unless the method sets scale';

