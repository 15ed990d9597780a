-- Administration as a district runs it: row-level security on the
-- gradebook holds through views that set security_invoker (and is bypassed
-- by views that do not), policies on a stored-states table, and as-of
-- dates that depend on the session's time zone.
BEGIN;
SELECT plan(9);
SET LOCAL timezone = 'UTC';

CREATE ROLE competency_teacher_a;
CREATE ROLE competency_teacher_b;
CREATE TABLE rls_gradebook (teacher name, section int, learner text, skill text, e mastery_evidence);
INSERT INTO rls_gradebook
SELECT CASE WHEN s = 1 THEN 'competency_teacher_a' ELSE 'competency_teacher_b' END, s,
       'learner ' || s || '.' || l, 'ratios', mastery_evidence(k % 5, 4, '2024-09-01'::date + k)
FROM generate_series(1, 2) s, generate_series(1, 5) l, generate_series(1, 4) k;
ALTER TABLE rls_gradebook ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_sections ON rls_gradebook FOR SELECT USING (teacher = current_user);
GRANT SELECT ON rls_gradebook TO competency_teacher_a, competency_teacher_b;

-- the view a BI tool reads: with security_invoker the caller's policies apply
CREATE VIEW rls_section_mastery WITH (security_invoker = true) AS
SELECT section, learner, mastery(e, 'decaying_average') AS mastery FROM rls_gradebook GROUP BY section, learner;
-- the same without it: the view owner's rights (here a superuser) apply
CREATE VIEW rls_section_mastery_owner_rights AS
SELECT section, learner, mastery(e, 'decaying_average') AS mastery FROM rls_gradebook GROUP BY section, learner;
GRANT SELECT ON rls_section_mastery, rls_section_mastery_owner_rights TO competency_teacher_a, competency_teacher_b;

SET LOCAL ROLE competency_teacher_a;
SELECT is((SELECT count(*) FROM rls_section_mastery), 5::bigint,
          'through a security_invoker view a teacher sees the mastery of own sections only');
SELECT is((SELECT min(section) FROM rls_section_mastery), 1, 'and those are section 1');
SELECT is((SELECT count(*) FROM rls_section_mastery_owner_rights), 10::bigint,
          'a view without security_invoker, owned by another role, bypasses the policy');
RESET ROLE;
SET LOCAL ROLE competency_teacher_b;
SELECT is((SELECT array_agg(DISTINCT section) FROM rls_section_mastery), ARRAY[2],
          'the other teacher sees section 2 only');
RESET ROLE;

-- policies on the stored states table
CREATE TABLE rls_states AS
SELECT teacher, learner, skill, mastery_agg(e) AS state FROM rls_gradebook GROUP BY teacher, learner, skill;
ALTER TABLE rls_states ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_states ON rls_states FOR SELECT USING (teacher = current_user);
GRANT SELECT ON rls_states TO competency_teacher_a;
SET LOCAL ROLE competency_teacher_a;
SELECT is((SELECT count(*) FROM rls_states WHERE mastery(state, 'latest') IS NOT NULL), 5::bigint,
          'policies on stored states apply to every function of the state');
RESET ROLE;

-- as-of dates: a date becomes midnight in the session's time zone
CREATE TEMP TABLE tz_state AS
SELECT '[1/4 @ 2024-09-01 12:00+00; 4/4 @ 2024-09-02 03:00+00]'::mastery_state AS s;
SELECT is((SELECT mastery_at(s, 'latest', '2024-09-02 00:00+00') FROM tz_state), 1::float8,
          'as of 2024-09-02 00:00 UTC the 4/4 (03:00 UTC) is not yet observed');
SET LOCAL timezone = 'America/Chicago';
SELECT is((SELECT mastery_at(s, 'latest', '2024-09-02'::date) FROM tz_state), 4::float8,
          'a date as_of is midnight in the session time zone: in Chicago 2024-09-02 begins at 05:00 UTC');
SET LOCAL timezone = 'UTC';
SELECT is((SELECT mastery_at(s, 'latest', '2024-09-02'::date) FROM tz_state), 1::float8,
          'the same date in UTC gives the earlier value');
SELECT is((SELECT mastery_at(s, 'latest', ('2024-09-02'::date + 1)::timestamp AT TIME ZONE 'America/Chicago' - interval '1 microsecond') FROM tz_state),
          4::float8, 'end of a district day, whatever the session: (d + 1) AT TIME ZONE the district''s zone, minus 1 microsecond');

SELECT * FROM finish();
ROLLBACK;
