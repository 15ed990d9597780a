-- skill_graph: a competency framework as a value.
\pset null '-'

-- From a table of (prerequisite, skill): duplicate edges merge, a NULL
-- prerequisite adds a skill on its own
CREATE TABLE prerequisite_table (prerequisite text, skill text);
INSERT INTO prerequisite_table VALUES
	('count', 'add'), ('add', 'multiply'), ('count', 'add'), ('add', 'subtract'),
	('multiply', 'divide'), ('subtract', 'divide'), (NULL, 'measure');
CREATE TABLE arithmetic AS SELECT skill_graph_agg(prerequisite, skill) AS g FROM prerequisite_table;
SELECT g FROM arithmetic;
SELECT skill_count(g), edge_count(g), edge_count(g, 'prerequisite'), edge_count(g, 'part_of') FROM arithmetic;
SELECT topological_order(g) FROM arithmetic;
SELECT prerequisites(g, 'divide') AS direct FROM arithmetic;
SELECT prerequisites(g, 'divide', true) AS transitive FROM arithmetic;
SELECT dependents(g, 'add', true) FROM arithmetic;

-- With part_of edges: a part comes before its whole
CREATE TABLE framework AS SELECT skill_graph_agg(source, target, relation) AS g FROM (VALUES
	('fractions.1', 'fractions', 'part_of'), ('fractions.2', 'fractions', 'part_of'),
	('fractions.1', 'fractions.2', 'prerequisite'), ('whole numbers', 'fractions.1', 'prerequisite'),
	('fractions', 'ratios', 'prerequisite')) v(source, target, relation);
SELECT * FROM skills((SELECT g FROM framework));
SELECT topological_order(g) FROM framework;
SELECT parts(g, 'fractions') FROM framework;
SELECT subgraph(g, '{fractions}') FROM framework;
SELECT skill_graph_to_dot(g) FROM framework;

-- Text, jsonb and binary forms round-trip
SELECT g::text::skill_graph::text = g::text AS text_round_trip,
       g::jsonb::skill_graph::text = g::text AS jsonb_round_trip FROM framework;
\copy framework TO 'results/graph.bin' WITH (FORMAT binary)
CREATE TABLE framework_copy (LIKE framework);
\copy framework_copy FROM 'results/graph.bin' WITH (FORMAT binary)
SELECT f.g::text = c.g::text AS binary_round_trip FROM framework f, framework_copy c;
SELECT '{"skills": [{"code": "B", "title": "Second", "sequence": 2}, {"code": "A", "kind": "Standard", "level": "06"}], "edges": [{"source": "A", "target": "B", "relation": "prerequisite"}]}'::skill_graph;

-- Common Core as a CASE package (OpenSALT export, 2017): 703 items, an isChildOf tree
\set ccss `cat test/fixtures/case/ccss-math_opensalt-2017-01_CFPackage.json`
CREATE TABLE ccss AS SELECT skill_graph_from_case(:'ccss') AS g;
SELECT skill_count(g) AS skills, edge_count(g, 'part_of') AS part_of, edge_count(g, 'prerequisite') AS prerequisite FROM ccss;
SELECT coalesce(kind, '(none)') AS kind, count(*), min(depth), max(depth) FROM ccss, skills(g) GROUP BY kind ORDER BY min(depth), kind;
SELECT code, kind, level, depth FROM ccss, skills(g) WHERE code LIKE 'CCSS.Math.Content.6.RP%' ORDER BY code;
SELECT parts(g, 'CCSS.Math.Content.6.RP.A.3') FROM ccss;
SELECT count(*) AS in_order FROM ccss, topological_order(g);

-- The 6-7 ratios framework: precedes becomes prerequisite; one association
-- points outside the package and is counted in a NOTICE
\set ratios `cat test/fixtures/case/what-standards-could-be_opensalt-2017-05_CFPackage.json`
CREATE TABLE ratios AS SELECT skill_graph_from_case(:'ratios') AS g;
SELECT skill_count(g), edge_count(g, 'prerequisite') AS prerequisite, edge_count(g, 'part_of') AS part_of FROM ratios;
SELECT prerequisites(g, 'CCSS.Math.Content.6.RP.A.2') FROM ratios;
SELECT dependents(g, 'CCSS.Math.Content.6.RP.A.3') FROM ratios;

-- CASE 1.0: sequenceNumber orders siblings (SNT.2 comes first)
\set seq `cat test/fixtures/case/fixture_SequenceNumber_CASE1.0.json`
SELECT code, title, sequence FROM skills(skill_graph_from_case(:'seq'));
SELECT topological_order(skill_graph_from_case(:'seq'));

-- Errors: cycles name the skills on one loop
SELECT skill_graph_agg(p, s) FROM (VALUES ('a', 'b'), ('b', 'c'), ('c', 'd'), ('d', 'b'), ('x', 'a')) v(p, s);
SELECT skill_graph_agg(p, s) FROM (VALUES ('a', 'a')) v(p, s);
SELECT skill_graph_agg(s, t, r) FROM (VALUES ('part', 'whole', 'part_of'), ('whole', 'part', 'prerequisite')) v(s, t, r);
SELECT skill_graph_agg(s, t, r) FROM (VALUES ('a', 'b', 'requires')) v(s, t, r);
SELECT skill_graph_agg(s, t, NULL) FROM (VALUES ('a', 'b')) v(s, t);
SELECT skill_graph_agg(p, s) FROM (VALUES ('', 'b')) v(p, s);
-- Errors: sizes are checked before anything is allocated
SELECT skill_graph_agg(p, s) FROM (VALUES (repeat('x', 5000), 'b')) v(p, s);
SELECT skill_graph_from_case(jsonb_build_object('CFItems', jsonb_build_array(jsonb_build_object('identifier', repeat('y', 10000)))));
-- Errors: unknown skills name the code
SELECT prerequisites(g, 'algebra') FROM arithmetic;
SELECT parts(g, 'CCSS.Math.Content.9.Z') FROM ccss;
SELECT subgraph(g, '{fractions, percent}') FROM framework;
SELECT subgraph(g, '{fractions, NULL}') FROM framework;
SELECT subgraph(g, '{{fractions}}') FROM framework;
-- Errors: malformed input
SELECT '{"skills": "A"}'::skill_graph;
SELECT '{"edges": []}'::skill_graph;
SELECT '{"skills": [{"title": "no code"}]}'::skill_graph;
SELECT '{"skills": [{"code": "A"}], "edges": [{"source": "A", "target": "B", "relation": "prerequisite"}]}'::skill_graph;
SELECT '{"skills": [{"code": "A", "title": "x"}, {"code": "A", "title": "y"}]}'::skill_graph;
SELECT '{"skills": [{"code": "A", "sequence": 1.5}]}'::skill_graph;
SELECT 'not json'::skill_graph;
SELECT skill_graph_from_case('[]');
SELECT skill_graph_from_case('{"CFItems": [{"fullStatement": "no identifier"}]}');
SELECT skill_graph_from_case('{"CFItems": [{"identifier": "1", "humanCodingScheme": "A.1"}, {"identifier": "2", "humanCodingScheme": "A.1"}]}');
SELECT skill_graph_from_case('{"CFItems": [{"identifier": "1"}], "CFAssociations": [{"originNodeURI": {"identifier": "1"}}]}');
SELECT skill_graph_from_case('{"CFItems": [{"identifier": "1"}, {"identifier": "2"}], "CFAssociations": [
	{"associationType": "isChildOf", "originNodeURI": {"identifier": "1"}, "destinationNodeURI": {"identifier": "2"}},
	{"associationType": "isChildOf", "originNodeURI": {"identifier": "2"}, "destinationNodeURI": {"identifier": "1"}}]}');
-- Errors: corrupted stored bytes (through a test-only binary-coercible cast)
CREATE CAST (bytea AS skill_graph) WITHOUT FUNCTION;
CREATE CAST (skill_graph AS bytea) WITHOUT FUNCTION;
SELECT skill_count(overlay(g::bytea PLACING '\x09' FROM 1 FOR 1)::skill_graph) FROM arithmetic;
SELECT skill_count(substring(g::bytea FROM 1 FOR 30)::skill_graph) FROM arithmetic;
SELECT topological_order(overlay(g::bytea PLACING '\x05000000' FROM 165 FOR 4)::skill_graph) FROM arithmetic;
-- a skill alone needs no relation; a NULL skill adds nothing
SELECT skill_count(g), edge_count(g) FROM (SELECT skill_graph_agg(s, t, r) g
	FROM (VALUES (NULL, 'alone', NULL), ('a', 'b', 'prerequisite'), ('a', NULL, 'prerequisite')) v(s, t, r)) x;
