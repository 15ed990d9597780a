-- The layer's profile, path and group views (test/warehouse/run.sh, after
-- classes.sql placed the 82 assessed students in two sections and listed
-- prerequisites among the 11 standards): their figures against the same
-- figures computed here in plain SQL from the mastery fact and the ODS.
BEGIN;
SELECT plan(12);

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

SELECT * FROM finish();
ROLLBACK;
