-- The nightly job with corrections: after random inserts, corrections and
-- deletions, applied night by night through a trigger-fed changes table and
-- one MERGE, the stored states equal a full recompute; and the multiset
-- difference is the inverse of ||.
BEGIN;
SELECT plan(6);
SET LOCAL timezone = 'UTC';
SELECT setseed(0.42);

CREATE TEMP TABLE gradebook (id serial PRIMARY KEY, learner int, skill int, score float8, out_of float8,
                             graded_on date, weight float8, is_override bool);
CREATE TEMP TABLE changes (learner int, skill int, old_e mastery_evidence, new_e mastery_evidence);
CREATE FUNCTION pg_temp.evidence_of(g gradebook) RETURNS mastery_evidence LANGUAGE sql AS
$$ SELECT mastery_evidence(g.score, g.out_of, g.graded_on, g.weight, CASE WHEN g.is_override THEN 'override' END) $$;
CREATE FUNCTION pg_temp.record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO changes VALUES (OLD.learner, OLD.skill, pg_temp.evidence_of(OLD), NULL);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO changes VALUES (NEW.learner, NEW.skill, NULL, pg_temp.evidence_of(NEW));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER record AFTER INSERT OR UPDATE OR DELETE ON gradebook
	FOR EACH ROW EXECUTE FUNCTION pg_temp.record();
CREATE TEMP TABLE states (learner int, skill int, state mastery_state NOT NULL, PRIMARY KEY (learner, skill));
CREATE FUNCTION pg_temp.nightly() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE night AS
	WITH claimed AS (DELETE FROM changes RETURNING *)
	SELECT learner, skill, mastery_agg(old_e) AS removed, mastery_agg(new_e) AS added
	FROM claimed GROUP BY learner, skill;
	MERGE INTO states t
	USING night d ON t.learner = d.learner AND t.skill = d.skill
	WHEN MATCHED AND evidence_count((t.state || d.added) - d.removed) = 0 THEN DELETE
	WHEN MATCHED THEN UPDATE SET state = (t.state || d.added) - d.removed
	WHEN NOT MATCHED AND evidence_count(d.added - d.removed) > 0 THEN
		INSERT VALUES (d.learner, d.skill, d.added - d.removed);
	DROP TABLE night;
END $$;
-- a night: new grades (a fifth on another scale, some overrides, NULL
-- weights and kinds), some scores corrected, some grades deleted; the
-- changes of a night may touch the same grade several times
CREATE FUNCTION pg_temp.night(n int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO gradebook (learner, skill, score, out_of, graded_on, weight, is_override)
	SELECT 1 + floor(random() * 30), 1 + floor(random() * 4),
	       CASE WHEN r < 0.2 THEN floor(random() * 101) ELSE floor(random() * 5) END,
	       CASE WHEN r < 0.2 THEN 100 ELSE 4 END,
	       date '2024-09-01' + n + floor(random() * 3)::int,
	       CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.2 THEN 2 ELSE 1 END,
	       CASE WHEN random() < 0.05 THEN true WHEN random() < 0.5 THEN NULL ELSE false END
	FROM (SELECT random() AS r FROM generate_series(1, 80)) x;
	UPDATE gradebook SET score = least(score + 1, out_of) WHERE random() < 0.05;
	UPDATE gradebook SET graded_on = graded_on + 1 WHERE random() < 0.02;
	DELETE FROM gradebook WHERE random() < 0.03;
	UPDATE gradebook SET score = greatest(score - 1, 0) WHERE random() < 0.03;
END $$;

SELECT pg_temp.night(n), pg_temp.nightly() FROM generate_series(1, 25) n;

CREATE TEMP TABLE recomputed AS
SELECT learner, skill, mastery_agg(pg_temp.evidence_of(g)) AS state FROM gradebook g GROUP BY learner, skill;
SELECT ok((SELECT count(*) FROM gradebook) > 1000 AND (SELECT count(*) FROM states) BETWEEN 100 AND 120,
          'a history of more than 1,000 grades over 120 streams');
SELECT is((SELECT count(*) FROM states s FULL JOIN recomputed r USING (learner, skill)
           WHERE s.state IS DISTINCT FROM r.state), 0::bigint,
          'after 25 nights of inserts, corrections and deletions the stored states equal a full recompute');
SELECT is((SELECT count(*) FROM states s JOIN recomputed r USING (learner, skill)
           WHERE s.state::text <> r.state::text), 0::bigint,
          'and have the same text form (the canonical order)');
SELECT is((SELECT count(*) FROM states s JOIN recomputed r USING (learner, skill),
                  (VALUES ('latest'::mastery_method), ('decaying_average'), ('power_law'), ('mode(tie=recent)')) m(m)
           WHERE mastery(s.state, m) IS DISTINCT FROM mastery(r.state, m)), 0::bigint,
          'and the same rollups');
-- (a || b) - b = a, for every pair of streams of one learner
SELECT is((SELECT count(*) FROM states a JOIN states b ON a.learner = b.learner AND a.skill < b.skill
           WHERE (a.state || b.state) - b.state <> a.state OR (a.state || b.state) - a.state <> b.state),
          0::bigint, '(a || b) - b = a');
SELECT is((SELECT count(*) FROM states WHERE evidence_count(state - state) <> 0), 0::bigint, 'a - a is empty');

SELECT * FROM finish();
ROLLBACK;
