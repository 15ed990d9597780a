-- The layer over time (test/warehouse/run.sh, after classes.sql placed the
-- 82 assessed students in Giles's and Hartman's fall sections): a second
-- administration on 2021-10-01 (week 6 of the fall semester), then pace as
-- it stood before and after it, in weekdays and then in a full Ed-Fi
-- calendar, against figures recomputed here in plain SQL from the ODS.
-- The fixture: each of Hartman's 41 students answers every item of the
-- assessment again, right or wrong by a hash of student and item; in
-- Giles's section the student with the second-lowest mean mastery answers
-- every item right (the one who moves) and nobody else there answers again.
BEGIN;
SELECT plan(8);

CREATE TEMP TABLE section_of AS
SELECT e.StudentUSI AS student_usi, e.SectionIdentifier::text AS section_identifier
FROM edfi.StudentSectionAssociation e
WHERE e.SectionIdentifier IN ('25590104405Trad210MATH0712011', '25590104404Trad211MATH0712011');
-- Giles's students by mean mastery (plain SQL over the ODS: raw / max x 4
-- averaged per standard, then over standards), lowest first
CREATE TEMP TABLE giles_rank AS
SELECT r.student_usi, row_number() OVER (ORDER BY r.mean, st.StudentUniqueId) AS n
FROM (SELECT x.student_usi, avg(x.v) AS mean
      FROM (SELECT i.StudentUSI AS student_usi, a.LearningStandardId, avg(i.RawScoreResult / ai.MaxRawScore) * 4 AS v
            FROM edfi.StudentAssessmentItem i
            JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
            JOIN edfi.AssessmentItemLearningStandard a USING (AssessmentIdentifier, Namespace, IdentificationCode)
            GROUP BY 1, 2) x
      WHERE x.student_usi IN (SELECT student_usi FROM section_of WHERE section_identifier = '25590104405Trad210MATH0712011')
      GROUP BY 1) r
JOIN edfi.Student st ON st.StudentUSI = r.student_usi;

INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate)
SELECT a.AssessmentIdentifier, a.Namespace, 'fall-' || s.student_usi, s.student_usi, timestamp '2021-10-01 15:00'
FROM (SELECT student_usi FROM section_of WHERE section_identifier = '25590104404Trad211MATH0712011'
      UNION ALL SELECT student_usi FROM giles_rank WHERE n = 2) s
CROSS JOIN (SELECT AssessmentIdentifier, Namespace FROM edfi.Assessment LIMIT 1) a;
INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI,
                                        IdentificationCode, AssessmentItemResultDescriptorId, RawScoreResult)
SELECT ai.AssessmentIdentifier, ai.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI, ai.IdentificationCode,
       (SELECT DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%AssessmentItemResultDescriptor' AND CodeValue = r.result),
       CASE r.result WHEN 'Correct' THEN ai.MaxRawScore ELSE 0 END
FROM edfi.StudentAssessment sa
JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace)
CROSS JOIN LATERAL (SELECT CASE WHEN sa.StudentUSI IN (SELECT student_usi FROM giles_rank)
                                  OR abs(hashtext(sa.StudentUSI || ai.IdentificationCode)) % 3 > 0
                                THEN 'Correct' ELSE 'Incorrect' END AS result) r
WHERE sa.StudentAssessmentIdentifier LIKE 'fall-%';
\o /dev/null
CALL competency_layer.refresh();
\o

-- Standards mastered as of the end of a day, recomputed from the ODS: the
-- mean of raw / max over the items answered by then, x 4, at least 3
CREATE FUNCTION pg_temp.mastered_by(d date) RETURNS TABLE (student_usi int, mastered bigint) LANGUAGE sql AS $$
SELECT s.student_usi, count(*) FILTER (WHERE x.v >= 3)
FROM section_of s
LEFT JOIN (SELECT i.StudentUSI AS student_usi, a.LearningStandardId, avg(i.RawScoreResult / ai.MaxRawScore) * 4 AS v
           FROM edfi.StudentAssessmentItem i
           JOIN edfi.StudentAssessment sa USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
           JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
           JOIN edfi.AssessmentItemLearningStandard a USING (AssessmentIdentifier, Namespace, IdentificationCode)
           WHERE sa.AdministrationDate < d + 1
           GROUP BY 1, 2) x USING (student_usi)
GROUP BY s.student_usi
$$;

-- Pace: MATH-07 given the assessment's 11 standards.  The fall semester
-- (2021-08-23, a Monday, to 2021-12-17, a Friday) has 85 weekdays; by
-- Thursday 2021-09-30, 29 of them (five weeks and four days), by Friday
-- 2021-10-01, 30.
INSERT INTO competency_layer.course_standard SELECT DISTINCT 'MATH-07', LearningStandardId FROM edfi.AssessmentItemLearningStandard;
SELECT is((SELECT count(*) FROM competency_layer.pace_as_of('2021-09-30') p JOIN pg_temp.mastered_by('2021-09-30') m USING (student_usi)
           WHERE p.course_code = 'MATH-07' AND p.standards_total = 11 AND p.standards_mastered = m.mastered
             AND p.as_of_date = '2021-09-30' AND p.elapsed_basis = 'weekdays'
             AND p.instructional_days_elapsed = 29 AND p.instructional_days_total = 85 AND p.elapsed_share = 29.0 / 85
             AND p.pace_status = CASE WHEN m.mastered / 11.0 < 29.0 / 85 - 0.1 THEN 'behind'
                                      WHEN m.mastered / 11.0 > 29.0 / 85 + 0.1 THEN 'ahead' ELSE 'on pace' END),
          82::bigint, 'pace as of 2021-09-30: all 82 students, mastered from April''s evidence only, 29 of 85 weekdays');
SELECT is((SELECT count(*) FROM competency_layer.pace_as_of('2021-10-01') p JOIN pg_temp.mastered_by('2021-10-01') m USING (student_usi)
           WHERE p.standards_mastered = m.mastered AND p.instructional_days_elapsed = 30 AND p.elapsed_share = 30.0 / 85),
          82::bigint, 'pace as of 2021-10-01: mastered from both administrations, 30 of 85 weekdays');
SELECT cmp_ok((SELECT count(*) FROM pg_temp.mastered_by('2021-09-30') a JOIN pg_temp.mastered_by('2021-10-01') b USING (student_usi)
               WHERE a.mastered <> b.mastered), '>=', 20::bigint,
              'the second administration changed the count of at least 20 students (the test can tell the dates apart)');
SELECT results_eq($$SELECT a.standards_mastered, b.standards_mastered
                    FROM competency_layer.pace_as_of('2021-09-30') a JOIN competency_layer.pace_as_of('2021-10-01') b USING (student_usi)
                    WHERE a.student_usi = (SELECT student_usi FROM giles_rank WHERE n = 2)$$,
                  $$VALUES (1, 3)$$,
                  'hand-checked: the mover (605206) had 1 standard mastered before 2021-10-01 (CC.4.NF.2, its 1 item right), 3 after answering all 25 items right (CC.4.NF.2 2 of 2, CC.5.NBT.3 3 of 4, CC.6.NS.3 5 of 6; the other 8 at half or below)');
-- Before the session, the date is its first day; after it, its last
SELECT results_eq($$SELECT DISTINCT as_of_date, instructional_days_elapsed, elapsed_share FROM competency_layer.pace_as_of('2021-06-01')
                    UNION ALL SELECT DISTINCT as_of_date, instructional_days_elapsed, elapsed_share FROM competency_layer.pace_as_of('2022-03-01')$$,
                  $$VALUES ('2021-08-23'::date, 1, 1.0::float8 / 85), ('2021-12-17', 85, 1)$$,
                  'dates outside the session are clamped into it');

-- The view is the function as of the policy's date
UPDATE competency_layer.policy SET pace_as_of = '2021-09-30' WHERE learning_standard_id IS NULL;
SELECT set_eq('SELECT * FROM competency_layer.pace', $$SELECT * FROM competency_layer.pace_as_of('2021-09-30')$$,
              'pace is pace_as_of(policy.pace_as_of)');

-- A full Ed-Fi calendar for the school: every weekday an instructional day
-- but Labor Day (2021-09-06) and Thanksgiving (2021-11-24 to 26), 81 days,
-- the session's TotalInstructionalDays; by 2021-09-30, 28 of them
INSERT INTO edfi.Calendar (CalendarCode, SchoolId, SchoolYear, CalendarTypeDescriptorId)
SELECT 'test-fall', 255901044, 2022, DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%CalendarTypeDescriptor' LIMIT 1;
INSERT INTO edfi.CalendarDate (CalendarCode, Date, SchoolId, SchoolYear)
SELECT 'test-fall', d::date, 255901044, 2022 FROM generate_series(date '2021-08-23', date '2021-12-17', interval '1 day') d
WHERE extract(isodow FROM d) < 6 AND d::date NOT IN ('2021-09-06', '2021-11-24', '2021-11-25', '2021-11-26');
INSERT INTO edfi.CalendarDateCalendarEvent (CalendarCode, Date, SchoolId, SchoolYear, CalendarEventDescriptorId)
SELECT CalendarCode, Date, SchoolId, SchoolYear,
       (SELECT DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%CalendarEventDescriptor' AND CodeValue = 'Instructional day')
FROM edfi.CalendarDate WHERE CalendarCode = 'test-fall';
SELECT results_eq($$SELECT DISTINCT elapsed_basis, instructional_days_elapsed, instructional_days_total, elapsed_share
                    FROM competency_layer.pace_as_of('2021-09-30')$$,
                  $$VALUES ('calendar', 28, 81, 28.0::float8 / 81)$$,
                  'with the full calendar: 28 of its 81 instructional days by 2021-09-30');
DELETE FROM edfi.CalendarDateCalendarEvent WHERE CalendarCode = 'test-fall' AND Date = '2021-12-17';
SELECT is((SELECT DISTINCT elapsed_basis FROM competency_layer.pace_as_of('2021-09-30')), 'weekdays',
          'a calendar one day short of the session''s 81 instructional days is not taken: weekdays stand in');

SELECT * FROM finish();
ROLLBACK;
