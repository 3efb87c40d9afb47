import { createMarketplaceService, type MarketplaceService } from "../services/marketplaceService";
import { MOCK_API } from "./handlers";

/** The balance examples' clock: 1764167430 is 30 s after the complete example's as_of. */
export const MOCK_NOW = 1764167430;

/** A service on the mocks' origin with a fixed clock; `refreshed` is the token after a refresh. */
export function mockService(): MarketplaceService {
  return createMarketplaceService({
    baseUrl: MOCK_API,
    getToken: () => "seller-token",
    refreshToken: async () => "refreshed",
    now: () => MOCK_NOW,
  });
}
