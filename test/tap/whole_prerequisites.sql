-- Prerequisites that start or end at a whole, against their meaning written
-- out in SQL: leaf q is a prerequisite of leaf v (q <> v) when an edge runs
-- from q or a whole above q to v or a whole above v.  On random frameworks
-- with wholes (parts of two wholes, prerequisites between wholes that share
-- a standard, standards before their own cluster), ready_skills and
-- learning_path give exactly the sets these pairs give, in an order that
-- respects every pair, and a framework whose pairs loop is an error; then
-- a path of more than 8,192 steps ranked by the pairs, and frameworks of
-- 2,000 parts whose pairs number 4 million.
BEGIN;
SELECT plan(17);
SELECT setseed(0.42);

-- 400 frameworks of 6 to 30 skills at positions 0..n-1: a skill becomes
-- part of one or two later skills among the last half, and prerequisites
-- run forward between random pairs (so the framework itself has no cycle)
CREATE TEMP TABLE fw AS
SELECT f, 6 + floor(random() * 25)::int AS n, random() * 0.4 AS multi, 0.3 + random() * 1.2 AS density
FROM generate_series(1, 400) f;
CREATE TEMP TABLE fw_skill AS
SELECT f, pos, 'k' || pos AS code, pos >= n / 2 AS may_be_whole FROM fw, generate_series(0, n - 1) pos;
CREATE TEMP TABLE fw_edge AS
SELECT DISTINCT a.f, a.code AS source, b.code AS target, 'part_of' AS relation
FROM fw_skill a JOIN fw USING (f)
JOIN LATERAL (SELECT b.code FROM fw_skill b WHERE b.f = a.f AND b.may_be_whole AND b.pos > a.pos
              ORDER BY random() LIMIT CASE WHEN random() < 0.7 THEN 1 ELSE 0 END
                                     + CASE WHEN random() < fw.multi THEN 1 ELSE 0 END) b ON true;
INSERT INTO fw_edge
SELECT a.f, a.code, b.code, 'prerequisite'
FROM fw_skill a JOIN fw USING (f) JOIN fw_skill b ON b.f = a.f AND b.pos > a.pos
WHERE random() < fw.density / fw.n;
-- and, now and then, a part that is a prerequisite of its own whole, or a
-- whole that is a prerequisite of a later whole sharing a part with it
INSERT INTO fw_edge
SELECT f, source, target, 'prerequisite' FROM fw_edge WHERE relation = 'part_of' AND random() < 0.04;
INSERT INTO fw_edge
SELECT DISTINCT a.f, a.target, b.target, 'prerequisite'
FROM fw_edge a JOIN fw_edge b ON b.f = a.f AND b.source = a.source AND b.relation = 'part_of'
JOIN fw_skill x ON x.f = a.f AND x.code = a.target JOIN fw_skill y ON y.f = b.f AND y.code = b.target
WHERE a.relation = 'part_of' AND x.pos < y.pos AND random() < 0.3;
CREATE TEMP TABLE fw_graph AS
SELECT s.f, skill_graph_agg(e.source, s.code, coalesce(e.relation, 'prerequisite')) AS g
FROM fw_skill s LEFT JOIN fw_edge e ON e.f = s.f AND e.target = s.code GROUP BY s.f;

-- the meaning: leaves, the leaves under each skill, the pairs, their loops
CREATE TEMP TABLE fw_under AS
WITH RECURSIVE d(f, code, leaf) AS (
	SELECT f, code, code FROM fw_skill s
	WHERE NOT EXISTS (SELECT 1 FROM fw_edge e WHERE e.f = s.f AND e.target = s.code AND e.relation = 'part_of')
	UNION
	SELECT d.f, e.target, d.leaf FROM d JOIN fw_edge e ON e.f = d.f AND e.source = d.code AND e.relation = 'part_of')
SELECT * FROM d;
CREATE TEMP TABLE fw_pair AS
SELECT DISTINCT e.f, a.leaf AS prerequisite, b.leaf AS skill
FROM fw_edge e JOIN fw_under a ON a.f = e.f AND a.code = e.source JOIN fw_under b ON b.f = e.f AND b.code = e.target
WHERE e.relation = 'prerequisite' AND a.leaf <> b.leaf;
CREATE TEMP TABLE fw_loop AS
WITH RECURSIVE r(f, start, leaf) AS (
	SELECT f, prerequisite, skill FROM fw_pair
	UNION
	SELECT r.f, r.start, p.skill FROM r JOIN fw_pair p ON p.f = r.f AND p.prerequisite = r.leaf)
SELECT DISTINCT f FROM r WHERE start = leaf;

-- three learners per framework: nobody, random values on some skills
-- (wholes too: a whole rated at 3 or more covers the leaves under it)
CREATE TEMP TABLE fw_learner AS
SELECT f, l, coalesce((SELECT jsonb_object_agg(s.code, jsonb_build_object('mastery', round((random() * 4)::numeric, 1), 'out_of', 4))
                       FROM fw_skill s WHERE s.f = fw.f AND random() < 0.2 + 0.25 * l), '{}')::learner_profile AS p
FROM fw, generate_series(0, 2) l;
UPDATE fw_learner SET p = '{}' WHERE l = 0;
-- mastered: rated 3 or more, or under a whole rated so; then, back through
-- the pairs, the prerequisites of a mastered leaf without evidence: no
-- entry of their own, no whole above them rated below 3 (a mastered skill
-- stands for them; evidence stops it)
CREATE TEMP TABLE fw_mastered AS
WITH RECURSIVE m(f, l, skill) AS (
	SELECT x.f, x.l, u.leaf
	FROM fw_learner x CROSS JOIN LATERAL profile_entries(x.p) e JOIN fw_under u ON u.f = x.f AND u.code = e.skill
	WHERE e.mastery >= 3
	UNION
	SELECT m.f, m.l, p.prerequisite FROM m JOIN fw_pair p ON p.f = m.f AND p.skill = m.skill
	WHERE NOT EXISTS (SELECT 1 FROM fw_learner x CROSS JOIN LATERAL profile_entries(x.p) e
	                  JOIN fw_under u ON u.f = x.f AND u.code = e.skill
	                  WHERE x.f = m.f AND x.l = m.l AND u.leaf = p.prerequisite))
SELECT * FROM m;
-- a target per learner: a skill in the later half, often a whole
CREATE TEMP TABLE fw_target AS
SELECT x.f, x.l, (SELECT code FROM fw_skill s WHERE s.f = x.f AND s.may_be_whole ORDER BY random() LIMIT 1) AS target
FROM fw_learner x;

CREATE FUNCTION fw_error(fw int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint; msg text;
BEGIN
	SELECT count(*) INTO n FROM fw_graph, ready_skills(g, '{}', 3) WHERE f = fw;
	RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
	RETURN msg;
END $$;
CREATE TEMP TABLE fw_status AS SELECT f, fw_error(f) AS error FROM fw;

SELECT ok((SELECT count(*) FROM fw_loop) BETWEEN 20 AND 300, 'some frameworks loop through their wholes, most do not');
SELECT ok((SELECT count(DISTINCT e.f) FROM fw_edge e JOIN fw_under a ON a.f = e.f AND a.code = e.source
           JOIN fw_under b ON b.f = e.f AND b.code = e.target AND b.leaf = a.leaf
           WHERE e.relation = 'prerequisite' AND e.f NOT IN (SELECT f FROM fw_loop)) >= 10,
          'in frameworks without loops, prerequisites whose two ends share a standard');
SELECT set_eq($$SELECT f FROM fw_status WHERE error IS NOT NULL$$, $$SELECT f FROM fw_loop$$,
              'exactly the frameworks whose pairs loop are errors');
SELECT is((SELECT count(*) FROM fw_status WHERE error <> 'the prerequisites of the skill graph form a loop between its standards'),
          0::bigint, 'the error says the prerequisites loop between standards');

DELETE FROM fw_learner WHERE f IN (SELECT f FROM fw_loop);
-- ready: leaves not mastered whose every prerequisite is
SELECT set_eq(
	$$SELECT x.f, x.l, r FROM fw_learner x JOIN fw_graph USING (f), ready_skills(g, x.p, 3) r$$,
	$$SELECT x.f, x.l, u.leaf FROM fw_learner x JOIN fw_under u ON u.f = x.f AND u.code = u.leaf
	  WHERE NOT EXISTS (SELECT 1 FROM fw_mastered m WHERE m.f = x.f AND m.l = x.l AND m.skill = u.leaf)
	    AND NOT EXISTS (SELECT 1 FROM fw_pair p WHERE p.f = x.f AND p.skill = u.leaf
	                    AND NOT EXISTS (SELECT 1 FROM fw_mastered m WHERE m.f = x.f AND m.l = x.l AND m.skill = p.prerequisite))$$,
	'ready_skills is the outer fringe of the pairs');
-- paths: the leaves of the target not mastered, and back through the pairs
CREATE TEMP TABLE fw_path AS
SELECT t.f, t.l, x.* FROM fw_target t JOIN fw_learner USING (f, l) JOIN fw_graph USING (f),
	learning_path(g, p, t.target, 3) x;
CREATE TEMP TABLE fw_expected AS
WITH RECURSIVE walk(f, l, skill) AS (
	SELECT t.f, t.l, u.leaf FROM fw_target t JOIN fw_learner USING (f, l) JOIN fw_under u ON u.f = t.f AND u.code = t.target
	WHERE NOT EXISTS (SELECT 1 FROM fw_mastered m WHERE m.f = t.f AND m.l = t.l AND m.skill = u.leaf)
	UNION
	SELECT w.f, w.l, p.prerequisite FROM walk w JOIN fw_pair p ON p.f = w.f AND p.skill = w.skill
	WHERE NOT EXISTS (SELECT 1 FROM fw_mastered m WHERE m.f = w.f AND m.l = w.l AND m.skill = p.prerequisite))
SELECT * FROM walk;
SELECT ok((SELECT count(*) FROM fw_path) > 1000, 'more than 1,000 path steps to check');
SELECT set_eq($$SELECT f, l, skill FROM fw_path$$, $$SELECT f, l, skill FROM fw_expected$$,
              'a path is exactly what the pairs lead to through unmastered skills');
SELECT is((SELECT count(*) FROM fw_path a JOIN fw_path b USING (f, l)
           JOIN fw_pair p ON p.f = a.f AND p.prerequisite = a.skill AND p.skill = b.skill
           WHERE a.step >= b.step), 0::bigint, 'every pair on a path comes in order');
SELECT is((SELECT count(*) FROM (SELECT f, l, count(*) n, count(DISTINCT step) s, max(step) m
                                 FROM fw_path GROUP BY 1, 2) x WHERE n <> s OR n <> m), 0::bigint,
          'steps are numbered 1..n');
SELECT is((SELECT count(*) FROM fw_path x WHERE ready <> NOT EXISTS (
               SELECT 1 FROM fw_pair p WHERE p.f = x.f AND p.skill = x.skill
               AND NOT EXISTS (SELECT 1 FROM fw_mastered m WHERE m.f = x.f AND m.l = x.l AND m.skill = p.prerequisite))),
          0::bigint, 'ready is true exactly when every prerequisite is mastered');

-- Beyond 8,192 steps, what a step unlocks is the path skills that need it
-- directly: its pairs.  600 skills a.i in clusters A.j (one in five in two)
-- come before 9,600 skills t.m in clusters T.k (one in ten in two) inside
-- U.h, through prerequisites between every kind of end; some a.i also come
-- before a T.k and a t.m in it, or before a cluster X.i and an x.i.r in it,
-- X.i inside a Y.i that a cluster A.j comes before too.  Every seventh t.m
-- is mastered, and every a.i assessed at 1 of 4 (assessed below the
-- threshold, so that a mastered t.m does not stand for it).  The a.i need
-- nothing, and each is needed directly by a skill or more, so the path
-- takes them first, by the number of skills not mastered that they unlock,
-- then (all equally close to mastery) by code.
CREATE TEMP TABLE ul_edge AS
SELECT 'a.' || i AS source, 'A.' || (i / 5) AS target, 'part_of' AS relation FROM generate_series(0, 599) i
UNION ALL SELECT 'a.' || i, 'A.' || ((i * 7 + 3) % 120), 'part_of' FROM generate_series(0, 599) i
          WHERE i % 5 = 1 AND (i * 7 + 3) % 120 <> i / 5
UNION ALL SELECT 't.' || m, 'T.' || (m / 20), 'part_of' FROM generate_series(0, 9599) m
UNION ALL SELECT 't.' || m, 'T.' || ((m / 20 + 1) % 480), 'part_of' FROM generate_series(0, 9599) m WHERE m % 10 = 3
UNION ALL SELECT 'T.' || k, 'U.' || (k / 10), 'part_of' FROM generate_series(0, 479) k
UNION ALL SELECT 'a.' || i, 'T.' || (i % 480), 'prerequisite' FROM generate_series(7, 599, 50) i
UNION ALL SELECT 'a.' || i, 't.' || (20 * (i % 480) + 5), 'prerequisite' FROM generate_series(7, 599, 50) i
UNION ALL SELECT 'x.' || i || '.' || r, 'X.' || i, 'part_of' FROM generate_series(9, 599, 25) i, generate_series(0, 4) r
UNION ALL SELECT 'X.' || i, 'Y.' || i, 'part_of' FROM generate_series(9, 599, 25) i
UNION ALL SELECT 'A.' || ((i + 5 * (i % 2)) / 5), 'Y.' || i, 'prerequisite' FROM generate_series(9, 599, 25) i
UNION ALL SELECT 'a.' || i, 'X.' || i, 'prerequisite' FROM generate_series(9, 599, 25) i
UNION ALL SELECT 'a.' || i, 'x.' || i || '.2', 'prerequisite' FROM generate_series(9, 599, 25) i;
INSERT INTO ul_edge
SELECT DISTINCT source, target, 'prerequisite' FROM (
	SELECT 'A.' || floor(random() * 120) AS source, 'T.' || floor(random() * 480) AS target FROM generate_series(1, 300)
	UNION ALL SELECT 'A.' || floor(random() * 120), 'U.' || floor(random() * 48) FROM generate_series(1, 40)
	UNION ALL SELECT 'A.' || floor(random() * 120), 't.' || floor(random() * 9600) FROM generate_series(1, 600)
	UNION ALL SELECT 'a.' || i, 't.' || floor(random() * 9600) FROM generate_series(0, 599) i, generate_series(1, 2)
	UNION ALL SELECT 'a.' || floor(random() * 600), 'T.' || floor(random() * 480) FROM generate_series(1, 200)
	UNION ALL SELECT 'a.' || floor(random() * 600), 'U.' || floor(random() * 48) FROM generate_series(1, 20)) e;
CREATE TEMP TABLE ul_under AS
WITH RECURSIVE d(code, leaf) AS (
	SELECT 'a.' || i, 'a.' || i FROM generate_series(0, 599) i
	UNION ALL SELECT 't.' || m, 't.' || m FROM generate_series(0, 9599) m
	UNION ALL SELECT 'x.' || i || '.' || r, 'x.' || i || '.' || r FROM generate_series(9, 599, 25) i, generate_series(0, 4) r
	UNION
	SELECT e.target, d.leaf FROM d JOIN ul_edge e ON e.source = d.code AND e.relation = 'part_of')
SELECT * FROM d;
CREATE TEMP TABLE ul_unlocks AS
SELECT 'a.' || i AS skill,
       (SELECT count(DISTINCT b.leaf) FROM ul_edge e JOIN ul_under a ON a.code = e.source JOIN ul_under b ON b.code = e.target
        WHERE e.relation = 'prerequisite' AND a.leaf = 'a.' || i
          AND b.leaf NOT IN (SELECT 't.' || m FROM generate_series(0, 9599, 7) m)) AS n
FROM generate_series(0, 599) i;
CREATE TEMP TABLE ul_path AS
SELECT x.* FROM (SELECT skill_graph_agg(source, target, relation) AS g FROM ul_edge) f,
	learning_path(g, (SELECT jsonb_object_agg(code, v::jsonb)
	                  FROM (SELECT 't.' || m, '{"mastery": 4, "out_of": 4}' FROM generate_series(0, 9599, 7) m
	                        UNION ALL SELECT 'a.' || i, '{"mastery": 1, "out_of": 4}' FROM generate_series(0, 599) i) c(code, v))::learner_profile,
	              ARRAY(SELECT 't.' || m FROM generate_series(0, 9599) m UNION ALL SELECT 'Y.' || i FROM generate_series(9, 599, 25) i), 3) x;
SELECT ok((SELECT count(*) FROM ul_path) > 8192 AND (SELECT min(n) FROM ul_unlocks) > 0,
          'a path of more than 8,192 steps, each a.i needed directly');
SELECT results_eq($$SELECT skill FROM ul_path WHERE step <= 600 ORDER BY step$$,
                  $$SELECT skill FROM ul_unlocks ORDER BY n DESC, skill COLLATE "C"$$,
                  'beyond 8,192 steps, the path ranks a step by the path skills that need it directly');

-- 2,000 parts: a whole W that is a prerequisite of 2,000 skills, of a whole
-- T of 2,000 parts, and of skills while its parts need skills of their own
-- (4 million pairs each); every other part of W mastered
CREATE TEMP TABLE big AS
SELECT skill_graph_agg(s, t, r) AS g
FROM (SELECT 'w.' || i, 'W', 'part_of' FROM generate_series(1, 2000) i
      UNION ALL SELECT 'W', 's.' || i, 'prerequisite' FROM generate_series(1, 2000) i
      UNION ALL SELECT 't.' || i, 'T', 'part_of' FROM generate_series(1, 2000) i
      UNION ALL SELECT 'W', 'T', 'prerequisite'
      UNION ALL SELECT 'base.' || i, 'w.' || i, 'prerequisite' FROM generate_series(1, 2000) i) e(s, t, r);
CREATE TEMP TABLE big_learner AS
SELECT (SELECT jsonb_object_agg(code, '{"mastery": 4, "out_of": 4}'::jsonb)
        FROM (SELECT 'w.' || i AS code FROM generate_series(2, 2000, 2) i
              UNION ALL SELECT 'base.' || i FROM generate_series(1, 2000) i) c)::learner_profile AS p;
SELECT set_eq($$SELECT r FROM big, big_learner, ready_skills(g, p, 3) r$$,
              $$SELECT 'w.' || i FROM generate_series(1, 2000, 2) i$$,
              'of 2,000 parts: the parts not mastered are ready, nothing after W is');
SELECT set_eq($$SELECT r FROM big, ready_skills(g, (SELECT jsonb_object_agg('w.' || i, '{"mastery": 4, "out_of": 4}'::jsonb)
                                                    FROM generate_series(1, 2000) i)::learner_profile, 3) r$$,
              $$SELECT 's.' || i FROM generate_series(1, 2000) i
                UNION ALL SELECT 't.' || i FROM generate_series(1, 2000) i$$,
              'of 2,000 parts: with W mastered, its 4,000 dependents are ready, and the 2,000 base.i it stands for are not');
CREATE TEMP TABLE big_path AS SELECT x.* FROM big, big_learner, learning_path(g, p, ARRAY['T', 's.7'], 3) x;
SELECT results_eq(
	$$SELECT count(*), count(*) FILTER (WHERE skill LIKE 'w.%'), count(*) FILTER (WHERE skill LIKE 't.%'),
	         count(*) FILTER (WHERE ready), max(step) FILTER (WHERE skill LIKE 'w.%') < min(step) FILTER (WHERE skill NOT LIKE 'w.%')
	  FROM big_path$$,
	$$VALUES (3001::bigint, 1000::bigint, 2000::bigint, 1000::bigint, true)$$,
	'of 2,000 parts: the path to T and s.7 is the 1,000 parts not mastered, then T''s parts and s.7');
SELECT is((SELECT count(*) FROM big, big_learner, learning_path(g, p, 's.7', 3) x WHERE x.skill LIKE 'w.%' AND x.ready),
          1000::bigint, 'of 2,000 parts: a part whose own prerequisite is mastered is ready');
-- a picture names each pair: a million edges at most
SELECT throws_ok($$SELECT learning_path_to_dot(g, '{}', ARRAY(SELECT 's.' || i FROM generate_series(1, 500) i), 3) FROM big$$,
                 '54000', 'learning path picture would draw more than 1000000 prerequisite edges',
                 'of 2,000 parts: a picture of 500 skills that each need them all is refused');
SELECT * FROM finish();
ROLLBACK;
