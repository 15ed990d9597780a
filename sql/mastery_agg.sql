-- The mastery() aggregates under parallel plans: partial states are
-- serialized in the workers, combined in the leader, and the results are
-- the same as a serial plan and independent of input order.
SET timezone = 'UTC';
SET extra_float_digits = 0;

CREATE TABLE evidence_log (learner int, skill int, score float8, out_of float8,
                           observed_at timestamptz, kind text);
-- 200 learners x 5 skills x 12 observations, deterministic pseudo-random scores,
-- one override per stream, and two out_of scales
INSERT INTO evidence_log
SELECT l, s, CASE WHEN s = 5 THEN (l * 7 + k * 13) % 101 ELSE (l * 3 + s * 5 + k * 11) % 5 END,
       CASE WHEN s = 5 THEN 100 ELSE 4 END,
       '2024-09-01'::timestamptz + (k * 3 + (l % 3)) * interval '1 day',
       CASE WHEN k = 6 AND s IN (2, 3) THEN 'override' ELSE 'assessment' END
FROM generate_series(1, 200) l, generate_series(1, 5) s, generate_series(1, 12) k;
-- the same rows in another physical order
CREATE TABLE evidence_shuffled AS SELECT * FROM evidence_log ORDER BY md5(learner::text || skill || observed_at);
ANALYZE evidence_log, evidence_shuffled;

CREATE TABLE serial_result AS
SELECT learner, skill, m,
       mastery(mastery_evidence(score, out_of, observed_at, 1, kind), m::mastery_method) AS value
FROM evidence_log, (VALUES ('decaying_average'), ('power_law'), ('true_score'), ('mode(tie=recent)'),
                           ('bkt(p_init=0.2, p_learn=0.15, p_guess=0.2, p_slip=0.1)')) methods(m)
GROUP BY learner, skill, m;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;

-- The plan has a Partial Aggregate below the Gather and a Finalize above it
EXPLAIN (COSTS OFF)
SELECT learner, mastery(score, observed_at, 'decaying_average') FROM evidence_shuffled GROUP BY learner;

-- Parallel, on shuffled input, equals serial on input in time order
SELECT count(*) AS streams,
       count(*) FILTER (WHERE p.value IS NOT DISTINCT FROM s.value) AS identical
FROM (SELECT learner, skill, m,
             mastery(mastery_evidence(score, out_of, observed_at, 1, kind), m::mastery_method) AS value
      FROM evidence_shuffled, (VALUES ('decaying_average'), ('power_law'), ('true_score'), ('mode(tie=recent)'),
                                      ('bkt(p_init=0.2, p_learn=0.15, p_guess=0.2, p_slip=0.1)')) methods(m)
      GROUP BY learner, skill, m) p
JOIN serial_result s USING (learner, skill, m);

-- Plain aggregates are partial too: one big stream split across workers
EXPLAIN (COSTS OFF)
SELECT mastery(score, observed_at, 'median') FROM evidence_shuffled WHERE skill = 5;
SELECT mastery(score, observed_at, 'median') AS parallel_median,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM evidence_log WHERE skill = 5) AS percentile_cont,
       mastery(score, observed_at, 'average') AS parallel_average,
       (SELECT avg(score) FROM evidence_log WHERE skill = 5) AS avg
FROM evidence_shuffled WHERE skill = 5;

-- The same with hashed partial aggregation
SET enable_hashagg = on;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT learner, skill, mastery(score, observed_at, 'decaying_average') FROM evidence_shuffled GROUP BY learner, skill;
SELECT count(*) AS streams,
       count(*) FILTER (WHERE p.value IS NOT DISTINCT FROM s.value) AS identical
FROM (SELECT learner, skill, 'true_score' AS m,
             mastery(mastery_evidence(score, out_of, observed_at, 1, kind), 'true_score') AS value
      FROM evidence_shuffled GROUP BY learner, skill) p
JOIN serial_result s USING (learner, skill, m);
-- Parallel hashed aggregation over rows in time order: every worker's
-- partial state is ordered, and the combine step merges them instead of
-- leaving them to be sorted
EXPLAIN (COSTS OFF)
SELECT learner, mastery(score, observed_at, 'decaying_average') FROM evidence_log GROUP BY learner;
SELECT count(*) AS streams,
       count(*) FILTER (WHERE p.value IS NOT DISTINCT FROM s.value) AS identical
FROM (SELECT learner, skill, 'power_law' AS m,
             mastery(mastery_evidence(score, out_of, observed_at, 1, kind), 'power_law') AS value
      FROM evidence_log GROUP BY learner, skill) p
JOIN serial_result s USING (learner, skill, m);
SELECT count(*) AS learners,
       count(*) FILTER (WHERE p.value = s.value) AS identical
FROM (SELECT learner, mastery(score, observed_at, 'decaying_average') AS value FROM evidence_log GROUP BY learner) p
JOIN (SELECT learner, mastery(score, observed_at, 'decaying_average') AS value
      FROM (SELECT * FROM evidence_log ORDER BY observed_at, score) o GROUP BY learner) s USING (learner);

RESET enable_sort;

-- A group whose method changes is an error under a parallel plan as well
-- (terse: which method a worker saw first varies from run to run)
\set VERBOSITY terse
SELECT learner, mastery(score, observed_at, CASE WHEN skill = 1 THEN 'latest' ELSE 'average' END::mastery_method)
FROM evidence_shuffled GROUP BY learner;
\set VERBOSITY default

-- A parameter sweep past the backend's table of interned methods (65,536
-- distinct methods): later groups keep copies of their own, which live as
-- long as their group, under sorted and hashed grouping alike
SET enable_hashagg = off;
SELECT count(*) AS groups, max(abs(m - w)) < 1e-12 AS each_its_own_method
FROM (SELECT w, mastery(score, at, ('decaying_average(weight=' || w || ')')::mastery_method) AS m
      FROM (SELECT 0.1 + i * 0.00001 AS w FROM generate_series(1, 70000) i) ws,
           (VALUES (0, timestamptz '2024-01-01'), (1, timestamptz '2024-01-02')) v(score, at)
      GROUP BY w) x;
RESET enable_hashagg;
SET enable_sort = off;
SELECT count(*) AS groups, max(abs(m - w)) < 1e-12 AS each_its_own_method
FROM (SELECT w, mastery(score, at, ('decaying_average(weight=' || w || ')')::mastery_method) AS m
      FROM (SELECT 0.1 + i * 0.00001 AS w FROM generate_series(1, 70000) i) ws,
           (VALUES (0, timestamptz '2024-01-01'), (1, timestamptz '2024-01-02')) v(score, at)
      GROUP BY w) x;
RESET enable_sort;
