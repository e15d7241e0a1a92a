// Tests for the narrowed config type: the secrets a literal `require` list names are typed as
// present (checked by the compiler: each @ts-expect-error must be an error).

import assert from "node:assert/strict";
import { type Config, type ConfigWith, loadConfig, type RequiredSecret } from "./config.ts";

const ENV = { BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ", OPENAI_API_KEY: "sk-test" };

Deno.test("the secrets a command requires are typed as present", () => {
  const both = loadConfig(ENV, { require: ["BOT_TOKEN", "OPENAI_API_KEY"] });
  const token: string = both.botToken;
  const key: string = both.openai.apiKey;
  assert.deepEqual([token, key], [ENV.BOT_TOKEN, ENV.OPENAI_API_KEY]);

  const bot: ConfigWith<["BOT_TOKEN"]> = loadConfig(ENV, { require: ["BOT_TOKEN"] as const });
  const botToken: string = bot.botToken;
  // @ts-expect-error: OPENAI_API_KEY was not required
  const apiKey: string = bot.openai.apiKey;
  const plain: Config = bot;
  assert.deepEqual([botToken, apiKey, plain.botToken], [ENV.BOT_TOKEN, ENV.OPENAI_API_KEY, token]);

  // @ts-expect-error: nothing required, nothing promised
  const none: string = loadConfig(ENV).botToken;
  const list: RequiredSecret[] = ["BOT_TOKEN"];
  // @ts-expect-error: a list whose contents the compiler does not know promises nothing either
  const some: string = loadConfig(ENV, { require: list }).botToken;
  assert.deepEqual([none, some], [ENV.BOT_TOKEN, ENV.BOT_TOKEN]);
});
