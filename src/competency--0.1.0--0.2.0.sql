-- competency 0.1.0 -> 0.2.0: only what changed.

\echo Use "ALTER EXTENSION competency UPDATE TO '0.2.0'" to load this file. \quit

-- Equal evidence has equal bytes (no negative zero, reserved bytes zero):
-- btree deduplication may keep one copy
ALTER OPERATOR FAMILY mastery_evidence_ops USING btree
	ADD FUNCTION 4 (mastery_evidence) pg_catalog.btequalimage(oid);

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


-- Skill graphs: wholes, edges, union
CREATE FUNCTION wholes(g skill_graph, skill text, transitive bool DEFAULT false) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'graph_wholes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION wholes(skill_graph, text, bool) IS
	'what the skill is part of: its cluster (all the way up to domain and grade with transitive), in topological order';

CREATE FUNCTION edges(g skill_graph, OUT source text, OUT target text, OUT relation text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'graph_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
	'text input of learner_profile_state: {"method": ..., "skills": {"code": "[evidence; ...]"}}';
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
	'a learner profile being built: per skill its evidence, and the method (state of learner_profile)';

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
CREATE FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state)
	RETURNS learner_profile_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
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
	'one learner''s profile from (skill, evidence) rows, every skill rolled up with the method';
CREATE AGGREGATE learner_profile(skill text, state mastery_state, method mastery_method) (
	SFUNC = learner_profile_state_transfn,
	STYPE = learner_profile_state,
	FINALFUNC = learner_profile_finalfn,
	COMBINEFUNC = learner_profile_combinefn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE learner_profile(text, mastery_state, mastery_method) IS
	'one learner''s profile from stored (skill, state) rows; states of one skill merge';

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
	AS 'MODULE_PATHNAME', 'learner_profile_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION profile_entries(learner_profile) IS
	'one row per skill in code order; trend is points per piece of evidence over the last five values';

CREATE FUNCTION strengths(p learner_profile, n int DEFAULT 3, OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_strengths' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION strengths(learner_profile, int) IS
	'the n skills with the highest mastery as a share of their scale (ties by code)';
CREATE FUNCTION needs(p learner_profile, n int DEFAULT 3, OUT skill text, OUT mastery float8,
	OUT evidence_count int, OUT last_observed timestamptz, OUT trend float8,
	OUT out_of float8, OUT kinds text[]) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learner_profile_needs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION needs(learner_profile, int) IS
	'the n skills with the lowest mastery as a share of their scale (ties by code)';

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
	AS 'MODULE_PATHNAME', 'ready_skills' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ready_skills(skill_graph, learner_profile, float8) IS
	'learnable skills not mastered (below threshold or no value) whose prerequisites all are, in topological order';

CREATE FUNCTION learning_path(g skill_graph, p learner_profile, target text, threshold float8,
	OUT step int, OUT skill text, OUT mastery float8, OUT ready bool) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learning_path_one' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION learning_path(skill_graph, learner_profile, text, float8) IS
	'the unmastered skills that lead to the target, each after its prerequisites; a cluster or domain target means its standards';
CREATE FUNCTION learning_path(g skill_graph, p learner_profile, targets text[], threshold float8,
	OUT step int, OUT skill text, OUT mastery float8, OUT ready bool) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'learning_path_many' LANGUAGE C IMMUTABLE PARALLEL SAFE;
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
CREATE TYPE group_disproportion AS (group_no int, subgroup text, learners int, share float8,
	ratio float8, flagged bool);
COMMENT ON TYPE group_disproportion IS
	'one subgroup in one group: learners, share of the group, ratio to its share of everyone, flagged when unlikely under random grouping';

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
	'per group and subgroup: learners, share, ratio to the subgroup''s share of everyone, flagged when a two-sided exact test gives p < 0.05';


-- Indexes that sort mastery_evidence follow the order of 0.1.0 until they
-- are rebuilt: name them.  This runs as superuser in a schema the database
-- owner may control: every function, operator and catalog is qualified, so
-- no look-alike the owner planted (format(text, regclass), say) is called.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT DISTINCT i.indexrelid::pg_catalog.regclass AS index_name
	         FROM pg_catalog.pg_index i
	         JOIN pg_catalog.pg_opclass oc
	           ON oc.oid OPERATOR(pg_catalog.=) ANY (i.indclass::pg_catalog.oid[])
	         JOIN pg_catalog.pg_extension x
	           ON x.extnamespace OPERATOR(pg_catalog.=) oc.opcnamespace
	         WHERE oc.opcname OPERATOR(pg_catalog.=) 'mastery_evidence_ops'::pg_catalog.name
	           AND x.extname OPERATOR(pg_catalog.=) 'competency'::pg_catalog.name
	LOOP
		RAISE WARNING 'index % sorts mastery_evidence in the order of competency 0.1.0', r.index_name
			USING DETAIL = 'From 0.2.0 an override comes after other evidence of the same instant.',
			      HINT = pg_catalog.format('Rebuild it: REINDEX INDEX %s;', r.index_name);
	END LOOP;
END $$;
