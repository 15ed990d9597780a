-- Paths and fringes for a district's learners with JIT left on (the
-- server's default) against JIT off, in the same run: the set-returning
-- functions estimate the rows a course's framework gives, so ordinary
-- queries stay below jit_above_cost and JIT compilation (which took 6 times
-- the query when every call was estimated at 1000 rows) does not start.
-- 4,217 learners on the grade 5-7 standards of the Common Core framework.
SET work_mem = '256MB';
RESET jit;

SELECT to_regclass('common_core') IS NULL AS need_framework \gset
\if :need_framework
\o /dev/null
\i test/fixtures/case/common_core_framework.sql
\o
\endif

SELECT setseed(0.43);
CREATE TEMP TABLE jit_course AS
SELECT subgraph(g, ARRAY(SELECT k.code FROM skills(g) k
                         WHERE k.level IN ('05', '06', '07') AND NOT EXISTS (SELECT 1 FROM parts(g, k.code)))) AS g
FROM common_core;
CREATE TEMP TABLE jit_learner AS
SELECT 'L' || lpad(l::text, 5, '0') AS learner,
       jsonb_object_agg(k.code, jsonb_build_object('mastery', round((random() * 4)::numeric, 2), 'out_of', 4))::learner_profile AS p
FROM generate_series(1, 4217) l, jit_course c, skills(c.g) k
WHERE NOT EXISTS (SELECT 1 FROM parts(c.g, k.code)) AND random() < 0.5
GROUP BY l;
SELECT code AS target FROM jit_course c, skills(c.g) k WHERE k.level = '07' ORDER BY k.sequence DESC NULLS LAST, code DESC LIMIT 1 \gset
VACUUM ANALYZE jit_learner, jit_course;

\set q_paths 'SELECT count(*) FROM jit_learner l, jit_course c, learning_path(c.g, l.p, ' :'target' ', 3)'
\set q_ready 'SELECT count(*) FROM jit_learner l, jit_course c, ready_skills(c.g, l.p, 3)'
\set q_entries 'SELECT count(*) FROM jit_learner l, profile_entries(l.p)'
EXPLAIN (COSTS ON) :q_paths;
CREATE TEMP TABLE jit_timings (query text, jit text, median_ms numeric, value float8);
INSERT INTO jit_timings SELECT 'learning_path for every learner', 'on (default)', b.* FROM bench(:'q_paths', :reps) b;
INSERT INTO jit_timings SELECT 'ready_skills for every learner', 'on (default)', b.* FROM bench(:'q_ready', :reps) b;
INSERT INTO jit_timings SELECT 'profile_entries for every learner', 'on (default)', b.* FROM bench(:'q_entries', :reps) b;
SET jit = off;
INSERT INTO jit_timings SELECT 'learning_path for every learner', 'off', b.* FROM bench(:'q_paths', :reps) b;
INSERT INTO jit_timings SELECT 'ready_skills for every learner', 'off', b.* FROM bench(:'q_ready', :reps) b;
INSERT INTO jit_timings SELECT 'profile_entries for every learner', 'off', b.* FROM bench(:'q_entries', :reps) b;
RESET jit;

\pset footer off
\pset format unaligned
\pset tuples_only on
SELECT E'\n### JIT left on against JIT off (4,217 learners, grade 5-7 Common Core; target: equal within noise)\n';
SELECT '| query | JIT on ms | JIT off ms | on / off | rows |';
SELECT '|---|---:|---:|---:|---:|';
SELECT format('| %s | %s | %s | %s | %s |', a.query, a.median_ms, b.median_ms,
              round(a.median_ms / greatest(b.median_ms, 1), 2), a.value)
FROM jit_timings a JOIN jit_timings b ON a.query = b.query AND b.jit = 'off'
WHERE a.jit = 'on (default)' ORDER BY a.query;
