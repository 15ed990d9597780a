# competency: PGXS build, plus the two commands of the README:
#   make demo   installs what is missing, builds, installs, runs the sample district
#   make test   the same set-up, then the whole test suite (pg_regress and pgTAP)

EXTENSION   = competency
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" competency.control)
MODULE_big  = competency
OBJS        = src/competency.o src/evidence.o src/method.o src/rollup.o src/evidence_stream.o \
              src/mastery_state.o src/skill_graph.o src/case_import.o src/graph_queries.o \
              src/mastery_agg.o src/proficiency.o src/learner_profile.o src/profile_aggregate.o src/profile_state.o src/profile_rollup.o src/leaf_graph.o src/learning_path.o \
              src/grouping.o src/group_readiness.o src/group_similar.o src/group_mixed.o src/group_audit.o \
              src/group_balance.o src/knowledge_tracing.o src/bkt_evaluation.o src/bkt_items.o
# One full install script (the current version) and the upgrade scripts.  The
# full scripts of released versions live in test/released/: the upgrade and
# script-security tests install them into a private copy of the installation,
# never here (an owner could otherwise install an old version fresh).
DATA_built  = competency--$(EXTVERSION).sql
DATA        = $(wildcard src/competency--*--*.sql)
RELEASED    = $(notdir $(wildcard test/released/competency--*.sql))
REGRESS     = evidence method rollup mastery_agg proficiency mastery_state skill_graph plan_shapes corrections learner_profile learning_path grouping knowledge_tracing
REGRESS_OPTS = --inputdir=. --load-extension=competency
EXTRA_CLEAN = results/ regression.diffs regression.out test/fuzz/fuzz_stream test/fuzz/fuzz_inputs

# -Wno-unused-parameter: PostgreSQL's own headers and PG_FUNCTION_ARGS trip it.
# -Werror only where we build for ourselves (make test, demo, bench and the
# deeper checks pass WERROR=1): a packager's newer compiler may warn anew.
PG_CFLAGS   = -Wall -Wextra -Wno-unused-parameter
ifdef WERROR
PG_CFLAGS  += -Werror
endif
# make SANITIZE=1: UBSan in the extension (see test-sanitize).  AddressSanitizer
# needs its runtime preloaded into the server, and Debian's postgres deadlocks
# in bindtextdomain() at startup under it; memory errors are valgrind's job
# (test-valgrind) and the fuzz harness's.
ifdef SANITIZE
PG_CFLAGS  += -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SHLIB_LINK += -fsanitize=undefined
endif
# No JIT bitcode: it needs clang, which a fresh machine does not have
override with_llvm = no

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
else
# Before the packages are installed only these targets work
all install installcheck:
	@echo "pg_config not found: run 'make test' or 'make demo' (they install the packages), or set PG_CONFIG" >&2; exit 1
endif

# PGXS does not track headers: every object depends on the shared ones
$(OBJS): src/competency.h src/rollup.h src/skill_graph.h src/learner_profile.h src/profile_state.h src/leaf_graph.h src/group_balance.h src/grouping.h src/knowledge_tracing.h

competency--$(EXTVERSION).sql: src/competency.sql
	cp $< $@

# An earlier 'make install' shipped full scripts of released versions: take
# them away, so that only the current version can be installed fresh
install: remove-released-scripts
.PHONY: remove-released-scripts
remove-released-scripts:
	rm -f $(addprefix '$(DESTDIR)$(datadir)/$(datamoduledir)/',$(RELEASED))

.PHONY: deps test demo warehouse bench test-sanitize test-valgrind test-citus test-soak fuzz

deps:
	./test/deps.sh

# Everything runs in a throwaway cluster started by test/with_cluster.sh
test: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	./test/with_cluster.sh ./test/run_tests.sh
	$(MAKE) fuzz FUZZ_RUNS=20000 FUZZ_INPUT_RUNS=300000

demo: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	./test/with_cluster.sh ./demo/run.sh

# The competency layer installed into a district's Ed-Fi ODS (an existing
# database on the server psql reaches: PGHOST, PGPORT, PGUSER), with the
# extension already installed there (make install):
#   make warehouse DB=EdFi_Ods
# the same as: psql -d EdFi_Ods -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
warehouse:
	@test -n "$(DB)" || { echo "usage: make warehouse DB=database_of_the_ODS" >&2; exit 2; }
	psql -X -v ON_ERROR_STOP=1 -d '$(DB)' -f warehouse/competency_layer.sql

bench: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	./test/with_cluster.sh ./bench/run.sh

# The suite with UBSan compiled into the extension; any report fails the run.
test-sanitize: deps
	$(MAKE) clean
	$(MAKE) SANITIZE=1 WERROR=1 all
	./test/install.sh
	COMPETENCY_SERVER_ENV="UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1" \
		./test/with_cluster.sh ./test/run_tests.sh
	$(MAKE) clean

# The suite with the server under valgrind memcheck; fails on any error
# report whose stack passes through competency.so.
test-valgrind: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	COMPETENCY_SERVER_WRAPPER="valgrind --quiet --trace-children=yes --track-origins=yes --read-var-info=yes --num-callers=30 --log-file=%q{COMPETENCY_CLUSTER_DIR}/valgrind.%p.log" \
		./test/with_cluster.sh ./test/run_tests.sh

# The aggregates on a real Citus cluster (coordinator and two workers on
# loopback), installing Citus first when it is missing (see test/citus/run.sh).
test-citus: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	./test/citus/run.sh

# pgbench for 5 minutes: 8 clients mixing every kind of query on shared
# tables while an ETL merges corrections into stored states; no failed
# transaction, no crash, and the states equal a recompute afterwards
# (test/soak/run.sh; SOAK_SECONDS, SOAK_CLIENTS).  make test runs 30 seconds.
test-soak: deps
	$(MAKE) all WERROR=1
	./test/install.sh
	./test/with_cluster.sh ./test/soak/run.sh

# Two libFuzzer harnesses with AddressSanitizer and UBSan, outside the server
# (test/fuzz/shim.c stands in for the backend, test/fuzz/unreachable.c aborts
# on what it does not): fuzz_stream drives evidence streams and the rollup
# methods, fuzz_inputs the method grammar, bkt_fit's options and binary
# receive.  The text forms that need jsonb_in run in the server instead, in
# the SQL-level mutation run (test/fuzz/mutation.sh, part of make test).
# make test runs a short deterministic pass; run longer with
# make fuzz FUZZ_RUNS=-1 FUZZ_SECONDS=600.
FUZZ_CC      ?= clang-14
FUZZ_RUNS    ?= 300000
FUZZ_INPUT_RUNS ?= $(FUZZ_RUNS)
FUZZ_SECONDS ?= 0
FUZZ_FLAGS    = -g -O1 -Wno-ignored-attributes -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Isrc -Itest/fuzz -I$(shell $(PG_CONFIG) --includedir-server)
FUZZ_LIBS     = $(shell $(PG_CONFIG) --pkglibdir)/libpgcommon.a $(shell $(PG_CONFIG) --pkglibdir)/libpgport.a -lm
FUZZ_SHIM     = test/fuzz/shim.c test/fuzz/unreachable.c
FUZZ_TARGETS  = test/fuzz/fuzz_stream test/fuzz/fuzz_inputs

test/fuzz/fuzz_stream: src/rollup.c src/evidence_stream.c src/competency.h src/rollup.h \
                       $(FUZZ_SHIM) test/fuzz/shim.h test/fuzz/fuzz_stream.c
	$(FUZZ_CC) $(FUZZ_FLAGS) src/rollup.c src/evidence_stream.c $(FUZZ_SHIM) \
		test/fuzz/fuzz_stream.c $(FUZZ_LIBS) -o $@

# the files whose receive functions it calls, and what they call
FUZZ_INPUTS_SRC = src/competency.c src/method.c src/rollup.c src/evidence_stream.c src/evidence.c \
                  src/mastery_state.c src/learner_profile.c src/profile_aggregate.c src/profile_state.c src/profile_rollup.c src/skill_graph.c src/graph_queries.c \
                  src/leaf_graph.c src/learning_path.c

test/fuzz/fuzz_inputs: $(FUZZ_INPUTS_SRC) src/knowledge_tracing.c src/competency.h src/rollup.h \
                       src/learner_profile.h src/profile_state.h src/skill_graph.h src/leaf_graph.h $(FUZZ_SHIM) test/fuzz/shim.h test/fuzz/fuzz_inputs.c
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_INPUTS_SRC) $(FUZZ_SHIM) test/fuzz/fuzz_inputs.c $(FUZZ_LIBS) -o $@

fuzz: $(FUZZ_TARGETS)
	@for t in $(notdir $(FUZZ_TARGETS)); do \
		mkdir -p test/fuzz/corpus/$$t; \
		seeds=; [ -d test/fuzz/seeds/$${t#fuzz_} ] && seeds=test/fuzz/seeds/$${t#fuzz_}; \
		runs=$(FUZZ_RUNS); [ $$t = fuzz_inputs ] && runs=$(FUZZ_INPUT_RUNS); \
		echo "fuzz: $$t under ASan and UBSan, seed 1, runs $$runs, seconds $(FUZZ_SECONDS) (0: no limit)"; \
		./test/fuzz/$$t -seed=1 -runs=$$runs -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=test/fuzz/ test/fuzz/corpus/$$t $$seeds >test/fuzz/$$t.log 2>&1 || \
			{ tail -n 40 test/fuzz/$$t.log; echo "fuzz: $$t failed; the input is saved in test/fuzz/" >&2; exit 1; }; \
		echo "fuzz: $$t: $$(tail -n 1 test/fuzz/$$t.log)"; \
	done
