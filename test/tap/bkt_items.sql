-- Knowledge tracing with item effects (bkt_item_fit, KT-IDEM): the
-- per-item p_guess and p_slip of data simulated with known parameters are
-- recovered; the item fit's log-likelihood is never below the plain fit's
-- on the same answers (it starts there, and EM only climbs); bkt_state and
-- bkt_correct with items equal the recursion written in SQL with numeric
-- arithmetic within 1e-12 on long sequences.
BEGIN;
SELECT plan(21);
SET LOCAL client_min_messages = warning;

-- 4,000 learners, 12 answers each, on four items of one standard taken in
-- turn.  No forgetting, so a learner's skill is known from a step on: from
-- the first answer with p_init = 0.3, else after a geometric number of
-- answers with p_learn = 0.15.  Item k: p_guess 0.05, 0.15, 0.30, 0.45 and
-- p_slip 0.10, 0.05, 0.20, 0.10.
SELECT setseed(0.17);
CREATE TEMP TABLE simulated_learners AS
SELECT l, CASE WHEN random() < 0.3 THEN 0
               ELSE 1 + floor(ln(1 - random()) / ln(1 - 0.15))::int END AS steps_unknown
FROM generate_series(1, 4000) l;
CREATE TEMP TABLE simulated AS
SELECT l, t, 'item ' || ((l + t) % 4) AS item,
       random() < CASE WHEN t > steps_unknown
                       THEN 1 - (ARRAY[0.10, 0.05, 0.20, 0.10])[(l + t) % 4 + 1]
                       ELSE (ARRAY[0.05, 0.15, 0.30, 0.45])[(l + t) % 4 + 1] END AS correct
FROM simulated_learners, generate_series(1, 12) t;
CREATE TEMP TABLE simulated_fit AS
SELECT bkt_item_fit(l::text, t::bigint, correct, item) AS f FROM simulated;

SELECT is((SELECT (f).items FROM simulated_fit), '{"item 0","item 1","item 2","item 3"}',
          'items in byte order of their identifiers');
SELECT ok((SELECT bool_and(abs(g - want) < 0.04)
           FROM simulated_fit, unnest((f).p_guess, ARRAY[0.05, 0.15, 0.30, 0.45]) u(g, want)),
          'p_guess of each item recovered within 0.04 (0.05, 0.15, 0.30, 0.45)');
SELECT ok((SELECT bool_and(abs(s - want) < 0.04)
           FROM simulated_fit, unnest((f).p_slip, ARRAY[0.10, 0.05, 0.20, 0.10]) u(s, want)),
          'p_slip of each item recovered within 0.04 (0.10, 0.05, 0.20, 0.10)');
SELECT ok((SELECT abs((f).p_init - 0.3) < 0.04 AND abs((f).p_learn - 0.15) < 0.03 AND (f).p_forget = 0
           FROM simulated_fit), 'shared p_init and p_learn recovered, p_forget 0');
SELECT ok((SELECT (f).converged AND NOT (f).degenerate AND (f).learners = 4000
                  AND (f).item_answers = '{12000,12000,12000,12000}' FROM simulated_fit),
          'converged, not degenerate, 4,000 learners, 12,000 answers on each item');
SELECT ok((SELECT (f).log_likelihood - (f).plain_log_likelihood > 100 FROM simulated_fit),
          'on items that differ the item model fits far better than the plain one');
SELECT is((SELECT (f).plain_log_likelihood FROM simulated_fit),
          (SELECT (bkt_fit(l::text, t::bigint, correct)).log_likelihood FROM simulated),
          'plain_log_likelihood is that of bkt_fit on the same answers');

-- Never below the plain fit: 30 skills of random answers (items that do
-- not matter), items that do, forgetting, bounds, plain EM, and one item
CREATE TEMP TABLE random_skills AS
SELECT g % 30 AS skill, 'learner ' || (g % 97) AS learner, g AS seq, 'item ' || (g * 7 % 5) AS item,
       random() < 0.2 + 0.1 * (g % 5) + 0.01 * (g % 30) AS correct
FROM generate_series(1, 30000) g;
SELECT is((SELECT count(*) FROM (
               SELECT skill, bkt_item_fit(learner, seq, correct, item, o) AS f, bkt_fit(learner, seq, correct, o) AS p
               FROM random_skills, unnest(ARRAY['', 'forgets', 'max_guess=0.25, max_slip=0.2',
                                                'accelerate=false', 'restarts=1, seed=3']) o
               GROUP BY skill, o) x
           WHERE (f).log_likelihood >= (p).log_likelihood
             AND (f).plain_log_likelihood = (p).log_likelihood), 150::bigint,
          'on 30 skills under five options the item fit''s log-likelihood is never below bkt_fit''s');
SELECT ok((SELECT bool_and(g <= 0.25) AND bool_and(s <= 0.2)
           FROM (SELECT bkt_item_fit(learner, seq, correct, item, 'max_guess=0.25, max_slip=0.2') AS f
                 FROM random_skills GROUP BY skill) x, unnest((f).p_guess, (f).p_slip) u(g, s)),
          'max_guess and max_slip bound every item');
SELECT ok((SELECT (f).log_likelihood >= (f).plain_log_likelihood
           FROM (SELECT bkt_item_fit(l::text, t::bigint, correct, item, 'accelerate=false') AS f FROM simulated) x),
          'plain EM (accelerate=false) climbs from the plain fit too');
SELECT ok((SELECT abs((i).log_likelihood - (i).plain_log_likelihood) < 1e-6
                  AND abs((i).p_guess[1] - (p).p_guess) < 1e-4 AND abs((i).p_slip[1] - (p).p_slip) < 1e-4
           FROM (SELECT bkt_item_fit(l::text, t::bigint, correct, 'one item') AS i,
                        bkt_fit(l::text, t::bigint, correct) AS p FROM simulated) x),
          'with one item the item fit is the plain fit');

-- Order and forms: rows in another order, integer answers, bigint learners
SELECT is((SELECT bkt_item_fit(l::text, t::bigint, correct, item)::text
           FROM (SELECT * FROM simulated ORDER BY md5(l || ' ' || t)) x),
          (SELECT f::text FROM simulated_fit), 'the fit does not depend on the order of the rows');
SELECT is((SELECT bkt_item_fit(l::bigint, t::bigint, correct::int, item)::text FROM simulated),
          (SELECT f::text FROM simulated_fit), 'bigint learners and 0/1 integer answers fit the same');
SELECT is((SELECT bkt_item_fit(l::text, timestamptz '2024-09-01' + t * interval '1 day', correct, item)::text
           FROM simulated),
          (SELECT f::text FROM simulated_fit), 'ordered by observed_at as by seq');
SELECT is((SELECT bkt_item_fit(l::text, t::bigint, correct, item) FROM simulated WHERE false), NULL,
          'no rows: NULL');

-- Exact predictions.  The recursion of bkt_exact.sql with an item per
-- answer: P(known) and P(unknown) apart, as numeric to 50 significant
-- digits; an item 0 (not in the fit) is the transition alone.
CREATE FUNCTION pg_temp.sig(x numeric) RETURNS numeric LANGUAGE sql AS $$
    SELECT CASE WHEN x = 0 THEN 0
                WHEN x >= 1e-300 THEN round(x, 50 - floor(log(x::float8))::int)
                ELSE round(x, 50 - floor(log(x))::int) END $$;
CREATE FUNCTION pg_temp.bkt_item_exact(answers boolean[], items int[], p_init numeric, p_learn numeric,
                                       p_forget numeric, p_guess numeric[], p_slip numeric[])
RETURNS TABLE (t int, known numeric, right_answer numeric) LANGUAGE plpgsql AS $$
DECLARE
    k numeric := p_init;
    u numeric := 1 - p_init;
    l1 numeric; l0 numeric; a numeric; b numeric; s numeric;
    i int;
    n int;
BEGIN
    FOR n IN 1 .. cardinality(answers) LOOP
        t := n;
        i := items[t];
        known := pg_temp.sig(k / (k + u));
        right_answer := CASE WHEN i = 0 THEN NULL
                             ELSE pg_temp.sig(p_guess[i] * u / (k + u) + (1 - p_slip[i]) * k / (k + u)) END;
        RETURN NEXT;
        IF answers[t] IS NULL OR i = 0 THEN l1 := 1; l0 := 1;
        ELSIF answers[t] THEN l1 := 1 - p_slip[i]; l0 := p_guess[i];
        ELSE l1 := p_slip[i]; l0 := 1 - p_guess[i];
        END IF;
        a := k * l1; b := u * l0; s := a + b;
        a := a / s; b := b / s;
        k := a * (1 - p_forget) + b * p_learn;
        u := b * (1 - p_learn) + a * p_forget;
        IF t % 8 = 0 THEN
            k := pg_temp.sig(k);
            u := pg_temp.sig(u);
        END IF;
    END LOOP;
END $$;

-- Sequences: 30 right then 30 wrong, 62/62, 1,500 right then 200 wrong,
-- with and without forgetting; items in turn, some not in the fit, some
-- answers missing
CREATE TEMP TABLE item_sequences AS
SELECT id, p_init, p_learn, p_forget, answers,
       ARRAY(SELECT CASE WHEN k % 37 = 0 THEN 0 ELSE 1 + k % 3 END
             FROM generate_series(1, cardinality(answers)) k) AS items
FROM (VALUES (1, 0.5, 0.1, 0.0, 30, 30), (2, 0.3, 0.05, 0.0, 62, 62), (3, 0.2, 0.1, 0.0, 1500, 200),
             (4, 0.5, 0.1, 0.02, 30, 30), (5, 0.4, 0.2, 0.01, 62, 62), (6, 0.2, 0.1, 0.001, 1500, 200))
     v(id, p_init, p_learn, p_forget, n_right, n_wrong),
     LATERAL (SELECT array_agg(CASE WHEN k % 53 = 0 THEN NULL ELSE k <= n_right END ORDER BY k) AS answers
              FROM generate_series(1, n_right + n_wrong) k) a;
CREATE TEMP TABLE item_rows AS
SELECT id, k AS t, answers[k] AS correct,
       CASE items[k] WHEN 0 THEN 'new item' ELSE 'Q' || items[k] END AS item,
       ROW(p_init, p_learn, p_forget, '{Q1,Q2,Q3}', '{0.123,0.25,0.05}', '{0.07,0.011,0.3}', NULL,
           NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params AS fit
FROM item_sequences, generate_series(1, cardinality(answers)) k;
CREATE TEMP TABLE item_predictions AS
SELECT id, t, bkt_state(correct, fit, item) OVER w AS known, bkt_correct(correct, fit, item) OVER w AS right_answer
FROM item_rows WINDOW w AS (PARTITION BY id ORDER BY t);
CREATE TEMP TABLE item_reference AS
SELECT id, e.* FROM item_sequences,
     pg_temp.bkt_item_exact(answers, items, p_init, p_learn, p_forget, '{0.123,0.25,0.05}', '{0.07,0.011,0.3}') e;

SELECT is((SELECT count(*) FROM item_predictions p JOIN item_reference r USING (id, t)
           WHERE abs(p.known - r.known) <= 1e-12), (SELECT count(*) FROM item_reference),
          'bkt_state with items equals the numeric recursion within 1e-12 on every row');
SELECT is((SELECT count(*) FROM item_predictions p JOIN item_reference r USING (id, t)
           WHERE abs(p.right_answer - r.right_answer) <= 1e-12), (SELECT count(*) FROM item_reference WHERE right_answer IS NOT NULL),
          'bkt_correct with items equals the numeric recursion within 1e-12 on every row of an item in the fit');
SELECT is((SELECT count(*) FROM item_predictions p JOIN item_rows r USING (id, t)
           WHERE r.item = 'new item' AND p.right_answer IS NULL AND p.known IS NOT NULL),
          (SELECT count(*) FROM item_rows WHERE item = 'new item'),
          'an item not in the fit: P(known) still given, no predicted answer');
SELECT ok((SELECT bool_and(known = 1) FROM item_predictions WHERE (id, t) IN ((1, 31), (2, 63)))
          AND (SELECT bool_and(known < 0.2) FROM item_predictions WHERE (id, t) IN ((1, 60), (2, 124))),
          '30/30 and 62/62: P(known) rounds to 1 after the right answers, and the wrong ones still bring it below 0.2');

-- A fit that cannot be used gives NULL, not an error that ends the query
SELECT is((SELECT count(*) FILTER (WHERE s IS NULL) FROM (
               SELECT bkt_state(true, ROW(0.3, NULL, 0, '{a}', '{0.2}', '{0.1}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER () AS s
               FROM generate_series(1, 3)) x), 3::bigint,
          'a fit without p_learn predicts NULL');
SELECT throws_ok($$SELECT bkt_correct(true, f, 'a') OVER (ORDER BY g)
                   FROM generate_series(1, 2) g,
                        LATERAL (SELECT ROW(0.3, 0.1, 0, '{a}', ARRAY[0.1 * g], '{0.1}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params AS f) x$$,
                 '22023', 'bkt_item_params change within one window partition',
                 'a fit that changes within a partition is an error');

SELECT * FROM finish();
ROLLBACK;
