-- proficiency_level(value, out_of, cuts, labels): the band value / out_of falls in.
-- Defaults: cuts {0.5, 0.75, 0.9} of out_of, labels Beginning / Developing / Proficient / Advanced.
SELECT v AS value_out_of_4, proficiency_level(v, 4)
FROM (VALUES (0), (1.99), (2), (2.9), (3), (3.59), (3.6), (4)) t(v);
SELECT v AS percent, proficiency_level(v, 100)
FROM (VALUES (49.5), (50), (74.99), (75), (90), (100)) t(v);
-- A district's own bands
SELECT proficiency_level(2.5, 4, '{0.25, 0.5, 0.75}', '{1 Beginning, 2 Approaching, 3 Meets, 4 Exceeds}');
SELECT proficiency_level(0.93, 1, '{0.95}', '{not yet, mastered}');
SELECT proficiency_level(1, 1, '{}', '{all}');
-- NULL in, NULL out
SELECT proficiency_level(NULL, 4) IS NULL AS is_null;
-- Errors
SELECT proficiency_level(3, 0);
SELECT proficiency_level('NaN', 4);
SELECT proficiency_level(3, 4, '{0.5, 0.75}', '{a, b}');
SELECT proficiency_level(3, 4, '{0.75, 0.5}', '{a, b, c}');
SELECT proficiency_level(3, 4, '{0.5, NULL}', '{a, b, c}');
SELECT proficiency_level(3, 4, '{0.5, Infinity}', '{a, b, c}');
SELECT proficiency_level(3, 4, '{0.5}', '{a, NULL}');
SELECT proficiency_level(3, 4, '{{0.5}}', '{a, b}');
-- a NULL value or out_of has no level; a NULL cut or label list is an error
SELECT proficiency_level(3, NULL) IS NULL AS no_out_of;
SELECT proficiency_level(3, 4, NULL, NULL);
SELECT proficiency_level(3, 4, '{0.5}', NULL);
