// Dates as users read them: DD.MM.YYYY in Moscow time.

const DATE = new Intl.DateTimeFormat("ru-RU", {
  timeZone: "Europe/Moscow",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});

/** "24.12.2026" */
export function formatDate(date: Date): string {
  return DATE.format(date);
}
