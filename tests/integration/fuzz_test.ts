// Ten thousand malformed updates through the in-process bot (issue 17): onboarded users press
// buttons with impossible ids, type text with control characters, send text that is not a
// string, and mix in updates of every other kind (tests/harness/fuzz.ts). Bad input is answered
// as a stale button or unsupported media is: no error is logged, nobody gets an apology, every
// button press is answered exactly once, and a press with an impossible id gets the stale toast.

import assert from "node:assert/strict";
import { onboardAs, startTestBot } from "../harness/bot.ts";
import { buttons, type Person, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { Fuzzer } from "../harness/fuzz.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { STALE_BUTTON } from "../../src/bot/nav.ts";

const SEED = 17;
const COUNT = 10_000;
/** Users fuzzed side by side (each user's updates in order, as Telegram delivers them). */
const PEOPLE: Person[] = Array.from({ length: 6 }, (_, i) => ({
  id: 300_001 + i,
  first_name: `Fuzz${i}`,
  language_code: "ru",
}));

Deno.test({
  name:
    `fuzz: ${COUNT} malformed updates log no error and get no apology; every press answered once`,
  // The OpenAI mock's server and the bot's keep-alive connections to it outlive single updates.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using openai = await startOpenAiMock();
    await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl, freeDailyMessages: 30 });
    const u = new Updates();
    for (const who of PEOPLE) await onboardAs(t, u, who);

    const shown = new Map<number, string[]>();
    const answers = new Map<string, (string | undefined)[]>();
    const pressed = new Set<string>();
    const impossible = new Set<string>();
    let apologies = 0;
    let seen = 0;
    // Reads the calls made since last time: the buttons each chat was shown, the answers to
    // presses and any apology; then forgets them, so memory stays flat.
    const tally = () => {
      for (const { method, payload } of t.api.calls.slice(seen)) {
        if (payload.text === APOLOGY) apologies++;
        if (method === "answerCallbackQuery") {
          const id = String(payload.callback_query_id);
          answers.set(id, [...answers.get(id) ?? [], payload.text as string | undefined]);
        }
        const data = buttons(payload);
        if (data.length > 0) shown.set(Number(payload.chat_id), data);
      }
      seen = t.api.calls.length;
      if (seen > 5_000) (t.api.clear(), seen = 0);
    };

    const started = performance.now();
    let generated = 0;
    await Promise.all(PEOPLE.map(async (who, lane) => {
      const fuzz = new Fuzzer(SEED * 1000 + lane, u);
      while (generated < COUNT) {
        const { update, callbackId, impossibleId } = fuzz.next(who, shown.get(who.id) ?? []);
        generated++;
        if (callbackId) pressed.add(callbackId);
        if (callbackId && impossibleId) impossible.add(callbackId);
        await t.handle(update);
        tally();
      }
    }));
    tally();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${generated} updates (${pressed.size} button presses, ${impossible.size} with ` +
        `an impossible id) in ${seconds.toFixed(1)} s`,
    );

    assert.equal(generated, COUNT);
    const errors = t.log.lines.filter((l) => l.startsWith("ERROR"));
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} error lines`);
    assert.equal(apologies, 0);
    const unanswered = [...pressed].filter((id) => !answers.has(id));
    const twice = [...answers].filter(([, texts]) => texts.length !== 1).map(([id]) => id);
    const unknown = [...answers.keys()].filter((id) => !pressed.has(id));
    assert.deepEqual({ unanswered, twice, unknown }, { unanswered: [], twice: [], unknown: [] });
    // An impossible id is a stale button: its toast says so, unless the press was already
    // answered silently within the bound (callbacks.ts) while the inbox had it queued.
    const notStale = [...impossible].filter((id) => {
      const text = answers.get(id)?.[0];
      return text !== STALE_BUTTON && text !== undefined && text !== null;
    }).map((id) => `${id}: ${JSON.stringify(answers.get(id))}`);
    assert.deepEqual(notStale, []);
    assert.ok(pressed.size > 2_000 && impossible.size > 500, `${pressed.size}, ${impossible.size}`);
  },
});
