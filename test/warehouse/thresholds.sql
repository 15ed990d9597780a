-- A standard with its own mastery_threshold (test/warehouse/run.sh, after
-- classes.sql): every view decides "mastered" per standard, as the fact
-- does.  Two overrides, chosen here from the data so that they change
-- decisions: threshold 2 on the standard with the most values in [2, 3)
-- (mastered now, not under the district's 3), and 3.8 on another with the
-- most values in [3, 3.8) (no longer mastered).  The expected decisions are
-- the fact's values against the policy table's thresholds, in plain SQL;
-- the summary, early warning, ready standards, paths, path progress and
-- groups must agree with them for every student.
BEGIN;
SELECT plan(22);

CREATE TEMP TABLE pick AS
WITH low AS (SELECT learning_standard_key FROM competency_layer.student_standard_mastery_fact
             GROUP BY 1 ORDER BY count(*) FILTER (WHERE mastery_value >= 2 AND mastery_value < 3) DESC, 1 LIMIT 1)
SELECT (SELECT learning_standard_key FROM low) AS lowered,
       (SELECT learning_standard_key FROM competency_layer.student_standard_mastery_fact
        WHERE learning_standard_key NOT IN (SELECT learning_standard_key FROM low)
        GROUP BY 1 ORDER BY count(*) FILTER (WHERE mastery_value >= 3 AND mastery_value < 3.8) DESC, 1 LIMIT 1) AS raised;
INSERT INTO competency_layer.policy (learning_standard_id, mastery_threshold)
SELECT lowered, 2 FROM pick UNION ALL SELECT raised, 3.8 FROM pick;

-- Expected: the value against the standard's own threshold, else the default
CREATE TEMP TABLE expected AS
SELECT f.student_usi, f.learning_standard_key, f.mastery_value,
       f.mastery_value >= coalesce(o.mastery_threshold, d.mastery_threshold) AS mastered,
       f.mastery_value >= d.mastery_threshold AS mastered_by_default
FROM competency_layer.student_standard_mastery_fact f
CROSS JOIN (SELECT mastery_threshold FROM competency_layer.policy WHERE learning_standard_id IS NULL) d
LEFT JOIN competency_layer.policy o ON o.learning_standard_id = f.learning_standard_key;

SELECT cmp_ok((SELECT count(*) FROM expected WHERE mastered AND NOT mastered_by_default), '>=', 5::bigint,
              'the lowered threshold makes some standards mastered that the default does not');
SELECT cmp_ok((SELECT count(*) FROM expected WHERE NOT mastered AND mastered_by_default), '>=', 5::bigint,
              'the raised one unmasters some');
SELECT is((SELECT count(*) FROM competency_layer.student_standard_mastery_fact f
           JOIN expected e USING (student_usi, learning_standard_key) WHERE f.mastered = e.mastered),
          (SELECT count(*) FROM expected), 'the fact decides by each standard''s own threshold');

SELECT is((SELECT count(*) FROM competency_layer.learner_profile_summary s
           JOIN (SELECT student_usi, count(*) FILTER (WHERE mastered) AS m FROM expected GROUP BY 1) e USING (student_usi)
           WHERE s.standards_mastered = e.m), 82::bigint, 'learner_profile_summary: standards mastered as the fact, all 82 students');
SELECT is((SELECT count(*) FROM competency_layer.early_warning w
           JOIN (SELECT student_usi, count(*) FILTER (WHERE mastered) AS m FROM expected GROUP BY 1) e USING (student_usi)
           WHERE w.standards_mastered = e.m), 82::bigint, 'early_warning: the same counts');
SELECT is((SELECT count(*) FROM competency_layer.learner_profile_summary s
           CROSS JOIN LATERAL unnest(string_to_array(s.strengths, ', ')) x (k)
           JOIN expected e ON e.student_usi = s.student_usi AND e.learning_standard_key = x.k WHERE NOT e.mastered)
        + (SELECT count(*) FROM competency_layer.learner_profile_summary s
           CROSS JOIN LATERAL unnest(string_to_array(s.needs, ', ')) x (k)
           JOIN expected e ON e.student_usi = s.student_usi AND e.learning_standard_key = x.k WHERE e.mastered),
          0::bigint, 'every strength is mastered and every need is not, under each standard''s threshold');

-- Ready: unmastered, every listed prerequisite mastered (plain SQL)
SELECT set_eq($$SELECT student_usi, learning_standard_key FROM competency_layer.ready_standard$$,
              $$SELECT e.student_usi, e.learning_standard_key FROM expected e
                WHERE NOT e.mastered AND NOT EXISTS (SELECT 1 FROM competency_layer.standard_prerequisite p
                                                     JOIN expected q ON q.student_usi = e.student_usi AND q.learning_standard_key = p.prerequisite_id
                                                     WHERE p.learning_standard_id = e.learning_standard_key AND NOT q.mastered)$$,
              'ready_standard: the unmastered standards whose prerequisites are all mastered, per standard''s threshold');

-- Paths: no step is mastered, a path for exactly the students short of the
-- target, each step's mastery_value the fact's value
SELECT is((SELECT count(*) FROM competency_layer.learning_path_step s
           JOIN expected e USING (student_usi, learning_standard_key)
           WHERE e.mastered OR s.mastery_value IS DISTINCT FROM e.mastery_value), 0::bigint,
          'learning_path_step: no step mastered under its threshold; mastery_value is the fact''s value');
SELECT set_eq($$SELECT DISTINCT student_usi FROM competency_layer.learning_path_step$$,
              $$SELECT student_usi FROM expected WHERE learning_standard_key = 'CC.6.NS.3' AND NOT mastered$$,
              'a path for exactly the students who have not mastered the target under its threshold');
SELECT is((SELECT count(*) FROM competency_layer.path_progress g
           JOIN expected e ON e.student_usi = g.student_usi AND e.learning_standard_key = g.target_key
           WHERE g.target_reached = e.mastered
             AND g.steps_left = (SELECT count(*) FROM competency_layer.learning_path_step s WHERE s.student_usi = g.student_usi)),
          82::bigint, 'path_progress: target reached exactly when mastered under its threshold, steps left the path''s length');

-- Groups (readiness): each group works on a standard some member is ready
-- for or has not mastered, never one all its members mastered
SELECT is((SELECT count(*) FROM (
               SELECT g.section_identifier, g.group_no, g.focus_standard_key
               FROM competency_layer.section_group g
               JOIN expected e ON e.student_usi = g.student_usi AND e.learning_standard_key = g.focus_standard_key
               GROUP BY 1, 2, 3 HAVING bool_and(e.mastered)) x), 0::bigint,
          'section_group: no group works on a standard all its members mastered under its threshold');

-- Policy values are checked when written, with the column named
SELECT throws_like($$UPDATE competency_layer.policy SET mastery_threshold = 5 WHERE learning_standard_id IS NULL$$,
                   'policy.mastery_threshold 5 is above the policy''s scale 4', 'a threshold above the scale is refused');
SELECT throws_like($$UPDATE competency_layer.policy SET mastery_threshold = 0.75 WHERE learning_standard_id = (SELECT lowered FROM pick)$$,
                   'policy.mastery_threshold 0.75 is between 0 and 1 on a scale of 4', 'a proportion given as a threshold on a scale of 4 is refused');
SELECT lives_ok($$UPDATE competency_layer.policy SET scale = 1, mastery_threshold = 0.75 WHERE learning_standard_id = (SELECT lowered FROM pick)$$,
                'while 0.75 on a scale of 1 is a threshold');
SELECT throws_like($$UPDATE competency_layer.policy SET mastery_threshold = -1 WHERE learning_standard_id IS NULL$$,
                   'policy.mastery_threshold -1 is not a finite number of 0 or more', 'a negative threshold is refused');
SELECT throws_like($$UPDATE competency_layer.policy SET scale = 'NaN' WHERE learning_standard_id IS NULL$$,
                   'policy.scale NaN is not a finite number', 'a scale that is no number is refused');
SELECT throws_like($$UPDATE competency_layer.policy SET scale = 'Infinity' WHERE learning_standard_id IS NULL$$,
                   'policy.scale Infinity is not a finite number', 'an infinite scale is refused');
SELECT throws_like($$UPDATE competency_layer.policy SET group_min_size = 7 WHERE learning_standard_id IS NULL$$,
                   'policy.group_min_size 7 is above policy.group_max_size 6', 'a minimum group size above the maximum is refused');
SELECT throws_like($$UPDATE competency_layer.policy SET path_targets = '{CC.6.NS.3,CC.6.NS.33}' WHERE learning_standard_id IS NULL$$,
                   'policy.path_targets names "CC.6.NS.33", not a standard of the ODS or a skill of the standard graph',
                   'a path target that is no standard is refused, and named');
SELECT lives_ok($$UPDATE competency_layer.policy SET path_targets = '{CC.6.NS}' WHERE learning_standard_id IS NULL$$,
                'a domain of the graph is a target');
SELECT is((SELECT count(*) FROM competency_layer.path_progress WHERE target_key = 'CC.6.NS'), 82::bigint, 'and paths lead to it');
CREATE FUNCTION pg_temp.sqlstate_hint(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; hint text;
BEGIN
    EXECUTE statement;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, hint = PG_EXCEPTION_HINT;
    RETURN state || ': ' || hint;
END
$$;
SELECT is(pg_temp.sqlstate_hint($$INSERT INTO competency_layer.policy (learning_standard_id, mastery_threshold) VALUES ('CC.5.NF.1', 4.5)$$),
          '23514: The threshold is on the scale mastery values are reported on: give one from 0 to the scale.',
          'refusals are check violations with a hint; a standard''s own row is checked too');

SELECT * FROM finish();
ROLLBACK;
