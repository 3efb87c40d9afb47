import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { BALANCE_URL, balanceHandlers, MOCK_API, onboardHandlers, PAYOUTS_URL, reply } from "../src/mocks/handlers";
import { MOCK_NOW } from "../src/mocks/service";
import { createMarketplaceService, parseLanding } from "../src/services/marketplaceService";
import { server } from "./setup";

function service(refresh: () => Promise<string | null> = async () => "refreshed") {
  const refreshes: number[] = [];
  const svc = createMarketplaceService({
    baseUrl: MOCK_API,
    getToken: () => "old",
    refreshToken: async () => {
      refreshes.push(1);
      return refresh();
    },
    now: () => MOCK_NOW,
  });
  return { svc, refreshes };
}

describe("marketplaceService", () => {
  it("sends the bearer token and types the balance, with its age", async () => {
    const seen: (string | null)[] = [];
    server.use(http.get(BALANCE_URL, ({ request }) => (seen.push(request.headers.get("authorization")), reply("getSellerBalance", "200", "complete"))));
    const r = await service().svc.getSellerBalance();
    expect(seen).toEqual(["Bearer old"]);
    expect(r.ok && r.data.ageSeconds).toBe(30);
    expect(r.ok && r.data.balance.status).toBe("complete");
  });

  it("has no age before onboarding is complete", async () => {
    server.use(balanceHandlers.pending);
    const r = await service().svc.getSellerBalance();
    expect(r).toEqual({ ok: true, data: { balance: { status: "pending", available: [], pending: [] }, ageSeconds: null } });
  });

  it("refreshes an expired token once and retries with the new one", async () => {
    server.use(balanceHandlers.tokenExpiredOnce);
    const { svc, refreshes } = service();
    const r = await svc.getSellerBalance();
    expect(refreshes).toHaveLength(1);
    expect(r.ok).toBe(true);
  });

  it("concurrent calls share one refresh", async () => {
    server.use(balanceHandlers.tokenExpiredOnce);
    let token = "old";
    let refreshes = 0;
    const svc = createMarketplaceService({
      baseUrl: MOCK_API,
      getToken: () => token,
      refreshToken: async () => {
        refreshes += 1;
        token = "refreshed";
        return token;
      },
    });
    const results = await Promise.all([svc.getSellerBalance(), svc.getSellerBalance(), svc.getSellerBalance()]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(refreshes).toBe(1);
    // A later call whose token was replaced meanwhile does not refresh again.
    token = "old";
    const late = createMarketplaceService({ baseUrl: MOCK_API, getToken: () => token, refreshToken: async () => ((refreshes += 1), "refreshed") });
    server.use(http.get(BALANCE_URL, ({ request }) => {
      const auth = request.headers.get("authorization");
      if (auth === "Bearer old") token = "refreshed"; // someone else refreshed while this call was out
      return auth === "Bearer refreshed" ? reply("getSellerBalance", "200", "complete") : reply("getSellerBalance", "401", "token_expired");
    }));
    expect((await late.getSellerBalance()).ok).toBe(true);
    expect(refreshes).toBe(1);
  });

  it("retries only once: a second token_expired is returned as the error", async () => {
    let calls = 0;
    server.use(http.get(BALANCE_URL, () => (calls++, reply("getSellerBalance", "401", "token_expired"))));
    const { svc, refreshes } = service();
    const r = await svc.getSellerBalance();
    expect([calls, refreshes.length]).toEqual([2, 1]);
    expect(!r.ok && r.error.kind === "problem" && r.error.code).toBe("token_expired");
  });

  it("gives up when the refresh hook has no token", async () => {
    let calls = 0;
    server.use(http.get(BALANCE_URL, () => (calls++, reply("getSellerBalance", "401", "token_expired"))));
    const r = await service(async () => null).svc.getSellerBalance();
    expect(calls).toBe(1);
    expect(!r.ok && r.error.kind).toBe("problem");
  });

  it("does not refresh for other 401 codes", async () => {
    server.use(http.get(BALANCE_URL, () => reply("getSellerBalance", "401", "token_invalid")));
    const { svc, refreshes } = service();
    await svc.getSellerBalance();
    expect(refreshes).toHaveLength(0);
  });

  it("exposes Retry-After on rate_limited and upstream_unavailable", async () => {
    server.use(balanceHandlers.rateLimited);
    const r = await service().svc.getSellerBalance();
    expect(!r.ok && r.error).toMatchObject({ kind: "problem", status: 429, code: "rate_limited", retryable: true, retryAfterSeconds: 7 });
    server.use(onboardHandlers.unavailable);
    const o = await service().svc.connectOnboard();
    expect(!o.ok && o.error).toMatchObject({ kind: "problem", status: 503, code: "upstream_unavailable", retryAfterSeconds: 7 });
  });

  it("tells API Gateway's own answers and network failures from problems", async () => {
    server.use(balanceHandlers.gatewayThrottled);
    const r = await service().svc.getSellerBalance();
    expect(!r.ok && r.error).toEqual({ kind: "gateway", status: 429, message: "Too Many Requests", retryable: true, retryAfterSeconds: null });
    server.use(http.get(BALANCE_URL, () => HttpResponse.error()));
    const n = await service().svc.getSellerBalance();
    expect(!n.ok && n.error.kind).toBe("network");
  });

  it("parses the callback's landing states", () => {
    expect(parseLanding("?onboarding=complete")).toEqual({ outcome: "complete" });
    expect(parseLanding("?onboarding=error&code=state_used")).toEqual({ outcome: "error", code: "state_used" });
    expect(parseLanding("?onboarding=error&code=<script>")).toEqual({ outcome: "error", code: "unknown" });
    expect(parseLanding("?onboarding=bogus")).toBeNull();
    expect(parseLanding("")).toBeNull();
  });
  it("pages the payout history with the last order as the cursor, and types a bad cursor", async () => {
    const seen: string[] = [];
    server.use(
      http.get(PAYOUTS_URL, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        return url.searchParams.get("starting_after") === "nowhere"
          ? reply("listSellerPayouts", "400", "cursor_invalid")
          : reply("listSellerPayouts", "200", "history");
      }),
    );
    const { svc } = service();
    const first = await svc.listSellerPayouts({ limit: 4 });
    expect(first.ok && first.data.has_more).toBe(true);
    expect(first.ok && first.data.data.map((p) => p.state)).toEqual(["disputed", "held", "partially_reversed", "paid"]);
    const bad = await svc.listSellerPayouts({ startingAfter: "nowhere" });
    expect(!bad.ok && bad.error.kind === "problem" && bad.error.code).toBe("cursor_invalid");
    expect(seen).toEqual(["?limit=4", "?starting_after=nowhere"]);
  });
});
