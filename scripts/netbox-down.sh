#!/usr/bin/env bash
# Stop the NetBox started by scripts/netbox-up.sh: the web server, redis and PostgreSQL.
#
#   scripts/netbox-down.sh [STATE_DIR]      (or $NETBOX_STATE_DIR; default target/netbox)
#
# Data (venv, database, tokens) is kept, so the next netbox-up.sh starts in seconds.
# To start from scratch: scripts/netbox-down.sh && rm -rf target/netbox
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${1:-${NETBOX_STATE_DIR:-$REPO_ROOT/target/netbox}}

log() { printf 'netbox-down: %s\n' "$*" >&2; }

if [ ! -d "$STATE" ]; then
    log "no state dir $STATE; nothing to stop"
    exit 0
fi
STATE=$(cd "$STATE" && pwd)

read_pid() {  # read_pid FILE PATTERN: print the pid in FILE if it is live and its command
    local pid      # line contains PATTERN (never signal a process that reused a stale pid)
    [ -s "$1" ] || return 1
    pid=$(head -n1 "$1")
    case "$pid" in ''|*[!0-9]*) return 1 ;; esac
    kill -0 "$pid" 2>/dev/null || return 1
    if [ -r "/proc/$pid/cmdline" ]; then
        local cmd
        cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
        case "$cmd" in *"$2"*) ;; *) return 1 ;; esac
    fi
    echo "$pid"
}

wait_gone() {  # wait_gone PID SECONDS
    local _
    for _ in $(seq 1 $(($2 * 5))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.2
    done
    return 1
}

# Web server: started with setsid, so its pid is also its process group (gunicorn master
# and workers, or runserver).
if pid=$(read_pid "$STATE/netbox.pid" "$STATE/venv/bin/"); then
    log "stopping netbox (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 20; then
        log "netbox did not exit; killing"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 5 || true
    fi
else
    log "netbox not running"
fi
rm -f "$STATE/netbox.pid"

# redis
if pid=$(read_pid "$STATE/redis/redis.pid" redis-server); then
    log "stopping redis (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
else
    log "redis not running"
fi
rm -f "$STATE/redis/redis.pid"

# PostgreSQL
PG_DATA=$(readlink -f "$STATE/pg" 2>/dev/null || echo "$STATE/pg")/data   # STATE/pg may be a symlink
if read_pid "$PG_DATA/postmaster.pid" postgres >/dev/null; then
    # shellcheck disable=SC2012  # version-sorted glob of Debian's fixed layout
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_ctl" ] || PG_BIN=$(dirname "$(command -v pg_ctl)")
    owner=$(stat -c %U "$PG_DATA")
    log "stopping postgres ($PG_DATA)"
    if [ "$(id -u)" = 0 ] && [ "$owner" != root ]; then
        (cd / && runuser -u "$owner" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null) || true
    else
        "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null || true
    fi
    if pid=$(read_pid "$PG_DATA/postmaster.pid" postgres); then
        log "postgres (pid $pid) still running; sending SIGQUIT"
        kill -QUIT "$pid" 2>/dev/null || true
        wait_gone "$pid" 10 || true
    fi
else
    log "postgres not running"
fi
log "stopped"
