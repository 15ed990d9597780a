-- One digest per table the district generator fills (and its own tables):
-- the md5 of every row's text, without the columns the ODS fills by itself
-- (Id: a random UUID; CreateDate, LastModifiedDate: now; ChangeVersion: a
-- sequence).  test/warehouse/run.sh compares two databases generated with
-- the same seed (test/warehouse/generator.sql).
CREATE OR REPLACE FUNCTION pg_temp.table_digests() RETURNS TABLE (table_name text, row_count bigint, digest text)
LANGUAGE plpgsql AS $f$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.oid::regclass AS tab, n.nspname || '.' || c.relname AS name,
               string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname IN ('edfi', 'district_gen') AND c.relkind = 'r'
          AND a.attname NOT IN ('id', 'createdate', 'lastmodifieddate', 'changeversion')
        GROUP BY c.oid, n.nspname, c.relname
    LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (SELECT %s FROM %s) r',
                                    t.name, t.cols, t.tab);
    END LOOP;
END
$f$;
CREATE TABLE IF NOT EXISTS generator_digest (db text, table_name text, row_count bigint, digest text, PRIMARY KEY (db, table_name));
