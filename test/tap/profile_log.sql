-- learner_profile(skill, evidence, method) files each row in its learner's
-- evidence log and replays the log into the skills only when something
-- reads them; a learner whose rows do not fit the log (a second method, or
-- more than 256 distinct out_of/weight/kind terms) has the log filed and
-- the later rows filed at once.  Whatever the path, the arrival order and
-- the plan, the profile equals the one built from stored states (which
-- never use the log) and, skill by skill, mastery() over the same evidence.
BEGIN;
SELECT plan(16);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.31);

-- 300 learners x 12 skills, mixed scales, weights and kinds, ties in time
CREATE TEMP TABLE ev AS
SELECT l AS learner, 'S' || s AS skill, k,
       mastery_evidence(floor(random() * (CASE WHEN s % 3 = 0 THEN 101 ELSE 5 END)),
                        CASE WHEN s % 3 = 0 THEN 100 ELSE 4 END,
                        '2024-09-01'::timestamptz + floor(random() * 20) * interval '1 day',
                        CASE WHEN random() < 0.2 THEN 2 ELSE 1 END,
                        CASE WHEN s = 12 THEN 'behavior' WHEN random() < 0.1 THEN 'practice' END) AS e
FROM generate_series(1, 300) l, generate_series(1, 12) s, generate_series(1, 8) k
WHERE random() < 0.7;

CREATE TEMP TABLE from_states AS
SELECT learner, learner_profile(skill, st, 'decaying_average') AS p
FROM (SELECT learner, skill, mastery_agg(e) AS st FROM ev GROUP BY 1, 2) s GROUP BY learner;

SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, 'decaying_average') AS p
                                 FROM (SELECT * FROM ev ORDER BY random()) r GROUP BY learner) a
           FULL JOIN from_states b USING (learner) WHERE a.p IS DISTINCT FROM b.p),
          0::bigint, 'rows in random order: the profile equals the one built from stored states');
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, 'decaying_average') AS p
                                 FROM (SELECT * FROM ev ORDER BY observed_at(e), k) r GROUP BY learner) a
           FULL JOIN from_states b USING (learner) WHERE a.p IS DISTINCT FROM b.p),
          0::bigint, 'rows in time order: the same profiles');
SELECT is((SELECT count(*) FROM (SELECT learner, x.skill, x.mastery, x.evidence_count, x.last_observed
                                 FROM from_states, profile_entries(p) x) a
           FULL JOIN (SELECT learner, skill, mastery(e, 'decaying_average'), count(*)::int AS evidence_count,
                             max(observed_at(e)) AS last_observed FROM ev GROUP BY 1, 2) b
           USING (learner, skill)
           WHERE a.mastery IS DISTINCT FROM b.mastery OR a.evidence_count IS DISTINCT FROM b.evidence_count
              OR a.last_observed IS DISTINCT FROM b.last_observed),
          0::bigint, 'every entry equals mastery(), the count and the latest time of its evidence');

-- two profiles in one query share one skill dictionary
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, 'decaying_average') AS p,
                                        learner_profile(skill, e, 'highest') AS q FROM ev GROUP BY learner) a
           JOIN from_states b USING (learner)
           JOIN (SELECT learner, learner_profile(skill, st, 'highest') AS q
                 FROM (SELECT learner, skill, mastery_agg(e) AS st FROM ev GROUP BY 1, 2) s GROUP BY learner) c
           USING (learner)
           WHERE a.p IS DISTINCT FROM b.p OR a.q IS DISTINCT FROM c.q),
          0::bigint, 'two profiles in one query: each equals its own built from stored states');

-- grouping sets: every set's profiles from one pass
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, 'decaying_average') AS p
                                 FROM ev GROUP BY GROUPING SETS ((learner), ())) a
           LEFT JOIN from_states b USING (learner)
           WHERE a.learner IS NOT NULL AND a.p IS DISTINCT FROM b.p),
          0::bigint, 'grouping sets: the per-learner profiles are the same');

-- one learner whose rows carry 300 distinct weights: past 256 terms, rows
-- go the direct path, and the log and the direct path meet in one skill
CREATE TEMP TABLE many_terms AS
SELECT 'S' || (i % 3) AS skill, i,
       mastery_evidence(i % 5, 4, '2024-09-01'::timestamptz + i * interval '1 hour', 1 + i / 1000.0) AS e
FROM generate_series(1, 600) i;
SELECT is((SELECT learner_profile(skill, e, 'weighted_average') FROM many_terms),
          (SELECT learner_profile(skill, st, 'weighted_average')
           FROM (SELECT skill, mastery_agg(e) AS st FROM many_terms GROUP BY skill) s),
          'more distinct terms than the log holds: the same profile');
SELECT is((SELECT learner_profile(skill, e, 'average') FROM (SELECT * FROM many_terms ORDER BY i DESC) r),
          (SELECT learner_profile(skill, e, 'average') FROM (SELECT * FROM many_terms ORDER BY i) r),
          'more distinct terms than the log holds: the same profile in either order');

-- 40 skills, each with its own fitted-BKT method: past 32 methods, rows go
-- the direct path
CREATE TEMP TABLE many_methods AS
SELECT 'K' || s AS skill, s, i,
       mastery_evidence((i + s) % 2, 1, '2024-09-01'::timestamptz + i * interval '1 day') AS e,
       format('bkt(p_init=%s, p_learn=0.2, p_guess=0.2, p_slip=0.1)', 0.1 + s / 100.0)::mastery_method AS m
FROM generate_series(1, 40) s, generate_series(1, 6) i;
SELECT is((SELECT learner_profile(skill, e, m) FROM (SELECT * FROM many_methods ORDER BY i, s) r),
          (SELECT learner_profile(skill, st, m)
           FROM (SELECT skill, m, mastery_agg(e) AS st FROM many_methods GROUP BY skill, m) s),
          'a method per skill for 40 skills: the same profile as from stored states');
SELECT is((SELECT count(*) FROM (SELECT x.skill, x.mastery FROM
                                 (SELECT learner_profile(skill, e, m) AS p FROM many_methods) q,
                                 profile_entries(p) x) a
           FULL JOIN (SELECT skill, mastery(e, m) FROM many_methods GROUP BY skill, m) b USING (skill)
           WHERE a.mastery IS DISTINCT FROM b.mastery),
          0::bigint, 'a method per skill for 40 skills: every entry equals mastery() with its method');

-- many learners, two methods, rows by skill: each learner's log is filed
-- at their first row of the second method, and its chunks go on to other
-- learners' logs
CREATE TEMP TABLE two_methods AS
SELECT l AS learner, i, CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' || (i % 5) END AS skill,
       CASE WHEN i % 2 = 0 THEN 'latest' ELSE 'average' END::mastery_method AS m,
       mastery_evidence(i % 5, 4, '2024-09-01'::timestamptz + i * interval '1 hour') AS e
FROM generate_series(1, 50) i, generate_series(1, 400) l;
SELECT is((SELECT count(*) FROM (SELECT learner, learner_profile(skill, e, m) AS p
                                 FROM (SELECT * FROM two_methods ORDER BY skill, i, learner) r GROUP BY learner) a
           FULL JOIN (SELECT learner, learner_profile(skill, st, m) AS p
                      FROM (SELECT learner, skill, m, mastery_agg(e) AS st FROM two_methods GROUP BY 1, 2, 3) s
                      GROUP BY learner) b USING (learner)
           WHERE a.p IS DISTINCT FROM b.p),
          0::bigint, 'logs filed mid-stream, their chunks reused: the same profiles as from stored states');

-- one skill, two methods: an error at the row that brings the second
-- (a learner's second method ends its log)
SELECT throws_ok($$SELECT learner_profile(skill, e, m) FROM (VALUES
	('a', '3/4 @ 2024-09-01'::mastery_evidence, 'average'::mastery_method),
	('b', '3/4 @ 2024-09-01', 'average'),
	('a', '1/4 @ 2024-09-02', 'latest')) v(skill, e, m)$$,
	'22023', 'mastery method changes within one skill of a learner profile',
	'two methods in one skill are an error');
SELECT throws_ok($$SELECT learner_profile(skill, e, m) FROM (VALUES
	('a', '3/4 @ 2024-09-01'::mastery_evidence, 'latest'::mastery_method),
	('a', '1/4 @ 2024-09-02', 'average')) v(skill, e, m)$$,
	'22023', 'mastery method changes within one skill of a learner profile',
	'two methods in one skill are an error, whichever comes first');

-- a conflict in a group that a LIMIT never finalizes is still an error, at its row
SELECT throws_ok($$SET LOCAL enable_sort = off; SELECT l, learner_profile(skill, e, m) IS NOT NULL FROM (VALUES
	(1, 'a', '3/4 @ 2024-09-01'::mastery_evidence, 'average'::mastery_method),
	(2, 'a', '3/4 @ 2024-09-01', 'average'),
	(3, 'a', '3/4 @ 2024-09-01', 'average'),
	(2, 'a', '1/4 @ 2024-09-02', 'latest')) v(l, skill, e, m) GROUP BY l LIMIT 1$$,
	'22023', 'mastery method changes within one skill of a learner profile',
	'a method change is an error at its row, whether or not its group is finalized');

-- more bytes of skill codes than the query's dictionary holds (64 MB):
-- the rows past it are filed at once, with the same result
SELECT is((SELECT learner_profile(lpad(i::text, 1000, 'x'), mastery_evidence(i % 5, 4, '2024-09-01'), 'latest')
           FROM generate_series(1, 68000) i),
          (SELECT learner_profile(code, st, 'latest')
           FROM (SELECT lpad(i::text, 1000, 'x') AS code, mastery_agg(mastery_evidence(i % 5, 4, '2024-09-01')) AS st
                 FROM generate_series(1, 68000) i GROUP BY i) s),
          'more code bytes than the dictionary holds: the same profile');

-- a running window: each row's profile is the profile of the rows so far
-- (the final function reads the log without consuming it)
SELECT is((SELECT count(*) FROM (
	SELECT k, learner_profile(skill, e, 'decaying_average') OVER (ORDER BY k, skill ROWS UNBOUNDED PRECEDING) AS p,
	       row_number() OVER (ORDER BY k, skill) AS n
	FROM ev WHERE learner = 7) w
	WHERE p IS DISTINCT FROM (SELECT learner_profile(skill, e, 'decaying_average')
	                          FROM (SELECT skill, e, row_number() OVER (ORDER BY k, skill) AS n FROM ev WHERE learner = 7) r
	                          WHERE r.n <= w.n)),
	0::bigint, 'a running window profile equals the profile of each prefix');

-- a skill code with a zero byte or too long is refused on the log path too
SELECT throws_ok($$SELECT learner_profile(repeat('x', 1001), '3/4 @ 2024-09-01'::mastery_evidence, 'latest')$$,
	'54000', NULL, 'an over-long skill code is refused');

SELECT * FROM finish();
ROLLBACK;
