// The `make dev` stack for the browser test: scripts/dev.sh on free ports (API, local Stripe,
// the seller page; moto too unless DYNAMODB_ENDPOINT is set), its own tables and test-only
// secrets, in its own process group. Ready when dev.sh prints "Local stack is up" (after every
// function answered and the page listens); `stop()` sends SIGTERM to the group and waits.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const READY = "Local stack is up";

export interface Stack {
  api: string;
  stripe: string;
  /** The seller page (FRONTEND_URL). */
  page: string;
  feeBps: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export async function startStack(logDir: string, timeoutMs: number): Promise<Stack> {
  mkdirSync(logDir, { recursive: true });
  const [api, stripe, web] = [await freePort(), await freePort(), await freePort()];
  const secret = (prefix: string) => prefix + randomBytes(24).toString("hex");
  const id = randomBytes(5).toString("hex");
  const feeBps = 1000;
  const env: Record<string, string> = {};
  const drop = /^(STRIPE_|JWT_|PUBLIC_API_URL$|FRONTEND_URL$|.*_TABLE$|npm_|CARGO_PKG_|CARGO_MANIFEST_|INIT_CWD$)/;
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.test(k)) env[k] = v;
  Object.assign(env, {
    DEV_ENV_FILE: "/dev/null",
    STRIPE_MODE: "local",
    DEV_NO_RELOAD: "1",
    DEV_LOG_DIR: logDir,
    API_PORT: String(api),
    STRIPE_LOCAL_PORT: String(stripe),
    FRONTEND_URL: `http://localhost:${web}/sell`,
    JWT_ALGORITHM: "HS256",
    JWT_SECRET: secret("browser-jwt-"),
    ONBOARDING_STATE_SECRET: secret("browser-state-"),
    STRIPE_WEBHOOK_SECRET: secret("whsec_"),
    STRIPE_CONNECT_WEBHOOK_SECRET: secret("whsec_"),
    PLATFORM_FEE_BPS: String(feeBps),
    // The test reads the balance right after the money moved.
    BALANCE_CACHE_TTL_SECONDS: "1",
  });
  for (const table of ["SELLER_ACCOUNTS", "PAYOUT_LEDGER", "WEBHOOK_EVENTS", "BALANCE_CACHE"]) {
    env[`${table}_TABLE`] = `web${id}-${table.toLowerCase().replaceAll("_", "-")}`;
  }
  if (!env.DYNAMODB_ENDPOINT) {
    delete env.DYNAMODB_ENDPOINT;
    env.DYNAMODB_PORT = String(await freePort());
  }
  const logFile = resolve(logDir, "dev.log");
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn("bash", [resolve(ROOT, "scripts/dev.sh")], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const killed = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 60_000);
    await exited;
    clearTimeout(killed);
  };
  await new Promise<void>((ready, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`the stack did not start in ${timeoutMs} ms (see ${logFile})`)), timeoutMs);
    const watch = (chunk: Buffer) => {
      log.write(chunk);
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(READY)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on("data", watch);
    child.stderr!.on("data", watch);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`scripts/dev.sh exited (${code}) before the stack was up:\n${readFileSync(logFile, "utf8").slice(-3000)}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { api: `http://127.0.0.1:${api}`, stripe: `http://127.0.0.1:${stripe}`, page: `http://localhost:${web}/sell`, feeBps, stop };
}
