// Style settings: /settings and the "🎨 Настройки стиля" buttons of the menu and the profile open
// a card with the user's tone, personality and length; a sub-menu per setting saves a pick and
// returns to the card. Button data carries where the card was opened from (m: menu, p: profile),
// so Back returns there without any dialog state. ENABLE_STYLE_SETTINGS off closes all of it.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { userStyle } from "../user.ts";
import { BACK_TO_MENU, BACK_TO_PROFILE, endFlow, MENU, PROFILE, STALE_BUTTON } from "../nav.ts";
import { LENGTHS, PERSONALITIES, type Style, TONES } from "../../style/style.ts";
import {
  isLength,
  isPersonality,
  isTone,
  setStyle,
  type StyleChange,
  type StyleKey,
} from "../../style/settings.ts";

/** What style settings use. */
export type SettingsDeps = Pick<BotServices, "db" | "now" | "tally">;

export const STYLE_UNAVAILABLE = "⚠️ Настройки стиля временно недоступны";

/** Where the card was opened from: the main menu or the profile. */
export type Origin = "m" | "p";

const SETTINGS: Record<StyleKey, {
  button: string;
  title: string;
  options: Readonly<Record<string, string>>;
  changed: string;
}> = {
  tone: { button: "🎭 Тон", title: "🎭 <b>Тон</b>", options: TONES, changed: "✅ Тон изменён" },
  personality: {
    button: "🧭 Личность",
    title: "🧭 <b>Личность</b>",
    options: PERSONALITIES,
    changed: "✅ Личность изменена",
  },
  length: {
    button: "📏 Длина",
    title: "📏 <b>Длина ответов</b>",
    options: LENGTHS,
    changed: "✅ Длина изменена",
  },
};

const KEYS = Object.keys(SETTINGS) as StyleKey[];

/** Callback data, at most 28 bytes (`st:set:personality:mentor:p`). */
export const ST = {
  card: (o: Origin) => `st:card:${o}`,
  pick: (key: StyleKey, o: Origin) => `st:${key}:${o}`,
  set: (key: StyleKey, value: string, o: Origin) => `st:set:${key}:${value}:${o}`,
};

type Action =
  | { kind: "card"; origin: Origin }
  | { kind: "pick"; key: StyleKey; origin: Origin }
  | { kind: "set"; change: StyleChange; origin: Origin };

function isOrigin(s: string | undefined): s is Origin {
  return s === "m" || s === "p";
}

function isKey(s: string | undefined): s is StyleKey {
  return s !== undefined && Object.hasOwn(SETTINGS, s);
}

function toChange(key: StyleKey, value: string | undefined): StyleChange | undefined {
  if (key === "tone" && isTone(value)) return { key, value };
  if (key === "personality" && isPersonality(value)) return { key, value };
  if (key === "length" && isLength(value)) return { key, value };
  return undefined;
}

/** The button's action, or undefined for data no current button carries. */
export function parseSettingsData(data: string): Action | undefined {
  const parts = data.split(":");
  const origin = parts.at(-1);
  if (parts[0] !== "st" || !isOrigin(origin)) return undefined;
  if (parts.length === 3 && parts[1] === "card") return { kind: "card", origin };
  if (parts.length === 3 && isKey(parts[1])) return { kind: "pick", key: parts[1], origin };
  if (parts.length === 5 && parts[1] === "set" && isKey(parts[2])) {
    const change = toChange(parts[2], parts[3]);
    if (change) return { kind: "set", change, origin };
  }
  return undefined;
}

function backButton(kb: InlineKeyboard, origin: Origin): InlineKeyboard {
  return origin === "m" ? kb.text(BACK_TO_MENU, MENU.main) : kb.text(BACK_TO_PROFILE, PROFILE.show);
}

export function settingsCard(style: Style, origin: Origin): Screen {
  const text = [
    "🎨 <b>Настройки стиля</b>",
    "",
    `Тон: <b>${TONES[style.tone]}</b>`,
    `Личность: <b>${PERSONALITIES[style.personality]}</b>`,
    `Длина ответов: <b>${LENGTHS[style.length]}</b>`,
    "",
    "Что изменить?",
  ].join("\n");
  const keyboard = new InlineKeyboard();
  for (const key of KEYS) keyboard.text(SETTINGS[key].button, ST.pick(key, origin));
  return { text, keyboard: backButton(keyboard.row(), origin) };
}

export function pickScreen(key: StyleKey, style: Style, origin: Origin): Screen {
  const { title, options } = SETTINGS[key];
  const current = style[key];
  const keyboard = new InlineKeyboard();
  for (const [value, name] of Object.entries(options)) {
    const label = name.charAt(0).toUpperCase() + name.slice(1);
    keyboard.text(value === current ? `✓ ${label}` : label, ST.set(key, value, origin)).row();
  }
  return {
    text: `${title}\n\nСейчас: <b>${options[current]}</b>. Выберите вариант:`,
    keyboard: keyboard.text("⬅️ Назад", ST.card(origin)),
  };
}

function enabled(ctx: BotContext): boolean {
  return ctx.flags.enableStyleSettings;
}

async function unavailable(ctx: BotContext, origin: Origin): Promise<void> {
  await ack(ctx, STYLE_UNAVAILABLE);
  const screen = { text: STYLE_UNAVAILABLE, keyboard: backButton(new InlineKeyboard(), origin) };
  await show(ctx, screen, { fresh: !ctx.callbackQuery });
}

/** An entry point: /settings or a "🎨 Настройки стиля" button. */
async function openSettings(ctx: BotContext, d: SettingsDeps, origin: Origin): Promise<void> {
  endFlow(ctx);
  if (!enabled(ctx)) return await unavailable(ctx, origin);
  const { db, now } = d;
  const style = await userStyle(ctx, db);
  await ack(ctx);
  await show(ctx, settingsCard(style, origin), { fresh: !ctx.callbackQuery });
  d.tally.count("settings", now());
}

/** The card's and the sub-menus' buttons (`st:…`). */
async function onButton(ctx: BotContext, d: SettingsDeps): Promise<void> {
  endFlow(ctx);
  const data = ctx.callbackQuery?.data ?? "";
  const action = parseSettingsData(data);
  const origin = action?.origin ?? (data.endsWith(":p") ? "p" : "m");
  if (!enabled(ctx)) return await unavailable(ctx, origin);
  const { db } = d;
  const userId = ctx.user.id;
  if (action?.kind === "pick") {
    const style = await userStyle(ctx, db);
    await ack(ctx);
    return void await show(ctx, pickScreen(action.key, style, origin));
  }
  let toast: string | undefined = STALE_BUTTON;
  if (action?.kind === "set") {
    const { key, value } = action.change;
    ctx.style = await setStyle(db, userId, action.change);
    toast = `${SETTINGS[key].changed}: ${SETTINGS[key].options[value]}`;
  } else if (action?.kind === "card") {
    toast = undefined;
  }
  const style = await userStyle(ctx, db);
  await ack(ctx, toast);
  await show(ctx, settingsCard(style, origin));
}

export function settingsFeature(d: SettingsDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("settings", (ctx) => openSettings(ctx, d, "m"));
  c.callbackQuery(MENU.settings, (ctx) => openSettings(ctx, d, "m"));
  c.callbackQuery(PROFILE.settings, (ctx) => openSettings(ctx, d, "p"));
  c.callbackQuery(/^st:/, (ctx) => onButton(ctx, d));
  return c;
}
