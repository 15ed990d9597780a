-- Knowledge tracing: bkt_fit, the per-row predictions bkt_state and
-- bkt_correct, the bkt method of fitted parameters, and their errors.
SET extra_float_digits = 0;

-- A hand-checked sequence: p_init 0.4, p_learn 0.2, p_guess 0.2, p_slip 0.1.
-- Row 1 predicts 0.4; a wrong answer gives P(known) = 0.04 / 0.52, then
-- learning: 0.0769 + 0.9231 * 0.2 = 0.261538; a right answer gives
-- 0.235385 / 0.383077 = 0.614458, then 0.691566; a missing answer only
-- learns: 0.691566 + 0.308434 * 0.2 = 0.753253.
CREATE TEMP TABLE responses (learner text, seq bigint, correct boolean);
INSERT INTO responses VALUES ('ana', 1, false), ('ana', 2, true), ('ana', 3, NULL), ('ana', 4, true),
                             ('ben', 1, true);
SELECT learner, seq, correct,
       round(bkt_state(correct, (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER w::numeric, 6) AS state,
       round(bkt_correct(correct, (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER w::numeric, 6) AS predicted
FROM responses WINDOW w AS (PARTITION BY learner ORDER BY seq)
ORDER BY learner, seq;
-- forgetting: a known skill may be lost between rows
SELECT seq, round(bkt_state(correct, (0.9, 0, 0.2, 0.1, 0.5, NULL, NULL, NULL, NULL)::bkt_params)
                  OVER (ORDER BY seq)::numeric, 6) AS state
FROM responses WHERE learner = 'ana' ORDER BY seq;
-- parameters that change within a partition: a forgotten PARTITION BY skill
SELECT bkt_state(correct, CASE WHEN seq < 3 THEN (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params
                               ELSE (0.5, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params END)
       OVER (PARTITION BY learner ORDER BY seq)
FROM responses;
-- p_slip 0: wrong answers still lower P(known) (moved 1e-9 inside, as in the
-- method); -0 is 0; a row without parameters gives NULL but its answer counts
SELECT seq, correct,
       round(bkt_state(correct, (0.5, 0.1, 0.2, 0, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER w::numeric, 6) AS slip_0,
       round(bkt_state(correct, CASE WHEN seq = 2 THEN (0.5, 0.1, 0.2, -0.0, 0, NULL, NULL, NULL, NULL)::bkt_params
                                     ELSE (0.5, 0.1, 0.2, 0, 0, NULL, NULL, NULL, NULL)::bkt_params END) OVER w::numeric, 6) AS minus_0,
       round(bkt_state(correct, CASE WHEN seq <> 2 THEN (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params END)
             OVER w::numeric, 6) AS null_params_on_2
FROM responses WHERE learner = 'ana' WINDOW w AS (ORDER BY seq) ORDER BY seq;
-- parameters are compared as given, before they move inside (0, 1)
SELECT bkt_state(correct, CASE WHEN seq < 3 THEN (0.4, 0.2, 0, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params
                               ELSE (0.4, 0.2, 1e-12, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params END)
       OVER (PARTITION BY learner ORDER BY seq)
FROM responses;
-- NULL parameters give NULL, and so does a fit without p_learn (a skill
-- no learner answered twice): a window query over every skill goes on; a
-- value outside [0, 1] is an error
SELECT bkt_state(correct, NULL) OVER (ORDER BY seq) FROM responses WHERE learner = 'ben';
SELECT seq, bkt_state(correct, (0.4, NULL, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER w AS state,
       bkt_correct(correct, (0.4, NULL, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER w AS predicted
FROM responses WHERE learner = 'ana' WINDOW w AS (ORDER BY seq) ORDER BY seq;
SELECT bkt_correct(correct, (0.4, 0.2, 1.5, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params) OVER (ORDER BY seq) FROM responses;

-- The fitted parameters as the bkt method (exact numbers); a p_slip of 0
-- moves inside (0, 1), where the method's formula needs it
SELECT (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params::mastery_method;
SELECT mastery_method((0.123456789012345, 0.2, 0.58, 0, 0, -10, 5, true, true)::bkt_params);
SELECT mastery_method((NULL, 0.2, 0.58, 0, 0, -10, 5, true, true)::bkt_params);
-- mastery() with that method after ana's answers: wrong, right, right
SELECT round(mastery(score, timestamptz '2026-01-01' + seq * interval '1 day',
                     (0.4, 0.2, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params::mastery_method)::numeric, 6)
FROM (VALUES (1, 0.0), (2, 1.0), (4, 1.0)) v(seq, score);

-- bkt_fit: no rows give NULL; rows without a learner or key add nothing
SELECT bkt_fit(learner, seq, correct) FROM responses WHERE false;
SELECT bkt_fit(NULL::text, seq, correct) IS NULL AS no_learner FROM responses;
-- only missing answers: nothing to fit
SELECT bkt_fit(learner, seq, NULL::boolean) IS NULL AS all_missing FROM responses;
-- ben's single response and ana's four: a fit from a fixed start, pyBKT's rule
SELECT (b).iterations, (b).p_forget, (b).degenerate, round((b).log_likelihood::numeric, 6) AS ll,
       round((b).p_init::numeric, 6) AS p_init, round((b).p_learn::numeric, 6) AS p_learn,
       round((b).p_guess::numeric, 6) AS p_guess, round((b).p_slip::numeric, 6) AS p_slip
FROM (SELECT bkt_fit(learner, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), pybkt_compat') AS b FROM responses) x;
-- no learner answered twice: p_learn cannot be fitted (NULL), and the
-- method refuses it rather than call everyone's skill known
SELECT (b).p_learn IS NULL AS no_learn, (b).p_init IS NOT NULL AS has_init
FROM (SELECT bkt_fit(learner, 1, correct) AS b FROM responses WHERE seq = 1) x;
SELECT bkt_fit(learner, 1, correct)::mastery_method FROM responses WHERE seq = 1;
-- all wrong: a likelihood of 1 once p_guess is 0 (and p_slip 1 or p_init 0)
SELECT (b).p_guess, round((b).log_likelihood::numeric, 9) AS ll
FROM (SELECT bkt_fit('l' || g % 7, g, false, 'restarts=2') AS b FROM generate_series(1, 50) g) x;
-- the type as text
SELECT bkt_fit(learner, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), max_iter=1')::text FROM responses;

-- Options: each mistake named
SELECT bkt_fit(learner, seq, correct, 'restarts=0') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'restarts=2.5') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'init=(0.5, 0.1)') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'init=(0.5, 0.1, 1.2, 0.1)') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'tol=0') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'tol=nan') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'seed=-1') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'max_guess=0') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'max_iter') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'pybkt_compat=maybe') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'restarts=3,') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'restarts=3 seed=2') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'learn_rate=0.1') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'seed=7, Seed=8') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'max_iter=0x2') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'tol=1e-400') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'init=(0.5, 0.1, 0.2, 0.1, 0.05)') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'init=(0.5, 0.1, 0.2, 0.1, 0.05, 0.1)') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'forgets, init=(0.5, 0.1, 0.2, 0.1, 0)') FROM responses;
SELECT (bkt_fit(learner, seq, correct, 'forgets, init=(0.5, 0.1, 0.2, 0.1, 0.05), max_iter=1')).p_forget > 0 AS fits_forget
FROM responses;
SELECT bkt_fit(learner, seq, correct, CASE WHEN seq = 1 THEN 'restarts=2' ELSE 'restarts=3' END) FROM responses;
-- options that are fine: flags, spaces, upper case, NULL for the defaults
SELECT (bkt_fit(learner, seq, correct, ' FORGETS = false ,pybkt_compat=TRUE, restarts = 1 , seed=7 ')).iterations > 0 AS ok
FROM responses;
SELECT (bkt_fit(learner, seq, correct, NULL)).iterations > 0 AS ok FROM responses;

-- p_learn bounds: held at every M-step and at the starts; mistakes named
SELECT (b).p_learn <= 0.05 AS bounded_above FROM (SELECT bkt_fit(learner, seq, correct, 'max_learn=0.05, restarts=2') AS b FROM responses) x;
SELECT (b).p_learn >= 0.3 AS bounded_below FROM (SELECT bkt_fit(learner, seq, correct, 'min_learn=0.3, restarts=2') AS b FROM responses) x;
SELECT bkt_fit(learner, seq, correct, 'min_learn=0.3, max_learn=0.2') FROM responses;
SELECT bkt_fit(learner, seq, correct, 'max_learn=1.5') FROM responses;

-- 0/1 integer answers and integer learners, as item-response tables hold them
CREATE TEMP TABLE answers_int (student int, seq bigint, correct int);
INSERT INTO answers_int VALUES (7, 1, 0), (7, 2, 1), (7, 3, NULL), (7, 4, 1), (8, 1, 1);
SELECT bkt_fit(student, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), pybkt_compat')::text =
       (SELECT bkt_fit(learner, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), pybkt_compat')::text
        FROM responses) AS same_fit
FROM answers_int;
SELECT bkt_fit(student::text, seq, correct) IS NOT NULL AS text_learner FROM answers_int;
SELECT bkt_fit(student, seq, correct + 1) FROM answers_int;
SELECT bkt_evaluate(2, 0.5);

-- bkt_model: the fit, and what it rests on (answers, not missing ones)
SELECT p_learn IS NOT NULL AS fitted, implausible, learners, answers, repeat_learners
FROM (SELECT (bkt_model(learner, seq, correct, 'restarts=2')).* FROM responses) x;
SELECT p_learn, implausible, learners, answers, repeat_learners
FROM (SELECT (bkt_model(learner, seq, correct)).* FROM responses WHERE seq = 1) x;
SELECT (bkt_model(learner, seq, correct, 'min_learn=0.6, restarts=1')).implausible FROM responses;
-- used as its bkt_params: in the window functions and as a method
SELECT round(bkt_state(correct, (SELECT bkt_model(learner, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), max_iter=1') FROM responses))
             OVER (PARTITION BY learner ORDER BY seq)::numeric, 6) AS state
FROM responses ORDER BY learner, seq;
SELECT bkt_model(learner, seq, correct, 'init=(0.4, 0.2, 0.2, 0.1), max_iter=1')::bkt_params::text FROM responses;

-- a fit or a default: unfitted, degenerate and implausible fits give way
SELECT bkt_fallback(f::bkt_params, (0.3, 0.1, 0.2, 0.1, 0, NULL, NULL, NULL, NULL)::bkt_params)::text
FROM (VALUES ((0.4, 0.2, 0.2, 0.1, 0, -3, 4, false, true)::bkt_params),
             ((0.4, NULL, 0.2, 0.1, 0, -3, 4, false, true)::bkt_params),
             ((0.4, 0.2, 0.6, 0.1, 0, -3, 4, true, true)::bkt_params),
             ((0.4, 0.7, 0.2, 0.1, 0, -3, 4, false, true)::bkt_params),
             (NULL::bkt_params)) v(f);

-- bkt_evaluate: n, AUC (ties half), RMSE, accuracy at 0.5, log loss.
-- Right answers predicted 0.9, 0.6 and 0.4, wrong ones 0.6 and 0.1: of the
-- six (right, wrong) pairs 4 are ordered and one tied, AUC 4.5 / 6 = 0.75;
-- squared errors 0.01 + 0.16 + 0.36 + 0.36 + 0.01 = 0.9, RMSE sqrt(0.18);
-- 0.9, 0.6 and 0.1 are on the right side of 0.5, accuracy 3/5
SELECT n, auc, round(rmse::numeric, 12) AS rmse, accuracy, round(log_loss::numeric, 12) AS log_loss,
       round((-(ln(0.9) + ln(0.6) + ln(0.4) + ln(0.4) + ln(0.9)) / 5)::numeric, 12) AS log_loss_by_hand
FROM (SELECT (bkt_evaluate(c, p)).* FROM (VALUES (true, 0.9), (true, 0.6), (true, 0.4), (false, 0.6), (false, 0.1),
                                                (NULL, 0.5), (true, NULL)) v(c, p)) x;
-- one kind of answer: no AUC; no rows: NULL; 0 and 1 clamped for the log loss
SELECT (bkt_evaluate(true, p)).auc IS NULL AS no_auc FROM (VALUES (0.5), (0.7)) v(p);
SELECT bkt_evaluate(true, 0.5) IS NULL AS empty FROM responses WHERE false;
SELECT round((bkt_evaluate(c, p)).log_loss::numeric, 9) AS clamped FROM (VALUES (true, 0.0), (false, 1.0)) v(c, p);
SELECT bkt_evaluate(c, p) FROM (VALUES (1, 0.25), (0, 0.75)) v(c, p);
-- a prediction must be a probability
SELECT bkt_evaluate(true, 1.5);
SELECT bkt_evaluate(true, 'NaN');
SELECT bkt_evaluate(false, '-Infinity');

-- bkt_crossvalidate: per fold and the mean (fold NULL)
CREATE TEMP TABLE cv AS
SELECT 'l' || (g % 20) AS learner, g::bigint AS seq, ((g * 7919) % 13) < 6 + (g / 20) % 5 AS correct
FROM generate_series(1, 400) g;
SELECT fold, learners, n, auc IS NOT NULL AS scored
FROM unnest((SELECT bkt_crossvalidate(learner, seq, correct, 4, 0, 'restarts=2') FROM cv)) f;
-- the mean row holds the mean of the folds
SELECT abs(avg(rmse) FILTER (WHERE fold IS NOT NULL) - max(rmse) FILTER (WHERE fold IS NULL)) < 1e-15 AS mean_of_folds
FROM unnest((SELECT bkt_crossvalidate(learner, seq, correct, 4, 0, 'restarts=2') FROM cv)) f;
-- a fold whose other folds hold no repeated answer is not scored
SELECT fold, learners, n, auc, rmse FROM unnest((SELECT bkt_crossvalidate(learner, 1, correct, 2, 0, NULL) FROM cv WHERE seq <= 4)) f;
SELECT bkt_crossvalidate(learner, seq, correct, 1, 0, NULL) FROM cv;
SELECT bkt_crossvalidate(learner, seq, correct, 4, CASE WHEN seq < 5 THEN 1 ELSE 2 END, NULL) FROM cv;
SELECT bkt_crossvalidate(learner, seq, correct, 4, 0, 'restarts=-1') FROM cv;

-- bkt_item_fit: a p_guess and a p_slip per item (KT-IDEM).  Two items, one
-- easy and one hard, answered in turn by 40 learners; items listed in byte
-- order, with the answers each rests on, and the plain fit's
-- log-likelihood beside the item fit's
CREATE TEMP TABLE item_answers AS
SELECT 'l' || (g % 40) AS learner, g::bigint AS seq,
       CASE WHEN g % 2 = 0 THEN 'easy' ELSE 'hard' END AS item,
       CASE WHEN g % 2 = 0 THEN (g * 7919) % 10 < 8 ELSE (g * 7919) % 10 < 3 + (g / 40) % 4 END AS correct
FROM generate_series(1, 800) g;
SELECT items, item_answers, learners, iterations > 0 AS iterated, converged,
       log_likelihood >= plain_log_likelihood AS not_below_plain
FROM (SELECT (bkt_item_fit(learner, seq, correct, item, 'restarts=2')).* FROM item_answers) f;
-- rows without an item (or learner, or order key) add nothing; a NULL
-- answer is a missing response; all missing: NULL
SELECT (bkt_item_fit(learner, seq, correct, CASE WHEN seq > 4 THEN item END)).item_answers
FROM item_answers WHERE seq <= 8;
SELECT bkt_item_fit(learner, seq, NULL::boolean, item) IS NULL AS nothing_answered FROM item_answers;
-- one answer per learner: p_learn NULL, as bkt_fit
SELECT p_learn IS NULL AS no_learning, items FROM (SELECT (bkt_item_fit(learner, 1, correct, item)).* FROM item_answers WHERE seq <= 20) f;
-- the options of bkt_fit, checked on the first row; answers 0 or 1
SELECT bkt_item_fit(learner, seq, correct, item, 'restarts=0') FROM item_answers;
SELECT bkt_item_fit(learner, seq, 2, item) FROM item_answers;
-- at most 10,000 items in one group
SELECT bkt_item_fit('l', g::bigint, true, 'item ' || g) FROM generate_series(1, 10001) g;

-- bkt_state and bkt_correct with the item: an item not in the fit has no
-- predicted answer and its answer moves nothing
SELECT seq, item, correct, round(bkt_state(correct, f, item) OVER w::numeric, 6) AS known,
       round(bkt_correct(correct, f, item) OVER w::numeric, 6) AS right_answer
FROM (VALUES (1, 'a', true), (2, 'b', false), (3, 'new', false), (4, NULL, true), (5, 'a', NULL), (6, 'b', true)) v(seq, item, correct),
     (SELECT ROW(0.3, 0.2, 0, '{b,a}', '{0.4,0.1}', '{0.05,0.2}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params AS f) p
WINDOW w AS (ORDER BY seq);
-- fits that cannot be used
SELECT bkt_state(true, ROW(0.3, 0.2, 0, '{a,b}', '{0.4}', '{0.05,0.2}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
SELECT bkt_state(true, ROW(0.3, 0.2, 0, '{a,a}', '{0.4,0.1}', '{0.05,0.2}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
SELECT bkt_state(true, ROW(0.3, 0.2, 0, '{a}', '{1.5}', '{0.05}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
SELECT bkt_state(true, ROW(1.3, 0.2, 0, '{a}', '{0.5}', '{0.05}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
SELECT bkt_state(true, ROW(0.3, 0.2, 0, '{{a}}', '{{0.5}}', '{{0.05}}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
SELECT bkt_state(true, ROW(0.3, 0.2, 0, '{a,NULL}', '{0.5,0.1}', '{0.05,0.1}', NULL, NULL, NULL, NULL, NULL, NULL, NULL)::bkt_item_params, 'a') OVER ();
