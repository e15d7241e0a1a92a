// A chat with the containerised bot, end to end: updates go into the Bot API emulator on this
// host, the bot in its container fetches them, asks the OpenAI mock (also on this host) and
// answers through the emulator — /start, consent and onboarding by the buttons, /helper, a
// message, and the model's answer delivered to the chat.

import type { FakeBotApi } from "../harness/fake_bot_api.ts";
import type { OpenAiMock } from "../harness/openai_mock.ts";
import { type Person, Updates } from "../harness/telegram.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";

const updates = new Updates();

function sentTo(api: FakeBotApi, who: Person) {
  return api.calls.filter((c) => c.method === "sendMessage:done" && c.payload.chat_id === who.id);
}

/** Onboards `who` and has one assistant exchange; returns what the user was answered. */
export async function chat(
  api: FakeBotApi,
  openai: OpenAiMock,
  who: Person,
  timeoutMs = 60_000,
): Promise<string> {
  const before = sentTo(api, who).length;
  api.push(updates.command(who, "/start"));
  await api.waitFor(() => sentTo(api, who).length > before, timeoutMs);
  const welcome = sentTo(api, who)[before]!;
  if (!String(welcome.payload.text).startsWith("Привет!")) {
    throw new Error(`the answer to /start: ${String(welcome.payload.text).slice(0, 80)}`);
  }
  const id = (welcome.result as { message_id: number }).message_id;
  api.push(
    ...[OB.consent, OB.nameDefault, OB.ageSkip, OB.genderSkip].map((d) =>
      updates.callback(who, d, id)
    ),
    updates.command(who, "/helper"),
  );
  await api.waitFor(
    () => sentTo(api, who).some((c) => String(c.payload.text).includes("Поговорить")),
    timeoutMs,
  );
  const reply = `Слышу тебя, ${who.first_name}. Что сейчас тревожит сильнее всего?`;
  openai.script({ kind: "chat", text: reply });
  const said = "Мне сегодня тревожно";
  api.push(updates.text(who, said));
  await api.waitFor(() => sentTo(api, who).some((c) => c.payload.text === reply), timeoutMs);
  const asked = openai.requests.some((r) =>
    r.path.endsWith("/chat/completions") && JSON.stringify(r.body?.messages ?? "").includes(said)
  );
  if (!asked) throw new Error("the model was not asked with the user's message");
  return reply;
}
