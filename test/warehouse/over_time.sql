-- The layer over time (test/warehouse/run.sh, after classes.sql placed the
-- 82 assessed students in Giles's and Hartman's fall sections): more
-- administrations in the fall, then pace as it stood before and after them,
-- in weekdays and in a full Ed-Fi calendar, and the groups of every week of
-- the semester, against figures recomputed here in plain SQL from the ODS.
-- The fixture: each of Hartman's 41 students answers every item of the
-- assessment again on 2021-10-01 (Friday of week 6), right or wrong by a
-- hash of student and item.  In Giles's section, of the lowest group as the
-- sample has it (readiness groups ranked by their members' mean mastery),
-- the member with the highest mean (the mover) answers every item right
-- three times in week 7 (2021-10-04 to 06), and nobody else there answers
-- again.
BEGIN;
SELECT plan(19);

CREATE TEMP TABLE section_of AS
SELECT e.StudentUSI AS student_usi, e.SectionIdentifier::text AS section_identifier
FROM edfi.StudentSectionAssociation e
WHERE e.SectionIdentifier IN ('25590104405Trad210MATH0712011', '25590104404Trad211MATH0712011');

-- Each student's mean mastery as of the end of a day, recomputed from the
-- ODS: raw / max x 4 averaged per standard over the items answered by then,
-- then over the standards
CREATE FUNCTION pg_temp.mean_by(d date) RETURNS TABLE (student_usi int, mean numeric) LANGUAGE sql AS $$
SELECT x.student_usi, avg(x.v)
FROM (SELECT i.StudentUSI AS student_usi, a.LearningStandardId, avg(i.RawScoreResult / ai.MaxRawScore) * 4 AS v
      FROM edfi.StudentAssessmentItem i
      JOIN edfi.StudentAssessment sa USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
      JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
      JOIN edfi.AssessmentItemLearningStandard a USING (AssessmentIdentifier, Namespace, IdentificationCode)
      WHERE sa.AdministrationDate < d + 1
      GROUP BY 1, 2) x
GROUP BY x.student_usi
$$;

-- Giles's lowest group before the fixture, from section_group and the
-- plain means: the mover has the highest mean in it, the one who stays the
-- lowest
CREATE TEMP TABLE lowest_before AS
WITH g AS (SELECT s.group_no, s.student_usi, s.student_key, m.mean, avg(m.mean) OVER (PARTITION BY s.group_no) AS group_mean
           FROM competency_layer.section_group s JOIN pg_temp.mean_by('2021-09-01') m USING (student_usi)
           WHERE s.section_identifier = '25590104405Trad210MATH0712011')
SELECT g.student_usi, g.student_key, g.mean,
       CASE row_number() OVER (ORDER BY g.mean DESC, g.student_key) WHEN 1 THEN 'mover' END AS role_a,
       CASE row_number() OVER (ORDER BY g.mean, g.student_key) WHEN 1 THEN 'stays' END AS role_b
FROM g WHERE g.group_mean = (SELECT min(group_mean) FROM g);
CREATE TEMP TABLE who AS
SELECT coalesce(role_a, role_b) AS role, student_usi, student_key FROM lowest_before WHERE coalesce(role_a, role_b) IS NOT NULL;

INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate)
SELECT a.AssessmentIdentifier, a.Namespace, 'fall-' || s.student_usi || '-' || s.day, s.student_usi, s.day + time '15:00'
FROM (SELECT student_usi, date '2021-10-01' AS day FROM section_of WHERE section_identifier = '25590104404Trad211MATH0712011'
      UNION ALL SELECT w.student_usi, d.day FROM who w CROSS JOIN unnest(ARRAY[date '2021-10-04', '2021-10-05', '2021-10-06']) d (day)
      WHERE w.role = 'mover') s
CROSS JOIN (SELECT AssessmentIdentifier, Namespace FROM edfi.Assessment LIMIT 1) a;
INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI,
                                        IdentificationCode, AssessmentItemResultDescriptorId, RawScoreResult)
SELECT ai.AssessmentIdentifier, ai.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI, ai.IdentificationCode,
       (SELECT DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%AssessmentItemResultDescriptor' AND CodeValue = r.result),
       CASE r.result WHEN 'Correct' THEN ai.MaxRawScore ELSE 0 END
FROM edfi.StudentAssessment sa
JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace)
CROSS JOIN LATERAL (SELECT CASE WHEN sa.StudentUSI IN (SELECT student_usi FROM who)
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
                    FROM competency_layer.pace_as_of('2021-10-01') a JOIN competency_layer.pace_as_of('2021-10-06') b USING (student_usi)
                    WHERE a.student_usi = (SELECT student_usi FROM who WHERE role = 'mover')$$,
                  $$VALUES (4, 11)$$,
                  'hand-checked: the mover (605111) had 4 standards mastered on 2021-10-01 (the 4 with one item, right in April), all 11 after answering every item right three times (the worst, CC.5.NF.1 and CC.6.NS.4, 15 of 20 and 3 of 4 right: 3.0)');
-- Before the session, the date is its first day with no day elapsed;
-- after it, its last with every day elapsed
SELECT results_eq($$SELECT DISTINCT as_of_date, instructional_days_elapsed, elapsed_share FROM competency_layer.pace_as_of('2021-06-01')
                    UNION ALL SELECT DISTINCT as_of_date, instructional_days_elapsed, elapsed_share FROM competency_layer.pace_as_of('2022-03-01')$$,
                  $$VALUES ('2021-08-23'::date, 0, 0::float8), ('2021-12-17', 85, 1)$$,
                  'dates outside the session are clamped into it: 0 days elapsed before it begins, all 85 after it ends');
-- and evidence is cut at the date asked for, not at the session's first
-- day: on 2021-03-01, before April's administration, nothing is mastered
SELECT is((SELECT count(*) FROM competency_layer.pace_as_of('2021-03-01') p JOIN pg_temp.mastered_by('2021-03-01') m USING (student_usi)
           WHERE p.standards_mastered = m.mastered AND p.as_of_date = '2021-08-23'),
          82::bigint, 'pace as of 2021-03-01: mastered from the evidence observed by then (none), reported at the session''s first day');
SELECT is((SELECT sum(mastered) FROM pg_temp.mastered_by('2021-08-23')) > 0, true,
          'while by the session''s first day April''s evidence masters some (the test can tell the two apart)');
-- A standard the ODS links to the course (CourseLearningStandard) and
-- course_standard lists too is one standard: still 11, the same counts
INSERT INTO edfi.CourseLearningStandard (CourseCode, EducationOrganizationId, LearningStandardId)
SELECT 'MATH-07', 255901044, learning_standard_id FROM competency_layer.course_standard WHERE course_code = 'MATH-07';
SELECT is((SELECT count(*) FROM competency_layer.pace_as_of('2021-09-30') p JOIN pg_temp.mastered_by('2021-09-30') m USING (student_usi)
           WHERE p.course_code = 'MATH-07' AND p.standards_total = 11 AND p.standards_mastered = m.mastered),
          82::bigint, 'a standard in both CourseLearningStandard and course_standard counts once: 11 standards, mastered as before');
DELETE FROM edfi.CourseLearningStandard WHERE CourseCode = 'MATH-07';

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

-- Weekly groups: the means, group means and lowest groups recomputed from
-- the ODS as of the end of each week (the groups themselves are the
-- extension's instructional_groups)
CREATE TEMP TABLE plain_week AS
WITH g AS (SELECT * FROM competency_layer.weekly_groups),
m AS (SELECT d.week_end, b.* FROM (SELECT DISTINCT week_end FROM g) d CROSS JOIN LATERAL pg_temp.mean_by(d.week_end) b)
SELECT g.section_identifier, g.week_no, g.student_usi, g.group_no, g.focus_standard_key, m.mean,
       avg(m.mean) OVER (PARTITION BY g.section_identifier, g.week_no, g.group_no) AS group_mean
FROM g JOIN m USING (week_end, student_usi);
ALTER TABLE plain_week ADD COLUMN group_rank int, ADD COLUMN lowest boolean;
UPDATE plain_week p SET group_rank = r.rank, lowest = r.rank = 1
FROM (SELECT section_identifier, week_no, group_no, dense_rank() OVER (PARTITION BY section_identifier, week_no ORDER BY group_mean) AS rank
      FROM (SELECT DISTINCT section_identifier, week_no, group_no, group_mean FROM plain_week) x) r
WHERE (p.section_identifier, p.week_no, p.group_no) = (r.section_identifier, r.week_no, r.group_no);
SELECT results_eq($$SELECT count(*), count(DISTINCT (student_usi, week_no)), min(week_no), max(week_no), min(week_start), max(week_end)
                    FROM competency_layer.weekly_groups$$,
                  $$VALUES (82 * 17::bigint, 82 * 17::bigint, 1, 17, '2021-08-23'::date, '2021-12-17'::date)$$,
                  'weekly groups: each of the 82 students once in each of the 17 weeks of the fall semester');
SELECT is((SELECT count(*) FROM competency_layer.weekly_groups g JOIN plain_week p USING (section_identifier, week_no, student_usi)
           WHERE abs(g.student_mean_mastery - p.mean) < 1e-9 AND abs(g.group_mean_mastery - p.group_mean) < 1e-9
             AND g.group_rank = p.group_rank AND g.lowest_group = p.lowest),
          82 * 17::bigint, 'every week''s means of mastery, group ranks and lowest groups equal those recomputed from the items answered by then');
SELECT set_eq($$SELECT section_identifier, student_usi, group_no, focus_standard_key FROM competency_layer.weekly_groups WHERE week_no = 17$$,
              $$SELECT section_identifier, student_usi, group_no, focus_standard_key FROM competency_layer.section_group$$,
              'the last week''s groups, with every piece of evidence in, are section_group''s');

-- Ranks are dense over the group means rounded to 1e-9 (rank 1 the lowest),
-- so that equal means tie whatever order a plan sums them in: a teacher
-- (under row security, another plan) gets the administrator's ranks
SELECT is((SELECT count(*) FROM competency_layer.weekly_groups g
           JOIN (SELECT section_identifier, week_no, group_no,
                        dense_rank() OVER (PARTITION BY section_identifier, week_no ORDER BY round(group_mean::numeric, 9)) AS rank
                 FROM (SELECT DISTINCT section_identifier, week_no, group_no, group_mean_mastery AS group_mean FROM competency_layer.weekly_groups) x) r
             USING (section_identifier, week_no, group_no)
           WHERE g.group_rank = r.rank AND g.lowest_group = (r.rank = 1)), 82 * 17::bigint,
          'group_rank is the dense rank of the group''s mean rounded to 1e-9, 1 the lowest');
CREATE ROLE test_weekly_giles IN ROLE competency_teacher;
INSERT INTO competency_layer.staff_login VALUES ('test_weekly_giles', '207252');
CREATE TEMP TABLE owner_week AS
SELECT week_no, student_usi, group_no, focus_standard_key, group_rank, lowest_group FROM competency_layer.weekly_groups
WHERE section_identifier = '25590104405Trad210MATH0712011';
GRANT SELECT ON owner_week TO test_weekly_giles;
SET LOCAL ROLE test_weekly_giles;
CREATE TEMP TABLE teacher_week AS
SELECT week_no, student_usi, group_no, focus_standard_key, group_rank, lowest_group FROM competency_layer.weekly_groups;
RESET ROLE;
SELECT set_eq('SELECT * FROM teacher_week', 'SELECT * FROM owner_week',
              'Giles reads her section''s weekly groups, ranks and lowest groups exactly as the owner does');

-- Group changes, recounted from the plain ranks: a change is another focus
-- standard or rank than the week before
SELECT is((SELECT count(*) FROM competency_layer.group_changes c
           JOIN (SELECT section_identifier, student_usi, count(*) AS weeks,
                        count(*) FILTER (WHERE prev IS NOT NULL AND prev <> cur) AS changes,
                        count(*) FILTER (WHERE lowest) AS in_lowest, bool_and(lowest) AS always
                 FROM (SELECT p.*, p.focus_standard_key || '/' || p.group_rank AS cur,
                              lag(p.focus_standard_key || '/' || p.group_rank) OVER (PARTITION BY section_identifier, student_usi ORDER BY week_no) AS prev
                       FROM plain_week p) x
                 GROUP BY 1, 2) r USING (section_identifier, student_usi)
           WHERE c.weeks = r.weeks AND c.group_changes = r.changes AND c.weeks_in_lowest = r.in_lowest AND c.always_lowest = r.always),
          82::bigint, 'group changes, weeks in the lowest group and always-lowest of all 82 equal the recount');
SELECT results_eq($$SELECT w.role, c.student_key, c.weeks, c.group_changes, c.weeks_in_lowest, c.always_lowest
                    FROM competency_layer.group_changes c JOIN who w USING (student_usi) ORDER BY w.role$$,
                  $$VALUES ('mover', '605111', 17, 1, 6, false), ('stays', '605109', 17, 0, 17, true)$$,
                  'the tracking audit''s case: 605109 is in the lowest group all 17 weeks; 605111 leaves it in week 7, after its answers');
SELECT is((SELECT array_agg(student_key ORDER BY student_key) FROM competency_layer.group_changes WHERE always_lowest),
          (SELECT array_agg(s.StudentUniqueId::text ORDER BY s.StudentUniqueId) FROM edfi.Student s
           WHERE s.StudentUSI IN (SELECT student_usi FROM plain_week GROUP BY student_usi HAVING bool_and(lowest))),
          'always lowest: exactly the students the recount finds in the lowest group every week');

SELECT * FROM finish();
ROLLBACK;
