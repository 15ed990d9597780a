#!/usr/bin/env bash
# make demo: the Grand Bend sample district rolled up with competency, inside
# the cluster started by test/with_cluster.sh.  Writes the report
# (demo/report.sh: demo/output/report.html, with the text version in
# report.txt), checks it renders (test/report_render.sh), then builds an
# Ed-Fi ODS from the same XML and installs the competency layer on it
# (demo/warehouse.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./demo/report.sh
./test/report_render.sh demo/output/report.html
# The same district in a real Ed-Fi ODS, with the competency layer on it
./demo/warehouse.sh > demo/output/warehouse.txt

psql -X -q -d competency_demo -At -c "
SELECT format(E'Grand Bend ISD: %s students assessed on %s standards (%s item results); %s%% of student-standard pairs Proficient or better.',
              count(DISTINCT student), count(DISTINCT standard),
              (SELECT count(*) FROM standard_evidence),
              round(100.0 * count(*) FILTER (WHERE proficiency_level(average, 4) IN ('Proficient', 'Advanced')) / count(*)))
FROM (SELECT student, standard, mastery(evidence, 'average') AS average FROM standard_evidence GROUP BY 1, 2) m"
echo "The report:        $(pwd)/demo/output/report.html (screenshot: report.png)"
echo "Its text version:  $(pwd)/demo/output/report.txt"
echo "The Ed-Fi layer:   $(pwd)/demo/output/warehouse.txt (database grandbend_ods)"
