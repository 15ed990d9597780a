-- The Grand Bend report: mastery by standard from the mastery assessment,
-- and mastery over time from the Algebra I gradebook.
\pset footer off
\pset null '-'

\echo
\echo '=== 1. Mastery by standard: the 2021-04-08 mastery assessment ==='
\echo 'Each item result is evidence on the four-point scale (score / max * 4).'
\echo 'average: mean of a student''s items on the standard; levels from proficiency_level(average, 4):'
\echo 'Beginning < 2 <= Developing < 3 <= Proficient < 3.6 <= Advanced.'
\echo 'mastered: Canvas n_mastery(n=2, threshold=3) is not NULL (two items at 3 or above).'
\echo
WITH per_student AS (
	SELECT student, standard, count(*) AS items,
	       mastery(evidence, 'average') AS average,
	       mastery(evidence, 'n_mastery(n=2, threshold=3)') AS twice
	FROM standard_evidence
	GROUP BY student, standard)
SELECT p.standard, s.grade_level AS grade,
       left(coalesce(nullif(split_part(s.description, ' ~ ', 2), ''), s.description), 48) AS "standard (excerpt)",
       max(items) AS items, count(*) AS students,
       round(avg(average)::numeric, 2) AS "mean average",
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Beginning') AS beginning,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Developing') AS developing,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Proficient') AS proficient,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Advanced') AS advanced,
       CASE WHEN max(items) >= 2 THEN count(twice)::text ELSE 'n/a' END AS mastered
FROM per_student p JOIN learning_standard s USING (standard)
GROUP BY p.standard, s.grade_level, s.description
ORDER BY p.standard;

\echo
\echo '=== 2. Students to regroup: most standards below Proficient ==='
\echo
WITH per_student AS (
	SELECT student, standard, mastery(evidence, 'average') AS average
	FROM standard_evidence GROUP BY student, standard)
SELECT student,
       count(*) FILTER (WHERE proficiency_level(average, 4) IN ('Beginning', 'Developing')) AS "below proficient",
       count(*) AS standards,
       string_agg(standard || ' ' || round(average::numeric, 1), ', ' ORDER BY average, standard)
           FILTER (WHERE proficiency_level(average, 4) = 'Beginning') AS "Beginning on (average)"
FROM per_student
GROUP BY student
ORDER BY 2 DESC, student
LIMIT 8;

\echo
\echo '=== 3. Mastery over time: Algebra I gradebook, 10 dated grades per student ==='
\echo 'Grades out of 100 in date order; the same evidence under four policies,'
\echo 'rounded to whole points, with proficiency_level(value, 100): 50 / 75 / 90 cuts.'
\echo
SELECT student,
       string_agg(score(evidence)::int::text, ' ' ORDER BY evidence) AS "grades in date order",
       mastery(evidence, 'latest') AS latest,
       mastery(evidence, 'decaying_average(weight=0.65, round=0)') AS decaying,
       mastery(evidence, 'power_law(round=0)') AS power_law,
       mastery(evidence, 'true_score(round=0)') AS true_score,
       proficiency_level(mastery(evidence, 'decaying_average'), 100) AS "level (decaying)"
FROM gradebook_evidence
GROUP BY student
ORDER BY student;

\echo
\echo '=== 4. Does the policy change the level? Same 25 students ==='
\echo
WITH levels AS (
	SELECT student, m AS policy,
	       proficiency_level(mastery(evidence, m::mastery_method), 100) AS level
	FROM gradebook_evidence,
	     (VALUES ('average'), ('latest'), ('decaying_average'), ('weighted_average'),
	             ('power_law'), ('true_score'), ('mean_recent(n=3)')) policies(m)
	GROUP BY student, m)
SELECT l.policy,
       count(*) FILTER (WHERE l.level = 'Advanced') AS advanced,
       count(*) FILTER (WHERE l.level = 'Proficient') AS proficient,
       count(*) FILTER (WHERE l.level = 'Developing') AS developing,
       count(*) FILTER (WHERE l.level = 'Beginning') AS beginning,
       count(*) FILTER (WHERE l.level <> a.level) AS "level differs from average"
FROM levels l JOIN levels a ON a.student = l.student AND a.policy = 'average'
GROUP BY l.policy
ORDER BY l.policy = 'average' DESC, l.policy;

\echo
\echo '=== 5. Learner profiles: standards rolled up to clusters and domains, beside attendance and discipline ==='
\echo 'One learner_profile per student from the mastery assessment (decaying average on the'
\echo '4-point scale) and a placement on grades K-3, rolled up the Common Core hierarchy with'
\echo 'profile_rollup; a standard counts as mastered at 3 of 4.  Absences and discipline'
\echo 'incidents from the same sample district.'
\echo
-- Placement: these are grade 4-6 students, and the sample holds no evidence
-- on earlier grades, which a path would otherwise send them back to.  Each
-- gets one observation (4/4 at the end of grade 3) on every standard of
-- grades K-3, the way a district seeds profiles from last year's report card.
CREATE VIEW placement_evidence AS
SELECT s.student, k.code AS skill, mastery_evidence(4, 4, '2020-06-15', 1, 'observation') AS evidence
FROM (SELECT DISTINCT student FROM framework_evidence) s, common_core, skills(g) k
WHERE k.level IN ('KG', '01', '02', '03') AND NOT EXISTS (SELECT 1 FROM parts(g, k.code));
CREATE TABLE learner_profiles AS
SELECT student, learner_profile(skill, evidence, 'decaying_average(scale=4)') AS profile
FROM (SELECT * FROM framework_evidence UNION ALL SELECT * FROM placement_evidence) e
GROUP BY student;
CREATE TABLE rolled_up AS
SELECT student, profile_rollup(profile, g) AS profile FROM learner_profiles, common_core;
CREATE TABLE domains AS
SELECT code, title FROM common_core, skills(g) WHERE kind = 'Domain';
SELECT p.student,
       (SELECT count(*) FROM profile_entries(lp.profile) x WHERE 'assessment' = ANY (x.kinds)) AS assessed,
       (SELECT count(*) FROM profile_entries(lp.profile) x WHERE 'assessment' = ANY (x.kinds) AND x.mastery >= 3) AS mastered,
       (SELECT string_agg(format('%s %s', d.title, round(x.mastery::numeric, 1)), ', ' ORDER BY d.title)
        FROM profile_entries(p.profile) x JOIN domains d ON d.code = x.skill
        WHERE d.title IN ('Number and Operations—Fractions', 'The Number System', 'Ratios and Proportional Relationships'))
         AS "three domains (average of clusters)",
       (SELECT replace(x.skill, 'CCSS.Math.Content.', '') FROM profile_entries(lp.profile) x
        WHERE 'assessment' = ANY (x.kinds) ORDER BY x.mastery, x.skill LIMIT 1) AS "greatest need",
       (SELECT count(*) FROM attendance_event a WHERE a.student = p.student AND a.category LIKE '%Absence') AS absences,
       (SELECT count(*) FROM discipline_incident i WHERE i.student = p.student) AS incidents
FROM rolled_up p JOIN learner_profiles lp USING (student)
ORDER BY incidents DESC, absences DESC, p.student
LIMIT 8;

\echo
\echo '=== 6. What next: ready skills, and a learning path toward 7.NS.A (operations with rational numbers) ==='
\echo 'ready_skills: standards not mastered whose prerequisites all are.  learning_path: exactly the'
\echo 'unmastered standards that lead to the cluster through unmastered ones, each after its prerequisites.'
\echo 'A mastered standard stands for its prerequisites never assessed (they count as mastered).'
\echo
SELECT student,
       (SELECT count(*) FROM common_core, ready_skills(g, profile, 3)) AS "ready now",
       (SELECT count(*) FROM common_core, learning_path(g, profile, 'CCSS.Math.Content.7.NS.A', 3)) AS "path length",
       (SELECT string_agg(replace(l.skill, 'CCSS.Math.Content.', ''), ' -> ' ORDER BY l.step)
        FROM common_core, learning_path(g, profile, 'CCSS.Math.Content.7.NS.A', 3) l WHERE l.step <= 6) AS "first six steps"
FROM learner_profiles
WHERE student IN (SELECT student FROM learner_profiles ORDER BY student LIMIT 3)
   OR student = (SELECT student FROM learner_profiles
                 ORDER BY (SELECT count(*) FROM profile_entries(profile) x WHERE x.mastery >= 3) DESC, student LIMIT 1)
ORDER BY student;

\echo
\echo '=== 7. One student on the framework: the path toward 7.NS.A as a picture ==='
SELECT student AS picture_student FROM learner_profiles
ORDER BY (SELECT count(*) FROM profile_entries(profile) x WHERE x.mastery >= 3) DESC, student LIMIT 1 \gset
-- for people: short codes in the labels (titles stay on hover), a title
-- naming the student, and a legend
SELECT regexp_replace(
         regexp_replace(learning_path_to_dot(g, profile, 'CCSS.Math.Content.7.NS.A', 3),
                        'label="([0-9]+\. )?CCSS\.Math\.Content\.', 'label="\1', 'g'),
         '^digraph learning_path \{',
         format(E'digraph learning_path {\n  label="Path of %s toward 7.NS.A (operations with rational numbers): numbered steps, each after its prerequisites";\n  labelloc=t; fontsize=18;\n'
                '  subgraph cluster_legend { label="legend"; fontsize=12; style=rounded;\n'
                '    legend_mastered [label="mastered (its value of 4 beneath, when it has one)", shape=box, style="rounded,filled", fillcolor=palegreen];\n'
                '    legend_ready [label="n. ready to learn now", shape=box, style="rounded,filled", fillcolor=gold];\n'
                '    legend_later [label="n. not ready yet", shape=box, style="rounded,filled", fillcolor=lightgrey]; }',
                (SELECT first_name || ' ' || last_name FROM student_name n WHERE n.student = :'picture_student'))) AS dot
FROM common_core, learner_profiles WHERE student = :'picture_student' \gset
\set dot_file demo/output/path_:picture_student.dot
\o :dot_file
\qecho :dot
\o
\echo 'wrote' :dot_file '(Graphviz DOT; demo/run.sh renders it as SVG): the path in steps, ready gold, not yet ready grey, the mastered standards it builds on green'

\echo
\echo '=== 8. Instructional groups for a section, and an audit of the grouping ==='
\echo 'The sample has no class rosters: its 82 sixth graders are cut into three sections by student id.'
\echo 'The course: the 11 standards of the mastery assessment (with their parts) and the prerequisites'
\echo 'among them.  Groups of 4 to 6, a standard mastered at 3 of 4.  readiness: learners ready for the'
\echo 'same standard (its prerequisites mastered, itself not) work on it together; similar: closest'
\echo 'profiles, focus the group''s most common need; mixed: each group spans the range, equal means.'
\echo
CREATE TABLE course AS
SELECT subgraph(g, ARRAY(SELECT DISTINCT skill FROM framework_evidence)) AS g FROM common_core;
CREATE TABLE section_roster AS
SELECT student, 1 + (row_number() OVER (ORDER BY student) - 1) * 3 / count(*) OVER () AS section
FROM learner_profiles;
CREATE TABLE section_groups AS
SELECT r.mode, r.section, (x).learner AS student, (x).group_no, (x).focus_skill
FROM (SELECT mode, section, unnest(instructional_groups(student, profile, g, 3, 4, 6, mode)) x
      FROM section_roster JOIN learner_profiles USING (student), course,
           (VALUES ('readiness'), ('similar'), ('mixed')) m(mode)
      GROUP BY mode, section) r;
SELECT g.mode, g.group_no AS "group", replace(g.focus_skill, 'CCSS.Math.Content.', '') AS focus,
       count(*) AS size,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM learner_profiles lp, course, ready_skills(course.g, lp.profile, 3) r
                                      WHERE lp.student = g.student AND r = g.focus_skill)) AS "ready for it",
       round(avg((SELECT avg(x.mastery) FROM learner_profiles lp, profile_entries(lp.profile) x
                  WHERE lp.student = g.student AND 'assessment' = ANY (x.kinds)))::numeric, 2) AS "mean mastery",
       string_agg(g.student, ' ' ORDER BY g.student) AS students
FROM section_groups g
WHERE g.section = 1
GROUP BY g.mode, g.group_no, g.focus_skill
ORDER BY array_position(ARRAY['readiness', 'similar', 'mixed'], g.mode), g.group_no;

\echo
\echo 'The audit: are students absent 4 or more days (16 of the 82) spread over the readiness groups'
\echo 'as random grouping would spread them?  group_disproportionality flags a count that random'
\echo 'grouping of the same sizes would make unlikely (two-sided exact test, Holm-corrected, 0.05).'
\echo
CREATE TABLE absence_subgroup AS
SELECT student, CASE WHEN (SELECT count(*) FROM attendance_event a
                           WHERE a.student = lp.student AND a.category LIKE '%Absence') >= 4
                     THEN 'absent 4+ days' ELSE 'absent 0-3 days' END AS subgroup
FROM learner_profiles lp;
SELECT section, (d).group_no AS "group", (d).subgroup, (d).learners, round((d).share::numeric, 2) AS share,
       round((d).ratio::numeric, 2) AS ratio, (d).flagged
FROM (SELECT section, unnest(group_disproportionality(group_no, subgroup)) d
      FROM section_groups JOIN absence_subgroup USING (student)
      WHERE mode = 'readiness' GROUP BY section) x
WHERE (d).subgroup = 'absent 4+ days'
ORDER BY section, 2;
SELECT count(*) FILTER (WHERE (d).flagged) AS "flagged cells", count(*) AS cells
FROM (SELECT unnest(group_disproportionality(group_no, subgroup)) d
      FROM section_groups JOIN absence_subgroup USING (student)
      WHERE mode = 'readiness' GROUP BY section) x;
\echo
\echo '## 9. Knowledge tracing: BKT fitted per standard from the item responses'
\echo
\echo 'bkt_fit fits Bayesian Knowledge Tracing to every student''s answers on a standard''s items, in'
\echo 'the order of the test (item code), one GROUP BY for all 11 standards; degenerate marks a fit'
\echo 'where guessing explains the answers better than knowing (p_guess > 1 - p_slip, or either above 0.5).'
\echo 'The fitted parameters become a mastery method: P(known) after each student''s last item.'
\echo 'A standard with one item per student shows nothing of learning: its p_learn is NULL, no P(known).'
\echo
CREATE TABLE item_response AS
SELECT r.student, i.standard, r.administered_at, r.item,
       row_number() OVER (PARTITION BY r.student, i.standard ORDER BY r.administered_at, r.item) AS seq,
       r.result = 'Correct' AS correct
FROM item_result r JOIN assessment_item i USING (item);
CREATE TABLE standard_bkt AS
SELECT standard, bkt_fit(student, seq, correct) AS params FROM item_response GROUP BY standard;
SELECT b.standard, n.items AS "items each",
       round((params).p_init::numeric, 2) AS p_init, round((params).p_learn::numeric, 2) AS p_learn,
       round((params).p_guess::numeric, 2) AS p_guess, round((params).p_slip::numeric, 2) AS p_slip,
       (params).degenerate,
       k.likely AS "P(known) >= 0.8", k.students
FROM standard_bkt b
JOIN (SELECT standard, max(seq) AS items FROM item_response GROUP BY standard) n USING (standard)
LEFT JOIN (SELECT standard, count(*) FILTER (WHERE p >= 0.8) AS likely, count(*) AS students
      FROM (SELECT r.student, r.standard,
                   mastery(r.correct::int::float8, r.administered_at + r.seq * interval '1 second',
                           b.params::mastery_method) AS p
            FROM item_response r JOIN standard_bkt b USING (standard)
            WHERE (b.params).p_learn IS NOT NULL
            GROUP BY r.student, r.standard, b.params) m
      GROUP BY standard) k USING (standard)
ORDER BY n.items DESC, b.standard;
\echo
\echo '## 10. Item effects: a p_guess and p_slip per item (KT-IDEM)'
\echo
\echo 'One standard''s items are not equally hard.  bkt_item_fit fits BKT with a p_guess and a p_slip'
\echo 'per item and shared p_init and p_learn, starting from the plain fit of the same answers, so its'
\echo 'log-likelihood is never below the plain one.  Per standard with two or more items: both'
\echo 'log-likelihoods, and the items easiest and hardest to guess right without knowing the standard.'
\echo
CREATE TABLE standard_item_bkt AS
SELECT standard, bkt_item_fit(student, seq, correct, item) AS fit
FROM item_response
WHERE standard IN (SELECT standard FROM item_response GROUP BY standard HAVING count(DISTINCT item) >= 2)
GROUP BY standard;
SELECT f.standard, cardinality((fit).items) AS items,
       round((params).log_likelihood::numeric, 1) AS "plain LL",
       round((fit).log_likelihood::numeric, 1) AS "item LL",
       round((params).p_guess::numeric, 2) AS "plain p_guess",
       (SELECT i || ' ' || round(g::numeric, 2) FROM unnest((fit).items, (fit).p_guess) u(i, g) ORDER BY g, i LIMIT 1) AS "lowest p_guess",
       (SELECT i || ' ' || round(g::numeric, 2) FROM unnest((fit).items, (fit).p_guess) u(i, g) ORDER BY g DESC, i LIMIT 1) AS "highest p_guess",
       (fit).degenerate
FROM standard_item_bkt f JOIN standard_bkt b USING (standard)
ORDER BY (fit).log_likelihood - (params).log_likelihood DESC, f.standard
LIMIT 6;
\echo
\echo 'Each answer weighed by its own item: P(known) before each of one student''s answers on the'
\echo 'standard with the most items, plain beside item effects.'
\echo
SELECT r.seq, r.item, r.correct,
       round(bkt_state(r.correct, b.params) OVER w::numeric, 3) AS "plain P(known)",
       round(bkt_state(r.correct, f.fit, r.item) OVER w::numeric, 3) AS "item P(known)",
       round(bkt_correct(r.correct, f.fit, r.item) OVER w::numeric, 3) AS "item P(right)"
FROM item_response r JOIN standard_bkt b USING (standard) JOIN standard_item_bkt f USING (standard)
WHERE (r.student, r.standard) = (SELECT student, standard FROM item_response
                                 WHERE standard IN (SELECT standard FROM standard_item_bkt)
                                 ORDER BY seq DESC, standard, student LIMIT 1)
WINDOW w AS (ORDER BY r.seq)
ORDER BY r.seq;
