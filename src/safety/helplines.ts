// Help lines as data (safety/helplines.json): each line says whom it serves, its hours, region
// and the public source it was taken from. Every text that lists help lines is built from here.

import { z } from "zod";

export const HELPLINES_FILE = new URL("../../safety/helplines.json", import.meta.url);

const line = z.object({
  id: z.string(),
  number: z.string(),
  mobile: z.string().optional(),
  name: z.string(),
  serves: z.string(),
  hours: z.string(),
  region: z.string(),
  free: z.boolean(),
  for: z.array(z.enum(["crisis", "violence"])).min(1),
  source: z.string().min(10),
});

const file = z.object({ about: z.string(), lines: z.array(line).min(1) });

export type Helpline = z.infer<typeof line>;

export interface Helplines {
  /** Lines for someone at risk (every crisis card, /sos). */
  crisis: readonly Helpline[];
  /** Lines for someone facing violence. */
  violence: readonly Helpline[];
}

export function parseHelplines(raw: unknown): Helplines {
  const { lines } = file.parse(raw);
  return {
    crisis: lines.filter((l) => l.for.includes("crisis")),
    violence: lines.filter((l) => l.for.includes("violence")),
  };
}

export async function loadHelplines(path: URL = HELPLINES_FILE): Promise<Helplines> {
  return parseHelplines(JSON.parse(await Deno.readTextFile(path)));
}

/** One line of a help list in Telegram HTML: number, whom it serves, free or not, hours. */
export function formatLine(l: Helpline): string {
  const mobile = l.mobile ? ` (с мобильного <b>${l.mobile}</b>)` : "";
  const free = l.free ? "бесплатно, " : "";
  return `📞 <b>${l.number}</b>${mobile} — ${l.name} ${l.serves}; ${free}${l.hours}`;
}

const EMERGENCY = "emergency";

/**
 * The help list for a card. Someone at risk sees the listening lines first and the emergency
 * number last; someone facing violence sees the emergency number first, then the violence lines.
 */
export function helpList(h: Helplines, opts: { violence?: boolean } = {}): string {
  const emergency = [...h.crisis, ...h.violence].filter((l) => l.id === EMERGENCY).slice(0, 1);
  const listening = h.crisis.filter((l) => l.id !== EMERGENCY);
  const violence = h.violence.filter((l) => l.id !== EMERGENCY);
  const lines = opts.violence
    ? [...emergency, ...violence, ...listening]
    : [...listening, ...emergency];
  return lines.map(formatLine).join("\n");
}

/** The first listed crisis line's number, for short mentions («или позвоните …»). */
export function mainNumber(h: Helplines): string {
  return h.crisis.find((l) => l.id !== EMERGENCY)?.number ?? h.crisis[0]!.number;
}
