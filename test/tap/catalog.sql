-- The extension's objects as the non-functional contract wants them:
-- every object commented, every function parallel safe, none SECURITY DEFINER.
BEGIN;
SELECT plan(4);

CREATE TEMP VIEW members AS
SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS object
FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'competency' AND d.deptype = 'e';

SELECT is(ARRAY(SELECT object FROM members m
                WHERE obj_description(m.objid, (SELECT relname FROM pg_class WHERE oid = m.classid)) IS NULL
                ORDER BY 1),
          '{}'::text[], 'every object of the extension has a COMMENT');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM members m JOIN pg_proc p ON p.oid = m.objid
                WHERE m.classid = 'pg_proc'::regclass AND p.proparallel <> 's' ORDER BY 1),
          '{}'::text[], 'every function and aggregate is PARALLEL SAFE');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM members m JOIN pg_proc p ON p.oid = m.objid
                WHERE m.classid = 'pg_proc'::regclass AND p.prosecdef ORDER BY 1),
          '{}'::text[], 'no function is SECURITY DEFINER');
SELECT ok((SELECT count(*) FROM members WHERE classid = 'pg_proc'::regclass) > 80,
          'the extension has its functions (the checks above saw them)');

SELECT * FROM finish();
ROLLBACK;
