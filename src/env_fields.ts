// Zod fields for single environment variables, the leaves of config.ts's schema: each knows its
// variable's name, reads it trimmed (blank means unset) and words a problem with its fix, showing
// the value only when the variable is not secret.

import { z } from "zod";
import { type Flag, FLAG_FORMS, parseFlag } from "./flags.ts";
import { show } from "./redact.ts";

// The variable each field reads; its place in the schema says where the value goes.
const NAMES = new WeakMap<object, string>();

/** Marks `schema` as the reader of variable `name`. */
export function named<S extends z.ZodType>(name: string, schema: S): S {
  NAMES.set(schema, name);
  return schema;
}

/** What the schema with this shape reads: each named field's variable (in nested objects too),
 * trimmed, blank as undefined. Every key is present, so a required field sees it is missing. */
export const readEnv = (shape: z.ZodRawShape) => (env: unknown): object =>
  Object.fromEntries(
    Object.entries(shape).map(([key, field]) => {
      const value = field instanceof z.ZodObject
        ? readEnv(field.shape)(env)
        : (env as Record<string, unknown>)[NAMES.get(field)!];
      return [key, typeof value === "string" ? value.trim() || undefined : value];
    }),
  );

/** Values copied from an example file that were never filled in. */
export function isPlaceholder(value: string): boolean {
  const whole = /^(<.*>|sk-x+|change[_-]?me|replace[_-]?me|placeholder|todo|x{3,})$/i;
  return /your[_-]|\.\.\.|…/i.test(value) || whole.test(value.trim());
}

/** A secret's value, unless it is unset or a placeholder. */
export const real = (v: string | undefined) => v && !isPlaceholder(v) ? v : undefined;

/** The message for a rejected value: `NAME="value" problem` (just `NAME` for a secret). */
export const shown = (name: string, problem: string) => (iss: { input?: unknown }) =>
  `${show(name, String(iss.input))} ${problem}`;

/** Any text; `fallback` when unset. */
export const text = <D extends string | undefined>(name: string, fallback: D) =>
  named(name, z.string().optional().transform((v) => v ?? fallback));

/** Like text, but "off" gives undefined (a layer that is turned off). */
export const orOff = (name: string, fallback: string) =>
  named(name, z.string().default(fallback).transform((v) => (v === "off" ? undefined : v)));

/** Digits, kept as text (an id). */
export const digits = (name: string, problem: string) =>
  named(name, z.string().regex(/^\d+$/, { error: shown(name, problem) }).optional());

/** A Telegram chat id: a whole number, not 0 (groups are negative). */
export const chatId = (name: string) =>
  named(
    name,
    z.string().refine((v) => /^-?\d+$/.test(v) && Number.isSafeInteger(+v) && +v !== 0, {
      error: shown(name, "is not a chat id: use a number such as -1001234567890"),
    }).transform(Number).optional(),
  );

/** A postgres:// or postgresql:// URL that is not a placeholder. */
export const postgresUrl = (name: string, help: string) =>
  named(
    name,
    z.string()
      .refine((v) => !isPlaceholder(v), `${name} is still a placeholder: ${help}`)
      .pipe(
        z.url({
          protocol: /^postgres(ql)?$/,
          error: `${name} is not a valid PostgreSQL URL: ${help}`,
        }),
      )
      .optional(),
  );

/** An email address (anything like a@b.c). */
export const email = (name: string, help: string) =>
  named(
    name,
    z.email({
      pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      error: shown(name, `is not an email address: ${help}`),
    }).optional(),
  );

/** One of `options`, in any case. */
export const choice = <const T extends string, D extends T | undefined>(
  name: string,
  options: readonly T[],
  fallback: D,
) =>
  named(
    name,
    z.string().refine((v) => options.includes(v.toLowerCase() as T), {
      error: shown(name, `is not valid: use ${orList(options)}`),
    }).transform((v) => v.toLowerCase() as T).optional().transform((v) => v ?? fallback),
  );

/** A whole number from min to max; `what` says what it counts. */
export const int = (name: string, fallback: number, min: number, max: number, what: string) =>
  named(
    name,
    z.string().refine((v) => /^\d+$/.test(v) && +v >= min && +v <= max, {
      error: shown(name, `is not valid: use a whole number from ${min} to ${max} (${what})`),
    }).transform(Number).default(fallback),
  );

/** An http(s) URL without trailing slashes. (Not zod's own http `protocol` pattern: that one
 * would also refuse `http:host`, without `//`.) */
export const url = <D extends string | undefined>(name: string, fallback: D) =>
  named(
    name,
    z.url({
      protocol: /^(http|https)$/,
      error: shown(
        name,
        `is not a valid URL: use an http(s) address like ${fallback ?? "https://example.com"}`,
      ),
    }).optional().transform((v) => v?.replace(/\/+$/, "") ?? fallback),
  );

export const flag = (name: string, fallback: Flag) =>
  named(
    name,
    z.string().refine((v) => parseFlag(v), {
      error: shown(name, `is not a valid flag: use ${FLAG_FORMS}`),
    }).transform((v) => parseFlag(v) as Flag).default(fallback),
  );

/** Positive whole numbers separated by commas or spaces, each once. */
export const ids = (name: string, help: string) =>
  named(
    name,
    z.string().default("").transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .pipe(z.array(
        z.string().refine((id) => /^\d+$/.test(id) && Number.isSafeInteger(+id) && +id > 0, {
          error: (iss) =>
            `${name} contains ${JSON.stringify(iss.input)}, which is not a user id: ${help}`,
        }),
      ))
      .transform((list) => [...new Set(list.map(Number))]),
  );

/** What `parse` makes of the value; when it throws, `NAME is not valid: <its message>; <help>`. */
export const parsed = <T>(name: string, parse: (v: string) => T, fallback: T, help?: string) =>
  named(
    name,
    z.string().transform((v, ctx) => {
      try {
        return parse(v);
      } catch (err) {
        const message = `${name} is not valid: ${(err as Error).message}${help ? `; ${help}` : ""}`;
        ctx.addIssue({ code: "custom", message, continue: true });
        return z.NEVER;
      }
    }).optional().transform((v) => v ?? fallback),
  );

/** A secret, kept as written (placeholders too: cross-field checks tell them apart; see real).
 * When `required`, unset or a placeholder is a problem; when set, it must match `format`. */
export const secret = (name: string, help: string, required: boolean, format = /^/) =>
  named(
    name,
    z.string().optional().superRefine((v, ctx) => {
      const problem = v === undefined
        ? required && "is missing"
        : isPlaceholder(v)
        ? required && "is still a placeholder"
        : !format.test(v) && "is not in the expected format";
      if (problem) ctx.addIssue({ code: "custom", message: `${name} ${problem}: ${help}` });
    }),
  );

function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
