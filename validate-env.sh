#!/usr/bin/env bash
# Validates an env file (default .env.prod) as compose will run it: `soulbot check-config` once
# for each service of compose.yaml that has an `environment:`, with those values on top of the
# file (compose's own win in the container: POSTGRES_HOST=postgres, LOG_FORMAT=json, …) and
# nothing from this shell, plus what the postgres service needs (a password to initialise its
# volume with). Every problem is listed at once, naming the variable; no secret is printed.
# Exit 0 when valid.
#   ./validate-env.sh [ENV_FILE]
# COMPOSE_FILE: other compose files, colon-separated as compose reads it (default compose.yaml).
# Runs a local soulbot binary, else main.ts with deno (or Deno through npx), else the image;
# SOULBOT names another command.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD

file=${1:-.env.prod}
[ -f "$file" ] || {
  echo "❌ $file not found (create it with: make setup)" >&2
  exit 1
}
IFS=: read -r -a compose_files <<<"${COMPOSE_FILE:-compose.yaml}"

# Each service's `environment:` as "service<TAB>KEY=VALUE" lines, file by file (mapping or list
# form, quotes removed); a later file's value wins, as in compose.
compose_environment() {
  awk '
    /^services:/ { in_services = 1; next }
    /^[^ #]/ { in_services = 0 }
    !in_services { next }
    /^  [A-Za-z0-9_.-]+:[ \t]*$/ { service = $1; sub(/:$/, "", service); in_env = 0; next }
    /^    [A-Za-z_]+:/ { in_env = ($1 == "environment:"); next }
    in_env && /^      -[ \t]*[A-Za-z_][A-Za-z0-9_]*=/ {
      line = $0; sub(/^ *-[ \t]*/, "", line); key = line; sub(/=.*/, "", key)
      value = substr(line, length(key) + 2)
      gsub(/^["\047]|["\047][ \t]*$/, "", value); print service "\t" key "=" value; next
    }
    in_env && /^      [A-Za-z_][A-Za-z0-9_]*:/ {
      line = $0; sub(/^ */, "", line); key = line; sub(/:.*/, "", key)
      value = substr(line, length(key) + 2); sub(/^[ \t]*/, "", value)
      gsub(/^["\047]|["\047][ \t]*$/, "", value); print service "\t" key "=" value
    }
  ' "$@"
}

# The value of a variable in the env file (the last assignment), without quotes.
file_value() {
  sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$1=//p" "$file" | tail -n 1 |
    sed -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/"
}

declare -A overlay=()
services=()
while IFS=$'\t' read -r service assignment; do
  [[ " ${services[*]} " == *" $service "* ]] || services+=("$service")
  key=${assignment%%=*}
  # A later entry for the same key replaces the earlier one.
  kept=$(grep -v "^$key=" <<<"${overlay[$service]:-}" || true)
  overlay[$service]=${kept:+$kept$'\n'}$assignment
done < <(compose_environment "${compose_files[@]}")

# check-config reads .env.<ENV> from its working directory: give it a copy of the file there.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$file" "$work/.env.prod"

soulbot_cmd() {
  if [ -n "${SOULBOT:-}" ]; then
    read -r -a cmd <<<"$SOULBOT"
  elif command -v soulbot >/dev/null 2>&1; then
    cmd=(soulbot)
  elif command -v deno >/dev/null 2>&1; then
    cmd=(deno run -A --quiet "$here/main.ts")
  elif command -v npx >/dev/null 2>&1; then
    cmd=(npx -y deno@2.9.5 run -A --quiet "$here/main.ts")
  else
    cmd=()
  fi
}
soulbot_cmd

# check_service NAME: check-config with the file, the service's environment on top, nothing else.
check_service() {
  local service=$1 vars=() line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    vars+=("$line")
  done <<<"${overlay[$service]:-}"
  if [ ${#cmd[@]} -gt 0 ]; then
    (cd "$work" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" ${DENO_DIR:+DENO_DIR="$DENO_DIR"} \
      ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"} \
      ENV=prod "${vars[@]}" "${cmd[@]}" check-config)
  else
    local args=()
    for v in ENV=prod "${vars[@]}"; do args+=(-e "$v"); done
    docker run --rm --env-file "$file" "${args[@]}" soulnear:latest soulbot check-config
  fi
}

status=0
if grep -Eq '^  postgres:[[:space:]]*$' "${compose_files[@]}"; then
  password=$(file_value POSTGRES_PASSWORD)
  if [ -z "$password" ]; then
    echo "❌ postgres: POSTGRES_PASSWORD is empty in $file: the postgres service cannot initialise" \
      "its database without it (its container stops at once), and the bot and api log in with it." \
      "Set it, e.g. to the output of: openssl rand -hex 24" >&2
    status=1
  fi
fi

[ ${#services[@]} -gt 0 ] || services=(bot)
summary=0
for service in "${services[@]}"; do
  echo "── $service, as compose runs it (with $(tr '\n' ' ' <<<"${overlay[$service]:-}" | sed 's/ $//'))"
  if check_service "$service" >"$work/out" 2>&1; then
    # The summary once: the services differ only in what compose sets, shown above.
    if [ "$summary" -eq 0 ]; then cat "$work/out"; else head -n 1 "$work/out"; fi
    summary=1
  else
    cat "$work/out"
    status=1
  fi
done
[ "$status" -eq 0 ] || echo "❌ $file is not valid for compose: fix the problems above" >&2
exit "$status"
