-- Stored states: incremental refresh against a full recompute, the size of
-- a stored state, and the two aggregate forms (internal state: mastery();
-- concrete state: mastery_agg() then mastery(state, method)).
SET work_mem = '256MB';
SET jit = off;
\pset tuples_only on
\pset format unaligned

-- The newest 1% of the evidence is tonight's load, in its staging table
SELECT (SELECT observed_at FROM evidence ORDER BY observed_at DESC OFFSET (SELECT count(*) / 100 FROM evidence) LIMIT 1) AS cutoff \gset
CREATE TABLE new_evidence AS SELECT * FROM evidence WHERE observed_at > :'cutoff';
ANALYZE new_evidence;

CREATE TEMP TABLE state_timings (step text, ms numeric);
CREATE FUNCTION run_ms(command text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp();
BEGIN
	EXECUTE command;
	RETURN round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
END $$;

-- The states table: one row per learner and skill.  fillfactor 70 leaves
-- room on each page, so a nightly update stays on its page (HOT) and does
-- not touch the index.
CREATE TABLE states_full (learner int, skill int, state mastery_state, PRIMARY KEY (learner, skill))
	WITH (fillfactor = 70);
CREATE TABLE mastery_states (LIKE states_full INCLUDING ALL) WITH (fillfactor = 70);

-- Full recompute: every state from all the evidence, into the same table shape
INSERT INTO state_timings SELECT 'full recompute (all evidence into the states table)', run_ms($$
	INSERT INTO states_full
	SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, observed_at))
	FROM evidence GROUP BY learner, skill$$);

-- Last night's states, then tonight's incremental refresh with ||
INSERT INTO mastery_states
SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, observed_at))
FROM evidence WHERE observed_at <= :'cutoff' GROUP BY learner, skill;
VACUUM ANALYZE mastery_states;
INSERT INTO state_timings SELECT 'incremental refresh (1% new evidence, one INSERT ... ON CONFLICT)', run_ms($$
	INSERT INTO mastery_states AS t
	SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, observed_at))
	FROM new_evidence GROUP BY learner, skill
	ON CONFLICT (learner, skill) DO UPDATE SET state = t.state || EXCLUDED.state$$);

\echo
\echo '### Stored states,' :rows 'rows'
\echo
\echo '| step | ms | share of full recompute |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s%% |', step, ms,
              round(100 * ms / (SELECT ms FROM state_timings WHERE step LIKE 'full%'), 1))
FROM state_timings ORDER BY ms DESC;
SELECT format('incremental refresh equals the full recompute: %s',
              (SELECT count(*) FROM mastery_states m JOIN states_full f USING (learner, skill)
               WHERE m.state::text = f.state::text) = (SELECT count(*) FROM states_full));
\echo
SELECT format('stored size: %s bytes per piece of evidence on average (%s pieces per state); layout: 16 bytes per piece + a 36-byte header (varlena 4, stream header 16, one 16-byte terms entry)',
              round(sum(pg_column_size(state))::numeric / sum(evidence_count(state)), 2),
              round(avg(evidence_count(state)), 1))
FROM states_full;
\echo

-- The two aggregate forms on the same evidence, GROUP BY learner, skill
\set q_internal 'SELECT sum(m) FROM (SELECT mastery(mastery_evidence(score, 4, observed_at), ''decaying_average'') AS m FROM evidence GROUP BY learner, skill) s'
\set q_concrete 'SELECT sum(m) FROM (SELECT mastery(mastery_agg(mastery_evidence(score, 4, observed_at)), ''decaying_average'') AS m FROM evidence GROUP BY learner, skill) s'
\set q_stored 'SELECT sum(mastery(state, ''decaying_average'')) FROM states_full'
CREATE TEMP TABLE form_timings AS
SELECT 'mastery(evidence, method): internal state' AS form, b.* FROM bench(:'q_internal', :reps) b;
INSERT INTO form_timings SELECT 'mastery(mastery_agg(evidence), method): concrete state (what Citus pushes down)', b.* FROM bench(:'q_concrete', :reps) b;
INSERT INTO form_timings SELECT 'mastery(state, method) over the stored states', b.* FROM bench(:'q_stored', :reps) b;
\echo '| form | median ms | x internal |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', form, median_ms,
              round(median_ms / (SELECT median_ms FROM form_timings WHERE form LIKE 'mastery(evidence%'), 2))
FROM form_timings ORDER BY median_ms;
