-- The competency layer of an Ed-Fi ODS 5.2: run it against the ODS
--
--   psql -d ODS -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
--   (or: make warehouse DB=ODS)
--
-- It creates schema competency_layer with ordinary objects owned by whoever
-- runs it (not members of the extension: pg_dump restores extensions before
-- tables, and these depend on the ODS's tables), then builds the stored
-- states from the whole ODS once.  Running it again keeps the policy and the
-- states and replaces the views and procedures.  Nightly:
--
--   CALL competency_layer.refresh();
--
-- What it holds:
--   policy                 the district's grading policy (one default row,
--                          rows per standard override it)
--   evidence_contribution  the evidence each ODS aggregate root gave each
--                          standard (a StudentAssessment, a StudentGradebookEntry):
--                          what the refresh takes back when a root changes
--   student_standard_state one mastery_state per student and standard
--   refresh_status, refresh_log   the change version last applied, and what
--                          every refresh changed
--   staff_login            which Staff each teacher's database login is
-- and the views BI tools read (plain SQL column types, security_invoker):
--   standard_dim, student_dim, student_standard_mastery_fact,
--   staff_section_student (who may see whom), the rollups, profile summary,
--   ready standards, paths and path_progress, groups and their audit,
--   weekly_groups and group_changes, early_warning, pace (and the function
--   pace_as_of(date)), bkt_known over bkt_fit_by_standard (filled by
--   CALL competency_layer.fit_bkt(), after the refresh).
-- Row security: members of competency_teacher see the students of their
-- sections, competency_administrator every student (and edits the policy and
-- staff_login), competency_reader every student, read only.  The installer
-- creates these three group roles if missing (it needs CREATEROLE then) and
-- turns row security on for the ODS tables holding students' rows that the
-- views read (see "Who sees whom" below).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS competency;
SELECT n.nspname AS competency_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'competency' \gset
BEGIN;
CREATE SCHEMA IF NOT EXISTS competency_layer;
COMMENT ON SCHEMA competency_layer IS 'mastery of standards from the Ed-Fi ODS: policy, stored states, dims and facts for BI tools';
-- pg_catalog is left out of the path so that it is searched first (and the
-- layer's objects are created in competency_layer), pg_temp put last: the
-- views bind what this path finds, the functions keep it (SET search_path
-- FROM CURRENT), and the owner runs refresh() and fit_bkt() with it, so no
-- object another role may create in the extension's schema (often public)
-- or a temporary one can stand in for a built-in or a layer table
SET LOCAL search_path = competency_layer, :"competency_schema", pg_temp;

-- The policy -----------------------------------------------------------------
CREATE TABLE IF NOT EXISTS policy (
    policy_id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learning_standard_id text,                       -- NULL: the district default
    method text NOT NULL DEFAULT 'average',
    scale double precision NOT NULL DEFAULT 4 CHECK (scale > 0),
    proficiency_cuts double precision[] NOT NULL DEFAULT '{0.5,0.75,0.9}',
    proficiency_labels text[] NOT NULL DEFAULT '{Beginning,Developing,Proficient,Advanced}',
    mastery_threshold double precision NOT NULL DEFAULT 3,
    path_targets text[],
    CHECK (method::mastery_method IS NOT NULL),
    CHECK (position('scale=' IN method::mastery_method::text) = 0),
    CHECK (cardinality(proficiency_labels) = cardinality(proficiency_cuts) + 1));
CREATE UNIQUE INDEX IF NOT EXISTS policy_scope ON policy ((coalesce(learning_standard_id, '')));
COMMENT ON TABLE policy IS 'the grading policy: the row without a standard is the default, a row with learning_standard_id overrides it for that standard';
COMMENT ON COLUMN policy.method IS 'a mastery_method without scale= (e.g. average, decaying_average(weight=0.65), power_law); the value is reported on the scale below';
COMMENT ON COLUMN policy.scale IS 'the scale mastery values are reported on (4: a four-point scale); evidence of any out_of is rescaled to it';
COMMENT ON COLUMN policy.proficiency_cuts IS 'where each level after the first starts, as proportions of the scale (proficiency_level)';
COMMENT ON COLUMN policy.mastery_threshold IS 'a standard is mastered when its value (on the scale) is at least this';
COMMENT ON COLUMN policy.path_targets IS 'the standards learning paths lead toward';
INSERT INTO policy (learning_standard_id) SELECT NULL
WHERE NOT EXISTS (SELECT 1 FROM policy WHERE learning_standard_id IS NULL);

-- The policy in force for every standard of the ODS
DROP VIEW IF EXISTS bkt_known, group_changes, weekly_groups, path_progress, pace, early_warning, section_group_audit, section_group, learning_path_step, ready_standard, learner_profile_summary,
    student_rollup_fact, district_policy, student_standard_mastery_fact, standard_policy;
CREATE VIEW standard_policy WITH (security_invoker = true) AS
SELECT l.LearningStandardId::text AS learning_standard_key,
       p.method,
       CASE WHEN p.method LIKE '%)' THEN left(p.method, -1) || ', scale=' || p.scale || ')'
            ELSE p.method || '(scale=' || p.scale || ')' END AS effective_method,
       p.scale, p.proficiency_cuts, p.proficiency_labels, p.mastery_threshold, p.path_targets
FROM edfi.LearningStandard l
JOIN policy p ON p.policy_id = coalesce(
        (SELECT s.policy_id FROM policy s WHERE s.learning_standard_id = l.LearningStandardId),
        (SELECT d.policy_id FROM policy d WHERE d.learning_standard_id IS NULL));
COMMENT ON VIEW standard_policy IS 'for every learning standard, the policy row in force (its own, else the default)';

-- Stored states ----------------------------------------------------------------
CREATE TABLE IF NOT EXISTS evidence_contribution (
    source text NOT NULL CHECK (source IN ('assessment', 'gradebook')),
    source_key text NOT NULL,
    student_usi int NOT NULL,
    learning_standard_id text NOT NULL,
    state mastery_state NOT NULL,
    PRIMARY KEY (source, source_key, learning_standard_id));
CREATE INDEX IF NOT EXISTS evidence_contribution_student ON evidence_contribution (student_usi, learning_standard_id);
COMMENT ON TABLE evidence_contribution IS 'the evidence one ODS aggregate root gave one standard: source_key is the root''s key (StudentAssessment: AssessmentIdentifier|Namespace|StudentAssessmentIdentifier|StudentUSI; StudentGradebookEntry: GradebookEntryIdentifier|Namespace|StudentUSI)';

CREATE TABLE IF NOT EXISTS student_standard_state (
    student_usi int NOT NULL,
    learning_standard_id text NOT NULL,
    state mastery_state NOT NULL,
    PRIMARY KEY (student_usi, learning_standard_id));
COMMENT ON TABLE student_standard_state IS 'one mastery_state per student and standard: all their evidence, kept current by refresh()';

CREATE TABLE IF NOT EXISTS refresh_status (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_change_version bigint,
    refreshed_at timestamptz);
INSERT INTO refresh_status VALUES (true, NULL, NULL) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS refresh_log (
    refresh_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    from_version bigint,
    to_version bigint NOT NULL,
    roots_changed int NOT NULL,
    roots_deleted int NOT NULL,
    evidence_removed bigint NOT NULL,
    evidence_added bigint NOT NULL,
    states_inserted int NOT NULL,
    states_updated int NOT NULL,
    states_deleted int NOT NULL);
COMMENT ON TABLE refresh_log IS 'what each rebuild() and refresh() changed';

-- Evidence: from the ODS, per aggregate root ------------------------------------
-- An item result is evidence on every standard its item measures: its raw
-- score out of the item's maximum, observed at the administration; without a
-- raw score or maximum, Correct is 1 of 1 and Incorrect 0 of 1 (other results
-- without a score are not evidence).  Roots are those changed since the given
-- change version (NULL: all): a StudentAssessment whose ChangeVersion passed
-- it, or one with an item whose AssessmentItem did (its maximum or standards
-- corrected).
-- One query text, run through EXECUTE: the filter on changed roots is added
-- only for a refresh.  As one statement with WHERE since IS NULL OR root IN
-- (...), a function's generic plan kept the IN for the full build and its
-- misestimated joins made it quadratic (10 minutes for 40,000 item results;
-- bench/warehouse.sql), and the refresh could not use the ChangeVersion
-- indexes; planned for each call, the full build has no filter and the
-- refresh plans for its change version (a bound value: Citus plans no
-- distributed query that reads a function's parameters).
CREATE OR REPLACE FUNCTION assessment_contributions(since bigint)
RETURNS TABLE (source text, source_key text, student_usi int, learning_standard_id text, state mastery_state)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
BEGIN
    RETURN QUERY EXECUTE $q$
    SELECT 'assessment', concat_ws('|', sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI),
           sa.StudentUSI, ls.LearningStandardId::text,
           mastery_agg(mastery_evidence(
               CASE WHEN sai.RawScoreResult IS NOT NULL AND ai.MaxRawScore > 0 THEN sai.RawScoreResult
                    WHEN r.CodeValue = 'Correct' THEN 1 ELSE 0 END,
               CASE WHEN sai.RawScoreResult IS NOT NULL AND ai.MaxRawScore > 0 THEN ai.MaxRawScore ELSE 1 END,
               sa.AdministrationDate AT TIME ZONE 'UTC'))
    FROM edfi.StudentAssessment sa
    JOIN edfi.StudentAssessmentItem sai USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
    JOIN edfi.AssessmentItem ai USING (AssessmentIdentifier, Namespace, IdentificationCode)
    JOIN edfi.AssessmentItemLearningStandard ls USING (AssessmentIdentifier, Namespace, IdentificationCode)
    JOIN edfi.Descriptor r ON r.DescriptorId = sai.AssessmentItemResultDescriptorId
    WHERE sa.AdministrationDate IS NOT NULL
      AND (sai.RawScoreResult IS NOT NULL AND ai.MaxRawScore > 0 OR r.CodeValue IN ('Correct', 'Incorrect'))
    $q$ || CASE WHEN since IS NULL THEN '' ELSE $q$
      AND (sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI) IN (
              SELECT c.AssessmentIdentifier, c.Namespace, c.StudentAssessmentIdentifier, c.StudentUSI
              FROM edfi.StudentAssessment c WHERE c.ChangeVersion > $1
              UNION
              SELECT i2.AssessmentIdentifier, i2.Namespace, i2.StudentAssessmentIdentifier, i2.StudentUSI
              FROM edfi.StudentAssessmentItem i2
              JOIN edfi.AssessmentItem a2 USING (AssessmentIdentifier, Namespace, IdentificationCode)
              WHERE a2.ChangeVersion > $1)
    $q$ END || $q$
    GROUP BY sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI, ls.LearningStandardId
    $q$ USING since;
END
$f$;
COMMENT ON FUNCTION assessment_contributions(bigint) IS 'the evidence of each StudentAssessment changed since a change version (NULL: all) on each standard its items measure';

-- A grade is evidence on every standard its gradebook entry names: the
-- numeric grade out of 100, else the points earned out of the entry's
-- maximum, observed when fulfilled, else when due, else when assigned.
-- (one query text, as assessment_contributions)
CREATE OR REPLACE FUNCTION gradebook_contributions(since bigint)
RETURNS TABLE (source text, source_key text, student_usi int, learning_standard_id text, state mastery_state)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
BEGIN
    RETURN QUERY EXECUTE $q$
    SELECT 'gradebook', concat_ws('|', g.GradebookEntryIdentifier, g.Namespace, g.StudentUSI),
           g.StudentUSI, ls.LearningStandardId::text,
           mastery_agg(mastery_evidence(
               coalesce(g.NumericGradeEarned, g.PointsEarned),
               CASE WHEN g.NumericGradeEarned IS NOT NULL THEN 100 ELSE e.MaxPoints END,
               coalesce(g.DateFulfilled, e.DueDate, e.DateAssigned)::timestamp AT TIME ZONE 'UTC'))
    FROM edfi.StudentGradebookEntry g
    JOIN edfi.GradebookEntry e USING (GradebookEntryIdentifier, Namespace)
    JOIN edfi.GradebookEntryLearningStandard ls USING (GradebookEntryIdentifier, Namespace)
    WHERE (g.NumericGradeEarned IS NOT NULL OR g.PointsEarned IS NOT NULL AND e.MaxPoints > 0)
    $q$ || CASE WHEN since IS NULL THEN '' ELSE $q$
      AND (g.GradebookEntryIdentifier, g.Namespace, g.StudentUSI) IN (
              SELECT c.GradebookEntryIdentifier, c.Namespace, c.StudentUSI FROM edfi.StudentGradebookEntry c
              WHERE c.ChangeVersion > $1
              UNION
              SELECT c.GradebookEntryIdentifier, c.Namespace, c.StudentUSI FROM edfi.StudentGradebookEntry c
              JOIN edfi.GradebookEntry e2 USING (GradebookEntryIdentifier, Namespace)
              WHERE e2.ChangeVersion > $1)
    $q$ END || $q$
    GROUP BY g.GradebookEntryIdentifier, g.Namespace, g.StudentUSI, ls.LearningStandardId
    $q$ USING since;
END
$f$;
COMMENT ON FUNCTION gradebook_contributions(bigint) IS 'the evidence of each StudentGradebookEntry changed since a change version (NULL: all) on each standard its entry names';

-- Every root changed since a change version: the ones that still exist
-- (whether or not they give evidence now) and the ones deleted or whose key
-- changed (tracked_changes_edfi keeps their old key)
CREATE OR REPLACE FUNCTION changed_roots(since bigint, upto bigint)
RETURNS TABLE (source text, source_key text, deleted boolean)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
BEGIN
    RETURN QUERY EXECUTE $q$
    SELECT 'assessment', concat_ws('|', sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI), false
    FROM edfi.StudentAssessment sa
    WHERE sa.ChangeVersion > $1
    UNION
    SELECT 'assessment', concat_ws('|', i2.AssessmentIdentifier, i2.Namespace, i2.StudentAssessmentIdentifier, i2.StudentUSI), false
    FROM edfi.StudentAssessmentItem i2
    JOIN edfi.AssessmentItem a2 USING (AssessmentIdentifier, Namespace, IdentificationCode)
    WHERE a2.ChangeVersion > $1
    UNION
    SELECT 'gradebook', concat_ws('|', g.GradebookEntryIdentifier, g.Namespace, g.StudentUSI), false
    FROM edfi.StudentGradebookEntry g JOIN edfi.GradebookEntry e USING (GradebookEntryIdentifier, Namespace)
    WHERE g.ChangeVersion > $1 OR e.ChangeVersion > $1
    UNION
    SELECT 'assessment', concat_ws('|', t.OldAssessmentIdentifier, t.OldNamespace, t.OldStudentAssessmentIdentifier, t.OldStudentUSI), true
    FROM tracked_changes_edfi.StudentAssessment t
    WHERE t.ChangeVersion > $1 AND t.ChangeVersion <= $2
    UNION
    SELECT 'gradebook', concat_ws('|', t.OldGradebookEntryIdentifier, t.OldNamespace, t.OldStudentUSI), true
    FROM tracked_changes_edfi.StudentGradebookEntry t
    WHERE t.ChangeVersion > $1 AND t.ChangeVersion <= $2
    $q$ USING since, upto;
END
$f$;

-- The states as a full recompute from the ODS would have them (what refresh()
-- must keep equal; the tests compare the two)
CREATE OR REPLACE FUNCTION recomputed_states()
RETURNS TABLE (student_usi int, learning_standard_id text, state mastery_state)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT c.student_usi, c.learning_standard_id, mastery_state_union(c.state)
FROM (SELECT * FROM assessment_contributions(NULL) UNION ALL SELECT * FROM gradebook_contributions(NULL)) c
GROUP BY c.student_usi, c.learning_standard_id
$f$;
COMMENT ON FUNCTION recomputed_states() IS 'every student''s state on every standard, recomputed from the whole ODS';

-- The change version every root at or below it is committed at.  The SHARE
-- locks wait for transactions writing the roots to finish and keep new ones
-- out until the refresh commits (a few seconds at night): a transaction that
-- took a change version but had not committed would otherwise be passed over
-- for good.
CREATE OR REPLACE FUNCTION settled_change_version() RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $f$
BEGIN
    LOCK TABLE edfi.StudentAssessment, edfi.AssessmentItem, edfi.StudentGradebookEntry, edfi.GradebookEntry IN SHARE MODE;
    RETURN changes.GetMaxChangeVersion();
END
$f$;

-- Builds everything from the whole ODS (the installer calls it once; a
-- district may call it after changing the mapping, never needed for data)
CREATE OR REPLACE PROCEDURE rebuild()
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $p$
DECLARE
    started timestamptz := clock_timestamp();
    upto bigint;
    n_added bigint;
    n_states int;
    n_old int;
BEGIN
    PERFORM 1 FROM refresh_status FOR UPDATE;
    upto := settled_change_version();
    SELECT count(*) INTO n_old FROM student_standard_state;
    TRUNCATE evidence_contribution, student_standard_state;
    INSERT INTO evidence_contribution
    SELECT * FROM assessment_contributions(NULL) UNION ALL SELECT * FROM gradebook_contributions(NULL);
    GET DIAGNOSTICS n_added = ROW_COUNT;
    INSERT INTO student_standard_state
    SELECT c.student_usi, c.learning_standard_id, mastery_state_union(c.state)
    FROM evidence_contribution c GROUP BY c.student_usi, c.learning_standard_id;
    GET DIAGNOSTICS n_states = ROW_COUNT;
    UPDATE refresh_status SET last_change_version = upto, refreshed_at = now();
    INSERT INTO refresh_log (kind, started_at, finished_at, from_version, to_version, roots_changed, roots_deleted,
                             evidence_removed, evidence_added, states_inserted, states_updated, states_deleted)
    VALUES ('rebuild', started, clock_timestamp(), NULL, upto,
            (SELECT count(DISTINCT (source, source_key)) FROM evidence_contribution), 0,
            0, (SELECT coalesce(sum(evidence_count(state)), 0) FROM evidence_contribution), n_states, 0, n_old);
END
$p$;
COMMENT ON PROCEDURE rebuild() IS 'rebuilds the stored states from the whole ODS';

-- The nightly refresh: what changed in the ODS since the last refresh (rows
-- whose ChangeVersion passed the last one seen; deletes and key changes from
-- tracked_changes_edfi), applied to the stored states exactly: the old
-- evidence of every changed root is taken out of its states (state - old),
-- its new evidence put in (|| new).  One transaction: after a crash nothing
-- of it remains and the next call does it all again; a second call with no
-- change in between changes nothing.
CREATE OR REPLACE PROCEDURE refresh(
    INOUT from_version bigint DEFAULT NULL, INOUT to_version bigint DEFAULT NULL,
    INOUT roots_changed int DEFAULT NULL, INOUT roots_deleted int DEFAULT NULL,
    INOUT evidence_removed bigint DEFAULT NULL, INOUT evidence_added bigint DEFAULT NULL,
    INOUT states_inserted int DEFAULT NULL, INOUT states_updated int DEFAULT NULL, INOUT states_deleted int DEFAULT NULL)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $p$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    SELECT last_change_version INTO from_version FROM refresh_status FOR UPDATE;
    IF from_version IS NULL THEN
        RAISE EXCEPTION 'the competency layer has not been built'
            USING HINT = 'CALL competency_layer.rebuild() once (the installer does).';
    END IF;
    to_version := settled_change_version();

    CREATE TEMP TABLE refresh_root ON COMMIT DROP AS SELECT * FROM changed_roots(from_version, to_version);
    SELECT count(DISTINCT (source, source_key)) FILTER (WHERE NOT deleted),
           count(DISTINCT (source, source_key)) FILTER (WHERE deleted AND (source, source_key) NOT IN
               (SELECT source, source_key FROM refresh_root WHERE NOT deleted))
    INTO roots_changed, roots_deleted FROM refresh_root;

    CREATE TEMP TABLE refresh_removed ON COMMIT DROP AS
    WITH gone AS (
        DELETE FROM evidence_contribution c USING (SELECT DISTINCT source, source_key FROM refresh_root) r
        WHERE c.source = r.source AND c.source_key = r.source_key
        RETURNING c.student_usi, c.learning_standard_id, c.state)
    SELECT student_usi, learning_standard_id, mastery_state_union(state) AS state FROM gone
    GROUP BY student_usi, learning_standard_id;

    CREATE TEMP TABLE refresh_added ON COMMIT DROP AS
    WITH fresh AS (
        INSERT INTO evidence_contribution
        SELECT * FROM assessment_contributions(from_version) UNION ALL SELECT * FROM gradebook_contributions(from_version)
        RETURNING student_usi, learning_standard_id, state)
    SELECT student_usi, learning_standard_id, mastery_state_union(state) AS state FROM fresh
    GROUP BY student_usi, learning_standard_id;

    SELECT coalesce(sum(evidence_count(state)), 0) INTO evidence_removed FROM refresh_removed;
    SELECT coalesce(sum(evidence_count(state)), 0) INTO evidence_added FROM refresh_added;

    -- state - old || new, for every student and standard either touches
    CREATE TEMP TABLE refresh_state ON COMMIT DROP AS
    SELECT k.student_usi, k.learning_standard_id, s.state IS NOT NULL AS existed,
           coalesce(s.state, '[]'::mastery_state) - coalesce(r.state, '[]'::mastery_state)
               || coalesce(a.state, '[]'::mastery_state) AS state
    FROM (SELECT student_usi, learning_standard_id FROM refresh_removed
          UNION SELECT student_usi, learning_standard_id FROM refresh_added) k
    LEFT JOIN student_standard_state s USING (student_usi, learning_standard_id)
    LEFT JOIN refresh_removed r USING (student_usi, learning_standard_id)
    LEFT JOIN refresh_added a USING (student_usi, learning_standard_id);

    DELETE FROM student_standard_state s USING refresh_state n
    WHERE s.student_usi = n.student_usi AND s.learning_standard_id = n.learning_standard_id AND evidence_count(n.state) = 0;
    GET DIAGNOSTICS states_deleted = ROW_COUNT;
    UPDATE student_standard_state s SET state = n.state FROM refresh_state n
    WHERE s.student_usi = n.student_usi AND s.learning_standard_id = n.learning_standard_id
      AND evidence_count(n.state) > 0 AND s.state IS DISTINCT FROM n.state;
    GET DIAGNOSTICS states_updated = ROW_COUNT;
    INSERT INTO student_standard_state
    SELECT student_usi, learning_standard_id, state FROM refresh_state WHERE NOT existed AND evidence_count(state) > 0;
    GET DIAGNOSTICS states_inserted = ROW_COUNT;

    UPDATE refresh_status SET last_change_version = to_version, refreshed_at = now();
    INSERT INTO refresh_log (kind, started_at, finished_at, from_version, to_version, roots_changed, roots_deleted,
                             evidence_removed, evidence_added, states_inserted, states_updated, states_deleted)
    VALUES ('refresh', started, clock_timestamp(), from_version, to_version, roots_changed, roots_deleted,
            evidence_removed, evidence_added, states_inserted, states_updated, states_deleted);
    DROP TABLE refresh_root, refresh_removed, refresh_added, refresh_state;
END
$p$;
COMMENT ON PROCEDURE refresh(bigint, bigint, int, int, bigint, bigint, int, int, int) IS
    'applies the ODS''s changes since the last refresh to the stored states, in one transaction; returns what it changed';

-- Dims and facts: what BI tools read ------------------------------------------------
-- Standards: the code, the title and cluster from the description (the
-- sample's descriptions read 'cluster ~ standard'), the parent's description
-- as cluster where the ODS has the hierarchy, the domain from the parent's
-- parent, else from a Common Core id (CC.<grade>.<domain>.<n>), the grades.
CREATE OR REPLACE VIEW standard_dim WITH (security_invoker = true) AS
SELECT l.LearningStandardId::text AS learning_standard_key,
       coalesce(l.LearningStandardItemCode, l.LearningStandardId)::text AS code,
       CASE WHEN l.Description LIKE '% ~ %' THEN substr(l.Description, strpos(l.Description, ' ~ ') + 3)
            ELSE l.Description END::text AS title,
       coalesce(p.Description, CASE WHEN l.Description LIKE '% ~ %' THEN split_part(l.Description, ' ~ ', 1) END)::text AS cluster,
       coalesce(pp.Description, substring(l.LearningStandardId FROM '^CC\.[^.]+\.([A-Za-z]+)\.'))::text AS domain,
       (SELECT string_agg(d.CodeValue, ', ' ORDER BY d.CodeValue) FROM edfi.LearningStandardGradeLevel g
        JOIN edfi.Descriptor d ON d.DescriptorId = g.GradeLevelDescriptorId
        WHERE g.LearningStandardId = l.LearningStandardId)::text AS grade,
       l.Namespace::text AS namespace
FROM edfi.LearningStandard l
LEFT JOIN edfi.LearningStandard p ON p.LearningStandardId = l.ParentLearningStandardId
LEFT JOIN edfi.LearningStandard pp ON pp.LearningStandardId = p.ParentLearningStandardId;
COMMENT ON VIEW standard_dim IS 'learning standards: key, code, title, cluster, domain, grade';

CREATE OR REPLACE VIEW student_dim WITH (security_invoker = true) AS
SELECT s.StudentUniqueId::text AS student_key, s.StudentUSI AS student_usi,
       s.FirstName::text AS first_name, s.LastSurname::text AS last_surname, s.BirthDate AS birth_date
FROM edfi.Student s;
COMMENT ON VIEW student_dim IS 'students: key (StudentUniqueId), name, birth date';

CREATE OR REPLACE VIEW student_standard_mastery_fact WITH (security_invoker = true) AS
SELECT st.StudentUniqueId::text AS student_key, s.student_usi, s.learning_standard_id::text AS learning_standard_key,
       m.value AS mastery_value,
       proficiency_level(m.value, p.scale, p.proficiency_cuts, p.proficiency_labels) AS proficiency_level,
       m.value >= p.mastery_threshold AS mastered,
       evidence_count(s.state) AS evidence_count,
       (SELECT min(x.observed_at) FROM mastery_explain(s.state, 'latest') x) AS first_evidence_at,
       last_observed(s.state) AS last_evidence_at,
       p.method::text AS method, p.scale AS scale
FROM student_standard_state s
JOIN edfi.Student st ON st.StudentUSI = s.student_usi
JOIN standard_policy p ON p.learning_standard_key = s.learning_standard_id
CROSS JOIN LATERAL (SELECT mastery(s.state, p.effective_method::mastery_method) AS value) m;
COMMENT ON VIEW student_standard_mastery_fact IS 'mastery by student and standard under the policy: value on the policy''s scale, level, mastered, evidence count, first and last evidence';

-- Profiles, paths and groups ------------------------------------------------------
-- The ODS 5.2 has no prerequisites between standards: the district lists
-- them here (from a CASE framework's precedes or dependency edges, or its
-- own curriculum).  The hierarchy comes from the ODS: ParentLearningStandardId
-- where it is filled, else a Common Core id's grade and domain
-- (CC.5.NF.1 is part of CC.5.NF, which is part of CC.5).
CREATE TABLE IF NOT EXISTS standard_prerequisite (
    prerequisite_id text NOT NULL,
    learning_standard_id text NOT NULL,
    PRIMARY KEY (prerequisite_id, learning_standard_id),
    CHECK (prerequisite_id <> learning_standard_id));
COMMENT ON TABLE standard_prerequisite IS 'a standard (LearningStandardId) that must be mastered before another: what ready skills, learning paths and readiness groups follow';
-- (constraints of added columns are named: Citus adds a column with a constraint
-- to a distributed or reference table only when the constraint has a name)
ALTER TABLE policy ADD COLUMN IF NOT EXISTS group_min_size int NOT NULL DEFAULT 4 CONSTRAINT policy_group_min_size_check CHECK (group_min_size >= 1);
ALTER TABLE policy ADD COLUMN IF NOT EXISTS group_max_size int NOT NULL DEFAULT 6 CONSTRAINT policy_group_max_size_check CHECK (group_max_size >= 1);
ALTER TABLE policy ADD COLUMN IF NOT EXISTS group_mode text NOT NULL DEFAULT 'readiness'
    CONSTRAINT policy_group_mode_check CHECK (group_mode IN ('readiness', 'similar', 'mixed'));
COMMENT ON COLUMN policy.group_mode IS 'how instructional groups are made in each section (readiness, similar, mixed), in groups of group_min_size to group_max_size';

CREATE OR REPLACE VIEW standard_hierarchy WITH (security_invoker = true) AS
SELECT l.LearningStandardId::text AS learning_standard_key, l.ParentLearningStandardId::text AS parent_key
FROM edfi.LearningStandard l WHERE l.ParentLearningStandardId IS NOT NULL
UNION
SELECT x.child, x.parent
FROM edfi.LearningStandard l
CROSS JOIN LATERAL (VALUES (l.LearningStandardId::text, substring(l.LearningStandardId FROM '^(CC\.[^.]+\.[A-Za-z]+)\.')),
                           (substring(l.LearningStandardId FROM '^(CC\.[^.]+\.[A-Za-z]+)\.'), substring(l.LearningStandardId FROM '^(CC\.[^.]+)\.'))) x (child, parent)
WHERE l.ParentLearningStandardId IS NULL AND x.parent IS NOT NULL;
COMMENT ON VIEW standard_hierarchy IS 'each standard and the whole it is part of: the ODS''s parent, else a Common Core id''s domain (CC.5.NF) and grade (CC.5)';

-- The graph the profiles, paths and groups read: the standards some
-- assessment item or gradebook entry measures, their prerequisites, and the
-- wholes above them (the same for every role: it reads no student's rows)
CREATE OR REPLACE FUNCTION standard_graph() RETURNS skill_graph
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
WITH RECURSIVE measured AS (
    SELECT LearningStandardId::text AS id FROM edfi.AssessmentItemLearningStandard
    UNION SELECT LearningStandardId::text FROM edfi.GradebookEntryLearningStandard
    UNION SELECT prerequisite_id FROM standard_prerequisite
    UNION SELECT learning_standard_id FROM standard_prerequisite),
up (child, parent) AS (
    SELECT h.learning_standard_key, h.parent_key FROM standard_hierarchy h JOIN measured m ON m.id = h.learning_standard_key
    UNION SELECT h.learning_standard_key, h.parent_key FROM standard_hierarchy h JOIN up ON h.learning_standard_key = up.parent)
SELECT skill_graph_agg(e.source, e.target, e.relation)
FROM (SELECT child, parent, 'part_of' FROM up
      UNION ALL SELECT prerequisite_id, learning_standard_id, 'prerequisite' FROM standard_prerequisite
      UNION ALL SELECT m.id, m.id, NULL FROM measured m
      WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.child = m.id)
        AND NOT EXISTS (SELECT 1 FROM standard_prerequisite p WHERE m.id IN (p.prerequisite_id, p.learning_standard_id))) e (source, target, relation)
WHERE e.relation IS NOT NULL
$f$;
COMMENT ON FUNCTION standard_graph() IS 'the skill graph of the measured standards: prerequisites from standard_prerequisite, part_of edges up standard_hierarchy';

-- Each student's profile under the policy (the states the caller may see)
CREATE OR REPLACE FUNCTION student_profiles()
RETURNS TABLE (student_usi int, profile learner_profile)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT s.student_usi, learner_profile(s.learning_standard_id, s.state, p.effective_method::mastery_method)
FROM student_standard_state s JOIN standard_policy p ON p.learning_standard_key = s.learning_standard_id
GROUP BY s.student_usi
$f$;
COMMENT ON FUNCTION student_profiles() IS 'one learner_profile per student the caller may see, from the stored states under the policy';

-- Early-warning thresholds (Analytics Middle Tier's ABC indicators; the
-- defaults are AMT's sample thresholds for attendance, and this layer's for
-- incidents and the share of standards mastered)
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_attendance_at_risk double precision NOT NULL DEFAULT 0.80;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_attendance_warning double precision NOT NULL DEFAULT 0.88;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_incidents_warning int NOT NULL DEFAULT 1;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_incidents_at_risk int NOT NULL DEFAULT 3;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_mastery_at_risk double precision NOT NULL DEFAULT 0.5;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_mastery_warning double precision NOT NULL DEFAULT 0.7;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS ew_trend_days int NOT NULL DEFAULT 28 CONSTRAINT policy_ew_trend_days_check CHECK (ew_trend_days >= 0);
COMMENT ON COLUMN policy.ew_attendance_at_risk IS 'early warning: an attendance rate below this is at risk (AMT: 0.80)';
COMMENT ON COLUMN policy.ew_attendance_warning IS 'early warning: an attendance rate below this (and not at risk) is a warning (AMT: 0.88)';
COMMENT ON COLUMN policy.ew_incidents_warning IS 'early warning: this many discipline incidents or more is a warning';
COMMENT ON COLUMN policy.ew_incidents_at_risk IS 'early warning: this many discipline incidents or more is at risk';
COMMENT ON COLUMN policy.ew_mastery_at_risk IS 'early warning: a share of assessed standards mastered below this is at risk';
COMMENT ON COLUMN policy.ew_mastery_warning IS 'early warning: a share of assessed standards mastered below this (and not at risk) is a warning';
COMMENT ON COLUMN policy.ew_trend_days IS 'early warning: the mastery trend compares the share mastered now with this many days before the student''s last evidence';

CREATE OR REPLACE VIEW district_policy WITH (security_invoker = true) AS
SELECT p.scale, p.proficiency_cuts, p.proficiency_labels, p.mastery_threshold, p.path_targets,
       p.group_min_size, p.group_max_size, p.group_mode,
       p.ew_attendance_at_risk, p.ew_attendance_warning, p.ew_incidents_warning, p.ew_incidents_at_risk,
       p.ew_mastery_at_risk, p.ew_mastery_warning, p.ew_trend_days
FROM policy p WHERE p.learning_standard_id IS NULL;
COMMENT ON VIEW district_policy IS 'the default policy row: the threshold, targets and group sizes the profiles, paths and groups use';

-- The extension's ready_skills, learning_path, instructional_groups,
-- strengths and needs take one threshold; a standard may have its own
-- (a policy row for it).  What the views pass them is the profile with
-- each standard's value rescaled so that its own threshold lands on the
-- district's: v * district threshold / standard threshold, at most the
-- district scale, kept at or above the district threshold when v reaches
-- the standard's and below it when not (rounding cannot move a standard
-- across).  A standard whose threshold is 0 is always mastered.  So
-- "mastered" is decided per standard, as student_standard_mastery_fact
-- decides it; the views show the real values.  Without an override
-- differing from the default (threshold or scale) the profile is returned
-- as it is.  (A district threshold of 0 makes every standard mastered.)
-- The thresholds that differ from the district's, with the district's own:
-- read once per query (a MATERIALIZED CTE of the views, which Citus runs on
-- the coordinator), so that threshold_profile reads no table and runs where
-- the profiles are
CREATE OR REPLACE FUNCTION policy_thresholds() RETURNS jsonb
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT jsonb_build_object('threshold', d.mastery_threshold, 'scale', d.scale,
                          'standards', coalesce((SELECT jsonb_object_agg(sp.learning_standard_key, sp.mastery_threshold)
                                                 FROM standard_policy sp
                                                 WHERE sp.mastery_threshold <> d.mastery_threshold OR sp.scale <> d.scale), '{}'))
FROM district_policy d
$f$;
COMMENT ON FUNCTION policy_thresholds() IS 'the district''s mastery threshold and scale, and the standards whose policy differs with their thresholds, for threshold_profile';

CREATE OR REPLACE FUNCTION threshold_profile(p learner_profile, thresholds jsonb) RETURNS learner_profile
LANGUAGE sql IMMUTABLE
SET search_path FROM CURRENT
AS $f$
SELECT CASE
    WHEN thresholds -> 'standards' = '{}' THEN p
    ELSE coalesce((SELECT learner_profile(jsonb_object_agg(e.key,
                     CASE WHEN st.threshold IS NULL OR jsonb_typeof(e.value -> 'mastery') IS DISTINCT FROM 'number' THEN e.value
                          ELSE e.value || jsonb_build_object('out_of', x.scale, 'mastery',
                              CASE WHEN (e.value ->> 'mastery')::float8 >= st.threshold
                                   THEN least(greatest(x.v, x.threshold), x.scale)
                                   ELSE least(x.v, x.threshold * (1 - 1e-12)) END) END))
          FROM jsonb_each(p::jsonb) e
          LEFT JOIN LATERAL (SELECT (thresholds -> 'standards' ->> e.key)::float8 AS threshold) st ON true
          CROSS JOIN LATERAL (SELECT (thresholds ->> 'threshold')::float8 AS threshold, (thresholds ->> 'scale')::float8 AS scale) dd
          CROSS JOIN LATERAL (SELECT dd.threshold, dd.scale,
                                     CASE WHEN st.threshold = dd.threshold THEN (e.value ->> 'mastery')::float8
                                          WHEN st.threshold > 0 THEN (e.value ->> 'mastery')::float8 * dd.threshold / st.threshold
                                          ELSE dd.threshold END AS v) x), p)
    END
$f$;
COMMENT ON FUNCTION threshold_profile(learner_profile, jsonb) IS 'a profile with each standard''s value rescaled so that its policy''s mastery_threshold maps onto the district''s (capped at the district scale), given policy_thresholds(): what the views pass to functions that take one threshold';

CREATE OR REPLACE FUNCTION threshold_profile(p learner_profile) RETURNS learner_profile
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT threshold_profile(p, policy_thresholds())
$f$;
COMMENT ON FUNCTION threshold_profile(learner_profile) IS 'a profile with each standard''s value rescaled so that its policy''s mastery_threshold maps onto the district''s (capped at the district scale): what the views pass to functions that take one threshold';

-- Rollups up the hierarchy: each whole (domain, grade, or the ODS's parent)
-- the average of its parts' mastery
CREATE OR REPLACE VIEW student_rollup_fact WITH (security_invoker = true) AS
SELECT st.StudentUniqueId::text AS student_key, p.student_usi, e.skill AS rollup_key,
       CASE WHEN e.skill ~ '^CC\.[^.]+$' THEN 'grade' WHEN e.skill ~ '^CC\.[^.]+\.[A-Za-z]+$' THEN 'domain' ELSE 'parent' END AS rollup_level,
       e.mastery AS mastery_value,
       proficiency_level(e.mastery, d.scale, d.proficiency_cuts, d.proficiency_labels) AS proficiency_level,
       e.mastery >= d.mastery_threshold AS mastered
FROM student_profiles() p
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
CROSS JOIN LATERAL profile_entries(profile_rollup(p.profile, (SELECT standard_graph()), 'average')) e
WHERE e.skill IN (SELECT h.parent_key FROM standard_hierarchy h);
COMMENT ON VIEW student_rollup_fact IS 'mastery of every domain and grade (or parent standard) of a student''s standards: the average of its parts';

-- The learner profile beside attendance and discipline.  Attendance rate:
-- the instructional days of the sessions the student's school attendance
-- was taken in (Session.TotalInstructionalDays), less the days with an
-- absence, over those days; NULL without attendance records.
CREATE OR REPLACE VIEW learner_profile_summary WITH (security_invoker = true) AS
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m)
SELECT st.StudentUniqueId::text AS student_key, p.student_usi,
       skill_count(p.profile) AS standards_assessed,
       coalesce(m.standards_mastered, 0) AS standards_mastered,
       (SELECT string_agg(x.skill, ', ') FROM strengths(t.profile, 3, d.mastery_threshold, 1) x) AS strengths,
       (SELECT string_agg(x.skill, ', ') FROM needs(t.profile, 3, d.mastery_threshold, 1) x) AS needs,
       a.instructional_days, coalesce(b.days_absent, 0) AS days_absent,
       CASE WHEN a.instructional_days > 0 THEN 1 - coalesce(b.days_absent, 0)::double precision / a.instructional_days END AS attendance_rate,
       coalesce(i.incidents, 0) AS discipline_incidents
FROM student_profiles() p
CROSS JOIN tm
CROSS JOIN LATERAL (SELECT threshold_profile(p.profile, tm.m) AS profile) t
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
LEFT JOIN (SELECT e.StudentUSI AS student_usi, sum(se.TotalInstructionalDays)::int AS instructional_days
           FROM (SELECT DISTINCT StudentUSI, SchoolId, SchoolYear, SessionName FROM edfi.StudentSchoolAttendanceEvent) e
           JOIN edfi.Session se USING (SchoolId, SchoolYear, SessionName)
           GROUP BY e.StudentUSI) a ON a.student_usi = p.student_usi
LEFT JOIN (SELECT e.StudentUSI AS student_usi, count(DISTINCT e.EventDate)::int AS days_absent
           FROM edfi.StudentSchoolAttendanceEvent e
           JOIN edfi.Descriptor c ON c.DescriptorId = e.AttendanceEventCategoryDescriptorId
           WHERE c.CodeValue LIKE '%Absence'
           GROUP BY e.StudentUSI) b ON b.student_usi = p.student_usi
LEFT JOIN (SELECT b.StudentUSI AS student_usi, count(DISTINCT (b.IncidentIdentifier, b.SchoolId))::int AS incidents
           FROM edfi.StudentDisciplineIncidentBehaviorAssociation b
           GROUP BY b.StudentUSI) i ON i.student_usi = p.student_usi
LEFT JOIN (SELECT f.student_usi, (count(*) FILTER (WHERE f.mastered))::int AS standards_mastered
           FROM student_standard_mastery_fact f GROUP BY f.student_usi) m ON m.student_usi = p.student_usi;
COMMENT ON VIEW learner_profile_summary IS 'one row per student: standards assessed and mastered, three strengths and needs, attendance rate, discipline incidents';

-- Early warning, as Analytics Middle Tier's ABC indicators: attendance
-- (the rate of learner_profile_summary), behavior (discipline incidents),
-- course performance (the share of the student's assessed standards
-- mastered under each standard's policy, and its trend: that share now less
-- the share, among the standards assessed by then, ew_trend_days before the
-- student's last evidence; NULL when nothing was assessed by then), each
-- with its level under the default policy row: 'at risk', 'warning',
-- 'on track' (NULL without data).  One row per student the caller may see.
CREATE OR REPLACE VIEW early_warning WITH (security_invoker = true) AS
SELECT x.student_key, x.student_usi,
       x.attendance_rate,
       CASE WHEN x.attendance_rate < x.ew_attendance_at_risk THEN 'at risk'
            WHEN x.attendance_rate < x.ew_attendance_warning THEN 'warning'
            WHEN x.attendance_rate IS NOT NULL THEN 'on track' END AS attendance_level,
       x.discipline_incidents,
       CASE WHEN x.discipline_incidents >= x.ew_incidents_at_risk THEN 'at risk'
            WHEN x.discipline_incidents >= x.ew_incidents_warning THEN 'warning'
            ELSE 'on track' END AS discipline_level,
       x.standards_assessed, x.standards_mastered, x.mastered_share, x.mastery_trend,
       CASE WHEN x.mastered_share < x.ew_mastery_at_risk THEN 'at risk'
            WHEN x.mastered_share < x.ew_mastery_warning THEN 'warning'
            WHEN x.mastered_share IS NOT NULL THEN 'on track' END AS course_performance_level
FROM (
    SELECT st.StudentUniqueId::text AS student_key, st.StudentUSI AS student_usi, d.*,
           CASE WHEN a.instructional_days > 0 THEN 1 - coalesce(b.days_absent, 0)::double precision / a.instructional_days END AS attendance_rate,
           coalesce(i.incidents, 0) AS discipline_incidents,
           coalesce(m.n, 0) AS standards_assessed, coalesce(m.mastered, 0) AS standards_mastered,
           CASE WHEN m.n > 0 THEN m.mastered::double precision / m.n END AS mastered_share,
           CASE WHEN m.n_before > 0 THEN m.mastered::double precision / m.n - m.mastered_before::double precision / m.n_before END AS mastery_trend
    FROM edfi.Student st
    CROSS JOIN district_policy d
    LEFT JOIN (SELECT e.StudentUSI AS student_usi, sum(se.TotalInstructionalDays)::int AS instructional_days
               FROM (SELECT DISTINCT StudentUSI, SchoolId, SchoolYear, SessionName FROM edfi.StudentSchoolAttendanceEvent) e
               JOIN edfi.Session se USING (SchoolId, SchoolYear, SessionName)
               GROUP BY e.StudentUSI) a ON a.student_usi = st.StudentUSI
    LEFT JOIN (SELECT e.StudentUSI AS student_usi, count(DISTINCT e.EventDate)::int AS days_absent
               FROM edfi.StudentSchoolAttendanceEvent e
               JOIN edfi.Descriptor c ON c.DescriptorId = e.AttendanceEventCategoryDescriptorId
               WHERE c.CodeValue LIKE '%Absence'
               GROUP BY e.StudentUSI) b ON b.student_usi = st.StudentUSI
    LEFT JOIN (SELECT b.StudentUSI AS student_usi, count(DISTINCT (b.IncidentIdentifier, b.SchoolId))::int AS incidents
               FROM edfi.StudentDisciplineIncidentBehaviorAssociation b
               GROUP BY b.StudentUSI) i ON i.student_usi = st.StudentUSI
    -- (grouped joins, not correlated subqueries: Citus plans these)
    LEFT JOIN (
        SELECT s.student_usi,
               count(*)::int AS n,
               count(*) FILTER (WHERE mastery(s.state, p.effective_method::mastery_method) >= p.mastery_threshold)::int AS mastered,
               count(mastery_at(s.state, p.effective_method::mastery_method, t.at))::int AS n_before,
               count(*) FILTER (WHERE mastery_at(s.state, p.effective_method::mastery_method, t.at) >= p.mastery_threshold)::int AS mastered_before
        FROM student_standard_state s
        JOIN standard_policy p ON p.learning_standard_key = s.learning_standard_id
        JOIN (SELECT s2.student_usi, max(last_observed(s2.state)) - make_interval(days => d2.ew_trend_days) AS at
              FROM student_standard_state s2 CROSS JOIN district_policy d2
              GROUP BY s2.student_usi, d2.ew_trend_days) t ON t.student_usi = s.student_usi
        GROUP BY s.student_usi) m ON m.student_usi = st.StudentUSI
) x;
COMMENT ON VIEW early_warning IS 'one row per student: AMT''s ABC indicators (attendance rate, discipline incidents, course performance as the share of standards mastered and its trend), each with its level under the policy''s ew_ thresholds';

CREATE OR REPLACE VIEW ready_standard WITH (security_invoker = true) AS
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m)
SELECT st.StudentUniqueId::text AS student_key, p.student_usi, r.skill AS learning_standard_key, r.n::int AS ready_order
FROM student_profiles() p
CROSS JOIN tm
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
CROSS JOIN LATERAL ready_skills((SELECT standard_graph()), threshold_profile(p.profile, tm.m), d.mastery_threshold) WITH ORDINALITY r (skill, n);
COMMENT ON VIEW ready_standard IS 'the standards each student is ready for: not mastered, every prerequisite mastered, in topological order';

CREATE OR REPLACE VIEW learning_path_step WITH (security_invoker = true) AS
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m)
SELECT st.StudentUniqueId::text AS student_key, p.student_usi, array_to_string(d.path_targets, ', ') AS targets,
       l.step, l.skill AS learning_standard_key, learner_profile_get(p.profile, l.skill) AS mastery_value, l.ready
FROM student_profiles() p
CROSS JOIN tm
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
CROSS JOIN LATERAL learning_path((SELECT standard_graph()), threshold_profile(p.profile, tm.m), d.path_targets, d.mastery_threshold) l
WHERE cardinality(d.path_targets) > 0;
COMMENT ON VIEW learning_path_step IS 'each student''s path toward the policy''s path_targets: the unmastered standards that lead there, each after its prerequisites';

-- Progress toward the policy's path targets: per student and target, the
-- standards that lead there (the target, or a cluster's or domain's
-- standards, and their prerequisites, transitively): the steps of the
-- student's learning path toward the target (steps left), and the others
-- (steps done: mastered, or stood for by a mastered standard that needs
-- them, as learning_path reads it), with the next step.
-- Every standard leading to each of the policy's path targets (the target,
-- or a cluster's or domain's standards, and their prerequisites,
-- transitively), once per target: a function, so that on Citus the
-- recursive walk runs on the coordinator over the reference tables
CREATE OR REPLACE FUNCTION path_target_standards()
RETURNS TABLE (target text, standards text[])
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
WITH RECURSIVE lead_to (target, standard) AS (
    SELECT t.target, t.target FROM district_policy d CROSS JOIN LATERAL unnest(d.path_targets) t (target)
    UNION
    SELECT l.target, e.part
    FROM lead_to l
    JOIN (SELECT h.parent_key AS whole, h.learning_standard_key AS part FROM standard_hierarchy h
          UNION ALL SELECT p.learning_standard_id, p.prerequisite_id FROM standard_prerequisite p) e ON e.whole = l.standard)
SELECT lt.target, array_agg(DISTINCT lt.standard)
FROM lead_to lt
WHERE lt.standard NOT IN (SELECT h.parent_key FROM standard_hierarchy h)
GROUP BY lt.target
$f$;
COMMENT ON FUNCTION path_target_standards() IS 'per path target of the policy, the standards leading to it (the target or its standards, and their prerequisites, transitively)';

CREATE OR REPLACE VIEW path_progress WITH (security_invoker = true) AS
-- Once per target, not per student (the plan stays cheap enough that JIT
-- does not compile it).  Every standard leading to the target is a step:
-- on the learning path (left), or done, as learning_path reads it: mastered,
-- or stood for by a mastered standard that needs it.
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m),
target_standards AS MATERIALIZED (SELECT * FROM path_target_standards()),
-- joins and grouping, no correlated subquery: Citus plans it
goal AS (
    SELECT p.student_usi, p.profile, t.target, d.mastery_threshold
    FROM student_profiles() p
    CROSS JOIN district_policy d
    CROSS JOIN LATERAL unnest(d.path_targets) t (target)),
step AS (
    SELECT g.student_usi, g.target, count(*)::int AS steps_left, min(x.skill) FILTER (WHERE x.step = 1) AS next_standard_key
    FROM goal g
    CROSS JOIN tm
    CROSS JOIN LATERAL learning_path((SELECT standard_graph()), threshold_profile(g.profile, tm.m), g.target, g.mastery_threshold) x
    GROUP BY g.student_usi, g.target)
SELECT st.StudentUniqueId::text AS student_key, g.student_usi, g.target AS target_key,
       cardinality(ts.standards) AS steps_total, cardinality(ts.standards) - coalesce(s.steps_left, 0) AS steps_done,
       coalesce(s.steps_left, 0) AS steps_left,
       CASE WHEN cardinality(ts.standards) > 0
            THEN (cardinality(ts.standards) - coalesce(s.steps_left, 0))::double precision / cardinality(ts.standards)
            ELSE 1 END AS share_done,
       s.next_standard_key, coalesce(s.steps_left, 0) = 0 AS target_reached
FROM goal g
JOIN edfi.Student st ON st.StudentUSI = g.student_usi
JOIN target_standards ts ON ts.target = g.target
LEFT JOIN step s ON s.student_usi = g.student_usi AND s.target = g.target;
COMMENT ON VIEW path_progress IS 'per student and policy path target: of the standards leading there, the learning path''s steps still to go (steps left) and the rest (steps done: mastered, or stood for by a mastered standard), the share done and the next step';

-- The graph a course's sections are grouped on: the standard graph
-- restricted to the course's standards (CourseLearningStandard, under the
-- course's organization, and course_standard) and the edges among them,
-- when it lists any the graph holds; otherwise the whole graph (which holds
-- every standard assessed anywhere, other grades' too).  course_standard
-- is the district's list beside the ODS's (pace counts it too, below).
CREATE TABLE IF NOT EXISTS course_standard (
    course_code text NOT NULL,
    learning_standard_id text NOT NULL,
    PRIMARY KEY (course_code, learning_standard_id));
COMMENT ON TABLE course_standard IS 'the standards a course (CourseCode, any education organization) covers, beside the ODS''s CourseLearningStandard: what pace counts and what its sections are grouped on';

CREATE OR REPLACE FUNCTION course_graph(g skill_graph, code text, org bigint) RETURNS skill_graph
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT coalesce(
    (SELECT subgraph(g, array_agg(c.id ORDER BY c.id))
     FROM (SELECT cl.LearningStandardId::text AS id FROM edfi.CourseLearningStandard cl
           WHERE cl.CourseCode = code AND cl.EducationOrganizationId = org
           UNION
           SELECT cs.learning_standard_id FROM course_standard cs WHERE cs.course_code = code) c
     WHERE c.id IN (SELECT k.code FROM skills(g) k)
     HAVING count(*) > 0),
    g)
$f$;
COMMENT ON FUNCTION course_graph(skill_graph, text, bigint) IS 'the skill graph restricted to a course''s standards (CourseLearningStandard and course_standard) and the edges among them, or the whole graph when the course lists none of its standards';

-- Instructional groups in every section, made from the profiles of its
-- enrolled students under the policy's mode and sizes, on the graph of the
-- section's course (course_graph)
CREATE OR REPLACE VIEW section_group WITH (security_invoker = true) AS
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m),
section_graph AS MATERIALIZED (
    SELECT o.LocalCourseCode, o.SchoolId, o.SchoolYear, o.SessionName,
           course_graph(f.g, o.CourseCode::text, o.EducationOrganizationId) AS graph
    FROM edfi.CourseOffering o
    CROSS JOIN (SELECT standard_graph() AS g) f
    WHERE (o.LocalCourseCode, o.SchoolId, o.SchoolYear, o.SessionName) IN
          (SELECT e.LocalCourseCode, e.SchoolId, e.SchoolYear, e.SessionName FROM edfi.StudentSectionAssociation e))
SELECT g.school_id, g.local_course_code, g.school_year, g.section_identifier, g.session_name,
       x.learner::int AS student_usi, st.StudentUniqueId::text AS student_key,
       x.group_no, x.focus_skill AS focus_standard_key
FROM (SELECT e.SchoolId AS school_id, e.LocalCourseCode::text AS local_course_code, e.SchoolYear::int AS school_year,
             e.SectionIdentifier::text AS section_identifier, e.SessionName::text AS session_name,
             instructional_groups(p.student_usi::text, threshold_profile(p.profile, tm.m), sg.graph, d.mastery_threshold,
                                  d.group_min_size, d.group_max_size, d.group_mode) AS groups
      FROM edfi.StudentSectionAssociation e
      JOIN section_graph sg USING (LocalCourseCode, SchoolId, SchoolYear, SessionName)
      JOIN student_profiles() p ON p.student_usi = e.StudentUSI
      CROSS JOIN tm
      CROSS JOIN district_policy d
      GROUP BY 1, 2, 3, 4, 5) g
CROSS JOIN LATERAL unnest(g.groups) x   -- not unnest() in the grouped select list: Citus cannot plan that
JOIN edfi.Student st ON st.StudentUSI = x.learner::int;
COMMENT ON VIEW section_group IS 'instructional groups in every section with students who have mastery, on its course''s standards when the course lists any: group number and the standard it works on';

-- The audit of those groups for each program (the ODS's subgroups) that
-- has students in the section: its students against the rest of it
CREATE OR REPLACE VIEW section_group_audit WITH (security_invoker = true) AS
WITH g AS (SELECT * FROM section_group),
member AS (SELECT DISTINCT p.StudentUSI AS student_usi, p.ProgramName::text AS program_name
           FROM edfi.GeneralStudentProgramAssociation p WHERE p.StudentUSI IN (SELECT student_usi FROM g)),
section_program AS (SELECT DISTINCT g.school_id, g.local_course_code, g.school_year, g.section_identifier, g.session_name, m.program_name
                    FROM g JOIN member m USING (student_usi))
SELECT a.school_id, a.local_course_code, a.school_year, a.section_identifier, a.session_name, a.program_name,
       x.group_no, x.subgroup, x.learners, x.group_size, x.section_size, x.subgroup_size,
       x.share, x.ratio, x.expected, x.p_value, x.p_adjusted, x.flagged
FROM (SELECT sp.school_id, sp.local_course_code, sp.school_year, sp.section_identifier, sp.session_name, sp.program_name,
             group_disproportionality(g.group_no, coalesce(m.program_name, 'not in program')) AS audit
      FROM section_program sp
      JOIN g USING (school_id, local_course_code, school_year, section_identifier, session_name)
      LEFT JOIN member m ON m.student_usi = g.student_usi AND m.program_name = sp.program_name
      GROUP BY 1, 2, 3, 4, 5, 6) a
CROSS JOIN LATERAL unnest(a.audit) x;
COMMENT ON VIEW section_group_audit IS 'group_disproportionality of each section''s groups for each program: learners, shares, expected counts, exact and Holm-adjusted p-values, flagged';

-- Regrouping over time: each student's profile as it stood at a time (the
-- value of every standard assessed by then, mastery_at under its policy),
-- and the groups every section would have had at the end of each week of
-- its session (week 1 starts on the session's first day; the last week ends
-- on its last day) from the profiles of the students enrolled that week, as
-- section_group makes them now.  Each group is ranked within its section and
-- week by its members' mean mastery, rounded to 1e-9 (1: the lowest mean,
-- the tier a tracking audit watches; equal means share a rank).  Computed when read (the sample's two sections, 17 weeks,
-- in well under a second; a district reading it often can keep a copy:
-- CREATE TABLE ... AS SELECT, with row security of its own).
-- (PL/pgSQL with the time bound through EXECUTE: Citus plans no distributed
-- query that reads the parameters of a SQL function)
CREATE OR REPLACE FUNCTION student_profiles_as_of(as_of timestamptz)
RETURNS TABLE (student_usi int, profile learner_profile)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
BEGIN
    RETURN QUERY EXECUTE $q$
    SELECT s.student_usi, learner_profile(jsonb_object_agg(s.learning_standard_id, jsonb_build_object('mastery', m.value, 'out_of', p.scale)))
    FROM student_standard_state s
    JOIN standard_policy p ON p.learning_standard_key = s.learning_standard_id
    CROSS JOIN LATERAL (SELECT mastery_at(s.state, p.effective_method::mastery_method, $1) AS value) m
    WHERE m.value IS NOT NULL
    GROUP BY s.student_usi
    $q$ USING as_of;
END
$f$;
COMMENT ON FUNCTION student_profiles_as_of(timestamptz) IS 'one learner_profile per student the caller may see as it stood at a time: each standard assessed by then at its mastery_at under the policy';

CREATE OR REPLACE VIEW weekly_groups WITH (security_invoker = true) AS
WITH tm AS MATERIALIZED (SELECT policy_thresholds() AS m),
week AS (
    SELECT se.SchoolId AS school_id, se.SchoolYear AS school_year, se.SessionName AS session_name, w.n AS week_no,
           se.BeginDate + 7 * (w.n - 1) AS week_start, least(se.BeginDate + 7 * w.n - 1, se.EndDate) AS week_end
    FROM edfi.Session se
    CROSS JOIN LATERAL generate_series(1, (se.EndDate - se.BeginDate) / 7 + 1) w (n)
    WHERE (se.SchoolId, se.SchoolYear, se.SessionName) IN (SELECT e.SchoolId, e.SchoolYear, e.SessionName FROM edfi.StudentSectionAssociation e)),
section_graph AS MATERIALIZED (
    SELECT o.LocalCourseCode, o.SchoolId, o.SchoolYear, o.SessionName,
           course_graph(f.g, o.CourseCode::text, o.EducationOrganizationId) AS graph
    FROM edfi.CourseOffering o
    CROSS JOIN (SELECT standard_graph() AS g) f
    WHERE (o.LocalCourseCode, o.SchoolId, o.SchoolYear, o.SessionName) IN
          (SELECT e.LocalCourseCode, e.SchoolId, e.SchoolYear, e.SessionName FROM edfi.StudentSectionAssociation e)),
as_of AS (
    SELECT d.week_end, p.student_usi, p.profile,
           (SELECT avg(x.mastery) FROM profile_entries(p.profile) x) AS mean_mastery
    FROM (SELECT DISTINCT week_end FROM week) d
    CROSS JOIN LATERAL student_profiles_as_of((d.week_end + 1)::timestamp AT TIME ZONE 'UTC' - interval '1 microsecond') p),
grouped AS (
    SELECT w.school_id, e.LocalCourseCode::text AS local_course_code, w.school_year::int AS school_year,
           e.SectionIdentifier::text AS section_identifier, w.session_name::text AS session_name,
           w.week_no, w.week_start, w.week_end,
           instructional_groups(a.student_usi::text, threshold_profile(a.profile, tm.m), sg.graph, d.mastery_threshold,
                                d.group_min_size, d.group_max_size, d.group_mode) AS groups
    FROM week w
    JOIN edfi.StudentSectionAssociation e
      ON e.SchoolId = w.school_id AND e.SchoolYear = w.school_year AND e.SessionName = w.session_name
     AND e.BeginDate <= w.week_end AND (e.EndDate IS NULL OR e.EndDate >= w.week_start)
    JOIN section_graph sg USING (LocalCourseCode, SchoolId, SchoolYear, SessionName)
    JOIN as_of a ON a.student_usi = e.StudentUSI AND a.week_end = w.week_end
    CROSS JOIN district_policy d
    CROSS JOIN tm
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),
-- the group's mean summed as numeric: a float sum's last bits follow the
-- order rows are summed in, which differs between plans (a teacher's, under
-- row security, and an administrator's), and equal means must tie for
-- every reader; numeric sums are exact
member AS (
    SELECT g.school_id, g.local_course_code, g.school_year, g.section_identifier, g.session_name, g.week_no, g.week_start, g.week_end,
           x.learner::int AS student_usi, x.group_no, x.focus_skill AS focus_standard_key, a.mean_mastery,
           avg(a.mean_mastery::numeric) OVER (PARTITION BY g.section_identifier, g.school_id, g.school_year, g.session_name,
                                                           g.local_course_code, g.week_no, x.group_no) AS rank_mean
    FROM grouped g
    CROSS JOIN LATERAL unnest(g.groups) x   -- not unnest() in the grouped select list: Citus cannot plan that
    JOIN as_of a ON a.student_usi = x.learner::int AND a.week_end = g.week_end),
ranked AS (
    SELECT m.*, m.rank_mean::double precision AS group_mean_mastery FROM member m)
SELECT m.school_id, m.local_course_code, m.school_year, m.section_identifier, m.session_name, m.week_no, m.week_start, m.week_end,
       m.student_usi, st.StudentUniqueId::text AS student_key, m.group_no, m.focus_standard_key,
       m.mean_mastery AS student_mean_mastery, m.group_mean_mastery,
       dense_rank() OVER (PARTITION BY m.section_identifier, m.school_id, m.school_year, m.session_name, m.local_course_code, m.week_no
                          ORDER BY m.rank_mean)::int AS group_rank,
       m.rank_mean = min(m.rank_mean) OVER (PARTITION BY m.section_identifier, m.school_id, m.school_year, m.session_name,
                                                         m.local_course_code, m.week_no) AS lowest_group
FROM ranked m
JOIN edfi.Student st ON st.StudentUSI = m.student_usi;
COMMENT ON VIEW weekly_groups IS 'the instructional groups of every section at the end of each week of its session, from the profiles as they stood then: group, focus standard, means of mastery, the group''s rank in its section by mean mastery (1: lowest)';

-- How often each student changes group: per student and section, the
-- weeks grouped, the changes (a week whose group works on another standard
-- or sits at another rank than the student's group the week before), the
-- weeks in the lowest group, and whether every week was in it (what a
-- tracking audit must surface)
CREATE OR REPLACE VIEW group_changes WITH (security_invoker = true) AS
SELECT w.school_id, w.local_course_code, w.school_year, w.section_identifier, w.session_name, w.student_usi, w.student_key,
       count(*)::int AS weeks,
       count(*) FILTER (WHERE w.previous IS NOT NULL AND w.previous IS DISTINCT FROM w.current)::int AS group_changes,
       count(*) FILTER (WHERE w.lowest_group)::int AS weeks_in_lowest,
       bool_and(w.lowest_group) AS always_lowest,
       min(w.week_no) AS first_week, max(w.week_no) AS last_week
FROM (SELECT g.*, ROW(g.focus_standard_key, g.group_rank)::text AS current,
             lag(ROW(g.focus_standard_key, g.group_rank)::text) OVER (PARTITION BY g.student_usi, g.section_identifier, g.school_id, g.school_year,
                                                                       g.session_name, g.local_course_code ORDER BY g.week_no) AS previous
      FROM weekly_groups g) w
GROUP BY w.school_id, w.local_course_code, w.school_year, w.section_identifier, w.session_name, w.student_usi, w.student_key;
COMMENT ON VIEW group_changes IS 'per student and section over the weeks of the session: weeks grouped, group changes (another focus standard or rank than the week before), weeks in the lowest group, always in the lowest group';

-- Progress and pace: per student and course (the courses of their sections),
-- the course's standards mastered as of a date against the share of the
-- session's instructional days elapsed by then.  The date reported
-- (as_of_date) is clamped into the session; evidence and days are counted
-- up to the earlier of the date asked for and the session's last day:
-- before the session begins no day has elapsed, and only evidence observed
-- by the date asked for counts.  A standard counts as mastered when its
-- evidence observed up to the end of that day (UTC, as the layer dates
-- evidence) gives at least the threshold under the standard's policy
-- (mastery_at).  Instructional
-- days come from the school's Ed-Fi calendar (CalendarDate with a
-- CalendarEventDescriptor in policy.instructional_day_events, any calendar
-- of the school) when it lists at least the session's TotalInstructionalDays
-- between its first and last day (a full calendar); otherwise, as in the
-- Grand Bend sample (two calendar dates in one school), the weekdays Monday
-- to Friday of the session stand in for them (elapsed_basis says which).
-- A course's standards are the ODS's CourseLearningStandard rows and those
-- listed in course_standard (the sample links no course to standards),
-- each counted once when listed in both; courses with none have no row.  Behind when the share mastered is more
-- than pace_buffer below the share elapsed, ahead when more than pace_buffer
-- above.  pace_as_of(d) is the pace as it stood on d; the view pace is
-- pace_as_of(policy.pace_as_of, else today).  (jit is off in it: the
-- planner's estimates of the calendar's days made the sample's 20 ms 1.5 s.)
ALTER TABLE policy ADD COLUMN IF NOT EXISTS pace_as_of date;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS pace_buffer double precision NOT NULL DEFAULT 0.10 CONSTRAINT policy_pace_buffer_check CHECK (pace_buffer >= 0);
ALTER TABLE policy ADD COLUMN IF NOT EXISTS instructional_day_events text[] NOT NULL DEFAULT '{Instructional day,Make-up day}';
COMMENT ON COLUMN policy.pace_as_of IS 'pace: the date the view pace is counted to (NULL: current_date), clamped into each session';
COMMENT ON COLUMN policy.pace_buffer IS 'pace: how far (as a share, 0.10 = 10 points) the share mastered may be from the share elapsed and still be on pace';
COMMENT ON COLUMN policy.instructional_day_events IS 'pace: the CalendarEventDescriptor code values that make a calendar date an instructional day';

CREATE OR REPLACE FUNCTION pace_as_of(as_of date)
RETURNS TABLE (student_key text, student_usi int, school_id bigint, course_code text, school_year int, session_name text,
               as_of_date date, standards_total int, standards_mastered int, mastered_share double precision,
               instructional_days_elapsed int, instructional_days_total int, elapsed_share double precision,
               elapsed_basis text, pace_status text)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
SET jit = off
AS $f$
BEGIN
    -- through EXECUTE: Citus plans no distributed query that reads a function's parameters
    RETURN QUERY EXECUTE $q$
WITH d AS (SELECT p.pace_buffer, p.instructional_day_events FROM policy p WHERE p.learning_standard_id IS NULL),
enrolment AS (
    SELECT DISTINCT a.StudentUSI AS student_usi, a.SchoolId AS school_id, o.CourseCode::text AS course_code,
           o.EducationOrganizationId AS course_org, a.SchoolYear::int AS school_year, a.SessionName::text AS session_name,
           se.BeginDate AS begin_date, se.EndDate AS end_date, se.TotalInstructionalDays AS session_days,
           least(greatest($1, se.BeginDate), se.EndDate) AS as_of_date,
           least($1, se.EndDate) AS counted_to
    FROM edfi.StudentSectionAssociation a
    JOIN edfi.CourseOffering o USING (LocalCourseCode, SchoolId, SchoolYear, SessionName)
    JOIN edfi.Session se USING (SchoolId, SchoolYear, SessionName)),
session_day AS (
    -- every session's days with whether the calendar makes them instructional
    SELECT s.school_id, s.school_year, s.session_name, s.as_of_date, s.counted_to, g.day::date AS day,
           EXISTS (SELECT 1 FROM edfi.CalendarDate cd
                   JOIN edfi.CalendarDateCalendarEvent ev USING (CalendarCode, Date, SchoolId, SchoolYear)
                   JOIN edfi.Descriptor ds ON ds.DescriptorId = ev.CalendarEventDescriptorId
                   WHERE cd.SchoolId = s.school_id AND cd.SchoolYear = s.school_year AND cd.Date = g.day::date
                     AND ds.CodeValue = ANY (d.instructional_day_events)) AS in_calendar,
           extract(isodow FROM g.day) <= 5 AS weekday,
           s.session_days
    FROM (SELECT DISTINCT e.school_id, e.school_year, e.session_name, e.begin_date, e.end_date, e.session_days, e.as_of_date, e.counted_to
          FROM enrolment e) s
    CROSS JOIN d
    CROSS JOIN LATERAL generate_series(s.begin_date::timestamp, s.end_date::timestamp, interval '1 day') g (day)),
session_elapsed AS (
    SELECT x.school_id, x.school_year, x.session_name, x.as_of_date, x.basis,
           CASE WHEN x.basis = 'calendar' THEN x.cal_elapsed ELSE x.wd_elapsed END AS days_elapsed,
           CASE WHEN x.basis = 'calendar' THEN x.cal_total ELSE x.wd_total END AS days_total
    FROM (SELECT sd.school_id, sd.school_year, sd.session_name, sd.as_of_date,
                 CASE WHEN count(*) FILTER (WHERE sd.in_calendar) > 0
                      AND count(*) FILTER (WHERE sd.in_calendar) >= max(sd.session_days) THEN 'calendar' ELSE 'weekdays' END AS basis,
                 count(*) FILTER (WHERE sd.in_calendar AND sd.day <= sd.counted_to)::int AS cal_elapsed,
                 count(*) FILTER (WHERE sd.in_calendar)::int AS cal_total,
                 count(*) FILTER (WHERE sd.weekday AND sd.day <= sd.counted_to)::int AS wd_elapsed,
                 count(*) FILTER (WHERE sd.weekday)::int AS wd_total
          FROM session_day sd GROUP BY 1, 2, 3, 4) x),
-- each (student, course, standard) once: a standard in both lists, or the
-- course's under two organizations, is one standard
course_standard_of AS (
    SELECT DISTINCT e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name, e.as_of_date, e.counted_to,
           cs.learning_standard_id
    FROM enrolment e
    JOIN (SELECT c.CourseCode::text AS course_code, c.EducationOrganizationId AS course_org, c.LearningStandardId::text AS learning_standard_id
          FROM edfi.CourseLearningStandard c
          UNION
          SELECT c.course_code, NULL, c.learning_standard_id FROM course_standard c) cs
      ON cs.course_code = e.course_code AND (cs.course_org IS NULL OR cs.course_org = e.course_org)),
-- the standards mastered by then through an inner join with the states, the
-- count of standards apart, and no subquery without FROM (on Citus an outer
-- join of the enrolments with the distributed states found no state)
mastered AS (
    SELECT e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name, e.as_of_date,
           count(*) FILTER (WHERE mastery_at(s.state, sp.effective_method::mastery_method,
                                             (e.counted_to + 1)::timestamp AT TIME ZONE 'UTC' - interval '1 microsecond')
                                  >= sp.mastery_threshold)::int AS standards_mastered
    FROM course_standard_of e
    JOIN student_standard_state s ON s.student_usi = e.student_usi AND s.learning_standard_id = e.learning_standard_id
    JOIN standard_policy sp ON sp.learning_standard_key = e.learning_standard_id
    GROUP BY e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name, e.as_of_date),
progress AS (
    SELECT t.student_usi, t.school_id, t.course_code, t.school_year, t.session_name, t.as_of_date, t.standards_total,
           coalesce(m.standards_mastered, 0) AS standards_mastered
    FROM (SELECT e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name, e.as_of_date,
                 count(*)::int AS standards_total
          FROM course_standard_of e
          GROUP BY e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name, e.as_of_date) t
    LEFT JOIN mastered m USING (student_usi, school_id, course_code, school_year, session_name, as_of_date))
SELECT st.StudentUniqueId::text, p.student_usi, p.school_id, p.course_code, p.school_year, p.session_name, p.as_of_date,
       p.standards_total, p.standards_mastered, y.mastered_share, t.days_elapsed, t.days_total, y.elapsed_share, t.basis,
       CASE WHEN y.mastered_share < y.elapsed_share - d.pace_buffer THEN 'behind'
            WHEN y.mastered_share > y.elapsed_share + d.pace_buffer THEN 'ahead'
            ELSE 'on pace' END
FROM progress p
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
JOIN session_elapsed t USING (school_id, school_year, session_name, as_of_date)
CROSS JOIN d
CROSS JOIN LATERAL (SELECT p.standards_mastered::double precision / p.standards_total AS mastered_share,
                           CASE WHEN t.days_total > 0 THEN t.days_elapsed::double precision / t.days_total ELSE 1 END AS elapsed_share) y
    $q$ USING as_of;
END
$f$;
COMMENT ON FUNCTION pace_as_of(date) IS 'pace as it stood on a date: per student and course, the course''s standards mastered from evidence observed by then against the share of the session''s instructional days elapsed, behind / on pace / ahead within pace_buffer (the rows the caller may see)';

CREATE OR REPLACE VIEW pace WITH (security_invoker = true) AS
SELECT p.* FROM policy d CROSS JOIN LATERAL pace_as_of(coalesce(d.pace_as_of, current_date)) p
WHERE d.learning_standard_id IS NULL;
COMMENT ON VIEW pace IS 'per student and course: pace_as_of(policy.pace_as_of, else today): the course''s standards mastered against the share of the session''s instructional days elapsed, behind / on pace / ahead within pace_buffer';

-- Knowledge tracing per standard, where item results exist: every
-- StudentAssessmentItem whose result is Correct or Incorrect is one answer
-- on each standard its item measures, in order of administration, then
-- item (IdentificationCode).  Fitting is too costly for a view: fit_bkt()
-- (the owner's, after refresh(), nightly or weekly) copies the answers into
-- bkt_response and fits BKT to each standard's (bkt_fit, the extension's
-- defaults), scored in-sample with bkt_evaluate; bkt_known reads them as
-- the caller (row security on bkt_response).
CREATE TABLE IF NOT EXISTS bkt_response (
    student_usi int NOT NULL,
    learning_standard_id text NOT NULL,
    seq bigint NOT NULL,
    observed_at timestamptz NOT NULL,
    correct boolean NOT NULL,
    PRIMARY KEY (student_usi, learning_standard_id, seq));
COMMENT ON TABLE bkt_response IS 'the right and wrong answers BKT was last fitted to (fit_bkt()): per student and standard in order (seq: administration, then item)';

CREATE TABLE IF NOT EXISTS bkt_fit_by_standard (
    learning_standard_id text PRIMARY KEY,
    p_init double precision,
    p_learn double precision,
    p_guess double precision,
    p_slip double precision,
    p_forget double precision,
    log_likelihood double precision,
    iterations int,
    degenerate boolean,
    converged boolean,
    learners int NOT NULL,
    answers int NOT NULL,
    auc double precision,
    rmse double precision,
    accuracy double precision,
    log_loss double precision,
    fitted_at timestamptz NOT NULL);
COMMENT ON TABLE bkt_fit_by_standard IS 'BKT fitted to each standard''s answers by fit_bkt(): bkt_fit''s parameters, log-likelihood and convergence, learners and answers, and the in-sample scores of bkt_evaluate (AUC, RMSE, accuracy, log loss)';
ALTER TABLE policy ADD COLUMN IF NOT EXISTS bkt_known_threshold double precision NOT NULL DEFAULT 0.95
    CONSTRAINT policy_bkt_known_threshold_check CHECK (bkt_known_threshold > 0 AND bkt_known_threshold <= 1);
COMMENT ON COLUMN policy.bkt_known_threshold IS 'knowledge tracing: a standard counts as known when its P(known) is at least this (0.95, Corbett and Anderson''s mastery criterion)';

CREATE OR REPLACE FUNCTION bkt_answers()
RETURNS TABLE (student_usi int, learning_standard_id text, seq bigint, observed_at timestamptz, correct boolean)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $f$
SELECT sa.StudentUSI, ls.LearningStandardId::text,
       row_number() OVER (PARTITION BY sa.StudentUSI, ls.LearningStandardId
                          ORDER BY sa.AdministrationDate, sai.IdentificationCode, sa.StudentAssessmentIdentifier, sa.AssessmentIdentifier),
       sa.AdministrationDate AT TIME ZONE 'UTC', r.CodeValue = 'Correct'
FROM edfi.StudentAssessment sa
JOIN edfi.StudentAssessmentItem sai USING (AssessmentIdentifier, Namespace, StudentAssessmentIdentifier, StudentUSI)
JOIN edfi.AssessmentItemLearningStandard ls USING (AssessmentIdentifier, Namespace, IdentificationCode)
JOIN edfi.Descriptor r ON r.DescriptorId = sai.AssessmentItemResultDescriptorId
WHERE sa.AdministrationDate IS NOT NULL AND r.CodeValue IN ('Correct', 'Incorrect')
$f$;
COMMENT ON FUNCTION bkt_answers() IS 'every Correct or Incorrect item result as an answer on each standard its item measures, numbered per student and standard by administration, then item';

CREATE OR REPLACE PROCEDURE fit_bkt(INOUT standards int DEFAULT NULL, INOUT answers bigint DEFAULT NULL)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $p$
BEGIN
    -- the answers and the fits are made aside (one pass over the answers
    -- for the fits, one for their scores: the predictions of every standard
    -- in one window, not a scan of the answers per standard), then swapped
    -- in under an EXCLUSIVE lock (readers go on reading the old fits until
    -- the commit; DELETE, not TRUNCATE, so that a reader's older snapshot
    -- still sees them)
    CREATE TEMP TABLE fit_answer ON COMMIT DROP AS SELECT * FROM bkt_answers();
    GET DIAGNOSTICS answers = ROW_COUNT;
    ANALYZE fit_answer;
    CREATE TEMP TABLE fit_result ON COMMIT DROP AS
    WITH f AS (
        SELECT r.learning_standard_id, bkt_fit(r.student_usi::text, r.seq, r.correct) AS p,
               count(DISTINCT r.student_usi)::int AS learners, count(*)::int AS answers
        FROM fit_answer r GROUP BY r.learning_standard_id),
    e AS (
        SELECT x.learning_standard_id, bkt_evaluate(x.correct, x.predicted) AS e
        FROM (SELECT r.learning_standard_id, r.correct,
                     bkt_correct(r.correct, f.p) OVER (PARTITION BY r.learning_standard_id, r.student_usi ORDER BY r.seq) AS predicted
              FROM fit_answer r JOIN f USING (learning_standard_id)) x
        GROUP BY x.learning_standard_id)
    SELECT f.learning_standard_id, (f.p).p_init, (f.p).p_learn, (f.p).p_guess, (f.p).p_slip, (f.p).p_forget,
           (f.p).log_likelihood, (f.p).iterations, (f.p).degenerate, (f.p).converged,
           f.learners, f.answers, (e.e).auc, (e.e).rmse, (e.e).accuracy, (e.e).log_loss, now() AS fitted_at
    FROM f LEFT JOIN e USING (learning_standard_id);
    LOCK TABLE bkt_response, bkt_fit_by_standard IN EXCLUSIVE MODE;
    DELETE FROM bkt_response;
    DELETE FROM bkt_fit_by_standard;
    INSERT INTO bkt_response SELECT * FROM fit_answer;
    INSERT INTO bkt_fit_by_standard SELECT * FROM fit_result;
    GET DIAGNOSTICS standards = ROW_COUNT;
    ANALYZE bkt_response, bkt_fit_by_standard;
    DROP TABLE fit_answer, fit_result;
END
$p$;
COMMENT ON PROCEDURE fit_bkt(int, bigint) IS 'copies every right or wrong item answer into bkt_response and fits BKT per standard into bkt_fit_by_standard (call it after refresh(): nightly or weekly); returns the standards fitted and the answers';

-- Each student's P(known) of each standard fitted: pyBKT's state prediction
-- at the next opportunity, given all their answers (bkt_state over their
-- answers and one missing answer after them), and whether that reaches the
-- policy's bkt_known_threshold
CREATE OR REPLACE VIEW bkt_known WITH (security_invoker = true) AS
WITH fit AS (
    SELECT b.learning_standard_id,
           ROW(b.p_init, b.p_learn, b.p_guess, b.p_slip, b.p_forget, b.log_likelihood, b.iterations, b.degenerate, b.converged)::bkt_params AS params
    FROM bkt_fit_by_standard b),
answer AS (
    SELECT r.student_usi, r.learning_standard_id, r.seq, r.correct FROM bkt_response r
    UNION ALL
    SELECT r.student_usi, r.learning_standard_id, max(r.seq) + 1, NULL FROM bkt_response r GROUP BY r.student_usi, r.learning_standard_id),
state AS (
    SELECT a.student_usi, a.learning_standard_id, a.seq, a.correct,
           bkt_state(a.correct, f.params) OVER w AS p_known,
           count(a.correct) OVER w AS answers, count(*) FILTER (WHERE a.correct) OVER w AS right_answers
    FROM answer a JOIN fit f USING (learning_standard_id)
    WINDOW w AS (PARTITION BY a.student_usi, a.learning_standard_id ORDER BY a.seq))
SELECT st.StudentUniqueId::text AS student_key, s.student_usi, s.learning_standard_id AS learning_standard_key,
       s.answers::int AS answers, s.right_answers::int AS right_answers, s.p_known, s.p_known >= d.bkt_known_threshold AS known
FROM state s
JOIN edfi.Student st ON st.StudentUSI = s.student_usi
CROSS JOIN (SELECT p.bkt_known_threshold FROM policy p WHERE p.learning_standard_id IS NULL) d
WHERE s.correct IS NULL;
COMMENT ON VIEW bkt_known IS 'per student and fitted standard: answers, right answers, P(known) at the next opportunity under the standard''s BKT fit (bkt_state), known when at least the policy''s bkt_known_threshold';

-- Policy values are checked when written, with messages naming the column
-- (the extension would refuse some of them only when a view is read, with
-- an error that does not name the policy): a mastery_threshold at most the
-- row's scale and not strictly between 0 and 1 on a scale of 2 or more (a
-- proportion where a scale value is meant), group_min_size at most
-- group_max_size, path_targets that are standards of the ODS or skills of
-- the standard graph (a domain such as CC.6.NS).  A trigger, so that an
-- existing install gets it when the installer is run again; rows already
-- there that break a rule are reported as warnings by the installer.
CREATE OR REPLACE FUNCTION policy_problem(p policy) RETURNS TABLE (message text, hint text)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
DECLARE
    bad text;
BEGIN
    IF p.scale IN ('Infinity', 'NaN') THEN
        RETURN QUERY SELECT format('policy.scale %s is not a finite number', p.scale),
                            'Give the scale mastery values are reported on, for example 4.';
    END IF;
    IF p.mastery_threshold < 0 OR p.mastery_threshold IN ('Infinity', '-Infinity', 'NaN') THEN
        RETURN QUERY SELECT format('policy.mastery_threshold %s is not a finite number of 0 or more', p.mastery_threshold),
                            'Give the threshold on the policy''s scale, for example 3 of 4.';
    END IF;
    IF p.mastery_threshold > p.scale THEN
        RETURN QUERY SELECT format('policy.mastery_threshold %s is above the policy''s scale %s', p.mastery_threshold, p.scale),
                            'The threshold is on the scale mastery values are reported on: give one from 0 to the scale.';
    END IF;
    IF p.scale >= 2 AND p.mastery_threshold > 0 AND p.mastery_threshold < 1 THEN
        RETURN QUERY SELECT format('policy.mastery_threshold %s is between 0 and 1 on a scale of %s', p.mastery_threshold, p.scale),
                            format('The threshold is a value on the scale, not a proportion: for %s of a scale of %s give %s.',
                                   p.mastery_threshold, p.scale, p.mastery_threshold * p.scale);
    END IF;
    IF p.group_min_size > p.group_max_size THEN
        RETURN QUERY SELECT format('policy.group_min_size %s is above policy.group_max_size %s', p.group_min_size, p.group_max_size),
                            'Give a minimum group size at most the maximum.';
    END IF;
    IF p.path_targets IS NOT NULL THEN
        SELECT string_agg(format('"%s"', t.target), ', ') INTO bad
        FROM unnest(p.path_targets) t (target)
        WHERE t.target IS NULL
           OR NOT EXISTS (SELECT 1 FROM edfi.LearningStandard l WHERE l.LearningStandardId = t.target)
          AND t.target NOT IN (SELECT k.code FROM skills(standard_graph()) k);
        IF bad IS NOT NULL THEN
            RETURN QUERY SELECT format('policy.path_targets names %s, not a standard of the ODS or a skill of the standard graph', bad),
                                'List the standards paths can lead to with SELECT code FROM skills(competency_layer.standard_graph()).';
        END IF;
    END IF;
END
$f$;
COMMENT ON FUNCTION policy_problem(policy) IS 'what is wrong with a policy row, if anything: a message naming the column, and a hint';

CREATE OR REPLACE FUNCTION policy_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $f$
DECLARE
    problem record;
BEGIN
    SELECT * INTO problem FROM policy_problem(NEW) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%', problem.message USING ERRCODE = 'check_violation', HINT = problem.hint;
    END IF;
    RETURN NEW;
END
$f$;
COMMENT ON FUNCTION policy_check() IS 'refuses a policy row that policy_problem finds wrong';

-- Who sees whom -------------------------------------------------------------------
-- Analytics Middle Tier's pattern, enforced by the server: a teacher sees the
-- students enrolled in their sections (StaffSectionAssociation ->
-- StudentSectionAssociation), an administrator sees every student, a BI
-- service account reads every student and writes nothing.  Three group
-- roles (cluster-wide, created once) carry the scopes; a district makes its
-- logins members of them and maps each teacher's login to their Staff record
-- in staff_login.  Membership of competency_teacher narrows: a login in both
-- competency_teacher and competency_administrator sees its sections only.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'competency_teacher') THEN
        CREATE ROLE competency_teacher NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'competency_administrator') THEN
        CREATE ROLE competency_administrator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'competency_reader') THEN
        CREATE ROLE competency_reader NOLOGIN;
    END IF;
END
$roles$;
COMMENT ON ROLE competency_teacher IS 'competency layer: sees the students of the sections of the Staff its login maps to (competency_layer.staff_login)';
COMMENT ON ROLE competency_administrator IS 'competency layer: sees every student; edits the policy and the login mapping';
COMMENT ON ROLE competency_reader IS 'competency layer: a BI service account; reads every student, writes nothing';

CREATE TABLE IF NOT EXISTS staff_login (
    login text PRIMARY KEY,
    staff_unique_id text NOT NULL);
CREATE INDEX IF NOT EXISTS staff_login_staff ON staff_login (staff_unique_id);
COMMENT ON TABLE staff_login IS 'which Staff (StaffUniqueId) a database login is: a teacher''s login sees the students of that Staff''s sections';

-- Every student each mapped login may see, with the section that lets it
-- (AMT's UserStudentDataAuthorization): the students enrolled today in the
-- sections the login's Staff is associated with today (both associations
-- begun by current_date and not ended before it: EndDate NULL or on or
-- after it).  A teacher whose association ended sees none of the section's
-- students; a student who moved sections is seen by the new section's
-- teacher only.  The policies below read it as the querying role, so a
-- teacher reading it sees their own rows.
CREATE OR REPLACE VIEW staff_section_student WITH (security_invoker = true) AS
SELECT l.login, st.StaffUSI AS staff_usi, st.StaffUniqueId::text AS staff_key,
       t.SchoolId AS school_id, t.LocalCourseCode::text AS local_course_code, t.SchoolYear::int AS school_year,
       t.SectionIdentifier::text AS section_identifier, t.SessionName::text AS session_name,
       e.StudentUSI AS student_usi
FROM staff_login l
JOIN edfi.Staff st ON st.StaffUniqueId = l.staff_unique_id
JOIN edfi.StaffSectionAssociation t ON t.StaffUSI = st.StaffUSI
JOIN edfi.StudentSectionAssociation e
  USING (LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName)
WHERE t.BeginDate <= current_date AND (t.EndDate IS NULL OR t.EndDate >= current_date)
  AND e.BeginDate <= current_date AND (e.EndDate IS NULL OR e.EndDate >= current_date);
COMMENT ON VIEW staff_section_student IS 'for each mapped login, the sections its Staff is associated with today and the students enrolled in them today: what a teacher may see';

-- On Citus (warehouse/distribute_ods.sql), a distributed or reference table
-- takes no row security policy whose expression has a subquery, which the
-- teacher's rule needs: those tables get no policy and teachers no access to
-- them (their queries through the views fail rather than show other sections'
-- students); administrators and BI readers read them as on one node.
CREATE OR REPLACE FUNCTION is_citus_table(tab regclass) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $f$
DECLARE
    found boolean := false;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = $1)' INTO found USING tab;
    END IF;
    RETURN found;
END
$f$;
COMMENT ON FUNCTION is_citus_table(regclass) IS 'whether a table is a Citus distributed or reference table (false without Citus)';

-- Not on Citus, where policy is a reference table: Citus distributes no
-- table with triggers, and the check would read Citus tables from inside a
-- shard's query (the extension still refuses a wrong threshold when read)
DO $trigger$
DECLARE
    problem record;
BEGIN
    IF NOT competency_layer.is_citus_table('competency_layer.policy'::regclass) THEN
        DROP TRIGGER IF EXISTS policy_check ON competency_layer.policy;
        CREATE TRIGGER policy_check BEFORE INSERT OR UPDATE ON competency_layer.policy
            FOR EACH ROW EXECUTE FUNCTION competency_layer.policy_check();
        COMMENT ON TRIGGER policy_check ON competency_layer.policy IS
            'checks policy values when written: threshold against scale, group sizes, path targets';
        -- rows written before the check existed
        FOR problem IN SELECT p.policy_id, x.message
                       FROM competency_layer.policy p CROSS JOIN LATERAL competency_layer.policy_problem(p) x LOOP
            RAISE WARNING 'policy row %: %', problem.policy_id, problem.message
                USING HINT = 'Correct the row: the views may refuse it when read.';
        END LOOP;
    END IF;
END
$trigger$;

-- Row security on every table holding a student's rows that the layer reads
-- (the ODS's and its own).  Where row security is off, the installer turns
-- it on with one permissive policy for every role (nothing changes for
-- them; the owner, who writes the ODS and runs the refresh, is not subject
-- to it anyway) and adds a restrictive policy for competency_teacher.
-- Where a district already has row security on a table, its policies stand
-- and only the teacher's restriction is added.  Three tables follow the
-- chain: a teacher's StaffSectionAssociation rows are their own, their
-- StudentSectionAssociation rows those of their sections, and the rest
-- hold the students of staff_section_student.  A teacher reads the
-- enrolments (any dates: weekly_groups reads past weeks) of the sections
-- they are associated with today, and no section they left.
DO $rls$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT v.tab::regclass AS tab, v.rule
        FROM (VALUES
            ('competency_layer.staff_login', 'login = current_user::text'),
            ('edfi.StaffSectionAssociation', 'StaffUSI IN (SELECT s.StaffUSI FROM edfi.Staff s JOIN competency_layer.staff_login l ON l.staff_unique_id = s.StaffUniqueId WHERE l.login = current_user::text)'),
            ('edfi.StudentSectionAssociation', '(LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName) IN (SELECT LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName FROM edfi.StaffSectionAssociation WHERE BeginDate <= current_date AND (EndDate IS NULL OR EndDate >= current_date))'),
            ('edfi.Student', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentSchoolAttendanceEvent', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentSectionAttendanceEvent', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentDisciplineIncidentBehaviorAssociation', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.GeneralStudentProgramAssociation', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('competency_layer.evidence_contribution', 'student_usi IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('competency_layer.student_standard_state', 'student_usi IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('competency_layer.bkt_response', 'student_usi IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)')
        ) v (tab, rule)
    LOOP
        IF competency_layer.is_citus_table(t.tab) THEN
            CONTINUE;   -- Citus takes no policy with a subquery: teachers read none of it (below)
        END IF;
        IF NOT (SELECT c.relrowsecurity FROM pg_class c WHERE c.oid = t.tab) THEN
            EXECUTE format('CREATE POLICY competency_layer_everyone ON %s USING (true) WITH CHECK (true)', t.tab);
            EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t.tab);
        END IF;
        EXECUTE format('DROP POLICY IF EXISTS competency_layer_teacher ON %s', t.tab);
        EXECUTE format('CREATE POLICY competency_layer_teacher ON %s AS RESTRICTIVE TO competency_teacher USING (%s)', t.tab, t.rule);
        EXECUTE format('COMMENT ON POLICY competency_layer_teacher ON %s IS %L', t.tab,
                       'competency layer: a teacher sees the students of their sections');
    END LOOP;
END
$rls$;

-- What each scope may read and write: the layer's views and tables, and the
-- ODS tables its views read (nothing else of the ODS).  The layer's
-- functions and procedures are the owner's (the nightly job's).
REVOKE ALL ON ALL ROUTINES IN SCHEMA competency_layer FROM PUBLIC;
GRANT USAGE ON SCHEMA competency_layer, edfi TO competency_teacher, competency_administrator, competency_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA competency_layer TO competency_teacher, competency_administrator, competency_reader;
-- bkt_fit_by_standard is district-wide (learners, answers and scores over
-- every student): a teacher reads only the parameters bkt_known needs
-- (revoking the table's SELECT revokes its column grants too; they are
-- granted again)
REVOKE SELECT ON bkt_fit_by_standard FROM competency_teacher;
GRANT SELECT (learning_standard_id, p_init, p_learn, p_guess, p_slip, p_forget, log_likelihood, iterations, degenerate, converged)
    ON bkt_fit_by_standard TO competency_teacher;
GRANT EXECUTE ON FUNCTION standard_graph(), student_profiles(), student_profiles_as_of(timestamptz), pace_as_of(date), threshold_profile(learner_profile), threshold_profile(learner_profile, jsonb), policy_thresholds(), path_target_standards(), course_graph(skill_graph, text, bigint) TO competency_teacher, competency_administrator, competency_reader;
GRANT SELECT ON edfi.Student, edfi.StaffSectionAssociation, edfi.StudentSectionAssociation, edfi.Staff, edfi.Section,
                edfi.Session, edfi.AssessmentItemLearningStandard, edfi.GradebookEntryLearningStandard,
                edfi.LearningStandard, edfi.LearningStandardGradeLevel, edfi.Descriptor,
                edfi.StudentSchoolAttendanceEvent, edfi.StudentSectionAttendanceEvent,
                edfi.StudentDisciplineIncidentBehaviorAssociation, edfi.GeneralStudentProgramAssociation,
                edfi.CourseOffering, edfi.CourseLearningStandard, edfi.CalendarDate, edfi.CalendarDateCalendarEvent
      TO competency_teacher, competency_administrator, competency_reader;
GRANT INSERT, UPDATE, DELETE ON policy, staff_login, standard_prerequisite, course_standard TO competency_administrator;
DO $citus$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE (n.nspname = 'edfi' OR c.oid IN ('competency_layer.student_standard_state'::regclass, 'competency_layer.staff_login'::regclass,
                                                     'competency_layer.bkt_response'::regclass))
               AND c.relkind = 'r' AND competency_layer.is_citus_table(c.oid) LOOP
        EXECUTE format('REVOKE ALL ON %s FROM competency_teacher', t);
    END LOOP;
END
$citus$;
GRANT EXECUTE ON FUNCTION policy_problem(policy) TO competency_administrator;   -- the policy's trigger calls it as the writer
GRANT USAGE ON SCHEMA :"competency_schema" TO competency_teacher, competency_administrator, competency_reader;
COMMIT;

-- Built once, from the whole ODS
SELECT last_change_version IS NULL AS layer_unbuilt FROM competency_layer.refresh_status \gset
\if :layer_unbuilt
CALL competency_layer.rebuild();
\endif
