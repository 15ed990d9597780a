-- The SQL-level mutation run (test/fuzz/mutation.sh): valid values of every
-- type, mutated at random (a fixed seed), go in through every input path the
-- server offers: the text form, the jsonb cast and binary receive (a binary
-- COPY whose one field is the mutated bytes).  Every attempt must either be
-- refused with a specific SQLSTATE or give a value whose text form reads back
-- to itself and that every function of its type takes without an internal
-- error.  A crash ends the connection and fails the run.  bkt_fit's options,
-- instructional_groups' mode and the audits' ids, labels and settings are
-- mutated the same way.
--
-- psql variables: seed (float in -1..1), rounds (mutations per type and path)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET extra_float_digits = 0;
SELECT setseed(:seed);
SET mutation.rounds = :rounds;

CREATE TABLE seeds (typ regtype, val text);
INSERT INTO seeds VALUES
	('mastery_evidence', '3/4 @ 2024-09-05 10:00:00+00'),
	('mastery_evidence', '80/100 @ 2024-09-20 00:00:00+00, weight=2, kind=override'),
	('mastery_evidence', '0.5/1 @ 2024-01-01 00:00:00+00, kind=self'),
	('mastery_method', 'decaying_average(weight=0.4, min_evidence=2)'),
	('mastery_method', 'n_mastery(n=3, threshold=3, scale=4, round=2)'),
	('mastery_method', 'bkt(p_init=0.5, p_learn=0.1, p_guess=0.2, p_slip=0.1, p_forget=0.01, correct_at=0.6)'),
	('mastery_method', 'power_law(at=next)'),
	('mastery_method', 'mode(tie=recent)'),
	('mastery_method', 'streak(n=2, threshold=3, keep=current, scale=4)'),
	('mastery_state', '[3/4 @ 2024-09-05 10:00:00+00; 4/4 @ 2024-09-12 10:00:00+00, kind=override]'),
	('mastery_state', '[1/4 @ 2024-09-01 00:00:00+00, weight=3; 80/100 @ 2024-09-02 00:00:00+00; 2/4 @ 2024-09-02 00:00:00+00, kind=practice]'),
	('skill_graph', '{"skills": [{"code": "add"}, {"code": "div"}, {"code": "mul"}], "edges": [{"source": "add", "target": "mul", "relation": "prerequisite"}, {"source": "mul", "target": "div", "relation": "prerequisite"}]}'),
	('learner_profile_state', '{"method": "latest", "skills": {"add": "[3/4 @ 2024-09-01 00:00:00+00]", "Größe": "[1/2 @ 2024-09-03 00:00:00+00]"}}'),
	('learner_profile_state', '{"method": "decaying_average", "skills": {"a": "[3/4 @ 2024-09-01 00:00:00+00; 1/4 @ 2024-09-02 00:00:00+00]", "b": "[]"}, "methods": {"a": "bkt(p_init=0.5, p_learn=0.1, p_guess=0.2, p_slip=0.1)"}}');
-- a method from fitted parameters, a graph with wholes, profiles built by the aggregates
INSERT INTO seeds
SELECT 'mastery_method', mastery_method('(0.31,0.12,0.000000001,0.2,0.05,-10.5,12,f,t)'::bkt_params)::text;
INSERT INTO seeds
SELECT 'skill_graph', skill_graph_agg(s, t, r)::text
FROM (VALUES ('6.RP.A.1', '6.RP.A', 'part_of'), ('6.RP.A.2', '6.RP.A', 'part_of'), ('6.RP.A', '6.RP', 'part_of'),
             ('6.RP.A', '7.RP.A.1', 'prerequisite'), ('6.RP.A.1', '6.RP.A.2', 'prerequisite'), ('Größe', '6.RP.A.1', 'prerequisite')) v(s, t, r);
INSERT INTO seeds
SELECT 'learner_profile', learner_profile(skill, mastery_evidence(score, 4, t), 'decaying_average')::text
FROM (VALUES ('add', 3, '2024-09-01'::timestamptz), ('add', 4, '2024-09-08'), ('Größe', 2, '2024-09-02'),
             ('6.RP.A.1', 1, '2024-09-03'), ('6.RP.A.1', 3, '2024-09-09')) v(skill, score, t);
INSERT INTO seeds
SELECT 'learner_profile', learner_profile(skill, mastery_evidence(score, 1, t), mastery_method('(0.3,0.1,0.2,0.1,0,-1,1,f,t)'::bkt_params))::text
FROM (VALUES ('a', 1, '2024-09-01'::timestamptz), ('a', 0, '2024-09-02'), ('b', 1, '2024-09-03')) v(skill, score, t);

-- ---------- mutations ----------

CREATE FUNCTION rnd(n int) RETURNS int LANGUAGE sql AS $$ SELECT floor(random() * n)::int $$;

-- Tokens that broke parsers before: number edges, JSON and grammar punctuation
CREATE FUNCTION token() RETURNS text LANGUAGE sql AS $$
	SELECT t[1 + floor(random() * cardinality(t))::int] FROM (SELECT ARRAY['NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '-0', '0', '-1', '2147483648',
	              '99999999999999999999999', '0.5', '"', '\"', '\\', '\u0000', '\ud800', 'null', 'true', '[]',
	              '{}', '""', ',', ':', ';', '@', '/', '=', '(', ')', '[', ']', '{', '}', ' ', 'ß', 'kind=',
	              'weight=', 'override', '"skills"', '"methods"', '"edges"', 'part_of', 'prerequisite',
	              '2024-13-45', 'infinity', '294277-01-01', repeat('9', 400), repeat('a', 70000),
	              '"x": 1', '{"x": {"y": [1, 2]}}']) a(t) $$;

CREATE FUNCTION mutate_text(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n int := 1 + rnd(4);
	p int; q int;
BEGIN
	FOR i IN 1 .. n LOOP
		p := 1 + rnd(greatest(length(s), 1));
		q := rnd(8);
		CASE rnd(7)
			WHEN 0 THEN s := overlay(s PLACING substr('0123456789.-+eE{}[]":,;@/=() abxß\', 1 + rnd(35), 1) FROM p FOR 1);
			WHEN 1 THEN s := overlay(s PLACING '' FROM p FOR 1 + q);
			WHEN 2 THEN s := overlay(s PLACING substr(s, p, 1 + q * 4) FROM p FOR 0);
			WHEN 3 THEN s := overlay(s PLACING token() FROM p FOR rnd(3));
			WHEN 4 THEN s := left(s, p);
			WHEN 5 THEN s := substr(s, p) || left(s, p - 1);
			ELSE s := overlay(s PLACING token() FROM p FOR 0);
		END CASE;
	END LOOP;
	RETURN s;
END $$;

CREATE FUNCTION mutate_bytes(b bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	n int := 1 + rnd(3);
	p int; v int;
BEGIN
	FOR i IN 1 .. n LOOP
		IF length(b) = 0 THEN
			b := '\x00'::bytea;
		END IF;
		p := rnd(length(b));
		CASE rnd(7)
			WHEN 0 THEN b := set_bit(b, p * 8 + rnd(8), 1 - get_bit(b, p * 8 + rnd(8)));
			WHEN 1 THEN b := set_byte(b, p, (ARRAY[0, 1, 2, 3, 127, 128, 254, 255])[1 + rnd(8)]);
			WHEN 2 THEN      -- a 32-bit count or length: zero, small, huge, negative
				v := (ARRAY[0, 1, 2, 3, 4, 255, 65535, 1000000, 2147483647, -1, -2147483648])[1 + rnd(11)];
				b := overlay(b PLACING int4send(v) FROM p + 1 FOR 4);
			WHEN 3 THEN b := substr(b, 1, p);
			WHEN 4 THEN b := b || substr(b, 1 + rnd(length(b)), 1 + rnd(16));
			WHEN 5 THEN b := overlay(b PLACING float8send((ARRAY['NaN', 'Infinity', '-Infinity', '-0', '1e308', '5e-324'])[1 + rnd(6)]::float8) FROM p + 1 FOR 8);
			ELSE b := overlay(b PLACING '' FROM p + 1 FOR 1 + rnd(8));
		END CASE;
	END LOOP;
	RETURN b;
END $$;

-- ---------- what an accepted value must survive ----------

CREATE FUNCTION has_jsonb(typ regtype) RETURNS boolean LANGUAGE sql AS $$
	SELECT EXISTS (SELECT FROM pg_cast WHERE castsource = typ AND casttarget = 'jsonb'::regtype) $$;

CREATE FUNCTION exercise(typ regtype, v text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	-- the text form reads back to itself
	EXECUTE format('SELECT $1::%s::text', typ) INTO d USING v;
	IF d IS DISTINCT FROM v THEN
		RAISE EXCEPTION 'text form not stable' USING ERRCODE = 'XX000', DETAIL = format('%s becomes %s', v, d);
	END IF;
	IF has_jsonb(typ) THEN
		EXECUTE format('SELECT $1::%s::jsonb::text', typ) INTO d USING v;
	END IF;
	CASE typ
		WHEN 'mastery_evidence'::regtype THEN
			PERFORM score(e), proportion(e), kind(e), mastery(e, 'decaying_average'), mastery_agg(e)::text
			FROM (SELECT v::mastery_evidence) s(e) GROUP BY e;
		WHEN 'mastery_method'::regtype THEN
			PERFORM mastery(e, v::mastery_method)
			FROM (VALUES (mastery_evidence(3, 4, '2024-09-01')), (mastery_evidence(1, 4, '2024-09-02')),
			             (mastery_evidence(4, 4, '2024-09-03'))) s(e);
		WHEN 'mastery_state'::regtype THEN
			PERFORM mastery(s, 'latest'), mastery(s, 'power_law'), mastery(s, 'true_score'),
			        mastery_at(s, 'average', '2024-09-03'), evidence_count(s), last_observed(s), out_of(s),
			        (s || s)::text, (s - s)::text, (SELECT count(*) FROM mastery_explain(s, 'decaying_average'))
			FROM (SELECT v::mastery_state) x(s);
		WHEN 'skill_graph'::regtype THEN
			PERFORM (SELECT count(*) FROM skills(g)), (SELECT count(*) FROM edges(g)),
			        (SELECT count(*) FROM topological_order(g)), length(skill_graph_to_dot(g)),
			        skill_graph_union(g, g)::text
			FROM (SELECT v::skill_graph) x(g);
		WHEN 'learner_profile'::regtype THEN
			PERFORM (SELECT count(*) FROM profile_entries(p)), (SELECT count(*) FROM strengths(p, 2)),
			        (SELECT count(*) FROM needs(p, 2)), profile_distance(p, p), p = p
			FROM (SELECT v::learner_profile) x(p);
		WHEN 'learner_profile_state'::regtype THEN
			PERFORM learner_profile(s)::text FROM (SELECT v::learner_profile_state) x(s);
	END CASE;
END $$;

-- One attempt: 'accepted', or the SQLSTATE it was refused with
CREATE FUNCTION try_text(typ regtype, lit text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	BEGIN
		EXECUTE format('SELECT $1::%s::text', typ) INTO v USING lit;
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END;
	PERFORM exercise(typ, v);
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN 'accepted, then ' || SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE FUNCTION try_jsonb(typ regtype, lit text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	j jsonb;
	v text;
BEGIN
	BEGIN
		j := lit::jsonb;
	EXCEPTION WHEN OTHERS THEN
		RETURN 'not json';
	END;
	BEGIN
		EXECUTE format('SELECT $1::%s::text', typ) INTO v USING j;
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END;
	PERFORM exercise(typ, v);
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN 'accepted, then ' || SQLSTATE || ': ' || SQLERRM;
END $$;

-- Binary receive: a binary COPY file with one field (what bytea writes is
-- the raw bytes), read back into a column of the type.  The files are the
-- server's own, in its data directory.
CREATE FUNCTION try_binary(typ regtype, b bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := current_setting('data_directory') || '/mutation.bin';
	v text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, f);
	BEGIN
		EXECUTE format('CREATE TEMP TABLE sink (v %s)', typ);
		EXECUTE format('COPY sink FROM %L (FORMAT binary)', f);
		SELECT sink.v::text INTO v FROM sink;
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END;
	DROP TABLE sink;
	PERFORM exercise(typ, v);
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN 'accepted, then ' || SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE outcomes (typ text, path text, outcome text);

-- Every seed goes in unmutated first: the harness itself must accept them
DO $$
DECLARE
	r record;
	b bytea;
BEGIN
	FOR r IN SELECT typ, val FROM seeds LOOP
		EXECUTE format('SELECT %s_send($1::%s)', r.typ, r.typ) INTO b USING r.val;
		INSERT INTO outcomes VALUES (r.typ::text, 'seed', try_text(r.typ, r.val)),
		                            (r.typ::text, 'seed', try_binary(r.typ, b));
	END LOOP;
END $$;

DO $$
DECLARE
	t regtype;
	s text;
	b bytea;
	rounds int := current_setting('mutation.rounds')::int;
BEGIN
	FOR t IN SELECT DISTINCT typ FROM seeds ORDER BY 1 LOOP
		FOR i IN 1 .. rounds LOOP
			SELECT val INTO s FROM seeds WHERE typ = t ORDER BY random() LIMIT 1;
			INSERT INTO outcomes VALUES (t::text, 'text', try_text(t, mutate_text(s)));
			-- jsonb: the jsonb form of a seed, mutated
			IF has_jsonb(t) THEN
				EXECUTE format('SELECT $1::%s::jsonb::text', t) INTO s USING s;
				INSERT INTO outcomes VALUES (t::text, 'jsonb', try_jsonb(t, mutate_text(s)));
			END IF;
			SELECT val INTO s FROM seeds WHERE typ = t ORDER BY random() LIMIT 1;
			EXECUTE format('SELECT %s_send($1::%s)', t, t) INTO b USING s;
			INSERT INTO outcomes VALUES (t::text, 'binary', try_binary(t, mutate_bytes(b)));
			IF i % 100 = 0 THEN
				COMMIT;
			END IF;
		END LOOP;
	END LOOP;
END $$;

-- bkt_fit's options and instructional_groups' mode, mutated
CREATE TABLE responses AS
SELECT 'l' || (i % 7) AS learner, i::bigint AS seq, (i * 7919 % 10) < 6 AS correct FROM generate_series(1, 60) i;
CREATE FUNCTION try_options(o text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	p bkt_params;
BEGIN
	SELECT bkt_fit(learner, seq, correct, o) INTO p FROM responses;
	IF p.p_learn IS NOT NULL AND NOT (p.p_learn BETWEEN 0 AND 1 AND p.p_init BETWEEN 0 AND 1) THEN
		RAISE EXCEPTION 'fit out of range: %', p USING ERRCODE = 'XX000';
	END IF;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN CASE WHEN SQLSTATE = 'XX000' THEN 'accepted, then XX000: ' || SQLERRM ELSE SQLSTATE END;
END $$;
CREATE FUNCTION try_mode(m text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM instructional_groups(l, p, g, 3, 2, 3, m)
	FROM (SELECT 'l' || i AS l, learner_profile('add', mastery_evidence(i % 5, 4, '2024-09-01'), 'latest') AS p
	      FROM generate_series(1, 7) i GROUP BY i) x,
	     (SELECT skill_graph_agg(a, b) AS g FROM (VALUES ('add', 'mul')) e(a, b)) y;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN CASE WHEN SQLSTATE = 'XX000' THEN 'accepted, then XX000: ' || SQLERRM ELSE SQLSTATE END;
END $$;
-- the audits' group ids, subgroup labels and settings (alpha, min_ratio,
-- cell size, n-size, threshold), mutated as text and cast as the call
-- would take them
CREATE FUNCTION try_audit(g text, s text, settings text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	a text[] := string_to_array(settings, ',');
BEGIN
	PERFORM group_disproportionality(CASE WHEN i % 3 = 0 THEN g ELSE 'g' || i % 2 END, CASE WHEN i % 2 = 0 THEN s END,
	                                 a[1]::float8, a[2]::float8),
	        group_disproportionality(i % 3, CASE WHEN i % 2 = 0 THEN s END)
	FROM generate_series(1, 9) i;
	PERFORM tracking_audit(CASE WHEN i % 4 = 0 THEN g ELSE 'u' END, 's' || i % 2, CASE WHEN i % 3 = 0 THEN g ELSE 'g' || i % 2 END,
	                       'l' || i, CASE WHEN i % 2 = 0 THEN s END, i % 4, a[3]::int, a[4]::int, a[5]::float8)
	FROM generate_series(1, 9) i;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN CASE WHEN SQLSTATE = 'XX000' THEN 'accepted, then XX000: ' || SQLERRM ELSE SQLSTATE END;
END $$;
DO $$
DECLARE
	rounds int := current_setting('mutation.rounds')::int;
BEGIN
	FOR i IN 1 .. rounds LOOP
		-- one of the three mutated at a time, so that most attempts reach the audits
		INSERT INTO outcomes
		SELECT 'group audits', 'text',
		       try_audit(CASE WHEN k = 0 THEN mutate_text('Größe') ELSE 'Größe' END, CASE WHEN k = 1 THEN mutate_text('EL') ELSE 'EL' END,
		                 CASE WHEN k = 2 THEN mutate_text('0.05,2,10,30,3') ELSE '0.05,2,10,30,3' END)
		FROM (SELECT rnd(3) AS k) r;
		INSERT INTO outcomes VALUES ('bkt_fit options', 'text',
			try_options(mutate_text((ARRAY['restarts=2, seed=7', 'forgets, max_iter=5, tol=1e-4',
			                               'init=(0.4, 0.1, 0.2, 0.1), pybkt_compat', 'max_guess=0.3, max_slip=0.3, seed=1'])[1 + rnd(4)])));
		INSERT INTO outcomes VALUES ('instructional_groups mode', 'text',
			try_mode(mutate_text((ARRAY['readiness', 'similar', 'mixed'])[1 + rnd(3)])));
	END LOOP;
END $$;

-- ---------- the report ----------
\pset footer off
SELECT typ AS "type", path, count(*) AS tried,
       count(*) FILTER (WHERE outcome = 'accepted') AS accepted,
       string_agg(DISTINCT outcome, ' ' ORDER BY outcome) FILTER (WHERE outcome <> 'accepted') AS "refused with"
FROM outcomes GROUP BY 1, 2 ORDER BY 1, 2;

-- Failures: an internal error (XX000) on input, a seed refused, or an
-- accepted value that failed afterwards
\pset tuples_only on
SELECT 'mutation: FAILED ' || typ || ' ' || path || ': ' || outcome || ' (' || count(*) || ' times)'
FROM outcomes
WHERE outcome LIKE 'accepted, then%' OR outcome IN ('XX000', 'XX002')
   OR (path = 'seed' AND outcome <> 'accepted')
GROUP BY typ, path, outcome ORDER BY 1;
SELECT 'mutation: ' || count(*) || ' attempts, ' || count(*) FILTER (WHERE outcome = 'accepted') || ' accepted'
FROM outcomes;
