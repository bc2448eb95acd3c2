#!/usr/bin/env bash
# Installs (if needed), configures and starts a local PostgreSQL server for the test suite,
# then creates a test role and database. Idempotent; needs root; non-interactive.
# The server listens on 127.0.0.1 only. Everything is logged to stderr; the last (and only)
# stdout line is the test database's URL, so CI can do (a plain assignment keeps the exit code):
#   TEST_POSTGRES_URL=$(bash .ci/postgres.sh); export TEST_POSTGRES_URL
# Overridable: PG_TEST_USER, PG_TEST_PASSWORD, PG_TEST_DB, PG_TEST_PORT.
set -euo pipefail

PG_USER=${PG_TEST_USER:-bot}
PG_PASSWORD=${PG_TEST_PASSWORD:-bot}
PG_DB=${PG_TEST_DB:-bot_test}
PG_PORT=${PG_TEST_PORT:-5432}
CLUSTER=main

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
case "$PG_USER$PG_DB" in *[!a-z0-9_]*) die "PG_TEST_USER/PG_TEST_DB must be [a-z0-9_]";; esac
case "$PG_PASSWORD" in *[!A-Za-z0-9_]*) die "PG_TEST_PASSWORD must be [A-Za-z0-9_]";; esac

# 1. Install the server when it is not there (Debian's supported major version).
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi

# The newest installed major version.
PG_VERSION=$(ls -1 /usr/lib/postgresql | grep -E '^[0-9]+$' | sort -n | tail -1)
[ -n "$PG_VERSION" ] || die "no PostgreSQL server under /usr/lib/postgresql"
log "PostgreSQL $PG_VERSION, cluster $CLUSTER, port $PG_PORT"

# 2. A cluster (the package normally creates 'main'; some images are built without it).
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {found=1} END {exit !found}'; then
  log "creating cluster $PG_VERSION/$CLUSTER"
  pg_createcluster --port "$PG_PORT" "$PG_VERSION" "$CLUSTER" >&2
fi

# 3. Configuration: loopback only, on our port, tuned for throwaway test data.
CONF_DIR=/etc/postgresql/$PG_VERSION/$CLUSTER
mkdir -p "$CONF_DIR/conf.d"
grep -Eq "^\s*include_dir\s*=\s*'conf.d'" "$CONF_DIR/postgresql.conf" \
  || echo "include_dir = 'conf.d'" >>"$CONF_DIR/postgresql.conf"
WANT_CONF="# Written by .ci/postgres.sh: a test server. Data durability is not wanted here.
listen_addresses = '127.0.0.1'
port = $PG_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
"
CONF_FILE=$CONF_DIR/conf.d/zz-ci-tests.conf
CONF_CHANGED=0
if [ "$(cat "$CONF_FILE" 2>/dev/null)" != "$(printf '%s' "$WANT_CONF")" ]; then
  printf '%s' "$WANT_CONF" >"$CONF_FILE"
  CONF_CHANGED=1
fi
# Password logins over TCP from loopback (Debian's default pg_hba.conf already has this line).
HBA=$CONF_DIR/pg_hba.conf
grep -Eq '^host\s+all\s+all\s+127\.0\.0\.1/32\s+(scram-sha-256|md5)' "$HBA" || {
  echo "host    all             all             127.0.0.1/32            scram-sha-256" >>"$HBA"
  CONF_CHANGED=1
}

# 4. Start it, or restart it if the configuration above changed.
cluster_status() { pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}'; }
if [ "$(cluster_status)" = online ]; then
  if [ "$CONF_CHANGED" = 1 ]; then
    log "restarting cluster for new configuration"
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" restart >&2
  fi
else
  log "starting cluster"
  pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2 || {
    tail -n 30 "/var/log/postgresql/postgresql-$PG_VERSION-$CLUSTER.log" >&2 || true
    die "could not start the cluster"
  }
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "server not accepting connections on 127.0.0.1:$PG_PORT"

# 5. The test role and database.
psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }
psql_admin >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN;
  END IF;
END \$\$;
ALTER ROLE $PG_USER WITH LOGIN PASSWORD '$PG_PASSWORD';
SQL
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
  log "creating database $PG_DB"
  psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >&2
fi
psql_admin -c "ALTER DATABASE $PG_DB OWNER TO $PG_USER" >&2

URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
# Prove the URL works the way the tests will use it (TCP, password).
PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'SELECT 1' >/dev/null \
  || die "cannot log in as $PG_USER to $PG_DB over 127.0.0.1"
log "ready"
echo "$URL"
