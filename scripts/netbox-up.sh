#!/usr/bin/env bash
# Install and start a real NetBox on loopback, for integration tests.
#
#   scripts/netbox-up.sh [STATE_DIR] [PORT]
#
# STATE_DIR  (or $NETBOX_STATE_DIR) default: target/netbox under the repository root
# PORT       (or $NETBOX_PORT)      default: 18080
#
# Other environment knobs (all optional):
#   NETBOX_PG_PORT        private PostgreSQL port      (default PORT+1)
#   NETBOX_REDIS_PORT     private redis-server port    (default PORT+2)
#   NETBOX_SERVER         gunicorn (default) or runserver (also serves the UI's static files)
#   NETBOX_START_TIMEOUT  seconds to wait for /api/status/ (default 180)
#   NETBOX_PYTHON         a Python >= 3.12 to use instead of searching for one
#   PIP_CACHE_DIR         honoured by pip as usual; the default pip cache is used otherwise
#
# It is idempotent: every step is skipped when already done (venv with netbox installed,
# cluster initialised, database migrated, services running, tokens still valid), so a
# second run against a running instance returns within seconds.
#
# On success stdout carries only KEY=VALUE lines (progress goes to stderr), so callers may
#   eval "$(scripts/netbox-up.sh)"
# The last line is NETBOX_URL=http://127.0.0.1:PORT. The tokens are in STATE_DIR/token-v1
# (use as "Authorization: Token <value>") and STATE_DIR/token-v2 (use as
# "Authorization: Bearer <value>", the value being nbt_<key>.<token>).
#
# Exit codes: 0 ready; 3 cannot run on this machine (no Python >= 3.12, or missing system
# packages that cannot be installed); anything else is a failure (see the logs in STATE_DIR).
#
# Stop everything with scripts/netbox-down.sh [STATE_DIR].
set -euo pipefail

NETBOX_VERSION=4.7.3
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf 'netbox-up: %s\n' "$*" >&2; }
die() { printf 'netbox-up: ERROR: %s\n' "$*" >&2; exit 1; }
cannot_run() { printf 'netbox-up: CANNOT RUN HERE: %s\n' "$*" >&2; exit 3; }

case "${1:-}" in
    -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

STATE=${1:-${NETBOX_STATE_DIR:-$REPO_ROOT/target/netbox}}
PORT=${2:-${NETBOX_PORT:-18080}}
case "$PORT" in ''|*[!0-9]*) die "port must be a number, got '$PORT'" ;; esac
PG_PORT=${NETBOX_PG_PORT:-$((PORT + 1))}
REDIS_PORT=${NETBOX_REDIS_PORT:-$((PORT + 2))}
SERVER=${NETBOX_SERVER:-gunicorn}
START_TIMEOUT=${NETBOX_START_TIMEOUT:-180}
case "$SERVER" in gunicorn|runserver) ;; *) die "NETBOX_SERVER must be gunicorn or runserver" ;; esac

mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
VENV=$STATE/venv
NB_ROOT=$STATE/root          # NETBOX_ROOT: conf/configuration.py, media/, scripts/, ...
REDIS_DIR=$STATE/redis
URL=http://127.0.0.1:$PORT

# One run at a time per state dir.
exec 9>"$STATE/.lock"
if ! flock -w 1800 9; then die "another netbox-up.sh holds $STATE/.lock"; fi

now() { date +%s; }
T_START=$(now)

pid_alive() {  # pid_alive FILE PATTERN: the pid in FILE is live and its command line has PATTERN
    local pid          # (guards against a stale pidfile whose pid was reused by another process)
    [ -s "$1" ] || return 1
    pid=$(head -n1 "$1")
    case "$pid" in ''|*[!0-9]*) return 1 ;; esac
    kill -0 "$pid" 2>/dev/null || return 1
    [ -r "/proc/$pid/cmdline" ] || return 0
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    case "$cmd" in *"$2"*) return 0 ;; *) return 1 ;; esac
}

# ---------------------------------------------------------------- python >= 3.12
python_ok() {  # python_ok EXE: EXE runs, is >= 3.12 and has venv
    "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' \
        >/dev/null 2>&1
}

find_python() {
    local cand v
    if [ -n "${NETBOX_PYTHON:-}" ]; then
        python_ok "$NETBOX_PYTHON" && { echo "$NETBOX_PYTHON"; return 0; }
        log "NETBOX_PYTHON=$NETBOX_PYTHON is not a usable Python >= 3.12; searching"
    fi
    # pyenv shims are on PATH as python3.1x but fail unless that version is selected,
    # hence every candidate is actually run.
    for cand in python3.13 python3.12 python3.14; do
        if command -v "$cand" >/dev/null 2>&1 && python_ok "$cand"; then
            command -v "$cand"; return 0
        fi
    done
    for cand in /root/.pyenv/versions/3.1[2-9]*/bin/python "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python; do
        if [ -x "$cand" ] && python_ok "$cand"; then echo "$cand"; return 0; fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.|$)' || true); do
            cand="$(pyenv root)/versions/$v/bin/python"
            if [ -x "$cand" ] && python_ok "$cand"; then echo "$cand"; return 0; fi
        done
    fi
    return 1
}

# ---------------------------------------------------------------- system packages
pg_bindir() {
    local d
    # shellcheck disable=SC2012  # version-sorted glob of Debian's fixed layout
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

ensure_system_packages() {
    local missing=()
    pg_bindir >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    # netbox pins psycopg[c], which is compiled against libpq at install time.
    command -v pg_config >/dev/null 2>&1 || missing+=(libpq-dev)
    command -v gcc >/dev/null 2>&1 || missing+=(gcc)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        cannot_run "missing system packages (${missing[*]}) and not root to apt-get install them"
    fi
    command -v apt-get >/dev/null 2>&1 || cannot_run "missing ${missing[*]} and no apt-get"
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || cannot_run "apt-get update failed"
    apt-get install -y -qq "${missing[@]}" >&2 || cannot_run "apt-get install ${missing[*]} failed"
}

# ---------------------------------------------------------------- venv + netbox
netbox_installed() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/netbox" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('netbox') != '$NETBOX_VERSION')" \
            >/dev/null 2>&1
}

ensure_venv() {
    if netbox_installed; then
        log "netbox $NETBOX_VERSION already installed in $VENV"
        return 0
    fi
    local py t0
    py=$(find_python) || cannot_run "no Python >= 3.12 found (tried NETBOX_PYTHON, python3.13, python3.12, python3.14, ~/.pyenv/versions/3.1[2-9]*, pyenv versions); NetBox $NETBOX_VERSION requires Python >= 3.12"
    log "using $py ($("$py" -c 'import platform; print(platform.python_version())'))"
    if [ -e "$VENV" ] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        log "removing unusable venv $VENV"
        rm -rf "$VENV"
    fi
    [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
    log "pip install netbox==$NETBOX_VERSION into $VENV (first time: a few minutes; psycopg-c is compiled)"
    t0=$(now)
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
        "netbox==$NETBOX_VERSION" >"$STATE/pip.log" 2>&1 ||
        { tail -n 30 "$STATE/pip.log" >&2; die "pip install failed, see $STATE/pip.log"; }
    netbox_installed || die "netbox $NETBOX_VERSION not importable after pip install"
    log "pip install took $(($(now) - t0))s"
}

# ---------------------------------------------------------------- postgresql
PG_BIN=
PG_OS_USER=
PG_DIR=

as_pg() {  # run a command as the owner of the cluster
    if [ -n "$PG_OS_USER" ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

setup_pg_dir() {
    # PG_DIR is the real directory (never the STATE/pg symlink), because the postgres user
    # may be unable to traverse STATE's parents.
    if [ -L "$STATE/pg" ]; then
        PG_DIR=$(readlink -f "$STATE/pg")
    else
        PG_DIR=$STATE/pg
    fi
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" != 0 ]; then
        PG_OS_USER=
        return 0
    fi
    # PostgreSQL refuses to run as root: run it as the 'postgres' user.
    PG_OS_USER=postgres
    if ! id "$PG_OS_USER" >/dev/null 2>&1; then
        log "creating system user $PG_OS_USER"
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_OS_USER"
    fi
    chown "$PG_OS_USER" "$PG_DIR/" 2>/dev/null || true
    if ! runuser -u "$PG_OS_USER" -- test -w "$PG_DIR/" 2>/dev/null; then
        # Some parent of STATE is not traversable by the postgres user; keep the cluster in
        # a private directory under /tmp instead, linked from STATE/pg.
        local alt
        alt=${TMPDIR:-/tmp}/netbox-pg-$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)
        log "user $PG_OS_USER cannot reach $PG_DIR; keeping the cluster in $alt (linked from $STATE/pg)"
        [ "$PG_DIR" = "$STATE/pg" ] || die "user $PG_OS_USER cannot write $PG_DIR"
        rmdir "$PG_DIR" 2>/dev/null || die "$PG_DIR is not empty and not reachable by $PG_OS_USER"
        mkdir -p "$alt"
        chown "$PG_OS_USER" "$alt"
        chmod 700 "$alt"
        ln -sfn "$alt" "$STATE/pg"
        PG_DIR=$alt
        runuser -u "$PG_OS_USER" -- test -w "$PG_DIR/" || die "user $PG_OS_USER cannot write $alt"
    fi
}

pg_running() {
    pid_alive "$PG_DIR/data/postmaster.pid" postgres &&
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

psql_q() {
    "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U netbox -d postgres -v ON_ERROR_STOP=1 -tA "$@"
}

ensure_postgres() {
    PG_BIN=$(pg_bindir) || die "PostgreSQL server binaries not found"
    setup_pg_dir
    if [ ! -s "$PG_DIR/data/PG_VERSION" ]; then
        log "initdb $PG_DIR/data"
        rm -rf "$PG_DIR/data"
        as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U netbox --auth=trust -E UTF8 --no-locale \
            >"$PG_DIR/initdb.log" 2>&1 ||
            { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
        # A throwaway test database: trade durability for speed (migrations are ~3x faster).
        cat >>"$PG_DIR/data/postgresql.conf" <<'EOF'

# --- netbox-up.sh (test instance; durability deliberately off)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
    fi
    if pg_running; then
        log "postgres already running ($PG_DIR/data)"
    else
        if [ -n "$PG_OS_USER" ]; then chown -R "$PG_OS_USER" "$PG_DIR/"; fi
        # Left behind by an unclean stop (e.g. the machine or session was killed).
        rm -f "$PG_DIR/data/postmaster.pid"
        log "starting postgres on 127.0.0.1:$PG_PORT"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
            -o "-p $PG_PORT -c listen_addresses=127.0.0.1" start >/dev/null 9>&- ||
            { tail -n 20 "$PG_DIR/postgres.log" >&2; die "postgres failed to start (port $PG_PORT in use?)"; }
    fi
    # The running cluster may have been started with another port by an earlier run.
    local running_port
    running_port=$(sed -n '4p' "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$running_port" ] && [ "$running_port" != "$PG_PORT" ]; then
        die "postgres in $PG_DIR already runs on port $running_port, not $PG_PORT; run scripts/netbox-down.sh first"
    fi
    if [ "$(psql_q -c "SELECT 1 FROM pg_database WHERE datname = 'netbox'")" != 1 ]; then
        log "creating database netbox"
        psql_q -c "CREATE DATABASE netbox OWNER netbox" >/dev/null
    fi
}

# ---------------------------------------------------------------- redis
ensure_redis() {
    mkdir -p "$REDIS_DIR"
    if pid_alive "$REDIS_DIR/redis.pid" redis-server; then
        log "redis already running (pid $(cat "$REDIS_DIR/redis.pid"))"
    else
        log "starting redis-server on 127.0.0.1:$REDIS_PORT"
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
            --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
            --dir "$REDIS_DIR" --save '' --appendonly no >/dev/null 9>&- ||
            die "redis-server failed to start, see $REDIS_DIR/redis.log"
    fi
    local _
    for _ in $(seq 1 50); do
        if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then return 0; fi
        sleep 0.2
    done
    tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
    die "redis did not answer PING on 127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------- configuration
ensure_config() {
    mkdir -p "$NB_ROOT/conf" "$NB_ROOT/media" "$NB_ROOT/scripts" "$NB_ROOT/reports"
    # Secrets are generated once and kept, so tokens stay valid across runs.
    if [ ! -s "$STATE/secrets.env" ]; then
        log "generating SECRET_KEY and API token pepper"
        (umask 077 && "$VENV/bin/python" - >"$STATE/secrets.env" <<'EOF'
import secrets, string
chars = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
print("NB_SECRET_KEY=" + "".join(secrets.choice(chars) for _ in range(60)))
print("NB_PEPPER=" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64)))
print("NB_ADMIN_PASSWORD=" + secrets.token_urlsafe(18) + "Aa1")
EOF
        )
    fi
    local NB_SECRET_KEY NB_PEPPER NB_ADMIN_PASSWORD
    NB_SECRET_KEY=$(sed -n 's/^NB_SECRET_KEY=//p' "$STATE/secrets.env")
    NB_PEPPER=$(sed -n 's/^NB_PEPPER=//p' "$STATE/secrets.env")
    NB_ADMIN_PASSWORD=$(sed -n 's/^NB_ADMIN_PASSWORD=//p' "$STATE/secrets.env")
    if [ ${#NB_SECRET_KEY} -lt 50 ] || [ ${#NB_PEPPER} -lt 50 ]; then
        die "$STATE/secrets.env is malformed; delete it"
    fi
    (umask 077 && printf '%s\n' "$NB_ADMIN_PASSWORD" >"$STATE/admin-password")
    # Rewritten on every run (ports may change); python reprs keep the secrets quoted safely.
    (umask 077 && NB_SECRET_KEY=$NB_SECRET_KEY NB_PEPPER=$NB_PEPPER \
        "$VENV/bin/python" - "$PG_PORT" "$REDIS_PORT" "$NB_ROOT" >"$NB_ROOT/conf/configuration.py.new" <<'EOF'
import os, sys
pg_port, redis_port, root = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print(f'''# Written by scripts/netbox-up.sh; regenerated on every run. Test instance only.
ALLOWED_HOSTS = ['*']
DATABASES = {{
    'default': {{
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'netbox',
        'USER': 'netbox',
        'PASSWORD': '',
        'HOST': '127.0.0.1',
        'PORT': {pg_port},
        'CONN_MAX_AGE': 300,
    }}
}}
REDIS = {{
    'tasks': {{'HOST': '127.0.0.1', 'PORT': {redis_port}, 'USERNAME': '', 'PASSWORD': '', 'DATABASE': 0, 'SSL': False}},
    'caching': {{'HOST': '127.0.0.1', 'PORT': {redis_port}, 'USERNAME': '', 'PASSWORD': '', 'DATABASE': 1, 'SSL': False}},
}}
SECRET_KEY = {os.environ["NB_SECRET_KEY"]!r}
# v2 API tokens ("Bearer nbt_<key>.<token>") need at least one pepper (>= 50 chars).
API_TOKEN_PEPPERS = {{1: {os.environ["NB_PEPPER"]!r}}}
DEBUG = False
TIME_ZONE = 'UTC'
# No outbound network from a test instance.
ISOLATED_DEPLOYMENT = True
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
MEDIA_ROOT = {root + "/media"!r}
SCRIPTS_ROOT = {root + "/scripts"!r}
REPORTS_ROOT = {root + "/reports"!r}
''')
EOF
    )
    mv -f "$NB_ROOT/conf/configuration.py.new" "$NB_ROOT/conf/configuration.py"
    : >"$NB_ROOT/conf/__init__.py"
}

nb() {  # run a netbox management command
    NETBOX_ROOT=$NB_ROOT "$VENV/bin/netbox" "$@"
}

ensure_migrated() {
    if nb migrate --check >/dev/null 2>&1; then
        log "database already migrated"
        return 0
    fi
    local t0
    t0=$(now)
    log "applying migrations (first time: several minutes; log $STATE/migrate.log)"
    nb upgrade --no-input --skip-static >"$STATE/migrate.log" 2>&1 ||
        { tail -n 30 "$STATE/migrate.log" >&2; die "netbox upgrade (migrate) failed"; }
    log "migrations took $(($(now) - t0))s"
}

ensure_admin_and_tokens() {
    log "ensuring superuser 'admin' and API tokens"
    NETBOX_ROOT=$NB_ROOT DJANGO_SETTINGS_MODULE=netbox.settings "$VENV/bin/python" - "$STATE" \
        >"$STATE/tokens.log" 2>&1 <<'EOF' || { cat "$STATE/tokens.log" >&2; die "creating admin/tokens failed"; }
import os, secrets, sys
import django
django.setup()
from users.models import Token, User
from users.constants import TOKEN_PREFIX

state = sys.argv[1]
password = open(os.path.join(state, "admin-password")).read().strip()
user, created = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.invalid"})
user.is_superuser = True
user.is_staff = True
user.is_active = True
if created or not user.check_password(password):
    user.set_password(password)
user.save()
print("admin user", "created" if created else "exists")

def read(name):
    try:
        return open(os.path.join(state, name)).read().strip()
    except FileNotFoundError:
        return ""

def write(name, value):
    path = os.path.join(state, name)
    fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    os.replace(path + ".new", path)

def usable(t):
    return t.user_id == user.pk and t.enabled and t.write_enabled and not t.is_expired

# v1: "Authorization: Token <40 hex>"
v1 = read("token-v1")
t = Token.objects.filter(version=1, plaintext=v1).first() if v1 else None
if t is None or not usable(t):
    v1 = secrets.token_hex(20)
    Token(version=1, user=user, write_enabled=True, description="sot integration tests (v1)", token=v1).save()
    write("token-v1", v1)
    print("v1 token created")
else:
    print("v1 token kept")

# v2: "Authorization: Bearer nbt_<key>.<token>"
v2 = read("token-v2")
ok = False
if v2.startswith(TOKEN_PREFIX) and "." in v2:
    key, plain = v2[len(TOKEN_PREFIX):].split(".", 1)
    t = Token.objects.filter(version=2, key=key).first()
    ok = t is not None and usable(t) and t.validate(plain)
if not ok:
    t = Token(version=2, user=user, write_enabled=True, description="sot integration tests (v2)")
    t.full_clean()
    t.save()
    v2 = f"{TOKEN_PREFIX}{t.key}.{t.token}"
    write("token-v2", v2)
    print("v2 token created")
else:
    print("v2 token kept")
EOF
    sed 's/^/netbox-up:   /' "$STATE/tokens.log" >&2
}

# ---------------------------------------------------------------- server
http_code() {  # http_code URL [curl args...]
    local url=$1; shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" 2>/dev/null || true
}

status_ok() {  # status_ok [v1|v2]: GET /api/status/ answers 200 with that token
    local auth
    case "${1:-v1}" in
        v1) auth="Token $(cat "$STATE/token-v1" 2>/dev/null)" ;;
        v2) auth="Bearer $(cat "$STATE/token-v2" 2>/dev/null)" ;;
    esac
    [ "$(http_code "$URL/api/status/" -H "Authorization: $auth" -H 'Accept: application/json')" = 200 ]
}

print_result() {
    log "ready in $(($(now) - T_START))s; admin password in $STATE/admin-password"
    echo "NETBOX_STATE_DIR=$STATE"
    echo "NETBOX_TOKEN_V1_FILE=$STATE/token-v1"
    echo "NETBOX_TOKEN_V2_FILE=$STATE/token-v2"
    echo "NETBOX_URL=$URL"
}

ensure_server() {
    local pidfile=$STATE/netbox.pid logfile=$STATE/netbox.log
    if pid_alive "$pidfile" "$VENV/bin/"; then
        if status_ok; then
            log "netbox already running (pid $(cat "$pidfile")) at $URL"
            return 0
        fi
        log "netbox pid $(cat "$pidfile") alive but $URL/api/status/ not OK yet; waiting"
    else
        local code
        code=$(http_code "$URL/")
        if [ -n "$code" ] && [ "$code" != 000 ]; then
            die "port $PORT already answers HTTP ($code) but not from this state dir; pick another port"
        fi
        log "starting netbox ($SERVER) on $URL (log $logfile)"
        : >"$logfile"
        # A plain background command (no subshell, no &&): $! is then the server itself, and
        # setsid makes it a process-group leader so netbox-down.sh can stop it with its workers.
        # 9>&- keeps the lock fd from leaking into the long-lived server.
        cd "$NB_ROOT"
        if [ "$SERVER" = gunicorn ]; then
            NETBOX_ROOT=$NB_ROOT DJANGO_SETTINGS_MODULE=netbox.settings \
                setsid "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
                --timeout 120 --graceful-timeout 5 --access-logfile - --error-logfile - \
                netbox.wsgi </dev/null >>"$logfile" 2>&1 9>&- &
        else
            NETBOX_ROOT=$NB_ROOT \
                setsid "$VENV/bin/netbox" runserver "127.0.0.1:$PORT" --noreload --insecure \
                </dev/null >>"$logfile" 2>&1 9>&- &
        fi
        echo $! >"$pidfile"
        cd - >/dev/null
    fi
    local deadline=$(($(now) + START_TIMEOUT))
    while [ "$(now)" -lt "$deadline" ]; do
        if status_ok v1 && status_ok v2; then
            log "netbox is up (pid $(cat "$pidfile"))"
            return 0
        fi
        pid_alive "$pidfile" "$VENV/bin/" || { tail -n 40 "$logfile" >&2; die "netbox server exited during startup"; }
        sleep 1
    done
    tail -n 40 "$logfile" >&2
    die "netbox did not answer 200 on $URL/api/status/ within ${START_TIMEOUT}s"
}

# ---------------------------------------------------------------- main
log "state dir $STATE; ports: http $PORT, postgres $PG_PORT, redis $REDIS_PORT"
# Fast path: everything already up and both tokens accepted -> nothing to do.
if netbox_installed && pid_alive "$STATE/netbox.pid" "$VENV/bin/" && pid_alive "$REDIS_DIR/redis.pid" redis-server &&
    pid_alive "$STATE/pg/data/postmaster.pid" postgres && status_ok v1 && status_ok v2; then
    log "already running (netbox pid $(cat "$STATE/netbox.pid")); both tokens accepted"
    print_result
    exit 0
fi
ensure_system_packages
ensure_venv
ensure_postgres
ensure_redis
ensure_config
ensure_migrated
ensure_admin_and_tokens
ensure_server
print_result
