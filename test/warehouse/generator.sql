-- warehouse/generate_district.sql at 200 students (test/warehouse/run.sh
-- generates it twice with the same seed, in this database and another, and
-- leaves their table digests in generator_digest, and in
-- generator_expected what the ODS DDL declares): deterministic, and a
-- consistent ODS whose data follows the model
BEGIN;
SELECT plan(13);

SELECT is((SELECT count(*) FROM generator_digest WHERE db = 'a'), (SELECT count(*) FROM generator_digest WHERE db = 'b'),
          'both databases have the same tables');
SELECT is((SELECT string_agg(a.table_name, ', ') FROM generator_digest a JOIN generator_digest b USING (table_name)
           WHERE a.db = 'a' AND b.db = 'b' AND (a.digest, a.row_count) IS DISTINCT FROM (b.digest, b.row_count)),
          NULL, 'the same seed gives the same rows in every table (but Id, CreateDate, LastModifiedDate, ChangeVersion)');
SELECT cmp_ok((SELECT count(*) FROM generator_digest WHERE db = 'a' AND row_count > 0), '>=', 30::bigint,
              'the digests cover the tables the generator fills');

SELECT is((SELECT count(*) FROM edfi.Student), (SELECT students::bigint FROM district_gen.parameter), 'students as asked');
SELECT is((SELECT count(*) FROM edfi.StudentAssessmentItem),
          (SELECT (p.students * p.units * p.items_per_unit)::bigint FROM district_gen.parameter p),
          'item results: students x units x items per unit');
SELECT is((SELECT count(*) FROM edfi.StudentAssessment sa
           WHERE NOT EXISTS (SELECT 1 FROM edfi.StudentAssessmentItem i
                             WHERE (i.AssessmentIdentifier, i.Namespace, i.StudentAssessmentIdentifier, i.StudentUSI)
                                 = (sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI))), 0::bigint,
          'every StudentAssessment has item results');
SELECT is((SELECT count(*) FROM pg_constraint c WHERE c.conrelid = 'edfi.studentassessmentitem'::regclass AND c.contype = 'f' AND c.convalidated),
          (SELECT sai_foreign_keys::bigint FROM generator_expected),
          'the item results'' foreign keys, set aside for the load, are all back and validated');
SELECT is((SELECT count(*) FROM pg_index i WHERE i.indrelid = 'edfi.studentassessmentitem'::regclass),
          (SELECT sai_indexes::bigint FROM generator_expected), 'and their indexes');
SELECT is((SELECT count(*) FROM edfi.Student st
           WHERE (SELECT count(*) FROM edfi.StudentSectionAssociation e JOIN edfi.StudentSchoolAssociation a USING (StudentUSI, SchoolId)
                  WHERE e.StudentUSI = st.StudentUSI) <> 1), 0::bigint,
          'every student is enrolled in one section of the school they attend');
SELECT is((SELECT count(*) FROM edfi.Section s
           WHERE (SELECT count(*) FROM edfi.StaffSectionAssociation t
                  WHERE (t.LocalCourseCode, t.SchoolId, t.SchoolYear, t.SectionIdentifier, t.SessionName)
                      = (s.LocalCourseCode, s.SchoolId, s.SchoolYear, s.SectionIdentifier, s.SessionName)) <> 1), 0::bigint,
          'every section has one teacher');

-- The model: a prerequisite is taught before its dependent, and within a
-- sitting the standards taught earlier are answered better
SELECT is((SELECT count(*) FROM district_gen.standard_prerequisite e
           JOIN district_gen.standard p ON p.learning_standard_id = e.prerequisite_id
           JOIN district_gen.standard d ON d.learning_standard_id = e.learning_standard_id
           WHERE p.grade > d.grade OR p.grade = d.grade AND p.rank >= d.rank), 0::bigint,
          'no prerequisite is taught after its dependent');
SELECT ok((SELECT avg(i.RawScoreResult / ai.MaxRawScore) FILTER (WHERE x.item_no <= p.items_per_unit / 2)
                > avg(i.RawScoreResult / ai.MaxRawScore) FILTER (WHERE x.item_no > p.items_per_unit / 2)
           FROM edfi.StudentAssessmentItem i
           JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
           JOIN district_gen.item x ON x.identification_code = i.IdentificationCode
           CROSS JOIN district_gen.parameter p),
          'a unit''s earlier standards are answered better than its later ones');
SELECT ok((SELECT corr(a.absences, r.score) < 0 AND avg(r.score) FILTER (WHERE s.sped) < avg(r.score) FILTER (WHERE NOT s.sped)
           FROM district_gen.student s
           JOIN (SELECT i.StudentUSI, avg(i.RawScoreResult / ai.MaxRawScore) AS score FROM edfi.StudentAssessmentItem i
                 JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode) GROUP BY 1) r
             ON r.StudentUSI = s.student_usi
           CROSS JOIN LATERAL (SELECT count(*) AS absences FROM edfi.StudentSchoolAttendanceEvent e
                               JOIN edfi.Descriptor d ON d.DescriptorId = e.AttendanceEventCategoryDescriptorId
                               WHERE e.StudentUSI = s.student_usi AND d.CodeValue LIKE '%Absence') a),
          'students absent more score lower, and Special Education students lower on average');

SELECT * FROM finish();
ROLLBACK;
