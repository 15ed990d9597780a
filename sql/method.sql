-- mastery_method: a validated rollup policy, name or name(key=value, ...).
-- The normal form lists every parameter of the method with its value.
SELECT 'latest'::mastery_method, 'Decaying_Average'::mastery_method,
       ' weighted_average ( weight = 0.5 ) '::mastery_method;
SELECT m::mastery_method FROM (VALUES
	('highest'), ('average(min_evidence=3)'), ('n_mastery(threshold=3)'),
	('n_mastery(n=2, threshold=2.5, round=1)'), ('mode'), ('mode(tie=recent)'),
	('median'), ('mean_recent'), ('mean_recent(n=5)'), ('power_law(at=next)'),
	('true_score(round=2)'), ('bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)'),
	('bkt(p_slip=0.1, p_guess=0.25, p_learn=0.2, p_init=0.4, p_forget=0.05, correct_at=0.75)')) v(m);

-- Round trips: text, jsonb, binary
CREATE TABLE method_samples (m mastery_method);
INSERT INTO method_samples VALUES ('latest'), ('decaying_average(weight=0.123456789, min_evidence=2, round=3)'),
	('mode(tie=recent)'), ('bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)');
SELECT m::jsonb FROM method_samples;
SELECT count(*) AS text_round_trips FROM method_samples WHERE m::text::mastery_method = m;
SELECT count(*) AS jsonb_round_trips FROM method_samples WHERE m::jsonb::mastery_method = m;
\copy method_samples TO 'results/method.bin' WITH (FORMAT binary)
CREATE TABLE method_copy (LIKE method_samples);
\copy method_copy FROM 'results/method.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trips FROM method_samples s JOIN method_copy c ON s.m = c.m;
SELECT '{"method": "n_mastery", "threshold": 3, "n": 2}'::jsonb::mastery_method;
SELECT 'decaying_average'::mastery_method = 'decaying_average(weight=0.65)', 'latest'::mastery_method = 'highest';
SELECT m, count(*) FROM (VALUES ('latest'::mastery_method), ('latest'), ('average')) v(m) GROUP BY m ORDER BY m::text;

-- The method table, from SQL
SELECT method, parameter, default_value, min_value, max_value, value_kind, required
FROM mastery_methods() WHERE parameter NOT IN ('min_evidence', 'round');
SELECT count(DISTINCT method) AS methods FROM mastery_methods();

-- Errors: syntax
SELECT ''::mastery_method;
SELECT 'decaying_average('::mastery_method;
SELECT 'decaying_average(weight)'::mastery_method;
SELECT 'decaying_average(weight=)'::mastery_method;
SELECT 'decaying_average(weight=0.5,)'::mastery_method;
SELECT 'decaying_average(weight=0.5) extra'::mastery_method;
SELECT 'decaying_average(weight=nan)'::mastery_method;
-- Errors: unknown names and keys list the valid ones
SELECT 'decaying'::mastery_method;
SELECT 'decaying_average(decay=0.5)'::mastery_method;
SELECT 'latest(n=2)'::mastery_method;
SELECT 'decaying_average(weight=0.5, weight=0.6)'::mastery_method;
-- Errors: out of range, not an integer, not a choice, missing
SELECT 'decaying_average(weight=1)'::mastery_method;
SELECT 'weighted_average(weight=0)'::mastery_method;
SELECT 'n_mastery(n=11, threshold=3)'::mastery_method;
SELECT 'n_mastery(n=2.5, threshold=3)'::mastery_method;
SELECT 'n_mastery(threshold=-1)'::mastery_method;
SELECT 'n_mastery(threshold=1e400)'::mastery_method;
-- numbers are read as bkt_fit's options read them: decimal; an underflow
-- is its denormal or 0, so that the text of any value reads back
SELECT 'n_mastery(threshold=1e-400)'::mastery_method;
SELECT 'bkt(p_init=0.1, p_learn=1e-310, p_guess=0.2, p_slip=0.1)'::mastery_method;
SELECT 'decaying_average(weight=0x1p-1)'::mastery_method;
SELECT 'n_mastery'::mastery_method;
SELECT 'mode(tie=lowest)'::mastery_method;
SELECT 'power_law(at=3)'::mastery_method;
SELECT 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2)'::mastery_method;
SELECT 'bkt(p_init=0.3, p_learn=0.1, p_guess=0, p_slip=0.1)'::mastery_method;
SELECT 'bkt(p_init=1.5, p_learn=0.1, p_guess=0.2, p_slip=0.1)'::mastery_method;
SELECT 'latest(round=11)'::mastery_method;
SELECT 'latest(min_evidence=0)'::mastery_method;
-- Errors: jsonb
SELECT '"latest"'::jsonb::mastery_method;
SELECT '{"weight": 0.5}'::jsonb::mastery_method;
SELECT '{"method": "latest; drop table x"}'::jsonb::mastery_method;
SELECT '{"method": "decaying_average", "weight": [0.5]}'::jsonb::mastery_method;
SELECT '{"method": "decaying_average", "weight": 2}'::jsonb::mastery_method;
-- Errors: binary input goes through the same checks
CREATE TABLE IF NOT EXISTS raw_payload (b bytea);
TRUNCATE raw_payload;
INSERT INTO raw_payload SELECT overlay(mastery_method_send('decaying_average') PLACING '\x4000000000000000'::bytea FROM 18 FOR 8);
\copy raw_payload TO 'results/method_range.bin' WITH (FORMAT binary)
\copy method_copy FROM 'results/method_range.bin' WITH (FORMAT binary)
TRUNCATE raw_payload;
INSERT INTO raw_payload SELECT overlay(mastery_method_send('latest') PLACING '\x00000063'::bytea FROM 2 FOR 4);
\copy raw_payload TO 'results/method_id.bin' WITH (FORMAT binary)
\copy method_copy FROM 'results/method_id.bin' WITH (FORMAT binary)
-- scale travels in binary form (format 2), and format 1 of 0.1.0 still reads
TRUNCATE method_copy;
CREATE TABLE scaled_methods (m mastery_method);
INSERT INTO scaled_methods VALUES ('decaying_average(weight=0.5, scale=100, round=1)'), ('latest(scale=4)');
\copy scaled_methods TO 'results/method_scale.bin' WITH (FORMAT binary)
\copy method_copy FROM 'results/method_scale.bin' WITH (FORMAT binary)
SELECT * FROM method_copy;
TRUNCATE raw_payload;
-- format 1: id 5 (decaying_average), min_evidence 2, round 1, weight 0.5
INSERT INTO raw_payload VALUES (decode('01000000050000000200000001' || '3fe0000000000000' || repeat('0000000000000000', 5), 'hex'));
\copy raw_payload TO 'results/method_v1.bin' WITH (FORMAT binary)
TRUNCATE method_copy;
\copy method_copy FROM 'results/method_v1.bin' WITH (FORMAT binary)
SELECT * FROM method_copy;
