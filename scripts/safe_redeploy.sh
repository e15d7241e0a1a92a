#!/usr/bin/env bash
# Deploys the current code without losing data:
#   1. a verified backup (abort if it fails), 2. git pull, 3. rebuild, 4. restart,
#   5. wait until healthy, 6. soulbot smoke.
# --clean wipes the database (the postgres volume) — only after a verified backup and an
# explicit confirmation (type DELETE, or pass --yes-delete-data in automation).
# Options: --clean, --yes-delete-data, --no-pull. Environment: COMPOSE, API_PORT, TIMEOUT.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v docker-compose >/dev/null 2>&1; then
  COMPOSE_CMD=${COMPOSE:-docker-compose}
else
  COMPOSE_CMD=${COMPOSE:-docker compose}
fi
read -r -a COMPOSE <<<"$COMPOSE_CMD"
API_PORT=${API_PORT:-8080}
TIMEOUT=${TIMEOUT:-180}
CLEAN=0
CONFIRMED=0
PULL=1

for arg in "$@"; do
  case "$arg" in
    --clean) CLEAN=1 ;;
    --yes-delete-data) CONFIRMED=1 ;;
    --no-pull) PULL=0 ;;
    -h | --help)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "Unknown option: $arg (see --help)" >&2
      exit 2
      ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '❌ %s\n' "$*" >&2
  exit 1
}

[ -f .env.prod ] || fail ".env.prod is missing: run make setup and fill it in"
./validate-env.sh .env.prod || fail ".env.prod is not valid (see above)"

step "1/6 Backup"
# The containers run as an unprivileged user: the bind-mounted ./backups must be writable.
mkdir -p backups && chmod 0777 backups
"${COMPOSE[@]}" up -d postgres
for _ in $(seq 1 "$TIMEOUT"); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' soulnear_postgres 2>/dev/null)" = healthy ] && break
  sleep 1
done
set +e
out=$("${COMPOSE[@]}" run --rm --no-deps bot soulbot backup 2>&1)
status=$?
set -e
echo "$out"
if [ "$status" -ne 0 ]; then
  if grep -q "nothing to back up" <<<"$out"; then
    echo "The database is empty (first deploy): nothing to back up."
  else
    fail "the backup failed: nothing was changed. Fix it before deploying."
  fi
else
  file=$(sed -n 's/^✅ Backup saved: \([^ ]*\) .*/\1/p' <<<"$out" | sed 's#^/app/##')
  if [ -z "$file" ] || [ ! -s "$file" ]; then
    fail "the backup file is not on the host (./backups)"
  fi
  tail -n 1 "$file" | grep -qx -- "-- end of backup" || fail "the backup $file is incomplete"
  echo "✅ Backup verified: $file"
fi

if [ "$PULL" -eq 1 ]; then
  step "2/6 git pull"
  git pull --ff-only
else
  step "2/6 git pull skipped (--no-pull)"
fi

step "3/6 Build"
"${COMPOSE[@]}" build

step "4/6 Restart"
if [ "$CLEAN" -eq 1 ]; then
  echo "⚠️  --clean deletes every user's data in the database (a backup was made above)."
  if [ "$CONFIRMED" -ne 1 ]; then
    read -r -p "Type DELETE to wipe the database: " answer
    [ "$answer" = DELETE ] || fail "not confirmed: nothing was deleted"
  fi
  "${COMPOSE[@]}" down -v
else
  "${COMPOSE[@]}" down
fi
# Stale containers from an older compose (the KeyError: 'ContainerConfig' problem).
docker rm -f soulnear_postgres soulnear_bot soulnear_api >/dev/null 2>&1 || true
"${COMPOSE[@]}" up -d

step "5/6 Waiting for healthy services (up to ${TIMEOUT}s)"
healthy=0
for _ in $(seq 1 "$TIMEOUT"); do
  if [ "$(docker inspect -f '{{.State.Health.Status}}' soulnear_postgres 2>/dev/null)" = healthy ] &&
    [ "$(docker inspect -f '{{.State.Status}}' soulnear_bot 2>/dev/null)" = running ] &&
    curl -fsS "http://localhost:${API_PORT}/health" >/dev/null 2>&1; then
    healthy=1
    break
  fi
  sleep 1
done
[ "$healthy" -eq 1 ] || fail "services are not healthy: see make ps and make logs"

step "6/6 Smoke checks"
"${COMPOSE[@]}" exec -T bot soulbot smoke || fail "smoke checks failed: see above; roll back with
  git checkout <previous commit> && make rebuild && make restore FORCE=1"

printf '\n✅ Deployed. Watch the logs for 5 minutes: make logs-bot\n'
