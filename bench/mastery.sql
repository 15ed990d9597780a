-- mastery(score, observed_at, 'decaying_average') against avg(score) with the
-- same GROUP BY, and against the same decaying average in plain SQL.
SET work_mem = '256MB';
SET jit = off;

CREATE TEMP TABLE timings (query text, grouping text, median_ms numeric, value float8, memory_kb bigint);

\set q_avg_ls 'SELECT sum(m) FROM (SELECT avg(score) AS m FROM evidence GROUP BY learner, skill) s'
\set q_mastery_ls 'SELECT sum(m) FROM (SELECT mastery(score, observed_at, ''decaying_average'') AS m FROM evidence GROUP BY learner, skill) s'
\set q_sql_ls 'SELECT sum(m) FROM (SELECT sum(score * CASE WHEN k = 1 THEN 0.35 ^ (n - 1) ELSE 0.65 * 0.35 ^ (n - k) END) AS m FROM (SELECT learner, skill, score, row_number() OVER w AS k, count(*) OVER (PARTITION BY learner, skill) AS n FROM evidence WINDOW w AS (PARTITION BY learner, skill ORDER BY observed_at, score)) r GROUP BY learner, skill) s'
\set q_avg_l 'SELECT sum(m) FROM (SELECT avg(score) AS m FROM evidence GROUP BY learner) s'
\set q_mastery_l 'SELECT sum(m) FROM (SELECT mastery(score, observed_at, ''decaying_average'') AS m FROM evidence GROUP BY learner) s'

-- the planner keeps the aggregate: its value feeds sum()
EXPLAIN (VERBOSE, COSTS OFF) :q_mastery_ls;

INSERT INTO timings SELECT 'avg(score)', 'learner, skill', b.*, plan_memory_kb(:'q_avg_ls') FROM bench(:'q_avg_ls', :reps) b;
INSERT INTO timings SELECT 'mastery(decaying_average)', 'learner, skill', b.*, plan_memory_kb(:'q_mastery_ls') FROM bench(:'q_mastery_ls', :reps) b;
INSERT INTO timings SELECT 'plain SQL decaying average', 'learner, skill', b.*, plan_memory_kb(:'q_sql_ls') FROM bench(:'q_sql_ls', :reps) b;
INSERT INTO timings SELECT 'avg(score)', 'learner', b.*, plan_memory_kb(:'q_avg_l') FROM bench(:'q_avg_l', :reps) b;
INSERT INTO timings SELECT 'mastery(decaying_average)', 'learner', b.*, plan_memory_kb(:'q_mastery_l') FROM bench(:'q_mastery_l', :reps) b;

\pset tuples_only on
\pset format unaligned
\echo
\echo '### mastery() against avg() and plain SQL,' :rows 'rows'
\echo
\echo '| query | GROUP BY | median ms | x avg() | plan memory MB |'
\echo '|---|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s |', query, grouping, median_ms,
              round(median_ms / (SELECT median_ms FROM timings b WHERE b.query = 'avg(score)' AND b.grouping = t.grouping), 2),
              round(memory_kb / 1024.0, 1))
FROM timings t ORDER BY grouping DESC, median_ms;
\echo
SELECT format('plain SQL / mastery() time, GROUP BY learner, skill: %s (same sum: %s)',
              round((SELECT median_ms FROM timings WHERE query = 'plain SQL decaying average')
                    / (SELECT median_ms FROM timings WHERE query = 'mastery(decaying_average)' AND grouping = 'learner, skill'), 2),
              (SELECT abs(a.value - b.value) < 1e-6 * abs(a.value) FROM timings a, timings b
               WHERE a.query = 'plain SQL decaying average' AND b.query = 'mastery(decaying_average)' AND b.grouping = 'learner, skill'));
