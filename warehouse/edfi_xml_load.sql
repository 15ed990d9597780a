-- Loads Ed-Fi XML interchange files (Data Standard 5.2) into an Ed-Fi ODS 5.2
-- with its foreign keys on.  Run by warehouse/edfi_xml_load.sh, which stages
-- the files from the client side (psql reads them; the server never reads a
-- file) into edfi_xml.document and then calls edfi_xml.load().
--
-- How it maps the XML:
--   * descriptors: every value 'uri://...SomeDescriptor#Code' met anywhere in
--     the staged documents becomes a row of edfi.Descriptor and of the table
--     of its kind (edfi.SomeDescriptor), unless it is there already;
--   * school years: every <SchoolYear> ('2021-2022', or '2022') becomes a row
--     of edfi.SchoolYearType (the year the school year ends);
--   * entities: one INSERT ... SELECT FROM XMLTABLE per ODS table below, in
--     the order the foreign keys need, each ON CONFLICT DO NOTHING so that a
--     file loaded twice changes nothing.  Student and staff references name
--     the unique id; the ODS keys on the surrogate USI, looked up here.
-- An interchange element without a mapping here is not loaded: edfi_xml.load()
-- reports how many elements of each kind it met and how many rows it wrote,
-- so nothing is skipped silently.  Adding an entity is one more INSERT in the
-- same pattern.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS edfi_xml;
CREATE TABLE IF NOT EXISTS edfi_xml.document (name text PRIMARY KEY, doc xml NOT NULL);
CREATE TABLE IF NOT EXISTS edfi_xml.load_report (
    loaded_at timestamptz NOT NULL DEFAULT now(),
    element text NOT NULL,
    ods_table text,
    elements bigint NOT NULL,
    rows_written bigint NOT NULL);

-- A descriptor URI to its id (NULL for NULL)
CREATE OR REPLACE FUNCTION edfi_xml.descriptor_id(uri text) RETURNS int
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT d.DescriptorId FROM edfi.Descriptor d
        WHERE d.Namespace = split_part($1, '#', 1)
          AND d.CodeValue = substr($1, strpos($1, '#') + 1));

-- '2021-2022' -> 2022; '2022' -> 2022
CREATE OR REPLACE FUNCTION edfi_xml.school_year(value text) RETURNS smallint
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN value LIKE '%-%' THEN split_part(value, '-', 2) ELSE value END::smallint;

CREATE OR REPLACE FUNCTION edfi_xml.student_usi(unique_id text) RETURNS int
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT s.StudentUSI FROM edfi.Student s WHERE s.StudentUniqueId = unique_id);

CREATE OR REPLACE FUNCTION edfi_xml.staff_usi(unique_id text) RETURNS int
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT s.StaffUSI FROM edfi.Staff s WHERE s.StaffUniqueId = unique_id);

CREATE OR REPLACE PROCEDURE edfi_xml.load()
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $load$
DECLARE
    n bigint;
    kind text;
    step record;
BEGIN
    -- Descriptors, as they are met (one pass over the documents)
    CREATE TEMP TABLE descriptor_met ON COMMIT DROP AS
    SELECT DISTINCT split_part(split_part(v, '#', 1), '/', -1) AS kind,
           split_part(v, '#', 1) AS namespace, substr(v, strpos(v, '#') + 1) AS code
    FROM edfi_xml.document d,
         XMLTABLE('//*[not(*) and contains(text(), "Descriptor#") and starts-with(text(), "uri://")]'
                  PASSING d.doc COLUMNS v text PATH '.') x;
    FOR kind IN SELECT DISTINCT m.kind FROM descriptor_met m ORDER BY 1 LOOP
        IF to_regclass(format('edfi.%I', lower(kind))) IS NULL THEN
            RAISE EXCEPTION 'edfi_xml: no descriptor table edfi.% in this ODS', kind;
        END IF;
        EXECUTE format($q$
            WITH added AS (
                INSERT INTO edfi.Descriptor (Namespace, CodeValue, ShortDescription, Discriminator)
                SELECT namespace, code, left(code, 75), %L FROM descriptor_met WHERE kind = %L
                ON CONFLICT (Namespace, CodeValue) DO NOTHING
                RETURNING DescriptorId)
            INSERT INTO edfi.%I SELECT DescriptorId FROM added$q$,
            'edfi.' || kind, kind, lower(kind));
    END LOOP;
    DROP TABLE descriptor_met;

    -- School years
    INSERT INTO edfi.SchoolYearType (SchoolYear, SchoolYearDescription, CurrentSchoolYear)
    SELECT DISTINCT edfi_xml.school_year(v), v, false
    FROM edfi_xml.document d,
         XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '//e:SchoolYear' PASSING d.doc
                  COLUMNS v text PATH '.') x
    WHERE v LIKE '%-%'
    ON CONFLICT DO NOTHING;

    -- The entities, in foreign-key order.  Each step: the interchange element,
    -- the ODS table, and the INSERT.
    FOR step IN SELECT * FROM edfi_xml.step ORDER BY ordinal LOOP
        EXECUTE step.statement;
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO edfi_xml.load_report (element, ods_table, elements, rows_written)
        SELECT step.element, step.ods_table,
               (SELECT count(*) FROM edfi_xml.document d,
                       XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e),
                                ('/*/e:' || step.element) PASSING d.doc COLUMNS x int PATH '1') x), n;
    END LOOP;
END
$load$;

-- The mapping: one step per ODS table, in foreign-key order
DROP TABLE IF EXISTS edfi_xml.step;
CREATE TABLE edfi_xml.step (ordinal int PRIMARY KEY, element text NOT NULL, ods_table text NOT NULL, statement text NOT NULL);
INSERT INTO edfi_xml.step VALUES
(10, 'LocalEducationAgency', 'edfi.EducationOrganization', $s$
INSERT INTO edfi.EducationOrganization (EducationOrganizationId, NameOfInstitution, ShortNameOfInstitution, WebSite, OperationalStatusDescriptorId, Discriminator)
SELECT x.id, x.name, x.short_name, x.website, edfi_xml.descriptor_id(x.status), 'edfi.' || x.kind
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LocalEducationAgency|/*/e:School' PASSING d.doc COLUMNS
              kind text PATH 'local-name()',
              id bigint PATH 'e:LocalEducationAgencyId|e:SchoolId',
              name text PATH 'e:NameOfInstitution', short_name text PATH 'e:ShortNameOfInstitution',
              website text PATH 'e:WebSite', status text PATH 'e:OperationalStatus') x
ON CONFLICT DO NOTHING$s$),
(11, 'LocalEducationAgency', 'edfi.LocalEducationAgency', $s$
INSERT INTO edfi.LocalEducationAgency (LocalEducationAgencyId, LocalEducationAgencyCategoryDescriptorId, CharterStatusDescriptorId)
SELECT x.id, edfi_xml.descriptor_id(x.category), edfi_xml.descriptor_id(x.charter)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LocalEducationAgency' PASSING d.doc COLUMNS
              id bigint PATH 'e:LocalEducationAgencyId', category text PATH 'e:LocalEducationAgencyCategory',
              charter text PATH 'e:CharterStatus') x
ON CONFLICT DO NOTHING$s$),
(12, 'School', 'edfi.School', $s$
INSERT INTO edfi.School (SchoolId, LocalEducationAgencyId, SchoolTypeDescriptorId, CharterStatusDescriptorId,
                         TitleIPartASchoolDesignationDescriptorId, AdministrativeFundingControlDescriptorId)
SELECT x.id, x.lea, edfi_xml.descriptor_id(x.school_type), edfi_xml.descriptor_id(x.charter),
       edfi_xml.descriptor_id(x.title_i), edfi_xml.descriptor_id(x.funding)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:School' PASSING d.doc COLUMNS
              id bigint PATH 'e:SchoolId', lea bigint PATH 'e:LocalEducationAgencyReference//e:LocalEducationAgencyId',
              school_type text PATH 'e:SchoolType', charter text PATH 'e:CharterStatus',
              title_i text PATH 'e:TitleIPartASchoolDesignation', funding text PATH 'e:AdministrativeFundingControl') x
ON CONFLICT DO NOTHING$s$),
(13, 'School', 'edfi.SchoolGradeLevel', $s$
INSERT INTO edfi.SchoolGradeLevel (SchoolId, GradeLevelDescriptorId)
SELECT x.id, edfi_xml.descriptor_id(x.grade)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:School/e:GradeLevel' PASSING d.doc COLUMNS
              id bigint PATH '../e:SchoolId', grade text PATH '.') x
ON CONFLICT DO NOTHING$s$),
(20, 'Session', 'edfi.Session', $s$
INSERT INTO edfi.Session (SchoolId, SchoolYear, SessionName, BeginDate, EndDate, TermDescriptorId, TotalInstructionalDays)
SELECT x.school, edfi_xml.school_year(x.year), x.name, x.begin_date, x.end_date, edfi_xml.descriptor_id(x.term), x.days
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Session' PASSING d.doc COLUMNS
              school bigint PATH 'e:SchoolReference//e:SchoolId', year text PATH 'e:SchoolYear',
              name text PATH 'e:SessionName', begin_date date PATH 'e:BeginDate', end_date date PATH 'e:EndDate',
              term text PATH 'e:Term', days int PATH 'e:TotalInstructionalDays') x
ON CONFLICT DO NOTHING$s$),
(21, 'GradingPeriod', 'edfi.GradingPeriod', $s$
INSERT INTO edfi.GradingPeriod (GradingPeriodDescriptorId, GradingPeriodName, SchoolId, SchoolYear, BeginDate, EndDate, PeriodSequence, TotalInstructionalDays)
SELECT edfi_xml.descriptor_id(x.period), x.name, x.school, edfi_xml.school_year(x.year), x.begin_date, x.end_date, x.seq, x.days
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:GradingPeriod' PASSING d.doc COLUMNS
              period text PATH 'e:GradingPeriod', name text PATH 'e:GradingPeriodName',
              school bigint PATH 'e:SchoolReference//e:SchoolId', year text PATH 'e:SchoolYear',
              begin_date date PATH 'e:BeginDate', end_date date PATH 'e:EndDate',
              seq int PATH 'e:PeriodSequence', days int PATH 'e:TotalInstructionalDays') x
ON CONFLICT DO NOTHING$s$),
(22, 'Calendar', 'edfi.Calendar', $s$
INSERT INTO edfi.Calendar (CalendarCode, SchoolId, SchoolYear, CalendarTypeDescriptorId)
SELECT x.code, x.school, edfi_xml.school_year(x.year), edfi_xml.descriptor_id(x.kind)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Calendar' PASSING d.doc COLUMNS
              code text PATH 'e:CalendarCode', school bigint PATH 'e:SchoolReference//e:SchoolId',
              year text PATH 'e:SchoolYear', kind text PATH 'e:CalendarType') x
ON CONFLICT DO NOTHING$s$),
(23, 'CalendarDate', 'edfi.CalendarDate', $s$
INSERT INTO edfi.CalendarDate (CalendarCode, Date, SchoolId, SchoolYear)
SELECT x.code, x.day, x.school, edfi_xml.school_year(x.year)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:CalendarDate' PASSING d.doc COLUMNS
              day date PATH 'e:Date', code text PATH 'e:CalendarReference//e:CalendarCode',
              school bigint PATH 'e:CalendarReference//e:SchoolId', year text PATH 'e:CalendarReference//e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(24, 'CalendarDate', 'edfi.CalendarDateCalendarEvent', $s$
INSERT INTO edfi.CalendarDateCalendarEvent (CalendarCode, Date, SchoolId, SchoolYear, CalendarEventDescriptorId)
SELECT x.code, x.day, x.school, edfi_xml.school_year(x.year), edfi_xml.descriptor_id(x.event)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:CalendarDate/e:CalendarEvent' PASSING d.doc COLUMNS
              event text PATH '.', day date PATH '../e:Date', code text PATH '../e:CalendarReference//e:CalendarCode',
              school bigint PATH '../e:CalendarReference//e:SchoolId', year text PATH '../e:CalendarReference//e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(30, 'Course', 'edfi.Course', $s$
INSERT INTO edfi.Course (CourseCode, EducationOrganizationId, CourseTitle, NumberOfParts, CourseDescription, HighSchoolCourseRequirement,
                         CourseGPAApplicabilityDescriptorId, CourseDefinedByDescriptorId)
SELECT x.code, x.edorg, x.title, x.parts, x.description, x.required, edfi_xml.descriptor_id(x.gpa), edfi_xml.descriptor_id(x.defined_by)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Course' PASSING d.doc COLUMNS
              code text PATH 'e:CourseCode', edorg bigint PATH 'e:EducationOrganizationReference//e:EducationOrganizationId',
              title text PATH 'e:CourseTitle', parts int PATH 'e:NumberOfParts', description text PATH 'e:CourseDescription',
              required boolean PATH 'e:HighSchoolCourseRequirement', gpa text PATH 'e:CourseGPAApplicability',
              defined_by text PATH 'e:CourseDefinedBy') x
ON CONFLICT DO NOTHING$s$),
(31, 'CourseOffering', 'edfi.CourseOffering', $s$
INSERT INTO edfi.CourseOffering (LocalCourseCode, SchoolId, SchoolYear, SessionName, CourseCode, EducationOrganizationId, LocalCourseTitle)
SELECT x.code, x.school, edfi_xml.school_year(x.year), x.session, x.course, x.course_edorg, x.title
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:CourseOffering' PASSING d.doc COLUMNS
              code text PATH 'e:LocalCourseCode', school bigint PATH 'e:SchoolReference//e:SchoolId',
              session text PATH 'e:SessionReference//e:SessionName', year text PATH 'e:SessionReference//e:SchoolYear',
              course text PATH 'e:CourseReference//e:CourseCode',
              course_edorg bigint PATH 'e:CourseReference//e:EducationOrganizationId', title text PATH 'e:LocalCourseTitle') x
ON CONFLICT DO NOTHING$s$),
-- Sections: the classroom (edfi.Location) is not loaded, so its reference is left out
(32, 'Section', 'edfi.Section', $s$
INSERT INTO edfi.Section (LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, SectionName, SequenceOfCourse,
                          AvailableCredits, SectionTypeDescriptorId, EducationalEnvironmentDescriptorId)
SELECT x.code, x.school, edfi_xml.school_year(x.year), x.id, x.session, x.name, x.seq, x.credits,
       edfi_xml.descriptor_id(x.kind), edfi_xml.descriptor_id(x.environment)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Section' PASSING d.doc COLUMNS
              id text PATH 'e:SectionIdentifier', code text PATH 'e:CourseOfferingReference//e:LocalCourseCode',
              school bigint PATH 'e:CourseOfferingReference/e:CourseOfferingIdentity/e:SchoolReference//e:SchoolId',
              session text PATH 'e:CourseOfferingReference//e:SessionName', year text PATH 'e:CourseOfferingReference//e:SchoolYear',
              name text PATH 'e:SectionName', seq int PATH 'e:SequenceOfCourse', credits numeric PATH 'e:AvailableCredits/e:Credits',
              kind text PATH 'e:SectionType', environment text PATH 'e:EducationalEnvironment') x
ON CONFLICT DO NOTHING$s$),
(40, 'Staff', 'edfi.Staff', $s$
INSERT INTO edfi.Staff (StaffUniqueId, FirstName, LastSurname, MiddleName, PersonalTitlePrefix, BirthDate, SexDescriptorId, HispanicLatinoEthnicity)
SELECT x.id, x.first_name, x.last_name, x.middle_name, x.prefix, x.birth_date, edfi_xml.descriptor_id(x.sex), x.hispanic
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Staff' PASSING d.doc COLUMNS
              id text PATH 'e:StaffUniqueId', first_name text PATH 'e:Name/e:FirstName', last_name text PATH 'e:Name/e:LastSurname',
              middle_name text PATH 'e:Name/e:MiddleName', prefix text PATH 'e:Name/e:PersonalTitlePrefix',
              birth_date date PATH 'e:BirthDate', sex text PATH 'e:Sex', hispanic boolean PATH 'e:HispanicLatinoEthnicity') x
WHERE edfi_xml.staff_usi(x.id) IS NULL$s$),
(41, 'StaffSectionAssociation', 'edfi.StaffSectionAssociation', $s$
INSERT INTO edfi.StaffSectionAssociation (StaffUSI, SectionIdentifier, LocalCourseCode, SchoolId, SchoolYear, SessionName, BeginDate,
                                          EndDate, ClassroomPositionDescriptorId, HighlyQualifiedTeacher, PercentageContribution)
SELECT edfi_xml.staff_usi(x.staff), x.section, x.code, x.school, edfi_xml.school_year(x.year), x.session,
       coalesce(x.begin_date, s.BeginDate), x.end_date, edfi_xml.descriptor_id(x.position), x.qualified, x.contribution
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StaffSectionAssociation' PASSING d.doc COLUMNS
              staff text PATH 'e:StaffReference//e:StaffUniqueId', section text PATH 'e:SectionReference//e:SectionIdentifier',
              code text PATH 'e:SectionReference//e:LocalCourseCode',
              school bigint PATH 'e:SectionReference//e:CourseOfferingIdentity/e:SchoolReference//e:SchoolId',
              session text PATH 'e:SectionReference//e:SessionName', year text PATH 'e:SectionReference//e:SchoolYear',
              begin_date date PATH 'e:BeginDate', end_date date PATH 'e:EndDate', position text PATH 'e:ClassroomPosition',
              qualified boolean PATH 'e:HighlyQualifiedTeacher', contribution numeric PATH 'e:PercentageContribution') x
LEFT JOIN edfi.Session s ON s.SchoolId = x.school AND s.SchoolYear = edfi_xml.school_year(x.year) AND s.SessionName = x.session
ON CONFLICT DO NOTHING$s$),
(50, 'Student', 'edfi.Student', $s$
INSERT INTO edfi.Student (StudentUniqueId, FirstName, LastSurname, MiddleName, PersonalTitlePrefix, PreferredFirstName,
                          PreferredLastSurname, BirthDate, BirthCity)
SELECT x.id, x.first_name, x.last_name, x.middle_name, x.prefix, x.preferred_first, x.preferred_last, x.birth_date, x.birth_city
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Student' PASSING d.doc COLUMNS
              id text PATH 'e:StudentUniqueId', first_name text PATH 'e:Name/e:FirstName', last_name text PATH 'e:Name/e:LastSurname',
              middle_name text PATH 'e:Name/e:MiddleName', prefix text PATH 'e:Name/e:PersonalTitlePrefix',
              preferred_first text PATH 'e:Name/e:PreferredFirstName', preferred_last text PATH 'e:Name/e:PreferredLastSurname',
              birth_date date PATH 'e:BirthData/e:BirthDate', birth_city text PATH 'e:BirthData/e:BirthCity') x
WHERE edfi_xml.student_usi(x.id) IS NULL$s$),
(51, 'Program', 'edfi.Program', $s$
INSERT INTO edfi.Program (EducationOrganizationId, ProgramName, ProgramTypeDescriptorId, ProgramId)
SELECT x.edorg, x.name, edfi_xml.descriptor_id(x.kind), x.id
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Program' PASSING d.doc COLUMNS
              edorg bigint PATH 'e:EducationOrganizationReference//e:EducationOrganizationId',
              name text PATH 'e:ProgramName', kind text PATH 'e:ProgramType', id text PATH 'e:ProgramId') x
ON CONFLICT DO NOTHING$s$),
-- Every kind of student program association: the general row (its kind in
-- Discriminator) and the row of its own table where that needs only the key
(52, 'StudentProgramAssociation', 'edfi.GeneralStudentProgramAssociation', $s$
INSERT INTO edfi.GeneralStudentProgramAssociation (BeginDate, EducationOrganizationId, ProgramEducationOrganizationId, ProgramName,
                                                   ProgramTypeDescriptorId, StudentUSI, EndDate, ServedOutsideOfRegularSession, Discriminator)
SELECT x.begin_date, x.edorg, x.program_edorg, x.program, edfi_xml.descriptor_id(x.program_type), edfi_xml.student_usi(x.student),
       x.end_date, x.outside, 'edfi.' || x.kind
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/*[starts-with(local-name(), "Student") and contains(local-name(), "ProgramAssociation")]' PASSING d.doc COLUMNS
              kind text PATH 'local-name()', student text PATH 'e:StudentReference//e:StudentUniqueId',
              program_edorg bigint PATH 'e:ProgramReference//e:EducationOrganizationId',
              program text PATH 'e:ProgramReference//e:ProgramName', program_type text PATH 'e:ProgramReference//e:ProgramType',
              begin_date date PATH 'e:BeginDate', end_date date PATH 'e:EndDate',
              edorg bigint PATH 'e:EducationOrganizationReference//e:EducationOrganizationId',
              outside boolean PATH 'e:ServedOutsideOfRegularSession') x
ON CONFLICT DO NOTHING$s$),
(53, 'StudentProgramAssociation', 'edfi.Student*ProgramAssociation', $s$
DO $do$
DECLARE kind text;
BEGIN
    FOR kind IN SELECT DISTINCT substr(g.Discriminator, 6) FROM edfi.GeneralStudentProgramAssociation g
                WHERE g.Discriminator LIKE 'edfi.%' AND to_regclass(g.Discriminator) IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                                  WHERE c.table_schema = 'edfi' AND c.table_name = lower(substr(g.Discriminator, 6))
                                    AND c.is_nullable = 'NO' AND c.column_default IS NULL
                                    AND c.column_name NOT IN ('begindate', 'educationorganizationid', 'programeducationorganizationid',
                                                              'programname', 'programtypedescriptorid', 'studentusi'))
    LOOP
        EXECUTE format('INSERT INTO edfi.%I (BeginDate, EducationOrganizationId, ProgramEducationOrganizationId, ProgramName, '
                       'ProgramTypeDescriptorId, StudentUSI) '
                       'SELECT BeginDate, EducationOrganizationId, ProgramEducationOrganizationId, ProgramName, ProgramTypeDescriptorId, StudentUSI '
                       'FROM edfi.GeneralStudentProgramAssociation WHERE Discriminator = %L ON CONFLICT DO NOTHING',
                       lower(kind), 'edfi.' || kind);
    END LOOP;
END
$do$$s$),
(60, 'LearningStandard', 'edfi.LearningStandard', $s$
INSERT INTO edfi.LearningStandard (LearningStandardId, Description, Namespace, LearningStandardItemCode, CourseTitle, SuccessCriteria,
                                   LearningStandardScopeDescriptorId, LearningStandardCategoryDescriptorId, Uri)
SELECT x.id, x.description, x.namespace, x.item_code, x.course_title, x.success, edfi_xml.descriptor_id(x.scope),
       edfi_xml.descriptor_id(x.category), x.uri
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LearningStandard' PASSING d.doc COLUMNS
              id text PATH 'e:LearningStandardId', description text PATH 'e:Description', namespace text PATH 'e:Namespace',
              item_code text PATH 'e:LearningStandardItemCode', course_title text PATH 'e:CourseTitle',
              success text PATH 'e:SuccessCriteria', scope text PATH 'e:LearningStandardScope',
              category text PATH 'e:LearningStandardCategory', uri text PATH 'e:URI') x
ON CONFLICT DO NOTHING$s$),
(61, 'LearningStandard', 'edfi.LearningStandard (parent)', $s$
UPDATE edfi.LearningStandard l SET ParentLearningStandardId = x.parent
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LearningStandard[e:ParentLearningStandardReference]' PASSING d.doc COLUMNS
              id text PATH 'e:LearningStandardId',
              parent text PATH 'e:ParentLearningStandardReference//e:LearningStandardId') x
WHERE l.LearningStandardId = x.id AND l.ParentLearningStandardId IS DISTINCT FROM x.parent$s$),
(62, 'LearningStandard', 'edfi.LearningStandardGradeLevel', $s$
INSERT INTO edfi.LearningStandardGradeLevel (LearningStandardId, GradeLevelDescriptorId)
SELECT x.id, edfi_xml.descriptor_id(x.grade)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LearningStandard/e:GradeLevel' PASSING d.doc COLUMNS
              id text PATH '../e:LearningStandardId', grade text PATH '.') x
ON CONFLICT DO NOTHING$s$),
(63, 'LearningStandard', 'edfi.LearningStandardAcademicSubject', $s$
INSERT INTO edfi.LearningStandardAcademicSubject (LearningStandardId, AcademicSubjectDescriptorId)
SELECT x.id, edfi_xml.descriptor_id(x.subject)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:LearningStandard/e:AcademicSubject' PASSING d.doc COLUMNS
              id text PATH '../e:LearningStandardId', subject text PATH '.') x
ON CONFLICT DO NOTHING$s$),
(70, 'Assessment', 'edfi.Assessment', $s$
INSERT INTO edfi.Assessment (AssessmentIdentifier, Namespace, AssessmentTitle, AssessmentCategoryDescriptorId, AssessmentVersion,
                             MaxRawScore, AssessmentFamily, AdaptiveAssessment)
SELECT x.id, x.namespace, x.title, edfi_xml.descriptor_id(x.category), x.version, x.max_raw, x.family, x.adaptive
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Assessment' PASSING d.doc COLUMNS
              id text PATH 'e:AssessmentIdentifier', namespace text PATH 'e:Namespace', title text PATH 'e:AssessmentTitle',
              category text PATH 'e:AssessmentCategory', version int PATH 'e:AssessmentVersion',
              max_raw numeric PATH 'e:MaxRawScore', family text PATH 'e:AssessmentFamily', adaptive boolean PATH 'e:AdaptiveAssessment') x
ON CONFLICT DO NOTHING$s$),
(71, 'Assessment', 'edfi.AssessmentAcademicSubject', $s$
INSERT INTO edfi.AssessmentAcademicSubject (AssessmentIdentifier, Namespace, AcademicSubjectDescriptorId)
SELECT x.id, x.namespace, edfi_xml.descriptor_id(x.subject)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Assessment/e:AcademicSubject' PASSING d.doc COLUMNS
              id text PATH '../e:AssessmentIdentifier', namespace text PATH '../e:Namespace', subject text PATH '.') x
ON CONFLICT DO NOTHING$s$),
(72, 'Assessment', 'edfi.AssessmentAssessedGradeLevel', $s$
INSERT INTO edfi.AssessmentAssessedGradeLevel (AssessmentIdentifier, Namespace, GradeLevelDescriptorId)
SELECT x.id, x.namespace, edfi_xml.descriptor_id(x.grade)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:Assessment/e:AssessedGradeLevel' PASSING d.doc COLUMNS
              id text PATH '../e:AssessmentIdentifier', namespace text PATH '../e:Namespace', grade text PATH '.') x
ON CONFLICT DO NOTHING$s$),
(73, 'AssessmentItem', 'edfi.AssessmentItem', $s$
INSERT INTO edfi.AssessmentItem (AssessmentIdentifier, Namespace, IdentificationCode, AssessmentItemCategoryDescriptorId, MaxRawScore,
                                 ItemText, AssessmentItemURI, Nomenclature)
SELECT x.assessment, x.namespace, x.code, edfi_xml.descriptor_id(x.category), x.max_raw, x.item_text, x.uri, x.nomenclature
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:AssessmentItem' PASSING d.doc COLUMNS
              code text PATH 'e:IdentificationCode', assessment text PATH 'e:AssessmentReference//e:AssessmentIdentifier',
              namespace text PATH 'e:AssessmentReference//e:Namespace', category text PATH 'e:AssessmentItemCategory',
              max_raw numeric PATH 'e:MaxRawScore', item_text text PATH 'e:ItemText', uri text PATH 'e:AssessmentItemURI',
              nomenclature text PATH 'e:Nomenclature') x
ON CONFLICT DO NOTHING$s$),
(74, 'AssessmentItem', 'edfi.AssessmentItemLearningStandard', $s$
INSERT INTO edfi.AssessmentItemLearningStandard (AssessmentIdentifier, Namespace, IdentificationCode, LearningStandardId)
SELECT x.assessment, x.namespace, x.code, x.standard
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:AssessmentItem/e:LearningStandardReference' PASSING d.doc COLUMNS
              standard text PATH './/e:LearningStandardId', code text PATH '../e:IdentificationCode',
              assessment text PATH '../e:AssessmentReference//e:AssessmentIdentifier',
              namespace text PATH '../e:AssessmentReference//e:Namespace') x
ON CONFLICT DO NOTHING$s$),
(80, 'StudentAssessment', 'edfi.StudentAssessment', $s$
INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate,
                                    SerialNumber, AdministrationLanguageDescriptorId, AdministrationEnvironmentDescriptorId,
                                    WhenAssessedGradeLevelDescriptorId, SchoolYear)
SELECT x.assessment, x.namespace, x.id, edfi_xml.student_usi(x.student), x.administered, x.serial,
       edfi_xml.descriptor_id(x.language), edfi_xml.descriptor_id(x.environment), edfi_xml.descriptor_id(x.grade),
       edfi_xml.school_year(x.year)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentAssessment' PASSING d.doc COLUMNS
              id text PATH 'e:StudentAssessmentIdentifier', student text PATH 'e:StudentReference//e:StudentUniqueId',
              assessment text PATH 'e:AssessmentReference//e:AssessmentIdentifier', namespace text PATH 'e:AssessmentReference//e:Namespace',
              administered timestamp PATH 'e:AdministrationDate', serial text PATH 'e:SerialNumber',
              language text PATH 'e:AdministrationLanguage', environment text PATH 'e:AdministrationEnvironment',
              grade text PATH 'e:WhenAssessedGradeLevel', year text PATH 'e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(81, 'StudentAssessment', 'edfi.StudentAssessmentItem', $s$
INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, IdentificationCode,
                                        AssessmentItemResultDescriptorId, RawScoreResult, AssessmentResponse, ItemNumber)
SELECT x.assessment, x.namespace, x.id, edfi_xml.student_usi(x.student), x.code, edfi_xml.descriptor_id(x.result), x.raw_score,
       x.response, x.item_number
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentAssessment/e:StudentAssessmentItem' PASSING d.doc COLUMNS
              id text PATH '../e:StudentAssessmentIdentifier', student text PATH '../e:StudentReference//e:StudentUniqueId',
              assessment text PATH '../e:AssessmentReference//e:AssessmentIdentifier', namespace text PATH '../e:AssessmentReference//e:Namespace',
              code text PATH 'e:AssessmentItemReference//e:IdentificationCode', result text PATH 'e:AssessmentItemResult',
              raw_score numeric PATH 'e:RawScoreResult', response text PATH 'e:AssessmentResponse', item_number int PATH 'e:ItemNumber') x
ON CONFLICT DO NOTHING$s$),
(90, 'GradebookEntry', 'edfi.GradebookEntry', $s$
INSERT INTO edfi.GradebookEntry (GradebookEntryIdentifier, Namespace, SourceSectionIdentifier, Title, Description, DateAssigned, DueDate,
                                 MaxPoints, GradebookEntryTypeDescriptorId, SectionIdentifier, LocalCourseCode, SchoolId, SchoolYear, SessionName)
SELECT x.id, x.namespace, x.source_section, x.title, x.description, x.assigned, x.due, x.max_points, edfi_xml.descriptor_id(x.kind),
       x.section, x.code, x.school, edfi_xml.school_year(x.year), x.session
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:GradebookEntry' PASSING d.doc COLUMNS
              id text PATH 'e:GradebookEntryIdentifier', namespace text PATH 'e:Namespace',
              source_section text PATH 'e:SourceSectionIdentifier', title text PATH 'e:Title', description text PATH 'e:Description',
              assigned date PATH 'e:DateAssigned', due date PATH 'e:DueDate', max_points numeric PATH 'e:MaxPoints',
              kind text PATH 'e:GradebookEntryType',
              section text PATH 'e:SectionReference//e:SectionIdentifier', code text PATH 'e:SectionReference//e:LocalCourseCode',
              school bigint PATH 'e:SectionReference//e:CourseOfferingIdentity/e:SchoolReference//e:SchoolId',
              session text PATH 'e:SectionReference//e:SessionName', year text PATH 'e:SectionReference//e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(91, 'GradebookEntry', 'edfi.GradebookEntryLearningStandard', $s$
INSERT INTO edfi.GradebookEntryLearningStandard (GradebookEntryIdentifier, Namespace, LearningStandardId)
SELECT x.id, x.namespace, x.standard
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:GradebookEntry/e:LearningStandardReference' PASSING d.doc COLUMNS
              standard text PATH './/e:LearningStandardId', id text PATH '../e:GradebookEntryIdentifier',
              namespace text PATH '../e:Namespace') x
ON CONFLICT DO NOTHING$s$),
(92, 'StudentGradebookEntry', 'edfi.StudentGradebookEntry', $s$
INSERT INTO edfi.StudentGradebookEntry (GradebookEntryIdentifier, Namespace, StudentUSI, NumericGradeEarned, LetterGradeEarned, PointsEarned,
                                        DateFulfilled, SubmissionStatusDescriptorId, AssignmentLateStatusDescriptorId)
SELECT x.entry, x.namespace, edfi_xml.student_usi(x.student), x.numeric_grade, x.letter_grade, x.points, x.fulfilled,
       edfi_xml.descriptor_id(x.status), edfi_xml.descriptor_id(x.late)
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentGradebookEntry' PASSING d.doc COLUMNS
              entry text PATH 'e:GradebookEntryReference//e:GradebookEntryIdentifier', namespace text PATH 'e:GradebookEntryReference//e:Namespace',
              student text PATH 'e:StudentReference//e:StudentUniqueId', numeric_grade numeric PATH 'e:NumericGradeEarned',
              letter_grade text PATH 'e:LetterGradeEarned', points numeric PATH 'e:PointsEarned', fulfilled date PATH 'e:DateFulfilled',
              status text PATH 'e:SubmissionStatus', late text PATH 'e:AssignmentLateStatus') x
ON CONFLICT DO NOTHING$s$),
(100, 'StudentSchoolAttendanceEvent', 'edfi.StudentSchoolAttendanceEvent', $s$
INSERT INTO edfi.StudentSchoolAttendanceEvent (AttendanceEventCategoryDescriptorId, EventDate, SchoolId, SchoolYear, SessionName, StudentUSI,
                                               AttendanceEventReason, EventDuration)
SELECT edfi_xml.descriptor_id(x.category), x.day, x.school, edfi_xml.school_year(x.year), x.session, edfi_xml.student_usi(x.student),
       x.reason, x.duration
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentSchoolAttendanceEvent' PASSING d.doc COLUMNS
              category text PATH 'e:AttendanceEvent/e:AttendanceEventCategory', day date PATH 'e:AttendanceEvent/e:EventDate',
              reason text PATH 'e:AttendanceEvent/e:AttendanceEventReason', duration numeric PATH 'e:AttendanceEvent/e:EventDuration',
              student text PATH 'e:StudentReference//e:StudentUniqueId', school bigint PATH 'e:SchoolReference//e:SchoolId',
              session text PATH 'e:SessionReference//e:SessionName', year text PATH 'e:SessionReference//e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(101, 'StudentSectionAttendanceEvent', 'edfi.StudentSectionAttendanceEvent', $s$
INSERT INTO edfi.StudentSectionAttendanceEvent (AttendanceEventCategoryDescriptorId, EventDate, LocalCourseCode, SchoolId, SchoolYear,
                                                SectionIdentifier, SessionName, StudentUSI, AttendanceEventReason,
                                                EducationalEnvironmentDescriptorId, SectionAttendanceDuration, ArrivalTime)
SELECT edfi_xml.descriptor_id(x.category), x.day, x.code, x.school, edfi_xml.school_year(x.year), x.section, x.session,
       edfi_xml.student_usi(x.student), x.reason, edfi_xml.descriptor_id(x.environment), x.duration, x.arrival
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentSectionAttendanceEvent' PASSING d.doc COLUMNS
              category text PATH 'e:AttendanceEvent/e:AttendanceEventCategory', day date PATH 'e:AttendanceEvent/e:EventDate',
              reason text PATH 'e:AttendanceEvent/e:AttendanceEventReason',
              environment text PATH 'e:AttendanceEvent/e:EducationalEnvironment',
              duration numeric PATH 'e:SectionAttendanceDuration', arrival time PATH 'e:ArrivalTime',
              student text PATH 'e:StudentReference//e:StudentUniqueId', section text PATH 'e:SectionReference//e:SectionIdentifier',
              code text PATH 'e:SectionReference//e:LocalCourseCode',
              school bigint PATH 'e:SectionReference//e:CourseOfferingIdentity/e:SchoolReference//e:SchoolId',
              session text PATH 'e:SectionReference//e:SessionName', year text PATH 'e:SectionReference//e:SchoolYear') x
ON CONFLICT DO NOTHING$s$),
(110, 'DisciplineIncident', 'edfi.DisciplineIncident', $s$
INSERT INTO edfi.DisciplineIncident (IncidentIdentifier, SchoolId, IncidentDate, IncidentTime, IncidentDescription,
                                     IncidentLocationDescriptorId, ReporterDescriptionDescriptorId, ReporterName, ReportedToLawEnforcement)
SELECT x.id, x.school, x.day, x.at, x.description, edfi_xml.descriptor_id(x.location), edfi_xml.descriptor_id(x.reporter_kind),
       x.reporter, x.police
FROM edfi_xml.document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:DisciplineIncident' PASSING d.doc COLUMNS
              id text PATH 'e:IncidentIdentifier', school bigint PATH 'e:SchoolReference//e:SchoolId', day date PATH 'e:IncidentDate',
              at time PATH 'e:IncidentTime', description text PATH 'e:IncidentDescription', location text PATH 'e:IncidentLocation',
              reporter_kind text PATH 'e:ReporterDescription', reporter text PATH 'e:ReporterName',
              police boolean PATH 'e:ReportedToLawEnforcement') x
ON CONFLICT DO NOTHING$s$),
-- The incident is named by reference (ref= the incident's id= in the same file) or by identity
(111, 'StudentDisciplineIncidentBehaviorAssociation', 'edfi.StudentDisciplineIncidentBehaviorAssociation', $s$
INSERT INTO edfi.StudentDisciplineIncidentBehaviorAssociation (BehaviorDescriptorId, IncidentIdentifier, SchoolId, StudentUSI, BehaviorDetailedDescription)
SELECT edfi_xml.descriptor_id(x.behavior), coalesce(x.incident, i.id), coalesce(x.school, i.school), edfi_xml.student_usi(x.student), x.detail
FROM edfi_xml.document d
CROSS JOIN XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:StudentDisciplineIncidentBehaviorAssociation' PASSING d.doc COLUMNS
              student text PATH 'e:StudentReference//e:StudentUniqueId', ref text PATH 'e:DisciplineIncidentReference/@ref',
              incident text PATH 'e:DisciplineIncidentReference//e:IncidentIdentifier',
              school bigint PATH 'e:DisciplineIncidentReference//e:SchoolId',
              behavior text PATH 'e:Behavior', detail text PATH 'e:BehaviorDetailedDescription') x
LEFT JOIN XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/*/e:DisciplineIncident' PASSING d.doc COLUMNS
              xml_id text PATH '@id', id text PATH 'e:IncidentIdentifier', school bigint PATH 'e:SchoolReference//e:SchoolId') i
       ON i.xml_id = x.ref
ON CONFLICT DO NOTHING$s$);
