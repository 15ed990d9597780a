-- After kill -9 of a backend in the middle of competency_layer.refresh()
-- and the server's recovery (test/warehouse/crash.sh): nothing of the killed
-- refresh stayed, and a rerun makes the states equal a full recompute.
BEGIN;
SELECT plan(6);
SELECT is((SELECT last_change_version FROM competency_layer.refresh_status),
          (SELECT last_change_version FROM public.crash_test_before), 'the killed refresh left the change version as it was');
SELECT is((SELECT count(*) FROM competency_layer.evidence_contribution), (SELECT contributions FROM public.crash_test_before),
          'and the evidence contributions as they were');
SELECT is((SELECT count(*) FROM competency_layer.refresh_log), (SELECT refreshes FROM public.crash_test_before),
          'and logged nothing');
DROP TRIGGER crash_test_pause ON competency_layer.student_standard_state;
DROP FUNCTION public.crash_test_pause();
\o /dev/null
CALL competency_layer.refresh();
\o
SELECT cmp_ok((SELECT roots_changed + roots_deleted FROM competency_layer.refresh_log ORDER BY refresh_id DESC LIMIT 1), '>=', 22,
              'the rerun applied the whole change set (20 corrected administrations, one deleted, a gradebook entry)');
SELECT is((SELECT count(*) FROM competency_layer.student_standard_state s
           FULL JOIN competency_layer.recomputed_states() r USING (student_usi, learning_standard_id)
           WHERE s.state IS NULL OR r.state IS NULL OR s.state <> r.state), 0::bigint,
          'after the rerun the stored states equal a full recompute');
SELECT is((SELECT count(*) FROM competency_layer.evidence_contribution c
           FULL JOIN (SELECT * FROM competency_layer.assessment_contributions(NULL)
                      UNION ALL SELECT * FROM competency_layer.gradebook_contributions(NULL)) r
             USING (source, source_key, learning_standard_id)
           WHERE c.state IS NULL OR r.state IS NULL OR c.state <> r.state), 0::bigint,
          'and so do the contributions of every root');
DROP TABLE public.crash_test_before;
SELECT * FROM finish();
COMMIT;
