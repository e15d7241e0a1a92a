-- Safety: crisis mode per user (set when a crisis is detected, cleared when the user says they
-- are safe after a check-in) and crisis events for metrics — never the message text.

ALTER TABLE users ADD COLUMN crisis_since timestamptz;

CREATE TABLE safety_events (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('detected', 'checkin', 'resolved')),
  source     text CHECK (source IN ('patterns', 'moderation')),
  place      text NOT NULL,               -- helper, soulsleep, quiz
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX safety_events_created_idx ON safety_events (created_at);

ALTER TABLE statistic_day ADD COLUMN crisis_detected integer NOT NULL DEFAULT 0;
