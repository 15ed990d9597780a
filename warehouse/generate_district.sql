-- A synthetic district in an Ed-Fi ODS 5.2: what the competency layer reads,
-- at a district's scale, deterministic from a seed.  Run from the repository
-- root against an empty ODS (demo/create_ods.sh) with psql:
--
--   psql -d ODS -v students=50000 -v items_per_student=200 -v seed=1 \
--        -f warehouse/generate_district.sql
--
-- Parameters (psql variables, all optional):
--   students            students (default 50000)
--   items_per_student   item results per student (default 200; 50,000
--                       students: 10 million item results)
--   units               benchmark assessments per grade (default 10); each
--                       has ceil(items_per_student / units) items
--   seed                the seed (default 1): the same seed on the same
--                       empty ODS gives the same rows (all but the ODS/API's
--                       random Id, its CreateDate and LastModifiedDate)
--
-- What it models, one school year (2023-2024) of mathematics:
--   * standards: the 381 Common Core math standards that the framework's
--     prerequisite graph (test/fixtures/case/ccssm-dependencies.csv, its 729
--     `dependency` edges) names, as LearningStandardId 'CC.' || code
--     (CC.3.NF.A.1), titles from the CASE package; each standard's depth is
--     its longest prerequisite chain.  Grades K-8 take their own standards;
--     the high-school ones (no grade in Common Core) are spread over grades
--     9-12 in depth order, so a prerequisite is never taught after its
--     dependent.  The edges are left in district_gen.standard_prerequisite
--     (the ODS has no table for them) for competency_layer.standard_prerequisite;
--   * schools: elementary (K-5, about 500 students), middle (6-8, about
--     800) and high (9-12, about 1500), one session each; one mathematics
--     course per grade, sections of at most 25 students with one teacher
--     (Staff, StaffSectionAssociation, StudentSectionAssociation,
--     StudentSchoolAssociation);
--   * students: a grade, a sex, programs (the subgroups the layer audits:
--     Special Education 13%, English Learner 10%, Title I 40%), an
--     engagement and an ability (normal, lower on average in those
--     programs, and partly the engagement);
--   * learning along the prerequisite graph: a grade's standards are
--     taught in depth order through the year; `units` benchmark assessments
--     test them in that order (Assessment, AssessmentItem with its
--     standards: every seventh item also measures a prerequisite).  At an
--     assessment a student knows a standard when its place in the year's
--     order is below how far the year has gone plus their ability (with a
--     little noise per student and standard): prerequisites are known
--     before dependents.  A known standard is answered right 90% of the
--     time (a guess: 20%); every fifth item is scored 0-4 instead of 0-1
--     (StudentAssessment, StudentAssessmentItem with RawScoreResult and
--     the Correct / Incorrect descriptor);
--   * gradebook: four graded assignments per section, each on one standard
--     of the grade (GradebookEntry, its standard, StudentGradebookEntry);
--   * attendance and discipline: school-day absences (excused or not) and
--     tardies at a rate that grows as engagement falls and in Title I;
--     discipline incidents likelier with low engagement
--     (StudentSchoolAttendanceEvent, DisciplineIncident,
--     StudentDisciplineIncidentBehaviorAssociation).
-- Descriptors are created as the Ed-Fi XML loader does (edfi.Descriptor
-- and the table of their kind); foreign keys stay on.  Every random draw is
-- a hash of the seed and the row's identity (hashint8extended), so the
-- result does not depend on plans, parallelism or the order of rows.
-- Leaves schema district_gen: the parameters, the standards with their
-- grade and depth, the prerequisite edges and each student's traits.
\set ON_ERROR_STOP 1
\if :{?students}
\else
\set students 50000
\endif
\if :{?items_per_student}
\else
\set items_per_student 200
\endif
\if :{?units}
\else
\set units 10
\endif
\if :{?seed}
\else
\set seed 1
\endif
SET client_min_messages = warning;
\echo generate_district: :students students, :items_per_student item results each, :units units, seed :seed

BEGIN;
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';
DO $check$
BEGIN
    IF to_regclass('edfi.studentassessmentitem') IS NULL THEN
        RAISE EXCEPTION 'no Ed-Fi ODS in database %', current_database()
            USING ERRCODE = '42P01', HINT = 'Create the ODS first (demo/create_ods.sh).';
    END IF;
    IF to_regnamespace('district_gen') IS NOT NULL THEN
        RAISE EXCEPTION 'a district was already generated in database %', current_database()
            USING ERRCODE = '55000', HINT = 'Generate into a fresh ODS.';
    END IF;
END
$check$;
CREATE SCHEMA district_gen;
COMMENT ON SCHEMA district_gen IS 'what warehouse/generate_district.sql generated the ODS from: parameters, standards, prerequisites, student traits';
CREATE TABLE district_gen.parameter AS
SELECT :students::int AS students, :items_per_student::int AS items_per_student, :units::int AS units,
       ceil(:items_per_student::numeric / :units)::int AS items_per_unit, :seed::bigint AS seed,
       900000::bigint AS lea_id, 'uri://district.example.org'::text AS namespace,
       date '2023-08-21' AS first_day, 2024::smallint AS school_year, '2023-2024 School Year'::text AS session_name;
COMMENT ON TABLE district_gen.parameter IS 'the parameters of the generated district';
DO $check$
BEGIN
    IF (SELECT students < 1 OR items_per_student < 1 OR units < 1 FROM district_gen.parameter) THEN
        RAISE EXCEPTION 'students, items_per_student and units must be positive'
            USING ERRCODE = '22023', HINT = 'Set them with psql -v, e.g. -v students=200.';
    END IF;
END
$check$;

-- Uniform draws in [0, 1) and normal ones: hashes of the seed, a stream
-- (what is drawn) and the row's identity.  Inlined SQL functions.
CREATE FUNCTION district_gen.u(stream int, a bigint, b bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (hashint8extended(b, hashint8extended(a, hashint8extended(stream, :seed::bigint))) & 9007199254740991)::double precision
       / 9007199254740992;
CREATE FUNCTION district_gen.z(stream int, a bigint, b bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN sqrt(-2 * ln(1 - district_gen.u(stream, a, b))) * cos(2 * pi() * district_gen.u(stream + 1000, a, b));

-- Descriptors --------------------------------------------------------------------
\echo generate_district: descriptors
CREATE TEMP TABLE gen_descriptor (kind text, code text) ON COMMIT DROP;
INSERT INTO gen_descriptor VALUES
    ('GradeLevelDescriptor', 'Kindergarten'), ('GradeLevelDescriptor', 'First grade'), ('GradeLevelDescriptor', 'Second grade'),
    ('GradeLevelDescriptor', 'Third grade'), ('GradeLevelDescriptor', 'Fourth grade'), ('GradeLevelDescriptor', 'Fifth grade'),
    ('GradeLevelDescriptor', 'Sixth grade'), ('GradeLevelDescriptor', 'Seventh grade'), ('GradeLevelDescriptor', 'Eighth grade'),
    ('GradeLevelDescriptor', 'Ninth grade'), ('GradeLevelDescriptor', 'Tenth grade'), ('GradeLevelDescriptor', 'Eleventh grade'),
    ('GradeLevelDescriptor', 'Twelfth grade'),
    ('TermDescriptor', 'Year Round'),
    ('LocalEducationAgencyCategoryDescriptor', 'Independent'),
    ('SchoolTypeDescriptor', 'Regular'),
    ('ClassroomPositionDescriptor', 'Teacher of Record'),
    ('SexDescriptor', 'Female'), ('SexDescriptor', 'Male'),
    ('ProgramTypeDescriptor', 'Special Education'), ('ProgramTypeDescriptor', 'English as a Second Language'),
    ('ProgramTypeDescriptor', 'Title I Part A'),
    ('AssessmentCategoryDescriptor', 'Benchmark test'),
    ('AssessmentItemResultDescriptor', 'Correct'), ('AssessmentItemResultDescriptor', 'Incorrect'),
    ('GradebookEntryTypeDescriptor', 'Assignment'),
    ('AttendanceEventCategoryDescriptor', 'Excused Absence'), ('AttendanceEventCategoryDescriptor', 'Unexcused Absence'),
    ('AttendanceEventCategoryDescriptor', 'Tardy'),
    ('BehaviorDescriptor', 'School Code of Conduct'), ('BehaviorDescriptor', 'State Offense');
DO $descriptors$
DECLARE
    k text;
BEGIN
    -- as warehouse/edfi_xml_load.sql does: edfi.Descriptor, then the table of its kind
    FOR k IN SELECT DISTINCT kind FROM gen_descriptor ORDER BY 1 LOOP
        EXECUTE format($q$
            WITH added AS (
                INSERT INTO edfi.Descriptor (Namespace, CodeValue, ShortDescription, Discriminator)
                SELECT 'uri://ed-fi.org/' || kind, code, code, 'edfi.' || kind FROM gen_descriptor WHERE kind = %L
                ORDER BY code
                ON CONFLICT (Namespace, CodeValue) DO NOTHING
                RETURNING DescriptorId)
            INSERT INTO edfi.%I SELECT DescriptorId FROM added$q$, k, lower(k));
    END LOOP;
END
$descriptors$;
CREATE FUNCTION district_gen.descriptor(kind text, code text) RETURNS int
LANGUAGE sql STABLE
RETURN (SELECT d.DescriptorId FROM edfi.Descriptor d WHERE d.Namespace = 'uri://ed-fi.org/' || kind AND d.CodeValue = code);
CREATE TABLE district_gen.grade AS
SELECT g AS grade, district_gen.descriptor('GradeLevelDescriptor', c) AS descriptor_id,
       CASE WHEN g = 0 THEN 'K' ELSE lpad(g::text, 2, '0') END AS label,
       CASE WHEN g <= 5 THEN 'E' WHEN g <= 8 THEN 'M' ELSE 'H' END AS level
FROM unnest('{Kindergarten,First grade,Second grade,Third grade,Fourth grade,Fifth grade,Sixth grade,Seventh grade,Eighth grade,Ninth grade,Tenth grade,Eleventh grade,Twelfth grade}'::text[])
     WITH ORDINALITY x (c, n), LATERAL (SELECT (n - 1)::int AS g) y;
COMMENT ON TABLE district_gen.grade IS 'grades K (0) to 12, their GradeLevelDescriptor and school level';

-- Standards and their prerequisite graph -------------------------------------------
\echo generate_district: standards and their prerequisite graph
CREATE TEMP TABLE gen_edge (source text, target text, relationship text) ON COMMIT DROP;
\copy gen_edge FROM 'test/fixtures/case/ccssm-dependencies.csv' WITH (FORMAT csv, HEADER)
DELETE FROM gen_edge WHERE relationship <> 'dependency';
\set gen_case_package `cat test/fixtures/case/ccss-math_opensalt-2017-01_CFPackage.json`
CREATE TEMP TABLE gen_case_item ON COMMIT DROP AS
SELECT i->>'humanCodingScheme' AS coding, i->>'fullStatement' AS statement
FROM jsonb_array_elements(:'gen_case_package'::jsonb -> 'CFItems') i
WHERE i ? 'humanCodingScheme';
\unset gen_case_package

CREATE TABLE district_gen.standard AS
SELECT code, 'CC.' || code AS learning_standard_id, 0 AS depth, NULL::int AS grade, NULL::int AS rank, NULL::int AS grade_size
FROM (SELECT source AS code FROM gen_edge UNION SELECT target FROM gen_edge) s;
ALTER TABLE district_gen.standard ADD PRIMARY KEY (code);
COMMENT ON TABLE district_gen.standard IS 'the generated standards: Common Core code, LearningStandardId, depth (longest prerequisite chain), the grade teaching it and its rank in that grade''s order';
DO $depth$
DECLARE
    rounds int := 0;
BEGIN
    -- longest prerequisite chain: relax until nothing grows (a cycle never stops)
    LOOP
        UPDATE district_gen.standard t SET depth = m.depth
        FROM (SELECT e.target, max(s.depth) + 1 AS depth FROM gen_edge e JOIN district_gen.standard s ON s.code = e.source
              GROUP BY e.target) m
        WHERE t.code = m.target AND t.depth < m.depth;
        EXIT WHEN NOT FOUND;
        rounds := rounds + 1;
        IF rounds > 1000 THEN
            RAISE EXCEPTION 'the prerequisite graph has a cycle' USING ERRCODE = '22023';
        END IF;
    END LOOP;
END
$depth$;
UPDATE district_gen.standard s SET grade = g.grade
FROM (SELECT code,
             CASE WHEN code LIKE 'HS%'
                  THEN 9 + (4 * (row_number() OVER (PARTITION BY code LIKE 'HS%' ORDER BY depth, code) - 1)
                            / count(*) OVER (PARTITION BY code LIKE 'HS%'))::int
                  WHEN code LIKE 'K.%' THEN 0
                  ELSE split_part(code, '.', 1)::int END AS grade
      FROM district_gen.standard) g
WHERE g.code = s.code;
UPDATE district_gen.standard s SET rank = r.rank, grade_size = r.n
FROM (SELECT code, (row_number() OVER (PARTITION BY grade ORDER BY depth, code) - 1)::int AS rank,
             count(*) OVER (PARTITION BY grade)::int AS n
      FROM district_gen.standard) r
WHERE r.code = s.code;

CREATE TABLE district_gen.standard_prerequisite AS
SELECT DISTINCT 'CC.' || source AS prerequisite_id, 'CC.' || target AS learning_standard_id FROM gen_edge;
COMMENT ON TABLE district_gen.standard_prerequisite IS 'the framework''s prerequisite edges between the generated standards (for competency_layer.standard_prerequisite)';

INSERT INTO edfi.LearningStandard (LearningStandardId, Description, LearningStandardItemCode, Namespace, CourseTitle)
SELECT s.learning_standard_id,
       left(coalesce(c.statement, s.code), 1024), s.code, p.namespace || '/standards', 'Mathematics'
FROM district_gen.standard s CROSS JOIN district_gen.parameter p
LEFT JOIN LATERAL (SELECT min(ci.statement) AS statement FROM gen_case_item ci
                   WHERE ci.coding = 'CCSS.Math.Content.' ||
                         regexp_replace(regexp_replace(s.code, '^(HS[A-Z])\.', '\1-'), '\.([a-z])$', '\1')) c ON true
ORDER BY s.code;
INSERT INTO edfi.LearningStandardGradeLevel (LearningStandardId, GradeLevelDescriptorId)
SELECT s.learning_standard_id, g.descriptor_id FROM district_gen.standard s JOIN district_gen.grade g USING (grade)
ORDER BY 1;

-- The district, its schools, session, courses --------------------------------------
\echo generate_district: schools, courses, students, sections, staff
INSERT INTO edfi.EducationOrganization (EducationOrganizationId, NameOfInstitution, ShortNameOfInstitution, Discriminator)
SELECT lea_id, 'Generated Unified School District', 'GUSD', 'edfi.LocalEducationAgency' FROM district_gen.parameter;
INSERT INTO edfi.LocalEducationAgency (LocalEducationAgencyId, LocalEducationAgencyCategoryDescriptorId)
SELECT lea_id, district_gen.descriptor('LocalEducationAgencyCategoryDescriptor', 'Independent') FROM district_gen.parameter;

-- Students: grade, level's school, traits
CREATE TABLE district_gen.student AS
SELECT n, grade, sex, sped, el, title_i, engagement,
       0.6 * district_gen.z(11, n, 0) + 0.4 * engagement - 0.6 * sped::int - 0.4 * el::int - 0.3 * title_i::int AS ability,
       NULL::int AS student_usi, NULL::bigint AS school_id, NULL::text AS section_identifier
FROM (SELECT n, (floor(13 * district_gen.u(1, n, 0)))::int AS grade,
             CASE WHEN district_gen.u(2, n, 0) < 0.49 THEN 'Female' ELSE 'Male' END AS sex,
             district_gen.u(3, n, 0) < 0.13 AS sped, district_gen.u(4, n, 0) < 0.10 AS el,
             district_gen.u(5, n, 0) < 0.40 AS title_i, district_gen.z(6, n, 0) AS engagement
      FROM generate_series(1, :students) n) s;
ALTER TABLE district_gen.student ADD PRIMARY KEY (n);
COMMENT ON TABLE district_gen.student IS 'each generated student: grade, sex, programs, engagement and ability (the truth the data is drawn from), StudentUSI, school and section';

-- Schools per level, so that elementary schools have about 500 students,
-- middle 800 and high 1500
CREATE TABLE district_gen.school AS
SELECT l.level, k AS k, p.lea_id + 100 * l.ordinal + k AS school_id,
       format('Generated %s School %s', l.name, k) AS name
FROM district_gen.parameter p
CROSS JOIN (VALUES ('E', 1, 'Elementary', 500), ('M', 2, 'Middle', 800), ('H', 3, 'High', 1500)) l (level, ordinal, name, size)
CROSS JOIN LATERAL generate_series(1, greatest(1, ceil((SELECT count(*) FROM district_gen.student s JOIN district_gen.grade g USING (grade)
                                                        WHERE g.level = l.level)::numeric / l.size)::int)) k;
COMMENT ON TABLE district_gen.school IS 'the generated schools: level (E, M, H) and SchoolId';
UPDATE district_gen.student s SET school_id = x.school_id
FROM (SELECT s2.n, sc.school_id
      FROM district_gen.student s2 JOIN district_gen.grade g USING (grade)
      JOIN district_gen.school sc ON sc.level = g.level
       AND sc.k = 1 + floor(district_gen.u(7, s2.n, 0) * (SELECT count(*) FROM district_gen.school c WHERE c.level = g.level))::int) x
WHERE x.n = s.n;

INSERT INTO edfi.EducationOrganization (EducationOrganizationId, NameOfInstitution, Discriminator)
SELECT school_id, name, 'edfi.School' FROM district_gen.school ORDER BY school_id;
INSERT INTO edfi.School (SchoolId, LocalEducationAgencyId, SchoolTypeDescriptorId)
SELECT school_id, (SELECT lea_id FROM district_gen.parameter), district_gen.descriptor('SchoolTypeDescriptor', 'Regular')
FROM district_gen.school ORDER BY school_id;
INSERT INTO edfi.SchoolGradeLevel (SchoolId, GradeLevelDescriptorId)
SELECT sc.school_id, g.descriptor_id FROM district_gen.school sc JOIN district_gen.grade g USING (level) ORDER BY 1, 2;
INSERT INTO edfi.SchoolYearType (SchoolYear, SchoolYearDescription, CurrentSchoolYear)
SELECT school_year, '2023-2024', true FROM district_gen.parameter
ON CONFLICT DO NOTHING;

-- The school days: weekdays from the first day, less Thanksgiving week and
-- the winter break, 175 of them
CREATE TABLE district_gen.school_day AS
SELECT (row_number() OVER (ORDER BY d))::int AS day_no, d::date AS day
FROM district_gen.parameter p, generate_series(p.first_day, p.first_day + 365, interval '1 day') d
WHERE extract(isodow FROM d) < 6
  AND d::date NOT BETWEEN date '2023-11-20' AND date '2023-11-24'
  AND d::date NOT BETWEEN date '2023-12-18' AND date '2024-01-01'
ORDER BY d LIMIT 175;
COMMENT ON TABLE district_gen.school_day IS 'the 175 school days of the generated session';
INSERT INTO edfi.Session (SchoolId, SchoolYear, SessionName, BeginDate, EndDate, TermDescriptorId, TotalInstructionalDays)
SELECT sc.school_id, p.school_year, p.session_name, (SELECT min(day) FROM district_gen.school_day),
       (SELECT max(day) FROM district_gen.school_day), district_gen.descriptor('TermDescriptor', 'Year Round'),
       (SELECT count(*) FROM district_gen.school_day)
FROM district_gen.school sc CROSS JOIN district_gen.parameter p ORDER BY 1;

INSERT INTO edfi.Course (CourseCode, EducationOrganizationId, CourseTitle, NumberOfParts)
SELECT 'MATH-' || g.label, p.lea_id, 'Mathematics, grade ' || g.label, 1
FROM district_gen.grade g CROSS JOIN district_gen.parameter p ORDER BY g.grade;
INSERT INTO edfi.CourseLearningStandard (CourseCode, EducationOrganizationId, LearningStandardId)
SELECT 'MATH-' || g.label, p.lea_id, s.learning_standard_id
FROM district_gen.standard s JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p ORDER BY 1, 3;
INSERT INTO edfi.CourseOffering (LocalCourseCode, SchoolId, SchoolYear, SessionName, CourseCode, EducationOrganizationId, LocalCourseTitle)
SELECT 'MATH-' || g.label, sc.school_id, p.school_year, p.session_name, 'MATH-' || g.label, p.lea_id, 'Mathematics, grade ' || g.label
FROM district_gen.school sc JOIN district_gen.grade g USING (level) CROSS JOIN district_gen.parameter p ORDER BY 2, 1;

-- Students in the ODS
INSERT INTO edfi.Student (StudentUniqueId, FirstName, LastSurname, BirthDate, BirthSexDescriptorId)
SELECT 'S' || lpad(n::text, 7, '0'), 'Student', 'S' || lpad(n::text, 7, '0'),
       date '2018-09-01' - 365 * grade - floor(365 * district_gen.u(8, n, 0))::int,
       district_gen.descriptor('SexDescriptor', sex)
FROM district_gen.student ORDER BY n;
UPDATE district_gen.student s SET student_usi = st.StudentUSI
FROM edfi.Student st WHERE st.StudentUniqueId = 'S' || lpad(s.n::text, 7, '0');
CREATE UNIQUE INDEX ON district_gen.student (student_usi);
INSERT INTO edfi.StudentSchoolAssociation (StudentUSI, SchoolId, EntryDate, EntryGradeLevelDescriptorId, SchoolYear)
SELECT s.student_usi, s.school_id, (SELECT min(day) FROM district_gen.school_day), g.descriptor_id, p.school_year
FROM district_gen.student s JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p ORDER BY s.n;

-- Programs (the subgroups)
INSERT INTO edfi.Program (EducationOrganizationId, ProgramName, ProgramTypeDescriptorId)
SELECT p.lea_id, x.name, district_gen.descriptor('ProgramTypeDescriptor', x.kind)
FROM district_gen.parameter p,
     (VALUES ('Special Education', 'Special Education'), ('English Learner', 'English as a Second Language'),
             ('Title I', 'Title I Part A')) x (name, kind)
ORDER BY 2;
INSERT INTO edfi.GeneralStudentProgramAssociation (BeginDate, EducationOrganizationId, ProgramEducationOrganizationId, ProgramName,
                                                   ProgramTypeDescriptorId, StudentUSI)
SELECT (SELECT min(day) FROM district_gen.school_day), p.lea_id, p.lea_id, x.name, district_gen.descriptor('ProgramTypeDescriptor', x.kind),
       s.student_usi
FROM district_gen.student s CROSS JOIN district_gen.parameter p
CROSS JOIN LATERAL (VALUES ('Special Education', 'Special Education', s.sped), ('English Learner', 'English as a Second Language', s.el),
                           ('Title I', 'Title I Part A', s.title_i)) x (name, kind, member)
WHERE x.member
ORDER BY s.n, x.name;

-- Sections of at most 25, one teacher each
UPDATE district_gen.student s SET section_identifier = x.section_identifier
FROM (SELECT n, format('%s-MATH-%s-%s', school_id, label,
                       lpad((1 + (row_number() OVER (PARTITION BY school_id, grade ORDER BY n) - 1)
                             % ceil(count(*) OVER (PARTITION BY school_id, grade) / 25.0))::text, 2, '0')) AS section_identifier
      FROM district_gen.student JOIN district_gen.grade USING (grade)) x
WHERE x.n = s.n;
CREATE TEMP TABLE gen_section ON COMMIT DROP AS
SELECT DISTINCT s.school_id, s.grade, g.label, s.section_identifier FROM district_gen.student s JOIN district_gen.grade g USING (grade);
INSERT INTO edfi.Section (LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName)
SELECT 'MATH-' || c.label, c.school_id, p.school_year, c.section_identifier, p.session_name
FROM gen_section c CROSS JOIN district_gen.parameter p ORDER BY c.section_identifier;
INSERT INTO edfi.Staff (StaffUniqueId, FirstName, LastSurname)
SELECT 'T-' || section_identifier, 'Teacher', section_identifier FROM gen_section ORDER BY section_identifier;
INSERT INTO edfi.StaffSectionAssociation (StaffUSI, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, BeginDate, EndDate,
                                          ClassroomPositionDescriptorId)
SELECT st.StaffUSI, 'MATH-' || c.label, c.school_id, p.school_year, c.section_identifier, p.session_name,
       (SELECT min(day) FROM district_gen.school_day), (SELECT max(day) FROM district_gen.school_day),
       district_gen.descriptor('ClassroomPositionDescriptor', 'Teacher of Record')
FROM gen_section c CROSS JOIN district_gen.parameter p
JOIN edfi.Staff st ON st.StaffUniqueId = 'T-' || c.section_identifier
ORDER BY c.section_identifier;
INSERT INTO edfi.StudentSectionAssociation (StudentUSI, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, BeginDate, EndDate)
SELECT s.student_usi, 'MATH-' || g.label, s.school_id, p.school_year, s.section_identifier, p.session_name,
       (SELECT min(day) FROM district_gen.school_day), (SELECT max(day) FROM district_gen.school_day)
FROM district_gen.student s JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p ORDER BY s.n;

-- Assessments: `units` benchmarks per grade, each on a band of the grade's
-- standards in their order; item i of unit a measures the standard at
-- (a + (i - 0.5) / items) / units of the way through that order --------------
\echo generate_district: assessments and items
CREATE TABLE district_gen.item AS
SELECT g.grade, a AS unit, i AS item_no,
       format('MATH-%s-U%s', g.label, lpad(a::text, 2, '0')) AS assessment_identifier,
       format('MATH-%s-U%s-I%s', g.label, lpad(a::text, 2, '0'), lpad(i::text, 3, '0')) AS identification_code,
       CASE WHEN i % 5 = 0 THEN 4 ELSE 1 END AS max_raw_score,
       s.code, s.learning_standard_id, s.rank, s.grade_size
FROM district_gen.grade g CROSS JOIN district_gen.parameter p
CROSS JOIN generate_series(1, p.units) a CROSS JOIN generate_series(1, p.items_per_unit) i
JOIN district_gen.standard s ON s.grade = g.grade
 AND s.rank = least(s.grade_size - 1, floor(((a - 1) + (i - 0.5) / p.items_per_unit) / p.units * s.grade_size)::int);
ALTER TABLE district_gen.item ADD PRIMARY KEY (identification_code);
COMMENT ON TABLE district_gen.item IS 'the generated assessment items: grade, unit, maximum score and the standard each measures first';
INSERT INTO edfi.Assessment (AssessmentIdentifier, Namespace, AssessmentTitle, AssessmentCategoryDescriptorId, EducationOrganizationId,
                             AssessmentFamily, MaxRawScore)
SELECT i.assessment_identifier, p.namespace || '/assessment',
       format('Mathematics grade %s, unit %s benchmark', g.label, i.unit),
       district_gen.descriptor('AssessmentCategoryDescriptor', 'Benchmark test'), p.lea_id, 'Mathematics benchmarks', sum(i.max_raw_score)
FROM district_gen.item i JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p
GROUP BY i.assessment_identifier, p.namespace, g.label, i.unit, p.lea_id ORDER BY 1;
INSERT INTO edfi.AssessmentAssessedGradeLevel (AssessmentIdentifier, Namespace, GradeLevelDescriptorId)
SELECT DISTINCT i.assessment_identifier, p.namespace || '/assessment', g.descriptor_id
FROM district_gen.item i JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p ORDER BY 1;
INSERT INTO edfi.AssessmentItem (AssessmentIdentifier, IdentificationCode, Namespace, MaxRawScore, ItemText)
SELECT i.assessment_identifier, i.identification_code, p.namespace || '/assessment', i.max_raw_score, 'Item on ' || i.code
FROM district_gen.item i CROSS JOIN district_gen.parameter p ORDER BY 2;
-- Its standard, and every seventh item also one prerequisite of it (the first by code)
INSERT INTO edfi.AssessmentItemLearningStandard (AssessmentIdentifier, IdentificationCode, Namespace, LearningStandardId)
SELECT i.assessment_identifier, i.identification_code, p.namespace || '/assessment', x.id
FROM district_gen.item i CROSS JOIN district_gen.parameter p
CROSS JOIN LATERAL (SELECT i.learning_standard_id
                    UNION
                    (SELECT e.prerequisite_id FROM district_gen.standard_prerequisite e
                     WHERE i.item_no % 7 = 0 AND e.learning_standard_id = i.learning_standard_id
                     ORDER BY 1 LIMIT 1)) x (id)
ORDER BY 2, 4;

-- When each student took each unit: the unit's place in the school year,
-- within a week either side
CREATE TEMP TABLE gen_sitting ON COMMIT DROP AS
SELECT s.n, s.student_usi, s.grade, s.ability, a AS unit,
       format('MATH-%s-U%s', g.label, lpad(a::text, 2, '0')) AS assessment_identifier,
       (d.day + time '09:00')::timestamp AS administered_at,
       a::double precision / p.units AS year_done
FROM district_gen.student s JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p
CROSS JOIN generate_series(1, p.units) a
JOIN district_gen.school_day d
  ON d.day_no = least(175, greatest(1, round(175.0 * (a - 0.5) / p.units + 10 * district_gen.u(20, s.n, a) - 5)::int));
ALTER TABLE gen_sitting ADD PRIMARY KEY (n, unit);
\echo generate_district: student assessments
INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate, SchoolYear,
                                    WhenAssessedGradeLevelDescriptorId)
SELECT t.assessment_identifier, p.namespace || '/assessment', format('SA-%s-%s', t.n, t.unit), t.student_usi, t.administered_at,
       p.school_year, g.descriptor_id
FROM gen_sitting t JOIN district_gen.grade g USING (grade) CROSS JOIN district_gen.parameter p
ORDER BY t.n, t.unit;

-- The item results, one unit at a time.  A student knows a standard at a
-- sitting when the standard's place in the grade's order (0 to 1) is below
-- the share of the year done plus 0.15 ability, plus noise of +-0.08 per
-- student and standard; known: right 90% of the time, else 20%; 0-4 items
-- score 2-4 when known, 0-2 when not.
-- 10 million rows checked one by one by three foreign-key triggers take
-- three times as long as the rows themselves: the table's foreign keys and
-- secondary indexes are set aside for the load and put back after it, as
-- pg_restore does (the constraints, re-added, check every row at once).
CREATE TEMP TABLE gen_set_aside ON COMMIT DROP AS
SELECT format('ALTER TABLE edfi.StudentAssessmentItem DROP CONSTRAINT %I', c.conname) AS set_aside,
       format('ALTER TABLE edfi.StudentAssessmentItem ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) AS put_back, 2 AS ord
FROM pg_constraint c WHERE c.conrelid = 'edfi.studentassessmentitem'::regclass AND c.contype = 'f'
UNION ALL
SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), 1
FROM pg_index i WHERE i.indrelid = 'edfi.studentassessmentitem'::regclass AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $set_aside$
DECLARE
    q text;
BEGIN
    FOR q IN SELECT set_aside FROM gen_set_aside ORDER BY ord DESC LOOP
        EXECUTE q;
    END LOOP;
END
$set_aside$;
SET LOCAL client_min_messages = notice;
DO $results$
DECLARE
    a int;
    n bigint;
    units int := (SELECT units FROM district_gen.parameter);
BEGIN
    FOR a IN 1 .. units LOOP
        INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, IdentificationCode,
                                                AssessmentItemResultDescriptorId, RawScoreResult, ItemNumber)
        SELECT r.assessment_identifier, p.namespace || '/assessment', format('SA-%s-%s', r.n, r.unit), r.student_usi, r.identification_code,
               CASE WHEN r.raw = r.max_raw_score THEN c.correct ELSE c.incorrect END, r.raw, r.item_no
        FROM (SELECT t.n, t.unit, t.student_usi, t.assessment_identifier, i.identification_code, i.item_no, i.max_raw_score,
                     CASE WHEN i.max_raw_score = 1
                          THEN CASE WHEN x.known THEN (x.v < 0.9)::int ELSE (x.v < 0.2)::int END
                          ELSE CASE WHEN x.known THEN 2 + (x.v >= 0.1)::int + (x.v >= 0.4)::int
                                    ELSE (x.v >= 0.5)::int + (x.v >= 0.8)::int END END AS raw
              FROM gen_sitting t
              JOIN district_gen.item i ON i.grade = t.grade AND i.unit = t.unit
              CROSS JOIN LATERAL (
                  SELECT (i.rank + 0.5) / i.grade_size
                         < t.year_done + 0.15 * t.ability + 0.08 * (2 * district_gen.u(21, t.n, hashtext(i.code)) - 1) AS known,
                         district_gen.u(22, t.n, hashtext(i.identification_code)) AS v) x
              WHERE t.unit = a) r
        CROSS JOIN district_gen.parameter p
        CROSS JOIN (SELECT district_gen.descriptor('AssessmentItemResultDescriptor', 'Correct') AS correct,
                           district_gen.descriptor('AssessmentItemResultDescriptor', 'Incorrect') AS incorrect) c
        ORDER BY 1, 2, 3, 4, 5;    -- the primary key's order: its index grows at its end
        GET DIAGNOSTICS n = ROW_COUNT;
        RAISE NOTICE 'generate_district: item results of unit % of %: % rows', a, units, n;
    END LOOP;
END
$results$;
SET LOCAL client_min_messages = warning;
\echo generate_district: item results: foreign keys and indexes put back
DO $put_back$
DECLARE
    q text;
BEGIN
    FOR q IN SELECT put_back FROM gen_set_aside ORDER BY ord, put_back LOOP
        EXECUTE q;
    END LOOP;
END
$put_back$;

-- Gradebook: four assignments per section on standards of its grade --------------
\echo generate_district: gradebook
CREATE TEMP TABLE gen_entry ON COMMIT DROP AS
SELECT c.section_identifier, c.school_id, c.grade, c.label, e AS entry_no,
       format('GB-%s-%s', c.section_identifier, e) AS entry_identifier, s.learning_standard_id, s.rank, s.grade_size,
       d.day AS due
FROM gen_section c CROSS JOIN generate_series(1, 4) e
JOIN district_gen.standard s ON s.grade = c.grade
 AND s.rank = floor(district_gen.u(30, hashtext(c.section_identifier), e) * s.grade_size)::int
JOIN district_gen.school_day d ON d.day_no = least(175, 1 + floor(175 * (s.rank + 0.5) / s.grade_size)::int);
INSERT INTO edfi.GradebookEntry (GradebookEntryIdentifier, Namespace, DateAssigned, DueDate, SourceSectionIdentifier, Title, MaxPoints,
                                 GradebookEntryTypeDescriptorId, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName)
SELECT e.entry_identifier, p.namespace || '/gradebook', e.due - 7, e.due, e.section_identifier, 'Assignment on ' || e.learning_standard_id, 100,
       district_gen.descriptor('GradebookEntryTypeDescriptor', 'Assignment'),
       'MATH-' || e.label, e.school_id, p.school_year, e.section_identifier, p.session_name
FROM gen_entry e CROSS JOIN district_gen.parameter p ORDER BY 1;
INSERT INTO edfi.GradebookEntryLearningStandard (GradebookEntryIdentifier, Namespace, LearningStandardId)
SELECT e.entry_identifier, p.namespace || '/gradebook', e.learning_standard_id FROM gen_entry e CROSS JOIN district_gen.parameter p ORDER BY 1;
INSERT INTO edfi.StudentGradebookEntry (GradebookEntryIdentifier, Namespace, StudentUSI, NumericGradeEarned, DateFulfilled)
SELECT e.entry_identifier, p.namespace || '/gradebook', s.student_usi,
       CASE WHEN x.known THEN 75 + round(25 * x.v) ELSE 35 + round(45 * x.v) END, e.due
FROM gen_entry e JOIN district_gen.student s USING (section_identifier) CROSS JOIN district_gen.parameter p
JOIN district_gen.school_day d ON d.day = e.due
CROSS JOIN LATERAL (SELECT (e.rank + 0.5) / e.grade_size < d.day_no / 175.0 + 0.15 * s.ability AS known,
                           district_gen.u(31, s.n, hashtext(e.entry_identifier)) AS v) x
ORDER BY s.n, 1;

-- Attendance and discipline ----------------------------------------------------------
-- A day's absence at a rate of 1 / (1 + e^(3.2 + 0.8 engagement - 0.4 title_i))
-- (about 5% for an average student, 20% two deviations down); a tardy at
-- half that rate on the other days.  Incidents: each of five chances at
-- 0.04 e^(-engagement).
\echo generate_district: attendance and discipline
INSERT INTO edfi.StudentSchoolAttendanceEvent (AttendanceEventCategoryDescriptorId, EventDate, SchoolId, SchoolYear, SessionName, StudentUSI)
SELECT c.id, x.day, x.school_id, p.school_year, p.session_name, x.student_usi
FROM (SELECT s.n, s.student_usi, s.school_id, d.day,
             CASE WHEN v < r THEN CASE WHEN district_gen.u(41, s.n, d.day_no) < 0.5 THEN 'Excused Absence' ELSE 'Unexcused Absence' END
                  WHEN v < 1.5 * r THEN 'Tardy' END AS category
      FROM district_gen.student s
      CROSS JOIN LATERAL (SELECT 1 / (1 + exp(3.2 + 0.8 * s.engagement - 0.4 * s.title_i::int)) AS r) rate
      CROSS JOIN district_gen.school_day d
      CROSS JOIN LATERAL (SELECT district_gen.u(40, s.n, d.day_no) AS v) u) x
CROSS JOIN district_gen.parameter p
JOIN (SELECT code, district_gen.descriptor('AttendanceEventCategoryDescriptor', code) AS id FROM gen_descriptor
      WHERE kind = 'AttendanceEventCategoryDescriptor') c ON c.code = x.category
ORDER BY x.n, x.day;

CREATE TEMP TABLE gen_incident ON COMMIT DROP AS
SELECT s.n, s.student_usi, s.school_id, k, format('DI-%s-%s', s.n, k) AS incident_identifier,
       d.day, CASE WHEN district_gen.u(52, s.n, k) < 0.1 THEN 'State Offense' ELSE 'School Code of Conduct' END AS behavior
FROM district_gen.student s CROSS JOIN generate_series(1, 5) k
JOIN district_gen.school_day d ON d.day_no = 1 + floor(175 * district_gen.u(51, s.n, k))::int
WHERE district_gen.u(50, s.n, k) < least(0.9, 0.04 * exp(-s.engagement));
INSERT INTO edfi.DisciplineIncident (IncidentIdentifier, SchoolId, IncidentDate)
SELECT incident_identifier, school_id, day FROM gen_incident ORDER BY n, k;
INSERT INTO edfi.StudentDisciplineIncidentBehaviorAssociation (BehaviorDescriptorId, IncidentIdentifier, SchoolId, StudentUSI)
SELECT district_gen.descriptor('BehaviorDescriptor', behavior), incident_identifier, school_id, student_usi FROM gen_incident ORDER BY n, k;
COMMIT;

\echo generate_district: vacuum analyze
VACUUM ANALYZE;
SELECT format('generate_district: %s students in %s schools and %s sections, %s standards, %s student assessments, %s item results, %s grades, %s attendance events, %s discipline incidents',
              (SELECT count(*) FROM district_gen.student), (SELECT count(*) FROM district_gen.school),
              (SELECT count(*) FROM edfi.Section s JOIN district_gen.school c ON c.school_id = s.SchoolId),
              (SELECT count(*) FROM district_gen.standard),
              (SELECT count(*) FROM edfi.StudentAssessment sa JOIN district_gen.student s ON s.student_usi = sa.StudentUSI),
              (SELECT count(*) FROM edfi.StudentAssessmentItem i JOIN district_gen.student s ON s.student_usi = i.StudentUSI),
              (SELECT count(*) FROM edfi.StudentGradebookEntry g JOIN district_gen.student s ON s.student_usi = g.StudentUSI),
              (SELECT count(*) FROM edfi.StudentSchoolAttendanceEvent e JOIN district_gen.student s ON s.student_usi = e.StudentUSI),
              (SELECT count(*) FROM edfi.DisciplineIncident i JOIN district_gen.school c ON c.school_id = i.SchoolId)) AS generated \gset
\echo :generated
