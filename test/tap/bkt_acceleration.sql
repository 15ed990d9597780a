-- SQUAREM (the default) against plain EM (accelerate=false).  Plain EM must
-- be the fit of 0.4.0 E-step for E-step: its five skills' fits as 0.4.0
-- computed them are pinned below.  The default must reach at least plain
-- EM's log-likelihood on every skill, with fewer E-steps, both on the real
-- five skills and on data BKT did not make, where plain EM stops short.
BEGIN;
SELECT plan(9);
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE assist (user_id bigint, skill_id int, skill_name text, correct int, order_id bigint, split text);
\copy assist FROM 'test/fixtures/assistments/assist2009_5skills.csv' WITH (FORMAT csv, HEADER true)

-- bkt_fit(user_id::text, order_id, correct = 1) of competency 0.4.0 (five
-- random starts, float stop rule at 1e-6)
CREATE TEMP TABLE fit_040 (skill_id int, prior float8, learn float8, guess float8, slip float8, ll float8, esteps int);
INSERT INTO fit_040 VALUES
 (7,  0.1049433167142019,  0.014604113984938698, 0.5825270276685683,   2.884201117511224e-11,  -6315.964267134678,  26),
 (44, 0.05810545056061287, 0.012802350045069128, 0.5349111023643882,   0.0005696434004211575, -10489.622117039611, 55),
 (82, 0.7559212517250543,  0.08664362379734444,  0.11306799767463775,  0.1949483596605944,    -6075.165801431071,  41),
 (88, 0.8924894555906362,  0.012857181282415557, 0.024482471695661437, 0.02239372242011424,   -1540.4188154524077, 7),
 (98, 0.6173629386955481,  0.028001235413457688, 0.34751305353753476,  0.2277390853591824,    -14194.061367290491, 23);

CREATE TEMP TABLE real_fits AS
SELECT skill_id, bkt_fit(user_id::text, order_id, correct = 1) AS fast,
       bkt_fit(user_id::text, order_id, correct = 1, 'accelerate=false') AS plain
FROM assist GROUP BY skill_id;

SELECT is((SELECT count(*) FROM real_fits r JOIN fit_040 o USING (skill_id)
           WHERE abs((plain).p_init - o.prior) < 1e-9 AND abs((plain).p_learn - o.learn) < 1e-9
             AND abs((plain).p_guess - o.guess) < 1e-9 AND abs((plain).p_slip - o.slip) < 1e-9
             AND abs((plain).log_likelihood - o.ll) < 1e-7 AND (plain).iterations = o.esteps),
          5::bigint, 'accelerate=false: the fits of 0.4.0, E-steps and all');
SELECT is((SELECT count(*) FROM real_fits WHERE (fast).log_likelihood >= (plain).log_likelihood AND (fast).converged),
          5::bigint, 'real five skills: the default converges at or above plain EM''s log-likelihood on every skill');
SELECT cmp_ok((SELECT sum((fast).iterations) FROM real_fits), '<', (SELECT sum((plain).iterations) FROM real_fits),
              'real five skills: fewer E-steps than plain EM');

-- Answers BKT did not make: items of varied difficulty, learners of varied
-- ability who learn in one jump at a moment of their own, and stretches of
-- guessing (as bench/knowledge_tracing.sql makes them, smaller)
SELECT setseed(0.17);
CREATE TEMP TABLE seqs AS
SELECT k AS skill, 'L' || l AS learner, 5 + floor(random() * 40)::int AS len,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS ability,
       1 + floor(random() * 25)::int AS jump_at, 0.8 + 2.2 * random() AS jump_size,
       (random() - 0.5) * 1.6 AS difficulty,
       CASE WHEN random() < 0.15 THEN 1 + floor(random() * 20)::int ELSE 0 END AS guess_from
FROM generate_series(1, 16) k, generate_series(1, 120) l;
CREATE TEMP TABLE hard AS
SELECT skill, learner, t AS seq,
       CASE WHEN guess_from > 0 AND t >= guess_from AND t < guess_from + 5 THEN random() < 0.5
            ELSE random() < 1 / (1 + exp(-(ability + 0.03 * t + CASE WHEN t > jump_at THEN jump_size ELSE 0 END
                                           - difficulty - 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))
       END AS correct
FROM seqs, generate_series(1, len) t;
CREATE TEMP TABLE hard_fits AS
SELECT skill, bkt_fit(learner, seq, correct) AS fast, bkt_fit(learner, seq, correct, 'accelerate=false') AS plain
FROM hard GROUP BY skill;

SELECT cmp_ok((SELECT count(*) FROM hard_fits WHERE NOT (plain).converged), '>=', 1::bigint,
              'data BKT did not make: plain EM stops unconverged at 100 E-steps');
SELECT cmp_ok((SELECT count(*) FROM hard_fits WHERE NOT (fast).converged), '<', (SELECT count(*) FROM hard_fits WHERE NOT (plain).converged),
              'the default converges on more of them');
SELECT is((SELECT count(*) FROM hard_fits WHERE (fast).log_likelihood < (plain).log_likelihood), 0::bigint,
          'the default''s log-likelihood is at least plain EM''s on every skill');
SELECT cmp_ok((SELECT sum((fast).iterations) FROM hard_fits), '<', (SELECT sum((plain).iterations) FROM hard_fits),
              'with fewer E-steps');
-- a jump never leaves the unit interval or a bound
SELECT is((SELECT count(*) FROM (SELECT bkt_fit(learner, seq, correct, 'max_guess=0.2, max_slip=0.1') AS b FROM hard GROUP BY skill) x
           WHERE (b).p_guess > 0.2 OR (b).p_slip > 0.1 OR (b).p_init NOT BETWEEN 0 AND 1 OR (b).p_learn NOT BETWEEN 0 AND 1),
          0::bigint, 'bounded fits stay within their bounds and [0, 1]');
SELECT throws_ok($$SELECT bkt_fit('a', 1, true, 'accelerate=sometimes')$$, '22023', NULL,
                 'accelerate takes true or false');

SELECT * FROM finish();
ROLLBACK;
