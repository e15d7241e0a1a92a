-- The messages an update has sent, so that one taken up again — its worker died after Telegram
-- took a reply but before the update was marked done, or a retry — does not send the same
-- message twice (src/bot/send_once.ts). No text and no chat: the n-th message an update sent, a
-- digest of its chat and text, and the id Telegram gave it. Kept only while the update is open:
-- marking it done or parked deletes its rows.

CREATE TABLE update_sends (
  update_id  bigint  NOT NULL,                  -- the inbox's update
  seq        integer NOT NULL,                  -- the n-th message the update sent
  digest     text    NOT NULL,                  -- sha-256 of the chat id and the text
  message_id bigint  NOT NULL,                  -- what Telegram called it
  sent_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (update_id, seq)
);

-- OR REPLACE: a restore drops the tables (the trigger with them) and runs this script again.
CREATE OR REPLACE FUNCTION inbox_finished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM update_sends WHERE update_id = NEW.update_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER inbox_finished AFTER UPDATE OF status ON inbox
  FOR EACH ROW WHEN (NEW.status IN ('done', 'parked') AND OLD.status <> NEW.status)
  EXECUTE FUNCTION inbox_finished();
