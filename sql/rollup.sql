-- Rollup methods, pinned to hand-checked values.
SET timezone = 'UTC';
SET extra_float_digits = 0;

-- Canvas's published example: scores 1, 2, 3, 4, 5, weight 0.65.
--   weighted_average = 0.65*5 + 0.35*mean(1,2,3,4) = 4.125 -> 4.13
--   decaying_average: 1, 1.65, 2.5275, 3.484625, 4.46961875 -> 4.47
CREATE TABLE canvas (score float8, day int);
INSERT INTO canvas VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5);
SELECT mastery(score, '2024-09-01'::timestamptz + day * interval '1 day', 'weighted_average(round=2)') AS weighted_average,
       mastery(score, '2024-09-01'::timestamptz + day * interval '1 day', 'decaying_average(round=2)') AS decaying_average,
       mastery(score, '2024-09-01'::timestamptz + day * interval '1 day', 'weighted_average') AS weighted_unrounded,
       mastery(score, '2024-09-01'::timestamptz + day * interval '1 day', 'decaying_average') AS decaying_unrounded
FROM canvas;

-- PowerSchool's example: 2 then 3 gives 0.35*2 + 0.65*3 = 2.65; then 4 gives
-- 0.35*2.65 + 0.65*4 = 3.5275, published as 3.53
SELECT mastery(s, d, 'decaying_average(weight=0.65, round=2)')
FROM (VALUES (2, '2024-09-01'::timestamptz), (3, '2024-09-02')) v(s, d);
SELECT mastery(s, d, 'decaying_average(weight=0.65, round=2)')
FROM (VALUES (2, '2024-09-01'::timestamptz), (3, '2024-09-02'), (4, '2024-09-03')) v(s, d);

-- Every method on the Canvas scores (1..5): latest 5, highest 5, average 3,
-- median 3, mean of the last 3 = 4, mode with no repeats = highest = 5,
-- n_mastery(n=2, threshold=3): 3,4,5 reach it -> mean 4; n=4 -> NULL;
-- power_law: 1..5 is exactly s = k, so 5 at the last step and 6 at the next;
-- true_score: the linear model predicts 3, 4, 5 exactly -> 5.
SELECT m AS method, mastery(score, '2024-09-01'::timestamptz + day * interval '1 day', m::mastery_method)
FROM canvas, (VALUES ('latest'), ('highest'), ('average'), ('median'), ('mean_recent'),
	('mode'), ('n_mastery(n=2, threshold=3)'), ('n_mastery(n=4, threshold=3)'),
	('power_law(round=9)'), ('power_law(at=next, round=9)'), ('true_score(round=9)')) methods(m)
GROUP BY m ORDER BY m;

-- mode: 2 and 3 both appear twice; tie=highest gives 3, tie=recent gives 2
-- (the last 2 is on day 4, the last 3 on day 3)
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'mode') AS tie_highest,
       mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'mode(tie=recent)') AS tie_recent
FROM (VALUES (2, 1), (3, 2), (3, 3), (2, 4), (4, 5)) v(s, d);

-- median of an even count: mean of the middle two, (2 + 3) / 2
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'median')
FROM (VALUES (10, 1), (1, 2), (3, 3), (2, 4)) v(s, d);

-- power_law through two points 2, 3: b = ln(1.5)/ln(2), a = 2;
-- next step: 2 * 3^b = 3.80301...; a perfect square law 1, 4, 9 gives 9 and 16
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'power_law(at=next, round=6)')
FROM (VALUES (2, 1), (3, 2)) v(s, d);
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'power_law(round=6)') AS last,
       mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'power_law(at=next, round=6)') AS next
FROM (VALUES (1, 1), (4, 2), (9, 3)) v(s, d);
-- clamped to out_of: 1, 2, 3, 4 out of 4 would be 5 at the next step
SELECT mastery(mastery_evidence(s, 4, '2024-09-01'::timestamptz + s * interval '1 day'), 'power_law(at=next, round=6)')
FROM generate_series(1, 4) s;
-- a score of 0 counts as 1% of out_of (0.04), so the curve is defined;
-- at the last step the fit passes through 2 exactly
SELECT mastery(mastery_evidence(s, 4, '2024-09-01'::timestamptz + d * interval '1 day'), 'power_law(round=6)')
FROM (VALUES (0, 1), (2, 2)) v(s, d);

-- true_score: on 1, 4, 9, 16 the power law predicts 9 and 16 exactly from the
-- scores before them, the linear model misses (7, then 12.67): power law, 16.
-- On 3, 3, 3, 3 every model is exact and the tie goes to the average.
-- With fewer than 3 scores it is the average: (2 + 4) / 2.
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'true_score(round=6)')
FROM (VALUES (1, 1), (4, 2), (9, 3), (16, 4)) v(s, d);
SELECT mastery(3, '2024-09-01'::timestamptz + d * interval '1 day', 'true_score')
FROM generate_series(1, 4) d;
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'true_score')
FROM (VALUES (2, 1), (4, 2)) v(s, d);

-- bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1), correct then wrong:
--   correct: posterior 0.27/0.41 = 0.658537, after learning 0.692683
--   wrong:   posterior 0.069268/0.315122 = 0.219814, after learning 0.297833
SELECT mastery(mastery_evidence(s, 1, '2024-09-01'::timestamptz + d * interval '1 day'),
               'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, round=6)')
FROM (VALUES (1, 1)) v(s, d);
SELECT mastery(mastery_evidence(s, 1, '2024-09-01'::timestamptz + d * interval '1 day'),
               'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, round=6)')
FROM (VALUES (1, 1), (0, 2)) v(s, d);
-- correct_at: 3/4 is correct at the default 0.5 and wrong at 0.8
SELECT mastery(mastery_evidence(3, 4, '2024-09-01'), 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, round=6)') AS at_half,
       mastery(mastery_evidence(3, 4, '2024-09-01'), 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, correct_at=0.8, round=6)') AS at_80;
-- p_forget: after the correct answer 0.658537*(1-0.2) + 0.341463*0.1 = 0.561
SELECT mastery(mastery_evidence(1, 1, '2024-09-01'), 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, p_forget=0.2, round=6)');
-- score-only form: the score itself is compared with correct_at
SELECT mastery(70, '2024-09-01', 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, correct_at=60, round=6)');

-- n_mastery's NULL cases (Canvas): fewer than n scores, or fewer than n at
-- the threshold; otherwise the mean of the scores that reach it
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'n_mastery(n=2, threshold=3)') AS too_few_scores
FROM (VALUES (4, 1)) v(s, d);
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'n_mastery(n=2, threshold=3)') AS too_few_mastered
FROM (VALUES (4, 1), (2, 2), (1, 3)) v(s, d);
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'n_mastery(n=2, threshold=3)') AS mastered_twice
FROM (VALUES (4, 1), (2, 2), (3, 3)) v(s, d);

-- streak (ASSISTments, Khan Academy): n scores in a row at the threshold.
-- 3 4 2 3 3 4 1: the run 3 3 4 reaches it (mean 3.333...); n_mastery counts
-- 3 4 3 3 4 anywhere (3.4).  keep=reached holds it after the 1; keep=current
-- loses it; before any run of three it is NULL.
SELECT m, round(mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', m::mastery_method)::numeric, 4) AS value
FROM (VALUES ('streak(threshold=3)'), ('streak(threshold=3, keep=current)'), ('n_mastery(n=3, threshold=3)'),
             ('streak(n=2, threshold=3, keep=current)'), ('streak(n=4, threshold=3)')) x(m),
     (VALUES (3, 1), (4, 2), (2, 3), (3, 4), (3, 5), (4, 6), (1, 7)) v(s, d)
GROUP BY m ORDER BY m;
-- the running value: NULL until the run, then the run's mean, held
SELECT ordinal, score, weight_in_result, round(value_after::numeric, 4) AS value_after
FROM mastery_explain('[3/4 @ 2024-09-01; 4/4 @ 2024-09-02; 2/4 @ 2024-09-03; 3/4 @ 2024-09-04; 3/4 @ 2024-09-05; 4/4 @ 2024-09-06; 1/4 @ 2024-09-07]'::mastery_state,
                     'streak(threshold=3)');
-- on a fixed scale: threshold 75 of 100 on 4-point evidence (3 of 4)
SELECT mastery(e, 'streak(threshold=75, scale=100)') FROM (VALUES (mastery_evidence(3, 4, '2024-09-01')), (mastery_evidence(4, 4, '2024-09-02')),
                                                               (mastery_evidence(3, 4, '2024-09-03'))) v(e);

-- min_evidence: NULL below k pieces of evidence; round: final value only
SELECT mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'latest(min_evidence=3)') AS two_pieces,
       mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'average(min_evidence=2)') AS enough,
       mastery(s, '2024-09-01'::timestamptz + d * interval '1 day', 'average(round=0)') AS rounded
FROM (VALUES (2, 1), (3, 2)) v(s, d);

-- One piece of evidence: every method gives that score
SELECT m AS method, mastery(mastery_evidence(3, 4, '2024-09-01'), m::mastery_method)
FROM (VALUES ('latest'), ('highest'), ('average'), ('weighted_average'), ('decaying_average'),
	('median'), ('mean_recent'), ('mode'), ('power_law'), ('power_law(at=next)'), ('true_score'),
	('n_mastery(n=1, threshold=3)')) methods(m)
GROUP BY m ORDER BY m;

-- No evidence, or only NULLs: NULL
SELECT mastery(s, d, 'latest') FROM (VALUES (1::float8, '2024-09-01'::timestamptz)) v(s, d) WHERE false;
SELECT mastery(s, d, 'average') FROM (VALUES (NULL::float8, '2024-09-01'::timestamptz), (2, NULL)) v(s, d);
SELECT mastery(e, 'latest') FROM (VALUES (NULL::mastery_evidence)) v(e);

-- Ties in observed_at are ordered by score, then weight: 1 before 3
SELECT mastery(s, '2024-09-01', 'latest') AS latest,
       mastery(s, '2024-09-01', 'decaying_average') AS decaying
FROM (VALUES (3), (1)) v(s);

-- Evidence weights count in average and mean_recent only: (3*4 + 1*2) / 4
SELECT m AS method, mastery(e, m::mastery_method)
FROM (VALUES ('4/4 @ 2024-09-01, weight=3'::mastery_evidence), ('2/4 @ 2024-09-02')) v(e),
     (VALUES ('average'), ('mean_recent(n=2)'), ('latest'), ('decaying_average')) methods(m)
GROUP BY m ORDER BY m;

-- Mixed out_of: rescaled to the out_of of the most recent evidence.
-- 2/4 and 80/100 -> 50 and 80 out of 100; 80/100 then 3/4 -> 3.2 and 3 out of 4
SELECT mastery(e, 'average') FROM (VALUES ('2/4 @ 2024-09-01'::mastery_evidence), ('80/100 @ 2024-09-02')) v(e);
SELECT mastery(e, 'average(round=6)') FROM (VALUES ('80/100 @ 2024-09-01'::mastery_evidence), ('3/4 @ 2024-09-02')) v(e);

-- An override restarts the stream: 1 and 2 are ignored, average of 3 and 4
SELECT m AS method, mastery(e, m::mastery_method)
FROM (VALUES ('1/4 @ 2024-09-01'::mastery_evidence), ('2/4 @ 2024-09-02'),
             ('3/4 @ 2024-09-03, kind=override'), ('4/4 @ 2024-09-04')) v(e),
     (VALUES ('average'), ('latest'), ('highest'), ('latest(min_evidence=3)')) methods(m)
GROUP BY m ORDER BY m;
-- the latest of several overrides wins; evidence after it counts
SELECT mastery(e, 'average')
FROM (VALUES ('4/4 @ 2024-09-01, kind=override'::mastery_evidence), ('1/4 @ 2024-09-02, kind=override'),
             ('3/4 @ 2024-09-03')) v(e);

-- Errors in the aggregates
SELECT mastery(s, '2024-09-01', NULL) FROM (VALUES (1)) v(s);
SELECT mastery(s, '2024-09-01', m::mastery_method) FROM (VALUES (1, 'latest'), (2, 'average')) v(s, m);
SELECT mastery('NaN'::float8, '2024-09-01', 'latest');
SELECT mastery('-Infinity'::float8, '2024-09-01', 'latest');
SELECT mastery(1, 'infinity', 'latest');

-- At the same instant an override comes after the other evidence: a
-- teacher's 2/4 entered the same day as a 4/4 test is the last word
SELECT mastery(e, 'latest') AS latest, mastery(e, 'average') AS average
FROM (VALUES ('4/4 @ 2026-09-02'::mastery_evidence), ('2/4 @ 2026-09-02, kind=override')) v(e);
SELECT mastery(e, 'latest') AS latest
FROM (VALUES ('2/4 @ 2026-09-02, kind=override'::mastery_evidence), ('4/4 @ 2026-09-02')) v(e);
SELECT mastery_agg(e) FROM (VALUES ('4/4 @ 2026-09-02'::mastery_evidence), ('1/4 @ 2026-09-02, kind=override'),
                                   ('3/4 @ 2026-09-02')) v(e);

-- scale=k: the result on a fixed scale, whatever the out_of of the latest
-- evidence (here 3.83 of 4 and 98.44 of 100 without it)
SELECT learner, mastery(e, 'decaying_average') AS on_latest_scale,
       mastery(e, 'decaying_average(scale=4, round=2)') AS on_4,
       mastery(e, 'decaying_average(scale=100, round=1)') AS on_100
FROM (VALUES (1, '90/100 @ 2026-09-01'::mastery_evidence), (1, '4/4 @ 2026-09-02'),
             (2, '3/4 @ 2026-09-01'), (2, '99/100 @ 2026-09-02')) v(learner, e)
GROUP BY learner ORDER BY learner;
SELECT mastery(e, m::mastery_method)
FROM (VALUES ('3/4 @ 2026-09-01'::mastery_evidence)) v(e),
     (VALUES ('latest(scale=100)'), ('n_mastery(n=1, threshold=3, scale=10)'), ('power_law(scale=1)')) methods(m)
GROUP BY m ORDER BY m;
-- scale needs an out_of, and applies to scores, not to bkt's probability
SELECT mastery(3, '2026-09-01', 'latest(scale=100)');
SELECT 'bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1, scale=4)'::mastery_method;
SELECT 'latest(scale=0)'::mastery_method;
SELECT 'latest(scale=2.5)'::mastery_method;

-- a negative score is an error in the score-only form too
SELECT mastery(-2.0::float8, '2026-09-01', 'average');

-- a method bound as a text parameter, as BI tools and ETL frameworks do
PREPARE by_method(text) AS
	SELECT mastery(e, $1) FROM (VALUES ('1/4 @ 2026-09-01'::mastery_evidence), ('3/4 @ 2026-09-02')) v(e);
EXECUTE by_method('average');
EXECUTE by_method('decaying_average(weight=0.5)');
EXECUTE by_method('no_such_method');
DEALLOCATE by_method;
SELECT mastery(mastery_agg(e), 'latest'::varchar) FROM (VALUES ('1/4 @ 2026-09-01'::mastery_evidence)) v(e);
-- at the same instant, scores on different scales compare as shares: the
-- 3/4 (0.75) comes after the 50/100 (0.5) whatever their raw numbers
SELECT mastery(e, 'latest') AS latest
FROM (VALUES ('3/4 @ 2024-09-05'::mastery_evidence), ('50/100 @ 2024-09-05')) v(e);
-- n_mastery with scale=k reads its threshold on the k-point scale too: one
-- policy for a standard whose evidence comes on 4- and 100-point scales
SELECT mastery(e, 'n_mastery(threshold=3, n=2)') AS threshold_on_latest_scale,
       mastery(e, 'n_mastery(threshold=3, n=2, scale=4)') AS threshold_on_4
FROM (VALUES ('3.5/4 @ 2024-09-01'::mastery_evidence), ('3.2/4 @ 2024-09-02'), ('10/100 @ 2024-09-03')) v(e);
