-- Instructional groups: 1,000 sections of 30 learners grouped in one query
-- per mode, on the grade 5-7 standards of the Common Core framework with
-- their real prerequisites, and the quality of the groups beside a simple
-- baseline computed in the same run: learners sorted by overall mastery and
-- cut into consecutive groups of the same sizes.
SET work_mem = '256MB';
SET jit = off;

SELECT to_regclass('common_core') IS NULL AS need_framework \gset
\if :need_framework
\o /dev/null
\i test/fixtures/case/common_core_framework.sql
\o
\endif

SELECT setseed(0.25);
-- the course: grade 5-7 standards (learnable skills, no parts) and what is
-- above them, so that earlier grades count as done
CREATE TEMP TABLE course AS
SELECT subgraph(g, ARRAY(SELECT k.code FROM skills(g) k
                         WHERE k.level IN ('05', '06', '07') AND NOT EXISTS (SELECT 1 FROM parts(g, k.code)))) AS g
FROM common_core;
-- 30,000 learners in 1,000 sections of mixed ability: a learner of
-- ability a has mastered a skill of difficulty d (grade 5 about 0.25, grade
-- 6 about 0.5, grade 7 about 0.75, each skill its own) with probability
-- 1 / (1 + exp(-10 (a - d))); values on a 4-point scale, mastered at 3
CREATE TEMP TABLE course_skill AS
SELECT k.code, CASE k.level WHEN '05' THEN 0.25 WHEN '06' THEN 0.5 ELSE 0.75 END + (random() - 0.5) * 0.3 AS difficulty
FROM course c, skills(c.g) k WHERE NOT EXISTS (SELECT 1 FROM parts(c.g, k.code));
CREATE TEMP TABLE learner_ability AS
SELECT l, 'L' || lpad(l::text, 5, '0') AS learner, random() AS ability FROM generate_series(1, 30000) l;
CREATE TEMP TABLE grouping_learner AS
SELECT learner, 1 + (row_number() OVER (ORDER BY md5(learner)) - 1) / 30 AS section, p
FROM (SELECT a.learner,
             jsonb_object_agg(k.code, jsonb_build_object(
                 'mastery', CASE WHEN random() < 1 / (1 + exp(-10 * (a.ability - k.difficulty)))
                                 THEN 3 + round(random()::numeric, 2) ELSE round((random() * 2.9)::numeric, 2) END,
                 'out_of', 4))::learner_profile AS p
      FROM learner_ability a, course_skill k GROUP BY a.learner) x;
CREATE TEMP TABLE learner_ready AS
SELECT learner, r AS skill FROM grouping_learner, course, ready_skills(g, p, 3) r;
CREATE INDEX ON learner_ready (learner, skill);
CREATE TEMP TABLE learner_overall AS
SELECT learner, section, (SELECT avg(x.mastery / x.out_of) FROM profile_entries(p) x) AS overall
FROM grouping_learner;
VACUUM ANALYZE grouping_learner, learner_ready, learner_overall;

\set q_readiness 'SELECT count((x).focus_skill) FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 4, 6)) x FROM grouping_learner, course GROUP BY section) s'
\set q_similar 'SELECT count((x).focus_skill) FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 4, 6, ''similar'')) x FROM grouping_learner, course GROUP BY section) s'
\set q_mixed 'SELECT count((x).group_no) FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 4, 6, ''mixed'')) x FROM grouping_learner, course GROUP BY section) s'
\set q_avg 'SELECT sum(m) FROM (SELECT avg(overall) AS m FROM learner_overall GROUP BY section) s'
-- the planner keeps the aggregate: its groups feed count()
EXPLAIN (VERBOSE, COSTS OFF) :q_readiness;
CREATE TEMP TABLE grouping_timings AS
SELECT 'instructional_groups readiness, 1,000 sections of 30 (groups of 4 to 6)' AS query, b.* FROM bench(:'q_readiness', :reps) b;
INSERT INTO grouping_timings SELECT 'instructional_groups similar, the same sections', b.* FROM bench(:'q_similar', :reps) b;
INSERT INTO grouping_timings SELECT 'instructional_groups mixed, the same sections', b.* FROM bench(:'q_mixed', :reps) b;
INSERT INTO grouping_timings SELECT 'avg(overall mastery) GROUP BY section (baseline scan)', b.* FROM bench(:'q_avg', :reps) b;

-- the groups, and the baseline: consecutive groups by overall mastery, as
-- many as instructional_groups makes, the focus the group's most common
-- ready skill
CREATE TEMP TABLE grouped AS
SELECT mode, section, (x).learner, (x).group_no, (x).focus_skill
FROM (SELECT m.mode, section, unnest(instructional_groups(learner, p, g, 3, 4, 6, m.mode)) x
      FROM grouping_learner, course, (VALUES ('readiness'), ('similar'), ('mixed')) m(mode)
      GROUP BY m.mode, section) s;
INSERT INTO grouped
SELECT 'baseline', section, learner, group_no, NULL
FROM (SELECT o.section, o.learner,
             1 + (row_number() OVER (PARTITION BY o.section ORDER BY o.overall, o.learner) - 1)
                 * k.groups / count(*) OVER (PARTITION BY o.section) AS group_no
      FROM learner_overall o
           JOIN (SELECT section, count(DISTINCT group_no) AS groups FROM grouped
                 WHERE mode = 'readiness' GROUP BY section) k USING (section)) b;
UPDATE grouped b SET focus_skill = f.skill
FROM (SELECT DISTINCT ON (m.section, m.group_no) m.section, m.group_no, r.skill
      FROM grouped m JOIN learner_ready r USING (learner)
      WHERE m.mode = 'baseline'
      GROUP BY m.section, m.group_no, r.skill
      ORDER BY m.section, m.group_no, count(*) DESC, r.skill) f
WHERE b.mode = 'baseline' AND b.section = f.section AND b.group_no = f.group_no;
CREATE INDEX ON grouped (mode, section, group_no);
ANALYZE grouped;

CREATE TEMP TABLE quality AS
SELECT mode,
       -- readiness: learners with a ready skill whose group works on one of them
       (SELECT round(100.0 * count(*) FILTER (WHERE EXISTS (SELECT 1 FROM learner_ready r
                                                            WHERE r.learner = q.learner AND r.skill = q.focus_skill))
                     / count(*), 1)
        FROM grouped q WHERE q.mode = m.mode AND EXISTS (SELECT 1 FROM learner_ready r WHERE r.learner = q.learner))
         AS on_ready_pct,
       -- mixed: spread of group means within a section, and range within a group
       (SELECT round(avg(spread)::numeric, 4) FROM (
            SELECT max(gm) - min(gm) AS spread FROM (
                SELECT q.section, avg(o.overall) AS gm FROM grouped q JOIN learner_overall o USING (learner)
                WHERE q.mode = m.mode GROUP BY q.section, q.group_no) a GROUP BY section) b) AS mean_spread,
       (SELECT round(avg(r)::numeric, 4) FROM (
            SELECT max(o.overall) - min(o.overall) AS r FROM grouped q JOIN learner_overall o USING (learner)
            WHERE q.mode = m.mode GROUP BY q.section, q.group_no) a) AS within_range,
       -- similar: mean profile distance between members of a group
       (SELECT round(avg(profile_distance(a.p, b.p))::numeric, 4)
        FROM grouped x JOIN grouped y ON y.mode = x.mode AND y.section = x.section AND y.group_no = x.group_no
                                      AND y.learner > x.learner
             JOIN grouping_learner a ON a.learner = x.learner JOIN grouping_learner b ON b.learner = y.learner
        WHERE x.mode = m.mode) AS within_distance,
       (SELECT min(c) || '-' || max(c) FROM (SELECT count(*) c FROM grouped q WHERE q.mode = m.mode
                                             GROUP BY section, group_no) z) AS sizes
FROM (VALUES ('readiness'), ('similar'), ('mixed'), ('baseline')) m(mode);

\pset tuples_only on
\pset format unaligned
\echo
\echo '### Instructional groups: 1,000 sections of 30 learners, grade 5-7 Common Core standards'
\echo
\echo '| query | median ms | rows |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', query, median_ms, value) FROM grouping_timings;
\echo
\echo 'Group quality (baseline: sorted by overall mastery, cut into consecutive groups of the same count,'
\echo 'focus the group''s most common ready skill).  on ready: % of learners with a ready skill whose group'
\echo 'works on one of them (readiness: higher is better).  spread: max - min of the group means in a section'
\echo '(mixed: lower is better).  range: max - min overall mastery within a group (mixed: higher is better).'
\echo 'distance: mean profile_distance between two members of a group (similar: lower is better).'
\echo
\echo '| grouping | on ready % | spread of group means | range within group | distance within group | sizes |'
\echo '|---|---:|---:|---:|---:|---|'
SELECT format('| %s | %s | %s | %s | %s | %s |', mode, on_ready_pct, mean_spread, within_range, within_distance, sizes)
FROM quality ORDER BY array_position(ARRAY['readiness', 'similar', 'mixed', 'baseline'], mode);
SELECT format('learners with a ready skill: %s of %s', (SELECT count(DISTINCT learner) FROM learner_ready),
              (SELECT count(*) FROM grouping_learner));
