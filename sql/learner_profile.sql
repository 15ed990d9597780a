-- learner_profile: one learner's record, academic and behavioral skills side
-- by side; its forms, the aggregates, and what analysts ask of it.
SET timezone = 'UTC';
SET extra_float_digits = 0;

CREATE TABLE profile_evidence (learner text, skill text, e mastery_evidence);
INSERT INTO profile_evidence VALUES
	('ana', '6.RP.A.1', '2/4 @ 2024-09-02'), ('ana', '6.RP.A.1', '3/4 @ 2024-09-09'),
	('ana', '6.RP.A.1', '4/4 @ 2024-09-16'),
	('ana', '6.RP.A.2', '1/4 @ 2024-09-03'), ('ana', '6.RP.A.2', '2/4 @ 2024-09-10'),
	('ana', '6.NS.A.1', '90/100 @ 2024-09-04'), ('ana', '6.NS.A.1', '3/4 @ 2024-09-11'),
	-- behavior and SEL evidence in the same profile
	('ana', 'SEL.self_management', '3/4 @ 2024-09-05, kind=behavior'),
	('ana', 'SEL.self_management', '2/4 @ 2024-09-12, kind=observation'),
	('ben', '6.RP.A.1', '4/4 @ 2024-09-02'), ('ben', '6.RP.A.2', '3/4 @ 2024-09-03'),
	('ben', '6.RP.A.2', '1/4 @ 2024-09-03, kind=override'),
	('ben', 'SEL.self_management', NULL), (NULL, NULL, '1/4 @ 2024-09-01');

-- Per skill the method's value (decaying_average: 2, 3, 4 -> 3.5275), its
-- scale, how much evidence, the latest, the trend (points per piece over the
-- last values: 2 -> 2.65 -> 3.5275 rises) and the kinds of evidence seen
CREATE TABLE profiles AS
SELECT learner, learner_profile(skill, e, 'decaying_average') AS p
FROM profile_evidence WHERE learner IS NOT NULL GROUP BY learner;
SELECT learner, x.* FROM profiles, profile_entries(p) x ORDER BY learner, skill;
-- one skill; a skill without a value is NULL
SELECT learner, p -> '6.RP.A.1' AS ratios, p -> 'SEL.self_management' AS self_management,
       p -> 'no.such.skill' AS missing, skill_count(p)
FROM profiles ORDER BY learner;
-- every value equals mastery() over the same evidence
SELECT count(*) AS differing FROM profiles pr, profile_entries(pr.p) x
WHERE x.mastery IS DISTINCT FROM (SELECT mastery(e, 'decaying_average') FROM profile_evidence
                                  WHERE learner = pr.learner AND skill = x.skill);
-- scale=k puts every skill on one scale (here the 90/100 then 3/4 skill)
SELECT x.skill, x.mastery, x.out_of
FROM (SELECT learner_profile(skill, e, 'decaying_average(scale=4, round=2)') p FROM profile_evidence
      WHERE learner = 'ana') y, profile_entries(y.p) x;
-- from stored states: the same profile
CREATE TABLE profile_states AS
SELECT learner, skill, mastery_agg(e) AS state FROM profile_evidence WHERE learner IS NOT NULL GROUP BY learner, skill;
SELECT s.learner, learner_profile(s.skill, s.state, 'decaying_average') = pr.p AS same_as_from_evidence
FROM profile_states s JOIN profiles pr USING (learner) GROUP BY s.learner, pr.p ORDER BY 1;

-- strengths and needs: a skill is one or the other, never both: at three
-- quarters of its scale or more, or below (ben's 6.RP.A.2 at 1 of 4 is a
-- need only, though he has two skills); by share, then evidence, then code
SELECT learner, s.skill, s.mastery FROM profiles, strengths(p, 2) s ORDER BY learner;
SELECT learner, s.skill, s.mastery FROM profiles, needs(p, 2) s ORDER BY learner;
SELECT count(*) FROM profiles, needs(p, 0);
-- with a threshold on the profile's scale and a minimum evidence count
-- (2 by default): ben's 6.RP.A.1 rests on one answer and is left out
SELECT learner, s.skill, s.mastery, s.evidence_count FROM profiles, strengths(p, 5, 3) s ORDER BY learner, s.mastery DESC;
SELECT learner, s.skill, s.mastery, s.evidence_count FROM profiles, needs(p, 5, 3) s ORDER BY learner, s.mastery;
-- a low cut is a fair question (what is a learner nearly at zero on?): no
-- share check, unlike a mastery threshold
SELECT learner, s.skill, s.mastery FROM profiles, needs(p, 5, 0.5, 1) s ORDER BY learner, s.mastery;
SELECT learner, s.skill FROM profiles, strengths(p, 5, 3, 1) s ORDER BY learner, s.skill;
SELECT count(*) AS both_strength_and_need
FROM profiles, LATERAL (SELECT skill FROM strengths(p, 100) INTERSECT SELECT skill FROM needs(p, 100)) x;
SELECT * FROM profiles, strengths(p, 3, 5) s;
SELECT * FROM profiles, needs(p, 3, 3, -1) s;

-- profile_distance: RMS difference of shares over the skills valued in
-- either (a skill without a value counts as 0); by hand for ana and ben
SELECT round(profile_distance(a.p, b.p)::numeric, 6) AS distance,
       round(sqrt(((3.5275 / 4 - 4 / 4.0) ^ 2 + (1.65 / 4 - 1 / 4.0) ^ 2
                   + (3.21 / 4 - 0) ^ 2 + (2.35 / 4 - 0) ^ 2) / 4)::numeric, 6) AS by_hand,
       profile_distance(a.p, a.p) AS to_itself,
       profile_distance(a.p, b.p) = profile_distance(b.p, a.p) AS symmetric
FROM profiles a, profiles b WHERE a.learner = 'ana' AND b.learner = 'ben';

-- text, jsonb and binary forms read back exactly
SELECT p::text::learner_profile = p AS text_round_trip, p::jsonb::learner_profile = p AS jsonb_round_trip
FROM profiles;
SELECT '{"x": {"mastery": 3, "out_of": 4}, "a": {"mastery": null, "out_of": 4, "evidence_count": 2}}'::learner_profile;
CREATE TABLE profile_copy (p learner_profile);
\copy profiles (p) TO 'results/profiles.bin' WITH (FORMAT binary)
\copy profile_copy FROM 'results/profiles.bin' WITH (FORMAT binary)
SELECT count(*) AS same FROM profile_copy c JOIN profiles p ON c.p = p.p;
SELECT count(*) AS distinct_profiles FROM (SELECT DISTINCT p FROM (SELECT p FROM profiles UNION ALL SELECT p FROM profile_copy) x) y;
-- errors
SELECT '{"x": {"mastery": 3}}'::learner_profile;
SELECT '{"x": {"mastery": 3, "out_of": 0}}'::learner_profile;
SELECT '{"x": {"mastery": "NaN", "out_of": 4}}'::learner_profile;
SELECT '{"x": {"mastery": 3, "out_of": 4, "colour": "red"}}'::learner_profile;
SELECT '{"x": {"mastery": 3, "out_of": 4, "kinds": ["homework"]}}'::learner_profile;
SELECT '["x"]'::learner_profile;
SELECT '{"": {"mastery": 3, "out_of": 4}}'::learner_profile;
-- each skill its own method (each skill's fitted BKT, say); one skill, one method
SELECT learner_profile(skill, e, m::mastery_method) FROM (VALUES ('a', '1/4 @ 2024-09-01'::mastery_evidence, 'latest'),
	('a', '3/4 @ 2024-09-02'::mastery_evidence, 'latest'),
	('b', '1/4 @ 2024-09-01'::mastery_evidence, 'highest'),
	('b', '3/4 @ 2024-09-02'::mastery_evidence, 'highest'),
	('c', '2/4 @ 2024-09-01'::mastery_evidence, 'bkt(p_init=0.4, p_learn=0.2, p_guess=0.2, p_slip=0.1)')) v(skill, e, m);
SELECT learner_profile(skill, e, m::mastery_method) FROM (VALUES ('a', '1/4 @ 2024-09-01'::mastery_evidence, 'latest'),
	('b', '1/4 @ 2024-09-01'::mastery_evidence, 'average'),
	('b', '2/4 @ 2024-09-02'::mastery_evidence, 'latest')) v(skill, e, m);
-- the state keeps each skill's method (a "methods" object in its text form,
-- which reads back); rolled up, each skill by its own
SELECT '{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01 00:00:00+00; 3/4 @ 2024-09-02 00:00:00+00]",
  "b": "[1/4 @ 2024-09-01 00:00:00+00; 3/4 @ 2024-09-02 00:00:00+00]"}, "methods": {"b": "average"}}'::learner_profile_state AS s \gset
SELECT :'s'::learner_profile_state;
SELECT :'s'::learner_profile_state::text::learner_profile_state::text = :'s'::learner_profile_state::text AS round_trip;
SELECT skill, mastery FROM profile_entries(learner_profile(:'s'::learner_profile_state));
SELECT '{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01 00:00:00+00]"}, "methods": {"a": "average"}}'::learner_profile_state;
SELECT '{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01 00:00:00+00]"}, "methods": ["average"]}'::learner_profile_state;
SELECT '{"method": "latest", "skills": {}, "methods": {"z": "average"}}'::learner_profile_state;
-- a skill without evidence yet takes the method of the rows that bring it,
-- whatever the order of rows that bring nothing (an empty stored state)
SELECT skill, mastery FROM profile_entries((SELECT learner_profile(skill, st, m::mastery_method ORDER BY o)
  FROM (VALUES (1, 'b', '[1/4 @ 2024-09-01 00:00:00+00]'::mastery_state, 'highest'),
               (2, 'a', '[]'::mastery_state, 'latest'),
               (3, 'a', '[1/4 @ 2024-09-01 00:00:00+00; 3/4 @ 2024-09-02 00:00:00+00]'::mastery_state, 'average')) v(o, skill, st, m)));
-- and an empty state after the evidence has no say either
SELECT skill, mastery FROM profile_entries((SELECT learner_profile(skill, st, m::mastery_method ORDER BY o)
  FROM (VALUES (1, 'a', '[1/4 @ 2024-09-01 00:00:00+00; 3/4 @ 2024-09-02 00:00:00+00]'::mastery_state, 'average'),
               (2, 'a', '[]'::mastery_state, 'latest')) v(o, skill, st, m)));
SELECT learner_profile(skill, e, NULL) FROM profile_evidence;
SELECT * FROM needs((SELECT p FROM profiles LIMIT 1), -1);

-- the state of the aggregate has a text form (how Citus moves it)
SELECT '{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01; 3/4 @ 2024-09-02]"}}'::learner_profile_state;
SELECT learner_profile('{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01; 3/4 @ 2024-09-02]"}}'::learner_profile_state) -> 'a';
SELECT '{"method": "latest", "skills": {"a": "[1/4 @ 2024-09-01"}}'::learner_profile_state;
SELECT '{"method": "latest"}'::learner_profile_state;

-- profile_rollup: standards up to clusters and domains (part_of), by hand
CREATE TABLE ratio_framework AS
SELECT skill_graph_agg(part, whole, 'part_of') AS g FROM (VALUES
	('6.RP.A.1', '6.RP.A'), ('6.RP.A.2', '6.RP.A'), ('6.RP.A.3', '6.RP.A'), ('6.RP.A', '6.RP'),
	('6.NS.A.1', '6.NS.A'), ('6.NS.A', '6.NS'), ('6.RP', 'grade 6'), ('6.NS', 'grade 6')) v(part, whole);
-- average of the children with a value: 6.RP.A = (3.5275 + 1.65) / 2 (6.RP.A.3 has none)
SELECT x.skill, round(x.mastery::numeric, 4) AS mastery, x.out_of, x.evidence_count
FROM profiles, ratio_framework, profile_entries(profile_rollup(p, g)) x WHERE learner = 'ana';
SELECT x.skill, x.mastery
FROM profiles, ratio_framework, profile_entries(profile_rollup(p, g, 'share_mastered(threshold=3)')) x
WHERE learner = 'ana' AND x.skill IN ('6.RP.A', '6.RP', 'grade 6');
SELECT x.skill, x.mastery
FROM profiles, ratio_framework, profile_entries(profile_rollup(p, g, 'all_mastered(threshold=1.5)')) x
WHERE learner = 'ana' AND x.skill IN ('6.RP.A', '6.NS.A', 'grade 6');
SELECT x.skill, round(x.mastery::numeric, 4) AS mastery
FROM profiles, ratio_framework, profile_entries(profile_rollup(p, g, 'minimum')) x
WHERE learner = 'ana' AND x.skill IN ('6.RP.A', 'grade 6');
SELECT profile_rollup(p, g, 'median') FROM profiles, ratio_framework;
SELECT profile_rollup(p, g, 'share_mastered') FROM profiles, ratio_framework;

-- the graph as BI tools read it, and upward part_of
SELECT * FROM edges((SELECT g FROM ratio_framework)) ORDER BY source, target;
SELECT wholes(g, '6.RP.A.1') FROM ratio_framework;
SELECT wholes(g, '6.RP.A.1', true) FROM ratio_framework;
SELECT wholes(g, 'nope') FROM ratio_framework;
-- one framework from two: a hierarchy and a table of prerequisites
SELECT skill_count(g), edge_count(g, 'part_of'), edge_count(g, 'prerequisite')
FROM (SELECT (SELECT g FROM ratio_framework) || skill_graph_agg(p, s) AS g
      FROM (VALUES ('6.RP.A.1', '6.RP.A.3'), ('6.NS.A.1', '6.RP.A.2')) v(p, s)) x;
-- a loop across the two is an error as always
SELECT (SELECT g FROM ratio_framework) || skill_graph_agg(p, s) FROM (VALUES ('6.RP.A', '6.RP.A.1')) v(p, s);

-- A standard in two clusters counts once in the domain above both: D has
-- the distinct standards s1, s2, s3 and two of them are mastered
CREATE TABLE dag_framework AS
SELECT skill_graph_agg(part, whole, 'part_of') AS g FROM (VALUES
	('s1', 'C1'), ('s2', 'C1'), ('s2', 'C2'), ('s3', 'C2'), ('C1', 'D'), ('C2', 'D')) v(part, whole);
SELECT x.skill, x.mastery, x.out_of, x.evidence_count
FROM dag_framework, profile_entries(profile_rollup(
	'{"s1": {"mastery": 4, "out_of": 4, "evidence_count": 2}, "s2": {"mastery": 3, "out_of": 4, "evidence_count": 5},
	  "s3": {"mastery": 1, "out_of": 4, "evidence_count": 1}}'::learner_profile, g, 'share_mastered(threshold=3)')) x
ORDER BY 1;
-- a cluster rated as a whole at or above the threshold covers its standards:
-- C2 at 3.5 counts s2 and s3 as mastered in D, and keeps its own value
SELECT x.skill, x.mastery, x.out_of
FROM dag_framework, profile_entries(profile_rollup(
	'{"s1": {"mastery": 1, "out_of": 4}, "C2": {"mastery": 3.5, "out_of": 4}}'::learner_profile, g,
	'share_mastered(threshold=3)')) x
ORDER BY 1;
-- skills the graph does not know are kept as they are
SELECT x.skill, x.mastery FROM dag_framework,
	profile_entries(profile_rollup('{"elsewhere": {"mastery": 2, "out_of": 4}, "s1": {"mastery": 2, "out_of": 4}}', g)) x
ORDER BY 1;

-- Profiles compare, sort and group: DISTINCT, ORDER BY and btree indexes work
SELECT count(DISTINCT p) AS distinct_profiles, count(*) AS rows
FROM (SELECT p FROM profiles UNION ALL SELECT p FROM profiles) x;
SELECT learner FROM profiles ORDER BY p, learner;
CREATE TABLE profile_index_test AS SELECT * FROM profiles;
CREATE INDEX ON profile_index_test (p);
SELECT count(*) FROM profile_index_test a JOIN profiles b ON a.p = b.p;

-- Binary input checks every byte as text input does: a NaN mastery, a
-- skill count larger than the message, a message cut short
CREATE TABLE profile_payload (b bytea);
INSERT INTO profile_payload SELECT overlay(learner_profile_send('{"a": {"mastery": 3, "out_of": 4}}')
                                       PLACING '\x7ff8000000000000'::bytea FROM 17 FOR 8);
\copy profile_payload TO 'results/profile_nan.bin' WITH (FORMAT binary)
\copy profile_copy FROM 'results/profile_nan.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload SELECT overlay(learner_profile_send('{"a": {"mastery": 3, "out_of": 4}}')
                                       PLACING '\x7fffffff'::bytea FROM 2 FOR 4);
\copy profile_payload TO 'results/profile_count.bin' WITH (FORMAT binary)
\copy profile_copy FROM 'results/profile_count.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload SELECT substring(learner_profile_send('{"abc": {"mastery": 3, "out_of": 4}}') FROM 1 FOR 40);
\copy profile_payload TO 'results/profile_short.bin' WITH (FORMAT binary)
\copy profile_copy FROM 'results/profile_short.bin' WITH (FORMAT binary)
-- a negative mastery is not a mastery
SELECT '{"a": {"mastery": -1, "out_of": 4}}'::learner_profile;

-- Binary formats (test/fixtures/README.md).  Skill codes travel in the
-- client encoding, numbers field by field in network order: format 2 of a
-- profile and format 3 of a state, written by hand, read and written back
-- byte for byte under client_encoding UTF8
SET client_encoding = 'UTF8';
\set profile_send2 `sed 's/#.*//' test/fixtures/learner_profile.send2.hex | tr -d ' \n'`
\set state_send3 `sed 's/#.*//' test/fixtures/learner_profile_state.send3.hex | tr -d ' \n'`
CREATE TABLE binary_fixtures (p learner_profile, s learner_profile_state);
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (decode(:'profile_send2', 'hex'));
\copy profile_payload TO 'results/profile_send2.bin' WITH (FORMAT binary)
\copy binary_fixtures (p) FROM 'results/profile_send2.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (decode(:'state_send3', 'hex'));
\copy profile_payload TO 'results/state_send3.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_send3.bin' WITH (FORMAT binary)
SELECT p FROM binary_fixtures WHERE p IS NOT NULL;
SELECT s FROM binary_fixtures WHERE s IS NOT NULL;
SELECT skill, mastery FROM binary_fixtures, profile_entries(learner_profile(s)) ORDER BY skill;
SELECT learner_profile_send(p) = decode(:'profile_send2', 'hex') AS profile_writes_the_fixture
FROM binary_fixtures WHERE p IS NOT NULL;
SELECT learner_profile_state_send(s) = decode(:'state_send3', 'hex') AS state_writes_the_fixture
FROM binary_fixtures WHERE s IS NOT NULL;
-- a skill sent twice is refused, even when its first time has no evidence
-- (format 3: method latest, two skills "add", the first empty)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES ('\x03020000000100000000ffffffff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000000036164640000000000000000036164640000000001400800000000000040100000000000000002c4024630c0003f80000000'::bytea);
\copy profile_payload TO 'results/state_twice.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_twice.bin' WITH (FORMAT binary)
-- under client_encoding LATIN1 the code "Größe" goes as 5 bytes (47 72 f6 df 65)
SET client_encoding = 'LATIN1';
SELECT substring(learner_profile_send(p) FROM 6 FOR 9) AS latin1_code FROM binary_fixtures WHERE p IS NOT NULL;
SELECT position('\x000000054772f6df65'::bytea IN learner_profile_state_send(s)) > 0 AS latin1_state_code
FROM binary_fixtures WHERE s IS NOT NULL;
SET client_encoding = 'UTF8';
-- no session setting changes the bytes otherwise
SET extra_float_digits = 3; SET DateStyle = 'SQL, DMY'; SET timezone = 'America/Chicago';
SELECT learner_profile_send(p) = decode(:'profile_send2', 'hex') AS same_profile_bytes
FROM binary_fixtures WHERE p IS NOT NULL;
SELECT learner_profile_state_send(s) = decode(:'state_send3', 'hex') AS same_state_bytes
FROM binary_fixtures WHERE s IS NOT NULL;
RESET DateStyle; SET extra_float_digits = 0; SET timezone = 'UTC';
-- earlier formats still read: a profile in format 1 (codes as the sender's
-- server encoding had them) and a state in format 2 (its stored bytes, as
-- x86-64 lays them out), both written by learner_profile_send and
-- learner_profile_state_send before format 2 and 3
\set profile_send1 `cat test/fixtures/learner_profile.send1.hex`
\set state_send2 `cat test/fixtures/learner_profile_state.send2.hex`
TRUNCATE binary_fixtures;
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (:'profile_send1');
\copy profile_payload TO 'results/profile_send1.bin' WITH (FORMAT binary)
\copy binary_fixtures (p) FROM 'results/profile_send1.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (:'state_send2');
\copy profile_payload TO 'results/state_send2.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_send2.bin' WITH (FORMAT binary)
SELECT p FROM binary_fixtures WHERE p IS NOT NULL;
SELECT s FROM binary_fixtures WHERE s IS NOT NULL;
-- A damaged state in format 2 (a skill count beyond the value, a NaN
-- score) fails the checks of every stored state; sent by a client it is
-- invalid binary input (22P03) like any other, while the same bytes stored
-- in a table are corrupted data (XX001)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(:'state_send2'::bytea PLACING '\xffffff0f' FROM 6 FOR 4));
\copy profile_payload TO 'results/state_send2_count.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(:'state_send2'::bytea PLACING '\x000000000000f87f'
                                            FROM position('\x0000000000000840'::bytea IN :'state_send2'::bytea) FOR 8));
\copy profile_payload TO 'results/state_send2_nan.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_send2_count.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_send2_nan.bin' WITH (FORMAT binary)
\set VERBOSITY sqlstate
\copy binary_fixtures (s) FROM 'results/state_send2_count.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_send2_nan.bin' WITH (FORMAT binary)
-- stored: the bytes after the send format byte, through a test cast
CREATE CAST (bytea AS learner_profile_state) WITHOUT FUNCTION;
SELECT learner_profile(substring(b FROM 2)::learner_profile_state) FROM profile_payload;
SELECT learner_profile(substring(overlay(:'state_send2'::bytea PLACING '\xffffff0f' FROM 6 FOR 4) FROM 2)::learner_profile_state);
DROP CAST (bytea AS learner_profile_state);
\set VERBOSITY default
-- Errors: format 3 of a state is checked as its text input is (a method
-- flag that is neither 0 nor 1, a skill count beyond the message, a code
-- that is not valid UTF8, NaN evidence, a skill twice, an unknown format)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\x07' FROM 78 FOR 1));
\copy profile_payload TO 'results/state_flag.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_flag.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\x000f0000' FROM 67 FOR 4));
\copy profile_payload TO 'results/state_count.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_count.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\xff' FROM 146 FOR 1));
\copy profile_payload TO 'results/state_utf8.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_utf8.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\x7ff8000000000000' FROM 83 FOR 8));
\copy profile_payload TO 'results/state_nan.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_nan.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\x00000003616464' FROM 141 FOR 11));
\copy profile_payload TO 'results/state_twice.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_twice.bin' WITH (FORMAT binary)
TRUNCATE profile_payload;
INSERT INTO profile_payload VALUES (overlay(decode(:'state_send3', 'hex') PLACING '\x04' FROM 1 FOR 1));
\copy profile_payload TO 'results/state_format.bin' WITH (FORMAT binary)
\copy binary_fixtures (s) FROM 'results/state_format.bin' WITH (FORMAT binary)
RESET client_encoding;

-- Wholes computed by profile_rollup say so ("rolled_up"); rolling up again
-- computes them again rather than keeping them
SELECT profile_rollup('{"s1": {"mastery": 4, "out_of": 4}, "s3": {"mastery": 1, "out_of": 4}}', g)::text
FROM dag_framework;
SELECT profile_rollup(profile_rollup('{"s1": {"mastery": 4, "out_of": 4}}', g), g)
     = profile_rollup('{"s1": {"mastery": 4, "out_of": 4}}', g) AS rollup_is_idempotent
FROM dag_framework;
SELECT '{"C1": {"mastery": 3, "out_of": 4, "rolled_up": "yes"}}'::learner_profile;
-- a whole rated from its own evidence keeps its entry, so rolling up twice
-- changes nothing under any rule
SELECT rule, profile_rollup(profile_rollup(p, g, rule), g, rule) = profile_rollup(p, g, rule) AS idempotent
FROM dag_framework,
     (VALUES ('{"s1": {"mastery": 1, "out_of": 4, "evidence_count": 2}, "C2": {"mastery": 3.5, "out_of": 4, "evidence_count": 3}}'::learner_profile)) v(p),
     (VALUES ('average'), ('minimum'), ('share_mastered(threshold=3)'), ('all_mastered(threshold=3)')) r(rule)
ORDER BY rule;

-- An empty stored state (every piece of evidence corrected away) is no
-- evidence: no entry, so a profile from states equals one from evidence
SELECT learner_profile(s, st, 'decaying_average(scale=4)')
FROM (VALUES ('A', '[3/4 @ 2024-09-05 00:00:00+00]'::mastery_state), ('B', '[]')) v(s, st);
SELECT learner_profile(s, st, 'latest') = learner_profile(s, e, 'latest') AS same
FROM (VALUES ('A', '[3/4 @ 2024-09-05 00:00:00+00]'::mastery_state, '3/4 @ 2024-09-05'::mastery_evidence),
             ('B', '[2/4 @ 2024-09-06 00:00:00+00]'::mastery_state - '[2/4 @ 2024-09-06 00:00:00+00]'::mastery_state, NULL)) v(s, st, e);
SELECT learner_profile(s, '[]'::mastery_state, 'latest') FROM (VALUES ('')) v(s);
-- The method is checked on every row, as mastery() checks it, even where
-- the evidence or state is NULL
SELECT learner_profile(s, e, m) FROM (VALUES ('A', '3/4 @ 2024-09-05'::mastery_evidence, 'latest'::mastery_method), ('A', NULL, NULL)) v(s, e, m);
SELECT learner_profile(s, st, m) FROM (VALUES ('A', '[3/4 @ 2024-09-05 00:00:00+00]'::mastery_state, 'latest'::mastery_method), ('A', NULL, NULL)) v(s, st, m);
-- a row with evidence but no skill adds nothing
SELECT learner_profile(s, e, 'latest') FROM (VALUES ('A', '3/4 @ 2024-09-05'::mastery_evidence), (NULL, '1/4 @ 2024-09-06')) v(s, e);
-- a group of only empty stored states is NULL, as a group without evidence is
SELECT learner_profile(s, st, 'latest') IS NULL AS no_profile FROM (VALUES ('B', '[]'::mastery_state)) v(s, st);

-- A skill whose scores came without out_of has no scale: its value is on
-- the scale of those scores, which the profile does not know ("out_of":
-- null).  A threshold is read on that scale; shares are the values.
SELECT '{"a": {"mastery": 3, "out_of": null}, "b": {"mastery": 1.5, "out_of": null, "trend": 0.5}}'::learner_profile AS p \gset
SELECT :'p'::learner_profile;
SELECT skill, mastery, out_of FROM profile_entries(:'p');
SELECT :'p'::learner_profile::jsonb::learner_profile = :'p' AS jsonb_round_trip,
       :'p'::learner_profile::text::learner_profile = :'p' AS text_round_trip;
SELECT * FROM ready_skills((SELECT skill_graph_agg(x, y) FROM (VALUES ('a', 'b'), ('b', 'c')) v(x, y)), :'p', 3);
SELECT skill, mastery FROM strengths(:'p', 5, 3, 0);
SELECT skill, mastery FROM needs(:'p', 5, 3, 0);
SELECT profile_distance(:'p', '{"a": {"mastery": 1, "out_of": null}}') AS distance,
       sqrt(((3 - 1) ^ 2 + 1.5 ^ 2) / 2) AS by_hand;
-- wholes of parts without a scale have none either; a share rule reads
-- one threshold on every part, so parts with and without a scale are an error
SELECT x.skill, x.mastery, x.out_of, x.trend
FROM dag_framework, profile_entries(profile_rollup('{"s1": {"mastery": 3, "out_of": null}, "s2": {"mastery": 2, "out_of": null}}', g)) x
ORDER BY 1;
SELECT x.skill, x.mastery, x.out_of
FROM dag_framework, profile_entries(profile_rollup('{"s1": {"mastery": 3, "out_of": null}, "s3": {"mastery": 1, "out_of": 4}}', g,
	'share_mastered(threshold=3)')) x
ORDER BY 1;
-- instructional groups of profiles without a scale
SELECT instructional_groups(l, p::learner_profile, g, 3, 1, 3) FROM (VALUES
	('ana', '{"a": {"mastery": 3.5, "out_of": null}, "b": {"mastery": 1, "out_of": null}}'),
	('ben', '{"a": {"mastery": 1, "out_of": null}}')) v(l, p),
	(SELECT skill_graph_agg(x, y) AS g FROM (VALUES ('a', 'b')) v(x, y)) f;
-- what needs a scale is an error: three quarters of it, a threshold or
-- shares beside skills that have one
SELECT * FROM strengths(:'p', 2);
SELECT * FROM needs('{"a": {"mastery": 3, "out_of": null, "rolled_up": true}}', 2);
SELECT * FROM ready_skills((SELECT skill_graph_agg('a', 'b')),
	'{"a": {"mastery": 3, "out_of": null}, "b": {"mastery": 1, "out_of": 4}}', 3);
SELECT profile_distance(:'p', '{"a": {"mastery": 1, "out_of": 4}}');
SELECT profile_rollup('{"s1": {"mastery": 3, "out_of": null}, "s2": {"mastery": 1, "out_of": 4}}', g) FROM dag_framework;
SELECT instructional_groups(l, p::learner_profile, g, 3, 1, 3, 'mixed') FROM (VALUES
	('ana', '{"a": {"mastery": 3.5, "out_of": null}}'), ('ben', '{"a": {"mastery": 1, "out_of": 4}}')) v(l, p),
	(SELECT skill_graph_agg(x, y) AS g FROM (VALUES ('a', 'b')) v(x, y)) f;
-- binary: flag 0x08 (no scale) and out_of 1
SELECT learner_profile_send(:'p');

-- From raw columns, like mastery(score, observed_at, method): scores
-- without out_of.  Each value is on the scale of its scores, which the
-- profile does not know, so out_of is NULL (bkt's value is a probability,
-- on 1).  A row without a skill, score or time adds nothing.
CREATE TABLE raw_scores (learner text, skill text, score float8, observed_at timestamptz);
INSERT INTO raw_scores VALUES
	('ana', '6.RP.A.1', 2, '2024-09-02'), ('ana', '6.RP.A.1', 3, '2024-09-09'), ('ana', '6.RP.A.1', 4, '2024-09-16'),
	('ana', '6.RP.A.2', 1, '2024-09-03'), ('ana', '6.RP.A.2', 2, '2024-09-10'),
	('ana', '6.NS.A.1', 3, '2024-09-04'), ('ana', '6.NS.A.1', NULL, '2024-09-11'), ('ana', '6.NS.A.1', 2.5, NULL),
	('ben', '6.RP.A.1', 4, '2024-09-02'), ('ben', '6.RP.A.2', 3, '2024-09-03'), ('ben', NULL, 1, '2024-09-04');
CREATE TABLE raw_profiles AS
SELECT learner, learner_profile(skill, score, observed_at, 'decaying_average') AS p FROM raw_scores GROUP BY learner;
SELECT learner, x.* FROM raw_profiles, profile_entries(p) x ORDER BY learner, skill;
SELECT p FROM raw_profiles WHERE learner = 'ben';
-- each value is mastery(score, observed_at, method) over the skill's rows
SELECT m.method, count(*) FILTER (WHERE x.mastery IS DISTINCT FROM
         (SELECT mastery(score, observed_at, m.method) FROM raw_scores r WHERE r.learner = l.learner AND r.skill = x.skill)) AS differing
FROM (VALUES ('latest'::mastery_method), ('average'), ('power_law'), ('true_score'), ('n_mastery(n=2, threshold=2)'),
             ('bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, correct_at=3)')) m(method),
     LATERAL (SELECT learner, learner_profile(skill, score, observed_at, m.method) AS p FROM raw_scores GROUP BY learner) l,
     profile_entries(l.p) x
GROUP BY m.method ORDER BY m.method::text;
SELECT x.skill, x.mastery, x.out_of FROM profile_entries((SELECT learner_profile(skill, score, observed_at,
	'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, correct_at=3)') FROM raw_scores WHERE learner = 'ana')) x;
-- a threshold is read on the scale of the scores (here 0 to 4)
SELECT learner, s.skill, s.mastery FROM raw_profiles, strengths(p, 5, 3, 1) s ORDER BY learner, s.skill;
SELECT learner, r FROM raw_profiles, ready_skills(
	(SELECT skill_graph_agg(a, b) FROM (VALUES ('6.RP.A.1', '6.RP.A.2'), ('6.RP.A.2', '6.RP.A.3')) v(a, b)), p, 3) r
ORDER BY learner, r;
SELECT round(profile_distance(a.p, b.p)::numeric, 6) AS distance,
       round(sqrt(((3.5275 - 4) ^ 2 + (1.65 - 3) ^ 2 + (3 - 0) ^ 2) / 3)::numeric, 6) AS by_hand
FROM raw_profiles a, raw_profiles b WHERE a.learner = 'ana' AND b.learner = 'ben';
-- wholes of parts without a scale have none either
SELECT x.skill, round(x.mastery::numeric, 4) AS mastery, x.out_of
FROM raw_profiles, ratio_framework, profile_entries(profile_rollup(p, g)) x WHERE learner = 'ana' AND x.skill LIKE '6.RP%';
-- the state keeps the scores as they came (no "/out_of"); its text and
-- binary forms read back
CREATE AGGREGATE raw_profile_state(text, float8, timestamptz, mastery_method) (
	SFUNC = learner_profile_score_transfn, STYPE = learner_profile_state);
CREATE TABLE raw_states AS
SELECT learner, raw_profile_state(skill, score, observed_at, 'decaying_average') AS s FROM raw_scores GROUP BY learner;
SELECT s FROM raw_states WHERE learner = 'ben';
SELECT learner, learner_profile(s::text::learner_profile_state) = p AS text_round_trip
FROM raw_states JOIN raw_profiles USING (learner) ORDER BY learner;
CREATE TABLE raw_state_copy (learner text, s learner_profile_state);
\copy raw_states TO 'results/raw_states.bin' WITH (FORMAT binary)
\copy raw_state_copy FROM 'results/raw_states.bin' WITH (FORMAT binary)
SELECT learner, learner_profile(c.s) = p AS binary_round_trip
FROM raw_state_copy c JOIN raw_profiles USING (learner) ORDER BY learner;
SELECT learner_profile('{"method": "latest", "skills": {"a": "[2 @ 2024-09-02; 3.5 @ 2024-09-09, kind=observation]"}}'::learner_profile_state);
-- what needs a scale is an error (see above); so is scale=k, as in
-- mastery(), and scores with and without out_of in one skill
SELECT * FROM raw_profiles, strengths(p, 2) s;
SELECT profile_distance(a.p, b.p) FROM raw_profiles a, profiles b WHERE a.learner = 'ana' AND b.learner = 'ana';
SELECT learner_profile(skill, score, observed_at, 'decaying_average(scale=4)') FROM raw_scores;
SELECT instructional_groups(l, p, g, 3, 1, 3) FROM (VALUES ('ana', (SELECT p FROM raw_profiles WHERE learner = 'ana')),
	('ben', (SELECT p FROM profiles WHERE learner = 'ben'))) v(l, p), ratio_framework;
SELECT '{"method": "latest", "skills": {"a": "[2 @ 2024-09-02; 3/4 @ 2024-09-09]"}}'::learner_profile_state;
SELECT '[2 @ 2024-09-02]'::mastery_state;
-- scores as mastery() takes them: 0 or more, finite, at a finite time; the
-- method checked on every row
SELECT learner_profile(s, x, t, 'latest') FROM (VALUES ('a', -1::float8, '2024-09-02'::timestamptz)) v(s, x, t);
SELECT learner_profile(s, x, t, 'latest') FROM (VALUES ('a', 'NaN'::float8, '2024-09-02'::timestamptz)) v(s, x, t);
SELECT learner_profile(s, x, t, 'latest') FROM (VALUES ('a', 1::float8, 'infinity'::timestamptz)) v(s, x, t);
SELECT learner_profile(s, x, t, m) FROM (VALUES ('a', 1::float8, '2024-09-02'::timestamptz, 'latest'::mastery_method),
	('a', NULL, NULL, NULL)) v(s, x, t, m);
SELECT learner_profile(s, x, t, 'latest') FROM (VALUES ('', 1::float8, '2024-09-02'::timestamptz)) v(s, x, t);
SELECT learner_profile(s, x, t, 'latest') IS NULL AS no_profile FROM (VALUES ('a', NULL::float8, '2024-09-02'::timestamptz)) v(s, x, t);

-- Found by review.  scale=k on scores without out_of is an error even
-- before the method gives a value (here min_evidence is unmet)
SELECT learner_profile('a', s, t, 'average(scale=4, min_evidence=100)') FROM (VALUES (1::float8, timestamptz '2024-01-01')) v(s, t);
SELECT mastery(s, t, 'average(scale=4, min_evidence=100)') FROM (VALUES (1::float8, timestamptz '2024-01-01')) v(s, t);
-- "/0" is an out_of of 0, not a score without one
SELECT '{"method": "latest", "skills": {"a": "[2/0 @ 2024-01-01]"}}'::learner_profile_state;
-- share rules read the threshold on the profile's one scale
SELECT profile_rollup('{"a": {"mastery": 3, "out_of": 100}, "b": {"mastery": 3, "out_of": 4}}'::learner_profile,
                      skill_graph_agg(part, whole, 'part_of'), 'share_mastered(threshold=3)')
FROM (VALUES ('a', 'w'), ('b', 'w')) v(part, whole);
SELECT profile_rollup('{"a": {"mastery": 3, "out_of": 4}, "b": {"mastery": 2, "out_of": 4}}'::learner_profile,
                      skill_graph_agg(part, whole, 'part_of'), 'share_mastered(threshold=3)')
FROM (VALUES ('a', 'w'), ('b', 'w')) v(part, whole);
-- A skill whose method gives no value yet is a need (found by an analyst:
-- a needs report under streak dropped exactly the learners still short of
-- their streak): b has no streak of 2 at 3 yet, a has one, c too little evidence
SELECT skill, mastery, evidence_count
FROM needs((SELECT learner_profile(skill, mastery_evidence(score, 4, t), 'streak(n=2, threshold=3)')
            FROM (VALUES ('a', 3.0, timestamptz '2024-01-01'), ('a', 4.0, '2024-01-02'),
                         ('b', 4.0, '2024-01-01'), ('b', 1.0, '2024-01-02'), ('b', 3.5, '2024-01-03'),
                         ('c', 1.0, '2024-01-01')) v(skill, score, t)), 5, 3, 2);
