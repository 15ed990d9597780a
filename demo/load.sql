-- Loads the Ed-Fi Grand Bend sample (demo/data/edfi-grandbend, Apache-2.0,
-- (c) Ed-Fi Alliance) into plain tables, the way a district warehouse holds
-- its SIS and assessment extracts.  psql reads the files; the server parses
-- the XML with XMLTABLE.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS competency;

CREATE TABLE edfi_document (name text PRIMARY KEY, doc xml NOT NULL);
\set doc `cat demo/data/edfi-grandbend/AssessmentMetadata-LearningStandardsMastery.xml`
INSERT INTO edfi_document VALUES ('assessment_metadata', :'doc');
\set doc `cat demo/data/edfi-grandbend/StudentAssessment-LearningStandardsMastery.xml`
INSERT INTO edfi_document VALUES ('student_assessment', :'doc');
\set doc `cat demo/data/edfi-grandbend/StudentGradebook.xml`
INSERT INTO edfi_document VALUES ('gradebook', :'doc');
\set doc `cat demo/data/edfi-grandbend/Standards-Mathematics-subset.xml`
INSERT INTO edfi_document VALUES ('standards', :'doc');
\set doc `cat demo/data/edfi-grandbend/StudentDiscipline.xml`
INSERT INTO edfi_document VALUES ('discipline', :'doc');
\set doc `cat demo/data/edfi-grandbend/StudentSchoolAttendance.xml`
INSERT INTO edfi_document VALUES ('attendance', :'doc');
\set doc `cat demo/data/edfi-grandbend/Student.xml`
INSERT INTO edfi_document VALUES ('students', :'doc');
\unset doc

-- Students' names, for the report (a report names students, not ids)
CREATE TABLE student_name AS
SELECT x.student, x.first_name, x.last_name
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/e:InterchangeStudent/e:Student'
              PASSING d.doc
              COLUMNS student text PATH 'e:StudentUniqueId',
                      first_name text PATH 'e:Name/e:FirstName',
                      last_name text PATH 'e:Name/e:LastSurname') x
WHERE d.name = 'students';

-- Learning standards: code and description
CREATE TABLE learning_standard AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/e:InterchangeStandards/e:LearningStandard'
              PASSING d.doc COLUMNS
              standard text PATH 'e:LearningStandardId',
              description text PATH 'e:Description',
              grade_level text PATH 'substring-after(e:GradeLevel, "#")') x
WHERE d.name = 'standards';

-- The mastery assessment's items: the standard each one measures
CREATE TABLE assessment_item AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/e:InterchangeAssessmentMetadata/e:AssessmentItem'
              PASSING d.doc COLUMNS
              item text PATH 'e:IdentificationCode',
              max_raw_score float8 PATH 'e:MaxRawScore',
              standard text PATH 'e:LearningStandardReference/e:LearningStandardIdentity/e:LearningStandardId',
              item_text text PATH 'e:ItemText') x
WHERE d.name = 'assessment_metadata';

-- Every student's result on every item
CREATE TABLE item_result AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e),
              '/e:InterchangeStudentAssessment/e:StudentAssessment/e:StudentAssessmentItem'
              PASSING d.doc COLUMNS
              student text PATH '../e:StudentReference/e:StudentIdentity/e:StudentUniqueId',
              administered_at timestamptz PATH '../e:AdministrationDate',
              item text PATH 'e:AssessmentItemReference/e:AssessmentItemIdentity/e:IdentificationCode',
              result text PATH 'substring-after(e:AssessmentItemResult, "#")',
              raw_score float8 PATH 'e:RawScoreResult') x
WHERE d.name = 'student_assessment';

-- The gradebook: dated entries and the grades earned on them
CREATE TABLE gradebook_entry AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/e:InterchangeStudentGradebook/e:GradebookEntry'
              PASSING d.doc COLUMNS
              entry text PATH 'e:GradebookEntryIdentifier',
              title text PATH 'e:Title',
              course text PATH 'e:SectionReference//e:LocalCourseCode',
              date_assigned date PATH 'e:DateAssigned',
              due_date date PATH 'e:DueDate') x
WHERE d.name = 'gradebook';

CREATE TABLE gradebook_grade AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e), '/e:InterchangeStudentGradebook/e:StudentGradebookEntry'
              PASSING d.doc COLUMNS
              entry text PATH 'e:GradebookEntryReference/e:GradebookEntryIdentity/e:GradebookEntryIdentifier',
              student text PATH 'e:StudentReference/e:StudentIdentity/e:StudentUniqueId',
              grade float8 PATH 'e:NumericGradeEarned') x
WHERE d.name = 'gradebook';

-- Discipline: the incidents each student took part in
CREATE TABLE discipline_incident AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e),
              '/e:InterchangeStudentDiscipline/e:StudentDisciplineIncidentBehaviorAssociation'
              PASSING d.doc COLUMNS
              student text PATH 'e:StudentReference/e:StudentIdentity/e:StudentUniqueId',
              incident text PATH 'e:DisciplineIncidentReference/@ref',
              behavior text PATH 'substring-after(e:Behavior, "#")') x
WHERE d.name = 'discipline';

-- Attendance: one row per attendance event (absences, tardies)
CREATE TABLE attendance_event AS
SELECT x.*
FROM edfi_document d,
     XMLTABLE(XMLNAMESPACES('http://ed-fi.org/5.2.0' AS e),
              '/e:InterchangeStudentAttendance/e:StudentSchoolAttendanceEvent'
              PASSING d.doc COLUMNS
              student text PATH 'e:StudentReference/e:StudentIdentity/e:StudentUniqueId',
              event_date date PATH 'e:AttendanceEvent/e:EventDate',
              category text PATH 'substring-after(e:AttendanceEvent/e:AttendanceEventCategory, "#")') x
WHERE d.name = 'attendance';

-- The Common Core framework with real prerequisites (table common_core), and
-- the crosswalk from the sample's standard ids to its codes
\i test/fixtures/case/common_core_framework.sql
CREATE TABLE standard_crosswalk (edfi_standard text PRIMARY KEY, case_identifier text, code text);
\copy standard_crosswalk FROM 'demo/data/case/edfi_to_case_crosswalk.csv' WITH (FORMAT csv, HEADER)

-- Evidence views: what the rollups read.  Item scores go on the district's
-- four-point scale; a grade is evidence out of 100 on its due date (or the
-- date assigned when there is none).
CREATE VIEW standard_evidence AS
SELECT r.student, i.standard,
       mastery_evidence(4 * r.raw_score / i.max_raw_score, 4, r.administered_at) AS evidence
FROM item_result r JOIN assessment_item i USING (item);

-- The same item evidence under the framework's codes
CREATE VIEW framework_evidence AS
SELECT s.student, c.code AS skill, s.evidence
FROM standard_evidence s JOIN standard_crosswalk c ON c.edfi_standard = s.standard;

CREATE VIEW gradebook_evidence AS
SELECT g.student, e.course,
       mastery_evidence(g.grade, 100, coalesce(e.due_date, e.date_assigned)) AS evidence
FROM gradebook_grade g JOIN gradebook_entry e USING (entry);

SELECT format('loaded %s item results of %s students on %s standards, %s grades of %s students on %s entries',
              (SELECT count(*) FROM item_result), (SELECT count(DISTINCT student) FROM item_result),
              (SELECT count(DISTINCT standard) FROM assessment_item),
              (SELECT count(*) FROM gradebook_grade), (SELECT count(DISTINCT student) FROM gradebook_grade),
              (SELECT count(*) FROM gradebook_entry)) AS loaded \gset
\echo 'Grand Bend ISD:' :loaded
