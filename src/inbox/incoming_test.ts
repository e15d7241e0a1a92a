// The inbox's own reading of a raw update agrees with grammY's: the chat key the poller and the
// webhook store is the one the bot's dialog state uses (chatKey(ctx)), for every kind of update
// the fuzz test makes and for the update kinds that carry no message.

import assert from "node:assert/strict";
import { Context } from "grammy";
import type { Update } from "grammy/types";
import { chatKey } from "../bot/context.ts";
import { Fuzzer } from "../../tests/harness/fuzz.ts";
import { ALICE, BOT_INFO, Updates } from "../../tests/harness/telegram.ts";
import { inboxItem, limitKind, updateChatKey } from "./incoming.ts";

const grammyKey = (u: Update) => chatKey(new Context(u, undefined!, BOT_INFO));

Deno.test("updateChatKey: the same key as grammY's chatKey for 2,000 fuzzed updates", () => {
  const u = new Updates();
  const fuzz = new Fuzzer(7, u);
  for (let i = 0; i < 2000; i++) {
    const { update } = fuzz.next(ALICE, []);
    const stored = inboxItem(update);
    assert.equal(updateChatKey(stored.payload as Update), grammyKey(stored.payload as Update));
  }
});

Deno.test("updateChatKey: updates without a message — members, reactions, queries, none", () => {
  const chat = { id: -100123, type: "supergroup" as const, title: "g" };
  const from = { id: 42, is_bot: false, first_name: "A" };
  const cases: Update[] = [
    {
      update_id: 1,
      my_chat_member: {
        chat: { id: 42, type: "private", first_name: "A" },
        from,
        date: 1,
        old_chat_member: { status: "member", user: from },
        new_chat_member: { status: "kicked", user: from, until_date: 0 },
      },
    },
    {
      update_id: 2,
      message_reaction: {
        chat,
        message_id: 1,
        user: from,
        date: 1,
        old_reaction: [],
        new_reaction: [],
      },
    },
    { update_id: 3, inline_query: { id: "q", from, query: "", offset: "" } },
    {
      update_id: 4,
      pre_checkout_query: {
        id: "p",
        from,
        currency: "RUB",
        total_amount: 1,
        invoice_payload: "x",
      },
    },
    {
      update_id: 5,
      callback_query: { id: "c", from, chat_instance: "i", inline_message_id: "m", data: "d" },
    },
    { update_id: 6 } as Update,
  ];
  for (const update of cases) assert.equal(updateChatKey(update), grammyKey(update));
  assert.equal(inboxItem({ update_id: 6 }).chatKey, "update:6");
});

Deno.test("limitKind: words, a command, a tap, or not limited", () => {
  const u = new Updates();
  assert.equal(limitKind(u.text(ALICE, "привет")), "words");
  assert.equal(limitKind(u.command(ALICE, "/menu")), "command");
  assert.equal(limitKind(u.callback(ALICE, "menu", 1)), "tap");
  const group = u.text(ALICE, "привет");
  (group.message as { chat: { type: string } }).chat.type = "group";
  assert.equal(limitKind(group), undefined);
  assert.equal(limitKind({ update_id: 9 }), undefined);
});
