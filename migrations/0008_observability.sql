-- Observability: sessions for the session-duration figure, and the technical counters each
-- process keeps in memory (Prometheus) added up per day so `soulbot stats` can report them.

-- A session is a run of one user's interactions with no gap longer than 30 minutes.
CREATE TABLE user_sessions (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  last_at    timestamptz NOT NULL,
  events     integer NOT NULL DEFAULT 1
);
CREATE INDEX user_sessions_user_last_idx ON user_sessions (user_id, last_at DESC);
CREATE INDEX user_sessions_started_at_idx ON user_sessions (started_at);

-- One row per Moscow day, process, metric series: counters and histogram buckets/sums/counts,
-- increased by the difference since the last flush (every minute and at a stop).
CREATE TABLE metric_day (
  date       date NOT NULL,
  service    text NOT NULL CHECK (service IN ('bot', 'api')),
  name       text NOT NULL,
  labels     jsonb NOT NULL DEFAULT '{}',
  value      double precision NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (date, service, name, labels)
);
