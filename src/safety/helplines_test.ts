// The help lines file: every line has a source and says whom it serves; texts are built from it.

import assert from "node:assert/strict";
import { formatLine, helpList, loadHelplines, mainNumber, parseHelplines } from "./helplines.ts";

Deno.test("the shipped help lines parse, each with a source, and the children's line says so", async () => {
  const h = await loadHelplines();
  assert.ok(h.crisis.length >= 2);
  assert.ok(h.violence.length >= 1);
  for (const l of [...h.crisis, ...h.violence]) assert.ok(l.source.length >= 10, l.id);
  const children = h.crisis.find((l) => l.number === "8-800-2000-122");
  assert.ok(children);
  assert.match(formatLine(children), /для детей, подростков и родителей/);
  assert.equal(mainNumber(h), "8-800-2000-122");
});

Deno.test("violence: 112 first, then the violence line; at risk: listening lines, 112 last", async () => {
  const h = await loadHelplines();
  const violence = helpList(h, { violence: true }).split("\n");
  assert.match(violence[0]!, /<b>112<\/b>/);
  assert.match(violence[1]!, /8-800-7000-600/);
  const crisis = helpList(h).split("\n");
  assert.match(crisis[0]!, /8-800-2000-122/);
  assert.match(crisis.at(-1)!, /<b>112<\/b>/);
  assert.ok(!crisis.some((l) => l.includes("8-800-7000-600")));
});

Deno.test("a line without a source is refused", () => {
  assert.throws(() =>
    parseHelplines({
      about: "x",
      lines: [{
        id: "x",
        number: "1",
        name: "n",
        serves: "s",
        hours: "h",
        region: "r",
        free: true,
        for: ["crisis"],
      }],
    })
  );
});
