# SoulNear: one image, one binary (`soulbot`) for every service (bot, api, migrate, smoke, backup).
#
# The build stage runs `deno compile`, which downloads Deno's runtime for the target platform:
# building needs network access (the npm registry and dl.deno.land).

ARG DENO_VERSION=2.9.5

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /src
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY main.ts ./
COPY src ./src
COPY migrations ./migrations
COPY quizzes ./quizzes
COPY safety ./safety
# Memory: a bounded young generation and old space keep the process near 180 MB (README).
RUN deno compile -A --frozen --v8-flags=--max-old-space-size=256,--max-semi-space-size=4 --include migrations --include quizzes --include safety \
    --include src/db/pglite_template.tar.br \
    --output /out/soulbot main.ts \
 && /out/soulbot --help >/dev/null

FROM debian:bookworm-slim
# A non-root user; /app holds backups (a volume in compose) and, without PostgreSQL, the data dir.
RUN groupadd --system --gid 10001 soulbot \
 && useradd --system --uid 10001 --gid soulbot --home-dir /app --shell /usr/sbin/nologin soulbot \
 && mkdir -p /app/backups /app/data \
 && chown -R soulbot:soulbot /app
COPY --from=build /out/soulbot /usr/local/bin/soulbot
WORKDIR /app
USER soulbot
ENV ENV=prod \
    BACKUP_DIR=/app/backups \
    API_PORT=8080
EXPOSE 8080
# The api's /health (database reachable, migrations current). The bot has no HTTP port yet, so
# compose disables this check for the bot service.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${API_PORT} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["soulbot", "bot"]
