#!/usr/bin/env bash
# Deploys the current code without losing data:
#   1. a verified backup (abort if it fails), 2. git pull, 3. rebuild, 4. restart,
#   5. wait until healthy, 6. soulbot smoke.
# --clean wipes the database (the postgres volume) — only after an explicit confirmation, asked
# first (type DELETE at the prompt or pipe it in, or pass --yes-delete-data in automation), and a
# verified backup.
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
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
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

# Asked before anything runs, and read from this script's own input — the terminal, or what is
# piped in (echo DELETE | make redeploy). No command below reads it: each gets </dev/null.
if [ "$CLEAN" -eq 1 ] && [ "$CONFIRMED" -ne 1 ]; then
  echo "⚠️  --clean deletes every user's data in the database (a verified backup is taken first)."
  answer=
  printf 'Type DELETE to wipe the database: ' >&2
  read -r answer ||
    [ -n "$answer" ] || fail "no answer (input closed): nothing was deleted. In automation pass --yes-delete-data"
  [ "$answer" = DELETE ] || fail "not confirmed: nothing was deleted"
fi

[ -f .env.prod ] || fail ".env.prod is missing: run make setup and fill it in"
./validate-env.sh .env.prod </dev/null || fail ".env.prod is not valid (see above)"

step "1/6 Backup"
# The containers run as an unprivileged user: the bind-mounted ./backups must be writable.
mkdir -p backups && chmod 0777 backups
"${COMPOSE[@]}" up -d postgres </dev/null
for _ in $(seq 1 "$TIMEOUT"); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' soulnear_postgres 2>/dev/null)" = healthy ] && break
  sleep 1
done
set +e
out=$("${COMPOSE[@]}" run --rm -T --no-deps bot soulbot backup 2>&1 </dev/null)
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
  git pull --ff-only </dev/null
else
  step "2/6 git pull skipped (--no-pull)"
fi

step "3/6 Build"
"${COMPOSE[@]}" build </dev/null

step "4/6 Restart"
if [ "$CLEAN" -eq 1 ]; then
  echo "Wiping the database (confirmed; the backup above is verified)"
  "${COMPOSE[@]}" down -v </dev/null
else
  "${COMPOSE[@]}" down </dev/null
fi
# Stale containers from an older compose (the KeyError: 'ContainerConfig' problem).
docker rm -f soulnear_postgres soulnear_bot soulnear_api >/dev/null 2>&1 </dev/null || true
"${COMPOSE[@]}" up -d </dev/null

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
"${COMPOSE[@]}" exec -T bot soulbot smoke </dev/null || fail "smoke checks failed: see above; roll back with
  git checkout <previous commit> && make rebuild && make restore FORCE=1"

printf '\n✅ Deployed. Watch the logs for 5 minutes: make follow-bot\n'
