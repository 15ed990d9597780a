#!/usr/bin/env bash
# Installs what 'make test', 'make demo' and 'make bench' need and the machine
# lacks: PostgreSQL, its server headers, pgTAP and pg_prove (Debian 12 packages).
# As root it uses apt; otherwise it uses sudo when allowed, or says what to install.
set -euo pipefail

pg_major=${PG_MAJOR:-15}
# postgresql-15 brings pgbench too (test/soak); libclang-rt-14-dev: the
# sanitizer and libFuzzer runtimes for test/fuzz; graphviz: make demo draws
# a learning path; chromium: the report is rendered headless (test/report_render.sh)
packages=(make gcc "postgresql-$pg_major" "postgresql-server-dev-$pg_major"
          "postgresql-$pg_major-pgtap" libtap-parser-sourcehandler-pgtap-perl
          clang-14 libclang-rt-14-dev graphviz chromium)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
