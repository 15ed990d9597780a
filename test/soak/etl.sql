-- The ETL, beside the readers: one transaction takes three pieces of raw
-- evidence back and puts them in again regraded (some with a corrected
-- date), appends two new ones (observed anywhere in the term, so some arrive
-- late; the second for a class graded all day, section 1's first five
-- standards, so ETL transactions wait for each other's rows), and applies
-- the changes to the stored states as state - old || new.
--
-- No two ETL transactions can deadlock: each takes its row locks in two
-- phases, each in a fixed order.  First the raw rows it corrects, by id
-- (picked); then the states, by (learner, skill): the INSERT reads its rows
-- sorted, and that sort reads every change, so every raw row is locked
-- before the first state is.  New rows of states are inserted with ON
-- CONFLICT, so two transactions that bring the first evidence of one
-- learner x skill do not collide.
\set c1 random(1, :evidence_rows)
\set c2 random(1, :evidence_rows)
\set c3 random(1, :evidence_rows)
\set new_score random(0, 8)
\set shift random(-3, 3)
\set l1 random(1, :learners)
\set k1 random(1, 50)
\set l2 random(1, 30)
\set k2 random(1, 5)
\set s1 random(0, 8)
\set s2 random(0, 8)
\set d1 random(0, 200)
\set d2 random(0, 200)
BEGIN;
WITH picked AS MATERIALIZED (
	SELECT id, e FROM evidence WHERE id IN (:c1, :c2, :c3) ORDER BY id FOR UPDATE
), corrected AS (
	UPDATE evidence v
	SET e = mastery_evidence(out_of(p.e) * :new_score / 8.0, out_of(p.e),
	                         observed_at(p.e) + :shift * interval '1 day', weight(p.e), kind(p.e))
	FROM picked p WHERE v.id = p.id
	RETURNING v.learner, v.skill, p.e AS old_e, v.e AS new_e
), appended AS (
	INSERT INTO evidence (learner, skill, e)
	VALUES (:l1, standard(:k1), mastery_evidence(:s1 / 2.0, 4, timestamptz '2024-09-01' + :d1 * interval '1 day')),
	       (:l2, standard(:k2), mastery_evidence(:s2 * 12.5, 100, timestamptz '2024-09-01' + :d2 * interval '1 day',
	                                             1, CASE WHEN :s2 = 8 THEN 'override' END))
	RETURNING learner, skill, NULL::mastery_evidence AS old_e, e AS new_e
), night AS (
	SELECT learner, skill, mastery_agg(old_e) AS removed, mastery_agg(new_e) AS added
	FROM (SELECT * FROM corrected UNION ALL SELECT * FROM appended) c
	GROUP BY learner, skill
)
INSERT INTO states AS t (learner, skill, state)
SELECT learner, skill, added FROM night ORDER BY learner, skill
ON CONFLICT (learner, skill) DO UPDATE
SET state = t.state - (SELECT n.removed FROM night n WHERE n.learner = t.learner AND n.skill = t.skill)
            || EXCLUDED.state;
COMMIT;
