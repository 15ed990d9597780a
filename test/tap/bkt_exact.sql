-- Knowledge tracing is exact on sequences of any length: every BKT
-- probability the extension carries (the bkt method in mastery(), stored
-- states, profiles, a method from fitted parameters, bkt_state and
-- bkt_correct) against the recursion written in SQL with numeric
-- arithmetic, P(known) and P(unknown) carried apart to 50 significant
-- digits, so that neither rounds to 0 or 1.  A probability carried as a
-- double freezes once it rounds to 1: 30 right answers then 30 wrong read 1
-- (exact: 0.1143).  Every value within 1e-12 of the exact one.
BEGIN;
SELECT plan(19);
SET LOCAL client_min_messages = warning;

-- x to 50 significant digits (numeric keeps every digit of a product, and
-- 2,000 steps would pass its 16,383-digit scale)
CREATE FUNCTION pg_temp.sig(x numeric) RETURNS numeric LANGUAGE sql AS $$
    SELECT CASE WHEN x = 0 THEN 0
                WHEN x >= 1e-300 THEN round(x, 50 - floor(log(x::float8))::int)
                ELSE round(x, 50 - floor(log(x))::int) END $$;

-- Corbett & Anderson's recursion, one answer at a time: P(known) before each
-- answer (what bkt_state gives for that row), then after the last one (what
-- the bkt method gives); a NULL answer is the transition alone.
CREATE FUNCTION pg_temp.bkt_exact(answers boolean[], p_init numeric, p_learn numeric, p_guess numeric,
                                  p_slip numeric, p_forget numeric)
RETURNS numeric[] LANGUAGE plpgsql AS $$
DECLARE
    k numeric := p_init;
    u numeric := 1 - p_init;
    l1 numeric; l0 numeric; a numeric; b numeric; s numeric;
    c boolean;
    known numeric[] := '{}';
BEGIN
    FOREACH c IN ARRAY answers LOOP
        known := known || pg_temp.sig(k / (k + u));
        IF c IS NULL THEN l1 := 1; l0 := 1;
        ELSIF c THEN l1 := 1 - p_slip; l0 := p_guess;
        ELSE l1 := p_slip; l0 := 1 - p_guess;
        END IF;
        a := k * l1; b := u * l0; s := a + b;
        a := a / s; b := b / s;
        k := a * (1 - p_forget) + b * p_learn;
        u := b * (1 - p_learn) + a * p_forget;
        IF cardinality(known) % 8 = 0 THEN
            k := pg_temp.sig(k);
            u := pg_temp.sig(u);
        END IF;
    END LOOP;
    RETURN known || pg_temp.sig(k / (k + u));
END $$;

-- Sequences: the long runs the issue names, with and without forgetting,
-- the parameters' edges, and random ones (runs of right and wrong answers
-- of random length, random parameters with three decimals, so that the
-- float8 a query passes is the nearest double to the numeric the reference
-- uses)
CREATE TEMP TABLE sequences (id int, kind text, p_init numeric, p_learn numeric, p_guess numeric,
                             p_slip numeric, p_forget numeric, answers boolean[]);
CREATE FUNCTION pg_temp.runs(VARIADIC r int[]) RETURNS boolean[] LANGUAGE sql AS $$
    SELECT array_agg(i % 2 = 1 ORDER BY i, k)
    FROM generate_subscripts(r, 1) i, generate_series(1, r[i]) k $$;
INSERT INTO sequences VALUES
    (1, 'fixed', 0.5, 0.1, 0.2, 0.1, 0, pg_temp.runs(30, 30)),
    (2, 'fixed', 0.5, 0.1, 0.2, 0.1, 0, pg_temp.runs(62, 62)),
    (3, 'fixed', 0.5, 0.1, 0.2, 0.1, 0, pg_temp.runs(1500, 200)),
    (4, 'fixed', 0.5, 0.1, 0.2, 0.1, 0, pg_temp.runs(500, 600)),
    (5, 'fixed', 0.5, 0.1, 0.2, 0.1, 0.05, pg_temp.runs(30, 30)),
    (6, 'fixed', 0.5, 0.1, 0.2, 0.1, 0.05, pg_temp.runs(62, 62)),
    (7, 'fixed', 0.5, 0.1, 0.2, 0.1, 0.05, pg_temp.runs(1500, 200)),
    (8, 'fixed', 0.3, 0.02, 0.05, 0.01, 0, pg_temp.runs(700, 900)),
    (9, 'edge', 1, 0.1, 0.2, 0.1, 0.05, pg_temp.runs(10, 20)),
    (10, 'edge', 0, 0.1, 0.2, 0.1, 0, pg_temp.runs(10, 20)),
    (11, 'edge', 0.5, 0, 0.2, 0.1, 0, pg_temp.runs(40, 40)),
    (12, 'edge', 0.5, 1, 0.2, 0.1, 0.3, pg_temp.runs(5, 5)),
    (13, 'edge', 0.5, 0.2, 0.001, 0.999, 0, pg_temp.runs(100, 100)),
    (14, 'edge', 0.5, 0, 0.2, 0.1, 0, pg_temp.runs(0, 300));  -- P(known) down to 1e-271
SELECT setseed(0.17);
INSERT INTO sequences
SELECT 100 + s, 'random', round(random()::numeric, 3), round((random() * 0.4)::numeric, 3),
       round((0.01 + random() * 0.4)::numeric, 3), round((0.01 + random() * 0.4)::numeric, 3),
       CASE WHEN s % 3 = 0 THEN round((random() * 0.1)::numeric, 3) ELSE 0 END,
       (SELECT array_agg(r ORDER BY g, k)
        FROM (SELECT g, random() < 0.5 AS r, 1 + floor(random() * 120)::int AS len
              FROM generate_series(1, 10 + s) g) runs, generate_series(1, len) k)
FROM generate_series(1, 24) s;

CREATE TEMP TABLE expected AS
SELECT id, kind, pg_temp.bkt_exact(answers, p_init, p_learn, p_guess, p_slip, p_forget) AS known
FROM sequences;

-- one row per answer, one minute apart
CREATE TEMP TABLE answers AS
SELECT q.id, i, q.answers[i] AS correct, timestamptz '2010-01-01' + i * interval '1 minute' AS t,
       format('bkt(p_init=%s, p_learn=%s, p_guess=%s, p_slip=%s, p_forget=%s)',
              p_init, p_learn, p_guess, p_slip, p_forget)::mastery_method AS method,
       format('(%s,%s,%s,%s,%s,0,0,f,t)', p_init, p_learn, p_guess, p_slip, p_forget)::bkt_params AS params
FROM sequences q, generate_subscripts(q.answers, 1) i;

SELECT is(round(mastery(correct::int::float8, t, method)::numeric, 4), 0.1143,
          '30 right then 30 wrong: P(known) 0.1143, not 1')
FROM answers WHERE id = 1 GROUP BY method;
SELECT is(round(mastery(correct::int::float8, t, method)::numeric, 4), 0.1143,
          '500 right then 600 wrong: back to 0.1143 (P(unknown) passed 1e-300 on the way)')
FROM answers WHERE id = 4 GROUP BY method;
SELECT ok((SELECT known[1501] > 0.9999999999 FROM expected WHERE id = 3),
          'the reference itself: after 1,500 right answers P(known) rounds to 1 in a double');

CREATE TEMP TABLE results AS
SELECT a.id, e.kind, e.known[cardinality(e.known)] AS exact,
       mastery(a.correct::int::float8, a.t, a.method) AS scores,
       mastery(mastery_evidence(a.correct::int, 1, a.t), a.method) AS evidence,
       mastery(mastery_agg(mastery_evidence(a.correct::int, 1, a.t)), a.method) AS stored,
       learner_profile('skill', mastery_evidence(a.correct::int, 1, a.t), a.method) -> 'skill' AS profile,
       mastery(mastery_evidence(a.correct::int, 1, a.t), mastery_method(a.params)) AS fitted
FROM answers a JOIN expected e USING (id)
GROUP BY a.id, e.kind, e.known, a.method, a.params;

CREATE FUNCTION pg_temp.worst(kind_ text, col text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE w numeric;
BEGIN
    EXECUTE format('SELECT max(abs(%I::numeric - exact)) FROM results WHERE kind = ANY (string_to_array($1, '',''))', col)
        INTO w USING kind_;
    RETURN w;
END $$;

SELECT cmp_ok(pg_temp.worst('fixed,edge', 'scores'), '<', 1e-12, 'mastery(score, observed_at, bkt): the long runs and the edges');
SELECT cmp_ok(pg_temp.worst('fixed,edge', 'evidence'), '<', 1e-12, 'mastery(evidence, bkt): the long runs and the edges');
SELECT cmp_ok(pg_temp.worst('fixed,edge', 'stored'), '<', 1e-12, 'mastery(stored state, bkt): the long runs and the edges');
SELECT cmp_ok(pg_temp.worst('fixed,edge', 'profile'), '<', 1e-12, 'profile -> skill on bkt: the long runs and the edges');
SELECT cmp_ok(pg_temp.worst('fixed,edge', 'fitted'), '<', 1e-12, 'the method of bkt_params: the long runs and the edges');
SELECT cmp_ok(pg_temp.worst('random', 'scores'), '<', 1e-12, 'mastery(score, observed_at, bkt): 24 random sequences');
SELECT cmp_ok(pg_temp.worst('random', 'stored'), '<', 1e-12, 'mastery(stored state, bkt): 24 random sequences');
SELECT cmp_ok(pg_temp.worst('random', 'profile'), '<', 1e-12, 'profile -> skill on bkt: 24 random sequences');
SELECT is((SELECT count(*) FROM results WHERE kind = 'random'), 24::bigint, 'every random sequence rolled up');

-- per row: bkt_state is P(known) before the answer, bkt_correct the
-- predicted P(right) = p_guess P(unknown) + (1 - p_slip) P(known), both
-- from the exact P(known) and P(unknown)
CREATE TEMP TABLE per_row AS
SELECT a.id, e.kind, a.i,
       bkt_state(a.correct, a.params) OVER w AS state,
       bkt_correct(a.correct, a.params) OVER w AS predicted,
       e.known[a.i] AS exact_state,
       q.p_guess * (1 - e.known[a.i]) + (1 - q.p_slip) * e.known[a.i] AS exact_predicted
FROM answers a JOIN expected e USING (id) JOIN sequences q USING (id)
WINDOW w AS (PARTITION BY a.id ORDER BY a.i);

SELECT is((SELECT count(*) FROM per_row), (SELECT sum(cardinality(answers)) FROM sequences),
          'bkt_state and bkt_correct on every answer');
SELECT cmp_ok((SELECT max(abs(state::numeric - exact_state)) FROM per_row WHERE kind <> 'random'), '<', 1e-12,
              'bkt_state: the long runs and the edges');
SELECT cmp_ok((SELECT max(abs(predicted::numeric - exact_predicted)) FROM per_row WHERE kind <> 'random'), '<', 1e-12,
              'bkt_correct: the long runs and the edges');
SELECT cmp_ok((SELECT max(abs(state::numeric - exact_state)) FROM per_row WHERE kind = 'random'), '<', 1e-12,
              'bkt_state: 24 random sequences');
SELECT cmp_ok((SELECT max(abs(predicted::numeric - exact_predicted)) FROM per_row WHERE kind = 'random'), '<', 1e-12,
              'bkt_correct: 24 random sequences');

-- and relative to the value: a P(known) of 1e-30 within 1e-12 says
-- nothing, within 1e-9 of itself it does
SELECT cmp_ok((SELECT max(abs(state::numeric - exact_state) / exact_state) FROM per_row WHERE exact_state > 0), '<', 1e-9,
              'bkt_state: relative to the exact value, on every row');
SELECT cmp_ok((SELECT max(abs(scores::numeric - exact) / exact) FROM results WHERE exact > 0), '<', 1e-9,
              'mastery(score, observed_at, bkt): relative to the exact value');

SELECT * FROM finish();
ROLLBACK;
