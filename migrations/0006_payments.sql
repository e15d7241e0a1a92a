-- Subscriptions and YooKassa payments. A payment row is created before YooKassa is asked (its
-- idempotence key is the row's), so a lost answer can be retried safely. Status changes are
-- conditional updates, so a notification and a button press at once apply a payment once.

ALTER TABLE users ADD COLUMN subscription_until timestamptz;

CREATE TABLE payments (
  id               bigserial PRIMARY KEY,
  user_id          bigint REFERENCES users (id) ON DELETE SET NULL, -- null: anonymised record
  provider_id      text UNIQUE,                 -- YooKassa's payment id
  idempotence_key  uuid NOT NULL UNIQUE,
  months           integer NOT NULL CHECK (months > 0),
  amount           numeric(12, 2) NOT NULL CHECK (amount > 0),
  currency         text NOT NULL DEFAULT 'RUB',
  status           text NOT NULL DEFAULT 'creating'
                   CHECK (status IN ('creating', 'pending', 'succeeded', 'canceled',
                                     'abandoned', 'expired', 'failed')),
  confirmation_url text,
  source           text NOT NULL DEFAULT 'bot' CHECK (source IN ('bot', 'admin')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  subscription_until timestamptz                -- the end this payment extended to
);
CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC);
CREATE INDEX payments_open_idx ON payments (expires_at) WHERE status IN ('creating', 'pending');

-- A message that arrived after the free limit is kept, to be answered after payment.
ALTER TABLE conversation_history DROP CONSTRAINT conversation_history_status_check;
ALTER TABLE conversation_history ADD CONSTRAINT conversation_history_status_check
  CHECK (status IN ('pending', 'answered', 'failed', 'held'));

ALTER TABLE statistic_day
  ADD COLUMN payments_started   integer NOT NULL DEFAULT 0,
  ADD COLUMN payments_succeeded integer NOT NULL DEFAULT 0,
  ADD COLUMN payments_canceled  integer NOT NULL DEFAULT 0,
  ADD COLUMN earn               numeric(14, 2) NOT NULL DEFAULT 0,
  ADD COLUMN free_limit_reached integer NOT NULL DEFAULT 0;
