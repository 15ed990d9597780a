-- Skill graphs: building a graph of 100,000 skills and about 300,000 edges
-- from a table, then topological order and the transitive prerequisites of
-- every skill, against the same queries in plain SQL (WITH RECURSIVE).
SET work_mem = '256MB';
SET jit = off;
\pset tuples_only on
\pset format unaligned

-- 2,000 units of 50 skills; each skill needs a few earlier skills of its
-- unit (300,000 distinct edges), so every skill has a bounded ancestry
SELECT setseed(0.3);
CREATE TABLE candidate_edges AS
SELECT DISTINCT 'skill.' || i AS skill, 'skill.' || ((i / 50) * 50 + floor(random() * (i % 50))::int) AS prerequisite
FROM generate_series(0, 99999) i, generate_series(1, 5) k
WHERE i % 50 > 0;
CREATE TABLE skill_edges AS SELECT * FROM candidate_edges ORDER BY md5(skill || prerequisite) LIMIT 300000;
INSERT INTO skill_edges SELECT 'skill.' || i, NULL FROM generate_series(0, 99999) i;	-- every skill, with or without prerequisites
ANALYZE skill_edges;

CREATE TEMP TABLE graph_timings (step text, ours_ms numeric, sql_ms numeric, ours_rows bigint, sql_rows bigint);
CREATE FUNCTION timed_count(query text, OUT ms numeric, OUT n bigint) LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp();
BEGIN
	EXECUTE query INTO n;
	ms := round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
END $$;

-- build (the graph is kept for the queries below)
CREATE FUNCTION build_ms() RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp();
BEGIN
	CREATE TABLE framework AS SELECT skill_graph_agg(prerequisite, skill) AS g FROM skill_edges;
	RETURN round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
END $$;
SELECT build_ms() AS build_ms \gset
INSERT INTO graph_timings SELECT 'build: skill_graph_agg over the edge table', :build_ms, NULL,
	(SELECT skill_count(g) FROM framework), NULL;
SELECT format('graph: %s skills, %s prerequisite edges, %s bytes stored',
              skill_count(g), edge_count(g), pg_column_size(g)) FROM framework;

-- topological order: ours against layering by longest path in SQL
INSERT INTO graph_timings
SELECT 'topological order', o.ms, s.ms, o.n, s.n
FROM timed_count($$SELECT count(*) FROM (SELECT topological_order(g) FROM framework) t$$) o,
     timed_count($$WITH RECURSIVE layer(skill, depth) AS (
	SELECT skill, 0 FROM skill_edges s WHERE prerequisite IS NULL
	  AND NOT EXISTS (SELECT 1 FROM skill_edges p WHERE p.skill = s.skill AND p.prerequisite IS NOT NULL)
	UNION
	SELECT e.skill, l.depth + 1 FROM layer l JOIN skill_edges e ON e.prerequisite = l.skill)
	SELECT count(*) FROM (SELECT skill, max(depth) FROM layer GROUP BY skill ORDER BY 2, 1) t$$) s;

-- transitive prerequisites of every skill
INSERT INTO graph_timings
SELECT 'transitive prerequisites of every skill', o.ms, s.ms, o.n, s.n
FROM timed_count($$SELECT count(*) FROM framework, skills(g) s, prerequisites(g, s.code, true)$$) o,
     timed_count($$WITH RECURSIVE ancestor(skill, prerequisite) AS (
	SELECT skill, prerequisite FROM skill_edges WHERE prerequisite IS NOT NULL
	UNION
	SELECT a.skill, e.prerequisite FROM ancestor a JOIN skill_edges e ON e.skill = a.prerequisite
	WHERE e.prerequisite IS NOT NULL)
	SELECT count(*) FROM ancestor$$) s;

\echo
\echo '### Skill graphs: 100,000 skills'
\echo
\echo '| step | competency ms | WITH RECURSIVE ms | speed-up | rows (same in both) |'
\echo '|---|---:|---:|---:|---|'
SELECT format('| %s | %s | %s | %s | %s |', step, ours_ms, coalesce(sql_ms::text, ''),
              coalesce(round(sql_ms / greatest(ours_ms, 1), 1)::text || 'x', ''),
              ours_rows || coalesce(CASE WHEN ours_rows = sql_rows THEN ' (same)' ELSE ' vs ' || sql_rows END, ''))
FROM graph_timings;
