-- Grouping sets, ROLLUP and CUBE, as BI tools emit them for subtotals, with
-- every aggregate; the reproducers of a server crash and their
-- variants.  test/tap/plan_shapes.sql checks every aggregate under every
-- plan shape against plain GROUP BY; here are readable outputs.
SET timezone = 'UTC';
SET extra_float_digits = 0;

CREATE TABLE subtotal_ev AS SELECT g % 50 AS learner, g % 7 AS skill,
       mastery_evidence(1 + g % 4, 4, timestamptz '2025-01-01' + g * interval '1 hour') AS e
FROM generate_series(1, 5000) g;
ANALYZE subtotal_ev;

-- crashed the server: one expanded state per group, groups of three sets
SELECT count(*), sum(mastery(s, 'latest')), sum(evidence_count(s))
FROM (SELECT learner, skill, mastery_agg(e) s FROM subtotal_ev GROUP BY ROLLUP (learner, skill)) x;

-- CUBE, sorted and hashed: 350 + 50 + 7 + 1 groups, every set sees all 5000
SET enable_hashagg = off;
SELECT count(*), sum(evidence_count(s)), sum(mastery(s, 'decaying_average'))::numeric(12, 6)
FROM (SELECT learner, skill, mastery_agg(e) s FROM subtotal_ev GROUP BY CUBE (learner, skill)) x;
RESET enable_hashagg;
SET enable_sort = off;
SELECT count(*), sum(evidence_count(s)), sum(mastery(s, 'decaying_average'))::numeric(12, 6)
FROM (SELECT learner, skill, mastery_agg(e) s FROM subtotal_ev GROUP BY CUBE (learner, skill)) x;
RESET enable_sort;

-- a gradebook view under CUBE, stored states merged by mastery_state_union
CREATE TABLE subtotal_states AS SELECT learner, skill, mastery_agg(e) AS state FROM subtotal_ev GROUP BY learner, skill;
CREATE VIEW subtotal_gradebook AS
SELECT learner % 5 AS section, skill, learner, state FROM subtotal_states;
SELECT section, skill, evidence_count(mastery_state_union(state)) AS evidence,
       round(mastery(mastery_state_union(state), 'average')::numeric, 4) AS average
FROM subtotal_gradebook GROUP BY CUBE (section, skill)
ORDER BY section NULLS FIRST, skill NULLS FIRST LIMIT 12;

-- the same subtotals from mastery() with GROUPING SETS, and the subtotal rows
SELECT learner % 2 AS half, skill, GROUPING(learner % 2, skill) AS level,
       round(mastery(e, 'decaying_average')::numeric, 4) AS decaying_average
FROM subtotal_ev WHERE skill < 2
GROUP BY GROUPING SETS ((learner % 2, skill), (skill), ())
ORDER BY level, half, skill;

-- skill graphs by section and in all
SELECT section, skill_count(g), edge_count(g)
FROM (SELECT learner % 3 AS section,
             skill_graph_agg('S' || skill, 'S' || (skill + 1 + learner % 2)) AS g
      FROM subtotal_ev GROUP BY ROLLUP (learner % 3)) x
ORDER BY section NULLS LAST;

-- window use: a running state per learner
SELECT learner, observed_at(e) AS at, evidence_count(s) AS pieces, mastery(s, 'latest') AS latest
FROM (SELECT learner, e, mastery_agg(e) OVER (PARTITION BY learner ORDER BY e ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS s
      FROM subtotal_ev WHERE learner = 1) w
ORDER BY at LIMIT 6;

-- partial subtotal_states do not depend on the client encoding (Windows BI tools
-- connect as LATIN1): 3,003 accented_skills skills, parallel, under LATIN1
SET client_encoding = 'LATIN1';
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE TABLE accented_skills AS
SELECT 'Matemáticas_' || (g % 3003) AS skill, CASE WHEN g % 3003 > 0 THEN 'Matemáticas_' || (g % 3003 - 1) END AS prerequisite
FROM generate_series(1, 60000) g;
ANALYZE accented_skills;
SELECT skill_count(skill_graph_agg(prerequisite, skill)), edge_count(skill_graph_agg(prerequisite, skill)) FROM accented_skills;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
RESET client_encoding;

-- the skill limit counts distinct skills, not rows: 1.1 million rows that
-- name 50 edges
SELECT skill_count(g), edge_count(g)
FROM (SELECT skill_graph_agg('K' || (g % 50), 'K' || (g % 50 + 50)) AS g FROM generate_series(1, 1100000) g) x;

-- states and methods are values users put in DISTINCT, UNION, GROUP BY
SELECT count(DISTINCT state) AS distinct_states, count(*) AS states FROM subtotal_states;
SELECT '[1/4 @ 2024-09-01; 2/4 @ 2024-09-02]'::mastery_state = '[2/4 @ 2024-09-02; 1/4 @ 2024-09-01]'::mastery_state AS same_multiset,
       '[1/4 @ 2024-09-01]'::mastery_state = '[1/4 @ 2024-09-01; 1/4 @ 2024-09-01]'::mastery_state AS counts_matter,
       '[1/4 @ 2024-09-01]'::mastery_state < '[1/4 @ 2024-09-01; 1/4 @ 2024-09-01]'::mastery_state AS prefix_first,
       '[]'::mastery_state IS DISTINCT FROM '[1/4 @ 2024-09-01]'::mastery_state AS empty_differs;
SELECT s FROM (VALUES ('[2/4 @ 2024-09-02]'::mastery_state), ('[1/4 @ 2024-09-01]'), ('[2/4 @ 2024-09-02]')) v(s)
UNION SELECT '[1/4 @ 2024-09-01; 3/4 @ 2024-09-03]' ORDER BY 1;
SELECT m FROM (VALUES ('latest'::mastery_method), ('average'), ('decaying_average(weight=0.4)'), ('average'),
                      ('decaying_average')) v(m)
GROUP BY m ORDER BY m;
SELECT DISTINCT m FROM (VALUES ('median'::mastery_method), ('median')) v(m);

-- method bytes read from an argument go through the validator: a type
-- with the storage of mastery_method lets the test write raw bytes
CREATE TYPE raw_method;
CREATE FUNCTION raw_method_in(cstring) RETURNS raw_method AS 'byteain' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION raw_method_out(raw_method) RETURNS cstring AS 'byteaout' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE raw_method (INPUT = raw_method_in, OUTPUT = raw_method_out, INTERNALLENGTH = VARIABLE,
                        ALIGNMENT = double, STORAGE = plain);
CREATE CAST (raw_method AS mastery_method) WITHOUT FUNCTION;
CREATE CAST (mastery_method AS raw_method) WITHOUT FUNCTION;
SELECT 'latest'::mastery_method::raw_method;
-- method 99 does not exist; an unused parameter slot holds a value; a
-- decaying_average whose weight is a negative zero (out of range)
SELECT mastery(e, '\x0100000000000000000000006300000000000000ffffffff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'::raw_method::mastery_method) FROM subtotal_ev;
SELECT mastery(e, '\x0100000000000000000000000100000000000000ffffffff00000000000000000000f03f00000000000000000000000000000000000000000000000000000000000000000000000000000000'::raw_method::mastery_method) FROM subtotal_ev;
SELECT mastery(e, '\x0100000000000000000000000500000000000000ffffffff00000000000000000000008000000000000000000000000000000000000000000000000000000000000000000000000000000000'::raw_method::mastery_method) FROM subtotal_ev;
SELECT mastery(state, '\x0100'::raw_method::mastery_method) FROM subtotal_states;
DROP TYPE raw_method CASCADE;

