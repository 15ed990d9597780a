-- Every function and operator that an extension's objects refer to, as the
-- server recorded it in pg_depend when the scripts ran, with where it lives:
-- 'own' (a member of the extension), 'pg_catalog', or 'other' (anything else,
-- such as a look-alike the database owner planted in the extension's schema,
-- which an unqualified name in a DEFAULT, a view, a constraint or a
-- SQL-standard body would have bound for good).  Built-in objects are pinned,
-- and references to them are not recorded at all.
--
-- The extension's objects: its members and what belongs to them, that is what
-- depends on them automatically or internally (the operators and functions of
-- its operator classes and families, array types, column defaults, the rules
-- of views, constraints), followed recursively.
--
-- psql -At -v ext=NAME -f test/security/references.sql prints
-- kind|object|function or operator, one reference a line.  Run as superuser;
-- the look-alikes must stay off the path here too.
SET search_path = pg_catalog, pg_temp;
WITH RECURSIVE members AS (
    SELECT d.classid, d.objid
    FROM pg_depend d
    JOIN pg_extension x ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = x.oid
    WHERE x.extname = :'ext' AND d.deptype = 'e'
), objects (classid, objid) AS (
    SELECT classid, objid FROM members
    UNION
    SELECT d.classid, d.objid
    FROM pg_depend d
    JOIN objects o ON d.refclassid = o.classid AND d.refobjid = o.objid
    WHERE d.deptype IN ('a', 'i')
)
SELECT CASE WHEN EXISTS (SELECT FROM members m WHERE m.classid = d.refclassid AND m.objid = d.refobjid) THEN 'own'
            WHEN coalesce(p.pronamespace, op.oprnamespace) = 'pg_catalog'::regnamespace THEN 'pg_catalog'
            ELSE 'other' END,
       pg_describe_object(d.classid, d.objid, d.objsubid),
       pg_describe_object(d.refclassid, d.refobjid, 0)
FROM objects o
JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid
LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid
LEFT JOIN pg_operator op ON d.refclassid = 'pg_operator'::regclass AND op.oid = d.refobjid
WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
ORDER BY 1, 2, 3;
