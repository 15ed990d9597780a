-- Corrections and deletions: a state is a multiset of evidence, so taking
-- evidence back is a multiset difference, and a corrected score is
-- state - old || new.
SET timezone = 'UTC';
SET extra_float_digits = 0;

SELECT '[1/4 @ 2024-09-01; 3/4 @ 2024-09-02; 3/4 @ 2024-09-02]'::mastery_state
     - '[3/4 @ 2024-09-02]'::mastery_state AS one_copy_removed;
-- a corrected score: the 1/4 was entered wrong, it should be 2/4
SELECT '[1/4 @ 2024-09-01; 3/4 @ 2024-09-02]'::mastery_state
     - '[1/4 @ 2024-09-01]'::mastery_state || '[2/4 @ 2024-09-01]'::mastery_state AS corrected;
-- terms must match too: weight, out_of and kind are part of the evidence
SELECT '[3/4 @ 2024-09-02, weight=2; 3/4 @ 2024-09-02]'::mastery_state
     - '[3/4 @ 2024-09-02, weight=2]'::mastery_state AS weighted_one_removed;
-- removing evidence the state does not hold is an error (no_data_found) ...
SELECT '[1/4 @ 2024-09-01]'::mastery_state - '[2/4 @ 2024-09-01]'::mastery_state;
SELECT '[1/4 @ 2024-09-01]'::mastery_state - '[1/4 @ 2024-09-01; 1/4 @ 2024-09-01]'::mastery_state;
-- ... unless asked otherwise
SELECT mastery_state_difference('[1/4 @ 2024-09-01]', '[1/4 @ 2024-09-01; 2/4 @ 2024-09-03]', missing_ok => true) AS skipped_missing;
-- NULL counts as an empty state on either side, as with ||
SELECT '[1/4 @ 2024-09-01]'::mastery_state - NULL::mastery_state AS minus_null,
       NULL::mastery_state - '[]'::mastery_state AS null_minus_empty,
       NULL::mastery_state - NULL::mastery_state AS null_minus_null;
SELECT NULL::mastery_state - '[1/4 @ 2024-09-01]'::mastery_state;
-- one piece at a time
SELECT mastery_state_remove('[1/4 @ 2024-09-01; 2/4 @ 2024-09-03]', mastery_evidence(2, 4, '2024-09-03')) AS removed;
SELECT mastery_state_remove('[1/4 @ 2024-09-01]', mastery_evidence(2, 4, '2024-09-03'));
SELECT mastery_state_remove('[1/4 @ 2024-09-01]', mastery_evidence(2, 4, '2024-09-03'), missing_ok => true) AS unchanged;
-- the catchable condition name
DO $$
BEGIN
	PERFORM mastery_state_remove('[1/4 @ 2024-09-01]', mastery_evidence(2, 4, '2024-09-03'));
EXCEPTION WHEN no_data_found THEN
	RAISE NOTICE 'caught no_data_found: %', SQLERRM;
END $$;

-- out_of(state): the scale of the latest evidence, that of mastery(state, m)
SELECT out_of('[80/100 @ 2024-09-01; 3/4 @ 2024-09-05]'::mastery_state) AS out_of,
       mastery('[80/100 @ 2024-09-01; 3/4 @ 2024-09-05]'::mastery_state, 'average') AS average,
       mastery('[80/100 @ 2024-09-01; 3/4 @ 2024-09-05]'::mastery_state, 'average(scale=100)') AS on_100,
       out_of('[]'::mastery_state) AS empty;

-- The nightly job: a trigger records every change of the gradebook, and one
-- MERGE applies the night's changes to the stored states: evidence added
-- first, then evidence taken back (a grade entered and corrected the same
-- night is in both).  Dates become times in the district's time zone, never
-- the session's, so evidence is built the same way in every session; the
-- night claims its changes with DELETE ... RETURNING, so changes committed
-- while it runs wait for the next night; states left empty are deleted.
CREATE TABLE nightly_gradebook (id int PRIMARY KEY, learner text, skill text,
                        score float8, out_of float8, graded_on date, is_override bool);
CREATE TABLE nightly_changes (learner text, skill text, old_e mastery_evidence, new_e mastery_evidence);
CREATE FUNCTION gradebook_evidence(g nightly_gradebook) RETURNS mastery_evidence
LANGUAGE sql IMMUTABLE AS $$
	SELECT mastery_evidence(g.score, g.out_of, g.graded_on::timestamp AT TIME ZONE 'America/Chicago', 1,
	                        CASE WHEN g.is_override THEN 'override' END)
$$;
CREATE FUNCTION record_gradebook_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO nightly_changes VALUES (OLD.learner, OLD.skill, gradebook_evidence(OLD), NULL);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO nightly_changes VALUES (NEW.learner, NEW.skill, NULL, gradebook_evidence(NEW));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER nightly_changes AFTER INSERT OR UPDATE OR DELETE ON nightly_gradebook
	FOR EACH ROW EXECUTE FUNCTION record_gradebook_change();
CREATE TABLE nightly_states (learner text, skill text, state mastery_state NOT NULL,
                             PRIMARY KEY (learner, skill));
CREATE FUNCTION apply_gradebook_changes() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE night ON COMMIT DROP AS
	WITH claimed AS (DELETE FROM nightly_changes RETURNING *)
	SELECT learner, skill, mastery_agg(old_e) AS removed, mastery_agg(new_e) AS added
	FROM claimed GROUP BY learner, skill;
	MERGE INTO nightly_states t
	USING night d ON t.learner = d.learner AND t.skill = d.skill
	WHEN MATCHED AND evidence_count((t.state || d.added) - d.removed) = 0 THEN DELETE
	WHEN MATCHED THEN UPDATE SET state = (t.state || d.added) - d.removed
	WHEN NOT MATCHED AND evidence_count(d.added - d.removed) > 0 THEN
		INSERT VALUES (d.learner, d.skill, d.added - d.removed);
	DROP TABLE night;
END $$;

INSERT INTO nightly_gradebook VALUES
	(1, 'ana', 'ratios', 3, 4, '2024-09-02', false),
	(2, 'ana', 'ratios', 1, 4, '2024-09-09', false),
	(3, 'ana', 'ratios', 4, 4, '2024-09-16', false),
	(4, 'ben', 'ratios', 2, 4, '2024-09-02', NULL);
SELECT apply_gradebook_changes();
SELECT learner, state, mastery(state, 'decaying_average') FROM nightly_states ORDER BY learner;
-- a wrong score fixed, a deleted assignment, a same-day override
UPDATE nightly_gradebook SET score = 2 WHERE id = 2;
DELETE FROM nightly_gradebook WHERE id = 3;
INSERT INTO nightly_gradebook VALUES (5, 'ben', 'ratios', 3, 4, '2024-09-02', true);
SELECT apply_gradebook_changes();
SELECT learner, state, mastery(state, 'latest') AS latest FROM nightly_states ORDER BY learner;
-- a session in another time zone corrects a grade; every grade of a learner deleted
SET timezone = 'Asia/Tokyo';
UPDATE nightly_gradebook SET score = 3 WHERE id = 1;
SET timezone = 'UTC';
DELETE FROM nightly_gradebook WHERE learner = 'ben';
SELECT apply_gradebook_changes();
SELECT learner, state FROM nightly_states ORDER BY learner;
-- equal to a full recompute
SELECT count(*) AS differing FROM nightly_states m
FULL JOIN (SELECT learner, skill, mastery_agg(gradebook_evidence(g)) AS state
           FROM nightly_gradebook g GROUP BY learner, skill) f USING (learner, skill)
WHERE m.state IS DISTINCT FROM f.state;

-- NULL evidence removes nothing (the trigger above makes NULL evidence of a
-- NULL score); a NULL state is an empty one
SELECT mastery_state_remove('[3/4 @ 2024-09-05]', NULL) AS unchanged,
       mastery_state_remove(NULL, NULL) IS NULL AS null_stays_null;
SELECT mastery_state_remove(NULL, '3/4 @ 2024-09-05');
SELECT mastery_state_remove(NULL, '3/4 @ 2024-09-05', true) AS empty;
