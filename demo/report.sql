-- The Grand Bend report: mastery by standard from the mastery assessment,
-- and mastery over time from the Algebra I gradebook.
\pset footer off
\pset null '-'

\echo
\echo '=== 1. Mastery by standard: the 2021-04-08 mastery assessment ==='
\echo 'Each item result is evidence on the four-point scale (score / max * 4).'
\echo 'average: mean of a student''s items on the standard; levels from proficiency_level(average, 4):'
\echo 'Beginning < 2 <= Developing < 3 <= Proficient < 3.6 <= Advanced.'
\echo 'mastered: Canvas n_mastery(n=2, threshold=3) is not NULL (two items at 3 or above).'
\echo
WITH per_student AS (
	SELECT student, standard, count(*) AS items,
	       mastery(evidence, 'average') AS average,
	       mastery(evidence, 'n_mastery(n=2, threshold=3)') AS twice
	FROM standard_evidence
	GROUP BY student, standard)
SELECT p.standard, s.grade_level AS grade,
       left(coalesce(nullif(split_part(s.description, ' ~ ', 2), ''), s.description), 48) AS "standard (excerpt)",
       max(items) AS items, count(*) AS students,
       round(avg(average)::numeric, 2) AS "mean average",
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Beginning') AS beginning,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Developing') AS developing,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Proficient') AS proficient,
       count(*) FILTER (WHERE proficiency_level(average, 4) = 'Advanced') AS advanced,
       CASE WHEN max(items) >= 2 THEN count(twice)::text ELSE 'n/a' END AS mastered
FROM per_student p JOIN learning_standard s USING (standard)
GROUP BY p.standard, s.grade_level, s.description
ORDER BY p.standard;

\echo
\echo '=== 2. Students to regroup: most standards below Proficient ==='
\echo
WITH per_student AS (
	SELECT student, standard, mastery(evidence, 'average') AS average
	FROM standard_evidence GROUP BY student, standard)
SELECT student,
       count(*) FILTER (WHERE proficiency_level(average, 4) IN ('Beginning', 'Developing')) AS "below proficient",
       count(*) AS standards,
       string_agg(standard || ' ' || round(average::numeric, 1), ', ' ORDER BY average, standard)
           FILTER (WHERE proficiency_level(average, 4) = 'Beginning') AS "Beginning on (average)"
FROM per_student
GROUP BY student
ORDER BY 2 DESC, student
LIMIT 8;

\echo
\echo '=== 3. Mastery over time: Algebra I gradebook, 10 dated grades per student ==='
\echo 'Grades out of 100 in date order; the same evidence under four policies,'
\echo 'rounded to whole points, with proficiency_level(value, 100): 50 / 75 / 90 cuts.'
\echo
SELECT student,
       string_agg(score(evidence)::int::text, ' ' ORDER BY evidence) AS "grades in date order",
       mastery(evidence, 'latest') AS latest,
       mastery(evidence, 'decaying_average(weight=0.65, round=0)') AS decaying,
       mastery(evidence, 'power_law(round=0)') AS power_law,
       mastery(evidence, 'true_score(round=0)') AS true_score,
       proficiency_level(mastery(evidence, 'decaying_average'), 100) AS "level (decaying)"
FROM gradebook_evidence
GROUP BY student
ORDER BY student;

\echo
\echo '=== 4. Does the policy change the level? Same 25 students ==='
\echo
WITH levels AS (
	SELECT student, m AS policy,
	       proficiency_level(mastery(evidence, m::mastery_method), 100) AS level
	FROM gradebook_evidence,
	     (VALUES ('average'), ('latest'), ('decaying_average'), ('weighted_average'),
	             ('power_law'), ('true_score'), ('mean_recent(n=3)')) policies(m)
	GROUP BY student, m)
SELECT l.policy,
       count(*) FILTER (WHERE l.level = 'Advanced') AS advanced,
       count(*) FILTER (WHERE l.level = 'Proficient') AS proficient,
       count(*) FILTER (WHERE l.level = 'Developing') AS developing,
       count(*) FILTER (WHERE l.level = 'Beginning') AS beginning,
       count(*) FILTER (WHERE l.level <> a.level) AS "level differs from average"
FROM levels l JOIN levels a ON a.student = l.student AND a.policy = 'average'
GROUP BY l.policy
ORDER BY l.policy = 'average' DESC, l.policy;
