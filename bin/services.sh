# Sourced by bin/start and .ci/run: makes sure the local PostgreSQL and Redis answer, starting them when they are
# installed but stopped. Returns non-zero with an exact instruction when one is missing.

pg_answers() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_postgres() {
  pg_answers && return 0
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "==> starting the local PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 30); do pg_answers && return 0; sleep 1; done
  fi
  echo "PostgreSQL does not answer on 127.0.0.1:5432. Install and start it (Debian: apt-get install -y postgresql)," >&2
  echo "or set DATABASE_URL to a server you have (user with CREATEDB rights)." >&2
  return 1
}

ensure_redis() {
  redis_answers && return 0
  if command -v redis-server >/dev/null; then
    echo "==> starting the local Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 30); do redis_answers && return 0; sleep 1; done
  fi
  echo "Redis does not answer on 127.0.0.1:6379. Install it (Debian: apt-get install -y redis-server) or set REDIS_URL." >&2
  return 1
}
