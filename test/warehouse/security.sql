-- Teacher-level security (test/warehouse/run.sh, after classes.sql placed
-- the 82 assessed students in Melisa Giles's and Esther Hartman's sections,
-- 41 each): a teacher sees their sections' students through every view and
-- table of the layer and the ODS tables its views read, an administrator
-- sees everything, a BI reader reads everything and writes nothing.  The
-- logins are made here as a district would make them.
BEGIN;
SELECT plan(27);

CREATE ROLE test_giles IN ROLE competency_teacher;
CREATE ROLE test_hartman IN ROLE competency_teacher;
CREATE ROLE test_unmapped IN ROLE competency_teacher;
CREATE ROLE test_admin IN ROLE competency_administrator;
CREATE ROLE test_bi IN ROLE competency_reader;
INSERT INTO competency_layer.staff_login VALUES ('test_giles', '207252'), ('test_hartman', '207253');

-- MATH-07 covers the assessment's 11 standards, so that pace has rows, and
-- BKT is fitted, so that bkt_response and bkt_known have some
INSERT INTO competency_layer.course_standard SELECT DISTINCT 'MATH-07', LearningStandardId FROM edfi.AssessmentItemLearningStandard;
\o /dev/null
CALL competency_layer.fit_bkt();
\o

-- Giles's and Hartman's students, from the enrolments themselves (not from
-- the layer)
CREATE TEMP TABLE class_of (teacher text, student_usi int);
INSERT INTO class_of
SELECT CASE e.SectionIdentifier WHEN '25590104405Trad210MATH0712011' THEN 'test_giles' ELSE 'test_hartman' END, e.StudentUSI
FROM edfi.StudentSectionAssociation e
WHERE e.SectionIdentifier IN ('25590104405Trad210MATH0712011', '25590104404Trad211MATH0712011');
GRANT SELECT ON class_of TO PUBLIC;

-- A count, or the SQLSTATE of a statement, as another role
CREATE FUNCTION pg_temp.count_as(who text, query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', who);
    EXECUTE format('SELECT count(*) FROM (%s) q', query) INTO n;
    RESET ROLE;
    RETURN n;
END
$$;
CREATE FUNCTION pg_temp.sqlstate_as(who text, statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE format('SET LOCAL ROLE %I', who);
        EXECUTE statement;
        RESET ROLE;
        RETURN '00000';
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE;
    END;
END
$$;

-- Every relation of the layer, and the ODS tables its views read, counted
-- as each role: a relation with student_usi shows a teacher the rows of
-- their students (all of them to the others); one with section_identifier
-- the rows of their sections; staff_login a teacher's own row; the rest
-- the same to all
CREATE TEMP TABLE seen (relation text, who text, seen bigint, expected bigint);
DO $$
DECLARE
    r record;
    who text;
    owner_sees bigint;
    expected bigint;
BEGIN
    FOR r IN
        SELECT c.oid::regclass::text AS relation,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'student_usi') AS per_student,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'section_identifier') AS per_section
        FROM pg_class c
        WHERE c.relnamespace = 'competency_layer'::regnamespace AND c.relkind IN ('r', 'v')
        UNION ALL
        SELECT 'edfi.student', true, false
    LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.relation) INTO owner_sees;
        FOREACH who IN ARRAY ARRAY['test_giles', 'test_hartman', 'test_unmapped', 'test_admin', 'test_bi'] LOOP
            IF who IN ('test_admin', 'test_bi') THEN
                expected := owner_sees;
            ELSIF r.relation = 'competency_layer.staff_login' THEN
                expected := CASE WHEN who = 'test_unmapped' THEN 0 ELSE 1 END;
            ELSIF r.per_student THEN
                EXECUTE format('SELECT count(*) FROM %s WHERE %s IN (SELECT student_usi FROM class_of WHERE teacher = %L)',
                               r.relation, CASE WHEN r.relation = 'edfi.student' THEN 'StudentUSI' ELSE 'student_usi' END, who)
                INTO expected;
            ELSIF r.per_section THEN
                EXECUTE format('SELECT count(*) FROM %s WHERE section_identifier = %L', r.relation,
                               CASE who WHEN 'test_giles' THEN '25590104405Trad210MATH0712011'
                                        WHEN 'test_hartman' THEN '25590104404Trad211MATH0712011' END)
                INTO expected;
            ELSE
                expected := owner_sees;
            END IF;
            INSERT INTO seen VALUES (r.relation, who, pg_temp.count_as(who, 'SELECT 1 FROM ' || r.relation), expected);
        END LOOP;
    END LOOP;
END
$$;

SELECT is((SELECT count(*) FROM class_of GROUP BY teacher ORDER BY 1 LIMIT 1), 41::bigint, 'each teacher has 41 students');
SELECT is((SELECT string_agg(format('%s as %s: %s, not %s', relation, who, seen, expected), '; ') FROM seen WHERE seen <> expected),
          NULL, 'every view and table of the layer shows each role exactly its rows');
SELECT cmp_ok((SELECT count(DISTINCT relation) FROM seen), '>=', 10::bigint, 'the check covered every view and table of the layer');
SELECT results_eq($$SELECT who, seen FROM seen WHERE relation = 'competency_layer.student_standard_mastery_fact' ORDER BY who$$,
                  $$VALUES ('test_admin', 902::bigint), ('test_bi', 902), ('test_giles', 451), ('test_hartman', 451), ('test_unmapped', 0)$$,
                  'the mastery fact: 41 x 11 rows to each teacher, none to an unmapped teacher login, all 902 to the administrator and the BI reader');
SELECT is(pg_temp.count_as('test_giles', $$SELECT 1 FROM competency_layer.student_standard_mastery_fact f
                                           JOIN class_of c ON c.student_usi = f.student_usi WHERE c.teacher = 'test_hartman'$$), 0::bigint,
          'Giles sees none of Hartman''s students in the fact');

-- By key: a student of Hartman's, asked for by name, by USI, by key
SELECT is(pg_temp.count_as('test_giles', format(
    $$SELECT 1 FROM competency_layer.student_standard_mastery_fact WHERE student_key = %L
      UNION ALL SELECT 1 FROM competency_layer.student_dim WHERE student_usi = %s
      UNION ALL SELECT 1 FROM edfi.Student WHERE StudentUSI = %2$s
      UNION ALL SELECT 1 FROM competency_layer.student_standard_state WHERE student_usi = %2$s
      UNION ALL SELECT 1 FROM competency_layer.evidence_contribution WHERE student_usi = %2$s
      UNION ALL SELECT 1 FROM edfi.StudentSectionAssociation WHERE StudentUSI = %2$s$$,
    (SELECT StudentUniqueId FROM edfi.Student WHERE StudentUSI = (SELECT min(student_usi) FROM class_of WHERE teacher = 'test_hartman')),
    (SELECT min(student_usi) FROM class_of WHERE teacher = 'test_hartman'))), 0::bigint,
    'Giles cannot see a student of Hartman''s even by key: fact, dim, ODS student, state, evidence, enrolment');
SELECT is(pg_temp.count_as('test_hartman', format(
    $$SELECT 1 FROM competency_layer.student_standard_mastery_fact WHERE student_usi = %s$$,
    (SELECT min(student_usi) FROM class_of WHERE teacher = 'test_hartman'))), 11::bigint,
    'while Hartman sees that student''s 11 standards');

-- Function paths: the extension's functions over the layer see what the
-- caller sees; the layer's own functions and procedures are the owner's
SELECT is(pg_temp.count_as('test_giles', $$SELECT learner_profile(s.learning_standard_id, s.state, 'average')
                                           FROM competency_layer.student_standard_state s
                                           JOIN class_of c USING (student_usi) WHERE c.teacher = 'test_hartman'
                                           GROUP BY s.student_usi$$), 0::bigint,
          'Giles builds no profile of Hartman''s students from the states');
SELECT results_eq($$SELECT who, pg_temp.count_as(who, $q$SELECT 1 FROM competency_layer.pace_as_of('2021-10-15')$q$),
                           pg_temp.count_as(who, $q$SELECT 1 FROM competency_layer.pace_as_of('2021-10-15') p
                                                 WHERE p.student_usi NOT IN (SELECT student_usi FROM class_of WHERE teacher = current_user::text)$q$)
                    FROM unnest(ARRAY['test_admin', 'test_bi', 'test_giles', 'test_hartman', 'test_unmapped']) who ORDER BY who$$,
                  $$VALUES ('test_admin', 82::bigint, 82::bigint), ('test_bi', 82, 82), ('test_giles', 41, 0), ('test_hartman', 41, 0), ('test_unmapped', 0, 0)$$,
                  'pace_as_of: a teacher gets their 41 students and nobody else''s, the administrator and the BI reader all 82');
SELECT is(pg_temp.sqlstate_as('test_giles', 'SELECT count(*) FROM competency_layer.recomputed_states()'), '42501',
          'a teacher cannot run the layer''s recompute, which reads the whole ODS');
SELECT is(pg_temp.sqlstate_as('test_giles', 'SELECT count(*) FROM edfi.StudentAssessmentItem'), '42501',
          'nor read ODS tables the layer does not read');
SELECT is(pg_temp.sqlstate_as('test_giles', $$INSERT INTO competency_layer.staff_login VALUES ('test_giles2', '207253')$$), '42501',
          'a teacher cannot map a login to another teacher');
SELECT is(pg_temp.sqlstate_as('test_giles', $$UPDATE competency_layer.student_standard_state SET state = state$$), '42501',
          'a teacher cannot write the states');

-- The BI service account reads only
SELECT is(pg_temp.sqlstate_as('test_bi', $$UPDATE competency_layer.policy SET mastery_threshold = 2$$), '42501', 'the BI reader cannot change the policy');
SELECT is(pg_temp.sqlstate_as('test_bi', $$DELETE FROM competency_layer.student_standard_state$$), '42501', 'nor delete states');
SELECT is(pg_temp.sqlstate_as('test_bi', $$INSERT INTO competency_layer.staff_login VALUES ('test_bi', '207252')$$), '42501', 'nor map logins');
SELECT is(pg_temp.sqlstate_as('test_bi', $$UPDATE edfi.Student SET FirstName = FirstName$$), '42501', 'nor write the ODS');
SELECT is(pg_temp.sqlstate_as('test_bi', 'CALL competency_layer.refresh()'), '42501', 'nor run the refresh');
SELECT is(pg_temp.sqlstate_as('test_giles', 'CALL competency_layer.fit_bkt()'), '42501', 'a teacher cannot refit BKT, which reads every item result');
-- The fits are district-wide: a teacher reads the parameters (what
-- bkt_known needs; it shows them their students, above), not the learners,
-- answers and scores over every student
SELECT results_eq($$SELECT who, pg_temp.sqlstate_as(who, 'SELECT learners, answers, auc, rmse, accuracy, log_loss, fitted_at FROM competency_layer.bkt_fit_by_standard'),
                           pg_temp.sqlstate_as(who, 'SELECT * FROM competency_layer.bkt_fit_by_standard')
                    FROM unnest(ARRAY['test_admin', 'test_bi', 'test_giles']) who ORDER BY who$$,
                  $$VALUES ('test_admin', '00000', '00000'), ('test_bi', '00000', '00000'), ('test_giles', '42501', '42501')$$,
                  'a teacher cannot read the fits'' learners, answers and scores; the administrator and the BI reader can');
SELECT is(pg_temp.count_as('test_giles', $$SELECT learning_standard_id, p_init, p_learn, p_guess, p_slip, p_forget, log_likelihood, iterations, degenerate, converged
                                           FROM competency_layer.bkt_fit_by_standard$$),
          (SELECT count(*) FROM competency_layer.bkt_fit_by_standard), 'but reads every standard''s parameters');

-- Dates: a teacher sees the students of the sections they are associated
-- with today, enrolled today.  Giles's association ended yesterday: she
-- sees no one (fact, ODS student, enrolments, her staff_section_student).
UPDATE edfi.StaffSectionAssociation SET EndDate = current_date - 1
WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StaffUSI = (SELECT StaffUSI FROM edfi.Staff WHERE StaffUniqueId = '207252');
SELECT is(pg_temp.count_as('test_giles', $$SELECT 1 FROM competency_layer.student_standard_mastery_fact
                                           UNION ALL SELECT 1 FROM edfi.Student
                                           UNION ALL SELECT 1 FROM edfi.StudentSectionAssociation
                                           UNION ALL SELECT 1 FROM competency_layer.staff_section_student$$), 0::bigint,
          'a teacher whose association ended yesterday sees no one: fact, ODS student, enrolments, staff_section_student');
-- one that begins tomorrow neither
UPDATE edfi.StaffSectionAssociation SET EndDate = NULL, BeginDate = current_date + 1
WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StaffUSI = (SELECT StaffUSI FROM edfi.Staff WHERE StaffUniqueId = '207252');
SELECT is(pg_temp.count_as('test_giles', 'SELECT 1 FROM competency_layer.student_standard_mastery_fact UNION ALL SELECT 1 FROM edfi.Student'), 0::bigint,
          'nor one whose association begins tomorrow');
UPDATE edfi.StaffSectionAssociation SET BeginDate = date '2021-08-23'
WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StaffUSI = (SELECT StaffUSI FROM edfi.Staff WHERE StaffUniqueId = '207252');
-- Giles's first student left her section yesterday and is in Hartman's from
-- today: the new teacher sees them, the old one no longer does; another
-- student of Giles's enrolled from tomorrow is not seen yet
CREATE TEMP TABLE moved AS SELECT min(student_usi) AS student_usi, max(student_usi) AS later_usi FROM class_of WHERE teacher = 'test_giles';
GRANT SELECT ON moved TO PUBLIC;
UPDATE edfi.StudentSectionAssociation SET EndDate = current_date - 1
WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StudentUSI = (SELECT student_usi FROM moved);
INSERT INTO edfi.StudentSectionAssociation (StudentUSI, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, BeginDate)
SELECT student_usi, 'MATH-07', 255901044, 2022, '25590104404Trad211MATH0712011', '2021-2022 Fall Semester', current_date FROM moved;
UPDATE edfi.StudentSectionAssociation SET BeginDate = current_date + 1
WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StudentUSI = (SELECT later_usi FROM moved);
SELECT results_eq($$SELECT who, pg_temp.count_as(who, 'SELECT DISTINCT student_usi FROM competency_layer.student_standard_mastery_fact'),
                           pg_temp.count_as(who, 'SELECT 1 FROM competency_layer.student_standard_mastery_fact WHERE student_usi = (SELECT student_usi FROM moved)'),
                           pg_temp.count_as(who, 'SELECT 1 FROM edfi.Student WHERE StudentUSI IN (SELECT student_usi FROM moved UNION ALL SELECT later_usi FROM moved)')
                    FROM unnest(ARRAY['test_giles', 'test_hartman']) who ORDER BY who$$,
                  $$VALUES ('test_giles', 39::bigint, 0::bigint, 0::bigint), ('test_hartman', 42, 11, 1)$$,
                  'a student who moved sections: seen by the new teacher only (11 standards), Giles keeps 41 - 2, Hartman 41 + 1');
SELECT is(pg_temp.count_as('test_giles', 'SELECT 1 FROM competency_layer.pace_as_of(''2021-10-15'') WHERE student_usi IN (SELECT student_usi FROM moved UNION ALL SELECT later_usi FROM moved)'),
          0::bigint, 'nor does the old teacher get them through pace_as_of');
DELETE FROM edfi.StudentSectionAssociation WHERE BeginDate = current_date AND StudentUSI = (SELECT student_usi FROM moved);
UPDATE edfi.StudentSectionAssociation SET EndDate = NULL WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StudentUSI = (SELECT student_usi FROM moved);
UPDATE edfi.StudentSectionAssociation SET BeginDate = date '2021-08-23' WHERE SectionIdentifier = '25590104405Trad210MATH0712011' AND StudentUSI = (SELECT later_usi FROM moved);

-- The administrator edits the policy and the mapping
SELECT is(pg_temp.sqlstate_as('test_admin', $$UPDATE competency_layer.policy SET mastery_threshold = 3.5 WHERE learning_standard_id IS NULL$$),
          '00000', 'the administrator changes the policy');
SELECT is(pg_temp.count_as('test_giles', 'SELECT 1 FROM competency_layer.student_standard_mastery_fact WHERE mastered'),
          (SELECT count(*) FROM competency_layer.student_standard_mastery_fact f JOIN class_of c USING (student_usi)
           WHERE c.teacher = 'test_giles' AND f.mastery_value >= 3.5),
          'and the teacher''s facts follow it at once');

SELECT * FROM finish();
ROLLBACK;
