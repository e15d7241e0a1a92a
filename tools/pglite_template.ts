// `deno task pglite:template`: makes src/db/pglite_template.tar.br anew with the installed PGlite
// (after an upgrade of @electric-sql/pglite; src/db/pglite_template_test.ts says when).

import { makeTemplate, TEMPLATE_URL } from "../src/db/pglite_template.ts";

const bytes = await makeTemplate();
await Deno.writeFile(TEMPLATE_URL, bytes);
console.log(`Wrote ${TEMPLATE_URL.pathname} (${(bytes.length / 2 ** 20).toFixed(2)} MiB)`);
