// The shape of a crisis-analyser rule: which word classes, found together, make which signal,
// and which context may lower it.

export type RuleTier = "acute" | "concern" | "raise";

export interface Rule {
  signal: string;
  /** "raise": counts only when the message, or the recent ones, already show risk. */
  tier: RuleTier;
  /** Classes that must all occur in one sentence. */
  parts: readonly string[];
  /** Most words allowed between two parts (default 3). */
  window?: number;
  /** The parts must be in one clause, no comma between (default: when the window is at most 4). */
  clause?: boolean;
  /** The parts occur in the order given. */
  ordered?: boolean;
  /** The parts share a token (a 1st-person verb form inside a method word). */
  sameToken?: boolean;
  /** At least one of these classes occurs in the sentence. */
  withAny?: readonly string[];
  /** At least one of these classes occurs somewhere in the message. */
  inMessage?: readonly string[];
  /** None of these classes occurs in the sentence (another rule covers the case). */
  unless?: readonly string[];
  /** A negation right before a part cancels the hit (default true). */
  negatable?: boolean;
  /** Present danger: only a dream, fiction or news frame makes it unreal; nothing lowers it. */
  imminent?: boolean;
  /** With a clearly past time in the sentence this is past history, not present danger. */
  pastIsHistory?: boolean;
  /** A scene that, in the dream chat, reads as the dream itself unless the text shows the present. */
  narrative?: boolean;
  /** Violence against the writer. */
  violence?: boolean;
  /** About the writer whatever the subject words say. */
  self?: boolean;
  /** About someone else whatever the subject words say ("не берёт трубку"). */
  other?: boolean;
  /** A wish or plan that "sometimes" or "I won't do anything" turns into concern. */
  hedgeable?: boolean;
  /** A sign that a joke makes harmless (hopelessness, ambiguous words, violence talk). */
  weak?: boolean;
  /** Biographical: not unreal inside a dream report; "before": only a dream word earlier in the
   * same sentence makes it unreal ("снилось, что я прощаюсь со всеми"). */
  real?: boolean | "before";
  /** A "raise" hit about someone else is concern on its own ("друг написал: «прощайте»"). */
  otherConcern?: boolean;
  /** A "raise" hit about the writer that nothing primes is this tier ("я на мосту" alone). */
  alone?: "concern";
  /** Classes anywhere in the message that prime a "raise" hit, besides other risk. */
  primedBy?: readonly string[];
  /** Classes that, in the same sentence, make the hit harmless (reported as the frame). */
  lowerBy?: readonly string[];
  /** Like lowerBy, anywhere in the message. */
  lowerByMessage?: readonly string[];
  /** Like lowerBy, in the hit's sentence or the one before or after (a long message's everyday
   * details elsewhere say nothing about this scene). */
  lowerNear?: readonly string[];
  /** Classes anywhere in the message that keep the hit from the lowerBy classes ("on purpose"). */
  keptBy?: readonly string[];
}

export type Options = Omit<Rule, "signal" | "tier" | "parts">;

export function rule(signal: string, tier: RuleTier, parts: string[], opts: Options = {}): Rule {
  return { signal, tier, parts, ...opts };
}
