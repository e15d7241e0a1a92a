# SoulNear: one image, one program (`soulbot`) for every service (bot, api, worker, migrate, smoke,
# backup, restore).
#
# Stages (the last, `release`, is the default target):
#   files     the program's files only — main.ts's modules and what runtime_files.json lists
#             (tools/runtime_files.ts copies them to /opt/soulbot) — with the locked npm packages
#   runtime   Debian, the unprivileged user `soulbot`, /app for backups and data
#   launcher  runtime + deno + /opt/soulbot: `soulbot` is a script running main.ts with deno over
#             exactly those files. The Docker stage of CI builds it (--target launcher), because
#             `deno compile` cannot download its runtime there.
#   build     `deno compile` over /opt/soulbot with every listed data file included
#             (tools/compile.ts); downloads Deno's runtime: building needs network access
#   release   runtime + the compiled binary
#
# Base images are build arguments whose defaults are the official images (a mirror may stand in).

ARG DENO_IMAGE=denoland/deno:2.9.5
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${DENO_IMAGE} AS files
WORKDIR /ctx
COPY deno.json deno.lock ./
# EXTRA_CA_CERTS: certificates (PEM text) to trust while this step downloads the npm packages, on
# a network whose outbound TLS is re-signed by a local authority (CI here). Only this step of a
# build stage sees it: no image the build produces holds it.
ARG EXTRA_CA_CERTS=
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
      printf '%s\n' "$EXTRA_CA_CERTS" >/tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; \
    fi \
 && deno install --frozen \
 && rm -f /tmp/extra-ca.pem
# The context is narrowed by .dockerignore; only the listed files go on from here.
COPY . .
RUN deno run -A tools/runtime_files.ts copy /opt/soulbot \
 && mv node_modules /opt/soulbot/ \
 && mkdir /out \
 && cp "$(command -v deno)" /out/deno \
 && deno run -A tools/compile.ts --launcher --root /opt/soulbot --output /out/soulbot-launcher

FROM ${RUNTIME_IMAGE} AS runtime
# A non-root user; /app holds backups (a volume in compose) and, without PostgreSQL, the data dir.
RUN groupadd --system --gid 10001 soulbot \
 && useradd --system --uid 10001 --gid soulbot --home-dir /app --shell /usr/sbin/nologin soulbot \
 && mkdir -p /app/backups /app/data \
 && chown -R soulbot:soulbot /app
WORKDIR /app
ENV ENV=prod \
    BACKUP_DIR=/app/backups \
    API_PORT=8080
EXPOSE 8080
# The api's /health (database reachable, migrations current). compose.yaml gives the bot and the
# workers a check of their own, on their METRICS_PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${API_PORT} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["soulbot", "bot"]

FROM runtime AS launcher
COPY --from=files /out/deno /usr/local/bin/deno
COPY --from=files /opt/soulbot /opt/soulbot
COPY --from=files /out/soulbot-launcher /usr/local/bin/soulbot
ENV DENO_DIR=/tmp/deno
USER soulbot
RUN soulbot --help >/dev/null

FROM files AS build
# Memory: a bounded young generation and old space keep the process near 180 MB (README); the
# flags are deno.json's `bot` task's.
RUN deno run -A tools/compile.ts --root /opt/soulbot --output /out/soulbot \
 && /out/soulbot --help >/dev/null

FROM runtime AS release
COPY --from=build /out/soulbot /usr/local/bin/soulbot
USER soulbot
