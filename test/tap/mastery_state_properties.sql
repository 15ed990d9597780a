-- Properties of stored states: the same results as the evidence, as-of
-- equals recomputation, merging in any grouping and order, incremental
-- refresh with late evidence equals a full recompute, parallel building.
BEGIN;
SELECT plan(14);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.17);

-- 200 streams, mixed out_of, weights, overrides and ties in time
CREATE TEMP TABLE ev AS
SELECT l AS learner, s AS skill, k,
       mastery_evidence(CASE WHEN k % 7 = 0 THEN floor(random() * 101) ELSE floor(random() * 5) END,
                        CASE WHEN k % 7 = 0 THEN 100 ELSE 4 END,
                        '2024-09-01'::timestamptz + (k / 2) * interval '1 day',
                        CASE WHEN k % 5 = 0 THEN 2 ELSE 1 END,
                        CASE WHEN k = 9 AND l % 4 = 0 THEN 'override' ELSE 'assessment' END) AS e
FROM generate_series(1, 50) l, generate_series(1, 4) s, LATERAL generate_series(1, 1 + (l * 3 + s) % 25) k;
CREATE TEMP TABLE methods (m mastery_method);
INSERT INTO methods SELECT method::mastery_method FROM (VALUES ('latest'), ('highest'), ('average'),
	('weighted_average'), ('decaying_average(weight=0.4)'), ('n_mastery(n=2, threshold=3)'), ('mode(tie=recent)'),
	('median'), ('mean_recent(n=4)'), ('power_law(at=next)'), ('true_score'),
	('bkt(p_init=0.2, p_learn=0.1, p_guess=0.25, p_slip=0.1)'), ('average(min_evidence=3, round=2)')) v(method);
CREATE TEMP TABLE states AS SELECT learner, skill, mastery_agg(e) AS state FROM ev GROUP BY learner, skill;

SELECT is((SELECT count(*) FROM states s, methods
           WHERE mastery(s.state, m) IS DISTINCT FROM
                 (SELECT mastery(e, m) FROM ev WHERE ev.learner = s.learner AND ev.skill = s.skill)),
          0::bigint, 'mastery(state, m) equals mastery(evidence, m) for every method and stream');

SELECT is((SELECT count(*) FROM states s, methods, (VALUES ('2024-09-03'::timestamptz), ('2024-09-06'), ('2024-09-09 12:00')) d(as_of)
           WHERE mastery_at(s.state, m, as_of) IS DISTINCT FROM
                 (SELECT mastery(e, m) FROM ev WHERE ev.learner = s.learner AND ev.skill = s.skill
                                                  AND observed_at(e) <= as_of)),
          0::bigint, 'mastery_at(state, m, t) equals recomputing over evidence observed by t');

SELECT is((SELECT count(*) FROM states WHERE evidence_count(state) <> (SELECT count(*) FROM ev WHERE ev.learner = states.learner AND ev.skill = states.skill)),
          0::bigint, 'evidence_count counts every piece');
SELECT is((SELECT count(*) FROM states WHERE last_observed(state) <> (SELECT max(observed_at(e)) FROM ev WHERE ev.learner = states.learner AND ev.skill = states.skill)),
          0::bigint, 'last_observed is the latest observed_at');

-- Merging: split each stream in three by k, merge in every grouping and order
CREATE TEMP TABLE parts AS
SELECT learner, skill, k % 3 AS part, mastery_agg(e) AS state FROM ev GROUP BY learner, skill, k % 3;
SELECT is((SELECT count(*) FROM states s
           JOIN (SELECT learner, skill,
                        (a.state || b.state) || c.state AS left_first,
                        a.state || (b.state || c.state) AS right_first,
                        c.state || (a.state || b.state) AS other_order
                 FROM parts a JOIN parts b USING (learner, skill) JOIN parts c USING (learner, skill)
                 WHERE a.part = 0 AND b.part = 1 AND c.part = 2) m USING (learner, skill)
           WHERE m.left_first::text <> s.state::text OR m.right_first::text <> s.state::text
              OR m.other_order::text <> s.state::text),
          0::bigint, '|| is associative and order-independent: every grouping gives the full state');
SELECT is((SELECT count(*) FROM states s
           JOIN (SELECT learner, skill, mastery_state_union(state ORDER BY part DESC) AS u FROM parts GROUP BY learner, skill) m
             USING (learner, skill) WHERE m.u::text <> s.state::text),
          0::bigint, 'mastery_state_union of the parts is the full state');

-- Explanations reproduce linear results
SELECT is((SELECT count(*) FROM states s, methods
           WHERE m::text IN ('latest', 'highest', 'average', 'weighted_average(weight=0.65)', 'decaying_average(weight=0.4)',
                             'mode(tie=recent)', 'median', 'mean_recent(n=4)', 'n_mastery(n=2, threshold=3)')
             AND abs(coalesce((SELECT sum(weight_in_result * score) FROM mastery_explain(s.state, m)), 0)
                     - coalesce(mastery(s.state, m), 0)) > 1e-9),
          0::bigint, 'weight_in_result * score adds up to the result for every linear method');
SELECT is((SELECT count(*) FROM states s, methods, LATERAL mastery_explain(s.state, m) x
           WHERE x.value_after IS DISTINCT FROM mastery_at(s.state, m, x.observed_at)
             AND x.ordinal = (SELECT max(ordinal) FROM mastery_explain(s.state, m) y WHERE y.observed_at = x.observed_at)),
          0::bigint, 'value_after is mastery_at the time of that evidence');

-- Incremental refresh: states of the first 80% of evidence, then the rest
-- (including late evidence observed before what is stored) merged with ||
-- in one INSERT ... ON CONFLICT; the result equals a full recompute
CREATE TEMP TABLE mastery_states (learner int, skill int, state mastery_state, PRIMARY KEY (learner, skill));
INSERT INTO mastery_states SELECT learner, skill, mastery_agg(e) FROM ev WHERE (k * 7919) % 10 < 8 GROUP BY learner, skill;
INSERT INTO mastery_states AS t
SELECT learner, skill, mastery_agg(e) FROM ev WHERE (k * 7919) % 10 >= 8 GROUP BY learner, skill
ON CONFLICT (learner, skill) DO UPDATE SET state = t.state || EXCLUDED.state;
SELECT is((SELECT count(*) FROM mastery_states m JOIN states s USING (learner, skill) WHERE m.state::text = s.state::text),
          (SELECT count(*) FROM states), 'incremental refresh with late evidence equals the full recompute');
SELECT ok((SELECT count(*) FROM ev WHERE (k * 7919) % 10 >= 8
           AND observed_at(e) < (SELECT max(observed_at(e2.e)) FROM ev e2 WHERE e2.learner = ev.learner AND e2.skill = ev.skill AND (e2.k * 7919) % 10 < 8)) > 0,
          'the second load really had late evidence');

-- Window use: running states and moving frames (which restart the
-- aggregate and reset its memory) give what recomputation gives
SELECT is((SELECT count(*) FROM (
	SELECT learner, skill, k,
	       mastery(mastery_agg(e) OVER w, 'decaying_average') AS running,
	       (SELECT mastery(e2.e, 'decaying_average') FROM ev e2
	        WHERE e2.learner = ev.learner AND e2.skill = ev.skill AND e2.k <= ev.k) AS recomputed
	FROM ev WINDOW w AS (PARTITION BY learner, skill ORDER BY k)) r
	WHERE running IS DISTINCT FROM recomputed), 0::bigint,
	'a running mastery_agg over a window equals recomputing each prefix');
SELECT is((SELECT count(*) FROM (
	SELECT evidence_count(mastery_agg(e) OVER (PARTITION BY learner, skill ORDER BY k ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)) AS c,
	       least(3, row_number() OVER (PARTITION BY learner, skill ORDER BY k)) AS expected
	FROM ev) r WHERE c <> expected), 0::bigint,
	'a moving frame of three rows holds three pieces of evidence');

-- Parallel: mastery_agg under forced partial aggregation equals serial
CREATE TABLE ev_big AS SELECT learner, skill, rep, e FROM ev, generate_series(1, 10) rep ORDER BY md5(k::text || learner || rep);
ANALYZE ev_big;
CREATE TEMP TABLE serial_states AS SELECT learner, skill, rep, mastery_agg(e)::text AS s FROM ev_big GROUP BY 1, 2, 3;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS
$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END$$;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT learner, skill, rep, mastery_agg(e) FROM ev_big GROUP BY 1, 2, 3') l
                  WHERE l LIKE '%Partial%Aggregate%'), 'mastery_agg aggregates partially in parallel workers');
SELECT is((SELECT count(*) FROM (SELECT learner, skill, rep, mastery_agg(e)::text AS s FROM ev_big GROUP BY 1, 2, 3) p
           JOIN serial_states USING (learner, skill, rep) WHERE p.s = serial_states.s),
          (SELECT count(*) FROM serial_states), 'parallel mastery_agg equals serial');

SELECT * FROM finish();
ROLLBACK;
