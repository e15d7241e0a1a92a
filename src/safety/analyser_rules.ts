// The crisis analyser's rules: which word classes of safety/lexicon.json, found together in one
// sentence, make which signal at which tier, and which context may lower it.

import { type Options, type Rule, rule } from "./analyser_rule.ts";
import { VEILED_RULES } from "./analyser_rules_veiled.ts";

export type { Rule, RuleTier } from "./analyser_rule.ts";

const WISH: Options = { hedgeable: true };
const METHOD: Options = { hedgeable: true, unless: ["cond"], lowerBy: ["sport"] };
const DANGER: Options = { imminent: true, narrative: true, pastIsHistory: true };
const HARM: Options = { narrative: true, lowerBy: ["accident", "medical"], keptBy: ["deliberate"] };
const ATTACK: Options = { violence: true, self: true, narrative: true, weak: true };
const JUMP: Options = { ...DANGER, otherConcern: true, lowerBy: ["sport"], primedBy: ["distress"] };
// Present at a height or with the means in hand: acute with anything not clearly benign near it,
// concern when said alone, nothing with a view, a hobby or a kitchen.
const PRESENT: Options = {
  ...DANGER,
  alone: "concern",
  primedBy: ["distress", "now", "minutes_ago"],
};

export const RULES: readonly Rule[] = [
  // Intent and plans to die by suicide.
  rule("intent", "acute", ["want", "die"], { ...WISH, window: 2 }),
  rule("intent", "acute", ["plan", "die"], { ...WISH, window: 2 }),
  rule("intent", "acute", ["want", "end_life"], WISH),
  rule("intent", "acute", ["plan", "end_life"], WISH),
  rule("intent", "acute", ["think", "end_life"], WISH),
  rule("intent", "acute", ["end_life", "verb3"], { sameToken: true }),
  rule("intent", "acute", ["self_future"], { ...WISH, narrative: true }),
  rule("intent", "acute", ["suicidal_self"], WISH),
  rule("intent", "acute", ["think", "suicide_word"], WISH),
  rule("intent", "acute", ["want", "suicide_word"], WISH),
  rule("intent", "acute", ["plan", "suicide_word"], WISH),
  rule("intent", "acute", ["suicide_word", "way_out"], WISH),
  rule("intent", "acute", ["end_life", "way_out"], WISH),
  rule("intent", "acute", ["die", "way_out"], WISH),
  rule("intent", "acute", ["death_noun", "way_out"], WISH),
  rule("intent", "acute", ["die_fut", "swear"], { window: 1 }),
  // A time word makes a plan present.
  rule("intent", "acute", ["die_fut", "now"], { clause: true }),
  rule("intent", "acute", ["end_all", "now"], { clause: true, window: 4 }),
  rule("intent", "acute", ["end_all", "when"], { window: 4 }),
  rule("intent", "acute", ["decide", "end_all"], WISH),
  rule("intent", "acute", ["decide", "end_life"], WISH),
  rule("intent", "acute", ["left_to_live", "decide"], { window: 8, clause: false }),
  rule("intent", "acute", ["end_life", "now"], {
    clause: true,
    window: 4,
    unless: ["end_life_past"],
  }),
  rule("intent", "acute", ["end_life", "when"], { window: 4, unless: ["end_life_past"] }),
  rule("intent", "acute", ["suicide_word", "now"], { clause: true }),
  rule("intent", "acute", ["suicide_word", "when"], { window: 2 }),
  rule("farewell", "acute", ["gone", "now"], { clause: true, window: 4 }),
  rule("farewell", "acute", ["gone", "when"], { window: 4, clause: false }),
  // Slang is unambiguous enough on its own.
  rule("slang", "acute", ["slang"], { ...WISH, narrative: true }),
  // A method: looked for, wished, planned, thought of, now, or in the 1st-person future.
  rule("method", "acute", ["way_to_die"], WISH),
  rule("method", "acute", ["howto", "die"], { window: 1, ordered: true }),
  rule("method", "acute", ["howto", "end_life"], { window: 1, ordered: true }),
  rule("method", "acute", ["howto", "suicide_word"], { window: 0, ordered: true }),
  rule("method", "acute", ["howto", "method"], { window: 1, ordered: true }),
  rule("method", "acute", ["want", "method"], METHOD),
  rule("method", "acute", ["plan", "method"], METHOD),
  rule("method", "acute", ["think", "method"], METHOD),
  rule("method", "acute", ["now", "method"], { ...METHOD, clause: true }),
  rule("method", "acute", ["method", "when"], { ...METHOD, clause: true }),
  rule("method", "acute", ["method", "verb1"], { ...METHOD, unless: [], sameToken: true }),
  rule("method", "acute", ["method", "verb3"], { sameToken: true }),
  rule("passive", "concern", ["method", "cond"], { window: 1 }),
  rule("method", "concern", ["lethal", "pills"], { window: 4 }),
  rule("method", "concern", ["firearm", "think"], { window: 8 }),
  // Imminent danger: pills taken, a dangerous place, means prepared or in hand.
  rule("overdose", "acute", ["overdose_past"], DANGER),
  rule("overdose", "acute", ["swallow_past", "pills", "alcohol_mix"], { ...DANGER, window: 6 }),
  rule("imminent", "acute", ["place_strong"], DANGER),
  rule("imminent", "acute", ["place_weak", "stance", "now"], {
    ...DANGER,
    window: 5,
    clause: true,
  }),
  rule("imminent", "acute", ["place_high", "look_down", "stance"], { ...DANGER, window: 6 }),
  rule("imminent", "acute", ["means_body"], DANGER),
  rule("imminent", "acute", ["garage", "exhaust"], { ...DANGER, window: 10 }),
  rule("imminent", "acute", ["means", "prepared"], { ...DANGER, clause: false }),
  rule("imminent", "acute", ["means", "at_hand", "now"], {
    ...DANGER,
    window: 5,
    clause: true,
    unless: ["benign_means"],
  }),
  rule("imminent", "acute", ["means_with", "now"], {
    ...DANGER,
    window: 5,
    clause: true,
    unless: ["benign_means"],
  }),
  rule("imminent", "acute", ["firearm", "holding"], { ...DANGER, window: 12 }),
  rule("imminent", "acute", ["holding"], {
    ...DANGER,
    inMessage: ["firearm"],
    withAny: ["now", "prepared"],
  }),
  rule("imminent", "acute", ["prepared"], { ...DANGER, inMessage: ["firearm"] }),
  rule("imminent", "acute", ["gas_open", "sealed"], { ...DANGER, window: 10, clause: false }),
  rule("overdose", "acute", ["swallow_past", "pills", "pill_lot"], { ...DANGER, window: 4 }),
  rule("overdose", "acute", ["swallow_past", "pill_all", "pills"], {
    window: 3,
    lowerBy: ["medical"],
  }),
  rule("overdose", "acute", ["pills_taken"], { lowerBy: ["medical"] }),
  // An overdose said in the future: all or a pack of pills is acute; pills tonight are acute
  // beside other risk or means got hold of («знаю, где взять»), concern when said alone.
  rule("overdose", "acute", ["swallow_fut", "pill_all", "pills"], {
    ...WISH,
    window: 3,
    lowerBy: ["medical"],
  }),
  rule("overdose", "acute", ["swallow_fut", "pills", "pill_lot"], {
    ...WISH,
    window: 6,
    clause: false,
    lowerBy: ["medical"],
  }),
  rule("overdose", "acute", ["swallow_fut", "pill_all", "get_means"], {
    ...WISH,
    window: 3,
    clause: false,
    lowerBy: ["medical"],
  }),
  rule("overdose", "raise", ["swallow_fut", "pills", "now"], {
    window: 8,
    clause: false,
    alone: "concern",
    primedBy: ["get_means", "not_for"],
    lowerBy: ["medical"],
    lowerByMessage: ["benign_means"],
  }),
  rule("overdose", "raise", ["swallow_fut", "pills", "when"], {
    window: 8,
    clause: false,
    alone: "concern",
    primedBy: ["get_means", "not_for"],
    lowerBy: ["medical"],
    lowerByMessage: ["benign_means"],
  }),
  rule("imminent", "raise", ["presence", "height"], {
    ...PRESENT,
    window: 2,
    lowerNear: ["benign_place"],
  }),
  rule("imminent", "raise", ["height_bare"], { ...PRESENT, lowerNear: ["benign_place"] }),
  rule("imminent", "raise", ["means_held"], {
    ...PRESENT,
    otherConcern: true,
    lowerByMessage: ["benign_means", "medical", "accident"],
  }),
  // Weaker signs of the same: acute only next to other risk (here or in the recent messages).
  rule("imminent", "raise", ["place_weak"], {
    ...DANGER,
    otherConcern: true,
    lowerNear: ["benign_place"],
  }),
  rule("imminent", "raise", ["means", "at_hand"], {
    ...DANGER,
    lowerBy: ["medical", "accident"],
    primedBy: ["not_for"],
  }),
  rule("imminent", "raise", ["firearm", "at_hand"], { ...DANGER, window: 10 }),
  rule("imminent", "raise", ["means", "bought"], {
    ...DANGER,
    lowerByMessage: ["benign_means", "medical"],
    primedBy: ["not_for"],
  }),
  rule("imminent", "raise", ["means_with"], DANGER),
  rule("overdose", "raise", ["swallow_past", "pills", "minutes_ago"], {
    ...DANGER,
    window: 4,
    clause: false,
    lowerBy: ["medical"],
  }),
  // A jump planned for a day ("going up there next week to jump").
  rule("intent", "acute", ["jump_bare", "when"], {
    ...WISH,
    window: 8,
    clause: false,
    withAny: ["plan", "want"],
    otherConcern: true,
    lowerBy: ["sport"],
  }),
  rule("imminent", "raise", ["jump_bare", "want"], JUMP),
  rule("imminent", "raise", ["jump_bare", "plan"], JUMP),
  rule("imminent", "raise", ["jump_bare", "now"], { ...JUMP, clause: true }),
  rule("imminent", "raise", ["jump_bare", "verb1"], { ...JUMP, sameToken: true }),
  rule("imminent", "raise", ["jump_bare", "verb3"], { ...JUMP, sameToken: true }),
  rule("imminent", "raise", ["do_it", "now"], {
    ...DANGER,
    clause: true,
    window: 4,
    primedBy: ["no_one_home"],
  }),
  rule("imminent", "raise", ["now_alone"], { imminent: true }),
  // In the garage now, with everything prepared (two signs, each weak alone).
  rule("imminent", "raise", ["garage", "now"], { ...DANGER, window: 6, primedBy: ["plan_strong"] }),
  // "Game over" said of oneself: acute only beside another sign.
  rule("intent", "raise", ["game_over"], { weak: true }),
  rule("imminent", "raise", ["do_it", "when"], { window: 4 }),
  rule("intent", "raise", ["think", "do_it"], { window: 2 }),
  rule("intent", "raise", ["plan_strong"]),
  rule("intent", "raise", ["scout"], { primedBy: ["distress"], lowerNear: ["benign_place"] }),
  rule("intent", "raise", ["dont_stop"]),
  rule("method", "acute", ["research", "lethal"], { ...WISH, window: 3 }),
  rule("overdose", "raise", ["swallow_past", "pills"], {
    window: 3,
    otherConcern: true,
    lowerBy: ["medical"],
  }),
  // Farewells and euphemisms.
  rule("farewell", "acute", ["farewell"], { lowerByMessage: ["declutter"], real: "before" }),
  rule("farewell", "acute", ["farewell_strong"], { real: "before" }),
  rule("farewell", "raise", ["farewell_weak"], {
    lowerByMessage: ["declutter"],
    otherConcern: true,
  }),
  rule("farewell", "acute", ["farewell_note"], { real: "before" }),
  rule("farewell", "raise", ["farewell_letter"], { otherConcern: true }),
  rule("farewell", "raise", ["not_needed"], { otherConcern: true, unless: ["give_away"] }),
  rule("ambiguous", "concern", ["give_away", "not_needed"], {
    window: 8,
    clause: false,
    weak: true,
    lowerByMessage: ["declutter"],
  }),
  // Self-harm now or recently.
  rule("self_harm", "acute", ["cut_verb", "harm_target"], { ...HARM, window: 2 }),
  rule("self_harm", "acute", ["harm_refl"], { ...HARM, lowerBy: ["accident"] }),
  rule("self_harm", "acute", ["harm_noun", "fresh"], HARM),
  rule("self_harm", "acute", ["harm_noun", "again"], HARM),
  rule("self_harm", "acute", ["harm_body"], { ...HARM, inMessage: ["again"] }),
  rule("self_harm", "acute", ["harm_word", "self_state"], {
    ...HARM,
    window: 2,
    unless: ["past_attempt"],
  }),
  rule("self_harm", "acute", ["harm_word"], {
    ...HARM,
    inMessage: ["again"],
    unless: ["past_attempt"],
  }),
  rule("self_harm", "acute", ["did_again"], { ...HARM, inMessage: ["harm_site"] }),
  // A blade kept hidden: self-harm now when used again and again, concern alone.
  rule("self_harm", "acute", ["blade_hidden"], { ...HARM, inMessage: ["again"] }),
  rule("self_harm", "concern", ["blade_hidden"], HARM),
  rule("self_harm", "concern", ["harm_word"], { ...HARM, withAny: ["subj_self", "verb1"] }),
  rule("self_harm", "concern", ["harm_body"], HARM),
  rule("self_harm", "concern", ["harm_noun"], { ...HARM, withAny: ["subj_other"] }),
  // Violence against the writer, now or threatened.
  rule("violence", "acute", ["attack", "me"], ATTACK),
  rule("violence", "acute", ["attack_past", "me", "again"], { ...ATTACK, window: 4 }),
  rule("violence", "acute", ["attack_bare", "again"], ATTACK),
  rule("violence", "acute", ["attack_bare"], {
    ...ATTACK,
    withAny: ["stalk", "threaten", "when", "now"],
  }),
  rule("violence", "acute", ["threat_kill", "aggression"], {
    ...ATTACK,
    window: 6,
    unless: ["end_life"],
  }),
  rule("violence", "acute", ["threaten", "threat_kill"], {
    ...ATTACK,
    window: 4,
    unless: ["end_life"],
  }),
  rule("violence", "acute", ["threat_kill", "self_mark"], {
    ...ATTACK,
    withAny: ["threaten", "aggression", "fear"],
    unless: ["end_life"],
  }),
  rule("violence", "acute", ["threaten", "weapon"], { ...ATTACK, window: 2 }),
  rule("violence", "acute", ["aggression", "weapon"], { ...ATTACK, withAny: ["abuser"] }),
  rule("violence", "acute", ["stalk"], {
    ...ATTACK,
    inMessage: ["fear", "aggression", "threaten", "alone_dark"],
    unless: ["subj_thing"],
  }),
  rule("violence", "acute", ["confine"], { ...ATTACK, lowerBy: ["accident"] }),
  rule("violence", "acute", ["approach"], {
    ...ATTACK,
    inMessage: ["aggression", "fear", "abuser", "attack_past"],
  }),
  rule("violence", "acute", ["break_in"], ATTACK),
  rule("violence", "acute", ["armed_other"], {
    ...ATTACK,
    inMessage: ["attack", "attack_past", "threaten", "fear"],
  }),
  rule("violence", "acute", ["danger"], ATTACK),
  rule("violence", "concern", ["attack_past", "me"], { ...ATTACK, window: 4 }),
  // Concern: passive wishes, hopelessness, ambiguous words, past attempts, the suicide word.
  rule("passive", "concern", ["passive"]),
  rule("passive", "concern", ["think", "death_noun"], { window: 2 }),
  rule("passive", "concern", ["indiff", "crash"], { window: 8, clause: false, self: true }),
  rule("ambiguous", "concern", ["join_dead"], { inMessage: ["death_ctx"] }),
  rule("hopeless", "concern", ["hopeless"], { weak: true }),
  rule("ambiguous", "concern", ["ambiguous"], { weak: true }),
  rule("ambiguous", "concern", ["end_all"], { weak: true }),
  rule("ambiguous", "concern", ["gone"], { weak: true }),
  rule("ambiguous", "concern", ["omen"], { real: true }),
  // Leaving everyone ("освободить всех от себя", "уйду насовсем"): not when retiring or quitting.
  rule("ambiguous", "concern", ["leave_all"], { weak: true, lowerByMessage: ["plain_sense"] }),
  rule("ambiguous", "concern", ["stopped_eating", "give_away"], {
    window: 8,
    clause: false,
    weak: true,
  }),
  rule("suicide_word", "concern", ["suicide_word"], { withAny: ["subj_self", "verb1"] }),
  rule("suicide_word", "concern", ["suicide_word"], {
    withAny: ["subj_other"],
    unless: ["subj_self"],
  }),
  rule("suicide_word", "concern", ["end_life"], { unless: ["end_life_past"] }),
  rule("past", "concern", ["past_attempt"], { real: true, negatable: false }),
  rule("past", "concern", ["attempt_bare"], { real: true, withAny: ["past_time"] }),
  ...VEILED_RULES,
];

/** Classes the analysis reads besides the rules' own. */
export const FRAME_CLASSES = [
  "neg",
  "hedge",
  "reassure",
  "dream",
  "fiction",
  "news",
  "study",
  "joke",
  "serious",
  "wake",
  "past_time",
  "recent_time",
  "minutes_ago",
  "now",
  "present_cue",
  "subj_self",
  "subj_other",
  "subj_thing",
  "self_mark",
  "speech",
  "verb1",
  "verb3",
] as const;

/** Every class the rules and frames read (all must exist in the lexicon). */
export function ruleClasses(rules: readonly Rule[] = RULES): string[] {
  const names = new Set<string>(FRAME_CLASSES);
  for (const r of rules) {
    const lists = [
      r.parts,
      r.lowerBy,
      r.lowerByMessage,
      r.lowerNear,
      r.unless,
      r.withAny,
      r.inMessage,
      r.primedBy,
      r.keptBy,
    ];
    for (const list of lists) {
      for (const p of list ?? []) names.add(p);
    }
  }
  return [...names];
}
