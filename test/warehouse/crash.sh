#!/usr/bin/env bash
# A refresh killed mid-way by kill -9 of its backend (test/warehouse/run.sh,
# last, since it restarts the server): a change set is made in the ODS, a
# test-only trigger makes the refresh sleep when it comes to update the
# states (its evidence already taken out and put back within its
# transaction), the backend is killed with SIGKILL (the postmaster resets
# every session and recovers from the WAL), and once the server accepts
# connections again crashed.sql checks that nothing of the killed refresh
# stayed, reruns the refresh and compares the states with a full recompute.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:-competency_ods}
export PGDATABASE=$db
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# The change set: corrected scores of 20 students, a deleted administration,
# a standard on a gradebook entry (its grades become evidence), and the
# layer as it stood before
q <<'SQL'
CREATE TABLE public.crash_test_before AS
SELECT (SELECT last_change_version FROM competency_layer.refresh_status) AS last_change_version,
       (SELECT count(*) FROM competency_layer.evidence_contribution) AS contributions,
       (SELECT count(*) FROM competency_layer.refresh_log) AS refreshes;
UPDATE edfi.StudentAssessmentItem i SET RawScoreResult = 0
WHERE i.StudentUSI IN (SELECT StudentUSI FROM edfi.StudentAssessment ORDER BY StudentUSI LIMIT 20);
UPDATE edfi.StudentAssessment SET LastModifiedDate = clock_timestamp()
WHERE StudentUSI IN (SELECT StudentUSI FROM edfi.StudentAssessment ORDER BY StudentUSI LIMIT 20);
DELETE FROM edfi.StudentAssessmentItem WHERE StudentUSI = (SELECT max(StudentUSI) FROM edfi.StudentAssessment);
DELETE FROM edfi.StudentAssessment WHERE StudentUSI = (SELECT max(StudentUSI) FROM edfi.StudentAssessment);
INSERT INTO edfi.GradebookEntryLearningStandard (GradebookEntryIdentifier, Namespace, LearningStandardId)
SELECT e.GradebookEntryIdentifier, e.Namespace, 'CC.6.RP.3c' FROM edfi.GradebookEntry e
WHERE EXISTS (SELECT 1 FROM edfi.StudentGradebookEntry g WHERE g.GradebookEntryIdentifier = e.GradebookEntryIdentifier)
ORDER BY 1 LIMIT 1 ON CONFLICT DO NOTHING;
UPDATE edfi.GradebookEntry SET LastModifiedDate = clock_timestamp()
WHERE GradebookEntryIdentifier = (SELECT min(GradebookEntryIdentifier) FROM edfi.GradebookEntryLearningStandard);
-- the test-only hook: a refresh sleeps when it comes to update the states
CREATE FUNCTION public.crash_test_pause() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN PERFORM pg_sleep(120); RETURN NULL; END$$;
CREATE TRIGGER crash_test_pause BEFORE UPDATE ON competency_layer.student_standard_state
FOR EACH STATEMENT EXECUTE FUNCTION public.crash_test_pause();
SQL

psql -X -q -c 'CALL competency_layer.refresh()' >/dev/null 2>&1 &
client=$!
pid=
for _ in $(seq 1 300); do
    pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND query LIKE 'CALL competency_layer.refresh()%'
                AND wait_event = 'PgSleep'")
    [ -n "$pid" ] && break
    sleep 0.1
done
if [ -z "$pid" ]; then
    echo "crash: the refresh never reached the pause" >&2
    kill "$client" 2>/dev/null || true
    exit 1
fi
kill -9 "$pid"
wait "$client" || true   # its connection dies with the backend

# The postmaster resets and recovers: wait until it takes connections again
# and is out of recovery
for _ in $(seq 1 300); do
    [ "$(q -d postgres -c 'SELECT NOT pg_is_in_recovery()' 2>/dev/null)" = t ] && break
    sleep 0.2
done
if [ -n "${COMPETENCY_CLUSTER_DIR:-}" ] && ! grep -q "(PID $pid) was terminated by signal 9" "$COMPETENCY_CLUSTER_DIR/server.log"; then
    echo "crash: the server log does not show backend $pid killed by signal 9" >&2
    exit 1
fi
pg_prove -d "$db" test/warehouse/crashed.sql
