// The demo page of the kit (demo/), served by `make dev` (scripts/dev.sh) at FRONTEND_URL.
// POST /dev/token mints a seller token with the local stack's mint-token tool (HS256 with the
// JWT_SECRET of VEZA_DEV_ENV, default .local/dev.env): `{"sub","expired"?}` → `{"token"}`.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = resolve(import.meta.dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? resolve(root, "target");
const mintToken = process.env.VEZA_MINT_TOKEN ?? resolve(targetDir, "debug/mint-token");
const devEnv = process.env.VEZA_DEV_ENV ?? resolve(root, ".local/dev.env");

function devToken(): Plugin {
  return {
    name: "veza-dev-token",
    configureServer(server) {
      server.middlewares.use("/dev/token", (req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          const { sub, expired } = JSON.parse(body || "{}") as { sub?: string; expired?: boolean };
          if (req.method !== "POST" || !sub || !/^[A-Za-z0-9_-]{1,64}$/.test(sub)) {
            res.statusCode = 400;
            return res.end("POST {\"sub\": \"usr_…\"}");
          }
          const args = ["--env-file", devEnv, "--sub", sub, "--ttl", expired ? "-600" : "3600"];
          execFile(mintToken, args, (error, stdout, stderr) => {
            res.statusCode = error ? 500 : 200;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(error ? { error: `${mintToken}: ${stderr || error.message}` } : { token: stdout.trim() }));
          });
        });
      });
    },
  };
}

export default defineConfig({
  root: resolve(import.meta.dirname, "demo"),
  appType: "spa",
  plugins: [react(), devToken()],
  define: { "import.meta.env.VITE_VEZA_API_URL": JSON.stringify(process.env.VEZA_API_URL ?? "http://127.0.0.1:9000") },
  // Pre-bundled at start: a first visit never triggers a dependency re-optimisation reload.
  optimizeDeps: { entries: ["main.tsx"], include: ["react", "react-dom/client", "react/jsx-dev-runtime", "openapi-fetch"] },
  server: { host: "127.0.0.1", port: Number(process.env.WEB_PORT ?? 5173), strictPort: true },
  logLevel: "info",
});
