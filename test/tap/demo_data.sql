-- The sample district as make demo loads it: counts from the data's README
-- and rollups checked by hand on one student's gradebook.
BEGIN;
SELECT plan(8);
\i demo/load.sql

SELECT is((SELECT count(*) FROM item_result), 2050::bigint, '2,050 item results');
SELECT is((SELECT count(DISTINCT student) FROM item_result), 82::bigint, 'of 82 students');
SELECT is((SELECT count(DISTINCT standard) FROM assessment_item), 11::bigint, 'on items mapped to 11 standards');
SELECT is((SELECT count(*) FROM gradebook_grade), 250::bigint, '250 gradebook scores');

-- student 604822: 74 48 71 64 72 49 50 54 69 79, one grade per date
SELECT is((SELECT string_agg(score(evidence)::text, ' ' ORDER BY evidence) FROM gradebook_evidence WHERE student = '604822'),
          '74 48 71 64 72 49 50 54 69 79', 'grades of 604822 in date order');
SELECT is((SELECT mastery(evidence, 'average') FROM gradebook_evidence WHERE student = '604822'), 63::float8,
          'average of 604822: 630 / 10');
SELECT is((SELECT mastery(evidence, 'latest') FROM gradebook_evidence WHERE student = '604822'), 79::float8,
          'latest of 604822');
-- 0.65 * 79 + 0.35 * (74+48+71+64+72+49+50+54+69) / 9 = 51.35 + 0.35 * 551 / 9 = 72.777778
SELECT is((SELECT mastery(evidence, 'weighted_average(round=6)') FROM gradebook_evidence WHERE student = '604822'),
          72.777778::float8, 'Canvas weighted average of 604822');

SELECT * FROM finish();
ROLLBACK;
