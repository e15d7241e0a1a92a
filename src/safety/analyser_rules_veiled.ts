// Veiled hints and signs of someone else's crisis: weaker word classes that count only beside a
// second sign in the message (giving things away "just in case", a goodbye and then silence).

import { type Rule, rule } from "./analyser_rule.ts";

export const VEILED_RULES: readonly Rule[] = [
  // Giving things away "just in case": a quiet preparation, not a move or a clear-out.
  rule("ambiguous", "concern", ["give_away"], {
    inMessage: ["just_in_case"],
    weak: true,
    lowerByMessage: ["declutter"],
  }),
  // Someone sent a goodbye, posted pills or the end, and now does not answer.
  rule("ambiguous", "concern", ["no_answer"], {
    other: true,
    inMessage: ["farewell", "farewell_weak", "farewell_strong", "pills", "means", "end_all"],
  }),
  // A child's drawings of a noose or a grave.
  rule("ambiguous", "concern", ["dark_drawing"], { real: true }),
  // Wanting to join the dead while no longer eating.
  rule("ambiguous", "concern", ["join_dead"], { inMessage: ["stopped_eating"] }),
  // Waiting for the others to leave, with a way to die chosen: a plan with a time.
  rule("intent", "acute", ["wait_alone"], {
    hedgeable: true,
    inMessage: ["end_life", "suicide_word", "means", "method", "prepared"],
  }),
];
