# SoulNear operations (Docker). `make help` lists the targets.
# docker-compose (v1) or the `docker compose` plugin, whichever is installed; override: make COMPOSE=...
COMPOSE ?= $(shell command -v docker-compose >/dev/null 2>&1 && echo docker-compose || echo docker compose)
# The api's port on this host (compose.yaml publishes it there; make health asks it).
API_PORT ?= 8080
export API_PORT
# How many of the last log lines the logs targets print (a number, or all).
N ?= 200

.DEFAULT_GOAL := help
.PHONY: help setup up down rebuild logs logs-bot logs-api logs-db follow follow-bot follow-api \
        follow-db ps restart-bot backup restore health stats shell-db redeploy validate up-workers \
        webhook-info

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
	  awk -F'\t' '{ printf "  make %-12s %s\n", $$1, $$2 }'

setup: ## Create .env.prod from .env.example (never overwrites an existing one)
	@if [ -f .env.prod ]; then \
	  echo ".env.prod already exists: left as it is"; \
	else \
	  cp .env.example .env.prod && chmod 600 .env.prod && mkdir -p backups && chmod 0777 backups && \
	  echo "Created .env.prod: fill in BOT_TOKEN, OPENAI_API_KEY, POSTGRES_* then run ./validate-env.sh"; \
	fi

validate: ## Check .env.prod (same as ./validate-env.sh)
	./validate-env.sh .env.prod

up: ## Start postgres, bot and api
	$(COMPOSE) up -d

up-workers: ## Webhook mode: postgres, api and WORKERS=N workers (default 2); no polling bot
	$(COMPOSE) -f compose.yaml -f compose.workers.yaml up -d --scale worker=$(if $(WORKERS),$(WORKERS),2)

webhook-info: ## What Telegram has for the webhook (the secret part of the path as ***)
	$(COMPOSE) run --rm --no-deps api soulbot webhook info

down: ## Stop every service (the database volume stays)
	$(COMPOSE) down

rebuild: ## Rebuild the image and restart the services
	$(COMPOSE) up -d --build

logs: ## The last N log lines of every service (N=200 by default; N=all), then exit
	@$(COMPOSE) logs --no-color --tail=$(N)

logs-bot: ## The bot's last N log lines, then exit (make logs-bot | grep ERROR)
	@$(COMPOSE) logs --no-color --no-log-prefix --tail=$(N) bot

logs-api: ## The api's last N log lines, then exit
	@$(COMPOSE) logs --no-color --no-log-prefix --tail=$(N) api

logs-db: ## PostgreSQL's last N log lines, then exit
	@$(COMPOSE) logs --no-color --no-log-prefix --tail=$(N) postgres

follow: ## Follow the logs of every service (Ctrl-C stops)
	@$(COMPOSE) logs -f --tail=20

follow-bot: ## Follow the bot's logs (Ctrl-C stops)
	@$(COMPOSE) logs -f --no-color --no-log-prefix --tail=20 bot

follow-api: ## Follow the api's logs (Ctrl-C stops)
	@$(COMPOSE) logs -f --no-color --no-log-prefix --tail=20 api

follow-db: ## Follow PostgreSQL's logs (Ctrl-C stops)
	@$(COMPOSE) logs -f --no-color --no-log-prefix --tail=20 postgres

ps: ## Status of the services
	$(COMPOSE) ps

restart-bot: ## Restart only the bot
	$(COMPOSE) restart bot

backup: ## Write backups/backup_YYYYMMDD_HHMMSS.sql (verified)
	$(COMPOSE) run --rm --no-deps bot soulbot backup

restore: ## Restore the newest backup (FILE=backups/x.sql for another; FORCE=1 over existing data)
	$(COMPOSE) stop bot api
	$(COMPOSE) run --rm --no-deps bot soulbot restore \
	  $(if $(FILE),$(FILE),--latest) $(if $(FORCE),--force,) ; \
	  status=$$?; $(COMPOSE) start bot api; exit $$status

health: ## Service status, the api's /health and the smoke checks
	$(COMPOSE) ps
	curl -fsS http://localhost:$(API_PORT)/health && echo
	$(COMPOSE) exec -T bot soulbot smoke

stats: ## Product and technical report (DAYS=7 by default; JSON=1 for JSON)
	$(COMPOSE) exec -T bot soulbot stats --days $(if $(DAYS),$(DAYS),7) $(if $(JSON),--json,)

shell-db: ## psql inside the database container
	$(COMPOSE) exec postgres sh -c 'psql -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"'

redeploy: ## (kept for compatibility) full reset: asks to confirm, backs up first; prefer ./scripts/safe_redeploy.sh
	@echo "⚠️  make redeploy rebuilds with an EMPTY database (the old behaviour)."
	@echo "    For a normal deploy use ./scripts/safe_redeploy.sh (keeps the data)."
	./scripts/safe_redeploy.sh --clean
