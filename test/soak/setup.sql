-- The soak test's data (test/soak/run.sh), made in SQL from a fixed seed:
-- 3,000 learners in 100 sections of 30 with subgroup labels, a framework of
-- 50 standards in 5 domains (part_of) with prerequisites, about 300,000
-- pieces of evidence and their stored states (one row per learner x skill),
-- and BKT responses simulated from known parameters.  Generated serially
-- (random() is parallel restricted), so the same seed gives the same rows.
SET client_min_messages = warning;
CREATE EXTENSION competency;
SELECT setseed(0.42);

-- Raises when a check inside a pgbench script fails: pgbench then counts
-- the error and aborts the client, and the run fails
CREATE FUNCTION soak_check(ok boolean, what text) RETURNS boolean
LANGUAGE plpgsql PARALLEL SAFE AS $$
BEGIN
	IF ok IS NOT TRUE THEN
		RAISE EXCEPTION 'soak check failed: %', what;
	END IF;
	RETURN true;
END $$;

-- reach: the learner has evidence on standards 1..reach so far, so the ETL's
-- new evidence on later standards makes new state rows
CREATE TABLE learners AS
SELECT l AS learner, 1 + (l - 1) / 30 AS section,
       CASE WHEN r < 0.15 THEN 'ELL' WHEN r < 0.27 THEN 'IEP' ELSE 'general' END AS subgroup,
       ability, reach
FROM (SELECT l, random() AS r, random() AS ability, 20 + floor(random() * 31)::int AS reach
      FROM generate_series(1, 3000) l) s;
ALTER TABLE learners ADD PRIMARY KEY (learner);
CREATE INDEX ON learners (section);

CREATE FUNCTION standard(k int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN 'S' || lpad(k::text, 2, '0');

-- Standards S01..S50, S01-S10 part of D1 and so on; prerequisites only from
-- a lower number to a higher one (no cycle): chains within a domain with
-- breaks, jumps across domains, and one whole (D1) before S41
CREATE TABLE framework_edges (source text, target text, relation text);
INSERT INTO framework_edges
SELECT standard(k), 'D' || (1 + (k - 1) / 10), 'part_of' FROM generate_series(1, 50) k
UNION ALL
SELECT standard(k), standard(k + 1), 'prerequisite' FROM generate_series(1, 49) k WHERE k % 10 <> 0 AND k % 3 <> 0
UNION ALL
SELECT standard(k), standard(k + 10), 'prerequisite' FROM generate_series(1, 40) k WHERE k % 4 = 1
UNION ALL
SELECT 'D1', standard(41), 'prerequisite';
CREATE TABLE framework AS SELECT skill_graph_agg(source, target, relation) AS g FROM framework_edges;

-- Evidence: 1 to 5 pieces per learner and reached standard, scores rising
-- with ability and practice, a tenth on 100-point quizzes, a few overrides,
-- practice and observations, some weighted twice
CREATE TABLE evidence (id bigserial PRIMARY KEY, learner int NOT NULL, skill text NOT NULL,
                       e mastery_evidence NOT NULL);
WITH streams AS MATERIALIZED (
	SELECT learner, ability, k, 1 + floor(random() * 5)::int AS n
	FROM learners, generate_series(1, reach) k
), pieces AS MATERIALIZED (
	SELECT learner, k, random() AS r, random() AS kind_r,
	       round(2 * least(4, greatest(0, 4 * ability + 0.25 * i - 0.02 * k + 2 * (random() - 0.5)))) / 2 AS score,
	       timestamptz '2024-09-01' + (k * 3 + i * 2 + floor(random() * 10)) * interval '1 day'
	                                + floor(random() * 8) * interval '1 hour' AS observed_at
	FROM streams, generate_series(1, n) i
)
INSERT INTO evidence (learner, skill, e)
SELECT learner, standard(k),
       mastery_evidence(CASE WHEN r < 0.1 THEN score * 25 ELSE score END, CASE WHEN r < 0.1 THEN 100 ELSE 4 END,
                        observed_at, CASE WHEN r > 0.9 THEN 2 ELSE 1 END,
                        CASE WHEN kind_r < 0.03 THEN 'override' WHEN kind_r < 0.08 THEN 'practice'
                             WHEN kind_r < 0.10 THEN 'observation' END)
FROM pieces;
CREATE INDEX ON evidence (learner, skill);
CREATE INDEX ON evidence (skill);

-- Stored states, kept on their page when the ETL updates them (HOT)
CREATE TABLE states (learner int, skill text, state mastery_state NOT NULL, PRIMARY KEY (learner, skill))
	WITH (fillfactor = 70);
INSERT INTO states SELECT learner, skill, mastery_agg(e) FROM evidence GROUP BY learner, skill;

-- BKT responses on 10 skills (S01..S10) of 1,500 learners, 12 answers each,
-- simulated from known parameters: a learner knows the skill from the start
-- (p_init) or learns it after a geometric number of steps (p_learn)
CREATE TABLE responses AS
WITH params AS (
	SELECT k, 0.2 + 0.04 * k AS p_init, 0.1 + 0.01 * k AS p_learn, 0.2 AS p_guess, 0.1 AS p_slip
	FROM generate_series(1, 10) k
), learned AS MATERIALIZED (
	SELECT learner, k, p_guess, p_slip,
	       CASE WHEN random() < p_init THEN 0
	            ELSE 1 + floor(ln(1 - random()) / ln(1 - p_learn)) END AS learned_at
	FROM params, generate_series(1, 1500) learner
)
SELECT learner, standard(k) AS skill, t::bigint AS seq,
       CASE WHEN t > learned_at THEN random() >= p_slip ELSE random() < p_guess END AS correct
FROM learned, generate_series(1, 12) t;
CREATE INDEX ON responses (skill);
CREATE INDEX ON responses (learner, skill);

ANALYZE;
