-- learner_profile(skill, score, observed_at, method): a profile from raw
-- columns, scores without out_of as mastery(score, observed_at, method)
-- takes them.  What it promises, on random data: every entry is mastery()
-- of its skill's rows with the same method (every method), its evidence
-- count and latest time; for the methods that never read out_of it equals
-- the evidence form's profile of the same scores on any scale but for
-- out_of, which is NULL; the profile is the same in every input order and
-- under parallel partial plans.
BEGIN;
SELECT plan(13);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.47);

-- 300 learners x 10 skills; scores 0 to 4 in halves (zeros for power_law's
-- floor), a few above 4 (nothing is clamped without out_of), ties in time,
-- rows without a score or a time
CREATE TABLE raw_ev AS
SELECT l AS learner, 'S' || s AS skill, k,
       CASE WHEN random() < 0.05 THEN NULL WHEN random() < 0.03 THEN 4 + floor(random() * 3) ELSE floor(random() * 9) / 2 END AS score,
       CASE WHEN random() < 0.03 THEN NULL ELSE '2024-09-01'::timestamptz + floor(random() * 15) * interval '1 day' END AS at
FROM generate_series(1, 300) l, generate_series(1, 10) s, generate_series(1, 9) k
WHERE random() < 0.7;
ANALYZE raw_ev;

-- every method, with options and the parameters that change what it reads
CREATE TEMP TABLE methods (m mastery_method, reads_out_of bool);
INSERT INTO methods VALUES
	('latest', false), ('highest', false), ('average', false), ('weighted_average(weight=0.4)', false),
	('decaying_average', false), ('decaying_average(min_evidence=3, round=2)', false),
	('n_mastery(n=3, threshold=3)', false), ('mode', false), ('mode(tie=recent)', false), ('median', false),
	('mean_recent(n=4)', false), ('power_law', true), ('power_law(at=next, round=3)', true), ('true_score', true),
	('bkt(p_init=0.3, p_learn=0.2, p_guess=0.2, p_slip=0.1, p_forget=0.05, correct_at=3)', true),
	('streak(n=2, threshold=3)', false), ('streak(n=3, threshold=2.5, keep=current)', false);
SELECT is((SELECT count(DISTINCT split_part(m::text, '(', 1)) FROM methods),
          (SELECT count(DISTINCT method) FROM mastery_methods()),
          'the list below has every method');

CREATE TEMP TABLE raw_profiles AS
SELECT m, learner, learner_profile(skill, score, at, m) AS p FROM methods, raw_ev GROUP BY m, learner;

SELECT is((SELECT count(*) FROM (SELECT m, learner, x.skill, x.mastery, x.evidence_count, x.last_observed
                                 FROM raw_profiles, profile_entries(p) x) a
           FULL JOIN (SELECT m, learner, skill, mastery(score, at, m), count(*)::int AS evidence_count,
                             max(at) AS last_observed
                      FROM methods, raw_ev WHERE score IS NOT NULL AND at IS NOT NULL GROUP BY m, learner, skill) b
           USING (m, learner, skill)
           WHERE a.mastery IS DISTINCT FROM b.mastery OR a.evidence_count IS DISTINCT FROM b.evidence_count
              OR a.last_observed IS DISTINCT FROM b.last_observed),
          0::bigint, 'every entry of every method equals mastery(score, observed_at, method), the count and the latest time');
SELECT ok((SELECT count(*) FROM raw_profiles, profile_entries(p) x WHERE x.mastery IS NOT NULL) > 20000,
          'the comparison saw the values (not only NULLs)');
SELECT is((SELECT count(*) FROM raw_profiles r, profile_entries(p) x
           WHERE x.out_of IS DISTINCT FROM CASE WHEN (m::text LIKE 'bkt%') THEN 1 END),
          0::bigint, 'out_of is NULL (scores without a scale), 1 for bkt (a probability)');

-- the methods that never read out_of give the evidence form's values on any
-- scale; only out_of differs
CREATE TEMP TABLE evidence_profiles AS
SELECT m, learner, o.k, learner_profile(skill, mastery_evidence(score, o.k, at), m) AS q
FROM methods, raw_ev, (VALUES (4), (100)) o(k) WHERE NOT reads_out_of GROUP BY m, learner, o.k;
SELECT is((SELECT count(*) FROM raw_profiles r JOIN evidence_profiles e USING (m, learner),
                  LATERAL ((SELECT skill, mastery, trend, evidence_count, last_observed, kinds FROM profile_entries(r.p)
                            EXCEPT SELECT skill, mastery, trend, evidence_count, last_observed, kinds FROM profile_entries(e.q))
                           UNION ALL
                           (SELECT skill, mastery, trend, evidence_count, last_observed, kinds FROM profile_entries(e.q)
                            EXCEPT SELECT skill, mastery, trend, evidence_count, last_observed, kinds FROM profile_entries(r.p))) d),
          0::bigint, 'methods that never read out_of: the skills, values, trends, counts and times of the evidence form, out of 4 or 100');
SELECT is((SELECT count(*) FROM raw_profiles r JOIN evidence_profiles e USING (m, learner)),
          (SELECT count(*) FROM methods, (SELECT DISTINCT learner FROM raw_ev WHERE score IS NOT NULL AND at IS NOT NULL) l, (VALUES (4), (100)) o(k)
           WHERE NOT reads_out_of),
          'and the comparison saw every learner of those methods, on both scales');

-- any input order: the same profiles
CREATE TEMP TABLE shuffled AS
SELECT m, learner, learner_profile(skill, score, at, m) AS p
FROM methods, (SELECT * FROM raw_ev ORDER BY random()) r GROUP BY m, learner;
SELECT is((SELECT count(*) FROM shuffled a FULL JOIN raw_profiles b USING (m, learner)
           WHERE a.p IS DISTINCT FROM b.p),
          0::bigint, 'rows in random order: the same profiles, every method');
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, score, at, 'true_score') AS p
                                 FROM (SELECT * FROM raw_ev ORDER BY at DESC, score DESC) r GROUP BY learner) a
           FULL JOIN (SELECT learner, learner_profile(skill, score, at, 'true_score' ORDER BY at, score) AS p
                      FROM raw_ev GROUP BY learner) b USING (learner)
           WHERE a.p IS DISTINCT FROM b.p),
          0::bigint, 'newest first and oldest first: the same profiles');

-- a method per skill: rows whose learner brings a second method are filed
-- at once; the same values as mastery() with each skill's method
SELECT is((SELECT count(*) FROM (SELECT learner, x.skill, x.mastery
                                 FROM (SELECT learner, learner_profile(skill, score, at,
                                              CASE WHEN skill < 'S5' THEN 'latest' ELSE 'average' END::mastery_method) AS p
                                       FROM (SELECT * FROM raw_ev ORDER BY random()) r GROUP BY learner) q,
                                      profile_entries(p) x) a
           FULL JOIN (SELECT learner, skill, mastery(score, at, CASE WHEN skill < 'S5' THEN 'latest' ELSE 'average' END::mastery_method)
                      FROM raw_ev WHERE score IS NOT NULL AND at IS NOT NULL GROUP BY learner, skill) b
           USING (learner, skill)
           WHERE a.mastery IS DISTINCT FROM b.mastery),
          0::bigint, 'a method per skill: each entry equals mastery() with its method');

-- parallel partial plans (the combine is priced dear: cheap here, in this
-- transaction): workers build partial states, flatten them, the leader merges
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
ALTER FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) COST 1;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP plan := plan || line || E'\n'; END LOOP;
	RETURN plan;
END $$;
SELECT matches(pg_temp.plan_of('SELECT learner, learner_profile(skill, score, at, ''decaying_average'') FROM raw_ev GROUP BY learner'),
               'Partial (Hash|Group)?Aggregate', 'the parallel plan aggregates partially, grouped by learner');
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, score, at, 'decaying_average') AS p
                                 FROM raw_ev GROUP BY learner) a
           FULL JOIN raw_profiles b USING (learner)
           WHERE b.m = 'decaying_average' AND a.p IS DISTINCT FROM b.p),
          0::bigint, 'parallel partial profiles, grouped by learner, equal the serial ones');
SELECT matches(pg_temp.plan_of('SELECT learner_profile(skill, score, at, ''median'') FROM raw_ev'),
               'Partial Aggregate', 'the parallel plan aggregates partially, one group');
SELECT is((SELECT learner_profile(skill, score, at, 'median') FROM raw_ev),
          (SELECT learner_profile(skill, score, at, 'median' ORDER BY k) FROM raw_ev),
          'one group of every row, in parallel: the serial profile');

SELECT * FROM finish();
ROLLBACK;
