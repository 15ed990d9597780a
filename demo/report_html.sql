-- The Grand Bend report as one static HTML page (demo/output/report.html):
-- no server, no framework, charts as SVG written from the data here.  Runs
-- after demo/report.sql, whose tables it reads (learner_profiles,
-- section_roster, section_groups, absence_subgroup, standard_bkt,
-- item_response).  psql writes the page on the client side.
SET client_min_messages = warning;

-- HTML text: & < > " escaped
CREATE FUNCTION pg_temp.h(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
$$;
-- the colour of a proficiency level
CREATE FUNCTION pg_temp.level_colour(level text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE level WHEN 'Advanced' THEN '#1a9850' WHEN 'Proficient' THEN '#91cf60'
	                  WHEN 'Developing' THEN '#fdae61' WHEN 'Beginning' THEN '#d73027' ELSE '#eeeeee' END
$$;
-- one code for a standard everywhere on the page: the Common Core code
-- (Ed-Fi's CC.6.NS.3 is shown as 6.NS.C.3, as profiles and paths name it)
CREATE TEMP TABLE code_of AS SELECT edfi_standard, code FROM standard_crosswalk;
CREATE FUNCTION pg_temp.short_code(code text) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT replace(coalesce((SELECT c.code FROM code_of c WHERE c.edfi_standard = short_code.code), code),
	               'CCSS.Math.Content.', '')
$$;
CREATE FUNCTION pg_temp.fmt(x float8, digits int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(round(x::numeric, digits)::text, '–')
$$;

CREATE TEMP VIEW student_label AS
SELECT student, first_name || ' ' || last_name AS name FROM student_name;

-- one student-standard value: the average of the items, on 4 points
CREATE TEMP TABLE standard_mastery AS
SELECT student, standard, count(*) AS items, mastery(evidence, 'average') AS average,
       proficiency_level(mastery(evidence, 'average'), 4) AS level
FROM standard_evidence GROUP BY student, standard;

-- the student whose path is drawn (as demo/report.sql picks it)
SELECT student AS picture_student FROM learner_profiles
ORDER BY (SELECT count(*) FROM profile_entries(profile) x WHERE x.mastery >= 3) DESC, student LIMIT 1 \gset

\pset format unaligned
\pset tuples_only on
\pset footer off
\o demo/output/report.html

-- Head and headline figures
SELECT format($html$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Grand Bend ISD: mastery report</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: 0.3rem; }
.sub, .note { color: #555; } .note { font-size: 0.9rem; max-width: 60rem; }
.kpis { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; }
.kpi { background: #f4f6f8; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 9rem; }
.kpi b { display: block; font-size: 1.8rem; } .kpi span { color: #555; font-size: 0.85rem; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f6f8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: #b2182b; font-weight: bold; }
.legend span { display: inline-block; margin-right: 1rem; } .legend i { display: inline-block; width: 0.9rem; height: 0.9rem; margin-right: 0.3rem; vertical-align: -0.1rem; }
img.path { max-width: 100%%; border: 1px solid #ddd; }
</style></head><body>
<h1>Grand Bend ISD: mastery report</h1>
<p class="sub">Ed-Fi sample district (Grand Bend, Apache-2.0), rolled up with the competency extension. Made by <code>make demo</code>.</p>
<div class="kpis">
<div class="kpi"><b>%s</b><span>students assessed</span></div>
<div class="kpi"><b>%s</b><span>standards on the mastery assessment</span></div>
<div class="kpi"><b>%s</b><span>item results as evidence</span></div>
<div class="kpi"><b>%s%%</b><span>student-standard pairs Proficient or Advanced (average of the items)</span></div>
<div class="kpi"><b>%s</b><span>standards with a knowledge-tracing fit</span></div>
</div>$html$,
	(SELECT count(DISTINCT student) FROM standard_mastery),
	(SELECT count(DISTINCT standard) FROM standard_mastery),
	(SELECT count(*) FROM standard_evidence),
	(SELECT round(100.0 * count(*) FILTER (WHERE level IN ('Proficient', 'Advanced')) / count(*)) FROM standard_mastery),
	(SELECT count(*) FROM standard_bkt WHERE (params).p_learn IS NOT NULL));

-- 1. Heat map of one section: students by standards, coloured by level
SELECT format($html$<h2>1. One section at a glance</h2>
<p class="note">Section 1 (the sample has no rosters: its sixth graders are cut into three sections). Each cell is a student's
average on a standard's items, on four points, coloured by proficiency level (cuts 2, 3 and 3.6); hover for the value.
A standard assessed by one item can only read 0 or 4, so its column is red or green; the number under each code is its items per student.
Section 3 uses another policy (decaying average) for one learner's profile, so a level there may differ from this map.</p>
<p class="legend"><span><i style="background:#d73027"></i>Beginning</span><span><i style="background:#fdae61"></i>Developing</span><span><i style="background:#91cf60"></i>Proficient</span><span><i style="background:#1a9850"></i>Advanced</span><span><i style="background:#eeeeee"></i>no evidence</span></p>
<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" role="img" aria-label="heat map of section 1">%s%s%s</svg>$html$,
	180 + 62 * (SELECT count(DISTINCT standard) FROM standard_mastery),
	60 + 20 * (SELECT count(*) FROM section_roster WHERE section = 1),
	(SELECT string_agg(format('<text x="%s" y="30" font-size="11" text-anchor="middle">%s</text><text x="%s" y="44" font-size="10" fill="#666" text-anchor="middle">%s item%s</text>',
	                          180 + 62 * c + 30, pg_temp.h(pg_temp.short_code(standard)), 180 + 62 * c + 30, items, CASE WHEN items = 1 THEN '' ELSE 's' END), '' ORDER BY c)
	 FROM (SELECT standard, items, row_number() OVER (ORDER BY standard) - 1 AS c
	       FROM (SELECT standard, max(items) AS items FROM standard_mastery GROUP BY standard) s) cols),
	(SELECT string_agg(format('<text x="172" y="%s" font-size="12" text-anchor="end">%s</text>', 50 + 20 * r + 14, pg_temp.h(name)), '' ORDER BY r)
	 FROM (SELECT l.name, row_number() OVER (ORDER BY l.name, l.student) - 1 AS r
	       FROM section_roster s JOIN student_label l USING (student) WHERE s.section = 1) rows_),
	(SELECT string_agg(format('<rect x="%s" y="%s" width="60" height="18" fill="%s"><title>%s, %s: %s (%s)</title></rect>',
	                          180 + 62 * c, 50 + 20 * r, pg_temp.level_colour(m.level), pg_temp.h(r_.name), pg_temp.h(pg_temp.short_code(c_.standard)),
	                          coalesce(round(m.average::numeric, 2)::text, 'no evidence'), coalesce(m.level, '-')), '' ORDER BY r, c)
	 FROM (SELECT l.student, l.name, row_number() OVER (ORDER BY l.name, l.student) - 1 AS r
	       FROM section_roster s JOIN student_label l USING (student) WHERE s.section = 1) r_
	 CROSS JOIN (SELECT standard, row_number() OVER (ORDER BY standard) - 1 AS c FROM (SELECT DISTINCT standard FROM standard_mastery) s) c_
	 LEFT JOIN standard_mastery m ON m.student = r_.student AND m.standard = c_.standard));

-- 2. The grading-policy comparison: levels under each policy, stacked bars
WITH levels AS (
	SELECT student, m AS policy, proficiency_level(mastery(evidence, m::mastery_method), 100) AS level
	FROM gradebook_evidence,
	     (VALUES ('average'), ('latest'), ('decaying_average'), ('weighted_average'),
	             ('power_law'), ('true_score'), ('mean_recent(n=3)')) policies(m)
	GROUP BY student, m),
counts AS (
	SELECT policy, level, count(*) AS n,
	       dense_rank() OVER (ORDER BY policy = 'average' DESC, policy) - 1 AS p,
	       array_position(ARRAY['Beginning', 'Developing', 'Proficient', 'Advanced'], level) AS k
	FROM levels GROUP BY policy, level),
bars AS (
	SELECT *, coalesce(sum(n) OVER (PARTITION BY policy ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
	FROM counts)
SELECT format($html$<h2>2. Does the grading policy change the level?</h2>
<p class="note">The same ten Algebra I grades of %s students, rolled up by seven policies (the rollups of Canvas, PowerSchool and
JumpRope among them), then cut at 50, 75 and 90 of 100. Each bar counts the students at each level. (A different set of students
from the sections above: the sample's one gradebook with dated grades.)</p>
<p class="legend"><span><i style="background:#d73027"></i>Beginning</span><span><i style="background:#fdae61"></i>Developing</span><span><i style="background:#91cf60"></i>Proficient</span><span><i style="background:#1a9850"></i>Advanced</span></p>
<svg xmlns="http://www.w3.org/2000/svg" width="760" height="%s" role="img" aria-label="levels under each grading policy">%s%s</svg>$html$,
	(SELECT count(DISTINCT student) FROM levels),
	20 + 30 * (SELECT count(DISTINCT policy) FROM levels),
	(SELECT string_agg(DISTINCT format('<text x="162" y="%s" font-size="12" text-anchor="end">%s</text>', 10 + 30 * p + 16, pg_temp.h(policy)), '')
	 FROM counts),
	string_agg(format('<rect x="%s" y="%s" width="%s" height="22" fill="%s"><title>%s: %s %s</title></rect>'
	                  '<text x="%s" y="%s" font-size="11" fill="#fff" text-anchor="middle">%s</text>',
	                  170 + before * 22, 10 + 30 * p, n * 22, pg_temp.level_colour(level), pg_temp.h(policy), n, level,
	                  170 + before * 22 + n * 11, 10 + 30 * p + 15, n),
	           '' ORDER BY p, k))
FROM bars;

-- 3. One learner: profile and path
SELECT format($html$<h2>3. One learner: %s</h2>
<p class="note">The profile: every standard assessed, with its value (decaying average on four points) and the evidence behind it.
Then the path toward 7.NS.A (operations with rational numbers): each step after its prerequisites; hover a standard for its title.
The sample has no evidence before grade 4, so every grade K-3 standard is seeded as mastered (4 of 4 at the end of grade 3, as a
district seeds profiles from last year's report card); grade 4-5 standards the assessment did not cover count as not yet mastered,
which is why a strong sixth grader's path starts in grade 4.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="%s" role="img" aria-label="profile of %s">%s</svg>
<p><img class="path" src="path_%s.svg" alt="learning path of %s toward 7.NS.A"></p>$html$,
	(SELECT pg_temp.h(name) FROM student_label WHERE student = :'picture_student'),
	20 + 24 * (SELECT count(*) FROM learner_profiles lp, profile_entries(lp.profile) x WHERE lp.student = :'picture_student' AND 'assessment' = ANY (x.kinds)),
	(SELECT pg_temp.h(name) FROM student_label WHERE student = :'picture_student'),
	(SELECT string_agg(format('<text x="150" y="%s" font-size="12" text-anchor="end">%s</text><rect x="160" y="%s" width="%s" height="18" fill="%s"><title>%s: %s of 4, %s pieces of evidence</title></rect><text x="%s" y="%s" font-size="11">%s</text>',
	                          10 + 24 * i + 13, pg_temp.h(pg_temp.short_code(skill)), 10 + 24 * i, round(mastery / out_of * 400),
	                          pg_temp.level_colour(proficiency_level(mastery, out_of)), pg_temp.h(skill), round(mastery::numeric, 2), evidence_count,
	                          165 + round(mastery / out_of * 400), 10 + 24 * i + 13, round(mastery::numeric, 2)), '' ORDER BY i)
	 FROM (SELECT x.*, row_number() OVER (ORDER BY x.skill) - 1 AS i
	       FROM learner_profiles lp, profile_entries(lp.profile) x
	       WHERE lp.student = :'picture_student' AND 'assessment' = ANY (x.kinds)) e),
	:'picture_student',
	(SELECT pg_temp.h(name) FROM student_label WHERE student = :'picture_student'));

-- 4. Groups of a section, and their audit
SELECT format($html$<h2>4. Instructional groups in section 1, and their audit</h2>
<p class="note">Readiness groups of 4 to 6: students ready for the same standard (its prerequisites mastered, itself not) work on it together.
Students whose own next standard has too few takers to make a group of 4 join the nearest group: <em>ready for it</em> counts who is ready for the group's focus.
The audit asks whether students absent four or more days are spread over the groups as random grouping of the same sizes would spread them:
expected count, exact two-sided p-value and Holm's adjustment within the section; flagged when the adjusted p-value is below 0.05.</p>
<table><tr><th>group</th><th>focus</th><th>ready for it</th><th>students</th></tr>%s</table>
<table><tr><th>group</th><th>subgroup</th><th>in group</th><th>group size</th><th>expected</th><th>ratio</th><th>p-value</th><th>Holm</th><th>flagged</th></tr>%s</table>$html$,
	(SELECT string_agg(format('<tr><td class="n">%s</td><td>%s</td><td class="n">%s of %s</td><td>%s</td></tr>', group_no, pg_temp.h(pg_temp.short_code(focus_skill)),
	                          ready, size, pg_temp.h(names)), '' ORDER BY group_no)
	 FROM (SELECT g.group_no, g.focus_skill, string_agg(l.name, ', ' ORDER BY l.name) AS names, count(*) AS size,
	              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM learner_profiles lp, course, ready_skills(course.g, lp.profile, 3) r
	                                            WHERE lp.student = g.student AND r = g.focus_skill)) AS ready
	       FROM section_groups g JOIN student_label l USING (student)
	       WHERE g.mode = 'readiness' AND g.section = 1 GROUP BY g.group_no, g.focus_skill) grp),
	(SELECT string_agg(format('<tr><td class="n">%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td%s>%s</td></tr>',
	                          (d).group_no, pg_temp.h((d).subgroup), (d).learners, (d).group_size, pg_temp.fmt((d).expected, 2),
	                          pg_temp.fmt((d).ratio, 2), pg_temp.fmt((d).p_value, 3), pg_temp.fmt((d).p_adjusted, 3),
	                          CASE WHEN (d).flagged THEN ' class="flag"' ELSE '' END, CASE WHEN (d).flagged THEN 'yes' ELSE 'no' END), '' ORDER BY (d).group_no)
	 FROM (SELECT unnest(group_disproportionality(group_no, subgroup)) d
	       FROM section_groups JOIN absence_subgroup USING (student)
	       WHERE mode = 'readiness' AND section = 1) a
	 WHERE (d).subgroup = 'absent 4+ days'));

-- 5. Knowledge tracing: fits and how well they predict
SELECT format($html$<h2>5. Knowledge tracing per standard</h2>
<p class="note">Bayesian Knowledge Tracing fitted to every student's answers on a standard's items, in test order. Each fit then predicts
every answer from the answers before it (<code>bkt_correct</code>), scored with <code>bkt_evaluate</code>: AUC (0.5 is chance) and RMSE.
<em>degenerate</em> marks a fit where guessing explains the answers better than knowing. A standard with one item per student shows
nothing of learning: no fit.</p>
<table><tr><th>standard</th><th>items each</th><th>p_init</th><th>p_learn</th><th>p_guess</th><th>p_slip</th><th>degenerate</th><th>answers</th><th>AUC</th><th>RMSE</th></tr>%s</table>$html$,
	(SELECT string_agg(format('<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
	                          pg_temp.h(pg_temp.short_code(b.standard)), n.items,
	                          CASE WHEN (b.params).p_learn IS NULL THEN 'no fit: one item each' ELSE pg_temp.fmt((b.params).p_init, 2) END,
	                          pg_temp.fmt((b.params).p_learn, 2),
	                          CASE WHEN (b.params).p_learn IS NULL THEN '–' ELSE pg_temp.fmt((b.params).p_guess, 2) END,
	                          CASE WHEN (b.params).p_learn IS NULL THEN '–' ELSE pg_temp.fmt((b.params).p_slip, 2) END,
	                          CASE WHEN (b.params).p_learn IS NULL THEN '–' WHEN (b.params).degenerate THEN 'yes' ELSE 'no' END,
	                          coalesce((e.ev).n::text, '–'), pg_temp.fmt((e.ev).auc, 2), pg_temp.fmt((e.ev).rmse, 2)), '' ORDER BY n.items DESC, b.standard)
	 FROM standard_bkt b
	 JOIN (SELECT standard, max(seq) AS items FROM item_response GROUP BY standard) n USING (standard)
	 LEFT JOIN (SELECT standard, bkt_evaluate(correct, predicted) AS ev
	            FROM (SELECT r.standard, r.correct,
	                         bkt_correct(r.correct, b.params) OVER (PARTITION BY r.student, r.standard ORDER BY r.seq) AS predicted
	                  FROM item_response r JOIN standard_bkt b USING (standard)
	                  WHERE (b.params).p_learn IS NOT NULL) p
	            GROUP BY standard) e USING (standard)));

-- A self-check the render test reads: every image loaded, every SVG drawn
SELECT $html$<script>
window.addEventListener('load', function () {
  var bad = [];
  document.querySelectorAll('img').forEach(function (i) { if (!i.complete || i.naturalWidth === 0) bad.push('img ' + i.getAttribute('src')); });
  document.querySelectorAll('svg').forEach(function (s, k) { var b = s.getBBox(); if (b.width === 0 || b.height === 0) bad.push('svg ' + k); });
  document.body.setAttribute('data-render-check', bad.length === 0 ? 'ok' : 'failed: ' + bad.join(', '));
});
</script>
</body></html>$html$;

\o
\pset format aligned
\pset tuples_only off
