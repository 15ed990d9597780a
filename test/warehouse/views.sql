-- The layer's profile, path and group views (test/warehouse/run.sh, after
-- classes.sql placed the 82 assessed students in two sections and listed
-- prerequisites among the 11 standards): their figures against the same
-- figures computed here in plain SQL from the mastery fact and the ODS.
BEGIN;
SELECT plan(27);

CREATE TEMP TABLE fact AS SELECT * FROM competency_layer.student_standard_mastery_fact;

-- Rollups: a domain is the average of its standards, a grade of its domains
SELECT is((SELECT count(*) FROM competency_layer.student_rollup_fact), 82 * 9::bigint,
          '82 students x 9 wholes (6 domains, 3 grades) in the rollup');
SELECT is((SELECT count(*) FROM competency_layer.student_rollup_fact r
           JOIN (SELECT student_usi, substring(learning_standard_key FROM '^(CC\.[^.]+\.[A-Za-z]+)\.') AS domain, avg(mastery_value) AS v
                 FROM fact GROUP BY 1, 2) f ON f.student_usi = r.student_usi AND f.domain = r.rollup_key
           WHERE r.rollup_level = 'domain' AND abs(r.mastery_value - f.v) < 1e-9), 82 * 6::bigint,
          'every domain''s value is the mean of its standards'' values');
SELECT is((SELECT count(*) FROM competency_layer.student_rollup_fact r
           JOIN (SELECT student_usi, substring(rollup_key FROM '^(CC\.[^.]+)\.') AS grade, avg(mastery_value) AS v
                 FROM competency_layer.student_rollup_fact WHERE rollup_level = 'domain' GROUP BY 1, 2) f
             ON f.student_usi = r.student_usi AND f.grade = r.rollup_key
           WHERE r.rollup_level = 'grade' AND abs(r.mastery_value - f.v) < 1e-9), 82 * 3::bigint,
          'every grade''s value is the mean of its domains''');

-- The learner profile summary
SELECT is((SELECT count(*) FROM competency_layer.learner_profile_summary s
           JOIN (SELECT student_usi, count(*) FILTER (WHERE mastered) AS m, count(*) AS n FROM fact GROUP BY 1) f USING (student_usi)
           WHERE s.standards_mastered = f.m AND s.standards_assessed = f.n), 82::bigint,
          'standards assessed and mastered equal the fact''s counts for all 82 students');
SELECT is((SELECT count(*) FROM competency_layer.learner_profile_summary s
           JOIN (SELECT e.StudentUSI AS student_usi,
                        count(DISTINCT e.EventDate) FILTER (WHERE c.CodeValue IN ('Excused Absence', 'Unexcused Absence')) AS absent,
                        (SELECT sum(se.TotalInstructionalDays) FROM edfi.Session se
                         WHERE (se.SchoolId, se.SchoolYear, se.SessionName) IN (SELECT DISTINCT e2.SchoolId, e2.SchoolYear, e2.SessionName
                                                                               FROM edfi.StudentSchoolAttendanceEvent e2 WHERE e2.StudentUSI = e.StudentUSI)) AS days
                 FROM edfi.StudentSchoolAttendanceEvent e JOIN edfi.Descriptor c ON c.DescriptorId = e.AttendanceEventCategoryDescriptorId
                 GROUP BY e.StudentUSI) a USING (student_usi)
           WHERE abs(s.attendance_rate - (1 - a.absent::float8 / a.days)) < 1e-12), 16::bigint,
          'the 16 students with attendance records: 1 - days absent / instructional days of their sessions');
SELECT results_eq($$SELECT instructional_days, days_absent, round(attendance_rate::numeric, 4) FROM competency_layer.learner_profile_summary WHERE student_key = '605206'$$,
                  $$VALUES (88, 4, 0.9545)$$, 'hand-checked: 4 absences in an 88-day spring semester is 95.45%');
SELECT is((SELECT sum(discipline_incidents) FROM competency_layer.learner_profile_summary),
          (SELECT count(DISTINCT (b.StudentUSI, b.IncidentIdentifier, b.SchoolId)) FROM edfi.StudentDisciplineIncidentBehaviorAssociation b
           WHERE b.StudentUSI IN (SELECT student_usi FROM fact))::bigint, 'the discipline incidents of the assessed students');

-- Ready standards: not mastered, every listed prerequisite mastered
SELECT is((SELECT count(*) FROM (
               (SELECT student_usi, learning_standard_key FROM competency_layer.ready_standard
                EXCEPT
                SELECT f.student_usi, f.learning_standard_key FROM fact f
                WHERE NOT f.mastered AND NOT EXISTS (SELECT 1 FROM competency_layer.standard_prerequisite p
                                                     JOIN fact q ON q.student_usi = f.student_usi AND q.learning_standard_key = p.prerequisite_id
                                                     WHERE p.learning_standard_id = f.learning_standard_key AND NOT q.mastered))
               UNION ALL
               (SELECT f.student_usi, f.learning_standard_key FROM fact f
                WHERE NOT f.mastered AND NOT EXISTS (SELECT 1 FROM competency_layer.standard_prerequisite p
                                                     JOIN fact q ON q.student_usi = f.student_usi AND q.learning_standard_key = p.prerequisite_id
                                                     WHERE p.learning_standard_id = f.learning_standard_key AND NOT q.mastered)
                EXCEPT
                SELECT student_usi, learning_standard_key FROM competency_layer.ready_standard)) d), 0::bigint,
          'ready standards are exactly the unmastered ones whose prerequisites are all mastered');

-- Learning paths toward CC.6.NS.3: every step unmastered, each after its
-- unmastered prerequisites, ready when they all are mastered; a path for
-- every student who has not mastered the target
SELECT is((SELECT count(DISTINCT student_usi) FROM competency_layer.learning_path_step),
          (SELECT count(*) FROM fact WHERE learning_standard_key = 'CC.6.NS.3' AND NOT mastered), 'a path for every student short of the target');
SELECT is((SELECT count(*) FROM competency_layer.learning_path_step s
           JOIN fact f ON f.student_usi = s.student_usi AND f.learning_standard_key = s.learning_standard_key
           WHERE f.mastered
              OR EXISTS (SELECT 1 FROM competency_layer.standard_prerequisite p
                         JOIN competency_layer.learning_path_step e ON e.student_usi = s.student_usi AND e.learning_standard_key = p.prerequisite_id
                         WHERE p.learning_standard_id = s.learning_standard_key AND e.step >= s.step)
              OR s.ready <> NOT EXISTS (SELECT 1 FROM competency_layer.standard_prerequisite p
                                        JOIN fact q ON q.student_usi = s.student_usi AND q.learning_standard_key = p.prerequisite_id
                                        WHERE p.learning_standard_id = s.learning_standard_key AND NOT q.mastered)), 0::bigint,
          'every step is unmastered, after its prerequisites on the path, and ready exactly when they are all mastered');

-- Groups in the two sections, and their audit
SELECT results_eq($$SELECT section_identifier, count(*), count(DISTINCT student_usi), min(n), max(n)
                    FROM (SELECT *, count(*) OVER (PARTITION BY section_identifier, group_no) AS n FROM competency_layer.section_group) g
                    GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('25590104404Trad211MATH0712011', 41::bigint, 41::bigint, 5::bigint, 6::bigint),
                           ('25590104405Trad210MATH0712011', 41, 41, 5, 6)$$,
                  'each section''s 41 students in groups of 4 to 6, each student once');
SELECT is((SELECT count(*) FROM (
               SELECT a.section_identifier, a.program_name, sum(a.learners) FILTER (WHERE a.subgroup = a.program_name) AS in_program,
                      sum(a.learners) AS everyone, bool_and(abs(a.expected - a.group_size::float8 * a.subgroup_size / a.section_size) < 1e-9) AS expected_ok
               FROM competency_layer.section_group_audit a GROUP BY 1, 2) a
           JOIN (SELECT e.SectionIdentifier::text AS section_identifier, p.ProgramName::text AS program_name, count(DISTINCT e.StudentUSI) AS n
                 FROM edfi.StudentSectionAssociation e JOIN edfi.GeneralStudentProgramAssociation p USING (StudentUSI)
                 WHERE e.SectionIdentifier LIKE '%MATH07%' GROUP BY 1, 2) r USING (section_identifier, program_name)
           WHERE a.in_program = r.n AND a.everyone = 41 AND a.expected_ok),
          (SELECT count(DISTINCT (e.SectionIdentifier, p.ProgramName)) FROM edfi.StudentSectionAssociation e
           JOIN edfi.GeneralStudentProgramAssociation p USING (StudentUSI) WHERE e.SectionIdentifier LIKE '%MATH07%'),
          'the audit counts each program''s students in each section, all 41 learners, expected = group size x program size / section size');

-- Progress toward the target CC.6.NS.3: its prerequisites, transitively,
-- and itself (recounted here from standard_prerequisite), the unmastered
-- ones left while the target is not mastered, the others done
SELECT is((SELECT count(*) FROM competency_layer.path_progress g
           JOIN (WITH RECURSIVE lead (id) AS (SELECT 'CC.6.NS.3'::text
                                              UNION SELECT p.prerequisite_id FROM competency_layer.standard_prerequisite p JOIN lead ON p.learning_standard_id = lead.id)
                 SELECT st.StudentUSI AS student_usi,
                        count(*) - CASE WHEN bool_or(f.mastered AND lead.id = 'CC.6.NS.3') THEN 0 ELSE count(*) FILTER (WHERE f.mastered IS NOT TRUE) END AS done,
                        CASE WHEN bool_or(f.mastered AND lead.id = 'CC.6.NS.3') THEN 0 ELSE count(*) FILTER (WHERE f.mastered IS NOT TRUE) END AS left_
                 FROM edfi.Student st CROSS JOIN lead
                 LEFT JOIN fact f ON f.student_usi = st.StudentUSI AND f.learning_standard_key = lead.id
                 WHERE st.StudentUSI IN (SELECT student_usi FROM fact)
                 GROUP BY 1) r USING (student_usi)
           WHERE g.target_key = 'CC.6.NS.3' AND g.steps_done = r.done AND g.steps_left = r.left_ AND g.steps_total = r.done + r.left_
             AND g.target_reached = (r.left_ = 0)
             AND g.steps_left = (SELECT count(*) FROM competency_layer.learning_path_step s WHERE s.student_usi = g.student_usi)),
          82::bigint, 'path progress of all 82 students: steps done and left equal the plain recount of the target''s prerequisites, and the path''s length');
SELECT results_eq($$SELECT student_key, steps_done, steps_left, round(share_done::numeric, 4), next_standard_key, target_reached
                    FROM competency_layer.path_progress WHERE student_key IN ('604851', '604889') ORDER BY 1$$,
                  $$VALUES ('604851', 0, 6, 0.0000, 'CC.4.NF.1', false), ('604889', 2, 4, 0.3333, 'CC.5.NF.4', false)$$,
                  'hand-checked: 604851 has none of the 6 standards leading to CC.6.NS.3 mastered, next CC.4.NF.1; 604889 two (CC.4.NF.1 and CC.4.NF.4 at 4), four left, first CC.5.NF.4 (its prerequisite CC.4.NF.4 mastered)');

-- Knowledge tracing: fit_bkt() against bkt_fit and bkt_evaluate called
-- here on the item results, numbered per student and standard by
-- administration, then item
\o /dev/null
CALL competency_layer.fit_bkt();
\o
CREATE TEMP TABLE answer AS
SELECT i.StudentUSI AS student_usi, a.LearningStandardId::text AS standard, d.CodeValue = 'Correct' AS correct,
       row_number() OVER (PARTITION BY i.StudentUSI, a.LearningStandardId ORDER BY sa.AdministrationDate, i.IdentificationCode) AS seq
FROM edfi.StudentAssessmentItem i
JOIN edfi.StudentAssessment sa USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
JOIN edfi.AssessmentItemLearningStandard a USING (AssessmentIdentifier, Namespace, IdentificationCode)
JOIN edfi.Descriptor d ON d.DescriptorId = i.AssessmentItemResultDescriptorId
WHERE d.CodeValue IN ('Correct', 'Incorrect');
CREATE TEMP TABLE direct AS
SELECT standard, bkt_fit(student_usi::text, seq, correct) AS p, count(DISTINCT student_usi) AS learners, count(*) AS answers
FROM answer GROUP BY standard;
SELECT is((SELECT count(*) FROM competency_layer.bkt_fit_by_standard b JOIN direct d ON d.standard = b.learning_standard_id
           WHERE ROW(b.p_init, b.p_learn, b.p_guess, b.p_slip, b.p_forget, b.log_likelihood, b.iterations, b.degenerate, b.converged)::bkt_params
                 IS NOT DISTINCT FROM d.p
             AND b.learners = d.learners AND b.answers = d.answers),
          11::bigint, 'the 11 standards'' fits equal bkt_fit on the same answers, with their learners and answers');
SELECT is((SELECT count(*) FROM competency_layer.bkt_fit_by_standard b
           JOIN (SELECT standard, bkt_evaluate(correct, predicted) AS e
                 FROM (SELECT a.standard, a.correct, bkt_correct(a.correct, d.p) OVER (PARTITION BY a.student_usi, a.standard ORDER BY a.seq) AS predicted
                       FROM answer a JOIN direct d USING (standard)) x GROUP BY standard) e ON e.standard = b.learning_standard_id
           WHERE ROW(b.answers, b.auc, b.rmse, b.accuracy, b.log_loss) IS NOT DISTINCT FROM
                 ROW(coalesce((e.e).n, b.answers), (e.e).auc, (e.e).rmse, (e.e).accuracy, (e.e).log_loss)),
          11::bigint, 'and their scores equal bkt_evaluate of bkt_correct on those answers');
-- P(known) by BKT's own recursion in plain SQL: from p_init, each answer's
-- posterior, then the chance of learning; after the last answer, the state
-- at the next opportunity (standards nobody answered twice have no p_learn)
SELECT is((SELECT count(*) FROM competency_layer.bkt_known k
           JOIN (WITH RECURSIVE walk (student_usi, standard, seq, p) AS (
                     SELECT a.student_usi, a.standard, 0::bigint, (d.p).p_init FROM answer a JOIN direct d USING (standard)
                     WHERE a.seq = 1 AND (d.p).p_learn IS NOT NULL
                     UNION ALL
                     SELECT w.student_usi, w.standard, a.seq,
                            post.p + (1 - post.p) * (d.p).p_learn
                     FROM walk w
                     JOIN answer a ON a.student_usi = w.student_usi AND a.standard = w.standard AND a.seq = w.seq + 1
                     JOIN direct d ON d.standard = w.standard
                     CROSS JOIN LATERAL (SELECT greatest(least((d.p).p_guess, 1 - 1e-9), 1e-9) AS g, greatest(least((d.p).p_slip, 1 - 1e-9), 1e-9) AS s) e
                     CROSS JOIN LATERAL (SELECT CASE WHEN a.correct THEN w.p * (1 - e.s) / (w.p * (1 - e.s) + (1 - w.p) * e.g)
                                                     ELSE w.p * e.s / (w.p * e.s + (1 - w.p) * (1 - e.g)) END AS p) post)
                 SELECT DISTINCT ON (student_usi, standard) student_usi, standard, p FROM walk ORDER BY student_usi, standard, seq DESC) r
             ON r.student_usi = k.student_usi AND r.standard = k.learning_standard_key
           WHERE abs(k.p_known - r.p) < 1e-9),
          (SELECT count(*) FROM (SELECT DISTINCT a.student_usi, a.standard FROM answer a JOIN direct d USING (standard) WHERE (d.p).p_learn IS NOT NULL) x),
          'every student''s P(known) of every standard with a p_learn equals BKT''s recursion over their answers');
SELECT results_eq($$SELECT learning_standard_key, answers, right_answers, round(p_known::numeric, 4), known FROM competency_layer.bkt_known
                    WHERE student_key = '604889' AND learning_standard_key IN ('CC.4.NF.2', 'CC.6.RP.3c') ORDER BY 1$$,
                  $$VALUES ('CC.4.NF.2', 1, 0, NULL::numeric, NULL::boolean), ('CC.6.RP.3c', 5, 5, 0.9662, true)$$,
                  'hand-checked: five of five right on CC.6.RP.3c (p_init 0.082, p_learn 0.188, p_guess 0.470, p_slip 0) climbs 0.318, 0.592, 0.801, 0.915, 0.966: known; one answer of a standard nobody answered twice gives no P(known)');

-- Early warning: every student, levels under the policy's ew_ thresholds,
-- recomputed here from the ODS and the fact
SELECT is((SELECT count(*) FROM competency_layer.early_warning), (SELECT count(*) FROM edfi.Student), 'early warning: one row per student');
SELECT is((SELECT count(*) FROM competency_layer.early_warning w
           JOIN (SELECT st.StudentUSI AS student_usi,
                        (SELECT count(DISTINCT (b.IncidentIdentifier, b.SchoolId)) FROM edfi.StudentDisciplineIncidentBehaviorAssociation b
                         WHERE b.StudentUSI = st.StudentUSI) AS incidents,
                        (SELECT count(*) FILTER (WHERE f.mastered)::float8 / nullif(count(*), 0) FROM fact f WHERE f.student_usi = st.StudentUSI) AS share
                 FROM edfi.Student st) r USING (student_usi)
           WHERE w.discipline_incidents = r.incidents
             AND w.discipline_level = CASE WHEN r.incidents >= 3 THEN 'at risk' WHEN r.incidents >= 1 THEN 'warning' ELSE 'on track' END
             AND w.mastered_share IS NOT DISTINCT FROM r.share
             AND w.course_performance_level IS NOT DISTINCT FROM
                 CASE WHEN r.share < 0.5 THEN 'at risk' WHEN r.share < 0.7 THEN 'warning' WHEN r.share IS NOT NULL THEN 'on track' END
             AND w.attendance_level IS NOT DISTINCT FROM
                 CASE WHEN w.attendance_rate < 0.8 THEN 'at risk' WHEN w.attendance_rate < 0.88 THEN 'warning' WHEN w.attendance_rate IS NOT NULL THEN 'on track' END),
          (SELECT count(*) FROM edfi.Student), 'early warning: incidents, share mastered and all three levels equal plain SQL under the default thresholds');
SELECT results_eq($$SELECT student_key, round(attendance_rate::numeric, 4), attendance_level, discipline_incidents, discipline_level,
                           standards_assessed, standards_mastered, course_performance_level, mastery_trend
                    FROM competency_layer.early_warning WHERE student_key IN ('605206', '604851', '604843') ORDER BY 1$$,
                  $$VALUES ('604843', 0.9763, 'on track', 0, 'on track', 11, 7, 'warning', NULL::float8),
                           ('604851', NULL::numeric, NULL::text, 0, 'on track', 11, 2, 'at risk', NULL),
                           ('605206', 0.9545, 'on track', 0, 'on track', 11, 1, 'at risk', NULL)$$,
                  'hand-checked: 1 or 2 of 11 mastered is at risk, 7 of 11 a warning; 97.63% and 95.45% attendance on track, none for 604851; one administration gives no trend');
UPDATE competency_layer.policy SET ew_attendance_warning = 0.96 WHERE learning_standard_id IS NULL;
SELECT is((SELECT attendance_level FROM competency_layer.early_warning WHERE student_key = '605206'), 'warning',
          'the policy''s threshold moves 95.45% to warning');

-- Groups on the course's standards: the graph holds every standard assessed
-- anywhere (grades 4 to 6 here), so without course standards a seventh-grade
-- section's groups may work on a fourth-grade one.  Given MATH-07's
-- standards (here the sixth-grade ones of the assessment), its sections'
-- groups work on those only; other courses' sections keep the whole graph
CREATE TEMP TABLE groups_before AS SELECT * FROM competency_layer.section_group;
SELECT cmp_ok((SELECT count(*) FROM groups_before WHERE local_course_code = 'MATH-07' AND focus_standard_key NOT LIKE 'CC.6.%'), '>', 0::bigint,
              'without course standards, some MATH-07 groups work on a standard of grade 4 or 5');
INSERT INTO competency_layer.course_standard
SELECT DISTINCT 'MATH-07', LearningStandardId FROM edfi.AssessmentItemLearningStandard WHERE LearningStandardId LIKE 'CC.6.%';
SELECT is((SELECT count(*) FROM competency_layer.section_group g
           WHERE g.local_course_code = 'MATH-07'
             AND g.focus_standard_key NOT IN (SELECT learning_standard_id FROM competency_layer.course_standard WHERE course_code = 'MATH-07')),
          0::bigint, 'with them, every MATH-07 group works on one of the course''s standards');
SELECT results_eq($$SELECT section_identifier, count(DISTINCT student_usi) FROM competency_layer.section_group WHERE local_course_code = 'MATH-07' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('25590104404Trad211MATH0712011', 41::bigint), ('25590104405Trad210MATH0712011', 41)$$,
                  'still all 41 students of each section grouped');
SELECT set_eq($$SELECT * FROM competency_layer.section_group WHERE local_course_code <> 'MATH-07'$$,
              $$SELECT * FROM groups_before WHERE local_course_code <> 'MATH-07'$$,
              'sections of courses without listed standards keep their groups on the whole graph');
DELETE FROM competency_layer.course_standard;

-- Pace: MATH-07 given the assessment's 11 standards (the sample links no
-- course to standards), as of Friday 2021-10-15 in the fall semester
-- (Monday 2021-08-23 to Friday 2021-12-17; the sample's calendar is not
-- full, so its 85 weekdays stand in for instructional days: 40 elapsed)
INSERT INTO competency_layer.course_standard SELECT DISTINCT 'MATH-07', LearningStandardId FROM edfi.AssessmentItemLearningStandard;
UPDATE competency_layer.policy SET pace_as_of = '2021-10-15' WHERE learning_standard_id IS NULL;
SELECT is((SELECT count(*) FROM competency_layer.pace p
           JOIN (SELECT student_usi, count(*) FILTER (WHERE mastered) AS m FROM fact GROUP BY 1) f USING (student_usi)
           WHERE p.course_code = 'MATH-07' AND p.standards_total = 11 AND p.standards_mastered = f.m
             AND p.elapsed_basis = 'weekdays' AND p.instructional_days_elapsed = 40 AND p.instructional_days_total = 85
             AND abs(p.elapsed_share - 40.0 / 85) < 1e-12
             AND p.pace_status = CASE WHEN f.m / 11.0 < 40.0 / 85 - 0.1 THEN 'behind' WHEN f.m / 11.0 > 40.0 / 85 + 0.1 THEN 'ahead' ELSE 'on pace' END),
          82::bigint, 'pace: all 82 students in MATH-07, mastered of 11 from the fact, 40 of 85 weekdays of the semester elapsed, status within 10 points');

SELECT * FROM finish();
ROLLBACK;
