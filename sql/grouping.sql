-- Instructional groups within a section, and the audit, on sections
-- checked by hand.
SET timezone = 'UTC';
SET extra_float_digits = 0;

-- Two chains: x1 -> x2 and y1 -> y2
CREATE TABLE chains AS
SELECT skill_graph_agg(p, s) AS g FROM (VALUES ('x1', 'x2'), ('y1', 'y2')) v(p, s);
CREATE TABLE roster (section int, learner text, subgroup text, p learner_profile);
INSERT INTO roster VALUES
	-- A, B, C mastered x1: ready for x2 and y1
	(1, 'A', 'ELL', '{"x1": {"mastery": 4, "out_of": 4}}'),
	(1, 'B', 'ELL', '{"x1": {"mastery": 3.5, "out_of": 4}}'),
	(1, 'C', 'ELL', '{"x1": {"mastery": 3, "out_of": 4}}'),
	-- D, E mastered y1: ready for x1 and y2
	(1, 'D', NULL, '{"y1": {"mastery": 4, "out_of": 4}}'),
	(1, 'E', NULL, '{"y1": {"mastery": 3, "out_of": 4}}'),
	-- F mastered nothing: ready for x1 and y1
	(1, 'F', NULL, '{"x1": {"mastery": 1, "out_of": 4}}'),
	-- G mastered everything: ready for nothing
	(1, 'G', NULL, '{"x1": {"mastery": 4, "out_of": 4}, "x2": {"mastery": 4, "out_of": 4},
	                 "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}');

-- readiness, groups of 2 to 4: two groups cover everyone ready; the search
-- tries the skill most learners are ready for first (y1: A B C F) with x1
-- for D and E, and the flow seats F on x1 so that G, ready for nothing,
-- fits in a group of 4
SELECT (x).* FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 2, 4)) x
                   FROM roster, chains GROUP BY section) y ORDER BY 2, 1;
-- the same in any input order
SELECT a = b AS same_in_any_order FROM
	(SELECT instructional_groups(learner, p, g, 3, 2, 4) a FROM (SELECT * FROM roster ORDER BY learner DESC) r, chains) x,
	(SELECT instructional_groups(learner, p, g, 3, 2, 4 ORDER BY learner) b FROM roster, chains) y;

-- similar: closest profiles, compared over the skills both have a value
-- for (a pair with none in common, such as A and D, counts as the section's
-- mean distance): A and B are within 0.125 of G on x1 and of each other,
-- so A B G; C (0.5 from F), D, E (y1 as G has it) and F make the other,
-- lowest total.  Focus the group's most common need: the lowest skill
-- below 3, else the first ready skill (x1 for D, E and F; x2 for A and B)
SELECT (x).* FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4, 'similar')) x
                   FROM roster, chains GROUP BY section) y ORDER BY 2, 1;
-- mixed: strong and weak learners in every group, group means close
-- (overall mastery A D G 1, B 0.875, C E 0.75, F 0.25: means 0.81 and 0.79)
SELECT (x).* FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4, 'mixed')) x
                   FROM roster, chains GROUP BY section) y ORDER BY 2, 1;

-- sizes at their edges: fewer learners than min_size make one group; an
-- exact multiple splits evenly; one learner is one group; when no count of
-- groups fits (7 learners in groups of 4 to 5) max_size wins
SELECT n, mode, (SELECT array_agg(c ORDER BY c) FROM (SELECT count(*) c FROM unnest(gs) x GROUP BY x.group_no) z) AS sizes
FROM (SELECT n, mode, instructional_groups(learner, p, g, 3, mn, mx, mode) gs
      FROM (VALUES (2, 3, 4), (8, 2, 4), (1, 2, 3), (7, 4, 5), (9, 3, 3)) s(n, mn, mx),
           (VALUES ('readiness'), ('similar'), ('mixed')) m(mode), chains,
           LATERAL (SELECT 'L' || i AS learner,
                           ('{"x1": {"mastery": ' || (i % 5) || ', "out_of": 4}}')::learner_profile AS p
                    FROM generate_series(1, s.n) i) l
      GROUP BY n, mn, mx, mode) r
ORDER BY n, mode;

-- every learner exactly once
SELECT count(*) = count(DISTINCT (x).learner) AS each_once, count(*) AS learners
FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 2, 3, 'similar')) x FROM roster, chains) y;

-- errors
SELECT instructional_groups(learner, p, g, 3, 4, 2) FROM roster, chains;
SELECT instructional_groups(learner, p, g, 3, 2, 4, 'alphabetical') FROM roster, chains;
SELECT instructional_groups(learner, p, g, NULL, 2, 4) FROM roster, chains;
SELECT instructional_groups(l, p, g, 3, 2, 4) FROM (SELECT 'same' AS l, p FROM roster) r, chains;

-- The audit: a grouping that puts all four ELL learners of 12 in one group
-- of four is flagged (random grouping does that with p = 1/495 = 0.002;
-- 0.012 after Holm's correction over the 6 cells); a grouping that spreads
-- them is not
CREATE TABLE audit_case (grouping text, group_no int, subgroup text);
INSERT INTO audit_case
SELECT 'tracked', CASE WHEN i <= 4 THEN 1 WHEN i <= 8 THEN 2 ELSE 3 END, CASE WHEN i <= 4 THEN 'ELL' ELSE 'non-ELL' END
FROM generate_series(1, 12) i;
INSERT INTO audit_case
SELECT 'spread', 1 + i % 3, CASE WHEN i <= 4 THEN 'ELL' ELSE 'non-ELL' END
FROM generate_series(1, 12) i;
SELECT grouping, (d).group_no, (d).subgroup, (d).learners, round((d).share::numeric, 3) AS share,
       round((d).ratio::numeric, 3) AS ratio, (d).flagged
FROM (SELECT grouping, unnest(group_disproportionality(group_no, subgroup)) d FROM audit_case GROUP BY grouping) x
ORDER BY grouping, 2, 3;
-- a NULL subgroup is its own row; rows without a group are left out
SELECT (d).* FROM (SELECT unnest(group_disproportionality(g, s)) d
                   FROM (VALUES (1, 'a'), (1, NULL), (2, 'a'), (NULL, 'b')) v(g, s)) x;
-- a learner without a profile (no evidence yet, an outer join) is grouped
-- as having mastered nothing; a row without a learner adds nothing
SELECT (x).* FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 1, 2)) x
                   FROM (VALUES ('A', '{"x1": {"mastery": 4, "out_of": 4}}'::learner_profile), ('N', NULL), (NULL, '{}')) r(learner, p),
                        chains) y ORDER BY 2, 1;
-- the settings are constants of a section
SELECT instructional_groups(learner, p, g, CASE WHEN learner = 'A' THEN 3 ELSE 2 END, 2, 4) FROM roster, chains;

-- Readiness keeps max_size: 30 learners, 5 of them ready for one skill and
-- the rest ready for nothing (everything mastered), groups of 3 to 6
SELECT count(*) AS groups, max(c) AS largest, min(c) AS smallest, sum(c) AS learners
FROM (SELECT (x).group_no, count(*) AS c
      FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 6)) x
            FROM (SELECT 'L' || lpad(i::text, 2, '0') AS learner,
                         CASE WHEN i <= 5 THEN '{"x1": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}'
                              ELSE '{"x1": {"mastery": 4, "out_of": 4}, "x2": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}'
                         END::learner_profile AS p
                  FROM generate_series(1, 30) i) r, chains) y
      GROUP BY 1) z;
-- a random grouping of many groups is rarely flagged anywhere: 200 random
-- groupings of 60 learners into 10 groups, 2 subgroups
SELECT count(*) FILTER (WHERE any_flag) AS groupings_with_a_flag, count(*) AS groupings
FROM (SELECT rep, bool_or((d).flagged) AS any_flag
      FROM (SELECT rep, unnest(group_disproportionality(group_no, subgroup)) d
            FROM (SELECT rep, (1 + (row_number() OVER (PARTITION BY rep ORDER BY md5(rep || '/' || i)) - 1) % 10)::int AS group_no,
                         CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS subgroup
                  FROM generate_series(1, 200) rep, generate_series(1, 60) i) r
            GROUP BY rep) x
      GROUP BY rep) y;

-- Every cell of the audit, computed by hand: 20 learners in groups of 8, 6
-- and 6, six English learners (EL), five of them in group 1.  Expected
-- count m K / N (group 1: 8 x 6 / 20 = 2.4); exact two-sided p-value, the
-- probability of every count no more likely than the one seen (group 1:
-- 35/1938 = 0.018060; group 2: 1583/2584 = 0.612616; group 3: 4453/38760
-- = 0.114886); Holm over the 6 cells, the smallest times 6, the next times
-- 5 and so on, never decreasing (group 1: 6 x 35/1938 = 35/323 = 0.108359,
-- group 3: max(0.108359, 4 x 4453/38760) = 4453/9690 = 0.459546, group 2:
-- 1).  Fractions from python3's fractions and math.comb.  No cell is
-- flagged at 0.05: one group of one section is not evidence of tracking.
CREATE TABLE audit_hand (learner int, group_no int, subgroup text);
INSERT INTO audit_hand
SELECT i, CASE WHEN i <= 8 THEN 1 WHEN i <= 14 THEN 2 ELSE 3 END,
       CASE WHEN i IN (1, 2, 3, 4, 5, 9) THEN 'EL' ELSE 'non-EL' END
FROM generate_series(1, 20) i;
SELECT (d).group_no, (d).subgroup, (d).learners, (d).group_size, (d).section_size, (d).subgroup_size,
       round((d).expected::numeric, 6) AS expected, round((d).share::numeric, 6) AS share,
       round((d).ratio::numeric, 6) AS ratio, round((d).p_value::numeric, 6) AS p_value,
       round((d).p_adjusted::numeric, 6) AS p_adjusted, (d).flagged
FROM (SELECT unnest(group_disproportionality(group_no, subgroup)) d FROM audit_hand) x;
-- the same figures from exact integers in SQL, beside the function's
CREATE FUNCTION pg_temp.choose(n int, k int) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN k < 0 OR k > n THEN 0 ELSE factorial(n) / (factorial(k) * factorial(n - k)) END $$;
WITH cells AS (
    SELECT g.group_no, s.subgroup, g.m, s.k, 20 AS n,
           (SELECT count(*) FROM audit_hand h WHERE h.group_no = g.group_no AND h.subgroup = s.subgroup)::int AS x
    FROM (SELECT group_no, count(*)::int AS m FROM audit_hand GROUP BY 1) g,
         (SELECT subgroup, count(*)::int AS k FROM audit_hand GROUP BY 1) s),
tests AS (
    SELECT c.*, (SELECT sum(pg_temp.choose(k, j) * pg_temp.choose(n - k, m - j))
                 FROM generate_series(0, m) j
                 WHERE pg_temp.choose(k, j) * pg_temp.choose(n - k, m - j) <= pg_temp.choose(k, x) * pg_temp.choose(n - k, m - x))
                / pg_temp.choose(n, m) AS p
    FROM cells c),
ranked AS (
    SELECT t.*, row_number() OVER (ORDER BY p, group_no, subgroup) AS r FROM tests t),
holm AS (
    SELECT t.*, max(least(1, (7 - r) * p)) OVER (ORDER BY r) AS p_adjusted FROM ranked t),
audit AS (
    SELECT (d).* FROM (SELECT unnest(group_disproportionality(group_no, subgroup)) d FROM audit_hand) x)
SELECT h.group_no, h.subgroup, round(h.m * h.k / 20.0, 6) AS expected, round(h.p, 6) AS p_value, round(h.p_adjusted, 6) AS p_adjusted,
       abs(a.expected - h.m * h.k / 20.0) < 1e-12 AND abs(a.p_value - h.p) < 1e-12 AND abs(a.p_adjusted - h.p_adjusted) < 1e-12 AS function_agrees
FROM holm h JOIN audit a ON a.group_no = h.group_no AND a.subgroup = h.subgroup
ORDER BY 1, 2;
-- alpha and min_ratio: at alpha 0.2, group 1's English learners are
-- flagged (ratio 5/8 over 6/20 = 2.08, at least 2), and its other learners
-- are not (ratio 0.54, above 1/2)
SELECT (d).group_no, (d).subgroup, round((d).ratio::numeric, 3) AS ratio, round((d).p_adjusted::numeric, 3) AS p_adjusted, (d).flagged
FROM (SELECT unnest(group_disproportionality(group_no, subgroup, 0.2, 2)) d FROM audit_hand) x;

-- Group ids of any type and many sections in one query: text ids (in byte
-- order), bigint ids (group_no where an int holds them), GROUP BY section;
-- Holm runs over the cells of each section
CREATE TABLE audit_sections (section text, learner int, group_id text, subgroup text);
INSERT INTO audit_sections
SELECT 'S' || s, i, CASE WHEN i <= 4 THEN 'red' WHEN i <= 8 THEN 'blue' ELSE 'green' END,
       CASE WHEN (s = 1 AND i <= 4) OR (s = 2 AND i % 3 = 0) THEN 'IEP' ELSE 'none' END
FROM generate_series(1, 2) s, generate_series(1, 12) i;
SELECT section, (d).group_no, (d).group_id, (d).subgroup, (d).learners, round((d).expected::numeric, 3) AS expected,
       round((d).p_value::numeric, 4) AS p_value, round((d).p_adjusted::numeric, 4) AS p_adjusted, (d).flagged
FROM (SELECT section, unnest(group_disproportionality(group_id, subgroup)) d FROM audit_sections GROUP BY section) x
ORDER BY section, 3, 4;
SELECT section, (d).group_no, (d).group_id, (d).learners
FROM (SELECT section, unnest(group_disproportionality(CASE group_id WHEN 'red' THEN 10000000000 WHEN 'blue' THEN 2 ELSE -1 END::bigint, subgroup)) d
      FROM audit_sections WHERE subgroup = 'IEP' GROUP BY section) x
ORDER BY section, 3;
-- errors: alpha outside (0, 1], min_ratio below 1, settings that change
SELECT group_disproportionality(group_no, subgroup, 0, 2) FROM audit_hand;
SELECT group_disproportionality(group_no, subgroup, 0.05, 0.5) FROM audit_hand;
SELECT group_disproportionality(group_no, subgroup, NULL, 2) FROM audit_hand;
SELECT group_disproportionality(group_no, subgroup, 0.05, 1 + learner % 2) FROM audit_hand;

-- The tracking audit, computed by hand.  School A: three sections of ten,
-- each in a low and a high group of five; six English learners (EL), five
-- of them in a low group; the other 24 have 10 of the 15 low places.
-- School B: one section of eight in two groups of four; six EL, three low;
-- the other two, one low.  A fourth section of A with one group has no
-- lower tier and is left out (a1 to a5 count once, by their low group); a
-- NULL mastery places its learner without moving the mean.  Cell size 2,
-- n-size 5, threshold 1.5:
--   A, EL:   risk 5/6, everyone else in A 10/24: risk ratio 2 (> 1.5:
--            flagged); Fisher p of (5, 1; 10, 14) = 44/261 = 0.168582;
--            alternate 5/6 over the state's others (24 + 2, 10 + 1 low)
--            = 65/33 = 1.969697
--   A, none: 10/24 over 5/6 = 0.5; same p; alternate 10/24 over the
--            state's EL 8/12 = 5/8
--   B, EL:   3/6; everyone else in B is 2 learners, below the n-size:
--            alternate risk ratio 3/6 over 11/26 = 13/11 = 1.181818,
--            p of (3, 3; 11, 15) = 1
--   B, none: 2 learners, below the n-size: no ratio; p of (1, 1; 3, 3) = 1
-- (fractions from python3's fractions and math.comb)
CREATE TABLE placements (school text, section text, group_id text, learner text, subgroup text, mastery float8);
INSERT INTO placements
SELECT 'A', 'A' || (1 + (i - 1) / 10), CASE WHEN (i - 1) % 10 < 5 THEN 'low' ELSE 'high' END, 'a' || i,
       CASE WHEN i IN (1, 2, 11, 12, 21, 26) THEN 'EL' ELSE 'none' END,
       CASE WHEN i = 30 THEN NULL WHEN (i - 1) % 10 < 5 THEN 1 + (i % 3) * 0.5 ELSE 3 END
FROM generate_series(1, 30) i
UNION ALL
SELECT 'B', 'B1', CASE WHEN i <= 4 THEN 'low' ELSE 'high' END, 'b' || i,
       CASE WHEN i IN (4, 8) THEN 'none' ELSE 'EL' END, CASE WHEN i <= 4 THEN 2 ELSE 2.5 END
FROM generate_series(1, 8) i
UNION ALL
SELECT 'A', 'A4', 'all', 'a' || i, CASE WHEN i IN (1, 2) THEN 'EL' ELSE 'none' END, 1 FROM generate_series(1, 5) i
UNION ALL
SELECT NULL, 'X1', 'low', 'x1', 'EL', 0;
SELECT (t).unit, (t).subgroup, (t).learners, (t).lowest_tier, round((t).risk::numeric, 6) AS risk,
       (t).comparison_learners AS c_n, (t).comparison_lowest_tier AS c_low, round((t).comparison_risk::numeric, 6) AS c_risk,
       (t).state_comparison_learners AS s_n, (t).state_comparison_lowest_tier AS s_low,
       round((t).state_comparison_risk::numeric, 6) AS s_risk
FROM (SELECT unnest(tracking_audit(school, section, group_id, learner, subgroup, mastery, 2, 5, 1.5)) t FROM placements) x;
SELECT (t).unit, (t).subgroup, round((t).risk_ratio::numeric, 6) AS risk_ratio,
       round((t).alternate_risk_ratio::numeric, 6) AS alternate_risk_ratio, (t).basis,
       round((t).ratio::numeric, 6) AS ratio, round((t).p_value::numeric, 6) AS p_value, (t).flagged
FROM (SELECT unnest(tracking_audit(school, section, group_id, learner, subgroup, mastery, 2, 5, 1.5)) t FROM placements) x;
-- with the defaults (cell size 10, n-size 30, threshold 3.0) no subgroup
-- here is large enough for a ratio
SELECT (t).unit, (t).subgroup, (t).basis, (t).ratio, (t).flagged
FROM (SELECT unnest(tracking_audit(school, section, group_id, learner, subgroup, mastery)) t FROM placements) x;
-- GROUP BY: each group of rows is a state of its own (here each school
-- alone, where B's two other learners meet an n-size of 1)
SELECT state, (t).unit, (t).subgroup, (t).learners, (t).lowest_tier, (t).basis
FROM (SELECT left(section, 1) AS state, unnest(tracking_audit(school, section, group_id, learner, subgroup, mastery, 1, 1, 3))
      FROM placements GROUP BY 1) x(state, t)
ORDER BY 1, 2, 3;
-- errors: sizes beyond what 34 CFR 300.647 presumes reasonable, a
-- threshold that is not positive, a learner with two subgroups in a unit
SELECT tracking_audit(school, section, group_id, learner, subgroup, mastery, 11, 30, 3) FROM placements;
SELECT tracking_audit(school, section, group_id, learner, subgroup, mastery, 10, 31, 3) FROM placements;
SELECT tracking_audit(school, section, group_id, learner, subgroup, mastery, 10, 30, 0) FROM placements;
SELECT tracking_audit(school, section, group_id, learner, subgroup, mastery, 10, NULL, 3) FROM placements;
SELECT tracking_audit(school, section, group_id, learner, subgroup, mastery, 10, 30, 3)
FROM (SELECT * FROM placements UNION ALL VALUES ('A', 'A9', 'g', 'a1', 'IEP', 1), ('A', 'A9', 'h', 'a3', 'none', 2)) p;
SELECT tracking_audit(school, section, group_id, learner, subgroup, 'NaN', 10, 30, 3) FROM placements;
SELECT tracking_audit(school, section, group_id, learner, subgroup, 'Infinity', 10, 30, 3) FROM placements;
-- Group means equal but for rounding are one tier: (0.1 + 0.1 + 0.1) / 3
-- is not 0.1 in float8, and {0.1, 0.2} and {0.3, 0.0} both average 0.15;
-- neither S1 nor S2 has a lower tier; only S3's learners count (found by review)
SELECT (t).subgroup, (t).learners, (t).lowest_tier
FROM (SELECT unnest(tracking_audit(u, s, g, l, sg, m, 1, 1, 1.5)) t
      FROM (VALUES ('U', 'S1', 'g1', 'a', 'EL', 0.1::float8), ('U', 'S1', 'g1', 'b', 'EL', 0.1), ('U', 'S1', 'g1', 'c', 'EL', 0.1),
                   ('U', 'S1', 'g2', 'd', 'none', 0.1),
                   ('U', 'S2', 'g1', 'e', 'EL', 0.1), ('U', 'S2', 'g1', 'f', 'EL', 0.2),
                   ('U', 'S2', 'g2', 'h', 'none', 0.3), ('U', 'S2', 'g2', 'i', 'none', 0.0),
                   ('U', 'S3', 'g1', 'j', 'EL', 0.2), ('U', 'S3', 'g2', 'k', 'none', 0.5)) v(u, s, g, l, sg, m)) x
ORDER BY 1;

-- Learners ready for nothing make up min_size: A B C are ready for x2 (and
-- y1), D E F for y2 (and x1), G H have mastered everything; in groups of
-- exactly 4, each trio works on a skill all three are ready for, with one of G and H
SELECT (x).* FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 4, 4)) x
                   FROM (SELECT learner, p FROM roster WHERE learner <> 'F'
                         UNION ALL SELECT 'F', '{"y1": {"mastery": 3.2, "out_of": 4}}'
                         UNION ALL SELECT 'H', p FROM roster WHERE learner = 'G') r, chains) y
ORDER BY 2, 1;
-- the need of a similar group is a skill of the graph: a behavior skill the
-- graph does not hold is not a focus
SELECT DISTINCT (x).focus_skill FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 1, 10, 'similar')) x
                   FROM (VALUES ('A', '{"x1": {"mastery": 2, "out_of": 4}, "SEL.persistence": {"mastery": 1, "out_of": 4}}'::learner_profile),
                                ('B', '{"x1": {"mastery": 2.5, "out_of": 4}, "SEL.persistence": {"mastery": 0.5, "out_of": 4}}')) r(learner, p),
                        chains) y;
-- no group below min_size when the sizes allow: 28 learners ready for x2
-- and 2 ready for nothing, groups of 3 to 4, make 8 groups (6 of 4, 2 of 3)
SELECT array_agg(c ORDER BY c) AS sizes
FROM (SELECT (x).group_no, count(*) AS c
      FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4)) x
            FROM (SELECT 'L' || lpad(i::text, 2, '0') AS learner,
                         CASE WHEN i <= 28 THEN '{"x1": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}'
                              ELSE '{"x1": {"mastery": 4, "out_of": 4}, "x2": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}'
                         END::learner_profile AS p
                  FROM generate_series(1, 30) i) r, chains) y
      GROUP BY 1) z;

-- the threshold on the profiles' scale (3 on 0 to 1 values is an error)
SELECT instructional_groups(learner, '{"x1": {"mastery": 0.9, "out_of": 1}}'::learner_profile, g, 3, 2, 4)
FROM roster, chains;

-- Balance: groups that share a focus spread a subgroup label as evenly as
-- their sizes allow.  16 learners: the odd ids are ready for x2 only, the
-- even ids for y2 only; the English learners are the eight highest ids, as
-- late arrivals are numbered; groups of 3 to 4 make two groups on x2 and
-- two on y2.  Without balance one group on x2 holds three of its four
-- English learners (S09 S11 S13)
CREATE TABLE late_arrivals AS
SELECT 'S' || lpad(i::text, 2, '0') AS learner,
       CASE WHEN i > 8 THEN 'english_learner' END AS ell,
       CASE WHEN i IN (2, 3, 5, 8, 9) THEN 'iep' END AS iep,
       CASE WHEN i % 2 = 1 THEN '{"x1": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}, "y2": {"mastery": 4, "out_of": 4}}'
            ELSE '{"x1": {"mastery": 4, "out_of": 4}, "x2": {"mastery": 4, "out_of": 4}, "y1": {"mastery": 4, "out_of": 4}}'
       END::learner_profile AS p
FROM generate_series(1, 16) i;
SELECT (x).group_no, (x).focus_skill, string_agg((x).learner || coalesce(' ' || ell, ''), ', ' ORDER BY (x).learner) AS learners
FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4)) x FROM late_arrivals, chains) y
JOIN late_arrivals ON late_arrivals.learner = (x).learner GROUP BY 1, 2 ORDER BY 1;
-- with balance each group on x2 holds two: one swap between the groups
-- on x2 (the y2 groups, two and two already, stay as they were).  Labels
-- move only between groups that share a focus, so every learner still
-- works on a skill they are ready for
SELECT (x).group_no, (x).focus_skill, string_agg((x).learner || coalesce(' ' || ell, ''), ', ' ORDER BY (x).learner) AS learners
FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4, 'readiness', ell)) x FROM late_arrivals, chains) y
JOIN late_arrivals ON late_arrivals.learner = (x).learner GROUP BY 1, 2 ORDER BY 1;
-- two label columns: English learners and an IEP, each spread
SELECT (x).group_no, (x).focus_skill,
       string_agg((x).learner || coalesce(' ' || ell, '') || coalesce(' ' || iep, ''), ', ' ORDER BY (x).learner) AS learners
FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 3, 4, 'readiness', ARRAY[ell, iep])) x FROM late_arrivals, chains) y
JOIN late_arrivals ON late_arrivals.learner = (x).learner GROUP BY 1, 2 ORDER BY 1;
-- every mode, with the label as text or as an array of one: the same
-- groups; no label at all (NULL labels, NULL arrays or empty arrays): the
-- groups without balance
SELECT mode,
       instructional_groups(learner, p, g, 3, 3, 4, mode, ell) = instructional_groups(learner, p, g, 3, 3, 4, mode, ARRAY[ell]) AS text_as_array,
       instructional_groups(learner, p, g, 3, 3, 4, mode, NULL::text) = instructional_groups(learner, p, g, 3, 3, 4, mode) AS null_label,
       instructional_groups(learner, p, g, 3, 3, 4, mode, NULL::text[]) = instructional_groups(learner, p, g, 3, 3, 4, mode) AS null_array,
       instructional_groups(learner, p, g, 3, 3, 4, mode, '{}'::text[]) = instructional_groups(learner, p, g, 3, 3, 4, mode) AS empty_array
FROM late_arrivals, chains, (VALUES ('readiness'), ('similar'), ('mixed')) m(mode)
GROUP BY mode ORDER BY mode;

-- Where no single swap or move helps: 7 learners in mixed groups of 2 to
-- 4, two label columns.  Without balance the two 504 learners (Sol, Wen)
-- share a group; every swap or move that parts them puts the English
-- learners or the IEPs three to one, so the learners of the two groups are
-- dealt anew along alternating trails of the labels: English learners two
-- and two, IEPs two and two, 504 one and one
CREATE TABLE trail_case AS
SELECT * FROM (VALUES ('Fay', 'english_learner', 'iep', 1), ('Ivo', 'english_learner', 'iep', 2),
                      ('Jo', NULL, 'iep', 1), ('Rui', NULL, NULL, 2), ('Sol', 'english_learner', '504', 0),
                      ('Tea', NULL, 'iep', 4), ('Wen', 'english_learner', '504', 1)) v(learner, ell, program, mastery);
SELECT balanced, (x).group_no, string_agg((x).learner || coalesce(' ' || ell, '') || coalesce(' ' || program, ''), ', ' ORDER BY (x).learner) AS learners
FROM (SELECT false AS balanced, unnest(instructional_groups(learner, ('{"x1": {"mastery": ' || mastery || ', "out_of": 4}}')::learner_profile,
                                                             g, 3, 2, 4, 'mixed')) x
      FROM trail_case, chains
      UNION ALL
      SELECT true, unnest(instructional_groups(learner, ('{"x1": {"mastery": ' || mastery || ', "out_of": 4}}')::learner_profile,
                                               g, 3, 2, 4, 'mixed', ARRAY[ell, program]))
      FROM trail_case, chains) y
JOIN trail_case ON trail_case.learner = (x).learner GROUP BY 1, 2 ORDER BY 1, 2;

-- Three label columns cannot always be spread: four learners in two
-- groups of two, A an English learner with an IEP, B an English learner on
-- free lunch, C with an IEP on free lunch, D none of these.  Whichever two
-- sit together, one label has both its learners in one group; the rule
-- (least sum over labels of largest minus smallest count) rates every
-- pairing 2, so the mixed groups stay as they are (both IEPs in group 1)
SELECT (x).group_no, string_agg((x).learner, ', ' ORDER BY (x).learner) AS learners
FROM (SELECT unnest(instructional_groups(learner, '{"x1": {"mastery": 2, "out_of": 4}}', g, 3, 2, 2, 'mixed', labels)) x
      FROM (VALUES ('A', ARRAY['english_learner', 'iep', NULL]), ('B', ARRAY['english_learner', NULL, 'free_lunch']),
                   ('C', ARRAY[NULL, 'iep', 'free_lunch']), ('D', ARRAY[NULL, NULL, NULL])) v(learner, labels),
           chains) y
GROUP BY 1 ORDER BY 1;

-- Balance keeps the size limits: ten learners ready for x2 in groups of 4
-- to 4 are 4, 4 and 2 (one group short, as few as ten allow); evening them
-- to 4, 3 and 3 would put two below min_size.  Four English learners, three
-- of them in the first group without balance, are spread 2, 1 and 1 (or
-- 1, 2 and 1) by swaps instead, the sizes kept
CREATE TABLE ten_ready AS
SELECT 'T' || lpad(i::text, 2, '0') AS learner, '{"x1": {"mastery": 4, "out_of": 4}}'::learner_profile AS p
FROM generate_series(1, 10) i;
CREATE TABLE ten_unbalanced AS
SELECT (x).learner, (x).group_no FROM (SELECT unnest(instructional_groups(learner, p, g, 3, 4, 4, 'readiness')) x FROM ten_ready, chains) y;
ALTER TABLE ten_ready ADD COLUMN ell text;
UPDATE ten_ready t SET ell = 'ell' FROM ten_unbalanced u
WHERE u.learner = t.learner
  AND u.learner IN ((SELECT learner FROM ten_unbalanced WHERE group_no = 1 ORDER BY learner LIMIT 3)
                    UNION ALL
                    (SELECT learner FROM ten_unbalanced WHERE group_no = 2 ORDER BY learner LIMIT 1));
SELECT balanced, (x).group_no, count(*) AS learners, count(ell) AS english_learners
FROM (SELECT false AS balanced, unnest(instructional_groups(learner, p, g, 3, 4, 4, 'readiness')) x FROM ten_ready, chains
      UNION ALL
      SELECT true, unnest(instructional_groups(learner, p, g, 3, 4, 4, 'readiness', ell)) FROM ten_ready, chains) y
JOIN ten_ready t ON t.learner = (x).learner
GROUP BY 1, 2 ORDER BY 1, 2;

-- Errors: label arrays are columns, the same number for every learner (a
-- NULL array is no label in any); one dimension; at most 16 columns
SELECT instructional_groups(learner, p, g, 3, 3, 4, 'readiness', CASE WHEN learner < 'S05' THEN ARRAY[ell] ELSE ARRAY[ell, iep] END)
FROM late_arrivals, chains;
SELECT instructional_groups(learner, p, g, 3, 3, 4, 'readiness', ARRAY[[ell, iep]]) FROM late_arrivals, chains;
SELECT instructional_groups(learner, p, g, 3, 3, 4, 'mixed', array_fill(ell, ARRAY[17])) FROM late_arrivals, chains;
SELECT instructional_groups(learner, p, g, 3, 3, 4, NULL, ell) FROM late_arrivals, chains;
