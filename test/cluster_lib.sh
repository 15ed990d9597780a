# Shared by the scripts that start clusters (sourced, not run):
#   bindir       the server binaries to use (.pg-bindir from test/install.sh, else pg_config)
#   as_server    runs a command as the server's OS user ('postgres' when we are root)
#   init_cluster DIR   initdb into DIR/data, owned by that user
#   free_port    a TCP port on loopback that nothing listens on
#   private_install ROOT   a relocated copy of that installation in ROOT
PG_CONFIG=${PG_CONFIG:-pg_config}
if [ -s .pg-bindir ]; then bindir=$(cat .pg-bindir); else bindir=$("$PG_CONFIG" --bindir); fi

if [ "$(id -u)" -eq 0 ]; then
    # from /: the clone may sit where postgres cannot enter (its tools then
    # print "could not change directory" before anything else)
    as_server() { (cd / && runuser -u postgres -- "$@"); }
else
    as_server() { "$@"; }
fi

init_cluster() {
    local dir=$1
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_server "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
}

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    return 1
}

# A copy of the installation the tests use (the system's, or the private one
# of test/install.sh) in ROOT, laid out as the system's under ROOT, so that
# files can be added to ROOT$sharedir/extension without touching the original.
# PostgreSQL finds its share and lib directories relative to its own binary:
# the server binaries are real copies, everything else is linked.  Prints the
# copy's bin directory.
private_install() {
    local root=$1 sys_bindir pkglibdir sharedir from f b
    sys_bindir=$("$PG_CONFIG" --bindir)
    pkglibdir=$("$PG_CONFIG" --pkglibdir)
    sharedir=$("$PG_CONFIG" --sharedir)
    from=${bindir%"$sys_bindir"}
    mkdir -p "$root$sys_bindir" "$root$pkglibdir" "$root$sharedir/extension"
    for b in postgres initdb pg_ctl; do cp "$from$sys_bindir/$b" "$root$sys_bindir/"; done
    for f in "$from$sys_bindir"/*; do
        b=$(basename "$f")
        [ -e "$root$sys_bindir/$b" ] || ln -s "$(readlink -f "$f")" "$root$sys_bindir/$b"
    done
    for f in "$from$pkglibdir"/*; do ln -s "$(readlink -f "$f")" "$root$pkglibdir/$(basename "$f")"; done
    for f in "$from$sharedir"/*; do
        b=$(basename "$f")
        [ "$b" = extension ] || ln -s "$(readlink -f "$f")" "$root$sharedir/$b"
    done
    for f in "$from$sharedir"/extension/*; do ln -s "$(readlink -f "$f")" "$root$sharedir/extension/$(basename "$f")"; done
    echo "$root$sys_bindir"
}
