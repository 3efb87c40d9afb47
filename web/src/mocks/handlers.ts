// MSW handlers for every state of the seller routes, built from the contract's own examples
// (src/api/examples.gen.ts, generated from docs/openapi.yaml): a mock cannot answer anything the
// API does not document (test/fixtures.test.ts validates every answer against the schemas).
import { http, HttpResponse, type HttpHandler } from "msw";
import { examples } from "../api/examples.gen";

/** The origin the mocks answer on (give it to createMarketplaceService as baseUrl). */
export const MOCK_API = "http://api.test";
export const BALANCE_URL = `${MOCK_API}/api/v1/sell/balance`;
export const ONBOARD_URL = `${MOCK_API}/api/v1/sell/connect/onboard`;
export const PAYOUTS_URL = `${MOCK_API}/api/v1/sell/payouts`;

type Examples = typeof examples;
type Op = keyof Examples;

/** The example `name` of `operationId` for `status` and `media`, as the API would send it. */
export function reply<O extends Op, S extends keyof Examples[O] & string>(
  operationId: O,
  status: S,
  name: string,
  media: "application/json" | "application/problem+json" = Number(status) < 300 ? "application/json" : "application/problem+json",
): HttpResponse<string> {
  const byMedia = examples[operationId][status] as Record<string, Record<string, unknown>>;
  const body = byMedia[media]?.[name];
  if (body === undefined) throw new Error(`no example ${operationId} ${status} ${media} ${name}`);
  const headers: Record<string, string> = { "content-type": media };
  if (media === "application/problem+json" && (status === "429" || status === "503")) headers["retry-after"] = "7";
  if (status === "401") headers["www-authenticate"] = 'Bearer realm="veza", error="invalid_token"';
  return new HttpResponse(JSON.stringify(body), { status: Number(status), headers });
}

const balance = (status: "200" | "401" | "429" | "500" | "503", name: string, media?: "application/json") =>
  http.get(BALANCE_URL, () => reply("getSellerBalance", status, name, media));
const onboard = (status: "200" | "409" | "429" | "503", name: string) => http.post(ONBOARD_URL, () => reply("connectOnboard", status, name));

export const balanceHandlers = {
  notStarted: balance("200", "not_started"),
  pending: balance("200", "pending"),
  restricted: balance("200", "restricted"),
  complete: balance("200", "complete"),
  stale: balance("200", "stale"),
  rateLimited: balance("429", "rate_limited"),
  unavailable: balance("503", "upstream_unavailable"),
  internal: balance("500", "internal_error"),
  gatewayThrottled: balance("429", "apiGateway", "application/json"),
  /** 401 token_expired unless the request carries `Bearer refreshed`, then the complete balance. */
  tokenExpiredOnce: http.get(BALANCE_URL, ({ request }) =>
    request.headers.get("authorization") === "Bearer refreshed"
      ? reply("getSellerBalance", "200", "complete")
      : reply("getSellerBalance", "401", "token_expired"),
  ),
} satisfies Record<string, HttpHandler>;

/** The history example's first page; the page after it is empty. */
const payouts = (status: "200" | "400" | "503", name: string) =>
  http.get(PAYOUTS_URL, ({ request }) =>
    new URL(request.url).searchParams.has("starting_after")
      ? reply("listSellerPayouts", "200", "empty")
      : reply("listSellerPayouts", status, name),
  );

export const payoutsHandlers = {
  history: payouts("200", "history"),
  empty: payouts("200", "empty"),
  unavailable: payouts("503", "upstream_unavailable"),
} satisfies Record<string, HttpHandler>;

export const onboardHandlers = {
  pending: onboard("200", "pending"),
  restricted: onboard("200", "restricted"),
  complete: onboard("200", "complete"),
  taken: onboard("409", "stripe_account_taken"),
  rateLimited: onboard("429", "rate_limited"),
  unavailable: onboard("503", "upstream_unavailable"),
} satisfies Record<string, HttpHandler>;

/** Every handler, for a mock worker that answers the whole kit (first state of each route). */
export const handlers: HttpHandler[] = [balanceHandlers.complete, onboardHandlers.pending, payoutsHandlers.history];
