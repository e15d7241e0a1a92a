// The command list shown in Telegram's menu (setMyCommands).

export const BOT_COMMANDS: ReadonlyArray<{ command: string; description: string }> = [
  { command: "start", description: "Начать" },
  { command: "menu", description: "Главное меню" },
  { command: "helper", description: "Поговорить о том, что волнует" },
  { command: "soulsleep", description: "Разобрать сон" },
  { command: "quiz", description: "Психологические квизы" },
  { command: "profile", description: "Мой профиль" },
  { command: "my_profile", description: "Психологический профиль" },
  { command: "settings", description: "Стиль ответов" },
  { command: "subscription", description: "Подписка" },
  { command: "deletecontext", description: "Забыть текущий разговор" },
  { command: "sos", description: "Мне тяжело: упражнения и телефоны помощи" },
  { command: "plan", description: "Мой план безопасности" },
  { command: "helplines", description: "Телефоны доверия и экстренной помощи" },
  { command: "help", description: "Помощь и контакты поддержки" },
  { command: "export_my_data", description: "Скачать мои данные" },
  { command: "delete_me", description: "Удалить мои данные" },
];
