-- Two shards behind postgres_fdw: partitionwise aggregation computes the
-- rollups grouped by learner on the shards, and per-shard states merge with
-- mastery_state_union into the single-node answer.
SELECT plan(8);
SET timezone = 'UTC';

CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard1_port', dbname 'postgres', extensions 'competency');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard2_port', dbname 'postgres', extensions 'competency');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');

CREATE TABLE evidence (learner int NOT NULL, skill int NOT NULL, e mastery_evidence NOT NULL)
	PARTITION BY HASH (learner);
CREATE FOREIGN TABLE evidence_shard1 PARTITION OF evidence FOR VALUES WITH (MODULUS 2, REMAINDER 0)
	SERVER shard1 OPTIONS (table_name 'evidence_shard');
CREATE FOREIGN TABLE evidence_shard2 PARTITION OF evidence FOR VALUES WITH (MODULUS 2, REMAINDER 1)
	SERVER shard2 OPTIONS (table_name 'evidence_shard');

-- The same evidence on one node, for comparison
CREATE TABLE evidence_single AS
SELECT l AS learner, s AS skill,
       mastery_evidence((l * 7 + s * 3 + k * 11) % 5, 4, '2024-09-01'::timestamptz + (k * 2 + l % 3) * interval '1 day',
                        1 + k % 2, CASE WHEN k = 6 AND s = 2 THEN 'override' ELSE 'assessment' END) AS e
FROM generate_series(1, 60) l, generate_series(1, 4) s, generate_series(1, 9) k;
INSERT INTO evidence SELECT * FROM evidence_single;
ANALYZE evidence_shard1, evidence_shard2;

SELECT ok((SELECT count(*) FROM evidence_shard1) > 0 AND (SELECT count(*) FROM evidence_shard2) > 0,
          'both shards hold evidence');

SET enable_partitionwise_aggregate = on;
CREATE FUNCTION plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS
$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query; END$$;

-- Grouped by the partition key: each shard computes its learners' rollups
SELECT ok((SELECT count(*) FROM plan_of($$SELECT learner, skill, mastery(e, 'decaying_average') FROM evidence GROUP BY learner, skill$$) l
           WHERE l ~ 'Relations: Aggregate on') = 2,
          'mastery() grouped by learner is pushed down to both shards (partitionwise)');
SELECT ok((SELECT count(*) FROM plan_of($$SELECT learner, skill, mastery(e, 'decaying_average') FROM evidence GROUP BY learner, skill$$) l
           WHERE l ~ 'Remote SQL: SELECT .*mastery\(') = 2,
          'the remote SQL computes mastery() on the shards');
SELECT results_eq(
	$$SELECT learner, skill, mastery(e, 'decaying_average'), mastery(e, 'power_law(at=next)'),
	         mastery(e, 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)')
	  FROM evidence GROUP BY learner, skill ORDER BY 1, 2$$,
	$$SELECT learner, skill, mastery(e, 'decaying_average'), mastery(e, 'power_law(at=next)'),
	         mastery(e, 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)')
	  FROM evidence_single GROUP BY learner, skill ORDER BY 1, 2$$,
	'rollups computed on the shards equal the single-node rollups');
SELECT ok((SELECT count(*) FROM plan_of($$SELECT learner, skill, mastery_agg(e) FROM evidence GROUP BY learner, skill$$) l
           WHERE l ~ 'Remote SQL: SELECT .*mastery_agg\(') = 2,
          'mastery_agg() grouped by learner runs on the shards too');
SELECT results_eq(
	$$SELECT learner, skill, mastery_agg(e)::text FROM evidence GROUP BY learner, skill ORDER BY 1, 2$$,
	$$SELECT learner, skill, mastery_agg(e)::text FROM evidence_single GROUP BY learner, skill ORDER BY 1, 2$$,
	'states built on the shards equal states built on one node');

-- Grouped by something else (skill), each shard builds a partial state and
-- the coordinator merges them: the shape Citus uses for its workers
SELECT ok((SELECT count(*) FROM plan_of($$
	SELECT skill, mastery_state_union(state) FROM (
		SELECT skill, mastery_agg(e) AS state FROM evidence_shard1 GROUP BY skill
		UNION ALL
		SELECT skill, mastery_agg(e) AS state FROM evidence_shard2 GROUP BY skill) per_shard
	GROUP BY skill$$) l WHERE l ~ 'Remote SQL: SELECT .*mastery_agg\(.*GROUP BY') = 2,
	'per-shard states are built on the shards');
SELECT results_eq(
	$$SELECT skill, mastery_state_union(state)::text FROM (
		SELECT skill, mastery_agg(e) AS state FROM evidence_shard1 GROUP BY skill
		UNION ALL
		SELECT skill, mastery_agg(e) AS state FROM evidence_shard2 GROUP BY skill) per_shard
	  GROUP BY skill ORDER BY skill$$,
	$$SELECT skill, mastery_agg(e)::text FROM evidence_single GROUP BY skill ORDER BY skill$$,
	'mastery_state_union of per-shard states equals the single-node state');

SELECT * FROM finish();
