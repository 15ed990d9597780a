-- Look-alikes a database owner who is not a superuser plants in the schema
-- where the extension is (or will be) installed, before CREATE EXTENSION or
-- ALTER EXTENSION UPDATE runs the scripts as superuser.  Each one out-matches
-- a pg_catalog function or operator for some argument types (pg_catalog's is
-- variadic, polymorphic or needs a cast there), so an unqualified call in a
-- script would run it.  When called it records the call and tries to make
-- the owner (the session's login role) superuser: test/script_security.sh
-- checks that neither happened.  Run as the owner.

CREATE TABLE public.lookalike_calls (lookalike text, called_by name, called_as_superuser boolean);
GRANT INSERT ON public.lookalike_calls TO PUBLIC;

CREATE FUNCTION public.lookalike_called(what text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $f$
BEGIN
    INSERT INTO public.lookalike_calls
    SELECT what, current_user, r.rolsuper FROM pg_catalog.pg_roles r
    WHERE r.rolname OPERATOR(pg_catalog.=) current_user;
    BEGIN
        EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
END $f$;

-- format(text, VARIADIC "any") and concat(VARIADIC "any")
CREATE FUNCTION public.format(text, regclass) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('format(text, regclass)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('format(text, text)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.format(text, name) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('format(text, name)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.format(text, oid) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('format(text, oid)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.format(text, text, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('format(text, text, text)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.concat(text, regclass) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('concat(text, regclass)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.concat(text, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('concat(text, text)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.concat_ws(text, text, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('concat_ws(text, text, text)'); RETURN 'planted'; END $f$;

-- functions of text or anyarray, given a name, regclass or oid[]
CREATE FUNCTION public.quote_ident(name) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('quote_ident(name)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.quote_literal(name) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('quote_literal(name)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.lower(name) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('lower(name)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.length(name) RETURNS int LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('length(name)'); RETURN 0; END $f$;
CREATE FUNCTION public.to_regclass(name) RETURNS regclass LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('to_regclass(name)'); RETURN NULL; END $f$;
CREATE FUNCTION public.obj_description(oid, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('obj_description(oid, text)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.array_to_string(oid[], text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('array_to_string(oid[], text)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.array_length(oid[], int) RETURNS int LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('array_length(oid[], int)'); RETURN 0; END $f$;
CREATE FUNCTION public.cardinality(oid[]) RETURNS int LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('cardinality(oid[])'); RETURN 0; END $f$;
CREATE FUNCTION public.unnest(oid[]) RETURNS SETOF oid LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('unnest(oid[])'); RETURN; END $f$;
-- left and right were keywords to the lint; pg_catalog has no
-- timestamptz(text), so timestamptz(some text) runs this one (a literal,
-- timestamptz('2024-01-01'), is a cast)
CREATE FUNCTION public.left(name, int) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('left(name, int)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.right(name, int) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('right(name, int)'); RETURN 'planted'; END $f$;
CREATE FUNCTION public.timestamptz(text) RETURNS timestamptz LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('timestamptz(text)'); RETURN NULL; END $f$;

-- aggregates over "any" (count) or a type reached by a cast (max of oid)
CREATE FUNCTION public.lookalike_count_step(bigint, regclass) RETURNS bigint LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('count(regclass)'); RETURN 0; END $f$;
CREATE AGGREGATE public.count(regclass) (SFUNC = public.lookalike_count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION public.lookalike_max_step(regclass, regclass) RETURNS regclass LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('max(regclass)'); RETURN $2; END $f$;
CREATE AGGREGATE public.max(regclass) (SFUNC = public.lookalike_max_step, STYPE = regclass);

-- operators that pg_catalog has only through a cast or a polymorphic type
CREATE FUNCTION public.lookalike_eq_regclass(regclass, regclass) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('=(regclass, regclass)'); RETURN true; END $f$;
CREATE OPERATOR public.= (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = public.lookalike_eq_regclass);
CREATE FUNCTION public.lookalike_eq_oid_regclass(oid, regclass) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('=(oid, regclass)'); RETURN true; END $f$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = public.lookalike_eq_oid_regclass);
CREATE FUNCTION public.lookalike_eq_regtype(regtype, regtype) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('=(regtype, regtype)'); RETURN true; END $f$;
CREATE OPERATOR public.= (LEFTARG = regtype, RIGHTARG = regtype, FUNCTION = public.lookalike_eq_regtype);
-- BETWEEN looks up >= and <= by name
CREATE FUNCTION public.lookalike_ge_regclass(regclass, regclass) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('>=(regclass, regclass)'); RETURN true; END $f$;
CREATE OPERATOR public.>= (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = public.lookalike_ge_regclass);
CREATE FUNCTION public.lookalike_le_regclass(regclass, regclass) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('<=(regclass, regclass)'); RETURN true; END $f$;
CREATE OPERATOR public.<= (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = public.lookalike_le_regclass);
CREATE FUNCTION public.lookalike_ne_regclass(regclass, regclass) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('<>(regclass, regclass)'); RETURN true; END $f$;
CREATE OPERATOR public.<> (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = public.lookalike_ne_regclass);
CREATE FUNCTION public.lookalike_concat_regclass(text, regclass) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('||(text, regclass)'); RETURN 'planted'; END $f$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = regclass, FUNCTION = public.lookalike_concat_regclass);
CREATE FUNCTION public.lookalike_concat_name(text, name) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('||(text, name)'); RETURN 'planted'; END $f$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = name, FUNCTION = public.lookalike_concat_name);
CREATE FUNCTION public.lookalike_concat_name_text(name, text) RETURNS text LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('||(name, text)'); RETURN 'planted'; END $f$;
CREATE OPERATOR public.|| (LEFTARG = name, RIGHTARG = text, FUNCTION = public.lookalike_concat_name_text);
CREATE FUNCTION public.lookalike_any_eq(oid, oid[]) RETURNS boolean LANGUAGE plpgsql AS
$f$ BEGIN PERFORM public.lookalike_called('=(oid, oid[])'); RETURN true; END $f$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid[], FUNCTION = public.lookalike_any_eq);
