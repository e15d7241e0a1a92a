-- Model output a user waits for, per update: a chat answer or a quiz result. The row remembers
-- which Telegram messages show it so far, so that an update taken up again after its worker died
-- finishes the answer in the same message, and one given up on (parked, or found unfinished at
-- start-up) replaces it with a notice and «🔁 Повторить». A user's message also remembers the
-- update that brought it, so an update handled twice stores it (and counts it) once.

CREATE TABLE answer_deliveries (
  update_id   bigint PRIMARY KEY,                 -- the update the output answers
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  chat_id     bigint NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('chat', 'quiz')),
  subject_id  bigint NOT NULL,                    -- chat: the user's conversation_history row;
                                                  -- quiz: the quiz_sessions row
  care        text CHECK (care IN ('none', 'concern', 'other', 'gentle')),
                                                  -- chat: how it is answered; NULL until triaged
  message_ids jsonb NOT NULL DEFAULT '[]',        -- the Telegram messages showing it, in order
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'notice')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_deliveries_open_idx ON answer_deliveries (update_id) WHERE status = 'open';
CREATE INDEX answer_deliveries_user_idx ON answer_deliveries (user_id, created_at);

ALTER TABLE conversation_history ADD COLUMN update_id bigint;
CREATE UNIQUE INDEX conversation_history_update_idx ON conversation_history (update_id)
  WHERE update_id IS NOT NULL;
