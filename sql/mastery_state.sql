-- mastery_state: all evidence of one learner x skill as a stored value.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- Text form: evidence in order, times in UTC whatever the session settings
SELECT '[3/4 @ 2024-09-05; 2/4 @ 2024-09-01, kind=override; 1/4 @ 2024-08-01]'::mastery_state;
SET timezone = 'America/Chicago';
SELECT '[3/4 @ 2024-09-05 10:00]'::mastery_state;
SET timezone = 'UTC';
SELECT '[]'::mastery_state, '  [ 1/2 @ 2024-01-01 ]  '::mastery_state;

-- Built by the aggregate, merged by || and mastery_state_union
CREATE TABLE gradebook (learner text, skill text, e mastery_evidence);
INSERT INTO gradebook VALUES
	('ana', 'fractions', '2/4 @ 2024-09-02'), ('ana', 'fractions', '3/4 @ 2024-09-09'),
	('ana', 'fractions', '4/4 @ 2024-09-16'), ('ana', 'ratios', '1/4 @ 2024-09-03'),
	('ana', 'ratios', '3/4 @ 2024-09-17, kind=override'), ('ben', 'fractions', '80/100 @ 2024-09-04'),
	('ben', 'fractions', '3/4 @ 2024-09-11, weight=2'), ('ben', 'fractions', '1/4 @ 2024-09-18');
CREATE TABLE states AS
SELECT learner, skill, mastery_agg(e) AS state FROM gradebook GROUP BY learner, skill;
SELECT learner, skill, state, evidence_count(state), last_observed(state) FROM states ORDER BY 1, 2;
SELECT '[3/4 @ 2024-09-05]'::mastery_state || '[1/4 @ 2024-09-01]' AS merged,
       NULL::mastery_state || '[1/4 @ 2024-09-01]' AS null_is_empty;
SELECT learner, mastery_state_union(state) FROM states GROUP BY learner ORDER BY 1;
-- Outside an aggregate, mastery_state_append returns a new state; NULL adds nothing
SELECT mastery_state_append('[3/4 @ 2024-09-05]', '1/4 @ 2024-09-01') AS appended,
       mastery_state_append(NULL, '1/4 @ 2024-09-01') AS from_null,
       mastery_state_append('[3/4 @ 2024-09-05]', NULL) AS nothing_added;

-- Rolled up like the evidence itself
SELECT s.learner, s.skill, m,
       mastery(s.state, m::mastery_method) AS from_state,
       (SELECT mastery(g.e, m::mastery_method) FROM gradebook g
        WHERE g.learner = s.learner AND g.skill = s.skill) AS from_evidence
FROM states s, (VALUES ('decaying_average'), ('average'), ('power_law(at=next)')) methods(m)
ORDER BY 1, 2, 3;

-- As of a date: only evidence observed by then counts
SELECT d::date AS as_of, mastery_at(state, 'decaying_average', d) AS decaying, mastery_at(state, 'latest', d) AS latest
FROM states, generate_series('2024-09-01'::timestamptz, '2024-09-17', '4 days') d
WHERE learner = 'ana' AND skill = 'fractions' ORDER BY d;

-- Before all evidence there is no result; infinity sees everything
SELECT mastery_at(state, 'latest', '-infinity') AS before_all, mastery_at(state, 'latest', 'infinity') AS after_all
FROM states WHERE learner = 'ana' AND skill = 'fractions';

-- Why this number: weight_in_result * score adds up to the result for linear
-- methods (the rescaling to the latest out_of is inside the weight); the
-- override set earlier evidence aside (weight 0)
SELECT * FROM mastery_explain((SELECT state FROM states WHERE learner = 'ben'), 'decaying_average');
SELECT sum(weight_in_result * score) AS reproduced,
       mastery((SELECT state FROM states WHERE learner = 'ben'), 'decaying_average') AS result
FROM mastery_explain((SELECT state FROM states WHERE learner = 'ben'), 'decaying_average');
SELECT * FROM mastery_explain((SELECT state FROM states WHERE learner = 'ana' AND skill = 'ratios'), 'average');
-- non-linear methods: the fitted or filtered value after each step
SELECT ordinal, score, weight_in_result, round(value_after::numeric, 4) AS value_after
FROM mastery_explain('[1/1 @ 2024-09-01; 0/1 @ 2024-09-02; 1/1 @ 2024-09-03]',
                     'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)');
SELECT ordinal, score, round(value_after::numeric, 4) AS value_after
FROM mastery_explain('[1/4 @ 2024-09-01; 2/4 @ 2024-09-02; 4/4 @ 2024-09-03]', 'power_law(at=next)');

-- jsonb and binary round trips
SELECT state::jsonb FROM states WHERE learner = 'ben';
SELECT count(*) AS jsonb_round_trips FROM states WHERE state::jsonb::mastery_state::text = state::text;
\copy states TO 'results/states.bin' WITH (FORMAT binary)
CREATE TABLE states_copy (LIKE states);
\copy states_copy FROM 'results/states.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trips FROM states s JOIN states_copy c USING (learner, skill) WHERE s.state::text = c.state::text;

-- Release 0.1.0's stored bytes and binary format still read (test/fixtures).
-- The casts below exist only in this test: they hand raw bytes to the type,
-- which must check them like any other input.
CREATE CAST (bytea AS mastery_state) WITHOUT FUNCTION;
CREATE CAST (mastery_state AS bytea) WITHOUT FUNCTION;
\set ondisk `cat test/fixtures/mastery_state_0.1.0.hex`
\set sent `cat test/fixtures/mastery_state_0.1.0.send.hex`
SELECT :'ondisk'::bytea::mastery_state AS stored_by_0_1_0;
SELECT mastery(:'ondisk'::bytea::mastery_state, 'average') AS average_after_override;
CREATE TABLE IF NOT EXISTS raw_payload (b bytea);
TRUNCATE raw_payload;
INSERT INTO raw_payload VALUES (:'sent');
\copy raw_payload TO 'results/state_send.bin' WITH (FORMAT binary)
CREATE TABLE state_from_binary (state mastery_state);
\copy state_from_binary FROM 'results/state_send.bin' WITH (FORMAT binary)
SELECT state AS sent_by_0_1_0 FROM state_from_binary;

-- Errors: malformed text, bad evidence inside, bad jsonb
SELECT '3/4 @ 2024-09-05'::mastery_state;
SELECT '[3/4 @ 2024-09-05'::mastery_state;
SELECT '[3/4 @ 2024-09-05] extra'::mastery_state;
SELECT '[3/4 @ 2024-09-05, 2/4 @ 2024-09-06]'::mastery_state;
SELECT '[NaN/4 @ 2024-09-05]'::mastery_state;
SELECT '[{"score": 3, "out_of": 4}]'::jsonb::mastery_state;
SELECT '{"score": 3}'::jsonb::mastery_state;
SELECT '[1, 2]'::jsonb::mastery_state;
-- Errors: corrupted stored bytes are reported, never trusted
SELECT '\x0100'::bytea::mastery_state;
SELECT evidence_count(overlay(:'ondisk'::bytea PLACING '\x09' FROM 1 FOR 1)::mastery_state) AS unknown_format;
SELECT evidence_count(substring(:'ondisk'::bytea FROM 1 FOR 40)::mastery_state) AS truncated;
SELECT mastery(overlay(:'ondisk'::bytea PLACING '\x0900' FROM 117 FOR 2)::mastery_state, 'latest') AS bad_term_index;
SELECT mastery(overlay(:'ondisk'::bytea PLACING '\x000000000000f87f' FROM 73 FOR 8)::mastery_state, 'latest') AS nan_score;
SELECT mastery(overlay(:'ondisk'::bytea PLACING '\x00' FROM 45 FOR 1)::mastery_state, 'latest') AS duplicate_terms;
-- Errors: binary input is checked like evidence
INSERT INTO raw_payload VALUES (overlay(:'sent'::bytea PLACING '\x7ff8000000000000' FROM 6 FOR 8));
DELETE FROM raw_payload WHERE b = :'sent';
\copy raw_payload TO 'results/state_nan.bin' WITH (FORMAT binary)
\copy state_from_binary FROM 'results/state_nan.bin' WITH (FORMAT binary)
TRUNCATE raw_payload;
INSERT INTO raw_payload VALUES (overlay(:'sent'::bytea PLACING '\x7fffffff' FROM 2 FOR 4));
\copy raw_payload TO 'results/state_count.bin' WITH (FORMAT binary)
\copy state_from_binary FROM 'results/state_count.bin' WITH (FORMAT binary)
-- Text forms do not depend on extra_float_digits (Citus moves states as
-- text, deparsed queries carry methods): written in a session that asks for
-- fewer digits, they still read back exactly
SET extra_float_digits = -15;
SELECT s AS state, s::text::mastery_state = s AS reads_back_exactly
FROM (SELECT mastery_agg(mastery_evidence(0.1::float8 + 0.2, 1, '2024-09-01', 1.1)) s) x;
SELECT m, m::text::mastery_method = m AS reads_back_exactly
FROM (SELECT 'decaying_average(weight=0.123456789012345678)'::mastery_method m) x;
SELECT jsonb(mastery_evidence(0.1::float8 + 0.2, 1, '2024-09-01', 1.1));
RESET extra_float_digits;
