-- One learner's profile, then what they are ready for and their path to a
-- domain on the shared framework
\set learner random(1, :learners)
\set target random(1, 5)
SELECT count(*) FROM framework f,
	(SELECT learner_profile(skill, e, 'decaying_average(scale=4)') AS p FROM evidence WHERE learner = :learner) lp,
	ready_skills(f.g, lp.p, 3) r;
SELECT count(*), count(*) FILTER (WHERE x.ready) FROM framework f,
	(SELECT learner_profile(skill, state, 'decaying_average(scale=4)') AS p FROM states WHERE learner = :learner) lp,
	learning_path(f.g, lp.p, 'D' || :target::text, 3) x;
-- a profile from stored states equals the profile from the same evidence
SELECT soak_check(a.p = b.p, 'learner ' || :learner::text || ': profile from states differs from the one from evidence')
FROM (SELECT learner_profile(skill, e, 'power_law(scale=4)') AS p FROM evidence WHERE learner = :learner) a,
     (SELECT learner_profile(skill, state, 'power_law(scale=4)') AS p FROM states WHERE learner = :learner) b;
