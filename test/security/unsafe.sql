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
