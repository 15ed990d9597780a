-- Evidence as a warehouse receives it: appended in time order.  50,000
-- learners x 20 skills (about 10 pieces of evidence per learner and skill
-- at 10 million rows), scores 0..4 in halves.
CREATE EXTENSION competency;
SET synchronous_commit = off;
CREATE TABLE evidence (
	learner int NOT NULL,
	skill int NOT NULL,
	score float8 NOT NULL,
	observed_at timestamptz NOT NULL
);
INSERT INTO evidence
SELECT (i * 7919) % 50000 + 1,
       (i / 50000) % 20 + 1,
       ((i * 2654435761) % 9) / 2.0,
       '2024-08-26'::timestamptz + i * interval '1 second'
FROM generate_series(0::bigint, :rows - 1) i
ORDER BY i;
VACUUM ANALYZE evidence;

-- Timing helper: runs a query reps times, returns the median in ms and the
-- value of the last run (so a result is always consumed and shown)
CREATE FUNCTION bench(query text, reps int, OUT median_ms numeric, OUT value float8)
LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz;
	times numeric[] := '{}';
BEGIN
	FOR r IN 1..reps LOOP
		t := clock_timestamp();
		EXECUTE query INTO value;
		times := times || (extract(epoch FROM clock_timestamp() - t) * 1000)::numeric;
	END LOOP;
	SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) INTO median_ms FROM unnest(times) x;
	median_ms := round(median_ms, 0);
END $$;

-- Memory the aggregation node reports in EXPLAIN ANALYZE (hash table and
-- transition states, or sort memory), in kB, summed over the plan
CREATE FUNCTION plan_memory_kb(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	line text;
	total bigint := 0;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ' || query LOOP
		IF line ~ 'Memory Usage: \d+kB' THEN
			total := total + (regexp_match(line, 'Memory Usage: (\d+)kB'))[1]::bigint;
		END IF;
		IF line ~ 'Memory: \d+kB' THEN
			total := total + (regexp_match(line, 'Memory: (\d+)kB'))[1]::bigint;
		END IF;
	END LOOP;
	RETURN total;
END $$;
