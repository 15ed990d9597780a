-- Every aggregate under every plan shape and calling convention the
-- executor has: grouping sets, ROLLUP and CUBE (sorted, hashed and mixed),
-- parallel partial aggregation (sorted and hashed, under a non-UTF8 client
-- encoding too), FILTER, DISTINCT and ORDER BY inside the call, and window
-- use (whole partitions, running and moving frames).  Each shape must give
-- exactly the rows of plain, serial GROUP BY queries.
--
-- To cover a new aggregate, add one line at the end:
--   SELECT * FROM plan_shapes('name', 'arguments', 'rendering of %s');
-- The arguments refer to the columns of shape_rows; the rendering turns a
-- result into text that is equal exactly when the results are equal.
BEGIN;
SELECT no_plan();
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

-- (not a temporary table: those are never scanned in parallel)
-- 3,000 rows in 7 x 5 groups: grouping keys a and b, a row order ord and
-- the position in (a, b); evidence with repeated times, mixed scales,
-- weights and overrides; skill codes outside ASCII.
CREATE TABLE shape_rows AS
SELECT g AS ord,
       g % 7 AS a,
       g % 5 AS b,
       g % 3 <> 0 AS keep,
       'learner ' || (g % 41) AS learner,
       'Matemáticas_' || (1 + g % 60) AS skill,
       CASE WHEN g % 60 = 0 THEN NULL ELSE 'Matemáticas_' || (1 + (g % 60) / 2) END AS prerequisite,
       CASE WHEN g % 4 = 0 THEN 'part_of' ELSE 'prerequisite' END AS relation,
       (g * 37) % 5 AS score,
       timestamptz '2025-01-06' + (g / 3) * interval '1 day' AS at,
       (g * 37) % 5 >= 3 AS correct,
       mastery_evidence((g * 37) % 5 * CASE WHEN g % 13 = 0 THEN 25 ELSE 1 END,
                        CASE WHEN g % 13 = 0 THEN 100 ELSE 4 END,
                        timestamptz '2025-01-06' + (g / 3) * interval '1 day',
                        CASE WHEN g % 9 = 0 THEN 2 ELSE 1 END,
                        CASE WHEN g % 97 = 0 THEN 'override' WHEN g % 17 = 0 THEN 'practice' ELSE 'assessment' END) AS e
FROM generate_series(1, 3000) g;
-- part_of edges lead to a domain node so that the two relations never loop
UPDATE shape_rows SET prerequisite = skill, skill = 'Dominio_' || (a + 1) WHERE relation = 'part_of';
ALTER TABLE shape_rows ADD COLUMN pos bigint, ADD COLUMN s mastery_state;
UPDATE shape_rows r SET pos = p.pos
FROM (SELECT ord, row_number() OVER (PARTITION BY a, b ORDER BY ord) AS pos FROM shape_rows) p
WHERE p.ord = r.ord;
-- small stored states, the input of mastery_state_union
UPDATE shape_rows r SET s = m.s
FROM (SELECT ord / 4 AS chunk, mastery_agg(e) AS s FROM shape_rows GROUP BY ord / 4) m
WHERE m.chunk = r.ord / 4;
-- a profile per learner and the framework of the rows, for the grouping aggregates
ALTER TABLE shape_rows ADD COLUMN p learner_profile, ADD COLUMN fw skill_graph;
UPDATE shape_rows r SET p = x.p
FROM (SELECT learner, learner_profile(skill, e, 'latest(scale=4)') AS p FROM shape_rows GROUP BY learner) x
WHERE x.learner = r.learner;
UPDATE shape_rows SET fw = (SELECT skill_graph_agg(prerequisite, skill) FROM shape_rows WHERE relation = 'prerequisite');
ANALYZE shape_rows;

-- The settings of one shape, local to the transaction
CREATE FUNCTION shape_settings(hashagg bool, sort bool, parallel bool) RETURNS void
LANGUAGE sql AS $$
    SELECT set_config('enable_hashagg', hashagg::text, true),
           set_config('enable_sort', sort::text, true),
           set_config('max_parallel_workers_per_gather', CASE WHEN parallel THEN '2' ELSE '0' END, true),
           set_config('parallel_setup_cost', CASE WHEN parallel THEN '0' ELSE '1000' END, true),
           set_config('parallel_tuple_cost', CASE WHEN parallel THEN '0' ELSE '0.1' END, true),
           set_config('min_parallel_table_scan_size', CASE WHEN parallel THEN '0' ELSE '8MB' END, true),
           set_config('parallel_leader_participation', (NOT parallel)::text, true);
$$;

-- The plan of a query, as text, to check that a shape really ran (a plan
-- that changes with a later PostgreSQL fails here, not silently)
CREATE FUNCTION plan_of(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    line text;
    plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF, VERBOSE) ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;

-- One query per shape, each compared with the serial GROUP BY reference.
CREATE FUNCTION plan_shapes(agg text, args text, render text DEFAULT '%s::text')
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    call text := format('%s(%s)', agg, args);
    v text := format(render, call);
    label text := call;
    reference text;
    q text;
    plan text;
BEGIN
    PERFORM shape_settings(false, true, false);
    -- the reference: one plain GROUP BY per grouping set
    CREATE TEMP TABLE shape_reference ON COMMIT DROP AS
    SELECT NULL::text AS k, NULL::int AS a, NULL::int AS b, NULL::text AS v LIMIT 0;
    EXECUTE format('INSERT INTO shape_reference SELECT ''ab'', a, b, %s FROM shape_rows GROUP BY a, b', v);
    EXECUTE format('INSERT INTO shape_reference SELECT ''a'', a, NULL, %s FROM shape_rows GROUP BY a', v);
    EXECUTE format('INSERT INTO shape_reference SELECT ''b'', NULL, b, %s FROM shape_rows GROUP BY b', v);
    EXECUTE format('INSERT INTO shape_reference SELECT '''', NULL, NULL, %s FROM shape_rows', v);
    reference := 'SELECT a, b, v FROM shape_reference WHERE k IN (%s)';

    -- grouping sets: sorted, hashed, mixed
    q := format('SELECT a, b, %s FROM shape_rows GROUP BY ROLLUP (a, b)', v);
    PERFORM shape_settings(false, true, false);
    RETURN NEXT matches(plan_of(q), 'GroupAggregate', label || ': ROLLUP plans sorted');
    RETURN NEXT set_eq(q, format(reference, '''ab'', ''a'', '''''), label || ': ROLLUP, sorted');
    q := format('SELECT a, b, %s FROM shape_rows GROUP BY CUBE (a, b)', v);
    RETURN NEXT set_eq(q, format(reference, '''ab'', ''a'', ''b'', '''''), label || ': CUBE, sorted');
    PERFORM shape_settings(true, false, false);
    RETURN NEXT matches(plan_of(q), 'HashAggregate|MixedAggregate', label || ': CUBE plans hashed');
    RETURN NEXT set_eq(q, format(reference, '''ab'', ''a'', ''b'', '''''), label || ': CUBE, hashed');
    q := format('SELECT a, b, %s FROM shape_rows GROUP BY GROUPING SETS ((a, b), (b))', v);
    RETURN NEXT set_eq(q, format(reference, '''ab'', ''b'''), label || ': GROUPING SETS, hashed');
    -- a rollup whose empty set cannot be hashed: sorted and hashed sets in one node
    q := format('SELECT a, b, %s FROM shape_rows GROUP BY ROLLUP (a, b)', v);
    PERFORM shape_settings(true, true, false);
    RETURN NEXT matches(plan_of(q), 'MixedAggregate', label || ': ROLLUP plans mixed');
    RETURN NEXT set_eq(q, format(reference, '''ab'', ''a'', '''''), label || ': ROLLUP, mixed');

    -- parallel partial aggregation, sorted and hashed, under LATIN1 too
    q := format('SELECT a, b, %s FROM shape_rows GROUP BY a, b', v);
    PERFORM shape_settings(false, true, true);
    RETURN NEXT matches(plan_of(q), 'Partial GroupAggregate', label || ': plans parallel, sorted');
    RETURN NEXT set_eq(q, format(reference, '''ab'''), label || ': parallel, sorted');
    PERFORM shape_settings(true, false, true);
    RETURN NEXT matches(plan_of(q), 'Partial HashAggregate', label || ': plans parallel, hashed');
    RETURN NEXT set_eq(q, format(reference, '''ab'''), label || ': parallel, hashed');
    PERFORM set_config('client_encoding', 'LATIN1', true);
    RETURN NEXT set_eq(q, format(reference, '''ab'''), label || ': parallel, hashed, client_encoding LATIN1');
    PERFORM set_config('client_encoding', 'UTF8', true);
    q := format('SELECT %s FROM shape_rows', v);
    RETURN NEXT matches(plan_of(q), 'Partial Aggregate', label || ': plans parallel, plain');
    RETURN NEXT set_eq(q, format('SELECT v FROM shape_reference WHERE k = %L', ''), label || ': parallel, plain');

    -- FILTER, DISTINCT and ORDER BY inside the call (serial)
    PERFORM shape_settings(true, true, false);
    RETURN NEXT set_eq(
        format('SELECT a, b, %s FROM shape_rows GROUP BY a, b HAVING bool_or(keep)',
               format(render, call || ' FILTER (WHERE keep)')),
        format('SELECT a, b, %s FROM shape_rows WHERE keep GROUP BY a, b', v),
        label || ': FILTER (WHERE ...)');
    RETURN NEXT set_eq(
        format('SELECT a, b, %s FROM shape_rows GROUP BY a, b',
               format(render, format('%s(DISTINCT %s)', agg, args))),
        format('SELECT a, b, %s FROM (SELECT DISTINCT ON (a, b, ROW(%s)) * FROM shape_rows) d GROUP BY a, b', v, args),
        label || ': DISTINCT inside the call');
    RETURN NEXT set_eq(
        format('SELECT a, b, %s FROM shape_rows GROUP BY a, b',
               format(render, format('%s(%s ORDER BY ord DESC)', agg, args))),
        format(reference, '''ab'''),
        label || ': ORDER BY inside the call');

    -- windows: whole partitions, running totals, moving frames (restarts)
    RETURN NEXT set_eq(
        format('SELECT DISTINCT a, b, %s FROM shape_rows', format(render, call || ' OVER (PARTITION BY a, b)')),
        format(reference, '''ab'''),
        label || ': window over whole partitions');
    RETURN NEXT set_eq(
        format('SELECT a, b, w FROM (SELECT a, b, pos, count(*) OVER (PARTITION BY a, b) AS n, %s AS w FROM shape_rows) r WHERE pos = n',
               format(render, call || ' OVER (PARTITION BY a, b ORDER BY pos)')),
        format(reference, '''ab'''),
        label || ': running window, last row');
    RETURN NEXT set_eq(
        format('SELECT a, b, pos, %s FROM shape_rows WHERE pos <= 40',
               format(render, call || ' OVER (PARTITION BY a, b ORDER BY pos ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')),
        format('SELECT o.a, o.b, o.pos, (SELECT %s FROM shape_rows WHERE a = o.a AND b = o.b AND pos BETWEEN o.pos - 2 AND o.pos) FROM shape_rows o WHERE o.pos <= 40', v),
        label || ': moving window frames');

    DROP TABLE shape_reference;
    PERFORM shape_settings(true, true, false);
END $$;

SELECT * FROM plan_shapes('mastery', 'score, at, ''decaying_average''', '%s::text');
SELECT * FROM plan_shapes('mastery', 'e, ''true_score''', '%s::text');
SELECT * FROM plan_shapes('mastery', 'e, ''median''', '%s::text');
SELECT * FROM plan_shapes('mastery_agg', 'e', '%s::text');
SELECT * FROM plan_shapes('mastery_state_union', 's', '%s::text');
SELECT * FROM plan_shapes('skill_graph_agg', 'prerequisite, skill', 'md5(%s::text)');
SELECT * FROM plan_shapes('skill_graph_agg', 'prerequisite, skill, relation', 'md5(%s::text)');
-- the shipped price: grouped by learner, profiles stay serial even when
-- parallel plans cost nothing else
SELECT shape_settings(true, true, true);
SELECT doesnt_match(plan_of('SELECT learner, learner_profile(skill, e, ''latest'') FROM shape_rows GROUP BY learner'),
                    'Partial', 'learner_profile grouped by learner plans no partial aggregation (its combine is priced dear)');
-- a profile's combine is priced dear (partial profiles hold all their
-- evidence), which keeps the planner from the partial plans this test must
-- try: priced as cheap here, inside the test's transaction
ALTER FUNCTION learner_profile_combinefn(learner_profile_state, learner_profile_state) COST 1;
SELECT * FROM plan_shapes('learner_profile', 'skill, e, ''decaying_average''', 'md5(%s::text)');
SELECT * FROM plan_shapes('learner_profile', 'skill, s, ''mean_recent(n=4)''', 'md5(%s::text)');
-- from raw columns: scores without out_of, the same state and combine
SELECT * FROM plan_shapes('learner_profile', 'skill, score, at, ''decaying_average''', 'md5(%s::text)');
-- a method per skill (each skill's fitted BKT, say)
SELECT * FROM plan_shapes('learner_profile', 'skill, e, (CASE WHEN skill < ''Matemáticas_3'' THEN ''latest'' ELSE ''bkt(p_init=0.3, p_learn=0.1, p_guess=0.2, p_slip=0.1)'' END)::mastery_method', 'md5(%s::text)');
SELECT * FROM plan_shapes('bkt_fit', 'learner, at, correct, ''restarts=2''', '%s::text');
SELECT * FROM plan_shapes('bkt_fit', 'learner, ord::bigint, correct', '%s::text');
SELECT * FROM plan_shapes('bkt_model', 'ord % 41, at, score % 2', '%s::text');
-- predictions with ties (score / 4 takes five values), integer answers too
SELECT * FROM plan_shapes('bkt_evaluate', 'correct, score / 4.0', '%s::text');
SELECT * FROM plan_shapes('bkt_evaluate', 'score % 2, (ord % 101) / 100.0', '%s::text');
SELECT * FROM plan_shapes('bkt_crossvalidate', 'learner, ord::bigint, correct, 3, 7, ''restarts=1''', '%s::text');
-- item effects: items outside ASCII, bigint learners and integer answers too
SELECT * FROM plan_shapes('bkt_item_fit', 'learner, at, correct, ''ítem '' || (ord % 3), ''restarts=2''', '%s::text');
SELECT * FROM plan_shapes('bkt_item_fit', '(ord % 41)::bigint, ord::bigint, score % 2, ''ítem '' || (ord % 4)', '%s::text');
-- the grouping aggregates group one section at a time (at most 2,000
-- learners): the same shapes over the first 400 rows, which a schema put
-- first on the search path shows the function under the same name
CREATE SCHEMA sections;
CREATE TABLE sections.shape_rows AS SELECT * FROM public.shape_rows WHERE ord <= 400;
ANALYZE sections.shape_rows;
SET LOCAL search_path = sections, public;
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 2, 5', 'md5(%s::text)');
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 3, 6, ''similar''', 'md5(%s::text)');
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 3, 6, ''mixed''', 'md5(%s::text)');
-- with balance labels: one, and two columns (skill codes outside ASCII)
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 2, 5, ''readiness'', learner', 'md5(%s::text)');
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 3, 6, ''similar'', ARRAY[learner, skill]', 'md5(%s::text)');
SELECT * FROM plan_shapes('instructional_groups', '''row '' || ord, p, fw, 3, 3, 6, ''mixed'', ARRAY[learner, skill]', 'md5(%s::text)');
SELECT * FROM plan_shapes('group_disproportionality', '(ord % 4)::int, learner', 'md5(%s::text)');
-- text and bigint group ids, alpha and min_ratio
SELECT * FROM plan_shapes('group_disproportionality', '''g '' || (ord % 4), learner', 'md5(%s::text)');
SELECT * FROM plan_shapes('group_disproportionality', '(ord % 4)::bigint * 10000000000, learner, 0.2, 1.5', 'md5(%s::text)');
-- the tracking audit: two units (the relation), two sections of three
-- groups, each learner a subgroup of its own
SELECT * FROM plan_shapes('tracking_audit', 'relation, (ord % 2)::text, (ord % 3)::text, learner, learner, pos', 'md5(%s::text)');
SELECT * FROM plan_shapes('tracking_audit', 'relation, (ord % 2)::text, (ord % 3)::text, learner, learner, pos, 1, 2, 1.1', 'md5(%s::text)');
RESET search_path;

SELECT * FROM finish();
ROLLBACK;
