// Generates src/api/schema.gen.ts (openapi-typescript) and src/api/examples.gen.ts (every
// response example of docs/openapi.yaml, by operationId, status and media type) from the
// contract. `--check` regenerates in memory and fails when the committed files differ (CI).
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { parse } from "yaml";

const contract = new URL("../../docs/openapi.yaml", import.meta.url);
const header = "// GENERATED from docs/openapi.yaml by `npm run generate`: do not edit.\n";

const deref = (doc, node) =>
  node && typeof node.$ref === "string"
    ? node.$ref.slice(2).split("/").reduce((n, k) => n[k.replaceAll("~1", "/").replaceAll("~0", "~")], doc)
    : node;

function examples(doc) {
  const out = {};
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      const byStatus = {};
      for (const [status, response] of Object.entries(op.responses)) {
        const content = deref(doc, response).content ?? {};
        for (const [media, body] of Object.entries(content)) {
          const named = Object.entries(body.examples ?? {}).map(([name, ex]) => [name, deref(doc, ex).value]);
          if (body.example !== undefined) named.push(["example", body.example]);
          if (named.length) (byStatus[status] ??= {})[media] = Object.fromEntries(named);
        }
      }
      out[op.operationId] = byStatus;
    }
  }
  return out;
}

const doc = parse(await readFile(contract, "utf8"));
const files = {
  "../src/api/schema.gen.ts": header + astToString(await openapiTS(contract)),
  "../src/api/examples.gen.ts":
    header +
    "/** Every response example of the contract: examples[operationId][status][mediaType][name]. */\n" +
    `export const examples = ${JSON.stringify(examples(doc), null, 2)} as const;\n`,
};

let stale = [];
for (const [relative, text] of Object.entries(files)) {
  const path = fileURLToPath(new URL(relative, import.meta.url));
  if (process.argv.includes("--check")) {
    const current = await readFile(path, "utf8").catch(() => "");
    if (current !== text) stale.push(path);
  } else {
    await writeFile(path, text);
  }
}
if (stale.length) {
  console.error(`generated files differ from docs/openapi.yaml: ${stale.join(", ")}\nrun: npm --prefix web run generate`);
  process.exit(1);
}
