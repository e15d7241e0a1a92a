// The command list shown in Telegram's menu (setMyCommands). Features add theirs here.

export const BOT_COMMANDS: ReadonlyArray<{ command: string; description: string }> = [
  { command: "start", description: "Начать" },
  { command: "menu", description: "Главное меню" },
];
