-- Instructional groups for one section in a random mode, from profiles of
-- the stored states, and the audit of that grouping by subgroup
\set section random(1, :sections)
\set mode random(1, 3)
WITH profiles AS (
	SELECT learner, learner_profile(skill, state, 'decaying_average(scale=4)') AS p
	FROM states JOIN learners USING (learner) WHERE section = :section GROUP BY learner
), grouped AS (
	SELECT unnest(instructional_groups(learner::text, p, g, 3, 3, 6,
	                                   (ARRAY['readiness', 'similar', 'mixed'])[:mode])) AS x
	FROM profiles, framework
), audit AS (
	SELECT unnest(group_disproportionality((x).group_no, l.subgroup)) AS d
	FROM grouped JOIN learners l ON l.learner = (x).learner::int
)
SELECT soak_check((SELECT count(DISTINCT (x).learner) = count(*) AND count(*) = 30 FROM grouped),
                  'section ' || :section::text || ': not every learner in exactly one group'),
       count(*), count(*) FILTER (WHERE (d).flagged)
FROM audit;
