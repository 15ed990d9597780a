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
--   staff_section_student (who may see whom).
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
SET LOCAL search_path = competency_layer, :"competency_schema", pg_catalog;

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
DROP VIEW IF EXISTS pace, early_warning, section_group_audit, section_group, learning_path_step, ready_standard, learner_profile_summary,
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
-- (These three run their query through EXECUTE with the change versions as
-- bound values: Citus plans no distributed query that reads the parameters of
-- a SQL function.)
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
      AND ($1 IS NULL
           OR (sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI) IN (
                  SELECT r.AssessmentIdentifier, r.Namespace, r.StudentAssessmentIdentifier, r.StudentUSI
                  FROM edfi.StudentAssessment r WHERE r.ChangeVersion > $1
                  UNION
                  SELECT i2.AssessmentIdentifier, i2.Namespace, i2.StudentAssessmentIdentifier, i2.StudentUSI
                  FROM edfi.StudentAssessmentItem i2
                  JOIN edfi.AssessmentItem a2 USING (AssessmentIdentifier, Namespace, IdentificationCode)
                  WHERE a2.ChangeVersion > $1))
    GROUP BY sa.AssessmentIdentifier, sa.Namespace, sa.StudentAssessmentIdentifier, sa.StudentUSI, ls.LearningStandardId
    $q$ USING since;
END
$f$;
COMMENT ON FUNCTION assessment_contributions(bigint) IS 'the evidence of each StudentAssessment changed since a change version (NULL: all) on each standard its items measure';

-- A grade is evidence on every standard its gradebook entry names: the
-- numeric grade out of 100, else the points earned out of the entry's
-- maximum, observed when fulfilled, else when due, else when assigned.
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
      AND ($1 IS NULL OR g.ChangeVersion > $1 OR e.ChangeVersion > $1)
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
SELECT st.StudentUniqueId::text AS student_key, p.student_usi,
       skill_count(p.profile) AS standards_assessed,
       (SELECT count(*) FROM profile_entries(p.profile) x WHERE x.mastery >= d.mastery_threshold)::int AS standards_mastered,
       (SELECT string_agg(x.skill, ', ') FROM strengths(p.profile, 3, d.mastery_threshold, 1) x) AS strengths,
       (SELECT string_agg(x.skill, ', ') FROM needs(p.profile, 3, d.mastery_threshold, 1) x) AS needs,
       a.instructional_days, coalesce(b.days_absent, 0) AS days_absent,
       CASE WHEN a.instructional_days > 0 THEN 1 - coalesce(b.days_absent, 0)::double precision / a.instructional_days END AS attendance_rate,
       coalesce(i.incidents, 0) AS discipline_incidents
FROM student_profiles() p
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
           GROUP BY b.StudentUSI) i ON i.student_usi = p.student_usi;
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
SELECT st.StudentUniqueId::text AS student_key, p.student_usi, r.skill AS learning_standard_key, r.n::int AS ready_order
FROM student_profiles() p
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
CROSS JOIN LATERAL ready_skills((SELECT standard_graph()), p.profile, d.mastery_threshold) WITH ORDINALITY r (skill, n);
COMMENT ON VIEW ready_standard IS 'the standards each student is ready for: not mastered, every prerequisite mastered, in topological order';

CREATE OR REPLACE VIEW learning_path_step WITH (security_invoker = true) AS
SELECT st.StudentUniqueId::text AS student_key, p.student_usi, array_to_string(d.path_targets, ', ') AS targets,
       l.step, l.skill AS learning_standard_key, l.mastery AS mastery_value, l.ready
FROM student_profiles() p
JOIN edfi.Student st ON st.StudentUSI = p.student_usi
CROSS JOIN district_policy d
CROSS JOIN LATERAL learning_path((SELECT standard_graph()), p.profile, d.path_targets, d.mastery_threshold) l
WHERE cardinality(d.path_targets) > 0;
COMMENT ON VIEW learning_path_step IS 'each student''s path toward the policy''s path_targets: the unmastered standards that lead there, each after its prerequisites';

-- Instructional groups in every section, made from the profiles of its
-- enrolled students under the policy's mode and sizes
CREATE OR REPLACE VIEW section_group WITH (security_invoker = true) AS
SELECT g.school_id, g.local_course_code, g.school_year, g.section_identifier, g.session_name,
       x.learner::int AS student_usi, st.StudentUniqueId::text AS student_key,
       x.group_no, x.focus_skill AS focus_standard_key
FROM (SELECT e.SchoolId AS school_id, e.LocalCourseCode::text AS local_course_code, e.SchoolYear::int AS school_year,
             e.SectionIdentifier::text AS section_identifier, e.SessionName::text AS session_name,
             instructional_groups(p.student_usi::text, p.profile, (SELECT standard_graph()), d.mastery_threshold,
                                  d.group_min_size, d.group_max_size, d.group_mode) AS groups
      FROM edfi.StudentSectionAssociation e
      JOIN student_profiles() p ON p.student_usi = e.StudentUSI
      CROSS JOIN district_policy d
      GROUP BY 1, 2, 3, 4, 5) g
CROSS JOIN LATERAL unnest(g.groups) x   -- not unnest() in the grouped select list: Citus cannot plan that
JOIN edfi.Student st ON st.StudentUSI = x.learner::int;
COMMENT ON VIEW section_group IS 'instructional groups in every section with students who have mastery: group number and the standard it works on';

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

-- Progress and pace: per student and course (the courses of their sections),
-- the course's standards mastered to date against the share of the
-- session's calendar elapsed as of policy.pace_as_of (NULL: today), clamped
-- into the session: (as of - first day) / (last day - first day) of
-- edfi.Session, in calendar days.  A course's standards are the ODS's
-- CourseLearningStandard rows and those listed in course_standard (the
-- Grand Bend sample links no course to standards); courses with none have
-- no row.  Behind when the share mastered is more than pace_buffer below
-- the share elapsed, ahead when more than pace_buffer above.
CREATE TABLE IF NOT EXISTS course_standard (
    course_code text NOT NULL,
    learning_standard_id text NOT NULL,
    PRIMARY KEY (course_code, learning_standard_id));
COMMENT ON TABLE course_standard IS 'the standards a course (CourseCode, any education organization) covers, beside the ODS''s CourseLearningStandard: what pace counts';
ALTER TABLE policy ADD COLUMN IF NOT EXISTS pace_as_of date;
ALTER TABLE policy ADD COLUMN IF NOT EXISTS pace_buffer double precision NOT NULL DEFAULT 0.10 CONSTRAINT policy_pace_buffer_check CHECK (pace_buffer >= 0);
COMMENT ON COLUMN policy.pace_as_of IS 'pace: the date the calendar elapsed is counted to (NULL: current_date), clamped into each session';
COMMENT ON COLUMN policy.pace_buffer IS 'pace: how far (as a share, 0.10 = 10 points) the share mastered may be from the share elapsed and still be on pace';

CREATE OR REPLACE VIEW pace WITH (security_invoker = true) AS
SELECT x.student_key, x.student_usi, x.school_id, x.course_code, x.school_year, x.session_name, x.as_of_date,
       x.standards_total, x.standards_mastered, x.mastered_share, x.elapsed_share,
       CASE WHEN x.mastered_share < x.elapsed_share - x.pace_buffer THEN 'behind'
            WHEN x.mastered_share > x.elapsed_share + x.pace_buffer THEN 'ahead'
            ELSE 'on pace' END AS pace_status
FROM (
    SELECT st.StudentUniqueId::text AS student_key, e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name,
           e.as_of_date, d.pace_buffer,
           count(*)::int AS standards_total,
           count(*) FILTER (WHERE f.mastered)::int AS standards_mastered,
           count(*) FILTER (WHERE f.mastered)::double precision / count(*) AS mastered_share,
           CASE WHEN e.end_date > e.begin_date THEN (e.as_of_date - e.begin_date)::double precision / (e.end_date - e.begin_date)
                ELSE 1 END AS elapsed_share
    FROM (SELECT DISTINCT a.StudentUSI AS student_usi, a.SchoolId AS school_id, o.CourseCode::text AS course_code,
                 o.EducationOrganizationId AS course_org, a.SchoolYear::int AS school_year, a.SessionName::text AS session_name,
                 se.BeginDate AS begin_date, se.EndDate AS end_date,
                 least(greatest(coalesce(p.pace_as_of, current_date), se.BeginDate), se.EndDate) AS as_of_date
          FROM edfi.StudentSectionAssociation a
          JOIN edfi.CourseOffering o USING (LocalCourseCode, SchoolId, SchoolYear, SessionName)
          JOIN edfi.Session se USING (SchoolId, SchoolYear, SessionName)
          CROSS JOIN (SELECT pace_as_of FROM policy WHERE learning_standard_id IS NULL) p) e
    CROSS JOIN (SELECT pace_buffer FROM policy WHERE learning_standard_id IS NULL) d
    JOIN edfi.Student st ON st.StudentUSI = e.student_usi
    JOIN (SELECT c.CourseCode::text AS course_code, c.EducationOrganizationId AS course_org, c.LearningStandardId::text AS learning_standard_id
          FROM edfi.CourseLearningStandard c
          UNION
          SELECT c.course_code, NULL, c.learning_standard_id FROM course_standard c) cs
      ON cs.course_code = e.course_code AND (cs.course_org IS NULL OR cs.course_org = e.course_org)
    LEFT JOIN student_standard_mastery_fact f ON f.student_usi = e.student_usi AND f.learning_standard_key = cs.learning_standard_id
    GROUP BY st.StudentUniqueId, e.student_usi, e.school_id, e.course_code, e.school_year, e.session_name,
             e.as_of_date, e.begin_date, e.end_date, d.pace_buffer
) x;
COMMENT ON VIEW pace IS 'per student and course: the course''s standards mastered against the share of the session elapsed as of policy.pace_as_of, behind / on pace / ahead within pace_buffer';

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
-- (AMT's UserStudentDataAuthorization): the enrolments of every section the
-- login's Staff is associated with, whatever their dates.  The policies
-- below read it as the querying role, so a teacher reading it sees their
-- own rows.
CREATE OR REPLACE VIEW staff_section_student WITH (security_invoker = true) AS
SELECT l.login, st.StaffUSI AS staff_usi, st.StaffUniqueId::text AS staff_key,
       t.SchoolId AS school_id, t.LocalCourseCode::text AS local_course_code, t.SchoolYear::int AS school_year,
       t.SectionIdentifier::text AS section_identifier, t.SessionName::text AS session_name,
       e.StudentUSI AS student_usi
FROM staff_login l
JOIN edfi.Staff st ON st.StaffUniqueId = l.staff_unique_id
JOIN edfi.StaffSectionAssociation t ON t.StaffUSI = st.StaffUSI
JOIN edfi.StudentSectionAssociation e
  USING (LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName);
COMMENT ON VIEW staff_section_student IS 'for each mapped login, its Staff''s sections and their enrolled students: what a teacher may see';

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

-- Row security on every table holding a student's rows that the layer reads
-- (the ODS's and its own).  Where row security is off, the installer turns
-- it on with one permissive policy for every role (nothing changes for
-- them; the owner, who writes the ODS and runs the refresh, is not subject
-- to it anyway) and adds a restrictive policy for competency_teacher.
-- Where a district already has row security on a table, its policies stand
-- and only the teacher's restriction is added.  Three tables follow the
-- chain: a teacher's StaffSectionAssociation rows are their own, their
-- StudentSectionAssociation rows those of their sections, and the rest
-- hold the students of staff_section_student.
DO $rls$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT v.tab::regclass AS tab, v.rule
        FROM (VALUES
            ('competency_layer.staff_login', 'login = current_user::text'),
            ('edfi.StaffSectionAssociation', 'StaffUSI IN (SELECT s.StaffUSI FROM edfi.Staff s JOIN competency_layer.staff_login l ON l.staff_unique_id = s.StaffUniqueId WHERE l.login = current_user::text)'),
            ('edfi.StudentSectionAssociation', '(LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName) IN (SELECT LocalCourseCode, SchoolId, SchoolYear, SectionIdentifier, SessionName FROM edfi.StaffSectionAssociation)'),
            ('edfi.Student', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentSchoolAttendanceEvent', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentSectionAttendanceEvent', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.StudentDisciplineIncidentBehaviorAssociation', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('edfi.GeneralStudentProgramAssociation', 'StudentUSI IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('competency_layer.evidence_contribution', 'student_usi IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)'),
            ('competency_layer.student_standard_state', 'student_usi IN (SELECT student_usi FROM competency_layer.staff_section_student WHERE login = current_user::text)')
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
GRANT EXECUTE ON FUNCTION standard_graph(), student_profiles() TO competency_teacher, competency_administrator, competency_reader;
GRANT SELECT ON edfi.Student, edfi.StaffSectionAssociation, edfi.StudentSectionAssociation, edfi.Staff, edfi.Section,
                edfi.Session, edfi.AssessmentItemLearningStandard, edfi.GradebookEntryLearningStandard,
                edfi.LearningStandard, edfi.LearningStandardGradeLevel, edfi.Descriptor,
                edfi.StudentSchoolAttendanceEvent, edfi.StudentSectionAttendanceEvent,
                edfi.StudentDisciplineIncidentBehaviorAssociation, edfi.GeneralStudentProgramAssociation,
                edfi.CourseOffering, edfi.CourseLearningStandard
      TO competency_teacher, competency_administrator, competency_reader;
GRANT INSERT, UPDATE, DELETE ON policy, staff_login, standard_prerequisite, course_standard TO competency_administrator;
DO $citus$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE (n.nspname = 'edfi' OR c.oid IN ('competency_layer.student_standard_state'::regclass, 'competency_layer.staff_login'::regclass))
               AND c.relkind = 'r' AND competency_layer.is_citus_table(c.oid) LOOP
        EXECUTE format('REVOKE ALL ON %s FROM competency_teacher', t);
    END LOOP;
END
$citus$;
GRANT USAGE ON SCHEMA :"competency_schema" TO competency_teacher, competency_administrator, competency_reader;
COMMIT;

-- Built once, from the whole ODS
SELECT last_change_version IS NULL AS layer_unbuilt FROM competency_layer.refresh_status \gset
\if :layer_unbuilt
CALL competency_layer.rebuild();
\endif
