// /helplines: the help lines at once, before consent too, and without ending the flow the user is
// in; the list is the same one /sos shows.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { ALICE, buttons, Updates } from "../../../tests/harness/telegram.ts";
import { startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { helplinesText } from "../screens/crisis.ts";
import { SAFETY } from "../triage.ts";
import { loadHelplines } from "../../safety/helplines.ts";
import { BOT_COMMANDS } from "../commands.ts";
import { helpText } from "./help.ts";

const helplines = await loadHelplines();

Deno.test("helplines: before consent /helplines shows every help line and the way to /sos", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/helplines"));
  const [sent] = t.api.of("sendMessage");
  assert.equal(sent?.text, helplinesText(helplines));
  for (const line of [...helplines.crisis, ...helplines.violence]) {
    assert.ok(String(sent?.text).includes(line.number), line.id);
  }
  assert.equal(buttons(sent)[0], SAFETY.sos);
  // Nothing else: no consent screen in front of the numbers.
  assert.equal(t.api.of("sendMessage").length, 1);
});

Deno.test("helplines: /helplines in a chat keeps the chat — the next message is answered", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", text: "Я рядом." });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.command(ALICE, "/helplines"), u.text(ALICE, "Спасибо, мне просто тревожно"));
  assert.equal(openai.requests.length, 1);
  assert.equal(t.api.texts().at(-1), "Я рядом.");
});

Deno.test("helplines: the command is in Telegram's menu and in /help", () => {
  assert.ok(BOT_COMMANDS.some((c) => c.command === "helplines"));
  assert.match(helpText(helplines), /\/helplines/);
});
