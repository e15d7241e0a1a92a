// The statements bench/driver_cost.ts measures and the seed size, shared with its worker process.

/** A primary-key read of one user row, 15 columns, as the bot does on every update. */
export const SELECT_USER = "SELECT id, username, first_name, last_name, language_code, gender, " +
  "age, source, created_at, updated_at, last_seen_at, blocked_at, is_premium, settings, credits " +
  "FROM bench_user WHERE id = $1";

/** A small upsert of a chat's state, as the session store does. */
export const UPSERT_SESSION = "INSERT INTO bench_session (key, data, updated_at) " +
  "VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE " +
  "SET data = excluded.data, updated_at = excluded.updated_at";

export const USERS = 1000;
