-- What test/lint_scripts.pl must refuse (test/script_security.sh checks that
-- it reports exactly test/security/unsafe.expected).  Never installed.
CREATE FUNCTION safe_f(int) RETURNS int AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE OR REPLACE FUNCTION replaced(int) RETURNS int AS 'MODULE_PATHNAME' LANGUAGE C;
CREATE FUNCTION in_sql(x int, y text DEFAULT now()::text) RETURNS text
	LANGUAGE sql AS $$ SELECT upper(y) || x::text $$;
CREATE FUNCTION in_sql_ok(x int) RETURNS text
	LANGUAGE sql AS $$ SELECT pg_catalog.upper('a') OPERATOR(pg_catalog.||) pg_catalog.format('%s', x) $$;
CREATE OPERATOR <<< (LEFTARG = int, RIGHTARG = int, PROCEDURE = safe_f, RESTRICT = scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
ALTER OPERATOR FAMILY some_ops USING btree ADD FUNCTION 4 (int) btequalimage(oid);
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT c.oid::regclass AS t FROM pg_class c WHERE c.relname = 'x' LOOP
		EXECUTE pg_catalog.format('REINDEX TABLE %s', r.t);
		RAISE NOTICE '%', public.format('%s', r.t) USING HINT = 'ok';
	END LOOP;
END $$;
-- Ways past the lint of 0.3.0, one a line.  An E'' string with \': read
-- without its escape, it hid the statements after it (the next line)
COMMENT ON FUNCTION safe_f(int) IS E'the learner\'s own';
DO $$ BEGIN PERFORM format('%s', 'pg_class'::pg_catalog.regclass); END $$;
DO $é$ BEGIN PERFORM 1 WHERE 1 = 1; END $é$;
DO $$ BEGIN PERFORM left('abc', 1); END $$;
DO $$
DECLARE t pg_catalog.regclass := 'pg_class'::pg_catalog.regclass; s text := 'a';
BEGIN
	PERFORM "format"('%s', t);
	PERFORM 1 WHERE t IN (t);
	PERFORM 1 WHERE t NOT IN (t);
	PERFORM nullif(t, t);
	PERFORM 1 WHERE t IS DISTINCT FROM t;
	PERFORM 1 WHERE t BETWEEN t AND t;
	PERFORM CASE t WHEN t THEN 1 END;
	PERFORM 1 FROM pg_catalog.pg_class a JOIN pg_catalog.pg_class b USING (oid);
	PERFORM 1 WHERE s LIKE 'a%';
	PERFORM 1 WHERE s ILIKE 'a%';
	PERFORM 1 WHERE s SIMILAR TO 'a%';
END $$;
DO 'BEGIN PERFORM format(''%s'', ''pg_class''::pg_catalog.regclass); END';
CREATE FUNCTION quoted_body(x pg_catalog.regclass) RETURNS text LANGUAGE sql AS 'SELECT format(''%s'', x)';
SELECT 'pg_class'::pg_catalog.regclass = 'pg_class'::pg_catalog.regclass;
CREATE VIEW same_class AS SELECT 'pg_class'::pg_catalog.regclass = 'pg_class'::pg_catalog.regclass AS same;
CREATE DOMAIN class_name AS pg_catalog.regclass CHECK (VALUE = 'pg_class'::pg_catalog.regclass);
DO $$ BEGIN PERFORM @extschema@.safe_f(1); END $$;
-- Found since: what the server reads otherwise than the lint did, a
-- parameter named language, a body parsed at the top level
COMMENT ON FUNCTION safe_f(int) IS 'C:\temp';
/* a /* nested */ comment ' */ SELECT 1; -- '
CREATE FUNCTION named_language(language internal) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN length('a'); END $$;
CREATE FUNCTION standard_body(a int) RETURNS int LANGUAGE sql RETURN a + 1;
