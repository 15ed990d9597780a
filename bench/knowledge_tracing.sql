-- Knowledge tracing: fitting every skill of a dataset in one query.
-- pyBKT (C++ back end, 5 restarts) fits the whole ASSISTments 2009 skill
-- builder, 525,534 rows in 124 skills, in 3.3 s on this 2-core machine.
-- The data here has that shape: 124 skills, 525,534 responses, sequence
-- lengths drawn from the real ones of test/fixtures/assistments (five
-- skills of the same data), responses simulated from BKT with parameters
-- of the real fits' range; and a second set of the same shape whose
-- answers BKT did not make (below), on which plain EM creeps as on the real
-- skill builder.  Baselines in the same run: avg(correct) per skill, and
-- plain EM (accelerate=false, the fit before SQUAREM).
SET work_mem = '256MB';
SET jit = off;
SELECT setseed(0.31);

CREATE TEMP TABLE assist (user_id bigint, skill_id int, skill_name text, correct int, order_id bigint, split text);
\copy assist FROM 'test/fixtures/assistments/assist2009_5skills.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE real_length AS
SELECT row_number() OVER (ORDER BY skill_id, user_id) AS id, count(*) AS len FROM assist GROUP BY skill_id, user_id;
SELECT count(*) AS real_sequences FROM real_length \gset

-- per skill a model: p_init 0.1-0.9, p_learn 0.01-0.2, p_guess 0.05-0.35, p_slip 0.02-0.25
CREATE TEMP TABLE skill_model AS
SELECT s AS skill, 0.1 + 0.8 * random() AS p_init, 0.01 + 0.19 * random() AS p_learn,
       0.05 + 0.3 * random() AS p_guess, 0.02 + 0.23 * random() AS p_slip
FROM generate_series(1, 124) s;
-- sequences, skills in turn, each with a length drawn from the real ones,
-- until 525,534 responses
CREATE TEMP TABLE sequence AS
SELECT q, 1 + q % 124 AS skill, 'S' || (q / 124) AS learner, r.len,
       (sum(r.len) OVER (ORDER BY q))::bigint AS upto
FROM (SELECT q, 1 + floor(random() * :real_sequences)::bigint AS id FROM generate_series(0, 60000) q) d
JOIN real_length r USING (id);
DELETE FROM sequence WHERE upto - len >= 525534;
-- a learner knows the skill from the start (p_init) or from a row drawn
-- from the geometric law of p_learn (one chance between two rows); then
-- right with 1 - p_slip, else with p_guess
ALTER TABLE sequence ADD COLUMN known_from int;
UPDATE sequence s SET known_from = CASE WHEN random() < m.p_init THEN 1
                                        ELSE 1 + ceil(ln(1 - random()) / ln(1 - m.p_learn)) END
FROM skill_model m WHERE m.skill = s.skill;
CREATE TABLE bkt_rows AS
SELECT s.skill, s.learner, t AS seq,
       CASE WHEN s.known_from <= t THEN random() >= m.p_slip ELSE random() < m.p_guess END AS correct
FROM sequence s JOIN skill_model m USING (skill),
     LATERAL generate_series(1, least(s.len, 525534 - (s.upto - s.len))) t;
VACUUM ANALYZE bkt_rows;

-- Data not made by BKT, as real answers are not: items of varied
-- difficulty, learners of varied ability who improve a little with each
-- answer and learn in one jump at a moment of their own, and stretches of
-- guessing.  The answer is right with probability
-- 1 / (1 + exp(-(ability + 0.03 t + jump - difficulty))), or one half in a
-- guessing stretch.  Same skills, learners and lengths as bkt_rows.
CREATE TEMP TABLE skill_shape AS
SELECT s AS skill, random() * 1.6 - 0.8 AS base_difficulty, 0.02 + 0.2 * random() AS jump_rate,
       0.8 + 2.2 * random() AS jump_size
FROM generate_series(1, 124) s;
CREATE TEMP TABLE sequence_shape AS
SELECT s.skill, s.learner, s.len, s.upto,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS ability,
       1 + ceil(ln(1 - random()) / ln(1 - sh.jump_rate)) AS jump_at,
       CASE WHEN random() < 0.15 THEN 1 + floor(random() * s.len) ELSE 0 END AS guess_from
FROM sequence s JOIN skill_shape sh USING (skill);
CREATE TABLE kt_real_rows AS
SELECT s.skill, s.learner, t AS seq,
       CASE WHEN t >= s.guess_from AND t < s.guess_from + 5 AND s.guess_from > 0 THEN random() < 0.5
            ELSE random() < 1 / (1 + exp(-(s.ability + 0.03 * t
                                             + CASE WHEN t > s.jump_at THEN sh.jump_size ELSE 0 END
                                             - sh.base_difficulty
                                             - 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))
       END AS correct
FROM sequence_shape s JOIN skill_shape sh USING (skill),
     LATERAL generate_series(1, least(s.len, 525534 - (s.upto - s.len))) t;
VACUUM ANALYZE kt_real_rows;

\set q_fit 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct) AS b FROM bkt_rows GROUP BY skill) x'
\set q_fit1 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct, ''restarts=1'') AS b FROM bkt_rows GROUP BY skill) x'
\set q_compat 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct, ''restarts=5, pybkt_compat'') AS b FROM bkt_rows GROUP BY skill) x'
\set q_avg 'SELECT sum(m) FROM (SELECT avg(correct::int) AS m FROM bkt_rows GROUP BY skill) x'
-- the planner keeps the aggregate: its value feeds sum()
EXPLAIN (VERBOSE, COSTS OFF) :q_fit;
CREATE TEMP TABLE kt_timings AS
SELECT 'bkt_fit, 5 restarts (the default), GROUP BY skill' AS query, b.* FROM bench(:'q_fit', :reps) b;
INSERT INTO kt_timings SELECT 'bkt_fit, 5 restarts, pybkt_compat stop rule', b.* FROM bench(:'q_compat', :reps) b;
INSERT INTO kt_timings SELECT 'bkt_fit, 1 start', b.* FROM bench(:'q_fit1', :reps) b;
INSERT INTO kt_timings SELECT 'bkt_fit, 5 restarts, the real five skills (89,727 responses)', b.*
FROM bench('SELECT sum((b).log_likelihood) FROM (SELECT skill_id, bkt_fit(user_id::text, order_id, correct = 1) AS b FROM assist GROUP BY skill_id) x', :reps) b;
INSERT INTO kt_timings SELECT 'avg(correct::int) GROUP BY skill (baseline scan)', b.* FROM bench(:'q_avg', :reps) b;
-- the same, on the data BKT did not make: EM with SQUAREM jumps (the
-- default) against plain EM, every start to its end (accelerate=false:
-- the fit of 0.4.0 and earlier, E-step for E-step)
\set q_real 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct) AS b FROM kt_real_rows GROUP BY skill) x'
\set q_real_plain 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct, ''accelerate=false'') AS b FROM kt_real_rows GROUP BY skill) x'
\set q_plain 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_fit(learner, seq, correct, ''accelerate=false'') AS b FROM bkt_rows GROUP BY skill) x'
INSERT INTO kt_timings SELECT 'bkt_fit, 5 restarts, plain EM (accelerate=false)', b.* FROM bench(:'q_plain', :reps) b;
INSERT INTO kt_timings SELECT 'real-like data: bkt_fit, 5 restarts (the default)', b.* FROM bench(:'q_real', :reps) b;
INSERT INTO kt_timings SELECT 'real-like data: bkt_fit, 5 restarts, plain EM (accelerate=false)', b.* FROM bench(:'q_real_plain', :reps) b;
INSERT INTO kt_timings SELECT 'real-like data: avg(correct::int) GROUP BY skill', b.*
FROM bench('SELECT sum(m) FROM (SELECT avg(correct::int) AS m FROM kt_real_rows GROUP BY skill) x', :reps) b;
-- item effects: ten items a skill (the answer's position modulo 10), the
-- item fit (the plain fit, then EM over 23 parameters) against bkt_fit
\set q_real_items 'SELECT sum((b).log_likelihood) FROM (SELECT skill, bkt_item_fit(learner, seq, correct, ''item '' || (seq % 10)) AS b FROM kt_real_rows GROUP BY skill) x'
INSERT INTO kt_timings SELECT 'real-like data: bkt_item_fit, 10 items a skill, 5 restarts', b.* FROM bench(:'q_real_items', :reps) b;
CREATE TEMP TABLE real_item_fits AS
SELECT skill, bkt_item_fit(learner, seq, correct, 'item ' || (seq % 10)) AS f FROM kt_real_rows GROUP BY skill;
CREATE TEMP TABLE real_fits AS
SELECT skill, bkt_fit(learner, seq, correct) AS fast, bkt_fit(learner, seq, correct, 'accelerate=false') AS plain
FROM kt_real_rows GROUP BY skill;

-- operating a fit: every response's prediction from its skill's fit (made
-- once, outside the timing), then scored per skill; and 5-fold
-- cross-validation of every skill (5 fits a skill, each of 5 restarts)
CREATE TEMP TABLE bkt_predicted AS
SELECT r.skill, r.correct, bkt_correct(r.correct, f.b) OVER (PARTITION BY r.skill, r.learner ORDER BY r.seq) AS p
FROM bkt_rows r JOIN (SELECT skill, bkt_fit(learner, seq, correct) AS b FROM bkt_rows GROUP BY skill) f USING (skill);
VACUUM ANALYZE bkt_predicted;
INSERT INTO kt_timings SELECT 'bkt_evaluate(correct, predicted) GROUP BY skill', b.*
FROM bench('SELECT sum((e).auc + (e).rmse + (e).log_loss) FROM (SELECT skill, bkt_evaluate(correct, p) AS e FROM bkt_predicted GROUP BY skill) x', :reps) b;
INSERT INTO kt_timings SELECT 'avg(p) GROUP BY skill over the predictions (baseline of bkt_evaluate)', b.*
FROM bench('SELECT sum(m) FROM (SELECT avg(p) AS m FROM bkt_predicted GROUP BY skill) x', :reps) b;
INSERT INTO kt_timings SELECT 'bkt_crossvalidate, 5 folds, 5 restarts, GROUP BY skill', b.*
FROM bench('SELECT sum(f.auc) FROM (SELECT skill, bkt_crossvalidate(learner, seq, correct, 5, 0, NULL) AS cv FROM bkt_rows GROUP BY skill) x, unnest(x.cv) f', 1) b;

-- how close the fits come to the parameters that made the data
CREATE TEMP TABLE recovered AS
SELECT f.skill, (f.b).p_init - m.p_init AS d_init, (f.b).p_learn - m.p_learn AS d_learn,
       (f.b).p_guess - m.p_guess AS d_guess, (f.b).p_slip - m.p_slip AS d_slip
FROM (SELECT skill, bkt_fit(learner, seq, correct) AS b FROM bkt_rows GROUP BY skill) f JOIN skill_model m USING (skill);

\pset tuples_only on
\pset format unaligned
\echo
\echo '### Knowledge tracing: bkt_fit over every skill of an ASSISTments-2009-shaped dataset'
\echo
SELECT format('%s responses, %s skills, %s sequences (lengths drawn from the real ones: median %s, max %s)',
              count(*), count(DISTINCT skill), count(DISTINCT (skill, learner)),
              (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY len) FROM real_length),
              (SELECT max(len) FROM real_length))
FROM bkt_rows;
\echo
\echo '| query | median ms | responses/s | x avg() |'
\echo '|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s |', query, median_ms,
              to_char(round(CASE WHEN query LIKE '%real five%' THEN 89727 ELSE (SELECT count(*) FROM bkt_rows) END
                            / (median_ms / 1000.0)), 'FM999,999,999'),
              CASE WHEN query LIKE '%real five%' THEN ''
                   WHEN query LIKE 'real-like%' THEN round(median_ms / (SELECT median_ms FROM kt_timings WHERE query LIKE 'real-like data: avg%'), 1)::text
                   WHEN query LIKE 'bkt_evaluate%' THEN round(median_ms / (SELECT median_ms FROM kt_timings WHERE query LIKE 'avg(p)%'), 1)::text || ' (x avg(p))'
                   ELSE round(median_ms / (SELECT median_ms FROM kt_timings WHERE query LIKE 'avg(correct%'), 1)::text END)
FROM kt_timings;
\echo
SELECT format('real-like data (%s responses): plain EM stops unconverged at 100 E-steps on %s of 124 skills, the default on %s; E-steps of the winning starts %s against %s; the default fits %s x faster (simulated data: %s x), its log-likelihood against plain EM''s per skill: lowest difference %s, highest %s, %s skills lower',
              (SELECT count(*) FROM kt_real_rows),
              count(*) FILTER (WHERE NOT (plain).converged), count(*) FILTER (WHERE NOT (fast).converged),
              sum((fast).iterations), sum((plain).iterations),
              round((SELECT median_ms FROM kt_timings WHERE query LIKE 'real-like data: bkt_fit, 5 restarts, plain%')
                    / (SELECT median_ms FROM kt_timings WHERE query LIKE 'real-like data: bkt_fit, 5 restarts (the default)%'), 2),
              round((SELECT median_ms FROM kt_timings WHERE query = 'bkt_fit, 5 restarts, plain EM (accelerate=false)')
                    / (SELECT median_ms FROM kt_timings WHERE query LIKE 'bkt_fit, 5 restarts (the default)%'), 2),
              to_char(min((fast).log_likelihood - (plain).log_likelihood), '9.9EEEE'),
              round(max((fast).log_likelihood - (plain).log_likelihood)::numeric, 4),
              count(*) FILTER (WHERE (fast).log_likelihood < (plain).log_likelihood))
FROM real_fits;
\echo
SELECT format('item effects (real-like data, 10 items a skill): bkt_item_fit takes %s x the time of bkt_fit (the plain fit is its first part); its E-steps after the plain fit %s in all; log-likelihood below the plain fit''s on %s of 124 skills, converged on %s',
              round((SELECT median_ms FROM kt_timings WHERE query LIKE 'real-like data: bkt_item_fit%')
                    / (SELECT median_ms FROM kt_timings WHERE query LIKE 'real-like data: bkt_fit, 5 restarts (the default)%'), 2),
              sum((f).iterations), count(*) FILTER (WHERE (f).log_likelihood < (f).plain_log_likelihood),
              count(*) FILTER (WHERE (f).converged))
FROM real_item_fits;
SELECT format('pyBKT 1.4.2 (C++, 5 restarts) on the real 525,534 rows: 3.3 s = %s responses/s; bkt_fit with 5 restarts: %s x faster',
              to_char(round(525534 / 3.3), 'FM999,999,999'),
              round(3300 / (SELECT median_ms FROM kt_timings WHERE query LIKE 'bkt_fit, 5 restarts (the default)%'), 1));
SELECT format('recovered parameters, mean absolute error over the 124 skills: p_init %s, p_learn %s, p_guess %s, p_slip %s',
              round(avg(abs(d_init))::numeric, 3), round(avg(abs(d_learn))::numeric, 3),
              round(avg(abs(d_guess))::numeric, 3), round(avg(abs(d_slip))::numeric, 3))
FROM recovered;
