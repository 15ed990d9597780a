-- Knowledge tracing on real data: five skills of the ASSISTments 2009
-- skill builder (test/fixtures/README.md has the citation) against the fits
-- of pyBKT 1.4.2 (C++ back end, standard BKT, one sequence per skill and
-- user ordered by order_id).  From pyBKT's fixed start with its own stop
-- rule the parameters must equal pyBKT's to 1e-5; the float stop rule must
-- reach at least pyBKT's log-likelihood; the default fit (restarts) at
-- least pyBKT's best of five random starts.  Then the per-row predictions
-- against the formula written in SQL, and the fitted method in mastery().
BEGIN;
SELECT plan(28);
SET LOCAL client_min_messages = warning;

CREATE FUNCTION pg_temp.explain_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;

CREATE TEMP TABLE assist (user_id bigint, skill_id int, skill_name text, correct int, order_id bigint, split text);
\copy assist FROM 'test/fixtures/assistments/assist2009_5skills.csv' WITH (FORMAT csv, HEADER true)

-- pyBKT's fits: from the fixed start (prior 0.5, learn 0.1, guess 0.2,
-- slip 0.1) with its integer stop rule, and the best of five random starts
CREATE TEMP TABLE pybkt (skill_id int, prior float8, learn float8, guess float8, slip float8, ll float8,
                         esteps int, best_ll float8);
INSERT INTO pybkt VALUES
 (7,  0.105853, 0.014820, 0.582052, 0.000036,  -6316.2103, 14,  -6316.1727),
 (88, 0.891481, 0.012751, 0.024877, 0.022368,  -1540.4239,  6,  -1540.4194),
 (82, 0.735541, 0.091794, 0.124611, 0.190414,  -6076.0744, 11,  -6075.5810),
 (44, 0.059631, 0.013014, 0.534182, 0.000716, -10489.7137, 16, -10489.6923),
 (98, 0.602198, 0.029658, 0.350510, 0.226399, -14194.3348,  8, -14194.3184);

CREATE TEMP TABLE fits AS
SELECT skill_id,
       bkt_fit(user_id::text, order_id, correct = 1, 'init=(0.5, 0.1, 0.2, 0.1), pybkt_compat') AS compat,
       bkt_fit(user_id::text, order_id, correct = 1, 'init=(0.5, 0.1, 0.2, 0.1)') AS fixed_start,
       bkt_fit(user_id::text, order_id, correct = 1) AS fit
FROM assist GROUP BY skill_id;

SELECT is((SELECT count(*) FROM fits), 5::bigint, 'one fit per skill');
SELECT is((SELECT count(*) FROM fits f JOIN pybkt p USING (skill_id)
           WHERE abs((f.compat).p_init - p.prior) < 1e-5 AND abs((f.compat).p_learn - p.learn) < 1e-5
             AND abs((f.compat).p_guess - p.guess) < 1e-5 AND abs((f.compat).p_slip - p.slip) < 1e-5),
          5::bigint, 'pybkt_compat from the fixed start: p_init, p_learn, p_guess and p_slip equal pyBKT''s to 1e-5 on every skill');
SELECT is((SELECT count(*) FROM fits f JOIN pybkt p USING (skill_id)
           WHERE (f.compat).iterations = p.esteps AND abs((f.compat).log_likelihood - p.ll) < 1e-3
             AND (f.compat).p_forget = 0),
          5::bigint, 'pybkt_compat: the same number of E-steps, the same log-likelihood, no forgetting');
SELECT is((SELECT count(*) FROM fits f JOIN pybkt p USING (skill_id)
           WHERE (f.fixed_start).log_likelihood >= p.ll),
          5::bigint, 'the float stop rule from the same start reaches at least pyBKT''s log-likelihood on every skill');
SELECT is((SELECT count(*) FROM fits f JOIN pybkt p USING (skill_id)
           WHERE (f.fit).log_likelihood >= p.best_ll),
          5::bigint, 'the default fit (random restarts) reaches at least pyBKT''s best of five on every skill');

-- the log-likelihood returned is the true one at the returned parameters:
-- the forward algorithm written in SQL over the same sequences
CREATE TEMP TABLE seqs AS
SELECT skill_id, user_id, correct, row_number() OVER (PARTITION BY skill_id, user_id ORDER BY order_id) AS t
FROM assist;
CREATE FUNCTION pg_temp.loglik(sk int, p bkt_params) RETURNS float8 LANGUAGE sql AS $$
    WITH RECURSIVE f(user_id, t, known, ll) AS (
        SELECT s.user_id, s.t,
               -- P(known | first response), then the learning step
               CASE WHEN s.correct = 1 THEN p.p_init * (1 - p.p_slip) / (p.p_init * (1 - p.p_slip) + (1 - p.p_init) * p.p_guess)
                    ELSE p.p_init * p.p_slip / (p.p_init * p.p_slip + (1 - p.p_init) * (1 - p.p_guess)) END,
               ln(CASE WHEN s.correct = 1 THEN p.p_init * (1 - p.p_slip) + (1 - p.p_init) * p.p_guess
                       ELSE p.p_init * p.p_slip + (1 - p.p_init) * (1 - p.p_guess) END)
        FROM seqs s WHERE s.skill_id = sk AND s.t = 1
        UNION ALL
        SELECT s.user_id, s.t, x.post, f.ll + ln(x.pc)
        FROM f JOIN seqs s ON s.skill_id = sk AND s.user_id = f.user_id AND s.t = f.t + 1,
             LATERAL (SELECT f.known * (1 - p.p_forget) + (1 - f.known) * p.p_learn AS k) kk,
             LATERAL (SELECT CASE WHEN s.correct = 1 THEN kk.k * (1 - p.p_slip) + (1 - kk.k) * p.p_guess
                                  ELSE kk.k * p.p_slip + (1 - kk.k) * (1 - p.p_guess) END AS pc) c,
             LATERAL (SELECT CASE WHEN s.correct = 1 THEN kk.k * (1 - p.p_slip) / c.pc
                                  ELSE kk.k * p.p_slip / c.pc END AS post, c.pc) x
    )
    SELECT sum(ll) FROM (SELECT DISTINCT ON (user_id) ll FROM f ORDER BY user_id, t DESC) last
$$;
SELECT is((SELECT count(*) FROM fits f WHERE f.skill_id IN (82, 98)
           AND abs(pg_temp.loglik(f.skill_id, f.fit) - (f.fit).log_likelihood) < 1e-6
           AND abs(pg_temp.loglik(f.skill_id, f.compat) - (f.compat).log_likelihood) < 1e-6),
          2::bigint, 'log_likelihood is the forward algorithm''s at the returned parameters');

-- Guardrails: Venn Diagram's best fit is degenerate (guess 0.58 > 0.5);
-- bounding guess and slip keeps the fit within the bounds
SELECT is((SELECT (fit).degenerate FROM fits WHERE skill_id = 7), true, 'Venn Diagram''s best fit is flagged degenerate');
SELECT is((SELECT (fit).degenerate FROM fits WHERE skill_id = 88), false, 'Area Rectangle''s fit is not degenerate');
SELECT ok((SELECT (b).p_guess <= 0.3 AND (b).p_slip <= 0.1 AND NOT (b).degenerate
           FROM (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'max_guess=0.3, max_slip=0.1') AS b
                 FROM assist WHERE skill_id = 7) x),
          'max_guess and max_slip bound the fit, which is then not degenerate');

-- Determinism: the same seed gives the same fit in any row order; the
-- timestamptz form orders like the bigint one
SELECT is((SELECT bkt_fit(user_id::text, order_id, correct = 1, 'restarts=3, seed=9')
           FROM (SELECT * FROM assist WHERE skill_id = 82 ORDER BY random()) r),
          (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'restarts=3, seed=9')
           FROM (SELECT * FROM assist WHERE skill_id = 82 ORDER BY order_id DESC) r),
          'the same seed gives the same fit whatever order the rows arrive in');
SELECT is((SELECT bkt_fit(user_id::text, timestamptz '2009-09-01' + order_id * interval '1 second', correct = 1, 'restarts=2')
           FROM assist WHERE skill_id = 88),
          (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'restarts=2') FROM assist WHERE skill_id = 88),
          'ordering by observed_at gives the fit of ordering by seq');
SELECT isnt((SELECT bkt_fit(user_id::text, order_id, correct = 1, 'restarts=1, seed=1') FROM assist WHERE skill_id = 82),
            (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'restarts=1, seed=2') FROM assist WHERE skill_id = 82),
            'another seed starts elsewhere');
SELECT ok((SELECT (bkt_fit(user_id::text, order_id, correct = 1, 'restarts=10')).log_likelihood
           >= (SELECT (fit).log_likelihood FROM fits WHERE skill_id = 82) - 1e-9
           FROM assist WHERE skill_id = 82),
          'ten restarts (the first five the default''s) reach at least the default''s log-likelihood');

-- forgets: a fitted p_forget, and a likelihood at least that of no forgetting
SELECT ok((SELECT (b).p_forget > 0 AND (b).log_likelihood >= (SELECT (fit).log_likelihood FROM fits WHERE skill_id = 98) - 1e-6
           FROM (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'forgets, restarts=5') AS b
                 FROM assist WHERE skill_id = 98) x),
          'with forgets, p_forget is fitted and the likelihood does not drop');

-- A missing response (NULL correct) is a step without an observation: it
-- counts as neither right nor wrong but the skill may be learned there
SELECT isnt((SELECT bkt_fit(user_id::text, order_id, CASE WHEN order_id % 5 = 0 THEN NULL ELSE correct = 1 END, 'init=(0.5,0.1,0.2,0.1)')
             FROM assist WHERE skill_id = 82),
            (SELECT bkt_fit(user_id::text, order_id, correct = 1, 'init=(0.5,0.1,0.2,0.1)')
             FROM assist WHERE skill_id = 82 AND order_id % 5 <> 0),
            'a missing response is not the same as no row: the step still happens');

-- Per-row predictions: bkt_state is P(known) before the row given the rows
-- before it; compare with the recursion written in SQL, P(known) and
-- P(unknown) carried apart (1 - P(known) has no digits left once P(known)
-- is within 1e-16 of 1, and a recursion that takes it so freezes there)
CREATE TEMP TABLE traced AS
SELECT s.user_id, s.t, s.correct,
       bkt_state(s.correct = 1, f.fit) OVER w AS state,
       bkt_correct(s.correct = 1, f.fit) OVER w AS predicted,
       f.fit
FROM seqs s JOIN fits f USING (skill_id)
WHERE s.skill_id = 88
WINDOW w AS (PARTITION BY s.user_id ORDER BY s.t);
-- in numeric (a float8 P(unknown) would underflow on long runs), to 40
-- significant digits
CREATE FUNCTION pg_temp.sig(x numeric) RETURNS numeric LANGUAGE sql AS $$
    SELECT CASE WHEN x = 0 THEN 0 ELSE round(x, 40 - floor(log(abs(x)))::int) END $$;
CREATE TEMP TABLE by_sql AS
WITH RECURSIVE r(user_id, t, k, u, fit) AS (
    SELECT user_id, t, (fit).p_init::numeric, 1 - (fit).p_init::numeric, fit FROM traced WHERE t = 1
    UNION ALL
    SELECT n.user_id, n.t,
           pg_temp.sig((x.a * (1 - (r.fit).p_forget::numeric) + x.b * (r.fit).p_learn::numeric) / (x.a + x.b)),
           pg_temp.sig((x.b * (1 - (r.fit).p_learn::numeric) + x.a * (r.fit).p_forget::numeric) / (x.a + x.b)), r.fit
    FROM r JOIN traced p ON p.user_id = r.user_id AND p.t = r.t
    JOIN traced n ON n.user_id = r.user_id AND n.t = r.t + 1,
    LATERAL (SELECT r.k * CASE WHEN p.correct = 1 THEN 1 - (r.fit).p_slip::numeric ELSE (r.fit).p_slip::numeric END AS a,
                    r.u * CASE WHEN p.correct = 1 THEN (r.fit).p_guess::numeric ELSE 1 - (r.fit).p_guess::numeric END AS b) x
)
SELECT user_id, t, (k / (k + u))::float8 AS state FROM r;
SELECT is((SELECT count(*) FROM traced), (SELECT count(*) FROM assist WHERE skill_id = 88), 'a prediction for every row');
SELECT is((SELECT count(*) FROM traced t JOIN by_sql s USING (user_id, t) WHERE abs(t.state - s.state) < 1e-12),
          (SELECT count(*) FROM traced), 'bkt_state follows the BKT recursion on every row of every learner');
SELECT is((SELECT count(*) FROM traced WHERE abs(predicted - ((fit).p_guess * (1 - state) + (1 - (fit).p_slip) * state)) < 1e-15),
          (SELECT count(*) FROM traced), 'bkt_correct is p_guess * (1 - state) + (1 - p_slip) * state');
SELECT is((SELECT count(*) FROM traced WHERE t = 1 AND state = (fit).p_init),
          (SELECT count(DISTINCT user_id) FROM traced), 'the first row of each learner predicts p_init');

-- The fitted parameters as a mastery method: mastery() after a learner's
-- last response equals the window's prediction for a following row
SELECT is((WITH ext AS (
               SELECT user_id, t, correct = 1 AS c FROM seqs WHERE skill_id = 88
               UNION ALL
               SELECT user_id, max(t) + 1, NULL FROM seqs WHERE skill_id = 88 GROUP BY user_id),
           st AS (
               SELECT user_id, t, bkt_state(c, (SELECT fit FROM fits WHERE skill_id = 88))
                                  OVER (PARTITION BY user_id ORDER BY t) AS s
               FROM ext),
           after_last AS (SELECT DISTINCT ON (user_id) user_id, s FROM st ORDER BY user_id, t DESC),
           m AS (
               SELECT user_id, mastery(correct::float8, timestamptz '2009-09-01' + t * interval '1 day',
                                       (SELECT fit FROM fits WHERE skill_id = 88)::mastery_method) AS m
               FROM seqs WHERE skill_id = 88 GROUP BY user_id)
           SELECT count(*) FROM m JOIN after_last a USING (user_id) WHERE abs(m.m - a.s) < 1e-9),
          (SELECT count(DISTINCT user_id) FROM traced),
          'mastery() with the fitted method equals bkt_state after the last response');

-- Profiles on fitted BKT: every skill rolled up with its own fitted
-- parameters equals mastery() with that skill's method
CREATE TEMP TABLE fitted_profile AS
SELECT s.user_id, learner_profile(f.skill_id::text, mastery_evidence(s.correct, 1, timestamptz '2009-09-01' + s.t * interval '1 second'),
                                  f.fit::mastery_method) AS p
FROM seqs s JOIN fits f USING (skill_id)
WHERE s.user_id % 10 = 0
GROUP BY s.user_id;
SELECT is((SELECT count(*) FROM (
               SELECT s.user_id, s.skill_id,
                      mastery(mastery_evidence(s.correct, 1, timestamptz '2009-09-01' + s.t * interval '1 second'), f.fit::mastery_method) AS m
               FROM seqs s JOIN fits f USING (skill_id) WHERE s.user_id % 10 = 0 GROUP BY s.user_id, s.skill_id, f.fit) x
           JOIN fitted_profile fp USING (user_id)
           WHERE fp.p -> x.skill_id::text = x.m),
          (SELECT count(*) FROM (SELECT DISTINCT user_id, skill_id FROM seqs WHERE user_id % 10 = 0) d),
          'a profile on fitted BKT rolls each skill up with its own parameters, as mastery() does');

-- Parallel partial states (several workers, sequences split between them)
-- give the serial fit
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
CREATE TABLE assist_heap AS SELECT * FROM assist;
ANALYZE assist_heap;
SELECT ok((SELECT bool_or(l ~ 'Partial (Hash|Group)?Aggregate')
           FROM (SELECT * FROM pg_temp.explain_lines('SELECT skill_id, bkt_fit(user_id::text, order_id, correct = 1, ''restarts=2'') FROM assist_heap GROUP BY skill_id')) e(l)),
          'the parallel plan aggregates partially');
SELECT is((SELECT array_agg(b ORDER BY skill_id)::text FROM (
               SELECT skill_id, bkt_fit(user_id::text, order_id, correct = 1, 'restarts=2') b FROM assist_heap GROUP BY skill_id) x),
          (SELECT array_agg(b ORDER BY skill_id)::text FROM (
               SELECT skill_id, bkt_fit(user_id::text, order_id, correct = 1, 'restarts=2') b FROM assist GROUP BY skill_id) x),
          'parallel partial fits equal the serial ones');
RESET max_parallel_workers_per_gather;

-- Edge cases: no rows, one response, all right, all wrong
SELECT is((SELECT bkt_fit(user_id::text, order_id, correct = 1) FROM assist WHERE false), NULL, 'no rows: NULL');
SELECT ok((SELECT (b).p_learn IS NULL AND (b).p_init IS NOT NULL AND (b).iterations >= 3
           FROM (SELECT bkt_fit(user_id::text, order_id, correct = 1) b
                 FROM (SELECT DISTINCT ON (user_id) * FROM assist WHERE skill_id = 82 ORDER BY user_id, order_id) one) x),
          'sequences of one response: nothing shows how learning goes, so p_learn is NULL');
SELECT ok((SELECT (b).p_slip = 0 AND (b).log_likelihood = 0
           FROM (SELECT bkt_fit(user_id::text, order_id, true) b FROM assist WHERE skill_id = 88) x),
          'all responses right: p_slip 0 and a likelihood of 1');

-- With forgetting, "known" and "unknown" swapped is a model of the same
-- likelihood (p_init to 1 - p_init, p_learn with p_forget, p_guess to
-- 1 - p_slip): on data simulated from p_init 0.6, p_learn 0.2, p_guess 0.15,
-- p_slip 0.05, EM landed on the mirror (p_guess 0.95, p_slip 0.85), which as
-- a method read 482 of 500 learners who know the skill as not knowing it.
-- The fit is given the way round where "known" answers right more often.
SELECT setseed(0.77);
CREATE TEMP TABLE simulated AS
WITH RECURSIVE s AS (
    SELECT n AS learner, 5 + (random() * 25)::int AS len FROM generate_series(1, 500) n),
walk AS (
    SELECT learner, len, 1 AS k, random() < 0.6 AS known FROM s
    UNION ALL
    SELECT learner, len, k + 1, known OR random() < 0.2 FROM walk WHERE k < len)
SELECT learner::text, k::bigint AS seq, CASE WHEN known THEN random() > 0.05 ELSE random() < 0.15 END AS correct FROM walk;
CREATE TEMP TABLE forgetting AS
SELECT bkt_fit(learner, seq, correct) AS plain, bkt_fit(learner, seq, correct, 'forgets') AS forgets FROM simulated;
SELECT ok((SELECT (forgets).p_guess < 1 - (forgets).p_slip AND abs((forgets).p_guess - (plain).p_guess) < 0.01
                  AND abs((forgets).p_slip - (plain).p_slip) < 0.01 AND abs((forgets).p_init - (plain).p_init) < 0.01
                  AND abs((forgets).log_likelihood - (plain).log_likelihood) < 1e-4 AND NOT (forgets).degenerate
           FROM forgetting),
          'forgets: "known" is the state that answers right more often, and the fit matches the one without forgetting');
SELECT is((SELECT count(*) FROM (SELECT learner, mastery(correct::int::float8, timestamptz '2024-09-01' + seq * interval '1 day',
                                                         (SELECT forgets FROM forgetting)::mastery_method) AS m
                                 FROM simulated GROUP BY learner) x WHERE m >= 0.95),
          (SELECT count(*) FROM (SELECT learner, mastery(correct::int::float8, timestamptz '2024-09-01' + seq * interval '1 day',
                                                         (SELECT plain FROM forgetting)::mastery_method) AS m
                                 FROM simulated GROUP BY learner) x WHERE m >= 0.95),
          'forgets: as a method it reads the same learners as known as the fit without forgetting');

ROLLBACK;
