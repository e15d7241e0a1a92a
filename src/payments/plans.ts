// Subscription plans: periods in months with prices in roubles, configured as
// SUBSCRIPTION_PLANS="1:1111,3:2999,6:5555,12:11111" (months:roubles, comma-separated).

import { plural } from "../text/plural.ts";

export interface Plan {
  months: number;
  /** Whole roubles. */
  price: number;
}

export const DEFAULT_PLANS = "1:1111,3:2999,6:5555,12:11111";

/** Parses the plans; throws an Error saying what is wrong. Sorted by months, no duplicates. */
export function parsePlans(text: string): Plan[] {
  const plans: Plan[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,2})\s*:\s*(\d{1,7})$/.exec(part);
    const months = m ? Number(m[1]) : 0;
    const price = m ? Number(m[2]) : 0;
    if (!m || months < 1 || months > 36 || price < 1) {
      throw new Error(`"${part}" is not months:roubles (months 1–36, price at least 1)`);
    }
    if (plans.some((p) => p.months === months)) throw new Error(`${months} months appears twice`);
    plans.push({ months, price });
  }
  if (!plans.length) throw new Error("no plans given");
  return plans.sort((a, b) => a.months - b.months);
}

/** "1 месяц", "3 месяца", "6 месяцев" */
export function monthsText(n: number): string {
  return plural(n, ["месяц", "месяца", "месяцев"]);
}

/** "1 111 ₽" */
export function roubles(n: number): string {
  return `${new Intl.NumberFormat("ru-RU").format(n).replace(/\s/g, " ")} ₽`;
}

/** The amount as YooKassa writes it: "1111.00". */
export function amountValue(price: number): string {
  return price.toFixed(2);
}
