-- Learner profiles and learning paths.
--  1. learner_profile over the evidence table GROUP BY learner, from
--     evidence and from raw columns (score, observed_at), against
--     avg(score) GROUP BY learner, and against mastery() GROUP BY learner,
--     skill followed by a second aggregation per learner (jsonb_object_agg).
--  2. learning paths for 50,000 learners on the Common Core framework with
--     its prerequisites, against the same set computed with WITH RECURSIVE.
SET work_mem = '256MB';
SET jit = off;

CREATE TEMP TABLE profile_timings (query text, median_ms numeric, value float8, memory_kb bigint);
\set q_avg 'SELECT sum(m) FROM (SELECT avg(score) AS m FROM evidence GROUP BY learner) s'
\set q_profile 'SELECT sum(skill_count(p)) FROM (SELECT learner_profile(skill::text, mastery_evidence(score, 4, observed_at), ''decaying_average'') AS p FROM evidence GROUP BY learner) s'
\set q_scores 'SELECT sum(skill_count(p)) FROM (SELECT learner_profile(skill::text, score, observed_at, ''decaying_average'') AS p FROM evidence GROUP BY learner) s'
\set q_two_steps 'SELECT sum(jsonb_array_length(jsonb_path_query_array(p, ''$.*''))) FROM (SELECT jsonb_object_agg(skill, m) AS p FROM (SELECT learner, skill, mastery(score, observed_at, ''decaying_average'') AS m FROM evidence GROUP BY learner, skill) ls GROUP BY learner) s'
-- the planner keeps the aggregate: its value feeds sum()
EXPLAIN (VERBOSE, COSTS OFF) :q_profile;
EXPLAIN (VERBOSE, COSTS OFF) :q_scores;
INSERT INTO profile_timings SELECT 'avg(score) GROUP BY learner', b.*, plan_memory_kb(:'q_avg') FROM bench(:'q_avg', :reps) b;
-- the planner runs avg() in parallel and a profile serially (see below):
-- the same avg() on one process too, for a like-for-like ratio
SET max_parallel_workers_per_gather = 0;
INSERT INTO profile_timings SELECT 'avg(score) GROUP BY learner, serial', b.*, plan_memory_kb(:'q_avg') FROM bench(:'q_avg', :reps) b;
-- what evaluating the profile's arguments alone costs (no aggregate state)
\set q_args 'SELECT sum(m) FROM (SELECT count(mastery_evidence(score, 4, observed_at)) + count(skill::text) AS m FROM evidence GROUP BY learner) s'
INSERT INTO profile_timings SELECT 'its arguments alone: count(mastery_evidence(...)) + count(skill::text), serial', b.*, plan_memory_kb(:'q_args') FROM bench(:'q_args', :reps) b;
\set q_score_args 'SELECT sum(m) FROM (SELECT count(score) + count(observed_at) + count(skill::text) AS m FROM evidence GROUP BY learner) s'
INSERT INTO profile_timings SELECT 'the raw form''s arguments alone: count(score) + count(observed_at) + count(skill::text), serial', b.*, plan_memory_kb(:'q_score_args') FROM bench(:'q_score_args', :reps) b;
RESET max_parallel_workers_per_gather;
INSERT INTO profile_timings SELECT 'learner_profile(skill, evidence, decaying_average) GROUP BY learner', b.*, plan_memory_kb(:'q_profile') FROM bench(:'q_profile', :reps) b;
INSERT INTO profile_timings SELECT 'learner_profile(skill, score, observed_at, decaying_average) GROUP BY learner', b.*, plan_memory_kb(:'q_scores') FROM bench(:'q_scores', :reps) b;
INSERT INTO profile_timings SELECT 'mastery() GROUP BY learner, skill, then jsonb_object_agg per learner', b.*, plan_memory_kb(:'q_two_steps') FROM bench(:'q_two_steps', :reps) b;
-- The partial plan the planner picks when a profile's combine is priced like
-- any function (the reason learner_profile_combinefn is priced dear): the
-- workers flatten every partial profile, the leader reads and merges them
ALTER FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) COST 1;
EXPLAIN (COSTS OFF) :q_profile;
INSERT INTO profile_timings SELECT 'the same learner_profile, partial plan (combine priced like any function)', b.*, plan_memory_kb(:'q_profile') FROM bench(:'q_profile', :reps) b;
ALTER FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) COST 1000;

\pset tuples_only on
\pset format unaligned
\echo
\echo '### Learner profiles,' :rows 'rows'
\echo
\echo '| query | median ms | x avg() | x serial avg() | plan memory MB |'
\echo '|---|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s |', query, median_ms,
              round(median_ms / (SELECT median_ms FROM profile_timings WHERE query = 'avg(score) GROUP BY learner'), 2),
              round(median_ms / (SELECT median_ms FROM profile_timings WHERE query = 'avg(score) GROUP BY learner, serial'), 2),
              round(memory_kb / 1024.0, 1))
FROM profile_timings ORDER BY median_ms;
SELECT format('profiles built: %s skills in all (from raw columns: %s; the two-step query: %s)',
              (SELECT value FROM profile_timings WHERE query LIKE 'learner_profile(skill, evidence%'),
              (SELECT value FROM profile_timings WHERE query LIKE 'learner_profile(skill, score%'),
              (SELECT value FROM profile_timings WHERE query LIKE 'mastery()%'));

-- Learning paths on the Common Core framework, 50,000 learners
\pset tuples_only off
\pset format aligned
\o /dev/null
\i test/fixtures/case/common_core_framework.sql
\o
SELECT setseed(0.5);
-- learnable skills (no parts), and prerequisite edges between them
CREATE TEMP TABLE leaf AS
SELECT s.code FROM common_core, skills(g) s WHERE NOT EXISTS (SELECT 1 FROM parts(g, s.code));
CREATE TEMP TABLE under AS
WITH RECURSIVE d(code, leaf) AS (
	SELECT code, code FROM leaf
	UNION
	SELECT e.target, d.leaf FROM d JOIN (SELECT * FROM common_core, edges(g)) e ON e.source = d.code AND e.relation = 'part_of')
SELECT * FROM d;
CREATE TEMP TABLE leaf_prerequisite AS
SELECT DISTINCT a.leaf AS prerequisite, b.leaf AS skill
FROM (SELECT * FROM common_core, edges(g)) e JOIN under a ON a.code = e.source JOIN under b ON b.code = e.target
WHERE e.relation = 'prerequisite' AND a.leaf <> b.leaf;
CREATE INDEX ON leaf_prerequisite (skill);
-- each learner has mastered the standards of grades K-5 with probability 0.9,
-- grade 6 with 0.4 (values on a 4-point scale; mastered at 3)
CREATE TEMP TABLE learner_skill AS
SELECT l AS learner, k.code AS skill, CASE WHEN random() < CASE WHEN k.level = '06' THEN 0.4 ELSE 0.9 END THEN 3.5 ELSE 1.5 END AS mastery
FROM generate_series(1, 50000) l, common_core, skills(g) k
WHERE k.level IN ('KG', '01', '02', '03', '04', '05', '06') AND NOT EXISTS (SELECT 1 FROM parts(g, k.code));
CREATE TEMP TABLE path_profiles AS
SELECT learner, jsonb_object_agg(skill, jsonb_build_object('mastery', mastery, 'out_of', 4))::learner_profile AS p
FROM learner_skill GROUP BY learner;
CREATE TEMP TABLE mastered AS SELECT learner, skill FROM learner_skill WHERE mastery >= 3;
ALTER TABLE mastered ADD PRIMARY KEY (learner, skill);
VACUUM ANALYZE path_profiles, mastered, leaf_prerequisite, under;

\set q_paths 'SELECT count(*) FROM common_core, path_profiles, learning_path(g, p, ''CCSS.Math.Content.7.NS.A'', 3)'
\set q_paths_sql 'WITH RECURSIVE walk(learner, skill) AS (SELECT pp.learner, u.leaf FROM path_profiles pp, under u WHERE u.code = ''CCSS.Math.Content.7.NS.A'' AND NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = pp.learner AND m.skill = u.leaf) UNION SELECT w.learner, lp.prerequisite FROM walk w JOIN leaf_prerequisite lp ON lp.skill = w.skill WHERE NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = w.learner AND m.skill = lp.prerequisite)) SELECT count(*) FROM walk'
\set q_ready 'SELECT count(*) FROM common_core, path_profiles, ready_skills(g, p, 3)'
CREATE TEMP TABLE path_timings AS SELECT 'learning_path for 50,000 learners (ordered, with ready flags)' AS query, b.* FROM bench(:'q_paths', :reps) b;
INSERT INTO path_timings SELECT 'the same path sets with WITH RECURSIVE (unordered)', b.* FROM bench(:'q_paths_sql', 1) b;
INSERT INTO path_timings SELECT 'ready_skills for 50,000 learners', b.* FROM bench(:'q_ready', :reps) b;
\pset tuples_only on
\pset format unaligned
\echo
\echo '### Learning paths, 50,000 learners on the Common Core framework (703 skills, 729 prerequisites)'
\echo
\echo '| query | median ms | rows | ms per learner |'
\echo '|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s |', query, median_ms, value, round(median_ms / 50000, 4)) FROM path_timings;
SELECT format('WITH RECURSIVE / learning_path time: %s (same number of rows: %s)',
              round((SELECT median_ms FROM path_timings WHERE query LIKE 'the same%')
                    / (SELECT median_ms FROM path_timings WHERE query LIKE 'learning_path%'), 1),
              (SELECT a.value = b.value FROM path_timings a, path_timings b
               WHERE a.query LIKE 'the same%' AND b.query LIKE 'learning_path%'));
