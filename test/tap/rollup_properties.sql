-- Properties of the rollups: agreement with independent SQL formulations,
-- order and plan independence, exact rounding, round trips.
BEGIN;
SELECT plan(18);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.42);

-- 300 streams of 1 to 40 scores out of 4, with ties in time, in time order
CREATE TEMP TABLE ev AS
SELECT l AS learner, k, (floor(random() * 9) / 2)::float8 AS score,
       '2024-09-01'::timestamptz + (k / 2) * interval '1 day' AS observed_at
FROM generate_series(1, 300) l, LATERAL generate_series(1, 1 + (l * 7) % 40) k;
-- in every stream, order by (observed_at, score) as the contract says
CREATE TEMP TABLE ev_ordered AS
SELECT learner, score, observed_at,
       row_number() OVER (PARTITION BY learner ORDER BY observed_at, score) AS pos,
       count(*) OVER (PARTITION BY learner) AS n
FROM ev;

-- average = avg(), highest = max(), median = percentile_cont(0.5)
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(score, observed_at, 'average') AS m, avg(score) AS a
                                 FROM ev GROUP BY learner) s WHERE abs(m - a) > 1e-12), 0::bigint,
          'average agrees with avg() on every stream');
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(score, observed_at, 'highest') AS m, max(score) AS a
                                 FROM ev GROUP BY learner) s WHERE m <> a), 0::bigint,
          'highest agrees with max()');
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(score, observed_at, 'median') AS m,
                                        percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS a
                                 FROM ev GROUP BY learner) s WHERE abs(m - a) > 1e-12), 0::bigint,
          'median agrees with percentile_cont(0.5)');
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(score, observed_at, 'latest') AS m,
                                        (array_agg(score ORDER BY observed_at DESC, score DESC))[1] AS a
                                 FROM ev GROUP BY learner) s WHERE m <> a), 0::bigint,
          'latest is the last score in (observed_at, score) order');
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(score, observed_at, 'mean_recent(n=3)') AS m,
                                        avg(score) FILTER (WHERE pos > n - 3) AS a
                                 FROM ev_ordered GROUP BY learner) s WHERE abs(m - a) > 1e-12), 0::bigint,
          'mean_recent(n=3) is the mean of the last three');

-- decaying_average = the recursive definition D1 = s1, Dk = 0.35 D(k-1) + 0.65 sk
SELECT is((SELECT count(*) FROM (
	WITH RECURSIVE d(learner, pos, n, value) AS (
		SELECT learner, pos, n, score FROM ev_ordered WHERE pos = 1
		UNION ALL
		SELECT d.learner, e.pos, d.n, 0.35 * d.value + 0.65 * e.score
		FROM d JOIN ev_ordered e ON e.learner = d.learner AND e.pos = d.pos + 1)
	SELECT d.learner, d.value, m.value AS m
	FROM d JOIN (SELECT learner, mastery(score, observed_at, 'decaying_average') AS value FROM ev GROUP BY learner) m
	  USING (learner)
	WHERE d.pos = d.n AND abs(d.value - m.value) > 1e-12) s), 0::bigint,
	'decaying_average agrees with its recursive definition in SQL');

-- weighted_average = 0.65 * latest + 0.35 * mean of the others
SELECT is((SELECT count(*) FROM (
	SELECT learner, mastery(score, observed_at, 'weighted_average') AS m,
	       CASE WHEN max(n) = 1 THEN max(score)
	            ELSE 0.65 * max(score) FILTER (WHERE pos = n) + 0.35 * avg(score) FILTER (WHERE pos < n) END AS a
	FROM ev_ordered GROUP BY learner) s WHERE abs(m - a) > 1e-12), 0::bigint,
	'weighted_average agrees with its definition');

-- power_law = exp(intercept + slope * ln n) of the least squares fit of ln s on ln k
-- (regr_slope and regr_intercept are PostgreSQL's own); scores of 0 count as 0.04
SELECT is((SELECT count(*) FROM (
	SELECT learner,
	       mastery(mastery_evidence(score, 4, observed_at), 'power_law') AS m,
	       CASE WHEN max(n) = 1 THEN max(score)
	            ELSE least(4, greatest(0, exp(regr_intercept(ln(greatest(score, 0.04)), ln(pos))
	                                          + regr_slope(ln(greatest(score, 0.04)), ln(pos)) * ln(max(n))))) END AS a
	FROM ev_ordered GROUP BY learner) s WHERE abs(m - a) > 1e-9), 0::bigint,
	'power_law agrees with regr_slope/regr_intercept of ln(score) on ln(k)');

-- bkt = the Corbett & Anderson recursion written in SQL
SELECT is((SELECT count(*) FROM (
	WITH RECURSIVE p(learner, pos, n, known) AS (
		SELECT learner, 0::bigint, max(n), 0.3::float8 FROM ev_ordered GROUP BY learner
		UNION ALL
		SELECT p.learner, e.pos, p.n,
		       post * (1 - 0.05) + (1 - post) * 0.1
		FROM p JOIN ev_ordered e ON e.learner = p.learner AND e.pos = p.pos + 1,
		     LATERAL (SELECT CASE WHEN e.score / 4 >= 0.5
		                          THEN p.known * 0.9 / (p.known * 0.9 + (1 - p.known) * 0.2)
		                          ELSE p.known * 0.1 / (p.known * 0.1 + (1 - p.known) * 0.8) END AS post) x)
	SELECT p.learner FROM p
	JOIN (SELECT learner, mastery(mastery_evidence(score, 4, observed_at),
	                              'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, p_forget=0.05)') AS value
	      FROM ev GROUP BY learner) m USING (learner)
	WHERE p.pos = p.n AND abs(p.known - m.value) > 1e-12) s), 0::bigint,
	'bkt agrees with the knowledge tracing recursion in SQL');

-- round=d is round(x::numeric, d)::float8, on values with long expansions
SELECT is((SELECT count(*) FROM (
	SELECT i, x, d, mastery(x, '2024-09-01', ('latest(round=' || d || ')')::mastery_method) AS m
	FROM (SELECT i, random() * 10 ^ (floor(random() * 8) - 3) AS x FROM generate_series(1, 2000) i) v,
	     generate_series(0, 6) d
	GROUP BY i, x, d) s
	WHERE m <> round(x::numeric, d)::float8), 0::bigint,
	'round=d equals round(x::numeric, d) on 14000 values');
SELECT is((SELECT mastery(x, '2024-09-01', 'latest(round=2)') FROM (VALUES (2.675::float8)) v(x)), 2.68::float8,
          'a decimal half rounds away from zero although the double nearest 2.675 lies below it');

-- Order independence: the same evidence in three physical orders, same results
CREATE TEMP TABLE results_by_order AS
SELECT o, learner, m, mastery(mastery_evidence(score, 4, observed_at), m::mastery_method) AS value
FROM (SELECT 1 AS o, * FROM (SELECT * FROM ev ORDER BY learner, observed_at, score) a
      UNION ALL SELECT 2, * FROM (SELECT * FROM ev ORDER BY md5(k::text || learner)) b
      UNION ALL SELECT 3, * FROM (SELECT * FROM ev ORDER BY observed_at DESC, score DESC) c) e,
     (VALUES ('decaying_average'), ('weighted_average'), ('mode(tie=recent)'), ('power_law(at=next)'),
             ('true_score'), ('n_mastery(n=3, threshold=3)'), ('mean_recent'),
             ('bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)')) methods(m)
GROUP BY o, learner, m;
SELECT is((SELECT count(*) FROM results_by_order a JOIN results_by_order b USING (learner, m)
           WHERE a.o = 1 AND b.o > 1 AND a.value IS DISTINCT FROM b.value), 0::bigint,
          'every method gives the same result whatever the input order');

-- Plan independence: forced parallel partial aggregation equals the serial plan
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
-- a regular table: parallel workers cannot scan temporary tables
CREATE TABLE ev_big AS SELECT * FROM ev, generate_series(1, 20) rep ORDER BY md5(k::text || learner || rep);
ANALYZE ev_big;
SELECT results_eq(
	$$SELECT learner, rep, mastery(score, observed_at, 'true_score') FROM ev_big GROUP BY learner, rep ORDER BY 1, 2$$,
	$$SELECT learner, rep, mastery(score, observed_at, 'true_score') FROM (SELECT * FROM ev_big ORDER BY observed_at) s
	  GROUP BY learner, rep ORDER BY 1, 2$$,
	'parallel partial aggregation over shuffled rows equals aggregation over ordered rows');
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS
$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END$$;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of($$SELECT learner, rep, mastery(score, observed_at, 'true_score')
                                                  FROM ev_big GROUP BY learner, rep$$) line
                  WHERE line LIKE '%Partial%Aggregate%'),
          'that plan really aggregates partially in the workers');

-- Long streams cross many storage segments; an override arriving after them
-- turns on per-item terms: the average counts only the override and later
CREATE TEMP TABLE long_stream AS
SELECT i, mastery_evidence((i % 5)::float8, 4, '2024-01-01'::timestamptz + i * interval '1 minute', 1,
                           CASE WHEN i = 4000 THEN 'override' ELSE 'assessment' END) AS e
FROM generate_series(1, 5000) i;
SELECT is((SELECT mastery(e, 'average') FROM (SELECT e FROM long_stream ORDER BY i) s),
          (SELECT avg(i % 5)::float8 FROM long_stream WHERE i >= 4000),
          'override after 3999 pieces of evidence, in time order');
SELECT is((SELECT mastery(e, 'average') FROM (SELECT e FROM long_stream ORDER BY md5(i::text)) s),
          (SELECT avg(i % 5)::float8 FROM long_stream WHERE i >= 4000),
          'the same, shuffled');

-- Round trips through text, jsonb and binary (send/recv) for random evidence
CREATE TEMP TABLE samples AS
SELECT mastery_evidence(s, o, t, w, k) AS e
FROM (SELECT random() * 100 AS o, random() AS f,
             '2000-01-01'::timestamptz + random() * interval '30 years' AS t,
             (random() * 10 + 0.001)::real AS w,
             (ARRAY['assessment','practice','observation','self','behavior','override'])[1 + floor(random() * 6)] AS k
      FROM generate_series(1, 2000)) v, LATERAL (SELECT f * o AS s) x WHERE o > 0;
SELECT is((SELECT count(*) FROM samples WHERE e::text::mastery_evidence <> e), 0::bigint, 'text round trip is exact');
SELECT is((SELECT count(*) FROM samples WHERE e::jsonb::mastery_evidence <> e), 0::bigint, 'jsonb round trip is exact');

SELECT * FROM finish();
ROLLBACK;
