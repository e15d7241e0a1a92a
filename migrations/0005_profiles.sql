-- The psychological profile built by pattern analysis: one row per user with the patterns
-- (active and retired), insights, the current emotional state, and the patterns' embeddings
-- kept apart from the patterns (by pattern id) so they are stored but never shown.
-- Every change is read-modify-write under SELECT ... FOR UPDATE on this row.

CREATE TABLE user_profiles (
  user_id         bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  patterns        jsonb NOT NULL DEFAULT '[]',  -- [{id, type, title, description, evidence, ...}]
  embeddings      jsonb NOT NULL DEFAULT '{}',  -- {pattern id: [floats]}
  insights        jsonb NOT NULL DEFAULT '[]',  -- [{title, text, recommendation, created_at}]
  emotional_state jsonb,                        -- {mood, stress, energy, updated_at}
  retry_quick     text,                         -- assistant whose quick analysis failed last time
  retry_deep      boolean NOT NULL DEFAULT false,
  quick_at        timestamptz,
  deep_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE statistic_day
  ADD COLUMN quick_analyses integer NOT NULL DEFAULT 0,
  ADD COLUMN deep_analyses  integer NOT NULL DEFAULT 0;
