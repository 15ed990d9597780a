-- Test fixture, not sample data: the Grand Bend sample enrols none of the 82
-- students who took its seventh-grade mathematics assessment in a section
-- (it has no enrolment file; demo/ods_rosters.sql derives 60 enrolments of
-- other students).  The teacher-level tests need sections with mastery in
-- them, so this places the 82, in StudentUniqueId order, in the two
-- fall seventh-grade mathematics sections of Grand Bend Middle School: the
-- first 41 in Melisa Giles's (StaffUniqueId 207252), the other 41 in Esther
-- Hartman's (207253).  A teacher sees the students of the sections they
-- are associated with today, enrolled today: the sample's associations all
-- ended in 2021 or 2022, so the fixture keeps these two sections open, as
-- if the term were now: the enrolments begin with the session and have no
-- end (EndDate NULL), and the two teachers' associations with them lose
-- their end.  Run by test/warehouse/run.sh after the sample checks.
INSERT INTO edfi.StudentSectionAssociation
       (StudentUSI, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, BeginDate, EndDate)
SELECT s.StudentUSI, 'MATH-07', 255901044, 2022,
       CASE WHEN s.n <= 41 THEN '25590104405Trad210MATH0712011' ELSE '25590104404Trad211MATH0712011' END,
       '2021-2022 Fall Semester', date '2021-08-23', NULL
FROM (SELECT st.StudentUSI, row_number() OVER (ORDER BY st.StudentUniqueId) AS n
      FROM edfi.Student st
      WHERE st.StudentUSI IN (SELECT StudentUSI FROM edfi.StudentAssessment)) s;
UPDATE edfi.StaffSectionAssociation SET EndDate = NULL
WHERE SectionIdentifier IN ('25590104405Trad210MATH0712011', '25590104404Trad211MATH0712011')
  AND StaffUSI IN (SELECT StaffUSI FROM edfi.Staff WHERE StaffUniqueId IN ('207252', '207253'));

-- Prerequisites among the assessment's 11 standards: the dependency edges of
-- test/fixtures/case/ccssm-dependencies.csv between them (through
-- demo/data/case/edfi_to_case_crosswalk.csv), paths through other standards
-- shortened to one edge; and a path target, the sixth-grade number system's
-- CC.6.NS.3
INSERT INTO competency_layer.standard_prerequisite VALUES
    ('CC.4.NF.1', 'CC.4.NF.2'), ('CC.4.NF.1', 'CC.5.NF.1'), ('CC.4.NF.2', 'CC.5.NBT.3'), ('CC.4.NF.2', 'CC.5.MD.1'),
    ('CC.4.NF.2', 'CC.6.NS.3'), ('CC.4.NF.4', 'CC.5.NF.4'), ('CC.4.NF.4', 'CC.6.NS.1'), ('CC.5.NF.1', 'CC.5.MD.1'),
    ('CC.5.NF.1', 'CC.6.NS.3'), ('CC.5.NF.4', 'CC.5.MD.1'), ('CC.5.NF.4', 'CC.6.NS.3');
UPDATE competency_layer.policy SET path_targets = '{CC.6.NS.3}' WHERE learning_standard_id IS NULL;
