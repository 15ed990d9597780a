-- Profiles and paths on the Common Core framework with its real
-- prerequisites, for 120 learners with random profiles, against the same
-- definitions written in SQL: ready skills are the outer fringe, a path is
-- exactly the unmastered skills that lead to the target through unmastered
-- skills, in an order that respects every prerequisite, and nothing on it
-- is mastered.  Profiles equal mastery() skill by skill.
BEGIN;
SELECT plan(13);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.8);
\i test/fixtures/case/common_core_framework.sql

-- learnable skills: those without parts; effective prerequisites: a
-- prerequisite edge between wholes applies to the standards under them
CREATE TEMP TABLE node AS SELECT code, NOT EXISTS (SELECT 1 FROM common_core c2, parts(c2.g, s.code)) AS leaf
FROM common_core, skills(g) s;
CREATE TEMP TABLE under AS            -- every skill and the leaves under it (a leaf: itself)
WITH RECURSIVE d(code, leaf) AS (
	SELECT code, code FROM node WHERE leaf
	UNION
	SELECT e.target, d.leaf FROM d JOIN (SELECT * FROM common_core, edges(g)) e ON e.source = d.code AND e.relation = 'part_of')
SELECT * FROM d;
CREATE TEMP TABLE leaf_prerequisite AS
SELECT DISTINCT a.leaf AS prerequisite, b.leaf AS skill
FROM (SELECT * FROM common_core, edges(g)) e
JOIN under a ON a.code = e.source JOIN under b ON b.code = e.target
WHERE e.relation = 'prerequisite' AND a.leaf <> b.leaf;

-- 120 learners: evidence on a random third of the leaves, academic and behavior
CREATE TEMP TABLE evidence AS
SELECT l AS learner, n.code AS skill,
       mastery_evidence(floor(random() * 5), 4, '2024-09-01'::timestamptz + k * interval '3 days', 1,
                        CASE WHEN random() < 0.05 THEN 'observation' END) AS e
FROM generate_series(1, 120) l, node n, generate_series(1, 3) k
WHERE n.leaf AND random() < 0.33;
CREATE TEMP TABLE profiles AS
SELECT learner, learner_profile(skill, e, 'decaying_average') AS p FROM evidence GROUP BY learner;
-- mastered: a value of 3 or more, or never assessed and a prerequisite of a
-- mastered skill (back through skills never assessed: a mastered skill
-- stands for its prerequisites; any evidence stops the inference)
CREATE INDEX ON leaf_prerequisite (skill);
CREATE TEMP TABLE assessed AS
SELECT learner, x.skill, x.mastery FROM profiles, profile_entries(p) x;
ALTER TABLE assessed ADD PRIMARY KEY (learner, skill);
ANALYZE assessed, leaf_prerequisite;
CREATE TEMP TABLE mastered AS
WITH RECURSIVE m(learner, skill) AS (
	SELECT learner, skill FROM assessed WHERE mastery >= 3
	UNION
	SELECT m.learner, lp.prerequisite FROM m JOIN leaf_prerequisite lp ON lp.skill = m.skill
	WHERE NOT EXISTS (SELECT 1 FROM assessed a WHERE a.learner = m.learner AND a.skill = lp.prerequisite))
SELECT * FROM m;
ALTER TABLE mastered ADD PRIMARY KEY (learner, skill);
ANALYZE mastered, under;

SELECT is((SELECT count(*) FROM (SELECT learner, x.skill, x.mastery FROM profiles, profile_entries(p) x) a
           FULL JOIN (SELECT learner, skill, mastery(e, 'decaying_average') FROM evidence GROUP BY 1, 2) b
           USING (learner, skill) WHERE a.mastery IS DISTINCT FROM b.mastery),
          0::bigint, 'every profile value equals mastery() over the same evidence');

SELECT ok((SELECT count(*) FROM mastered m WHERE NOT EXISTS (SELECT 1 FROM assessed a WHERE a.learner = m.learner AND a.skill = m.skill))
          > 100, 'more than 100 skills never assessed count as mastered through a mastered skill that needs them');
-- ready skills: leaves not mastered whose effective prerequisites all are
SELECT set_eq(
	$$SELECT learner, r FROM profiles, common_core, ready_skills(g, p, 3) r$$,
	$$SELECT pr.learner, n.code FROM profiles pr, node n
	  WHERE n.leaf AND NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = pr.learner AND m.skill = n.code)
	    AND NOT EXISTS (SELECT 1 FROM leaf_prerequisite lp WHERE lp.skill = n.code
	                    AND NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = pr.learner AND m.skill = lp.prerequisite))$$,
	'ready_skills is the outer fringe, as defined in SQL');

-- paths to every grade-6 ratio standard and to a high-school domain cluster
CREATE TEMP TABLE targets (target text);
INSERT INTO targets VALUES ('CCSS.Math.Content.6.RP.A.3'), ('CCSS.Math.Content.8.EE.C.8'), ('CCSS.Math.Content.7.EE.B');
CREATE TEMP TABLE paths AS
SELECT learner, target, x.* FROM profiles, common_core, targets, learning_path(g, p, target, 3) x;
CREATE TEMP TABLE expected_paths AS
WITH RECURSIVE walk(learner, target, skill) AS (
	SELECT pr.learner, t.target, u.leaf FROM profiles pr, targets t JOIN under u ON u.code = t.target
	WHERE NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = pr.learner AND m.skill = u.leaf)
	UNION
	SELECT w.learner, w.target, lp.prerequisite FROM walk w JOIN leaf_prerequisite lp ON lp.skill = w.skill
	WHERE NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = w.learner AND m.skill = lp.prerequisite))
SELECT * FROM walk;
SELECT ok((SELECT count(*) FROM paths) > 1000, 'more than 1,000 path steps to check');
SELECT set_eq($$SELECT learner, target, skill FROM paths$$, $$SELECT learner, target, skill FROM expected_paths$$,
              'a path is exactly the unmastered skills that lead to the target through unmastered skills');
SELECT is((SELECT count(*) FROM paths a JOIN paths b USING (learner, target)
           JOIN leaf_prerequisite lp ON lp.prerequisite = a.skill AND lp.skill = b.skill
           WHERE a.step >= b.step), 0::bigint, 'every prerequisite comes before what needs it');
SELECT is((SELECT count(*) FROM paths JOIN mastered USING (learner, skill)), 0::bigint,
          'nothing on a path is mastered');
SELECT is((SELECT count(*) FROM (SELECT learner, target, count(*) n, count(DISTINCT step) s, max(step) m
                                 FROM paths GROUP BY 1, 2) x WHERE n <> s OR n <> m), 0::bigint,
          'steps are numbered 1..n without gaps or repeats');
SELECT is((SELECT count(*) FROM paths p WHERE ready <> NOT EXISTS (
               SELECT 1 FROM leaf_prerequisite lp WHERE lp.skill = p.skill
               AND NOT EXISTS (SELECT 1 FROM mastered m WHERE m.learner = p.learner AND m.skill = lp.prerequisite))),
          0::bigint, 'ready is true exactly when every prerequisite is mastered');
SELECT is((SELECT count(*) FROM paths WHERE step = 1 AND NOT ready), 0::bigint, 'the first step is always ready');
-- deterministic: the same paths in another query and row order
SELECT results_eq(
	$$SELECT learner, target, step, skill FROM paths ORDER BY 1, 2, 3$$,
	$$SELECT learner, target, x.step, x.skill FROM (SELECT * FROM profiles ORDER BY md5(learner::text)) pr,
	         common_core, targets, learning_path(g, pr.p, target, 3) x ORDER BY 1, 2, 3$$,
	'paths are deterministic');
-- several targets: the union of the single paths
SELECT set_eq(
	$$SELECT learner, x.skill FROM profiles, common_core, learning_path(g, p, ARRAY(SELECT target FROM targets), 3) x$$,
	$$SELECT DISTINCT learner, skill FROM paths$$,
	'a path to several targets covers exactly the union of their paths');
-- behavior and academic skills in one profile
SELECT ok((SELECT count(*) FROM profiles, profile_entries(p) x WHERE 'observation' = ANY (x.kinds)) > 0
          AND (SELECT count(*) FROM profiles, profile_entries(p) x WHERE x.kinds = '{assessment}') > 0,
          'observation and assessment evidence live in the same profiles');
SELECT * FROM finish();
ROLLBACK;
