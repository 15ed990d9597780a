-- Inputs that once took quadratic time, at sizes that would show it, each
-- against a baseline of the same size measured in this run:
--   a skill with 200,000 direct dependents (sorting siblings)
--   1.1 million edge rows naming 50 edges (repeats counted and kept)
--   a state with 60,000 distinct (out_of, weight) terms (the dictionary check)
--   mastery_explain of a state of 100,000 pieces (a value after every piece)
SET work_mem = '256MB';
SET jit = off;
\pset tuples_only on
\pset format unaligned

CREATE TEMP TABLE large_timings (input text, ms numeric, baseline text, baseline_ms numeric);
CREATE FUNCTION timed(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp(); v text;
BEGIN
	EXECUTE query INTO v;
	RETURN round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
END $$;

-- a framework where one skill opens 200,000 others, against a chain of as many
CREATE TABLE star AS SELECT 'hub' AS prerequisite, 'leaf.' || i AS skill FROM generate_series(1, 200000) i;
CREATE TABLE chain AS SELECT 'leaf.' || (i - 1) AS prerequisite, 'leaf.' || i AS skill FROM generate_series(1, 200000) i;
INSERT INTO large_timings
SELECT 'skill_graph_agg: one skill with 200,000 dependents',
       timed($$SELECT edge_count(skill_graph_agg(prerequisite, skill)) FROM star$$),
       'a chain of 200,000 skills',
       timed($$SELECT edge_count(skill_graph_agg(prerequisite, skill)) FROM chain$$);

-- 1.1 million rows, 50 distinct edges, against count(DISTINCT) over the same rows
INSERT INTO large_timings
SELECT 'skill_graph_agg: 1,100,000 rows naming 50 edges',
       timed($$SELECT edge_count(skill_graph_agg('K' || (g % 50), 'K' || (g % 50 + 50))) FROM generate_series(1, 1100000) g$$),
       'count(DISTINCT edge) over the same rows',
       timed($$SELECT count(DISTINCT ('K' || (g % 50), 'K' || (g % 50 + 50))) FROM generate_series(1, 1100000) g$$);

-- states of 60,000 pieces: every piece with its own weight, against one weight
CREATE TABLE mixed_state AS
SELECT mastery_agg(mastery_evidence(i % 5, 4, '2024-01-01'::timestamptz + i * interval '1 minute', 1 + i / 1000.0)) AS s
FROM generate_series(1, 60000) i;
CREATE TABLE uniform_state AS
SELECT mastery_agg(mastery_evidence(i % 5, 4, '2024-01-01'::timestamptz + i * interval '1 minute')) AS s
FROM generate_series(1, 60000) i;
INSERT INTO large_timings
SELECT 'reading a state with 60,000 distinct terms (mastery(state, average))',
       timed($$SELECT mastery(s, 'average') FROM mixed_state$$),
       'a state of 60,000 pieces with one weight',
       timed($$SELECT mastery(s, 'average') FROM uniform_state$$);

-- explaining a long stream, against computing its value once
CREATE TABLE long_state AS
SELECT mastery_agg(mastery_evidence(i % 5, 4, '2024-01-01'::timestamptz + i * interval '1 minute')) AS s
FROM generate_series(1, 100000) i;
INSERT INTO large_timings
SELECT format('mastery_explain of 100,000 pieces, %s', m),
       timed(format($$SELECT sum(value_after) FROM long_state, mastery_explain(s, %L)$$, m)),
       'mastery(state, method) once',
       timed(format($$SELECT mastery(s, %L) FROM long_state$$, m))
FROM unnest(ARRAY['decaying_average', 'median', 'mode', 'true_score']) m;

\echo
\echo '### Large inputs (once quadratic)'
\echo
\echo '| input | ms | baseline | baseline ms |'
\echo '|---|---:|---|---:|'
SELECT format('| %s | %s | %s | %s |', input, ms, baseline, baseline_ms) FROM large_timings;
