-- mastery() over one learner's raw evidence, per standard, with a method
-- drawn at random: the fast path of the aggregate while the ETL appends
\set learner random(1, :learners)
\set method random(1, 4)
SELECT count(*), sum(m) FROM (
	SELECT skill, mastery(e, (ARRAY['decaying_average', 'power_law(at=next)',
	                                'bkt(p_init=0.3, p_learn=0.2, p_guess=0.2, p_slip=0.1)',
	                                'n_mastery(n=2, threshold=3, scale=4)'])[:method]) AS m
	FROM evidence WHERE learner = :learner GROUP BY skill) s;
-- the score-only form over the learner's whole stream, as shares
SELECT mastery(score(e) / out_of(e), observed_at(e), 'true_score'),
       mastery(score(e) / out_of(e), observed_at(e), 'mean_recent(n=5)')
FROM evidence WHERE learner = :learner;
