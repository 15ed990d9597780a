-- The competency layer on a generated district (bench/run.sh builds the ODS,
-- runs warehouse/generate_district.sql and installs the layer, whose
-- installer runs CALL competency_layer.rebuild() once: the full build timed
-- here is that call, as refresh_log recorded it).  Then 1% of the
-- district's StudentAssessment roots change through the ODS tables, as the
-- ODS/API writes them: 40% of them a new sitting (a new StudentAssessment
-- with all its item results), 40% a corrected score (one item result's
-- RawScoreResult, and its root rewritten, which bumps its ChangeVersion),
-- 20% deleted (the root, its item results with it; tracked_changes_edfi
-- keeps the key).  CALL competency_layer.refresh() is timed, and its
-- states are compared with competency_layer.recomputed_states().
-- Target (issue 19): the refresh at most 5% of the full build.
\pset tuples_only on
\pset format unaligned
SET jit = off;

SELECT count(*) AS roots FROM edfi.StudentAssessment \gset
SELECT count(*) AS item_results FROM edfi.StudentAssessmentItem \gset

-- Tonight's changes, chosen by a hash of each root (the same every run)
BEGIN;
CREATE TEMP TABLE bench_change ON COMMIT DROP AS
SELECT sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI,
       CASE WHEN x.u < 0.004 THEN 'new sitting' WHEN x.u < 0.008 THEN 'corrected score' ELSE 'deleted' END AS change
FROM edfi.StudentAssessment sa
CROSS JOIN LATERAL (SELECT district_gen.u(90, sa.StudentUSI, hashtext(sa.StudentAssessmentIdentifier)) AS u) x
WHERE x.u < 0.01;
-- a second sitting of the same benchmark, a week later, every item re-scored
INSERT INTO edfi.StudentAssessment (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, AdministrationDate, SchoolYear,
                                    WhenAssessedGradeLevelDescriptorId)
SELECT sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier || '-R', sa.StudentUSI, sa.AdministrationDate + interval '7 days',
       sa.SchoolYear, sa.WhenAssessedGradeLevelDescriptorId
FROM edfi.StudentAssessment sa JOIN bench_change c USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
WHERE c.change = 'new sitting';
INSERT INTO edfi.StudentAssessmentItem (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI, IdentificationCode,
                                        AssessmentItemResultDescriptorId, RawScoreResult, ItemNumber)
SELECT i.AssessmentIdentifier, i.Namespace, i.StudentAssessmentIdentifier || '-R', i.StudentUSI, i.IdentificationCode,
       CASE WHEN r.raw = ai.MaxRawScore THEN (SELECT district_gen.descriptor('AssessmentItemResultDescriptor', 'Correct'))
            ELSE (SELECT district_gen.descriptor('AssessmentItemResultDescriptor', 'Incorrect')) END,
       r.raw, i.ItemNumber
FROM edfi.StudentAssessmentItem i JOIN bench_change c USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
CROSS JOIN LATERAL (SELECT floor((ai.MaxRawScore + 1) * district_gen.u(91, i.StudentUSI, hashtext(i.IdentificationCode))) AS raw) r
WHERE c.change = 'new sitting';
-- a corrected score: the first item's, then its root rewritten as the API does
UPDATE edfi.StudentAssessmentItem i SET RawScoreResult = ai.MaxRawScore - i.RawScoreResult,
       AssessmentItemResultDescriptorId = CASE WHEN i.RawScoreResult = 0 THEN district_gen.descriptor('AssessmentItemResultDescriptor', 'Correct')
                                               ELSE district_gen.descriptor('AssessmentItemResultDescriptor', 'Incorrect') END
FROM bench_change c, edfi.AssessmentItem ai
WHERE c.change = 'corrected score'
  AND (i.AssessmentIdentifier, i.Namespace, i.StudentAssessmentIdentifier, i.StudentUSI) = (c.AssessmentIdentifier, c.Namespace, c.StudentAssessmentIdentifier, c.StudentUSI)
  AND i.ItemNumber = 1
  AND (ai.AssessmentIdentifier, ai.Namespace, ai.IdentificationCode) = (i.AssessmentIdentifier, i.Namespace, i.IdentificationCode);
UPDATE edfi.StudentAssessment sa SET LastModifiedDate = now() AT TIME ZONE 'UTC'
FROM bench_change c
WHERE c.change = 'corrected score'
  AND (sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI) = (c.AssessmentIdentifier, c.Namespace, c.StudentAssessmentIdentifier, c.StudentUSI);
DELETE FROM edfi.StudentAssessment sa
USING bench_change c
WHERE c.change = 'deleted'
  AND (sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI) = (c.AssessmentIdentifier, c.Namespace, c.StudentAssessmentIdentifier, c.StudentUSI);
SELECT string_agg(format('%s %s', n, change), ', ' ORDER BY change) AS changes, sum(n) AS n_changes
FROM (SELECT change, count(*) AS n FROM bench_change GROUP BY change) x \gset
COMMIT;
VACUUM ANALYZE edfi.StudentAssessment, edfi.StudentAssessmentItem;

-- The nightly refresh
SELECT clock_timestamp() AS refresh_started \gset
CALL competency_layer.refresh() \gset refresh_
SELECT round(extract(epoch FROM clock_timestamp() - :'refresh_started'::timestamptz)::numeric, 2) AS refresh_s \gset

SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 2) AS build_s, evidence_added AS build_evidence,
       states_inserted AS build_states
FROM competency_layer.refresh_log WHERE kind = 'rebuild' ORDER BY refresh_id DESC LIMIT 1 \gset
SELECT roots_changed, roots_deleted, evidence_removed, evidence_added, states_inserted, states_updated, states_deleted
FROM competency_layer.refresh_log WHERE kind = 'refresh' ORDER BY refresh_id DESC LIMIT 1 \gset

-- Correctness: the refreshed states equal a full recompute
SELECT count(*) AS differences
FROM competency_layer.student_standard_state s
FULL JOIN competency_layer.recomputed_states() r USING (student_usi, learning_standard_id)
WHERE s.state IS NULL OR r.state IS NULL OR s.state::text <> r.state::text \gset

\echo
\echo '### The competency layer on a generated district'
\echo
SELECT format('%s students (warehouse/generate_district.sql, seed %s): %s StudentAssessment roots, %s item results; the full build made %s pieces of evidence into %s stored states. Tonight''s changes: %s (%s%% of the roots).',
              p.students, p.seed, :roots, :item_results, :build_evidence, :build_states, :'changes',
              round(100.0 * :n_changes / :roots, 2))
FROM district_gen.parameter p;
\echo
\echo '| step | s | share of the full build |'
\echo '|---|---:|---:|'
SELECT format('| full build (CALL competency_layer.rebuild(), as the installer ran it) | %s | 100%% |', :build_s);
SELECT format('| nightly refresh (CALL competency_layer.refresh(): %s roots changed, %s deleted; evidence %s out, %s in; states %s inserted, %s updated, %s deleted) | %s | %s%% |',
              :roots_changed, :roots_deleted, :evidence_removed, :evidence_added, :states_inserted, :states_updated, :states_deleted,
              :refresh_s, round(100 * :refresh_s / nullif(:build_s, 0), 1));
\echo
SELECT format('refresh at most 5%% of the full build (issue 19): %s', CASE WHEN :refresh_s <= 0.05 * :build_s THEN 'yes' ELSE 'NO' END);
SELECT format('refreshed states equal competency_layer.recomputed_states(): %s',
              CASE WHEN :differences = 0 THEN 'yes' ELSE format('NO (%s students and standards differ)', :differences) END);
