-- The Grand Bend sample in an Ed-Fi ODS 5.2 with the competency layer
-- installed (test/warehouse/run.sh): the loader's figures, the layer's
-- masteries against the same figures recomputed in plain SQL, and the
-- shape BI tools rely on.
BEGIN;
SELECT plan(19);

-- What the XML holds, loaded with foreign keys on
SELECT is((SELECT count(*) FROM edfi.Student), 960::bigint, '960 students');
SELECT is((SELECT count(*) FROM edfi.School), 3::bigint, '3 schools');
SELECT is((SELECT count(*) FROM edfi.Section), 532::bigint, '532 sections');
SELECT is((SELECT count(*) FROM edfi.StaffSectionAssociation), 528::bigint, '528 staff-section associations');
SELECT is((SELECT count(*) FROM edfi.StudentAssessmentItem), 2050::bigint, '2,050 item results');
SELECT is((SELECT count(DISTINCT StudentUSI) FROM edfi.StudentAssessment), 82::bigint, 'of 82 students');
SELECT is((SELECT count(*) FROM edfi.StudentSectionAssociation), 60::bigint,
          '60 enrolments derived from the gradebook and section attendance');
SELECT is((SELECT count(*) FROM edfi.Descriptor d WHERE NOT EXISTS (
               SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'edfi' AND c.relname = lower(substr(d.Discriminator, 6)))), 0::bigint,
          'every descriptor has the row of its kind');

-- The layer: one state per student and standard the assessment measured
SELECT is((SELECT count(*) FROM competency_layer.student_standard_state), 902::bigint, '82 students x 11 standards = 902 states');
SELECT is((SELECT sum(evidence_count) FROM competency_layer.student_standard_mastery_fact), 2050::bigint,
          'every item result is evidence once (each item measures one standard)');

-- The default policy is the average on a four-point scale: the mean of
-- raw / max over the student's items on the standard, times 4, computed
-- here without the extension
SELECT is((SELECT count(*) FROM competency_layer.student_standard_mastery_fact f
           FULL JOIN (SELECT s.StudentUniqueId AS student_key, a.LearningStandardId AS learning_standard_key,
                             avg(i.RawScoreResult / ai.MaxRawScore) * 4 AS value, count(*) AS n,
                             min(sa.AdministrationDate) AS first_at
                      FROM edfi.StudentAssessmentItem i
                      JOIN edfi.StudentAssessment sa USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
                      JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
                      JOIN edfi.AssessmentItemLearningStandard a USING (AssessmentIdentifier, Namespace, IdentificationCode)
                      JOIN edfi.Student s USING (StudentUSI)
                      GROUP BY 1, 2) r USING (student_key, learning_standard_key)
           WHERE f.mastery_value IS NULL OR r.value IS NULL OR abs(f.mastery_value - r.value) > 1e-9
              OR f.evidence_count <> r.n OR f.first_evidence_at <> r.first_at AT TIME ZONE 'UTC'), 0::bigint,
          'all 902 masteries equal the plain-SQL mean of raw / max x 4, with their evidence counts and dates');
SELECT results_eq(
    $$SELECT student_key, learning_standard_key, round(mastery_value::numeric, 4), proficiency_level, mastered
      FROM competency_layer.student_standard_mastery_fact
      WHERE (student_key, learning_standard_key) IN (('604851', 'CC.4.NF.1'), ('604851', 'CC.6.RP.3c'), ('604889', 'CC.6.RP.3c'),
                                                   ('604843', 'CC.6.NS.3'))
      ORDER BY 1, 2$$,
    $$VALUES ('604843', 'CC.6.NS.3', 2.6667, 'Developing', false),
             ('604851', 'CC.4.NF.1', 1.3333, 'Beginning', false),
             ('604851', 'CC.6.RP.3c', 0.8000, 'Beginning', false),
             ('604889', 'CC.6.RP.3c', 4.0000, 'Advanced', true)$$,
    'hand-checked: 1 of 3 items right is 1.33 (Beginning), 2 of 3 is 2.67 (Developing), all right is 4 (Advanced)');
SELECT results_eq(
    $$SELECT code, title, cluster, domain, grade FROM competency_layer.standard_dim WHERE learning_standard_key = 'CC.5.NF.1'$$,
    $$VALUES ('CC.5.NF.1', 'Add and subtract fractions with unlike denominators (including mixed numbers) by replacing given fractions with equivalent fractions in such a way as to produce an equivalent sum or difference of fractions with like denominators. For example, 2/3 + 5/4 = 8/12 + 15/12 = 23/12. (In general, a/b + c/d = (ad + bc)/bd.)',
              'Use equivalent fractions as a strategy to add and subtract fractions.', 'NF', 'Fifth grade')$$,
    'the standards dim: code, title, cluster, domain, grade');

-- What BI tools read: plain SQL types only, the caller's row security
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
           WHERE n.nspname = 'competency_layer' AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
             AND t.typnamespace <> 'pg_catalog'::regnamespace), 0::bigint,
          'every column of every view of the layer has a type of pg_catalog');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'competency_layer'::regnamespace AND c.relkind = 'v'),
          '{bkt_known,district_policy,early_warning,group_changes,learner_profile_summary,learning_path_step,pace,path_progress,ready_standard,section_group,section_group_audit,staff_section_student,standard_dim,standard_hierarchy,standard_policy,student_dim,student_rollup_fact,student_standard_mastery_fact,weekly_groups}',
          'the check saw all 19 views of the layer');
-- and the functions BI tools call (every function a reader may execute but
-- the five the views read profiles and graphs through): plain types in
-- and out
SELECT is((SELECT array_agg(p.proname::text || ': ' || t.typname::text ORDER BY 1)
           FROM pg_proc p CROSS JOIN LATERAL unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]) || p.prorettype) a (oid)
           JOIN pg_type t ON t.oid = a.oid
           WHERE p.pronamespace = 'competency_layer'::regnamespace AND has_function_privilege('competency_reader', p.oid, 'EXECUTE')
             AND p.proname NOT IN ('standard_graph', 'student_profiles', 'student_profiles_as_of', 'threshold_profile', 'course_graph') AND t.typnamespace <> 'pg_catalog'::regnamespace),
          NULL, 'every function a BI reader may call takes and returns types of pg_catalog only');
-- every function and procedure of the layer searches pg_catalog first (it
-- is not in their path, so PostgreSQL puts it first) and pg_temp last: an
-- object another role creates in the extension's schema, or a temporary
-- table, stands in for nothing the owner's nightly job calls
SELECT is((SELECT array_agg(p.proname::text ORDER BY 1) FROM pg_proc p
           WHERE p.pronamespace = 'competency_layer'::regnamespace AND p.prokind IN ('f', 'p')
             AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                             WHERE c LIKE 'search\_path=%' AND c NOT LIKE '%pg\_catalog%' AND c LIKE '%, pg\_temp')),
          NULL, 'every function of the layer searches pg_catalog first and pg_temp last');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'competency_layer' AND c.relkind = 'v'
             AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), 0::bigint,
          'every view of the layer is security_invoker');
SELECT is((SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'competency_layer' AND d.deptype = 'e'), 0::bigint,
          'no object of the layer is a member of an extension');

SELECT * FROM finish();
ROLLBACK;
