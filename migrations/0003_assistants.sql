-- The assistants: per-user answer style, conversation history per assistant (with tokens, cost
-- and timings of each answer), and the daily counters the free tier and statistics read.

CREATE TABLE user_settings (
  user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tone        text NOT NULL DEFAULT 'friendly'
              CHECK (tone IN ('formal', 'friendly', 'ironic', 'motivating')),
  personality text NOT NULL DEFAULT 'friend' CHECK (personality IN ('mentor', 'friend', 'coach')),
  length      text NOT NULL DEFAULT 'medium' CHECK (length IN ('brief', 'medium', 'detailed')),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A user row is saved before the model is asked: 'pending' while answering, 'answered' once the
-- reply is delivered, 'failed' when the model was unavailable (a retry claims it back).
CREATE TABLE conversation_history (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  assistant     text NOT NULL CHECK (assistant IN ('helper', 'soulsleep')),
  role          text NOT NULL CHECK (role IN ('user', 'assistant')),
  content       text NOT NULL,
  status        text NOT NULL DEFAULT 'answered'
                CHECK (status IN ('pending', 'answered', 'failed')),
  reply_to      bigint REFERENCES conversation_history (id) ON DELETE CASCADE,
  tokens        integer,          -- input tokens for a user row's answer, output tokens for a reply
  model         text,
  cost_usd      numeric(12, 6),
  first_text_ms integer,          -- time until the first visible text
  total_ms      integer,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_history_user_idx ON conversation_history (user_id, assistant, id DESC);

ALTER TABLE user_activity_day ADD COLUMN assistant_messages integer NOT NULL DEFAULT 0;

ALTER TABLE statistic_day
  ADD COLUMN helper    integer NOT NULL DEFAULT 0,
  ADD COLUMN soulsleep integer NOT NULL DEFAULT 0,
  ADD COLUMN settings  integer NOT NULL DEFAULT 0;
