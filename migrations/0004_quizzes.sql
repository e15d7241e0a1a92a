-- Quiz sessions: the plan of questions (with the follow-ups the adaptive branch inserted), the
-- answers, the scores and the result. One active session per user and category.

CREATE TABLE quiz_sessions (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  category      text NOT NULL
                CHECK (category IN ('relationships', 'money', 'confidence', 'fears')),
  status        text NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'completed', 'abandoned')),
  adaptive      boolean NOT NULL,
  plan          jsonb NOT NULL,              -- question ids in the order they are asked
  answers       jsonb NOT NULL DEFAULT '[]', -- [{question, value | option | text | skipped, at}]
  branch        jsonb,                       -- {after, dimensions, inserted} when it branched
  scores        jsonb,                       -- {dimension: {score, answers, spread}}
  result        text,
  result_source text CHECK (result_source IN ('llm', 'fallback')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz
);
CREATE UNIQUE INDEX quiz_sessions_one_active ON quiz_sessions (user_id, category)
  WHERE status = 'active';
CREATE INDEX quiz_sessions_user_idx ON quiz_sessions (user_id, started_at DESC);

ALTER TABLE statistic_day
  ADD COLUMN quiz_started   integer NOT NULL DEFAULT 0,
  ADD COLUMN quiz_completed integer NOT NULL DEFAULT 0;
