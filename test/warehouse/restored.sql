-- The ODS with the competency layer, dumped with pg_dump and restored into a
-- fresh database (test/warehouse/run.sh): the states came back, the views
-- read them, and the layer goes on refreshing exactly.
BEGIN;
SELECT plan(5);
SELECT is((SELECT count(*) FROM competency_layer.student_standard_state), 902::bigint, 'the 902 stored states came back');
SELECT is((SELECT count(*) FROM competency_layer.student_standard_mastery_fact WHERE mastery_value IS NOT NULL), 902::bigint,
          'the fact view reads them');
UPDATE edfi.StudentAssessmentItem SET RawScoreResult = 0
WHERE StudentUSI = (SELECT StudentUSI FROM edfi.Student WHERE StudentUniqueId = '604889');
UPDATE edfi.StudentAssessment SET LastModifiedDate = clock_timestamp()
WHERE StudentUSI = (SELECT StudentUSI FROM edfi.Student WHERE StudentUniqueId = '604889');
CALL competency_layer.refresh();
SELECT is((SELECT count(*) FROM competency_layer.student_standard_state s
           FULL JOIN competency_layer.recomputed_states() r USING (student_usi, learning_standard_id)
           WHERE s.state IS NULL OR r.state IS NULL OR s.state <> r.state), 0::bigint,
          'a refresh after a correction leaves the states equal to a recompute');
SELECT is((SELECT round(mastery_value::numeric, 4) FROM competency_layer.student_standard_mastery_fact
           WHERE student_key = '604889' AND learning_standard_key = 'CC.6.RP.3c'), 0.0000, 'and the fact shows the corrected score');
SELECT is((SELECT count(*) FROM pg_policy WHERE polname = 'competency_layer_teacher'), 11::bigint,
          'the teachers'' row security came back on the eleven tables it guards (bkt_response among them)');
SELECT * FROM finish();
ROLLBACK;
