#!/usr/bin/env bash
# Validates an env file (default .env.prod) with `soulbot check-config`: every problem is listed
# at once, naming the variable, and no secret is ever printed. Exit 0 when valid.
# Uses a local soulbot binary, else Deno through npx, else the Docker image.
set -euo pipefail
cd "$(dirname "$0")"

file=${1:-.env.prod}
[ -f "$file" ] || {
  echo "❌ $file not found (create it with: make setup)" >&2
  exit 1
}

# check-config reads .env.<ENV> from its working directory: give it a copy of the file there.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$file" "$work/.env.prod"

if command -v soulbot >/dev/null 2>&1; then
  (cd "$work" && ENV=prod soulbot check-config)
elif command -v npx >/dev/null 2>&1; then
  (cd "$work" && ENV=prod npx -y deno@2.9.5 run -A --quiet "$OLDPWD/main.ts" check-config)
else
  docker run --rm --env-file "$file" -e ENV=prod soulnear:latest soulbot check-config
fi
