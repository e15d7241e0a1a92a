-- Safety triage: tiers (acute / concern), the false-alarm exit, /sos, the 24 hours of gentle
-- mode after a crisis, the layer that decided (analyser, moderation, judge), and the personal
-- safety plan. Events still carry no message text.

ALTER TABLE users ADD COLUMN gentle_until timestamptz;

ALTER TABLE safety_events DROP CONSTRAINT safety_events_kind_check;
ALTER TABLE safety_events ADD CONSTRAINT safety_events_kind_check
  CHECK (kind IN ('detected', 'checkin', 'resolved', 'concern', 'false_alarm', 'sos'));
ALTER TABLE safety_events DROP CONSTRAINT safety_events_source_check;
ALTER TABLE safety_events ADD CONSTRAINT safety_events_source_check
  CHECK (source IN ('patterns', 'moderation', 'analyser', 'judge'));

-- A message judged acute is kept (never answered, never shown to the model) so that
-- «Я не это имел(а) в виду» can answer it carefully.
ALTER TABLE conversation_history DROP CONSTRAINT conversation_history_status_check;
ALTER TABLE conversation_history ADD CONSTRAINT conversation_history_status_check
  CHECK (status IN ('pending', 'answered', 'failed', 'held', 'crisis'));

CREATE TABLE safety_plans (
  user_id       bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  warning_signs text,
  coping        text,
  distractions  text,
  helpers       text,
  professionals text,
  environment   text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
