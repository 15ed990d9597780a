-- mastery_evidence: one observation of a learner on a skill.
-- Text form: score/out_of @ timestamp[, weight=w][, kind=k]
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Defaults (weight 1, kind assessment) are not written out
SELECT '3.5/4 @ 2024-09-05 10:00'::mastery_evidence;
SELECT '  3 / 4@2024-09-05 , weight = 2 , kind = Practice '::mastery_evidence;
SELECT '2/4 @ "September 5, 2024 10:00", kind=override'::mastery_evidence;
-- Extra credit: a score may exceed out_of (gradebooks give 103 of 100)
SELECT '103/100 @ 2021-09-29'::mastery_evidence;
SELECT '0.1/1 @ 2024-09-05 10:00:00.123456+02, weight=0.1'::mastery_evidence;

-- The constructor and the accessors
SELECT e, score(e), out_of(e), observed_at(e), weight(e), kind(e), proportion(e)
FROM (SELECT mastery_evidence(3, 4, '2024-09-05', 2, 'observation') AS e) s;
SELECT mastery_evidence(3, 4, '2024-09-05');

-- Text output reads back to the same value, whatever the DateStyle
CREATE TABLE evidence_samples (id int, e mastery_evidence);
INSERT INTO evidence_samples VALUES
	(1, '3.5/4 @ 2024-09-05 10:00'),
	(2, '0.30000000000000004/1 @ 2024-09-05 10:00:00.000001+00, weight=0.7'),
	(3, '97.25/100 @ 1999-12-31 23:59:59, kind=self'),
	(4, '0/4 @ 2024-01-01, weight=1e-6, kind=behavior'),
	(5, '1e-9/1e9 @ 2024-01-01, weight=1e6');
SELECT id, e FROM evidence_samples ORDER BY id;
SELECT count(*) AS round_trips FROM evidence_samples WHERE e::text::mastery_evidence = e;
SET datestyle = 'Postgres, DMY';
SELECT count(*) AS round_trips_postgres_style FROM evidence_samples WHERE e::text::mastery_evidence = e;
SET datestyle = 'ISO, YMD';

-- jsonb both ways, also exact
SELECT id, e::jsonb FROM evidence_samples ORDER BY id;
SELECT count(*) AS jsonb_round_trips FROM evidence_samples WHERE e::jsonb::mastery_evidence = e;
SELECT '{"score": 3, "out_of": 4, "observed_at": "2024-09-05"}'::jsonb::mastery_evidence;
SELECT to_jsonb(s) FROM (SELECT 'learner 1' AS learner, '3/4 @ 2024-09-05'::mastery_evidence AS e) s;

-- Binary COPY round trip, through the client
\copy evidence_samples TO 'results/evidence.bin' WITH (FORMAT binary)
CREATE TABLE evidence_copy (LIKE evidence_samples);
\copy evidence_copy FROM 'results/evidence.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trips FROM evidence_samples s JOIN evidence_copy c USING (id) WHERE s.e = c.e;

-- Order: observed_at, then score, then weight; usable in ORDER BY, DISTINCT, indexes
SELECT e FROM (VALUES
	('3/4 @ 2024-09-06'::mastery_evidence), ('4/4 @ 2024-09-05'),
	('2/4 @ 2024-09-05, weight=2'), ('2/4 @ 2024-09-05'), ('2/4 @ 2024-09-05')) v(e)
ORDER BY e;
SELECT count(DISTINCT e) FROM (VALUES ('2/4 @ 2024-09-05'::mastery_evidence), ('2/4 @ 2024-09-05'), ('-0/4 @ 2024-09-05'), ('0/4 @ 2024-09-05')) v(e);
SELECT '1/4 @ 2024-09-05'::mastery_evidence < '0/4 @ 2024-09-06', '1/4 @ 2024-09-05'::mastery_evidence <> '1/4 @ 2024-09-05, weight=2';
CREATE INDEX ON evidence_samples (e);
SET enable_seqscan = off;
SELECT id FROM evidence_samples WHERE e > '0/4 @ 2024-01-01' ORDER BY e;
RESET enable_seqscan;
CREATE TABLE evidence_by_hash (e mastery_evidence) PARTITION BY HASH (e);
CREATE TABLE evidence_by_hash_0 PARTITION OF evidence_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE evidence_by_hash_1 PARTITION OF evidence_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO evidence_by_hash SELECT e FROM evidence_samples;
SELECT count(*) FROM evidence_by_hash;

-- Errors: malformed text
SELECT 'three/4 @ 2024-09-05'::mastery_evidence;
SELECT '3 4 @ 2024-09-05'::mastery_evidence;
SELECT '3/4'::mastery_evidence;
SELECT '3/4 @ '::mastery_evidence;
SELECT '3/4 @ yesterday-ish'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, colour=red'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight=2, weight=3'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, kind=homework'::mastery_evidence;
SELECT '3/4 @ "2024-09-05'::mastery_evidence;
-- Errors: values out of range
SELECT 'NaN/4 @ 2024-09-05'::mastery_evidence;
SELECT 'Infinity/4 @ 2024-09-05'::mastery_evidence;
SELECT '3/NaN @ 2024-09-05'::mastery_evidence;
SELECT '3/0 @ 2024-09-05'::mastery_evidence;
SELECT '3/-4 @ 2024-09-05'::mastery_evidence;
SELECT '-1/4 @ 2024-09-05'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight=-1'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight=0'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight=1e-50'::mastery_evidence;
SELECT '3/4 @ 2024-09-05, weight=1e39'::mastery_evidence;
SELECT '3/4 @ infinity'::mastery_evidence;
SELECT mastery_evidence(3, 4, '-infinity');
SELECT mastery_evidence(3, 4, '2024-09-05', 1, 'quiz');
SELECT mastery_evidence('NaN', 4, '2024-09-05');
-- Errors: jsonb
SELECT '[3, 4]'::jsonb::mastery_evidence;
SELECT '{"score": 3, "out_of": 4}'::jsonb::mastery_evidence;
SELECT '{"score": "3", "out_of": 4, "observed_at": "2024-09-05"}'::jsonb::mastery_evidence;
SELECT '{"score": 3, "out_of": 4, "observed_at": "2024-09-05", "teacher": "X"}'::jsonb::mastery_evidence;
SELECT '{"score": 3, "out_of": 0, "observed_at": "2024-09-05"}'::jsonb::mastery_evidence;
-- Errors: binary input goes through the same checks (a NaN score, a bad kind)
CREATE TABLE raw_payload (b bytea);
INSERT INTO raw_payload SELECT overlay(mastery_evidence_send('3/4 @ 2024-09-05') PLACING '\x7ff8000000000000'::bytea FROM 2 FOR 8);
\copy raw_payload TO 'results/evidence_nan.bin' WITH (FORMAT binary)
\copy evidence_copy (e) FROM 'results/evidence_nan.bin' WITH (FORMAT binary)
TRUNCATE raw_payload;
INSERT INTO raw_payload SELECT overlay(mastery_evidence_send('3/4 @ 2024-09-05') PLACING '\x09'::bytea FROM 30 FOR 1);
\copy raw_payload TO 'results/evidence_kind.bin' WITH (FORMAT binary)
\copy evidence_copy (e) FROM 'results/evidence_kind.bin' WITH (FORMAT binary)
TRUNCATE raw_payload;
INSERT INTO raw_payload SELECT overlay(mastery_evidence_send('3/4 @ 2024-09-05') PLACING '\x02'::bytea FROM 1 FOR 1);
\copy raw_payload TO 'results/evidence_format.bin' WITH (FORMAT binary)
\copy evidence_copy (e) FROM 'results/evidence_format.bin' WITH (FORMAT binary)
-- Errors: magnitudes beyond any grading scale (they would overflow rollups)
SELECT '2e12/4e12 @ 2024-09-05'::mastery_evidence;
SELECT '0/1e-10 @ 2024-09-05'::mastery_evidence;
SELECT mastery(-2e12::float8, '2024-09-05', 'latest');
-- NULLs in the constructor: a NULL weight or kind means the default (a CASE
-- without ELSE must not drop evidence); a NULL score, out_of or time is no
-- evidence (missing work), which the aggregates skip
SELECT mastery_evidence(3, 4, '2026-09-02', 1, NULL) AS null_kind,
       mastery_evidence(3, 4, '2026-09-02', NULL, 'override') AS null_weight,
       mastery_evidence(3, 4, '2026-09-02', NULL, NULL) AS both_null;
SELECT mastery_evidence(NULL, 4, '2026-09-02') IS NULL AS null_score,
       mastery_evidence(3, NULL, '2026-09-02') IS NULL AS null_out_of,
       mastery_evidence(3, 4, NULL) IS NULL AS null_time;
-- the one of 72 that was an override, the rest assessments: all 72 count
SELECT evidence_count(mastery_agg(mastery_evidence(k % 5, 4, '2026-09-01'::date + k, 1,
                                                  CASE WHEN k = 40 THEN 'override' END)))
FROM generate_series(1, 72) k;
-- "missing counts as zero": say so in the query
SELECT mastery(mastery_evidence(coalesce(score, 0), 4, day), 'average') AS missing_as_zero,
       mastery(mastery_evidence(score, 4, day), 'average') AS missing_skipped
FROM (VALUES (4, '2026-09-01'::date), (NULL, '2026-09-02'), (2, '2026-09-03')) v(score, day);
-- proportion() may exceed 1 with extra credit
SELECT proportion(mastery_evidence(105, 100, '2026-09-01'));
-- weights are policy numbers stored as real: between 1e-06 and 1e+06, and
-- greater than 0 (to leave a score out, filter its row)
SELECT mastery_evidence(3, 4, '2026-09-01', 3e38);
SELECT mastery_evidence(3, 4, '2026-09-01', 0);
SELECT weight(mastery_evidence(3, 4, '2026-09-01', 0.1)) AS stored_as_real;
