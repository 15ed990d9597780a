-- The same changes, as the ODS/API makes them (an item changes with its
-- root, which bumps the root's ChangeVersion), in the Citus ODS and in the
-- one-node one, then the nightly refresh: a corrected score, a new
-- administration for a student who had none, a deleted administration, a
-- deleted item result, a corrected grade.  Deterministic: the rows are
-- chosen by key order, not at random (and no volatile function in an UPDATE:
-- Citus refuses them on distributed tables).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
UPDATE edfi.StudentAssessmentItem i SET RawScoreResult = 0
FROM (SELECT StudentUSI, StudentAssessmentIdentifier, IdentificationCode FROM edfi.StudentAssessmentItem
      WHERE RawScoreResult > 0 ORDER BY StudentUSI, StudentAssessmentIdentifier, IdentificationCode LIMIT 1) k
WHERE (i.StudentUSI, i.StudentAssessmentIdentifier, i.IdentificationCode) = (k.StudentUSI, k.StudentAssessmentIdentifier, k.IdentificationCode);
UPDATE edfi.StudentAssessment SET LastModifiedDate = now()
WHERE (StudentUSI, StudentAssessmentIdentifier) = (SELECT StudentUSI, StudentAssessmentIdentifier FROM edfi.StudentAssessmentItem
                                                    WHERE RawScoreResult = 0 ORDER BY StudentUSI, StudentAssessmentIdentifier LIMIT 1);

INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate)
SELECT a.AssessmentIdentifier, a.Namespace, 'citus-1', s.StudentUSI, timestamp '2021-10-01'
FROM (SELECT AssessmentIdentifier, Namespace FROM edfi.Assessment ORDER BY 1, 2 LIMIT 1) a,
     (SELECT StudentUSI FROM edfi.Student WHERE StudentUSI NOT IN (SELECT StudentUSI FROM edfi.StudentAssessment)
      ORDER BY StudentUniqueId LIMIT 1) s;
INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI,
                                        IdentificationCode, AssessmentItemResultDescriptorId, RawScoreResult)
SELECT sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI, ai.IdentificationCode,
       (SELECT DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%AssessmentItemResultDescriptor' AND CodeValue = 'Correct'),
       ai.MaxRawScore
FROM edfi.StudentAssessment sa
JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace)
WHERE sa.StudentAssessmentIdentifier = 'citus-1';
UPDATE edfi.StudentAssessment SET LastModifiedDate = now() WHERE StudentAssessmentIdentifier = 'citus-1';

-- a deleted administration (its items go with it: ON DELETE CASCADE)
DELETE FROM edfi.StudentAssessment
WHERE (StudentUSI, StudentAssessmentIdentifier) = (SELECT StudentUSI, StudentAssessmentIdentifier FROM edfi.StudentAssessment
                                                    WHERE StudentAssessmentIdentifier <> 'citus-1'
                                                    ORDER BY StudentUSI DESC, StudentAssessmentIdentifier LIMIT 1);
-- one item result deleted
DELETE FROM edfi.StudentAssessmentItem i
USING (SELECT StudentUSI, StudentAssessmentIdentifier, IdentificationCode FROM edfi.StudentAssessmentItem
       ORDER BY StudentUSI DESC, StudentAssessmentIdentifier, IdentificationCode LIMIT 1) k
WHERE (i.StudentUSI, i.StudentAssessmentIdentifier, i.IdentificationCode) = (k.StudentUSI, k.StudentAssessmentIdentifier, k.IdentificationCode);
UPDATE edfi.StudentAssessment SET LastModifiedDate = now()
WHERE (StudentUSI, StudentAssessmentIdentifier) = (SELECT StudentUSI, StudentAssessmentIdentifier FROM edfi.StudentAssessment
                                                    ORDER BY StudentUSI DESC, StudentAssessmentIdentifier LIMIT 1);
-- a corrected grade
UPDATE edfi.StudentGradebookEntry g SET NumericGradeEarned = 12
FROM (SELECT GradebookEntryIdentifier, Namespace, StudentUSI FROM edfi.StudentGradebookEntry
      WHERE NumericGradeEarned IS NOT NULL ORDER BY 1, 2, 3 LIMIT 1) k
WHERE (g.GradebookEntryIdentifier, g.Namespace, g.StudentUSI) = (k.GradebookEntryIdentifier, k.Namespace, k.StudentUSI);

CALL competency_layer.refresh();
