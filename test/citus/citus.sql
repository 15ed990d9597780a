-- On Citus, an aggregate whose state is a concrete type with a combine
-- function runs in two steps: worker_partial_agg on every shard, then
-- coord_combine_agg on the coordinator, which calls our transition and
-- combine functions through an FmgrInfo made afresh for every row.  Each
-- aggregate must give exactly the answer of one node, and a large group
-- must cost time in proportion to its rows (no copy of the state per row).
-- Aggregates that Citus runs whole on the workers (grouped by the
-- distribution column) and internal-state aggregates (rows pulled to the
-- coordinator) must be exact too.
SELECT plan(26);
SET timezone = 'UTC';
SET citus.shard_count = 32;
SET client_min_messages = warning;

CREATE TABLE ev (learner int NOT NULL, skill int NOT NULL, at timestamptz NOT NULL, score float8 NOT NULL);
SELECT create_distributed_table('ev', 'learner');
INSERT INTO ev
SELECT g % 5000, g % 20, '2025-01-01'::timestamptz + (g / 7) * interval '1 hour', (g * 37) % 5
FROM generate_series(1, 400000) g;
-- the same rows in a plain table of the coordinator: the one-node answer
CREATE TABLE ev_local AS SELECT * FROM ev;

CREATE FUNCTION plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP plan := plan || line || E'\n'; END LOOP;
    RETURN plan;
END $$;

-- Seconds a query takes, consuming every column of every row (an unused
-- aggregate would be planned away)
CREATE FUNCTION seconds(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); n bigint;
BEGIN
    EXECUTE 'SELECT sum(length(q::text)) FROM (' || query || ') q' INTO n;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;

-- mastery_agg, two steps
SELECT matches(plan_of($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'decaying_average') FROM ev GROUP BY skill$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'mastery_agg grouped by a non-distribution column runs as worker_partial_agg + coord_combine_agg');
SELECT set_eq($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'decaying_average') FROM ev GROUP BY skill$$,
              $$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'decaying_average') FROM ev_local GROUP BY skill$$,
              'mastery_agg in two steps: the rollup equals one node');
SELECT set_eq($$SELECT skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev GROUP BY skill$$,
              $$SELECT skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev_local GROUP BY skill$$,
              'mastery_agg in two steps: the states equal one node''s');
SELECT is((SELECT mastery(mastery_agg(mastery_evidence(score, 4, at)), 'true_score') FROM ev),
          (SELECT mastery(mastery_agg(mastery_evidence(score, 4, at)), 'true_score') FROM ev_local),
          'mastery_agg over the whole table in two steps equals one node');
SELECT set_eq($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)) FILTER (WHERE learner % 3 = 0), 'median') FROM ev GROUP BY skill$$,
              $$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)) FILTER (WHERE learner % 3 = 0), 'median') FROM ev_local GROUP BY skill$$,
              'mastery_agg with FILTER in two steps equals one node');

-- run whole on the workers: grouped by the distribution column
SELECT set_eq($$SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev GROUP BY learner, skill$$,
              $$SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev_local GROUP BY learner, skill$$,
              'mastery_agg grouped by the distribution column equals one node');

-- stored states, merged with mastery_state_union in two steps
CREATE TABLE states (learner int NOT NULL, skill int NOT NULL, state mastery_state NOT NULL);
SELECT create_distributed_table('states', 'learner');
INSERT INTO states SELECT learner, skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev GROUP BY learner, skill;
CREATE TABLE states_local AS SELECT * FROM states;
SELECT matches(plan_of($$SELECT skill, mastery_state_union(state) FROM states GROUP BY skill$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'mastery_state_union grouped by a non-distribution column runs in two steps');
SELECT set_eq($$SELECT skill, mastery_state_union(state) FROM states GROUP BY skill$$,
              $$SELECT skill, mastery_state_union(state) FROM states_local GROUP BY skill$$,
              'mastery_state_union in two steps equals one node');
SELECT set_eq($$SELECT skill, mastery_state_union(state) FROM states GROUP BY skill$$,
              $$SELECT skill, mastery_agg(mastery_evidence(score, 4, at)) FROM ev_local GROUP BY skill$$,
              'merged per-learner states equal the states built from all evidence');

-- learner profiles of a table distributed by skill: per learner, two steps
CREATE TABLE ev_by_skill AS SELECT * FROM ev_local WHERE learner < 2000;
SELECT create_distributed_table('ev_by_skill', 'skill');
SELECT matches(plan_of($$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), 'decaying_average') FROM ev_by_skill GROUP BY learner$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'learner_profile grouped by a non-distribution column runs in two steps');
SELECT set_eq($$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), 'decaying_average') FROM ev_by_skill GROUP BY learner$$,
              $$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), 'decaying_average') FROM ev_local WHERE learner < 2000 GROUP BY learner$$,
              'learner_profile in two steps equals one node');
SELECT set_eq($$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), 'latest') FROM ev GROUP BY learner$$,
              $$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), 'latest') FROM ev_local GROUP BY learner$$,
              'learner_profile grouped by the distribution column equals one node');

-- a method per skill: the state's text form carries each skill's method
SELECT matches(plan_of($$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), (CASE WHEN skill < 10 THEN 'latest' ELSE 'decaying_average' END)::mastery_method) FROM ev_by_skill GROUP BY learner$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'learner_profile with a method per skill runs in two steps');
SELECT set_eq($$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), (CASE WHEN skill < 10 THEN 'latest' ELSE 'decaying_average' END)::mastery_method) FROM ev_by_skill GROUP BY learner$$,
              $$SELECT learner, learner_profile('s' || skill, mastery_evidence(score, 4, at), (CASE WHEN skill < 10 THEN 'latest' ELSE 'decaying_average' END)::mastery_method) FROM ev_local WHERE learner < 2000 GROUP BY learner$$,
              'learner_profile with a method per skill in two steps equals one node');
-- from raw columns: scores without out_of travel in the state's text form
SELECT matches(plan_of($$SELECT learner, learner_profile('s' || skill, score, at, 'decaying_average') FROM ev_by_skill GROUP BY learner$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'learner_profile from raw columns runs in two steps');
SELECT set_eq($$SELECT learner, learner_profile('s' || skill, score, at, 'decaying_average') FROM ev_by_skill GROUP BY learner$$,
              $$SELECT learner, learner_profile('s' || skill, score, at, 'decaying_average') FROM ev_local WHERE learner < 2000 GROUP BY learner$$,
              'learner_profile from raw columns in two steps equals one node');

-- internal-state aggregates: Citus pulls the rows, the answer stays exact
SELECT set_eq($$SELECT skill, bkt_fit(learner::text, at, score >= 3, 'restarts=2') FROM ev GROUP BY skill$$,
              $$SELECT skill, bkt_fit(learner::text, at, score >= 3, 'restarts=2') FROM ev_local GROUP BY skill$$,
              'bkt_fit on Citus equals one node');
SELECT set_eq($$SELECT skill, mastery(mastery_evidence(score, 4, at), 'power_law') FROM ev GROUP BY skill$$,
              $$SELECT skill, mastery(mastery_evidence(score, 4, at), 'power_law') FROM ev_local GROUP BY skill$$,
              'mastery(evidence, method) on Citus equals one node');
SELECT set_eq($$SELECT learner % 7, skill_graph_agg('s' || skill, 's' || (skill + 1 + learner % 3))::text FROM ev GROUP BY 1$$,
              $$SELECT learner % 7, skill_graph_agg('s' || skill, 's' || (skill + 1 + learner % 3))::text FROM ev_local GROUP BY 1$$,
              'skill_graph_agg on Citus equals one node');

-- instructional groups per section, the roster distributed by learner:
-- Citus gathers the rows, the groups equal one node's
CREATE TABLE roster AS
SELECT learner, learner % 20 AS section,
       learner_profile('s' || skill, mastery_evidence(score, 4, at), 'decaying_average') AS p
FROM ev_local WHERE learner < 600 GROUP BY learner;
CREATE TABLE roster_local AS SELECT * FROM roster;
SELECT create_distributed_table('roster', 'learner');
CREATE TABLE course AS SELECT skill_graph_agg('s' || k, 's' || (k + 1)) AS g FROM generate_series(0, 8) k;
SELECT set_eq($$SELECT section, instructional_groups(learner::text, p, g, 3, 4, 6) FROM roster, course GROUP BY section$$,
              $$SELECT section, instructional_groups(learner::text, p, g, 3, 4, 6) FROM roster_local, course GROUP BY section$$,
              'instructional_groups on Citus equals one node');
SELECT set_eq($$SELECT section, group_disproportionality(learner % 4, (learner % 3)::text) FROM roster GROUP BY section$$,
              $$SELECT section, group_disproportionality(learner % 4, (learner % 3)::text) FROM roster_local GROUP BY section$$,
              'group_disproportionality on Citus equals one node');

-- one large group on one shard: time grows with the rows, not their square
CREATE TABLE big (learner int NOT NULL, skill int NOT NULL, at timestamptz NOT NULL, score float8 NOT NULL);
SELECT create_distributed_table('big', 'learner');
INSERT INTO big SELECT 1, g % 2, '2025-01-01'::timestamptz + g * interval '1 minute', g % 5 FROM generate_series(1, 160000) g;
CREATE TABLE big_local AS SELECT * FROM big;
CREATE TEMP TABLE timing AS
SELECT rows, where_, min(seconds(format(
           'SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), ''average'') FROM %s WHERE at < %L GROUP BY skill',
           where_, '2025-01-01'::timestamptz + rows * interval '1 minute'))) AS s
FROM (VALUES (20000), (80000), (160000)) r(rows), (VALUES ('big'), ('big_local')) w(where_), generate_series(1, 3)
GROUP BY rows, where_;
SELECT matches(plan_of($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'average') FROM big WHERE at < '2025-03-01' GROUP BY skill$$),
               'worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg',
               'the large groups are aggregated in two steps');
SELECT cmp_ok((SELECT s FROM timing WHERE rows = 80000 AND where_ = 'big') /
              (SELECT s FROM timing WHERE rows = 20000 AND where_ = 'big'), '<', 8.0::float8,
              '4 times the rows of one group take less than 8 times as long (a copy per row: 16 times)');
SELECT set_eq($$SELECT skill, mastery_agg(mastery_evidence(score, 4, at)) FROM big GROUP BY skill$$,
              $$SELECT skill, mastery_agg(mastery_evidence(score, 4, at)) FROM big_local GROUP BY skill$$,
              'the large groups equal one node');
SELECT cmp_ok((SELECT s FROM timing WHERE rows = 160000 AND where_ = 'big'), '<',
              20 * (SELECT s FROM timing WHERE rows = 160000 AND where_ = 'big_local') + 1,
              'a group of 80,000 rows on Citus takes a small multiple of one node''s time');

-- what the README's scale-out table reports
SELECT diag(format('groups of %s rows, mastery_agg + average: %s %s s',
                   rows / 2, CASE WHEN where_ = 'big' THEN 'Citus (two steps, one shard)' ELSE 'one node' END,
                   round(s::numeric, 3)))
FROM timing ORDER BY rows, where_;
SELECT diag(format('400,000 rows, 20 groups, mastery_agg + decaying_average: Citus (2 workers, 32 shards) %s s, one node %s s',
                   round(seconds($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'decaying_average') FROM ev GROUP BY skill$$)::numeric, 3),
                   round(seconds($$SELECT skill, mastery(mastery_agg(mastery_evidence(score, 4, at)), 'decaying_average') FROM ev_local GROUP BY skill$$)::numeric, 3)));
SELECT diag(format('100,000 stored states merged by skill (mastery_state_union): Citus %s s, one node %s s',
                   round(seconds($$SELECT skill, mastery_state_union(state) FROM states GROUP BY skill$$)::numeric, 3),
                   round(seconds($$SELECT skill, mastery_state_union(state) FROM states_local GROUP BY skill$$)::numeric, 3)));

SELECT ok(true, 'the coordinator is still up after every query');
SELECT * FROM finish();
