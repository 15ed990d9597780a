-- Groups never follow learner ids.  Districts number learners at
-- enrolment, so the highest ids of a section are its late arrivals (often
-- English learners).  On 240 random sections of 27 or 28 learners, in every
-- mode, the three highest ids share a group, and learners with adjacent ids
-- share one, no more often than random placement into groups of the same
-- sizes would put them (the observed count within three standard
-- deviations above the expected).  Taken in id order, readiness groups
-- split runs of ids and put the late arrivals together far more often.
BEGIN;
SELECT plan(8);
SET LOCAL client_min_messages = warning;

-- a small course: two chains and a standard that needs both
CREATE TEMP TABLE course AS
SELECT skill_graph_agg(p, s) AS g
FROM (VALUES ('a1', 'a2'), ('a2', 'a3'), ('b1', 'b2'), ('b2', 'b3'), ('a2', 'c1'), ('b2', 'c1')) v(p, s);

SELECT setseed(0.61);
CREATE TEMP TABLE learners AS
SELECT sec, 'L' || lpad((sec * 100 + i)::text, 6, '0') AS learner, i,
       count(*) OVER (PARTITION BY sec) AS n
FROM generate_series(1, 240) sec, generate_series(1, 27 + sec % 2) i;
-- each learner's mastery of a random prefix of each chain
CREATE TEMP TABLE profiles AS
SELECT l.sec, l.learner, l.i, l.n,
       learner_profile(sk, mastery_evidence(3 + floor(random() * 2)::int, 4, '2024-09-01'), 'latest') AS p
FROM learners l,
     LATERAL (SELECT floor(random() * 4)::int AS na, floor(random() * 4)::int AS nb) d,
     LATERAL (SELECT 'a' || k AS sk FROM generate_series(1, 3) k WHERE k <= d.na
              UNION ALL SELECT 'b' || k FROM generate_series(1, 3) k WHERE k <= d.nb
              UNION ALL SELECT 'a1' WHERE d.na = 0 AND d.nb = 0) s
GROUP BY l.sec, l.learner, l.i, l.n;

CREATE TEMP TABLE placed AS
SELECT m.mode, pr.sec, (x).learner, (x).group_no
FROM (VALUES ('readiness'), ('similar'), ('mixed')) m(mode),
     LATERAL (SELECT sec, instructional_groups(learner, p, (SELECT g FROM course), 3, 4, 6, m.mode) AS gs
              FROM profiles GROUP BY sec) pr,
     LATERAL unnest(pr.gs) x;

SELECT is((SELECT count(*) FROM placed), 3 * (SELECT count(*) FROM learners),
          'every learner placed once in each mode');

-- per section: group sizes, then what random placement into groups of
-- those sizes gives: P(three given learners share a group) and P(two do)
CREATE TEMP TABLE chance AS
SELECT mode, sec, n,
       sum(sz * (sz - 1) * (sz - 2))::float8 / (n * (n - 1) * (n - 2)) AS p3,
       sum(sz * (sz - 1))::float8 / (n * (n - 1)) AS p2
FROM (SELECT mode, sec, group_no, count(*) AS sz FROM placed GROUP BY 1, 2, 3) g
JOIN (SELECT DISTINCT sec, n FROM learners) s USING (sec)
GROUP BY mode, sec, n;

-- the three highest ids of each section together; adjacent ids together
CREATE TEMP TABLE observed AS
SELECT c.mode, c.sec, c.p3, c.p2, c.n,
       (SELECT count(DISTINCT p.group_no) = 1 FROM placed p JOIN learners l USING (sec, learner)
        WHERE p.mode = c.mode AND p.sec = c.sec AND l.i > l.n - 3) AS late_together,
       (SELECT count(*) FROM placed p JOIN placed q ON q.mode = p.mode AND q.sec = p.sec
                          JOIN learners lp ON lp.learner = p.learner JOIN learners lq ON lq.learner = q.learner
        WHERE p.mode = c.mode AND p.sec = c.sec AND lq.i = lp.i + 1 AND p.group_no = q.group_no) AS adjacent_together
FROM chance c;

CREATE FUNCTION pg_temp.no_more_than_chance(m text, what text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    obs float8; expected float8; sd float8;
BEGIN
    IF what = 'late' THEN
        SELECT count(*) FILTER (WHERE late_together), sum(p3), sqrt(sum(p3 * (1 - p3)))
        INTO obs, expected, sd FROM observed WHERE mode = m;
    ELSE
        -- n - 1 adjacent pairs per section, each together with chance p2
        SELECT sum(adjacent_together), sum((n - 1) * p2), sqrt(sum((n - 1) * p2 * (1 - p2)))
        INTO obs, expected, sd FROM observed WHERE mode = m;
    END IF;
    RETURN CASE WHEN obs <= expected + 3 * sd THEN 'within chance'
                ELSE format('%s observed, %s expected by chance (sd %s)', obs, round(expected::numeric, 1), round(sd::numeric, 1)) END;
END $$;

SELECT is(pg_temp.no_more_than_chance('readiness', 'late'), 'within chance',
          'readiness: the three highest ids share a group no more often than chance');
SELECT is(pg_temp.no_more_than_chance('readiness', 'adjacent'), 'within chance',
          'readiness: learners with adjacent ids share a group no more often than chance');
SELECT is(pg_temp.no_more_than_chance('similar', 'late'), 'within chance',
          'similar: the three highest ids share a group no more often than chance');
SELECT is(pg_temp.no_more_than_chance('similar', 'adjacent'), 'within chance',
          'similar: learners with adjacent ids share a group no more often than chance');
SELECT is(pg_temp.no_more_than_chance('mixed', 'late'), 'within chance',
          'mixed: the three highest ids share a group no more often than chance');
SELECT is(pg_temp.no_more_than_chance('mixed', 'adjacent'), 'within chance',
          'mixed: learners with adjacent ids share a group no more often than chance');

-- Late arrivals miss the early skills' evidence.  similar compares two
-- learners over the skills both have a value for, so the three who share
-- that gap share a group no more often than chance (counted as 0, the gap
-- made them look alike: an analyst's trial put 9 of 12 late pairs together)
SELECT setseed(0.37);
CREATE TEMP TABLE gap_course AS
SELECT skill_graph_agg(p, s) AS g FROM (VALUES ('e1', 'l1'), ('e2', 'l2'), ('e3', 'l3')) v(p, s);
CREATE TEMP TABLE gap_profiles AS
SELECT l.sec, l.learner, l.i, l.n,
       learner_profile(sk, mastery_evidence(floor(random() * 9) / 2, 4, '2024-09-01'), 'latest') AS p
FROM learners l,
     LATERAL (SELECT unnest(CASE WHEN l.i > l.n - 3 THEN ARRAY['l1', 'l2', 'l3']
                                 ELSE ARRAY['e1', 'e2', 'e3', 'l1', 'l2', 'l3'] END) AS sk) s
WHERE l.sec <= 120
GROUP BY l.sec, l.learner, l.i, l.n;
CREATE TEMP TABLE gap_placed AS
SELECT pr.sec, (x).learner, (x).group_no
FROM (SELECT sec, instructional_groups(learner, p, (SELECT g FROM gap_course), 3, 4, 6, 'similar') AS gs
      FROM gap_profiles GROUP BY sec) pr,
     LATERAL unnest(pr.gs) x;
SELECT is((SELECT CASE WHEN obs <= expected + 3 * sd THEN 'within chance'
                       ELSE format('%s observed, %s expected by chance (sd %s)', obs, round(expected::numeric, 1), round(sd::numeric, 1)) END
           FROM (SELECT count(*) FILTER (WHERE together) AS obs, sum(p3) AS expected, sqrt(sum(p3 * (1 - p3))) AS sd
                 FROM (SELECT g.sec,
                              (SELECT count(DISTINCT q.group_no) = 1 FROM gap_placed q JOIN learners l USING (sec, learner)
                               WHERE q.sec = g.sec AND l.i > l.n - 3) AS together,
                              sum(sz * (sz - 1) * (sz - 2))::float8 / (max(n) * (max(n) - 1) * (max(n) - 2)) AS p3
                       FROM (SELECT sec, group_no, count(*) AS sz FROM gap_placed GROUP BY 1, 2) g
                       JOIN (SELECT DISTINCT sec, n FROM learners) s USING (sec)
                       GROUP BY g.sec) per_section) t),
          'within chance', 'similar: late arrivals who missed the same early skills share a group no more often than chance');

SELECT * FROM finish();
ROLLBACK;
