-- Users, per-chat dialog state, daily statistics and processed updates.
-- Forward-only: never edit this file once it has landed; add a new migration instead.

CREATE TABLE users (
  id            bigint PRIMARY KEY,            -- Telegram user id
  username      text,
  first_name    text,
  last_name     text,
  language_code text,
  gender        text CHECK (gender IN ('female', 'male')),
  age           smallint CHECK (age BETWEEN 10 AND 120),
  source        text,                          -- /start payload that brought the user
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  blocked_at    timestamptz                    -- when the user blocked the bot, if they did
);
CREATE INDEX users_created_at_idx ON users (created_at);

-- Per-chat dialog state (the name is kept from the previous bot for the runbook's checks).
CREATE TABLE aiogram_states (
  key        text PRIMARY KEY,
  data       jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per calendar day (Europe/Moscow), upserted by counters.
CREATE TABLE statistic_day (
  date         date PRIMARY KEY,
  new_users    integer NOT NULL DEFAULT 0,
  events       integer NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Telegram update ids already handled, so a redelivered update is not handled twice.
CREATE TABLE processed_updates (
  update_id    bigint PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_processed_at_idx ON processed_updates (processed_at);
