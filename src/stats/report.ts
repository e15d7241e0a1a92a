// The `soulbot stats` report (and the api's GET /stats): the product and technical figures of
// the last N Moscow days, today included, as one JSON-friendly object and as readable text.

import type { Queryable } from "../db/db.ts";
import { statDate } from "./daily.ts";
import { type Period, type ProductStats, productStats, type Rate } from "./product.ts";
import { type TechnicalStats, technicalStats } from "./technical.ts";

export interface Report {
  generatedAt: string;
  days: number;
  period: Period;
  /** product.retention covers the cohorts registered in the period and the 30 days before it,
   * so that D7 and D30 can be known. */
  product: ProductStats;
  technical: TechnicalStats;
}

const DAY_MS = 86_400_000;

/** A Moscow date moved by `days` (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface ReportOptions {
  days: number;
  now: Date;
  /** The period's last Moscow date (default: today). */
  until?: string;
}

// Moscow has been UTC+3 all year since 2014.
const moscowMidnight = (date: string) => Date.parse(`${date}T00:00:00+03:00`);

export async function buildReport(db: Queryable, opts: ReportOptions): Promise<Report> {
  const { days, now } = opts;
  const today = statDate(now);
  const to = opts.until ?? today;
  const period = { from: addDays(to, -(days - 1)), to };
  // How much of the period has passed, for rates per second.
  const end = Math.min(now.getTime(), moscowMidnight(addDays(to, 1)));
  const elapsed = Math.max(0, end - moscowMidnight(period.from)) / 1000;
  const [product, technical] = await Promise.all([
    productStats(db, period, today, { from: addDays(period.from, -30), to: period.to }),
    technicalStats(db, period, elapsed),
  ]);
  return {
    generatedAt: now.toISOString(),
    days,
    period,
    product,
    technical,
  };
}

/** Left-aligned columns, two spaces apart. */
function table(rows: (string | number)[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? "").length)));
  return rows.map((r) => "  " + r.map((c, i) => String(c).padEnd(widths[i]!)).join("  ").trimEnd());
}

const pct = (r: Rate | null) => r ? `${(r.rate * 100).toFixed(1)}% (${r.returned}/${r.of})` : "—";
const usd = (n: number | null) => (n === null ? "—" : `$${n.toFixed(4)}`);

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m}m ${s}s` : `${s}s`;
}

export function renderReport(r: Report): string {
  const { product: p, technical: t } = r;
  const out: string[] = [
    `SoulNear stats: ${r.period.from} … ${r.period.to} (${r.days} day${
      r.days === 1 ? "" : "s"
    }, Moscow dates), generated ${r.generatedAt}`,
    "",
    "Users",
    `  new ${p.users.new}, active ${p.users.active}`,
    `  retention (cohorts since ${addDays(r.period.from, -30)}): D1 ${pct(p.retention.d1)}, ` +
    `D7 ${pct(p.retention.d7)}, D30 ${pct(p.retention.d30)}`,
  ];
  if (p.retention.cohorts.length) {
    out.push(...table([
      ["cohort", "users", "D1", "D7", "D30"],
      ...p.retention.cohorts.map((c) => [c.date, c.users, pct(c.d1), pct(c.d7), pct(c.d30)]),
    ]));
  }
  const s = p.sessions;
  out.push(
    "",
    "Sessions (30 minutes without activity end one)",
    `  ${s.count} sessions by ${s.users} users (${s.perUser.toFixed(1)} per user); duration ` +
      `avg ${duration(s.avgSeconds)}, median ${duration(s.medianSeconds)}, ` +
      `p90 ${duration(s.p90Seconds)}`,
    "",
    "Quiz completion (quizzes started in the period)",
    ...table([
      ["category", "started", "completed", "rate"],
      ...[...p.quizzes.categories, p.quizzes.total].map((q) => [
        q.category,
        q.started,
        q.completed,
        `${(q.rate * 100).toFixed(1)}%`,
      ]),
    ]),
    "",
    "Feature usage per day",
    ...table([
      [
        "date",
        "new",
        "active",
        "msgs",
        "helper",
        "soulsleep",
        "quiz+",
        "quiz✓",
        "settings",
        "profile",
        "menu",
        "pay+",
        "pay✓",
        "earn",
        "crisis",
      ],
      ...p.features.map((d) => [
        d.date,
        d.new_users,
        d.active_users,
        d.messages,
        d.helper,
        d.soulsleep,
        d.quiz_started,
        d.quiz_completed,
        d.settings,
        d.profile,
        d.menu,
        d.payments_started,
        d.payments_succeeded,
        d.earn,
        d.crisis_detected,
      ]),
    ]),
    "",
    `OpenAI cost: ${usd(p.cost.totalUsd)} in all, ${usd(p.cost.perActiveUser)} per active user`,
    ...table([
      ["date", "cost", "active", "per user"],
      ...p.cost.days.map((d) => [d.date, usd(d.costUsd), d.activeUsers, usd(d.perActiveUser)]),
    ]),
    "",
    "Answer time, ms (first text / complete)",
  );
  out.push(
    ...(t.answers.length
      ? table([
        ["assistant", "answers", "avg", "p50", "p95", "p99"],
        ...t.answers.map((a) => [
          a.assistant,
          a.total.count,
          `${a.firstText.avgMs} / ${a.total.avgMs}`,
          `${a.firstText.p50Ms} / ${a.total.p50Ms}`,
          `${a.firstText.p95Ms} / ${a.total.p95Ms}`,
          `${a.firstText.p99Ms} / ${a.total.p99Ms}`,
        ]),
      ])
      : ["  no answers"]),
    "",
    "Updates handled (p95 estimated from histogram buckets)",
    ...(t.updates.length
      ? table([
        ["type", "count", "avg ms", "p95 ms", "errors"],
        ...t.updates.map((u) => [u.type, u.count, u.avgMs, u.p95Ms, u.errors]),
      ])
      : ["  none recorded"]),
    "",
    `Database: ${t.database.queries} statements (${t.database.perSecond}/s on average), ` +
      `avg ${t.database.avgMs} ms, ${t.database.errors} failed`,
    `Telegram: ${t.telegram.requests} API calls, ${t.telegram.rateLimited} rate limited (429), ` +
      `${t.telegram.errors} failed`,
    "OpenAI",
    ...(t.openai.length
      ? table([
        ["model", "requests", "failed", "input tokens", "output tokens", "cost"],
        ...t.openai.map((o) => [
          o.model,
          o.requests,
          o.failed,
          o.inputTokens,
          o.outputTokens,
          usd(o.costUsd),
        ]),
      ])
      : ["  no requests"]),
    "",
    "Warnings and errors in the logs",
    ...(t.log.length
      ? table(t.log.map((l) => [l.level.toUpperCase(), l.count, l.kind]))
      : ["  none"]),
  );
  return out.join("\n");
}
