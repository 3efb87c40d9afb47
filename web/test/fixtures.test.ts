// The mocks cannot drift from the API: every MSW handler's answer is validated against the
// operation's schema in docs/openapi.yaml for its status and media type (Ajv, JSON Schema
// 2020-12, OpenAPI 3.1's dialect), the generated files match the document, and the kit's
// landing codes are the document's.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { HttpHandler } from "msw";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { balanceHandlers, onboardHandlers, payoutsHandlers } from "../src/mocks/handlers";
import { parseLanding } from "../src/services/marketplaceService";
import { server } from "./setup";

const doc = parse(readFileSync(resolve(process.cwd(), "../docs/openapi.yaml"), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...doc, $id: "openapi" });

const esc = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
function validate(path: string, method: string, status: number, media: string, body: unknown) {
  const response = doc.paths[path][method].responses[String(status)];
  expect(response, `${method} ${path} ${status} is documented`).toBeDefined();
  expect(Object.keys(response.content), `${status} lists ${media}`).toContain(media);
  const validator = ajv.getSchema(`openapi#/paths/${esc(path)}/${method}/responses/${status}/content/${esc(media)}/schema`);
  expect(validator).toBeDefined();
  const ok = validator!(body);
  expect(ok, JSON.stringify(validator!.errors)).toBe(true);
}

const routes: [string, string, Record<string, HttpHandler>][] = [
  ["/api/v1/sell/balance", "get", balanceHandlers],
  ["/api/v1/sell/connect/onboard", "post", onboardHandlers],
  ["/api/v1/sell/payouts", "get", payoutsHandlers],
];

describe("MSW fixtures", () => {
  for (const [path, method, handlers] of routes) {
    for (const [name, handler] of Object.entries(handlers)) {
      it(`${method.toUpperCase()} ${path} ${name} answers what the contract documents`, async () => {
        server.use(handler);
        const res = await fetch(`http://api.test${path}`, { method: method.toUpperCase(), headers: { authorization: "Bearer x" } });
        const media = (res.headers.get("content-type") ?? "").split(";")[0]!;
        validate(path, method, res.status, media, await res.json());
        if (media === "application/problem+json" && (res.status === 429 || res.status === 503)) {
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        }
      });
    }
  }

  it("a body the contract does not have is refused (the check is real)", () => {
    const validator = ajv.getSchema(`openapi#/paths/${esc("/api/v1/sell/balance")}/get/responses/200/content/application~1json/schema`)!;
    expect(validator({ status: "complete", available: [], pending: [], as_of: 1 })).toBe(false);
    expect(validator({ status: "not_started", available: [], pending: [], extra: 1 })).toBe(false);
  });

  it("the generated client types and examples match docs/openapi.yaml", () => {
    execFileSync(process.execPath, [resolve(process.cwd(), "scripts/generate.mjs"), "--check"], { stdio: "pipe" });
  });

  it("the kit explains every landing code of the contract, and only those", () => {
    for (const code of doc.components.schemas.LandingErrorCode.enum as string[]) {
      expect(parseLanding(`?onboarding=error&code=${code}`)).toEqual({ outcome: "error", code });
    }
    for (const outcome of doc.components.schemas.LandingOutcome.enum as string[]) {
      expect(parseLanding(`?onboarding=${outcome}`)?.outcome).toBe(outcome);
    }
  });
});
