#!/usr/bin/env bash
# make bench: speed and memory of the rollup aggregates as ratios against
# baselines measured in the same run, in the cluster of test/with_cluster.sh.
#
#   BENCH_ROWS   evidence rows (default 10000000)
#   BENCH_REPS   timed runs per query, the median is reported (default 3)
#   BENCH_DISTRICT_STUDENTS  students of the generated Ed-Fi district the
#                competency layer is timed on (bench/warehouse.sql; default
#                20000, 200 item results each: 4 million item results, about
#                10 minutes on 2 cores with generation; the generator's own
#                default, 50000, takes about 25)
#
# Every timed query consumes the aggregate's value (SELECT sum(m) FROM ...),
# so the planner cannot drop the aggregate; bench/queries.sql shows the
# EXPLAIN VERBOSE proving it.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_ROWS:-10000000}
reps=${BENCH_REPS:-3}
out=bench/results
mkdir -p "$out"
export PGDATABASE=competency_bench
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS competency_bench" -c "CREATE DATABASE competency_bench"

echo "bench: generating $rows evidence rows in arrival (time) order"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -f bench/setup.sql
echo "bench: timing (median of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -v rows="$rows" -f bench/mastery.sql | tee "$out/mastery.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -v rows="$rows" -f bench/states.sql | tee "$out/states.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -f bench/graphs.sql | tee "$out/graphs.md"
psql -X -q -v ON_ERROR_STOP=1 -f bench/large_inputs.sql | tee "$out/large_inputs.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -f bench/whole_prerequisites.sql | tee "$out/whole_prerequisites.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -v rows="$rows" -f bench/profiles.sql | tee "$out/profiles.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -f bench/grouping.sql | tee "$out/grouping.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -f bench/plan_estimates.sql | tee "$out/plan_estimates.md"
psql -X -q -v ON_ERROR_STOP=1 -v reps="$reps" -f bench/knowledge_tracing.sql | tee "$out/knowledge_tracing.md"

# The competency layer on an Ed-Fi ODS holding a generated district: the
# full build, then a nightly refresh after 1% changes
district=${BENCH_DISTRICT_STUDENTS:-20000}
echo "bench: the competency layer on a generated Ed-Fi district of $district students"
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS competency_bench_ods" -c "CREATE DATABASE competency_bench_ods"
PGDATABASE=competency_bench_ods ./demo/create_ods.sh
PGDATABASE=competency_bench_ods psql -X -q -v ON_ERROR_STOP=1 -v students="$district" -f warehouse/generate_district.sql
PGDATABASE=competency_bench_ods psql -X -q -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
PGDATABASE=competency_bench_ods psql -X -q -v ON_ERROR_STOP=1 -f bench/warehouse.sql | tee "$out/warehouse.md"
