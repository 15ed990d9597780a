-- Reads of one learner's stored states while the ETL rewrites them
\set learner random(1, :learners)
\set skill random(1, 20)
SELECT count(*), sum(mastery(state, 'decaying_average')), sum(mastery_at(state, 'latest', '2024-11-01')),
       sum(evidence_count(state)), max(last_observed(state)), sum(length(state::text))
FROM states WHERE learner = :learner;
SELECT count(*), sum(weight_in_result) FROM states, mastery_explain(state, 'weighted_average')
WHERE learner = :learner AND skill = standard(:skill);
-- One statement sees one snapshot, and the ETL commits evidence and states
-- together: the learner's states equal a recompute from their evidence
SELECT soak_check(count(*) = 0, 'learner ' || :learner::text || ': ' || count(*) || ' states differ from their evidence')
FROM (SELECT skill, state FROM states WHERE learner = :learner) s
FULL JOIN (SELECT skill, mastery_agg(e) AS state FROM evidence WHERE learner = :learner GROUP BY skill) r USING (skill)
WHERE s.state IS DISTINCT FROM r.state;
