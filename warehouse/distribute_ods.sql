-- An Ed-Fi ODS 5.2 on Citus: run it once on the coordinator, against an ODS
-- already created (and loaded, or not), before the competency layer
--
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/distribute_ods.sql
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
--
-- The database needs the citus extension and its workers added
-- (citus_add_node); the shard count is the session's citus.shard_count.
-- What it does, and why:
--   * every table of schema edfi whose primary key has StudentUSI, and every
--     table of tracked_changes_edfi with OldStudentUSI, is distributed by it, all colocated with edfi.Student: a student's rows
--     of every table are on one node, so whatever joins on the student (the
--     layer's evidence, its states) runs whole on that node;
--   * every other table of those schemas (descriptors, schools, sections,
--     assessments and their items, standards, gradebook entries, ...) is a
--     reference table, copied to every node;
--   * foreign keys: Citus takes a key from a distributed table to a reference
--     table or to a colocated distributed table through the student column,
--     and between reference tables.  The keys are dropped before the tables
--     are distributed and added back after; a key Citus refuses is left out
--     and listed in ods_citus.dropped_constraint with Citus's reason;
--   * unique indexes and constraints of a distributed table must contain
--     the student column: the ODS's unique indexes on Id (the API's resource
--     id) and Student's StudentUniqueId key do not, and are dropped (also
--     listed in ods_citus.dropped_constraint);
--   * change tracking: the ODS takes ChangeVersion from one sequence, in
--     column defaults and in its triggers.  On Citus the triggers run on the
--     workers (citus.enable_unsafe_triggers), where a sequence hands out a
--     separate range per node, so versions of different nodes would not be
--     ordered.  They are taken from the clock instead (microseconds since
--     1970, changes.citus_change_version()), and changes.GetMaxChangeVersion()
--     returns the clock: versions stay ordered across nodes as long as the
--     nodes' clocks agree (NTP), and they are far above the sequence's, so
--     rows loaded before keep their meaning.  A trigger on a reference table
--     runs on every copy, so a replicated row's ChangeVersion and
--     LastModifiedDate can differ by microseconds between copies; readers
--     that compare them with a version seen before (as the layer's refresh
--     does) are not affected.
-- Writes to the ODS go through the coordinator (the API's connection string),
-- which is what the layer's refresh locks against.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS no_citus \gset
\if :no_citus
\echo 'distribute_ods.sql: this database has no citus extension (CREATE EXTENSION citus, then citus_add_node for each worker)'
\quit
\endif
SET citus.enable_unsafe_triggers = on;

CREATE SCHEMA IF NOT EXISTS ods_citus;
COMMENT ON SCHEMA ods_citus IS 'what warehouse/distribute_ods.sql changed in the Ed-Fi ODS to distribute it with Citus';
CREATE TABLE IF NOT EXISTS ods_citus.dropped_constraint (
    table_name text NOT NULL,
    constraint_name text NOT NULL,
    definition text NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (table_name, constraint_name));
COMMENT ON TABLE ods_citus.dropped_constraint IS 'the ODS''s foreign keys, unique constraints and unique indexes that Citus does not take on distributed tables, with the reason';
CREATE TEMP TABLE ods_fk AS
SELECT c.conrelid::regclass::text AS table_name, c.conname::text AS constraint_name, pg_get_constraintdef(c.oid) AS definition
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.contype = 'f' AND n.nspname IN ('edfi', 'tracked_changes_edfi');

-- Which tables go where
CREATE TEMP TABLE ods_table AS
SELECT c.oid::regclass AS tab, n.nspname::text AS schema_name,
       (SELECT a.attname::text FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          AND (n.nspname = 'edfi' AND a.attname = 'studentusi'
               AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p' AND a.attnum = ANY (k.conkey))
               OR n.nspname = 'tracked_changes_edfi' AND a.attname = 'oldstudentusi')) AS student_column
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname IN ('edfi', 'tracked_changes_edfi')
  AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid);

-- Foreign keys off while the tables move
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', f.table_name, f.constraint_name) FROM ods_fk f \gexec

-- Unique indexes and constraints of the distributed tables without the student column
CREATE TEMP TABLE ods_unique AS
SELECT t.tab::text AS table_name, i.indexrelid::regclass::text AS index_name, co.conname::text AS constraint_name,
       coalesce(pg_get_constraintdef(co.oid), pg_get_indexdef(i.indexrelid)) AS definition
FROM ods_table t
JOIN pg_index i ON i.indrelid = t.tab AND i.indisunique
LEFT JOIN pg_constraint co ON co.conindid = i.indexrelid AND co.conrelid = t.tab
WHERE t.student_column IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = t.tab AND a.attnum = k
                  WHERE a.attname = t.student_column);
INSERT INTO ods_citus.dropped_constraint
SELECT table_name, coalesce(constraint_name, split_part(index_name, '.', 2)), definition,
       'a unique index of a distributed table must contain the distribution column'
FROM ods_unique ON CONFLICT DO NOTHING;
SELECT CASE WHEN u.constraint_name IS NOT NULL THEN format('ALTER TABLE %s DROP CONSTRAINT %I', u.table_name, u.constraint_name)
            ELSE format('DROP INDEX %s', u.index_name) END
FROM ods_unique u \gexec

-- Change versions from the clock (see above)
CREATE OR REPLACE FUNCTION changes.citus_change_version() RETURNS bigint
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000000)::bigint $$;
COMMENT ON FUNCTION changes.citus_change_version() IS 'a ChangeVersion ordered across the nodes of a Citus cluster: microseconds since 1970 by the node''s clock';
CREATE OR REPLACE FUNCTION changes.GetMaxChangeVersion() RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT changes.citus_change_version() $$;
COMMENT ON FUNCTION changes.GetMaxChangeVersion() IS 'on Citus (warehouse/distribute_ods.sql): the clock, the version the next change will be above';
SELECT format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT changes.citus_change_version()', a.attrelid::regclass, a.attname)
FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('edfi', 'tracked_changes_edfi')
  AND pg_get_expr(d.adbin, d.adrelid) ILIKE '%nextval(''changes.changeversionsequence''%' \gexec
SELECT regexp_replace(pg_get_functiondef(p.oid), 'nextval\(''changes\.changeversionsequence''(::regclass)?\)',
                      'changes.citus_change_version()', 'gi')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('edfi', 'tracked_changes_edfi', 'changes')
  AND p.prosrc ILIKE '%nextval(''changes.changeversionsequence'')%' \gexec

-- Reference tables, then the student's tables around edfi.Student
\o /dev/null
SELECT format('SELECT create_reference_table(%L)', t.tab) FROM ods_table t
WHERE t.student_column IS NULL ORDER BY t.tab::text \gexec
SELECT format('SELECT create_distributed_table(%L, %L)', t.tab, t.student_column) FROM ods_table t
WHERE t.tab = 'edfi.student'::regclass \gexec
SELECT format('SELECT create_distributed_table(%L, %L, colocate_with => %L)', t.tab, t.student_column, 'edfi.student') FROM ods_table t
WHERE t.student_column IS NOT NULL AND t.tab <> 'edfi.student'::regclass ORDER BY t.tab::text \gexec

-- The foreign keys back, each on its own; those Citus refuses are listed
SELECT format($do$
DO $fk$
DECLARE
    detail text;
BEGIN
    ALTER TABLE %s ADD CONSTRAINT %I %s;
EXCEPTION WHEN feature_not_supported OR invalid_table_definition OR object_not_in_prerequisite_state OR invalid_foreign_key THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    INSERT INTO ods_citus.dropped_constraint VALUES (%L, %L, %L, concat_ws(': ', SQLERRM, nullif(detail, ''))) ON CONFLICT DO NOTHING;
END
$fk$
$do$, f.table_name, f.constraint_name, f.definition, f.table_name, f.constraint_name, f.definition)
FROM ods_fk f ORDER BY f.table_name, f.constraint_name \gexec
\o

SELECT (SELECT count(*) FROM pg_dist_partition p JOIN ods_table t ON t.tab = p.logicalrelid WHERE p.partmethod = 'h') AS distributed_tables,
       (SELECT count(*) FROM pg_dist_partition p JOIN ods_table t ON t.tab = p.logicalrelid WHERE p.partmethod = 'n') AS reference_tables,
       (SELECT count(*) FROM ods_fk) - (SELECT count(*) FROM ods_citus.dropped_constraint d JOIN ods_fk f USING (table_name, constraint_name)) AS foreign_keys_kept,
       (SELECT count(*) FROM ods_citus.dropped_constraint) AS constraints_dropped;
