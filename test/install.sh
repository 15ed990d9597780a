#!/usr/bin/env bash
# Installs the built extension where the test cluster will find it.
#
# With write access to PostgreSQL's directories (root): 'make install'.
# Without: a private, relocated copy of the PostgreSQL installation in
# .pg-private/ (the server binaries copied, everything else but the system's
# own competency files linked), with the extension installed into it.
# PostgreSQL finds its share and lib directories relative to its own binary,
# so a cluster started from that copy loads the extension without touching
# the system.  The chosen bin directory is written
# to .pg-bindir for test/with_cluster.sh.  COMPETENCY_PRIVATE_INSTALL=1 asks
# for the private copy even with write access (several checkouts on one
# machine, each testing its own build).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$("$PG_CONFIG" --bindir)
pkglibdir=$("$PG_CONFIG" --pkglibdir)
sharedir=$("$PG_CONFIG" --sharedir)

if [ -z "${COMPETENCY_PRIVATE_INSTALL:-}" ] && [ -w "$pkglibdir" ] && [ -w "$sharedir/extension" ]; then
    make -s install
    rm -rf .pg-private
    echo "$bindir" > .pg-bindir
    exit 0
fi

root=$PWD/.pg-private
rm -rf "$root"
mkdir -p "$root$bindir" "$root$pkglibdir" "$root$sharedir/extension"
# real copies: a symlinked binary resolves back to the system directories
for b in postgres initdb pg_ctl; do cp "$bindir/$b" "$root$bindir/"; done
for f in "$bindir"/*; do [ -e "$root$bindir/$(basename "$f")" ] || ln -s "$f" "$root$bindir/"; done
for f in "$pkglibdir"/*; do case $(basename "$f") in competency*) ;; *) ln -s "$f" "$root$pkglibdir/";; esac; done
for f in "$sharedir"/*; do [ "$(basename "$f")" = extension ] || ln -s "$f" "$root$sharedir/"; done
for f in "$sharedir"/extension/*; do case $(basename "$f") in competency*) ;; *) ln -s "$f" "$root$sharedir/extension/";; esac; done
make -s install DESTDIR="$root"
echo "$root$bindir" > .pg-bindir
if [ -n "${COMPETENCY_PRIVATE_INSTALL:-}" ]; then why="COMPETENCY_PRIVATE_INSTALL is set"; else why="no write access to $pkglibdir"; fi
echo "install: $why; installed into $root"
