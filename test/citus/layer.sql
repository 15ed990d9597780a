-- The competency layer on the Ed-Fi ODS distributed by student
-- (test/citus/layer.sh): its stored states, its refresh log and its views
-- equal those of the same ODS on one node (schema single_node: copied from
-- the one-node database), the states equal a full recompute on Citus, and the
-- evidence of every student is aggregated (mastery_agg) on the workers.
SET client_min_messages = error;
SELECT plan(11 + (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'single_node'
                 AND tablename NOT IN ('student_standard_state', 'refresh_log')));

SELECT is((SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'edfi.studentassessmentitem'::regclass), 'h',
          'StudentAssessmentItem is distributed (hash)');
SELECT ok((SELECT p.colocationid = s.colocationid FROM pg_dist_partition p, pg_dist_partition s
           WHERE p.logicalrelid = 'edfi.studentassessmentitem'::regclass AND s.logicalrelid = 'edfi.student'::regclass),
          'StudentAssessmentItem is colocated with Student');
SELECT is((SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'edfi.assessmentitem'::regclass), 'n',
          'AssessmentItem is a reference table');

-- the layer's tables (warehouse/distribute_layer.sql)
SELECT ok((SELECT bool_and(p.partmethod = 'h' AND p.colocationid = s.colocationid) AND count(*) = 2
           FROM pg_dist_partition p, pg_dist_partition s
           WHERE p.logicalrelid IN ('competency_layer.student_standard_state'::regclass, 'competency_layer.bkt_response'::regclass)
             AND s.logicalrelid = 'edfi.student'::regclass),
          'the stored states and the knowledge-tracing answers are distributed, colocated with Student');
SELECT set_eq($$SELECT logicalrelid::text FROM pg_dist_partition WHERE partmethod = 'n' AND logicalrelid::text LIKE 'competency\_layer.%'$$,
              ARRAY['competency_layer.policy', 'competency_layer.standard_prerequisite', 'competency_layer.course_standard',
                    'competency_layer.staff_login', 'competency_layer.bkt_fit_by_standard'],
              'the policy, prerequisites, course standards, logins and fits are reference tables');
SELECT ok(NOT has_table_privilege('competency_teacher', 'competency_layer.student_standard_state', 'SELECT')
          AND NOT has_table_privilege('competency_teacher', 'edfi.student', 'SELECT')
          AND has_table_privilege('competency_reader', 'competency_layer.student_standard_state', 'SELECT'),
          'teachers cannot read the Citus tables with students'' rows (no policy can restrict them), readers can');
-- every view of the layer is compared below
SELECT set_eq($$SELECT table_name::text FROM information_schema.views WHERE table_schema = 'competency_layer'$$,
              $$SELECT tablename::text FROM pg_tables WHERE schemaname = 'single_node' AND tablename NOT IN ('student_standard_state', 'refresh_log')$$,
              'every view of the layer has its one-node rows to compare with');

SELECT bag_eq($$SELECT student_usi, learning_standard_id, state::text FROM competency_layer.student_standard_state$$,
              $$SELECT student_usi, learning_standard_id, state::text FROM single_node.student_standard_state$$,
              'the stored states equal one node''s');
SELECT bag_eq($$SELECT student_usi, learning_standard_id, state::text FROM competency_layer.student_standard_state$$,
              $$SELECT student_usi, learning_standard_id, state::text FROM competency_layer.recomputed_states()$$,
              'the stored states equal a full recompute on Citus');
SELECT bag_eq($$SELECT kind, roots_changed, roots_deleted, evidence_removed, evidence_added, states_inserted, states_updated, states_deleted
                FROM competency_layer.refresh_log$$,
              $$SELECT kind, roots_changed, roots_deleted, evidence_removed, evidence_added, states_inserted, states_updated, states_deleted
                FROM single_node.refresh_log$$,
              'every rebuild and refresh changed what it changed on one node');

SELECT bag_eq(format('SELECT * FROM competency_layer.%I', t.tablename), format('SELECT * FROM single_node.%I', t.tablename),
              format('competency_layer.%s equals one node''s (%s rows)', t.tablename,
                     (xpath('//n/text()', query_to_xml(format('SELECT count(*) AS n FROM single_node.%I', t.tablename), false, false, '')))[1]))
FROM pg_tables t WHERE t.schemaname = 'single_node' AND t.tablename NOT IN ('student_standard_state', 'refresh_log')
ORDER BY t.tablename;

-- The evidence query of the layer (assessment_contributions, all roots): the
-- joins and mastery_agg run whole on each shard (the grouping has StudentUSI)
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP plan := plan || line || E'\n'; END LOOP;
    RETURN plan;
END $$;
CREATE TEMP TABLE contributions_plan AS
-- its query text is three pieces: the query, the refresh's filter, the
-- grouping; the full build runs the first and the last
SELECT pg_temp.plan_of(q[1] || q[3]) AS plan
FROM (SELECT array_agg(m[1]) AS q
      FROM pg_proc CROSS JOIN LATERAL regexp_matches(prosrc, '\$q\$(.*?)\$q\$', 'g') m
      WHERE oid = 'competency_layer.assessment_contributions(bigint)'::regprocedure) f;
SELECT ok(plan ~ 'Task Count: 8' AND plan ~ 'Query: SELECT .*mastery_agg\(.* FROM .*studentassessment_[0-9]+ .*GROUP BY'
          AND plan !~ 'coord_combine_agg', 'mastery_agg of the evidence runs on the workers, one task per shard, grouped there')
FROM contributions_plan;
SELECT * FROM finish();
