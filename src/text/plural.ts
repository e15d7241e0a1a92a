// Russian plural forms: plural(2, ["раз", "раза", "раз"]) → "2 раза".

export function plural(n: number, [one, few, many]: readonly [string, string, string]): string {
  const d = n % 10, h = n % 100;
  const word = d === 1 && h !== 11 ? one : d >= 2 && d <= 4 && (h < 12 || h > 14) ? few : many;
  return `${n} ${word}`;
}
