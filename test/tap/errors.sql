-- Every kind of bad input gets its own SQLSTATE (pg_regress pins the messages).
BEGIN;
SELECT plan(38);

-- malformed text: 22P02 invalid_text_representation
SELECT throws_ok($$SELECT 'three/4 @ 2024-09-05'::mastery_evidence$$, '22P02', NULL, 'evidence: malformed score');
SELECT throws_ok($$SELECT '3/4'::mastery_evidence$$, '22P02', NULL, 'evidence: missing time');
SELECT throws_ok($$SELECT '3/4 @ 2024-09-05, colour=red'::mastery_evidence$$, '22P02', NULL, 'evidence: unknown key');
SELECT throws_ok($$SELECT '3/4 @ not a date'::mastery_evidence$$, '22007', NULL, 'evidence: bad timestamp (timestamptz''s own code)');
SELECT throws_ok($$SELECT 'decaying_average(weight'::mastery_method$$, '22P02', NULL, 'method: malformed');
-- NaN, Infinity and out-of-range numbers: 22003 numeric_value_out_of_range
SELECT throws_ok($$SELECT 'NaN/4 @ 2024-09-05'::mastery_evidence$$, '22003', NULL, 'evidence: NaN score');
SELECT throws_ok($$SELECT 'Infinity/4 @ 2024-09-05'::mastery_evidence$$, '22003', NULL, 'evidence: infinite score');
SELECT throws_ok($$SELECT '3/0 @ 2024-09-05'::mastery_evidence$$, '22003', NULL, 'evidence: out_of = 0');
SELECT throws_ok($$SELECT '3/-1 @ 2024-09-05'::mastery_evidence$$, '22003', NULL, 'evidence: out_of < 0');
SELECT throws_ok($$SELECT '-1/4 @ 2024-09-05'::mastery_evidence$$, '22003', NULL, 'evidence: negative score');
SELECT throws_ok($$SELECT '3/4 @ 2024-09-05, weight=-1'::mastery_evidence$$, '22003', NULL, 'evidence: negative weight');
SELECT throws_ok($$SELECT mastery('NaN'::float8, now(), 'latest')$$, '22003', NULL, 'mastery(): NaN score');
SELECT throws_ok($$SELECT 'decaying_average(weight=1.5)'::mastery_method$$, '22003', NULL, 'method: parameter out of range');
SELECT throws_ok($$SELECT 'bkt(p_init=0.3, p_learn=0.1, p_guess=1, p_slip=0.1)'::mastery_method$$, '22003', NULL, 'method: probability at an excluded bound');
SELECT throws_ok($$SELECT proficiency_level('NaN', 4)$$, '22003', NULL, 'proficiency_level: NaN value');
SELECT throws_ok($$SELECT proficiency_level(3, 0)$$, '22003', NULL, 'proficiency_level: out_of = 0');
-- infinite timestamps: 22008 datetime_value_out_of_range
SELECT throws_ok($$SELECT '3/4 @ infinity'::mastery_evidence$$, '22008', NULL, 'evidence: infinite time');
SELECT throws_ok($$SELECT mastery(1, '-infinity'::timestamptz, 'latest')$$, '22008', NULL, 'mastery(): infinite time');
-- unknown names, keys, choices, missing parameters: 22023 invalid_parameter_value
SELECT throws_ok($$SELECT 'decaying'::mastery_method$$, '22023', NULL, 'method: unknown method');
SELECT throws_ok($$SELECT 'latest(weight=0.5)'::mastery_method$$, '22023', NULL, 'method: unknown key');
SELECT throws_ok($$SELECT 'n_mastery'::mastery_method$$, '22023', NULL, 'method: required parameter missing');
SELECT throws_ok($$SELECT 'n_mastery(n=2.5, threshold=3)'::mastery_method$$, '22023', NULL, 'method: integer parameter with a fraction');
SELECT throws_ok($$SELECT 'mode(tie=lowest)'::mastery_method$$, '22023', NULL, 'method: unknown choice');
SELECT throws_ok($$SELECT mastery_evidence(3, 4, now(), 1, 'quiz')$$, '22023', NULL, 'evidence: unknown kind');
SELECT throws_ok($$SELECT '{"score": 3}'::jsonb::mastery_evidence$$, '22023', NULL, 'evidence jsonb: missing key');
SELECT throws_ok($$SELECT mastery(s, now(), m::mastery_method) FROM (VALUES (1, 'latest'), (2, 'highest')) v(s, m)$$,
                 '22023', NULL, 'mastery(): method changes within a group');
SELECT throws_ok($$SELECT proficiency_level(3, 4, '{0.5}', '{a}')$$, '22023', NULL, 'proficiency_level: label count');
-- NULLs where a value is required: 22004 null_value_not_allowed
SELECT throws_ok($$SELECT mastery(1, now(), NULL)$$, '22004', NULL, 'mastery(): NULL method');
SELECT throws_ok($$SELECT proficiency_level(3, 4, '{0.5, NULL}', '{a, b, c}')$$, '22004', NULL, 'proficiency_level: NULL cut');
-- arrays of the wrong shape: 2202E array_subscript_error
SELECT throws_ok($$SELECT proficiency_level(3, 4, '{{0.5}}', '{a, b}')$$, '2202E', NULL, 'proficiency_level: 2-D cuts');

-- skill graphs
SELECT throws_ok($$SELECT skill_graph_agg(p, s) FROM (VALUES ('a', 'b'), ('b', 'a')) v(p, s)$$, '22023', 'skill graph has a cycle', 'graph: cycle');
SELECT throws_ok($$SELECT skill_graph_agg(p, s) FROM (VALUES ('a', 'a')) v(p, s)$$, '22023', NULL, 'graph: self-loop');
SELECT throws_ok($$SELECT prerequisites(skill_graph_agg(p, s), 'z') FROM (VALUES ('a', 'b')) v(p, s)$$, '42704', NULL, 'graph: unknown skill');
SELECT throws_ok($$SELECT '{"skills": [{"code": "A"}], "edges": [{"source": "A", "target": "B", "relation": "prerequisite"}]}'::skill_graph$$,
                 '22023', NULL, 'graph: edge to an unknown skill');
SELECT throws_ok($$SELECT skill_graph_agg(p, s) FROM (VALUES (repeat('x', 5000), 'b')) v(p, s)$$, '54000', NULL, 'graph: code too long');
SELECT throws_ok($$SELECT skill_graph_from_case('{"CFItems": [{"identifier": "1", "humanCodingScheme": "A"}, {"identifier": "2", "humanCodingScheme": "A"}]}')$$,
                 '22023', NULL, 'CASE: two items with one code');
SELECT throws_ok($$SELECT skill_graph_agg(s, t, 'requires') FROM (VALUES ('a', 'b')) v(s, t)$$, '22023', NULL, 'graph: unknown relation');
-- a package with more items than a graph may hold is refused before anything is allocated for them
SELECT throws_ok($$SELECT skill_graph_from_case(('{"CFItems": [' || repeat('{}, ', 2000000) || '{}]}')::jsonb)$$,
                 '54000', 'CASE package is too large for a skill graph', 'CASE: 2,000,001 items');

SELECT * FROM finish();
ROLLBACK;
