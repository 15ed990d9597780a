-- What a BI tool sees of the competency layer on the Grand Bend ODS
\pset footer off
\echo
\echo '=== Mastery by standard, from competency_layer.student_standard_mastery_fact joined to standard_dim'
SELECT d.code, d.grade, d.domain, left(d.title, 40) AS title, count(*) AS students,
       round(avg(f.mastery_value)::numeric, 2) AS "mean mastery",
       count(*) FILTER (WHERE f.mastered) AS mastered,
       count(*) FILTER (WHERE f.proficiency_level = 'Beginning') AS beginning
FROM competency_layer.student_standard_mastery_fact f
JOIN competency_layer.standard_dim d USING (learning_standard_key)
GROUP BY d.code, d.grade, d.domain, d.title
ORDER BY d.code;
\echo
\echo '=== A correction through the ODS (as the API writes it: the item, then its StudentAssessment root), then the nightly refresh'
UPDATE edfi.StudentAssessmentItem SET RawScoreResult = 0
WHERE StudentUSI = (SELECT StudentUSI FROM edfi.Student WHERE StudentUniqueId = '604843')
  AND IdentificationCode = 'DBRDY_18_7_1417';
UPDATE edfi.StudentAssessment SET LastModifiedDate = now()
WHERE StudentUSI = (SELECT StudentUSI FROM edfi.Student WHERE StudentUniqueId = '604843');
CALL competency_layer.refresh();
SELECT refresh_id, kind, from_version, to_version, roots_changed, roots_deleted, evidence_removed, evidence_added,
       states_inserted, states_updated, states_deleted
FROM competency_layer.refresh_log ORDER BY refresh_id;
