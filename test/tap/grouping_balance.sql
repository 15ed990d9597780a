-- The balance input of instructional_groups: groups that share a focus (a
-- family: equal focus_skill, NULL with NULL, so every mixed group) spread
-- every subgroup label as evenly as their sizes allow.
--
-- "As sizes allow", precisely: a value can be within one (its counts in
-- the groups of a family differ by at most one) when the family's learners
-- can sit in groups of sizes within one of each other with every value of
-- every column within one.  For one or two label columns they always can:
-- the learners are the edges of a bipartite graph between the values of
-- the two columns, and such a graph has an edge colouring with any number
-- of colours that is within one at every vertex and in size (de Werra
-- 1971).  similar and mixed make sizes within one; balance evens a
-- readiness family out first when it has to spread a label.  So on every
-- section below, with one and with two label columns, in every mode, the
-- test requires: every value of every column within one in every family;
-- every family's sizes within one, unless balance left it as it was (its
-- labels were within one already).  Three columns cannot always be spread
-- (sql/grouping.sql shows four learners and two groups where they cannot).
--
-- On 300 random sections of 24 to 31 learners the first label marks the
-- English learners, who are the section's highest ids (districts number
-- late arrivals last), and the second a program (iep, 504 or none) drawn
-- at random.  On 2,000 smaller ones (6 to 25 learners, groups of 2 to 5)
-- both labels are drawn at random from several values: a home language
-- and a program; there a value is sometimes off by two where no single
-- swap or move helps, and the exchange along trails must do it.  Also:
-- every learner keeps the focus it has without balance (in readiness: a
-- skill it is exactly as ready for), and the groups are the same in any
-- input order and under a parallel plan.
BEGIN;
SELECT plan(17);
SET LOCAL client_min_messages = warning;

-- a small course: two chains and a standard that needs both
-- (not temporary tables: those are never scanned in parallel)
CREATE TABLE balance_course AS
SELECT skill_graph_agg(p, s) AS g
FROM (VALUES ('a1', 'a2'), ('a2', 'a3'), ('b1', 'b2'), ('b2', 'b3'), ('a2', 'c1'), ('b2', 'c1')) v(p, s);

SELECT setseed(0.37);
CREATE TABLE balance_learners AS
SELECT sec, 'L' || lpad((sec * 100 + i)::text, 7, '0') AS learner, i, n,
       CASE WHEN sec <= 300 THEN CASE WHEN i > n - (3 + sec % 6) THEN 'english_learner' END
            ELSE (ARRAY['es', 'vi', 'ar', NULL])[1 + floor(random() * 4)::int] END AS label1,
       CASE WHEN sec <= 300 THEN (ARRAY['iep', '504', NULL, NULL, NULL])[1 + floor(random() * 5)::int]
            ELSE (ARRAY['iep', '504', 'gifted', NULL])[1 + floor(random() * 4)::int] END AS label2,
       CASE WHEN sec <= 300 THEN 3 + sec % 2 ELSE 2 END AS min_size,
       CASE WHEN sec <= 300 THEN 5 + sec % 2 ELSE 3 + sec % 3 END AS max_size
FROM (SELECT sec, CASE WHEN sec <= 300 THEN 24 + sec % 8 ELSE 6 + sec % 20 END AS n
      FROM generate_series(1, 2300) sec) s, generate_series(1, n) i;
-- the two columns as an array; a learner with neither label passes NULL
CREATE TABLE balance_rows AS
SELECT l.*, p.p, (SELECT g FROM balance_course) AS g,
       CASE WHEN l.label1 IS NOT NULL OR l.label2 IS NOT NULL THEN ARRAY[l.label1, l.label2] END AS labels
FROM balance_learners l JOIN (
    SELECT l.learner,
           learner_profile(sk, mastery_evidence(3 + floor(random() * 2)::int, 4, '2024-09-01'), 'latest') AS p
    FROM balance_learners l,
         LATERAL (SELECT floor(random() * 4)::int AS na, floor(random() * 4)::int AS nb) d,
         LATERAL (SELECT 'a' || k AS sk FROM generate_series(1, 3) k WHERE k <= d.na
                  UNION ALL SELECT 'b' || k FROM generate_series(1, 3) k WHERE k <= d.nb
                  UNION ALL SELECT 'a1' WHERE d.na = 0 AND d.nb = 0) s
    GROUP BY l.learner) p USING (learner);
ANALYZE balance_rows;

-- every section grouped in every mode: without balance, with the English
-- first label alone, with both label columns
CREATE TEMP TABLE placed AS
SELECT m.mode, f.form, r.sec, (x).learner, (x).group_no, (x).focus_skill,
       coalesce((x).focus_skill, '(none)') AS family
FROM (VALUES ('readiness'), ('similar'), ('mixed')) m(mode),
     (VALUES ('none'), ('one'), ('two')) f(form),
     LATERAL (SELECT sec,
                     CASE f.form
                         WHEN 'none' THEN instructional_groups(learner, p, g, 3, min_size, max_size, m.mode)
                         WHEN 'one' THEN instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, label1)
                         ELSE instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, labels)
                     END AS gs
              FROM balance_rows GROUP BY sec) r,
     LATERAL unnest(r.gs) x;
ANALYZE placed;

SELECT is((SELECT count(*) FROM placed), 9 * (SELECT count(*) FROM balance_learners),
          'every learner placed once in every mode and form');

-- per family, label column and value: the largest count in one of the
-- family's groups minus the smallest (0 where a group has none)
CREATE TEMP TABLE labelled AS
SELECT p.mode, p.form, p.sec, p.focus_skill, p.family, p.group_no, c.col,
       CASE c.col WHEN 'label1' THEN l.label1 ELSE l.label2 END AS value
FROM placed p JOIN balance_learners l USING (sec, learner),
     (VALUES ('label1'), ('label2')) c(col);
CREATE TEMP TABLE spread AS
SELECT v.mode, v.form, v.sec, v.focus_skill, v.family, v.col, v.value, f.groups,
       max(v.learners) - CASE WHEN count(*) < f.groups THEN 0 ELSE min(v.learners) END AS spread
FROM (SELECT mode, form, sec, focus_skill, family, group_no, col, value, count(*) AS learners
      FROM labelled WHERE value IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) v
JOIN (SELECT mode, form, sec, family, count(DISTINCT group_no) AS groups FROM placed GROUP BY 1, 2, 3, 4) f
  USING (mode, form, sec, family)
GROUP BY v.mode, v.form, v.sec, v.focus_skill, v.family, v.col, v.value, f.groups;
ANALYZE spread;

SELECT ok((SELECT count(*) FROM spread WHERE form = 'one' AND col = 'label1' AND groups > 1 AND sec <= 300) > 150,
          'English learners meet several groups that share a focus in many sections (the test can see them)');
SELECT ok((SELECT count(*) FROM spread WHERE form = 'none' AND col = 'label1' AND spread > 1 AND sec <= 300) > 50,
          'without balance, English learners are off by two or more among same-focus groups in many sections');
SELECT ok((SELECT count(*) FROM spread WHERE form = 'none' AND spread > 1 AND sec > 300) > 1000,
          'without balance, random labels are off by two or more in many of the smaller sections');

CREATE FUNCTION pg_temp.off_by_two(m text, f text, cols text[]) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('section %s focus %s %s=%s off by %s', sec, focus_skill, col, value, spread), '; '),
                    'every value within one')
    FROM (SELECT * FROM spread WHERE mode = m AND form = f AND col = ANY (cols) AND spread > 1
          ORDER BY sec, focus_skill, col, value LIMIT 5) s
$$;
SELECT is(pg_temp.off_by_two('readiness', 'one', '{label1}'), 'every value within one',
          'readiness, one label: every value within one in every family');
SELECT is(pg_temp.off_by_two('similar', 'one', '{label1}'), 'every value within one',
          'similar, one label: every value within one in every family');
SELECT is(pg_temp.off_by_two('mixed', 'one', '{label1}'), 'every value within one',
          'mixed, one label: every value within one among all groups');
SELECT is(pg_temp.off_by_two('readiness', 'two', '{label1,label2}'), 'every value within one',
          'readiness, two label columns: every value of each within one in every family');
SELECT is(pg_temp.off_by_two('similar', 'two', '{label1,label2}'), 'every value within one',
          'similar, two label columns: every value of each within one in every family');
SELECT is(pg_temp.off_by_two('mixed', 'two', '{label1,label2}'), 'every value within one',
          'mixed, two label columns: every value of each within one among all groups');

-- Per family: the spread of its sizes, its groups, and whether without
-- balance a value of the form's label columns was off by two or more
CREATE TEMP TABLE families AS
SELECT g.mode, g.form, g.sec, g.family,
       max(g.size) - min(g.size) AS size_spread,
       array_agg(g.members ORDER BY g.members)::text AS groups,
       coalesce(bool_or(o.off), false) AS off_before
FROM (SELECT mode, form, sec, family, group_no, count(*) AS size,
             array_agg(learner ORDER BY learner)::text AS members
      FROM placed GROUP BY 1, 2, 3, 4, 5) g
LEFT JOIN (SELECT mode, sec, family, col, true AS off FROM spread
           WHERE form = 'none' AND spread > 1 GROUP BY 1, 2, 3, 4) o
  ON o.mode = g.mode AND o.sec = g.sec AND o.family = g.family AND (o.col = 'label1' OR g.form = 'two')
GROUP BY 1, 2, 3, 4;
ANALYZE families;
SELECT is((SELECT count(*) FROM families b JOIN families n USING (mode, sec, family)
           WHERE b.form <> 'none' AND n.form = 'none' AND b.size_spread > 1 AND b.groups <> n.groups),
          0::bigint, 'every family balance changed has sizes within one: the sizes allowed every value within one');
SELECT is((SELECT count(*) FROM families b JOIN families n USING (mode, sec, family)
           WHERE b.form <> 'none' AND n.form = 'none' AND NOT b.off_before AND b.groups <> n.groups),
          0::bigint, 'a family whose labels are within one already is left as it was');
SELECT ok((SELECT count(*) FROM families b JOIN families n USING (mode, sec, family)
           WHERE b.form <> 'none' AND n.form = 'none' AND b.off_before AND b.groups <> n.groups) > 1000,
          'balance changed many families (the checks above see them)');

-- Learners move only within their family: each keeps its focus
SELECT is((SELECT count(*) FROM placed b JOIN placed n USING (mode, sec, learner)
           WHERE b.form <> 'none' AND n.form = 'none' AND b.family <> n.family),
          0::bigint, 'every learner has the focus it has without balance (readiness: a skill it is as ready for)');

-- Any input order, and a parallel plan, give the same groups
SELECT is((SELECT count(*) FROM (
               SELECT sec, m.mode,
                      instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, labels ORDER BY learner DESC) AS a,
                      instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, labels ORDER BY md5(learner)) AS b,
                      instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, labels ORDER BY i) AS c
               FROM balance_rows, (VALUES ('readiness'), ('similar'), ('mixed')) m(mode)
               WHERE sec <= 50 OR sec > 2250 GROUP BY sec, m.mode) x
           WHERE a <> b OR a <> c),
          0::bigint, 'the same groups in any input order (100 sections, three orders, every mode)');

CREATE FUNCTION pg_temp.explain_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END $$;
CREATE TEMP TABLE serial_groups AS
SELECT sec, m.mode, instructional_groups(learner, p, g, 3, min_size, max_size, m.mode, labels) AS gs
FROM balance_rows, (VALUES ('readiness'), ('similar'), ('mixed')) m(mode) GROUP BY sec, m.mode;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_hashagg = off;
SELECT ok((SELECT bool_or(l ~ 'Partial (Hash|Group)?Aggregate')
           FROM pg_temp.explain_lines('SELECT sec, instructional_groups(learner, p, g, 3, min_size, max_size, ''mixed'', labels) FROM balance_rows GROUP BY sec') l),
          'the parallel plan groups partially in the workers');
SELECT is((SELECT count(*) FROM (
               SELECT 'readiness' AS mode, sec, instructional_groups(learner, p, g, 3, min_size, max_size, 'readiness', labels) AS gs
               FROM balance_rows GROUP BY sec
               UNION ALL
               SELECT 'similar', sec, instructional_groups(learner, p, g, 3, min_size, max_size, 'similar', labels)
               FROM balance_rows GROUP BY sec
               UNION ALL
               SELECT 'mixed', sec, instructional_groups(learner, p, g, 3, min_size, max_size, 'mixed', labels)
               FROM balance_rows GROUP BY sec) p
           JOIN serial_groups s USING (mode, sec) WHERE p.gs IS DISTINCT FROM s.gs),
          0::bigint, 'a parallel plan gives the serial groups (2,300 sections, every mode)');

SELECT * FROM finish();
ROLLBACK;
