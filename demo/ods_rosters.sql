-- The Grand Bend sample has no student-section enrolment file
-- (StudentEnrollment.xml is not among the samples at hand), and teacher-level
-- views need edfi.StudentSectionAssociation.  This derives it openly from the
-- two places the sample names a student and a section together: gradebook
-- entries (StudentGradebookEntry -> GradebookEntry -> Section) and section
-- attendance (StudentSectionAttendanceEvent).  Each derived enrolment begins
-- with the session and ends with it.  A real ODS has these rows from the SIS;
-- this file is for the demo and the tests only.
INSERT INTO edfi.StudentSectionAssociation
       (StudentUSI, LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName, BeginDate, EndDate)
SELECT DISTINCT x.StudentUSI, x.LocalCourseCode, x.SchoolId, x.SchoolYear, x.SectionIdentifier, x.SessionName,
       s.BeginDate, s.EndDate
FROM (SELECT g.StudentUSI, e.LocalCourseCode, e.SchoolId, e.SchoolYear, e.SectionIdentifier, e.SessionName
      FROM edfi.StudentGradebookEntry g
      JOIN edfi.GradebookEntry e USING (GradebookEntryIdentifier, Namespace)
      WHERE e.SectionIdentifier IS NOT NULL
      UNION
      SELECT a.StudentUSI, a.LocalCourseCode, a.SchoolId, a.SchoolYear, a.SectionIdentifier, a.SessionName
      FROM edfi.StudentSectionAttendanceEvent a) x
JOIN edfi.Session s USING (SchoolId, SchoolYear, SessionName)
ON CONFLICT DO NOTHING;
