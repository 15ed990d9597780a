-- Ordinary queries stay below jit_above_cost.  With the default estimate
-- of 1000 rows a call, a path or fringe query over a district's learners
-- was priced past jit_above_cost, and JIT compilation took 6 times the
-- query (paths for 4,217 learners: 237 ms with JIT, 39 ms without).  The
-- set-returning functions now estimate what a course's framework gives.
-- Under the default settings none of these queries over 20,000 learners is
-- compiled; with the old estimate of 1000 rows the same plan is.
BEGIN;
SELECT plan(7);
SET LOCAL client_min_messages = warning;
RESET jit; RESET jit_above_cost;

CREATE TEMP TABLE course AS
SELECT skill_graph_agg('s' || i, 's' || (i + 1 + i % 3)) AS g FROM generate_series(1, 40) i;
CREATE TEMP TABLE learners AS
SELECT 'L' || i AS learner, ('{"s' || (1 + i % 7) || '": {"mastery": 3, "out_of": 4}}')::learner_profile AS p
FROM generate_series(1, 20000) i;
ANALYZE learners;
ANALYZE course;

CREATE FUNCTION pg_temp.jit_planned(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN plan->0->'JIT' IS NOT NULL;
END $$;

SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, course c, ready_skills(c.g, l.p, 3)'), false,
          'ready_skills for every learner: not compiled');
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, course c, learning_path(c.g, l.p, ''s40'', 3)'), false,
          'learning_path for every learner: not compiled');
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, profile_entries(l.p)'), false,
          'profile_entries for every learner: not compiled');
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, strengths(l.p, 3), needs(l.p, 3)'), false,
          'strengths and needs for every learner: not compiled');
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM course c, skills(c.g) s, prerequisites(c.g, s.code)'), false,
          'the framework''s skills and prerequisites: not compiled');

-- the check itself: with the old estimate the first two plans are compiled
ALTER FUNCTION ready_skills(skill_graph, learner_profile, float8) ROWS 1000;
ALTER FUNCTION learning_path(skill_graph, learner_profile, text, float8) ROWS 1000;
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, course c, ready_skills(c.g, l.p, 3)'), true,
          'with the old estimate of 1000 rows, ready_skills is compiled');
SELECT is(pg_temp.jit_planned('SELECT count(*) FROM learners l, course c, learning_path(c.g, l.p, ''s40'', 3)'), true,
          'with the old estimate of 1000 rows, learning_path is compiled');

SELECT * FROM finish();
ROLLBACK;
