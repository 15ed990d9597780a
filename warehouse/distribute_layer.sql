-- The competency layer's own tables on Citus: run it once on the coordinator,
-- after warehouse/distribute_ods.sql and warehouse/competency_layer.sql
--
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/distribute_ods.sql
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/distribute_layer.sql
--
-- What it does, and why: the layer's views join its tables with the ODS's,
-- which Citus plans only between Citus tables (a local table of the
-- coordinator in such a join is read whole into the query, or refused):
--   * the stored states (student_standard_state) are distributed by
--     student_usi, colocated with edfi.Student: a student's states are on
--     the node with the student's ODS rows, and the views join them there;
--   * so are the knowledge-tracing answers (bkt_response);
--   * the small tables the views read (policy, standard_prerequisite,
--     course_standard, staff_login, bkt_fit_by_standard) are reference
--     tables, a copy on every node;
--   * evidence_contribution, refresh_status and refresh_log stay on the
--     coordinator: no view reads them, only rebuild() and refresh(), which
--     fill evidence_contribution from the evidence queries' rows as they
--     come back to the coordinator (Citus cannot stream them into a
--     distributed table while the next evidence query runs on the same
--     connections).
-- The teacher's row security policies of those tables are dropped first
-- (Citus refuses a policy with a subquery), and teachers lose their access
-- to the states, the answers and the logins, as to the ODS's Citus tables (see
-- docs/warehouse.md, On Citus); running the installer again afterwards
-- keeps it so (competency_layer.is_citus_table).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT to_regclass('pg_catalog.pg_dist_partition') IS NULL
       OR NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'edfi.student'::regclass) AS ods_local \gset
\if :ods_local
\echo 'distribute_layer.sql: edfi.Student is not distributed (run warehouse/distribute_ods.sql first)'
\quit
\endif
BEGIN;
CREATE TEMP TABLE layer_table ON COMMIT DROP AS
SELECT t.tab::regclass AS tab, t.reference
FROM (VALUES ('competency_layer.policy', true), ('competency_layer.standard_prerequisite', true),
             ('competency_layer.course_standard', true), ('competency_layer.staff_login', true),
             ('competency_layer.bkt_fit_by_standard', true),
             ('competency_layer.student_standard_state', false), ('competency_layer.bkt_response', false)) t (tab, reference)
WHERE NOT competency_layer.is_citus_table(t.tab::regclass);

-- Citus distributes no table with triggers: the policy's check on write goes
-- (see competency_layer.sql, policy_check)
DO $drop$
BEGIN
    IF NOT competency_layer.is_citus_table('competency_layer.policy'::regclass) THEN
        DROP TRIGGER IF EXISTS policy_check ON competency_layer.policy;
    END IF;
END
$drop$;

SELECT format('DROP POLICY %I ON %s', p.polname, p.polrelid::regclass)
FROM pg_policy p JOIN layer_table t ON t.tab = p.polrelid
WHERE p.polname = 'competency_layer_teacher' \gexec

\o /dev/null
SELECT format('SELECT create_reference_table(%L)', t.tab) FROM layer_table t WHERE t.reference \gexec
SELECT format('SELECT create_distributed_table(%L, %L, colocate_with => %L)', t.tab, 'student_usi', 'edfi.student')
FROM layer_table t WHERE NOT t.reference \gexec
SELECT format('SELECT truncate_local_data_after_distributing_table(%L)', t.tab) FROM layer_table t \gexec
\o
REVOKE ALL ON competency_layer.student_standard_state, competency_layer.staff_login, competency_layer.bkt_response
FROM competency_teacher;
COMMIT;
