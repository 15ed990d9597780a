-- Properties of skill graphs: topological order respects every edge,
-- transitive walks equal WITH RECURSIVE, parallel building equals serial,
-- and a graph read once per query serves every row.
BEGIN;
SELECT plan(9);
SELECT setseed(0.5);

-- A random layered DAG: 2,000 skills, each with up to 3 prerequisites in
-- earlier layers and a part_of edge to a cluster
CREATE TABLE dag_edges AS
SELECT 's' || i AS skill, 's' || (i - 1 - floor(random() * least(i - 1, 200))::int) AS prerequisite
FROM generate_series(2, 2000) i, generate_series(1, 3) k WHERE random() < 0.7;
CREATE TABLE dag AS
SELECT skill_graph_agg(source, target, relation) AS g FROM (
	SELECT prerequisite AS source, skill AS target, 'prerequisite' AS relation FROM dag_edges
	UNION ALL SELECT 's' || i, 'cluster' || (i / 100), 'part_of' FROM generate_series(1, 2000) i) e;

SELECT is((SELECT skill_count(g) FROM dag), 2021, '2,000 skills and 21 clusters');
SELECT is((SELECT edge_count(g, 'prerequisite') FROM dag), (SELECT count(DISTINCT (skill, prerequisite))::int FROM dag_edges),
          'duplicate prerequisite edges are merged');

CREATE TEMP TABLE topo AS SELECT code, row_number() OVER () AS pos FROM dag, topological_order(g) code;
SELECT is((SELECT count(*) FROM dag_edges e JOIN topo a ON a.code = e.prerequisite JOIN topo b ON b.code = e.skill
           WHERE a.pos >= b.pos), 0::bigint, 'every prerequisite comes before what needs it');
SELECT is((SELECT count(*) FROM generate_series(1, 2000) i JOIN topo a ON a.code = 's' || i JOIN topo b ON b.code = 'cluster' || (i / 100)
           WHERE a.pos >= b.pos), 0::bigint, 'every part comes before its whole');

-- Common Core: every part before its whole, for all 686 isChildOf edges
\set ccss `cat test/fixtures/case/ccss-math_opensalt-2017-01_CFPackage.json`
CREATE TEMP TABLE ccss AS SELECT skill_graph_from_case(:'ccss') AS g;
CREATE TEMP TABLE ccss_topo AS SELECT code, row_number() OVER () AS pos FROM ccss, topological_order(g) code;
SELECT is((SELECT count(*) FROM ccss, skills(g) s, parts(g, s.code) p
           JOIN ccss_topo a ON a.code = p JOIN ccss_topo b ON true
           WHERE b.code = s.code AND a.pos >= b.pos), 0::bigint,
          'Common Core: the topological order puts every part before its whole');

-- Transitive prerequisites of every skill equal WITH RECURSIVE
SELECT set_eq(
	$$SELECT s.code, p FROM dag, skills(g) s, prerequisites(g, s.code, true) p$$,
	$$WITH RECURSIVE anc(skill, prerequisite) AS (
		SELECT skill, prerequisite FROM dag_edges
		UNION
		SELECT a.skill, e.prerequisite FROM anc a JOIN dag_edges e ON e.skill = a.prerequisite)
	  SELECT skill, prerequisite FROM anc$$,
	'transitive prerequisites equal the recursive CTE');
SELECT set_eq(
	$$SELECT s.code, d FROM dag, skills(g) s, dependents(g, s.code) d$$,
	$$SELECT DISTINCT prerequisite, skill FROM dag_edges$$,
	'direct dependents are the edges');

-- Parallel: skill_graph_agg under forced partial aggregation equals serial
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CREATE TABLE many_edges AS SELECT * FROM dag_edges, generate_series(1, 30) r ORDER BY random();
ANALYZE many_edges;
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS
$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END$$;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT skill_graph_agg(prerequisite, skill) FROM many_edges') l
                  WHERE l LIKE '%Partial Aggregate%'), 'skill_graph_agg aggregates partially in parallel workers');
SELECT is((SELECT skill_graph_agg(prerequisite, skill)::text FROM many_edges),
          (SELECT skill_graph_agg(prerequisite, skill)::text FROM dag_edges),
          'the parallel graph equals the serial one');

SELECT * FROM finish();
ROLLBACK;
