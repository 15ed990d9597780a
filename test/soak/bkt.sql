-- BKT: fit one skill from the responses, then one learner's states under
-- the fit (window) and their stored state rolled up with the fitted method
\set skill random(1, 10)
\set learner random(1, 1500)
WITH fit AS MATERIALIZED (
	SELECT bkt_fit(learner::text, seq, correct) AS params FROM responses WHERE skill = standard(:skill)
)
SELECT (SELECT sum(p) FROM (SELECT bkt_state(correct, params) OVER (ORDER BY seq) AS p
                            FROM responses WHERE learner = :learner AND skill = standard(:skill)) s),
       (SELECT mastery(state, params::mastery_method) FROM states
        WHERE learner = :learner AND skill = standard(:skill))
FROM fit;
