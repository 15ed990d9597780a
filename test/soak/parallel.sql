-- Parallel plans under concurrency: parallel scans of the tables the ETL
-- writes, partial states built in workers, serialized and combined in the
-- leader (in half the transactions the leader only gathers)
\set learner random(1, :learners - 99)
\set skill random(1, 50)
\set leader random(0, 1)
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL min_parallel_index_scan_size = 0;
SELECT set_config('parallel_leader_participation', CASE WHEN :leader = 1 THEN 'on' ELSE 'off' END, true);
-- 100 learners x their standards: a parallel scan, aggregated in the leader
SELECT count(*), sum(m) FROM (
	SELECT learner, skill, mastery(e, 'decaying_average') AS m
	FROM evidence WHERE learner BETWEEN :learner AND :learner + 99 GROUP BY learner, skill) s;
-- the same rows pooled per standard (a stream of 100 learners is no grade,
-- but 50 groups of 200 rows are aggregated partially in the workers)
SELECT count(*), sum(m), sum(p) FROM (
	SELECT skill, mastery(e, 'decaying_average') AS m, mastery(e, 'power_law') AS p
	FROM evidence WHERE learner BETWEEN :learner AND :learner + 99 GROUP BY skill) s;
SELECT mastery(mastery_agg(e), 'true_score'), evidence_count(mastery_agg(e)) FROM evidence WHERE skill = standard(:skill);
SELECT mastery(mastery_state_union(state), 'median') FROM states WHERE skill = standard(:skill);
SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, 'latest') FROM evidence
                      WHERE learner BETWEEN :learner AND :learner + 99 GROUP BY learner) p;
SELECT bkt_fit(learner::text, seq, correct, 'restarts=1') FROM responses WHERE skill = standard(1 + :skill % 10);
-- 100 learners' states against a recompute, the recompute in parallel
SELECT soak_check(count(*) = 0, 'learners ' || :learner::text || ' to ' || (:learner + 99)::text || ': '
                                || count(*) || ' states differ from their evidence')
FROM (SELECT learner, skill, state FROM states WHERE learner BETWEEN :learner AND :learner + 99) s
FULL JOIN (SELECT learner, skill, mastery_agg(e) AS state FROM evidence
           WHERE learner BETWEEN :learner AND :learner + 99 GROUP BY learner, skill) r USING (learner, skill)
WHERE s.state IS DISTINCT FROM r.state;
COMMIT;
