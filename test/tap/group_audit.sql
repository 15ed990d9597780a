-- The audits on generated schools.  A school of 20 sections of 25, each
-- grouped by mastery into four groups (7, 6, 6, 6), whose 60 English
-- learners (3 a section) are all put in the lowest group whatever the
-- mastery of the others: tracking_audit finds them, with the risk ratio of 60/60 against
-- (140 - 60)/440 = 5.5; the same school grouped at random (the same sizes)
-- flags nothing, in tracking_audit or in group_disproportionality (which
-- cannot find the tracked one either: 3 of 3 in one group of one section
-- is not unlikely enough).  Then
-- tracking_audit equals a plain SQL formulation of its definition (tiers,
-- learners once per unit, risk ratio, alternate risk ratio, Fisher's exact
-- p) on random districts of small and large schools, and
-- group_disproportionality equals one of its own on random sections.
BEGIN;
SELECT plan(12);
SET LOCAL client_min_messages = warning;
SELECT setseed(0.27);

-- 500 learners: mastery 0..99 (the English learners' 0..39, so that the
-- group they are put in stays the lowest); an IEP label at random
CREATE TEMP TABLE school AS
SELECT 'S' || lpad(sec::text, 2, '0') AS section, 'L' || lpad((sec * 100 + i)::text, 5, '0') AS learner,
       CASE WHEN i <= 3 THEN 'EL' ELSE 'non-EL' END AS el,
       CASE WHEN random() < 0.15 THEN 'IEP' ELSE 'none' END AS iep,
       floor(random() * CASE WHEN i <= 3 THEN 40 ELSE 100 END)::float8 AS mastery
FROM generate_series(1, 20) sec, generate_series(1, 25) i;

-- tracked: the English learners first into group 1 (the lowest), then
-- everyone by mastery, groups of 7, 6, 6, 6
CREATE TEMP TABLE tracked AS
SELECT s.*, CASE WHEN r <= 7 THEN 1 WHEN r <= 13 THEN 2 WHEN r <= 19 THEN 3 ELSE 4 END AS group_no
FROM (SELECT *, row_number() OVER (PARTITION BY section ORDER BY el = 'EL' DESC, mastery, learner) AS r FROM school) s;
-- at random: the same sizes, an order drawn from the learner's code
CREATE TEMP TABLE shuffled AS
SELECT s.*, CASE WHEN r <= 7 THEN 1 WHEN r <= 13 THEN 2 WHEN r <= 19 THEN 3 ELSE 4 END AS group_no
FROM (SELECT *, row_number() OVER (PARTITION BY section ORDER BY md5('draw ' || learner)) AS r FROM school) s;

SELECT is((SELECT count(*) FROM (SELECT section, group_no, avg(mastery) AS m,
                                        min(avg(mastery)) OVER (PARTITION BY section) AS low
                                 FROM tracked GROUP BY 1, 2) g WHERE group_no = 1 AND m = low)::int,
          20, 'tracked: group 1 is the lowest tier of every section');

CREATE TEMP TABLE tracked_audit AS
SELECT (t).* FROM (SELECT unnest(tracking_audit('school', section, group_no::text, learner, el, mastery)) t FROM tracked) x;
SELECT results_eq(
    $$SELECT subgroup, learners, lowest_tier, comparison_learners, comparison_lowest_tier, basis, round(ratio::numeric, 9), flagged
      FROM tracked_audit ORDER BY subgroup$$,
    $$VALUES ('EL', 60, 60, 440, 80, 'risk ratio', 5.5::numeric, true),
             ('non-EL', 440, 80, 60, 60, 'risk ratio', round((80 / 440.0) / 1.0, 9), false)$$,
    'tracked: the English learners are found, risk ratio 60/60 over 80/440 = 5.5, flagged; the others not');
SELECT ok((SELECT p_value < 1e-30 FROM tracked_audit WHERE subgroup = 'EL'),
          'tracked: Fisher''s exact p of (60, 0; 80, 360) is below 1e-30');

SELECT is((SELECT count(*) FROM (SELECT unnest(tracking_audit('school', section, group_no::text, learner, el, mastery)) t
                                 FROM shuffled) x WHERE (t).flagged)::int,
          0, 'at random: tracking_audit flags no subgroup');
SELECT is((SELECT count(*) FROM (SELECT unnest(tracking_audit('school', section, group_no::text, learner, iep, mastery)) t
                                 FROM shuffled) x WHERE (t).flagged)::int,
          0, 'at random: nor by IEP');
SELECT is((SELECT count(*) FROM (SELECT section, unnest(group_disproportionality(group_no, el)) d
                                 FROM shuffled GROUP BY section) x WHERE (d).flagged)::int,
          0, 'at random: group_disproportionality flags no cell in any of the 20 sections');
-- one section alone cannot show it: 3 of 3 in a group of 7 of 25 has
-- p = C(22, 4) / C(25, 7) = 7315/480700 = 0.0152, 8 x that = 0.1217
-- after Holm over the section's 8 cells
SELECT results_eq(
    $$SELECT DISTINCT round((d).p_value::numeric, 6), round((d).p_adjusted::numeric, 6), (d).flagged
      FROM (SELECT section, unnest(group_disproportionality(group_no, el)) d FROM tracked GROUP BY section) x
      WHERE (d).group_no = 1$$,
    $$VALUES (round(7315 / 480700.0, 6), round(8 * 7315 / 480700.0, 6), false)$$,
    'tracked: group_disproportionality cannot tell one section''s three from chance (p 0.0152, 0.1217 after Holm)');

-- A district: 30 schools of 1 to 6 sections of 5 to 30 learners, groups of
-- 1 to 5 with integer mastery (so that means tie and sums are exact), a
-- NULL mastery now and then, learners in two sections of their school, a
-- subgroup of four values (one rare) or NULL
CREATE TEMP TABLE district AS
SELECT 'school ' || sch AS unit, 'sec ' || sch || '/' || sec AS section, (1 + floor(random() * k))::int::text AS group_id,
       'L' || (sch * 1000 + floor(random() * 120)::int) AS learner,
       CASE WHEN random() < 0.02 THEN NULL ELSE floor(random() * 4)::float8 END AS mastery
FROM generate_series(1, 30) sch,
     LATERAL (SELECT sec, 5 + floor(random() * 26)::int AS n, 1 + floor(random() * 5)::int AS k
              FROM generate_series(1, 1 + (sch * 7) % 6) sec) s,
     LATERAL generate_series(1, s.n) i;
ALTER TABLE district ADD COLUMN subgroup text;
UPDATE district SET subgroup = CASE abs(hashtext(learner)) % 11 WHEN 0 THEN NULL WHEN 1 THEN 'rare'
                                    WHEN 2 THEN 'b' WHEN 3 THEN 'b' ELSE 'a' END;

-- Fisher's exact two-sided p by the ratio of successive terms (not lgamma)
CREATE FUNCTION pg_temp.fisher(a bigint, b bigint, c bigint, d bigint) RETURNS float8
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n bigint := a + b;
    m bigint := a + c;
    total bigint := a + b + c + d;
    lo bigint := greatest(0, m - (total - n));
    hi bigint := least(n, m);
    lw float8[] := '{}';
    cur float8 := 0;
    top float8;
    num float8 := 0;
    den float8 := 0;
BEGIN
    FOR j IN lo .. hi LOOP
        IF j > lo THEN
            cur := cur + ln((n - j + 1)::float8 * (m - j + 1)) - ln(j::float8 * (total - n - m + j));
        END IF;
        lw := lw || cur;
    END LOOP;
    SELECT max(x) INTO top FROM unnest(lw) x;
    FOR i IN 1 .. cardinality(lw) LOOP
        CONTINUE WHEN lw[i] - top < -700;
        den := den + exp(lw[i] - top);
        IF lw[i] <= lw[a - lo + 1] + ln(1 + 1e-7) THEN
            num := num + exp(lw[i] - top);
        END IF;
    END LOOP;
    RETURN least(1, num / den);
END $$;

CREATE FUNCTION pg_temp.tracking_reference(cell_size int, n_size int, threshold float8)
RETURNS TABLE (unit text, subgroup text, learners bigint, lowest_tier bigint, comparison_learners bigint,
               comparison_lowest_tier bigint, state_comparison_learners bigint, state_comparison_lowest_tier bigint,
               risk_ratio float8, alternate_risk_ratio float8, basis text, p_value float8, flagged bool)
LANGUAGE sql AS $$
    WITH g AS (SELECT unit, section, group_id, avg(mastery) AS mean FROM district GROUP BY 1, 2, 3),
    s AS (SELECT unit, section, min(mean) AS lowest FROM g GROUP BY 1, 2 HAVING count(DISTINCT mean) > 1),
    placed AS (SELECT d.unit, d.learner, d.subgroup, g.mean = s.lowest AS low
               FROM district d JOIN g ON (g.unit, g.section, g.group_id) = (d.unit, d.section, d.group_id)
               JOIN s ON (s.unit, s.section) = (d.unit, d.section) WHERE g.mean IS NOT NULL),
    l AS (SELECT unit, learner, min(subgroup) AS subgroup, bool_or(low) AS low FROM placed GROUP BY 1, 2),
    cells AS (SELECT unit, subgroup, count(*) AS n, count(*) FILTER (WHERE low) AS a FROM l GROUP BY 1, 2),
    tot AS (SELECT c.*, (sum(n) OVER (PARTITION BY unit) - n)::bigint AS cn, (sum(a) OVER (PARTITION BY unit) - a)::bigint AS ca,
                   ((SELECT count(*) FROM l) - sum(n) OVER (PARTITION BY subgroup))::bigint AS sn,
                   ((SELECT count(*) FILTER (WHERE low) FROM l) - sum(a) OVER (PARTITION BY subgroup))::bigint AS sa
            FROM cells c),
    r AS (SELECT t.*, t.n >= n_size AND t.a >= cell_size AS meets,
                 t.cn >= n_size AND t.ca >= cell_size AS unit_meets,
                 t.sn >= n_size AND t.sa >= cell_size AS state_meets FROM tot t)
    SELECT unit, subgroup, n, a, cn, ca, sn, sa,
           CASE WHEN meets AND unit_meets THEN (a::float8 / n) / (ca::float8 / cn) END,
           CASE WHEN meets AND state_meets THEN (a::float8 / n) / (sa::float8 / sn) END,
           CASE WHEN n < n_size THEN 'subgroup below n-size' WHEN a < cell_size THEN 'subgroup below cell size'
                WHEN unit_meets THEN 'risk ratio' WHEN state_meets THEN 'alternate risk ratio'
                ELSE 'comparison below cell size or n-size' END,
           CASE WHEN meets AND NOT unit_meets AND state_meets THEN pg_temp.fisher(a, n - a, sa, sn - sa)
                WHEN cn > 0 THEN pg_temp.fisher(a, n - a, ca, cn - ca) END,
           coalesce(CASE WHEN meets AND unit_meets THEN (a::float8 / n) / (ca::float8 / cn)
                         WHEN meets AND state_meets THEN (a::float8 / n) / (sa::float8 / sn) END > threshold, false)
    FROM r
$$;

CREATE FUNCTION pg_temp.close(x float8, y float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$ SELECT (x IS NULL AND y IS NULL) OR abs(x - y) <= 1e-9 * greatest(1, abs(y)) $$;
SELECT is((SELECT count(*) FROM (SELECT (t).* FROM (SELECT unnest(tracking_audit(unit, section, group_id, learner, subgroup, mastery, c, n, th)) t
                                                    FROM district) x) f
           FULL JOIN pg_temp.tracking_reference(c, n, th) r ON (f.unit, coalesce(f.subgroup, '(null)')) = (r.unit, coalesce(r.subgroup, '(null)'))
           WHERE (f.learners, f.lowest_tier, f.comparison_learners, f.comparison_lowest_tier, f.state_comparison_learners,
                  f.state_comparison_lowest_tier, f.basis, f.flagged)
                 IS DISTINCT FROM (r.learners::int, r.lowest_tier::int, r.comparison_learners::int, r.comparison_lowest_tier::int,
                                   r.state_comparison_learners::int, r.state_comparison_lowest_tier::int, r.basis, r.flagged)
              OR NOT pg_temp.close(f.risk_ratio, r.risk_ratio) OR NOT pg_temp.close(f.alternate_risk_ratio, r.alternate_risk_ratio)
              OR NOT pg_temp.close(f.p_value, r.p_value))::int,
    0, format('a district: tracking_audit equals its SQL definition at cell size %s, n-size %s, threshold %s', c, n, th))
FROM (VALUES (10, 30, 3.0), (3, 8, 1.2), (1, 1, 1.01)) v(c, n, th);

SELECT ok((SELECT count(DISTINCT basis) FROM pg_temp.tracking_reference(3, 8, 1.2)) >= 4,
          'the district exercises the risk ratio, the alternate and the sizes (at cell size 3, n-size 8)');

-- group_disproportionality against its definition on 60 random sections
-- with text group ids: expected m K / N, Fisher's p, Holm over the section
CREATE TEMP TABLE sections AS
SELECT 'sec ' || sec AS section, chr(65 + floor(random() * (2 + sec % 4))::int) AS group_id,
       (ARRAY['a', 'b', 'c'])[1 + floor(random() * (1 + sec % 3))::int] AS subgroup
FROM generate_series(1, 60) sec, generate_series(1, 10 + sec % 30) i;
SELECT is((SELECT count(*) FROM (
    WITH cells AS (
        SELECT s.section, g.group_id, k.subgroup, g.m, k.k, t.total AS n,
               (SELECT count(*) FROM sections x WHERE (x.section, x.group_id, x.subgroup) = (s.section, g.group_id, k.subgroup)) AS x
        FROM (SELECT DISTINCT section FROM sections) s
        JOIN (SELECT section, group_id, count(*) AS m FROM sections GROUP BY 1, 2) g ON g.section = s.section
        JOIN (SELECT section, subgroup, count(*) AS k FROM sections GROUP BY 1, 2) k ON k.section = s.section
        JOIN (SELECT section, count(*) AS total FROM sections GROUP BY 1) t ON t.section = s.section),
    tested AS (SELECT c.*, pg_temp.fisher(x, m - x, k - x, n - m - k + x) AS p FROM cells c),
    ranked AS (SELECT t.*, row_number() OVER (PARTITION BY section ORDER BY p, group_id, subgroup) AS r,
                      count(*) OVER (PARTITION BY section) AS ncells FROM tested t),
    holm AS (SELECT r.*, max(least(1, (ncells - r + 1) * p)) OVER (PARTITION BY section ORDER BY r) AS adj FROM ranked r)
    SELECT * FROM holm h
    FULL JOIN (SELECT section, (d).* FROM (SELECT section, unnest(group_disproportionality(group_id, subgroup)) d
                                           FROM sections GROUP BY section) y) f
           ON (f.section, f.group_id, f.subgroup) = (h.section, h.group_id, h.subgroup)
    WHERE f.learners IS DISTINCT FROM h.x::int OR f.flagged IS DISTINCT FROM (h.adj < 0.05)
       OR NOT pg_temp.close(f.expected, h.m * h.k / h.n::float8) OR NOT pg_temp.close(f.p_value, h.p)
       OR NOT pg_temp.close(f.p_adjusted, h.adj)) e)::int,
    0, 'group_disproportionality equals its definition on 60 random sections with text group ids');

SELECT * FROM finish();
ROLLBACK;
