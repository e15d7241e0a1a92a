// The personal safety plan (Stanley–Brown): six steps the user writes in a calm moment and sees
// first when a crisis comes. One row per user; exported and deleted with the user's data.

import type { Queryable } from "../db/db.ts";

export const PLAN_STEPS = [
  "warning_signs",
  "coping",
  "distractions",
  "helpers",
  "professionals",
  "environment",
] as const;

export type PlanStep = typeof PLAN_STEPS[number];
export type SafetyPlan = Record<PlanStep, string | null>;

/** A step's text may be this long (the whole plan then fits in one Telegram message). */
export const PLAN_FIELD_MAX = 400;

export async function getPlan(db: Queryable, userId: number): Promise<SafetyPlan | undefined> {
  const [row] = await db.query<SafetyPlan>(
    `SELECT ${PLAN_STEPS.join(", ")} FROM safety_plans WHERE user_id = $1`,
    [userId],
  );
  return row;
}

/** Saves one step (creating the plan on the first); null clears it. */
export async function savePlanStep(
  db: Queryable,
  userId: number,
  step: PlanStep,
  text: string | null,
  now: Date,
): Promise<void> {
  // `step` comes from PLAN_STEPS only, so it is safe as a column name.
  await db.query(
    `INSERT INTO safety_plans (user_id, ${step}, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET ${step} = excluded.${step}, updated_at = excluded.updated_at`,
    [userId, text, now],
  );
}

export async function deletePlan(db: Queryable, userId: number): Promise<boolean> {
  const rows = await db.query("DELETE FROM safety_plans WHERE user_id = $1 RETURNING user_id", [
    userId,
  ]);
  return rows.length > 0;
}

export function isEmptyPlan(plan: SafetyPlan | undefined): boolean {
  return !plan || PLAN_STEPS.every((s) => !plan[s]);
}
