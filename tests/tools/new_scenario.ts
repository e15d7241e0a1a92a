// Turns a `bot --record FILE` recording into fixtures/scenarios/<name>/updates.json.
// Usage: deno task scenario:new <name> <recording.jsonl>   (then: deno task fixtures:update)

const [name, file] = Deno.args;
if (!name || !file || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: deno task scenario:new <name: a-z0-9_> <recording.jsonl>");
  Deno.exit(2);
}
const updates = (await Deno.readTextFile(file)).split("\n").filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const dir = new URL(`../../fixtures/scenarios/${name}/`, import.meta.url);
await Deno.mkdir(dir, { recursive: true });
await Deno.writeTextFile(new URL("updates.json", dir), JSON.stringify(updates, null, 2) + "\n");
console.log(`Wrote ${updates.length} updates to fixtures/scenarios/${name}/updates.json`);
console.log("Now run: deno task fixtures:update, and review the new expected.json");
