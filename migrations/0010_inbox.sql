-- The durable inbox: every update Telegram delivers is stored here before its offset is
-- confirmed, then handled by a worker, oldest first and one at a time per chat. An update whose
-- worker died (its lease ran out) is taken up again, so a crash loses nothing; the primary key
-- makes a redelivered update a no-op. Replaces processed_updates (its ids are carried over).

CREATE TABLE inbox (
  update_id   bigint PRIMARY KEY,                -- Telegram's update id
  chat_key    text,                              -- chatKey(): the chat id, else the user id;
                                                 -- cleared once handled
  payload     jsonb,                             -- the update; cleared once handled
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'working', 'done', 'parked')),
  attempts    integer NOT NULL DEFAULT 0,        -- failures of ours (errors, a worker that died)
  lease_until timestamptz,                       -- while working: the worker's lease
  not_before  timestamptz NOT NULL DEFAULT now(), -- retry backoff
  worker      text,                              -- "host:pid:random" of the worker that took it
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at     timestamptz,                       -- handled, or parked
  last_error  text,                              -- an error description, never message text
  CHECK (status = 'done' OR (chat_key IS NOT NULL AND payload IS NOT NULL))
);
-- Claiming: open rows in update order, and "has this chat an earlier open update".
CREATE INDEX inbox_open_idx ON inbox (update_id) WHERE status IN ('pending', 'working');
CREATE INDEX inbox_open_chat_idx ON inbox (chat_key, update_id)
  WHERE status IN ('pending', 'working');
-- Pruning handled and parked rows.
CREATE INDEX inbox_done_at_idx ON inbox (done_at) WHERE done_at IS NOT NULL;

-- Updates the previous de-duplication had already handled stay handled, then it goes.
INSERT INTO inbox (update_id, status, received_at, done_at)
  SELECT update_id, 'done', processed_at, processed_at FROM processed_updates
  ON CONFLICT (update_id) DO NOTHING;
DROP TABLE processed_updates;
