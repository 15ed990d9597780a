# Shared by the scripts that start clusters (sourced, not run):
#   bindir       the server binaries to use (.pg-bindir from test/install.sh, else pg_config)
#   as_server    runs a command as the server's OS user ('postgres' when we are root)
#   init_cluster DIR   initdb into DIR/data, owned by that user
#   free_port    a TCP port on loopback that nothing listens on
PG_CONFIG=${PG_CONFIG:-pg_config}
if [ -s .pg-bindir ]; then bindir=$(cat .pg-bindir); else bindir=$("$PG_CONFIG" --bindir); fi

if [ "$(id -u)" -eq 0 ]; then
    as_server() { runuser -u postgres -- "$@"; }
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
