-- Random histories through the ODS tables, as the ODS/API writes them (an
-- item or a grade changes with its aggregate root, which bumps the root's
-- ChangeVersion), with competency_layer.refresh() after each step: the
-- stored states equal a full recompute from the ODS every time.  Steps:
-- corrected item scores, new administrations, deleted administrations,
-- deleted single items, item results without a raw score, a corrected item
-- maximum (AssessmentItem is a root of its own), standards added to a
-- gradebook entry (its grades become evidence), corrected and deleted
-- grades; now and then a refresh that fails half-way (rolled back, as after
-- a crash) before the real one, and a second refresh that must change nothing.
BEGIN;
SELECT plan(6);
SELECT setseed(0.19);

CREATE TEMP TABLE step_log (step int, operation text, mismatches bigint, rerun_changes bigint);

CREATE FUNCTION pg_temp.state_mismatches() RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM competency_layer.student_standard_state s
FULL JOIN competency_layer.recomputed_states() r USING (student_usi, learning_standard_id)
WHERE s.state IS NULL OR r.state IS NULL OR s.state <> r.state
$$;

CREATE FUNCTION pg_temp.touch_assessment(usi int, root_id text) RETURNS void LANGUAGE sql AS $$
UPDATE edfi.StudentAssessment SET LastModifiedDate = clock_timestamp() WHERE StudentUSI = usi AND StudentAssessmentIdentifier = root_id
$$;

CREATE FUNCTION pg_temp.random_step(k int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    op int := 1 + floor(random() * 9)::int;
    r record;
BEGIN
    IF op = 1 THEN      -- a corrected score
        SELECT i.*, ai.MaxRawScore AS max INTO r FROM edfi.StudentAssessmentItem i
        JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
        ORDER BY random() LIMIT 1;
        UPDATE edfi.StudentAssessmentItem SET RawScoreResult = round((floor(random() * 3) / 2 * r.max)::numeric, 5)
        WHERE (StudentUSI, StudentAssessmentIdentifier, IdentificationCode) = (r.StudentUSI, r.StudentAssessmentIdentifier, r.IdentificationCode);
        PERFORM pg_temp.touch_assessment(r.StudentUSI, r.StudentAssessmentIdentifier);
        RETURN 'corrected score';
    ELSIF op = 2 THEN   -- a new administration of some items, for any student
        SELECT StudentUSI INTO r FROM edfi.Student ORDER BY random() LIMIT 1;
        INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate)
        SELECT AssessmentIdentifier, Namespace, 'history-' || k, r.StudentUSI,
               timestamp '2021-09-01' + floor(random() * 200) * interval '1 day'
        FROM edfi.Assessment LIMIT 1;
        INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI,
                                                IdentificationCode, AssessmentItemResultDescriptorId, RawScoreResult)
        SELECT ai.AssessmentIdentifier, ai.Namespace, 'history-' || k, r.StudentUSI, ai.IdentificationCode,
               (SELECT DescriptorId FROM edfi.Descriptor WHERE Namespace LIKE '%AssessmentItemResultDescriptor' AND CodeValue = 'Correct'),
               round((floor(random() * 3) / 2 * ai.MaxRawScore)::numeric, 5)
        FROM edfi.AssessmentItem ai WHERE random() < 0.4;
        PERFORM pg_temp.touch_assessment(r.StudentUSI, 'history-' || k);
        RETURN 'new administration';
    ELSIF op = 3 THEN   -- a deleted administration
        SELECT StudentUSI, StudentAssessmentIdentifier INTO r FROM edfi.StudentAssessment ORDER BY random() LIMIT 1;
        DELETE FROM edfi.StudentAssessmentItem WHERE (StudentUSI, StudentAssessmentIdentifier) = (r.StudentUSI, r.StudentAssessmentIdentifier);
        DELETE FROM edfi.StudentAssessment WHERE (StudentUSI, StudentAssessmentIdentifier) = (r.StudentUSI, r.StudentAssessmentIdentifier);
        RETURN 'deleted administration';
    ELSIF op = 4 THEN   -- one item result deleted
        SELECT * INTO r FROM edfi.StudentAssessmentItem ORDER BY random() LIMIT 1;
        DELETE FROM edfi.StudentAssessmentItem
        WHERE (StudentUSI, StudentAssessmentIdentifier, IdentificationCode) = (r.StudentUSI, r.StudentAssessmentIdentifier, r.IdentificationCode);
        PERFORM pg_temp.touch_assessment(r.StudentUSI, r.StudentAssessmentIdentifier);
        RETURN 'deleted item result';
    ELSIF op = 5 THEN   -- a result without a raw score: Correct / Incorrect only
        SELECT * INTO r FROM edfi.StudentAssessmentItem ORDER BY random() LIMIT 1;
        UPDATE edfi.StudentAssessmentItem SET RawScoreResult = NULL,
               AssessmentItemResultDescriptorId = (SELECT DescriptorId FROM edfi.Descriptor
                                                   WHERE Namespace LIKE '%AssessmentItemResultDescriptor' AND CodeValue = 'Incorrect')
        WHERE (StudentUSI, StudentAssessmentIdentifier, IdentificationCode) = (r.StudentUSI, r.StudentAssessmentIdentifier, r.IdentificationCode);
        PERFORM pg_temp.touch_assessment(r.StudentUSI, r.StudentAssessmentIdentifier);
        RETURN 'result without raw score';
    ELSIF op = 6 THEN   -- an item's maximum corrected (AssessmentItem is a root)
        UPDATE edfi.AssessmentItem SET MaxRawScore = MaxRawScore + 0.5
        WHERE IdentificationCode = (SELECT IdentificationCode FROM edfi.AssessmentItem ORDER BY random() LIMIT 1);
        RETURN 'corrected item maximum';
    ELSIF op = 7 THEN   -- a standard added to a gradebook entry (GradebookEntry is the root)
        SELECT e.GradebookEntryIdentifier, e.Namespace INTO r FROM edfi.GradebookEntry e ORDER BY random() LIMIT 1;
        INSERT INTO edfi.GradebookEntryLearningStandard (GradebookEntryIdentifier, Namespace, LearningStandardId)
        SELECT r.GradebookEntryIdentifier, r.Namespace, l.LearningStandardId
        FROM edfi.LearningStandard l WHERE l.LearningStandardId LIKE 'CC.6.%' ORDER BY random() LIMIT 1
        ON CONFLICT DO NOTHING;
        UPDATE edfi.GradebookEntry SET LastModifiedDate = clock_timestamp()
        WHERE (GradebookEntryIdentifier, Namespace) = (r.GradebookEntryIdentifier, r.Namespace);
        RETURN 'standard added to gradebook entry';
    ELSIF op = 8 THEN   -- a corrected grade
        UPDATE edfi.StudentGradebookEntry SET NumericGradeEarned = floor(random() * 101)
        WHERE (GradebookEntryIdentifier, StudentUSI) = (SELECT GradebookEntryIdentifier, StudentUSI FROM edfi.StudentGradebookEntry
                                                       ORDER BY random() LIMIT 1);
        RETURN 'corrected grade';
    ELSE                -- a deleted grade
        DELETE FROM edfi.StudentGradebookEntry
        WHERE (GradebookEntryIdentifier, StudentUSI) = (SELECT GradebookEntryIdentifier, StudentUSI FROM edfi.StudentGradebookEntry
                                                       ORDER BY random() LIMIT 1);
        RETURN 'deleted grade';
    END IF;
END
$$;

CREATE FUNCTION pg_temp.run_history(steps int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    operation text;
    rerun record;
    v1 bigint; v2 bigint; v3 int; v4 int; v5 bigint; v6 bigint; v7 int; v8 int; v9 int;
BEGIN
    FOR k IN 1..steps LOOP
        operation := pg_temp.random_step(k);
        IF k % 7 = 0 THEN   -- a refresh that dies half-way: nothing of it stays
            BEGIN
                CALL competency_layer.refresh(v1, v2, v3, v4, v5, v6, v7, v8, v9);
                RAISE EXCEPTION 'crash';
            EXCEPTION WHEN raise_exception THEN
                NULL;
            END;
        END IF;
        CALL competency_layer.refresh(v1, v2, v3, v4, v5, v6, v7, v8, v9);
        v1 := NULL;
        CALL competency_layer.refresh(v1, v2, v3, v4, v5, v6, v7, v8, v9);
        SELECT * INTO rerun FROM competency_layer.refresh_log ORDER BY refresh_id DESC LIMIT 1;
        INSERT INTO step_log VALUES (k, operation, pg_temp.state_mismatches(),
            rerun.roots_changed + rerun.roots_deleted + rerun.evidence_removed + rerun.evidence_added
            + rerun.states_inserted + rerun.states_updated + rerun.states_deleted);
    END LOOP;
END
$$;

SELECT is(pg_temp.state_mismatches(), 0::bigint, 'before any change the stored states equal a recompute');
SELECT pg_temp.run_history(90);
SELECT is((SELECT count(*) FROM step_log WHERE mismatches > 0), 0::bigint,
          'after each of 90 random steps and its refresh, the stored states equal a full recompute');
SELECT is((SELECT count(*) FROM step_log WHERE rerun_changes > 0), 0::bigint,
          'a second refresh right after changes nothing');
SELECT is((SELECT count(DISTINCT operation) FROM step_log), 9::bigint, 'every kind of step was taken');
SELECT cmp_ok((SELECT sum(evidence_added) FROM competency_layer.refresh_log WHERE kind = 'refresh'), '>', 500::numeric,
              'the refreshes applied evidence');
SELECT cmp_ok((SELECT count(*) FROM competency_layer.student_standard_state s
               JOIN competency_layer.evidence_contribution c USING (student_usi, learning_standard_id)
               WHERE c.source = 'gradebook'), '>', 0::bigint, 'gradebook grades became evidence on standards');
SELECT * FROM finish();
ROLLBACK;
