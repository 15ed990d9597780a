-- Prerequisites that start or end at a whole, at a size that shows the cost
-- of reading them as prerequisites between leaves (every part of the whole
-- before every skill that needs it: N x N pairs).  Three frameworks of
-- :parts parts (default 15,000):
--   fan_out      a whole W of N parts is a prerequisite of N other skills
--   whole_whole  W is a prerequisite of a whole T of N parts
--   deep         N skills each need W, and each part of W needs a skill of its own
-- One learner (every other part of W mastered; in deep, every skill the
-- parts need too) through each function that reads them.  And one of
-- :unlock_parts parts (default 40,000) where the order of a long path costs:
--   part_dependents  W is a prerequisite of N skills and each part of W of
--                    a skill of its own: the path to all 2N (3N steps,
--                    nothing mastered) ranks each part by the N + 1 skills
--                    it unlocks, counted directly beyond 8,192 steps
-- Each query runs in a fresh connection: "peak MB" is the backend's peak
-- resident memory (VmHWM) after the runs, beside a fresh backend's.
-- Target: under 1 s.
SET jit = off;
\if :{?parts}
\else
\set parts 15000
\endif
\if :{?unlock_parts}
\else
\set unlock_parts 40000
\endif
\pset tuples_only on
\pset format unaligned

DROP TABLE IF EXISTS whole_framework, whole_timings;
CREATE TABLE whole_framework AS
SELECT 'fan_out' AS shape, skill_graph_agg(s, t, r) AS g
FROM (SELECT 'w.' || i, 'W', 'part_of' FROM generate_series(1, :parts) i
      UNION ALL SELECT 'W', 's.' || i, 'prerequisite' FROM generate_series(1, :parts) i) e(s, t, r)
UNION ALL
SELECT 'whole_whole', skill_graph_agg(s, t, r)
FROM (SELECT 'w.' || i, 'W', 'part_of' FROM generate_series(1, :parts) i
      UNION ALL SELECT 't.' || i, 'T', 'part_of' FROM generate_series(1, :parts) i
      UNION ALL SELECT 'W', 'T', 'prerequisite') e(s, t, r)
UNION ALL
SELECT 'deep', skill_graph_agg(s, t, r)
FROM (SELECT 'w.' || i, 'W', 'part_of' FROM generate_series(1, :parts) i
      UNION ALL SELECT 'W', 's.' || i, 'prerequisite' FROM generate_series(1, :parts) i
      UNION ALL SELECT 'base.' || i, 'w.' || i, 'prerequisite' FROM generate_series(1, :parts) i) e(s, t, r)
UNION ALL
SELECT 'part_dependents', skill_graph_agg(s, t, r)
FROM (SELECT 'w.' || i, 'W', 'part_of' FROM generate_series(1, :unlock_parts) i
      UNION ALL SELECT 'W', 's.' || i, 'prerequisite' FROM generate_series(1, :unlock_parts) i
      UNION ALL SELECT 'w.' || i, 'd.' || i, 'prerequisite' FROM generate_series(1, :unlock_parts) i) e(s, t, r);
ALTER TABLE whole_framework ADD COLUMN p learner_profile;
UPDATE whole_framework SET p = (
	SELECT jsonb_object_agg(code, '{"mastery": 4, "out_of": 4}'::jsonb)::learner_profile
	FROM (SELECT 'w.' || i AS code FROM generate_series(2, :parts, 2) i
	      UNION ALL SELECT 'base.' || i FROM generate_series(1, :parts) i WHERE shape = 'deep') c);
UPDATE whole_framework SET p = '{}' WHERE shape = 'part_dependents';
-- 30 learners for instructional_groups: each with a different share of W's parts
CREATE TABLE whole_learners AS
SELECT l AS learner, (SELECT jsonb_object_agg('w.' || i, '{"mastery": 4, "out_of": 4}'::jsonb)
                      FROM generate_series(1, :parts) i WHERE i % 30 <> l % 30)::learner_profile AS p
FROM generate_series(1, 30) l;
VACUUM ANALYZE whole_framework, whole_learners;
SELECT format('frameworks: %s', string_agg(format('%s %s skills, %s prerequisite and %s part_of edges',
              shape, skill_count(g), edge_count(g, 'prerequisite'), edge_count(g, 'part_of')), '; '))
FROM whole_framework;

CREATE TABLE whole_timings (shape text, query text, median_ms numeric, value float8, peak_kb bigint);
CREATE FUNCTION backend_peak_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+) kB'))[1]::bigint $$;

-- the timed queries consume every row they time
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM whole_framework f, ready_skills(f.g, f.p, 3) r WHERE f.shape = 'fan_out';

\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fresh backend', 'SELECT 1', 0, 1, backend_peak_kb();
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'ready_skills', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, ready_skills(f.g, f.p, 3) r WHERE f.shape = 'fan_out'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'learning_path to s.1', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, learning_path(f.g, f.p, 's.1', 3) x WHERE f.shape = 'fan_out'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'learning_path to all s.*', b.*, backend_peak_kb()
FROM bench(format($$SELECT count(*) FROM whole_framework f, learning_path(f.g, f.p, %L::text[], 3) x WHERE f.shape = 'fan_out'$$,
                  (SELECT array_agg('s.' || i) FROM generate_series(1, :parts) i)), :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'learning_path_to_dot to s.1 (length)', b.*, backend_peak_kb()
FROM bench($$SELECT length(learning_path_to_dot(f.g, f.p, 's.1', 3)) FROM whole_framework f WHERE f.shape = 'fan_out'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'skill_graph_to_dot with the profile (length)', b.*, backend_peak_kb()
FROM bench($$SELECT length(skill_graph_to_dot(f.g, f.p, 3)) FROM whole_framework f WHERE f.shape = 'fan_out'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'fan_out', 'instructional_groups readiness, 30 learners', b.*, backend_peak_kb()
FROM bench($$SELECT count((x).focus_skill) FROM (SELECT unnest(instructional_groups(l.learner::text, l.p, f.g, 3, 4, 6)) x
             FROM whole_learners l, whole_framework f WHERE f.shape = 'fan_out') s$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'whole_whole', 'ready_skills', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, ready_skills(f.g, f.p, 3) r WHERE f.shape = 'whole_whole'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'whole_whole', 'learning_path to T', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, learning_path(f.g, f.p, 'T', 3) x WHERE f.shape = 'whole_whole'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'deep', 'ready_skills', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, ready_skills(f.g, f.p, 3) r WHERE f.shape = 'deep'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'deep', 'learning_path to s.1', b.*, backend_peak_kb()
FROM bench($$SELECT count(*) FROM whole_framework f, learning_path(f.g, f.p, 's.1', 3) x WHERE f.shape = 'deep'$$, :reps) b;
\c
SET jit = off;
INSERT INTO whole_timings SELECT 'part_dependents', 'learning_path to all s.* and d.*', b.*, backend_peak_kb()
FROM bench(format($$SELECT count(*) FROM whole_framework f, learning_path(f.g, f.p, %L::text[], 3) x WHERE f.shape = 'part_dependents'$$,
                  (SELECT array_agg(c) FROM (SELECT 's.' || i FROM generate_series(1, :unlock_parts) i
                                             UNION ALL SELECT 'd.' || i FROM generate_series(1, :unlock_parts) i) t(c))), :reps) b;
\pset tuples_only on
\pset format unaligned

\echo
\echo '### Prerequisites of and on a whole of' :parts 'parts,' :unlock_parts 'in part_dependents (target: under 1 s)'
\echo
\echo '| framework | query | median ms | rows or length | peak MB | under 1 s |'
\echo '|---|---|---:|---:|---:|---|'
SELECT format('| %s | %s | %s | %s | %s | %s |', shape, query, median_ms, value, round(peak_kb / 1024.0),
              CASE WHEN shape = 'fresh backend' THEN '' WHEN median_ms < 1000 THEN 'yes' ELSE 'no' END)
FROM whole_timings ORDER BY ctid;
DROP TABLE whole_framework, whole_learners, whole_timings;
DROP FUNCTION backend_peak_kb();
