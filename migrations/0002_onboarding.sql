-- Onboarding (consent, how to address the user, completion), per-user daily activity for
-- retention, and the daily counters of statistic_day.

ALTER TABLE users
  ADD COLUMN display_name    text CHECK (char_length(display_name) BETWEEN 1 AND 32),
  ADD COLUMN consent_at      timestamptz,
  ADD COLUMN consent_version text,
  ADD COLUMN onboarded_at    timestamptz;

-- One row per user and active day (Europe/Moscow dates): retention and active users come from here.
CREATE TABLE user_activity_day (
  user_id  bigint  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  date     date    NOT NULL,
  events   integer NOT NULL DEFAULT 0,
  messages integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, date)
);
CREATE INDEX user_activity_day_date_idx ON user_activity_day (date);

ALTER TABLE statistic_day
  ADD COLUMN active_users  integer NOT NULL DEFAULT 0,
  ADD COLUMN messages      integer NOT NULL DEFAULT 0,
  ADD COLUMN blocked_users integer NOT NULL DEFAULT 0,
  ADD COLUMN onboarded     integer NOT NULL DEFAULT 0,
  ADD COLUMN menu          integer NOT NULL DEFAULT 0,
  ADD COLUMN profile       integer NOT NULL DEFAULT 0;
