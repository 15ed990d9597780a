-- Operating a BKT fit: bkt_evaluate against the metrics written in plain
-- SQL (AUC by counting pairs, RMSE and log loss with numeric arithmetic),
-- bkt_crossvalidate's folds (never splitting a learner, fixed by the seed,
-- each fold scored by the fit of the others), what bkt_model says a fit
-- rests on, the p_learn bounds, integer inputs and the fallback.
BEGIN;
SELECT plan(32);
SET LOCAL client_min_messages = warning;
SELECT setseed(0.17);

-- 3,000 predictions on a grid of 0.01 (many ties), labels drawn from them
CREATE TEMP TABLE scored AS
SELECT g, p, random() < p AS c
FROM (SELECT g, round(random()::numeric, 2)::float8 AS p FROM generate_series(1, 3000) g) x;
-- the edges: exact 0 and 1 predictions, both right and wrong
INSERT INTO scored VALUES (3001, 0, true), (3002, 1, false), (3003, 0, false), (3004, 1, true);
CREATE TEMP TABLE metrics AS SELECT (bkt_evaluate(c, p)).* FROM scored;

SELECT is((SELECT n FROM metrics), 3004::bigint, 'bkt_evaluate: n counts every scored answer');
-- AUC as pairs: right above wrong counts 1, a tie one half
SELECT cmp_ok(abs((SELECT auc FROM metrics) -
                  (SELECT (sum(CASE WHEN r.p > w.p THEN 1.0 WHEN r.p = w.p THEN 0.5 ELSE 0 END)
                           / count(*))::float8
                   FROM scored r JOIN scored w ON r.c AND NOT w.c)), '<', 1e-14::float8,
              'bkt_evaluate: AUC equals the share of ordered (right, wrong) pairs, ties half');
SELECT cmp_ok(abs((SELECT rmse FROM metrics) -
                  (SELECT sqrt(avg(power(c::int - p::numeric, 2)))::float8 FROM scored)), '<', 1e-14::float8,
              'bkt_evaluate: RMSE equals the numeric computation');
SELECT cmp_ok(abs((SELECT log_loss FROM metrics) -
                  (SELECT -avg(CASE WHEN c THEN ln(least(greatest(p::numeric, 1e-15), 1 - 1e-15))
                                    ELSE ln(1 - least(greatest(p::numeric, 1e-15), 1 - 1e-15)) END)::float8
                   FROM scored)), '<', 1e-12::float8,
              'bkt_evaluate: log loss equals the numeric computation, predictions clamped to 1e-15');
SELECT is((SELECT accuracy FROM metrics),
          (SELECT avg(((p >= 0.5) = c)::int)::float8 FROM scored),
          'bkt_evaluate: accuracy takes 0.5 and above as a right answer predicted');
SELECT is((SELECT bkt_evaluate(c::int, p)::text FROM scored), (SELECT bkt_evaluate(c, p)::text FROM scored),
          'bkt_evaluate: 0/1 integer answers score as booleans');
SELECT is((SELECT bkt_evaluate(c, p)::text FROM (SELECT * FROM scored ORDER BY p DESC, g) s),
          (SELECT bkt_evaluate(c, p)::text FROM (SELECT * FROM scored ORDER BY g) s),
          'bkt_evaluate: the same in any row order (bit for bit)');
SELECT is((SELECT bkt_evaluate(c, p)::text FROM (SELECT c, p FROM scored UNION ALL SELECT NULL, 0.3 UNION ALL SELECT true, NULL) s),
          (SELECT bkt_evaluate(c, p)::text FROM scored),
          'bkt_evaluate: rows with a NULL answer or prediction are skipped');

-- Learners with 2^i answers (i = 0 .. 11): a fold's n, in binary, names
-- its learners, so a learner split between folds would show
CREATE TEMP TABLE powers AS
SELECT 'learner ' || i AS learner, i, j::bigint AS seq,
       ((j * 7 + i * 13) % 10) < 3 + least(j, 60) / 10 AS correct
FROM generate_series(0, 11) i, generate_series(1, (2 ^ i)::int) j;
CREATE TEMP TABLE folds AS
SELECT f.* FROM unnest((SELECT bkt_crossvalidate(learner, seq, correct, 4, 3, 'restarts=2') FROM powers)) f;

SELECT is((SELECT count(*) FROM folds WHERE fold IS NOT NULL), 4::bigint, 'bkt_crossvalidate: one row per fold');
SELECT is((SELECT bit_or(n) FROM folds WHERE fold IS NOT NULL), 4095::bigint,
          'bkt_crossvalidate: the folds hold every answer');
SELECT is((SELECT sum(n) FROM folds WHERE fold IS NOT NULL), 4095::numeric,
          'bkt_crossvalidate: ... each once');
SELECT ok((SELECT bool_and(learners = length(replace(n::bit(12)::text, '0', ''))) FROM folds WHERE fold IS NOT NULL),
          'bkt_crossvalidate: every fold holds whole learners (its n in binary has one bit per learner)');
SELECT cmp_ok((SELECT max(learners) - min(learners) FROM folds WHERE fold IS NOT NULL), '<=', 1::bigint,
              'bkt_crossvalidate: fold sizes differ by at most one learner');
SELECT is((SELECT bkt_crossvalidate(learner, seq, correct, 4, 3, 'restarts=2')::text
           FROM (SELECT * FROM powers ORDER BY md5(learner || seq)) s),
          (SELECT array_agg(f ORDER BY fold NULLS LAST)::text FROM folds f),
          'bkt_crossvalidate: the same folds and scores for the same seed, in any row order');
SELECT isnt((SELECT array_agg(n ORDER BY fold) FROM unnest((SELECT bkt_crossvalidate(learner, seq, correct, 4, 4, 'restarts=2') FROM powers)) f WHERE fold IS NOT NULL),
            (SELECT array_agg(n ORDER BY fold) FROM folds WHERE fold IS NOT NULL),
            'bkt_crossvalidate: another seed deals other folds');
-- learners 0 .. 11 dealt by id order would put learners 0, 4 and 8 in fold 1
SELECT ok((SELECT bool_and(n::bit(12) <> '000100010001'::bit(12)) FROM folds WHERE fold IS NOT NULL),
          'bkt_crossvalidate: folds are not dealt in id order');

-- Fold 1 recomputed by hand: bkt_fit on the learners of the other folds,
-- bkt_correct on fold 1's learners, bkt_evaluate of those predictions
CREATE TEMP TABLE fold1 AS
SELECT learner FROM powers, folds
WHERE fold = 1 AND (n::bit(12) & (1::bigint << i)::bit(12)) <> 0::bit(12)
GROUP BY learner;
CREATE TEMP TABLE by_hand AS
SELECT (bkt_evaluate(correct, predicted)).*
FROM (SELECT correct, bkt_correct(correct, (SELECT bkt_fit(learner, seq, correct, 'restarts=2') FROM powers
                                           WHERE learner NOT IN (SELECT learner FROM fold1)))
                      OVER (PARTITION BY learner ORDER BY seq) AS predicted
      FROM powers WHERE learner IN (SELECT learner FROM fold1)) x;
SELECT is((SELECT n FROM by_hand), (SELECT n FROM folds WHERE fold = 1), 'bkt_crossvalidate: fold 1 scores its learners'' answers');
SELECT cmp_ok((SELECT greatest(abs(h.auc - f.auc), abs(h.rmse - f.rmse), abs(h.accuracy - f.accuracy), abs(h.log_loss - f.log_loss))
               FROM by_hand h, folds f WHERE f.fold = 1), '<', 1e-12::float8,
              'bkt_crossvalidate: fold 1 is the fit of the other folds, predicted from each learner''s earlier answers');

-- bkt_model: the fit of bkt_fit, and what it rests on, counted in SQL
SELECT is((SELECT (m).p_init || ',' || (m).p_learn || ',' || (m).log_likelihood FROM (SELECT bkt_model(learner, seq, correct) AS m FROM powers) x),
          (SELECT (b).p_init || ',' || (b).p_learn || ',' || (b).log_likelihood FROM (SELECT bkt_fit(learner, seq, correct) AS b FROM powers) x),
          'bkt_model: the fit of bkt_fit');
SELECT is((SELECT ((m).learners, (m).answers, (m).repeat_learners)::text FROM (SELECT bkt_model(learner, seq, c) AS m FROM
               (SELECT learner, seq, CASE WHEN seq % 5 = 0 THEN NULL ELSE correct END AS c FROM powers) s) x),
          (SELECT (count(DISTINCT learner), count(*), count(DISTINCT learner) FILTER (WHERE k >= 2))::text FROM
               (SELECT learner, count(*) OVER (PARTITION BY learner) AS k FROM powers WHERE seq % 5 <> 0) s),
          'bkt_model: learners, answers and learners with two or more, missing answers not counted');

-- p_learn bounds hold; implausible says p_learn >= 0.5
SELECT ok((SELECT (m).p_learn <= 0.01 AND (m).p_learn IS NOT NULL FROM (SELECT bkt_model(learner, seq, correct, 'max_learn=0.01') AS m FROM powers) x),
          'max_learn bounds p_learn');
SELECT ok((SELECT (m).p_learn >= 0.55 AND (m).implausible FROM (SELECT bkt_model(learner, seq, correct, 'min_learn=0.55') AS m FROM powers) x),
          'min_learn bounds p_learn, and p_learn >= 0.5 is implausible');

-- integer learners and answers: the same fit as their text and booleans
SELECT is((SELECT bkt_fit(i, seq, correct::int)::text FROM powers),
          (SELECT bkt_fit(i::text, seq, correct)::text FROM powers),
          'bkt_fit: integer learners and 0/1 answers fit as their text and booleans');

-- one window query over every skill: an unfitted skill gives NULL
-- predictions, and bkt_fallback puts a default under it
SELECT is((SELECT count(*) FILTER (WHERE p IS NULL) || '/' || count(*) FILTER (WHERE q IS NULL)
           FROM (SELECT bkt_correct(correct, f) OVER w AS p,
                        bkt_correct(correct, bkt_fallback(f, (0.3, 0.1, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params)) OVER w AS q
                 FROM (SELECT s.*, m.f FROM (SELECT *, CASE WHEN i < 6 THEN 'one' ELSE 'two' END AS skill FROM powers
                                             WHERE i >= 6 OR seq = 1) s
                       JOIN (SELECT CASE WHEN i < 6 THEN 'one' ELSE 'two' END AS skill, bkt_fit(learner, seq, correct) AS f
                             FROM powers WHERE i >= 6 OR seq = 1 GROUP BY 1) m USING (skill)) r
                 WINDOW w AS (PARTITION BY skill, learner ORDER BY seq)) x),
          '6/0', 'an unfitted skill: NULL predictions in a window query over every skill; none with bkt_fallback');

-- Found by review.  With forgets, the fit given the right way round keeps
-- min_learn and max_learn (its p_learn was the mirror's p_forget, unbounded)
CREATE TEMP TABLE obs(skill int, student text, seq bigint, correct boolean, item text);
DO $$
DECLARE
  s int; l int; t int; known boolean; pinit float8; plearn float8; pg float8; ps float8; pf float8;
  nl int; len int; kind int;
BEGIN
  PERFORM setseed(0.42);
  FOR s IN 1..60 LOOP
    kind := s % 6;
    pinit := random()*0.6; plearn := 0.05+random()*0.3; pg := 0.05+random()*0.3; ps := 0.02+random()*0.2;
    pf := CASE WHEN kind = 3 THEN 0.05+random()*0.2 ELSE 0 END;
    nl := CASE WHEN kind = 0 THEN 2 + (random()*3)::int ELSE 10 + (random()*60)::int END;
    FOR l IN 1..nl LOOP
      known := random() < pinit;
      len := 1 + (random()*12)::int;
      FOR t IN 1..len LOOP
        INSERT INTO obs VALUES (s, 'L'||l, t,
          CASE WHEN kind = 1 THEN true WHEN kind = 2 THEN false
               WHEN random() < 0.05 THEN NULL
               WHEN known THEN random() >= ps ELSE random() < pg END,
          'i' || ((random()*4)::int + CASE WHEN known THEN 0 ELSE 1 END));
        IF known THEN known := random() >= pf; ELSE known := random() < plearn; END IF;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
ANALYZE obs;

SELECT is((SELECT count(*) FROM (SELECT skill, bkt_fit(student, seq, correct, 'forgets, min_learn=0.1, max_learn=0.1') AS f
                                 FROM obs GROUP BY skill) z WHERE (f).p_learn <> 0.1),
          0::bigint, 'forgets: p_learn within min_learn and max_learn on every skill');
SELECT is((SELECT count(*) FROM (SELECT skill, bkt_fit(student, seq, correct, 'forgets, max_learn=0.05') AS f
                                 FROM obs GROUP BY skill) z WHERE (f).p_learn > 0.05),
          0::bigint, 'forgets: p_learn at most max_learn on every skill');
-- min_guess and min_slip (an analyst's trial: an item fit's p_guess of 0
-- made one right answer proof of knowing), at every M-step and the starts,
-- in the plain and the item fits
SELECT is((SELECT count(*) FROM (SELECT skill, bkt_fit(student, seq, correct, 'min_guess=0.05, min_slip=0.05') AS f
                                 FROM obs GROUP BY skill) z WHERE (f).p_guess < 0.05 OR (f).p_slip < 0.05),
          0::bigint, 'min_guess and min_slip hold on every skill');
SELECT is((SELECT count(*) FROM (SELECT skill, bkt_item_fit(student, seq, correct, item, 'min_guess=0.05, min_slip=0.05') AS f
                                 FROM obs GROUP BY skill) z, unnest((f).p_guess, (f).p_slip) u(g, s) WHERE g < 0.05 OR s < 0.05),
          0::bigint, 'min_guess and min_slip hold on every item of every skill');
SELECT throws_ok($$SELECT bkt_fit('a', 1, true, 'min_guess=0.3, max_guess=0.2')$$, '22023', NULL,
                 'min_guess above max_guess is refused');
SELECT throws_ok($$SELECT bkt_fit('a', 1, true, 'min_slip=0.5')$$, '22023', NULL,
                 'min_slip of 0.5 or more is refused (a slip that high is no longer a slip)');
-- no learner answered twice, missing answers beside: nothing says how learning goes
SELECT is((SELECT (bkt_model(l, s, c)).p_learn FROM (VALUES ('a', 1, true), ('a', 2, NULL), ('b', 1, false), ('b', 2, NULL),
                                                        ('c', 1, true), ('c', 2, NULL)) v(l, s, c)),
          NULL::float8, 'a NULL p_learn when no learner answered twice, whatever the missing answers');
-- an item fit without items is refused (it read memory never written)
SELECT throws_ok($$SELECT bkt_state(c, ROW(0.3, 0.2, 0.0, '{}'::text[], '{}'::float8[], '{}'::float8[], '{}'::bigint[],
                                          -1, -1, 1, false, true, 1)::bkt_item_params, it) OVER (ORDER BY i)
                   FROM (VALUES (1, true, 'a'), (2, false, 'a')) v(i, c, it)$$,
                 '22023', 'bkt_item_params has no items', 'an item fit without items is refused');

SELECT * FROM finish();
ROLLBACK;
