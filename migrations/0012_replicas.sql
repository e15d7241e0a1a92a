-- Several processes on one server. The spam limit is counted from the inbox itself, so it holds
-- whichever worker handles a chat's update: each limited update says which count it falls in
-- (limit_kind) and when it was let through (counted_at) or its sender told to slow down
-- (noted_at). A handled update keeps its chat key (not its payload) until it is pruned, so the
-- window can be counted — unless its user deleted their data. Jobs that must have one owner (housekeeping, a user's pattern analysis)
-- take a lease row. Every insert into the inbox wakes the workers listening, wherever they run.

ALTER TABLE inbox ADD COLUMN limit_kind text CHECK (limit_kind IN ('words', 'command', 'tap'));
ALTER TABLE inbox ADD COLUMN counted_at timestamptz;
ALTER TABLE inbox ADD COLUMN noted_at timestamptz;
-- Set by /delete_me on the update handling it: its chat key is cleared when it is done.
ALTER TABLE inbox ADD COLUMN forget_chat boolean NOT NULL DEFAULT false;
CREATE INDEX inbox_chat_counted_idx ON inbox (chat_key, counted_at) WHERE counted_at IS NOT NULL;
CREATE INDEX inbox_chat_noted_idx ON inbox (chat_key, noted_at) WHERE noted_at IS NOT NULL;

CREATE TABLE job_leases (
  name  text PRIMARY KEY,           -- the job ("housekeeping:prune", "analysis:<pseudonym>")
  owner text NOT NULL,              -- the process that holds it ("host:pid:random")
  until timestamptz NOT NULL        -- free again from then on
);

-- OR REPLACE: a restore drops the tables (the trigger with them) and runs this script again.
CREATE OR REPLACE FUNCTION inbox_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('soulbot_inbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER inbox_added AFTER INSERT ON inbox FOR EACH STATEMENT EXECUTE FUNCTION inbox_added();

-- The inbox's depth for the metrics endpoint, without reading the handled rows.
CREATE INDEX inbox_undone_idx ON inbox (status, received_at) WHERE status <> 'done';
