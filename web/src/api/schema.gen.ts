// GENERATED from docs/openapi.yaml by `npm run generate`: do not edit.
export interface paths {
    "/api/v1/sell/connect/onboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start or resume the seller's Stripe Connect (Express) onboarding
         * @description Creates the seller's Express account on first use (or reuses it) and answers a fresh single-use onboarding link, or, once onboarding is complete, an Express dashboard link.
         */
        post: operations["connectOnboard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sell/connect/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stripe's refresh_url and return_url (a browser redirect, authenticated by the signed state)
         * @description Not called by the page's code: Stripe sends the seller's browser here. A browser never lands on JSON: every answer is a 302 (only another method gets a problem).
         */
        get: operations["connectCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sell/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The seller's Stripe balance per currency (always the token's own account)
         * @description Cached for BALANCE_CACHE_TTL_SECONDS; when Stripe is unavailable a cached balance at most 24 h old is served with stale: true and its original as_of, otherwise 503/429 (retryable).
         */
        get: operations["getSellerBalance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sell/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The seller's payout history, newest first (always the token's own shares)
         * @description Each of the seller's shares of an order: gross, fee, net, what was transferred (the transfer and any repayments) and reversed, its state and its events. Cursor pages: starting_after is the order_id of the last item of the previous page; has_more says whether to ask. Read from the ledger only (no Stripe call): index reads are eventually consistent, so a share written a moment ago may show on the next read.
         */
        get: operations["listSellerPayouts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Platform webhook endpoint (payments, refunds, disputes)
         * @description Stripe's deliveries (payment_intent.succeeded, charge.refunded, refund.created/updated/failed, charge.refund.updated, charge.dispute.created/funds_withdrawn/funds_reinstated/closed/updated). The signature is verified over the raw bytes first; then the event is processed exactly once. 200 for processed, duplicate, ignored and rejected (recorded) events; 400 when the signature or payload is not acceptable (nothing stored); 503 so that Stripe redelivers.
         */
        post: operations["stripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/stripe/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connect webhook endpoint (account.updated)
         * @description Stripe's deliveries (account.updated). The signature is verified over the raw bytes first; then the event is processed exactly once. 200 for processed, duplicate, ignored and rejected (recorded) events; 400 when the signature or payload is not acceptable (nothing stored); 503 so that Stripe redelivers.
         */
        post: operations["stripeConnectWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Money: {
            /** @description minor units (cents); may be negative (Stripe balances can be) */
            amount: number;
            /** @description lower-case ISO 4217 */
            currency: string;
        };
        /**
         * @description not_started: no Stripe account; pending: onboarding not finished; restricted: Stripe needs more information; complete: details submitted, charges and payouts enabled
         * @enum {string}
         */
        Status: "not_started" | "pending" | "restricted" | "complete";
        /** @description POST /onboard's answer: a link to continue onboarding, or the dashboard link once complete */
        OnboardingStatus: components["schemas"]["OnboardingLink"] | components["schemas"]["OnboardingComplete"];
        OnboardingLink: {
            /** @enum {string} */
            status: "pending" | "restricted";
            stripe_account_id: string;
            details_submitted: boolean;
            charges_enabled: boolean;
            payouts_enabled: boolean;
            /** @description Stripe's currently_due and past_due requirements */
            requirements_due: string[];
            /** @description Stripe's requirements.disabled_reason, when it has one */
            disabled_reason?: string;
            /**
             * Format: uri
             * @description Stripe's Account Link: single use, send the browser there
             */
            onboarding_url: string;
            /** @description unix seconds when onboarding_url expires */
            expires_at: number;
        };
        OnboardingComplete: {
            /** @constant */
            status: "complete";
            stripe_account_id: string;
            details_submitted: boolean;
            charges_enabled: boolean;
            payouts_enabled: boolean;
            /** @description Stripe's currently_due and past_due requirements */
            requirements_due: string[];
            /** @description Stripe's requirements.disabled_reason, when it has one */
            disabled_reason?: string;
            /**
             * Format: uri
             * @description an Express dashboard login link (single use)
             */
            dashboard_url: string;
        };
        /** @description GET /balance's answer */
        Balance: components["schemas"]["BalanceNotReady"] | components["schemas"]["BalanceReady"];
        /** @description Onboarding not complete: no balance yet (show "Set up payouts") */
        BalanceNotReady: {
            /** @enum {string} */
            status: "not_started" | "pending" | "restricted";
            available: components["schemas"]["Money"][];
            pending: components["schemas"]["Money"][];
        };
        BalanceReady: {
            /** @constant */
            status: "complete";
            /** @description one entry per currency */
            available: components["schemas"]["Money"][];
            /** @description one entry per currency */
            pending: components["schemas"]["Money"][];
            /** @description unix seconds when Stripe reported these figures */
            as_of: number;
            /** @description true when Stripe was unavailable and a cached balance (at most 24 h old) is served: show its age */
            stale: boolean;
        };
        PayoutPage: {
            data: components["schemas"]["PayoutItem"][];
            /** @description more items follow the last one (ask with starting_after = its order_id) */
            has_more: boolean;
        };
        /** @description One share: what the buyer paid for the seller's items (gross), the platform fee, the seller's net; transferred - reversed is what the seller holds from it. Integer minor units of currency (of settlement.currency for transferred, reversed and the events when settlement is present). */
        PayoutItem: {
            order_id: string;
            /** @description unix seconds */
            created_at: number;
            currency: string;
            gross: number;
            fee: number;
            net: number;
            /**
             * @description held: waiting for the seller's onboarding; pending: being transferred; paid; void: refunded in full before any transfer; reversed / partially_reversed: refunds or a dispute took (part of) it back; disputed: a dispute is open or was lost
             * @enum {string}
             */
            state: "held" | "pending" | "paid" | "void" | "reversed" | "partially_reversed" | "disputed";
            /** @description sent to the seller (the transfer and any repayments) */
            transferred: number;
            /** @description taken back by transfer reversals */
            reversed: number;
            /** @description the Stripe transfer, once made */
            transfer_id?: string;
            /** @description When the charge settled in another currency than it was paid in: the net converted at the charge's own rate (floored). transferred, reversed and the events' amounts are then in this currency. */
            settlement?: {
                currency: string;
                amount: number;
            };
            events: components["schemas"]["PayoutEvent"][];
        };
        PayoutEvent: {
            /** @description unix seconds */
            at: number;
            /** @enum {string} */
            kind: "held" | "paid" | "withheld" | "restored" | "reversed" | "repaid" | "void" | "dispute_opened" | "dispute_withdrawn" | "dispute_won" | "dispute_lost" | "dispute_closed";
            /** @description minor units moved (0 for a state or a dispute stage) */
            amount: number;
        };
        Received: {
            /** @constant */
            received: true;
            /**
             * @description the event was already processed
             * @constant
             */
            duplicate?: true;
        };
        /**
         * @description The `onboarding` query parameter the callback puts on FRONTEND_URL
         * @enum {string}
         */
        LandingOutcome: "complete" | "pending" | "restricted" | "error";
        /**
         * @description The `code` query parameter with onboarding=error: the page explains it and continues through POST /onboard
         * @enum {string}
         */
        LandingErrorCode: "state_invalid" | "state_expired" | "state_used" | "mode_invalid" | "seller_account_not_found" | "upstream_unavailable" | "rate_limited" | "internal";
        /** @description API Gateway's own error body (HTTP API): only a message, no code, no request_id, no Retry-After header. */
        EdgeMessage: {
            /**
             * @example Not Found
             * @example Too Many Requests
             * @example Internal Server Error
             * @example Service Unavailable
             */
            message: string;
        };
        /** @enum {string} */
        Category: "auth" | "validation" | "not_found" | "conflict" | "rate_limited" | "upstream" | "internal";
        /** @description RFC 9457 problem document; `code` is the stable machine code (see each operation's enum) */
        Problem: {
            /** @description urn:veza:problem:<code> */
            type: string;
            title: string;
            status: number;
            /** @description human-readable, safe to show; never an internal cause */
            detail: string;
            code: string;
            category: components["schemas"]["Category"];
            retryable: boolean;
            /** @description quote it when reporting a problem */
            request_id: string;
            /** @description the request field that failed */
            param?: string;
        };
        /** @enum {string} */
        OnboardErrorCode: "invalid_json" | "token_missing" | "token_malformed" | "token_expired" | "token_invalid" | "not_a_seller" | "seller_id_unsupported" | "method_not_allowed" | "stripe_account_taken" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "internal_error" | "stripe_account_missing" | "stripe_refused" | "stripe_bad_link" | "upstream_unavailable";
        OnboardProblem: components["schemas"]["Problem"] & {
            code: components["schemas"]["OnboardErrorCode"];
        };
        /** @enum {string} */
        BalanceErrorCode: "token_missing" | "token_malformed" | "token_expired" | "token_invalid" | "not_a_seller" | "method_not_allowed" | "payload_too_large" | "rate_limited" | "internal_error" | "stripe_account_missing" | "stripe_refused" | "upstream_unavailable";
        BalanceProblem: components["schemas"]["Problem"] & {
            code: components["schemas"]["BalanceErrorCode"];
        };
        /** @enum {string} */
        PayoutsErrorCode: "token_missing" | "token_malformed" | "token_expired" | "token_invalid" | "not_a_seller" | "method_not_allowed" | "payload_too_large" | "limit_invalid" | "cursor_invalid" | "internal_error" | "upstream_unavailable";
        PayoutsProblem: components["schemas"]["Problem"] & {
            code: components["schemas"]["PayoutsErrorCode"];
        };
        /** @enum {string} */
        CallbackErrorCode: "method_not_allowed" | "payload_too_large" | "rate_limited" | "internal_error";
        CallbackProblem: components["schemas"]["Problem"] & {
            code: components["schemas"]["CallbackErrorCode"];
        };
        /** @enum {string} */
        WebhookErrorCode: "signature_missing" | "signature_invalid" | "signature_expired" | "payload_invalid" | "livemode_mismatch" | "route_not_found" | "method_not_allowed" | "payload_too_large" | "internal_error" | "upstream_unavailable" | "ledger_contention";
        WebhookProblem: components["schemas"]["Problem"] & {
            code: components["schemas"]["WebhookErrorCode"];
        };
    };
    responses: never;
    parameters: {
        /** @description t=<unix>,v1=<hex HMAC-SHA256 of 't.body'> (several v1 values during a secret roll) */
        StripeSignature: string;
    };
    requestBodies: {
        StripeEvent: {
            content: {
                "application/json": Record<string, never>;
            };
        };
    };
    headers: {
        /** @description the one method the route answers (RFC 9110) */
        Allow: "GET" | "POST";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    connectOnboard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /** @example {} */
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The seller's status, with an onboarding link (not complete) or a dashboard link (complete) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OnboardingStatus"];
                };
            };
            /** @description The request is not acceptable (problem+json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 400;
                        /** @enum {unknown} */
                        code?: "invalid_json";
                    };
                };
            };
            /** @description Missing, malformed, expired or invalid token (token_expired: refresh it and retry once) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 401;
                        /** @enum {unknown} */
                        code?: "token_missing" | "token_malformed" | "token_expired" | "token_invalid";
                    };
                };
            };
            /** @description Authenticated, but not allowed */
            403: {
                headers: {
                    /** @description error="insufficient_scope" for not_a_seller */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 403;
                        /** @enum {unknown} */
                        code?: "not_a_seller" | "seller_id_unsupported";
                    };
                };
            };
            /** @description API Gateway routes no such method and path: {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description Conflict with the stored state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 409;
                        /** @enum {unknown} */
                        code?: "stripe_account_taken";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 415;
                        /** @enum {unknown} */
                        code?: "unsupported_media_type";
                    };
                };
            };
            /** @description Rate limited, retryable after Retry-After (problem+json); or API Gateway's own throttling ({"message"}, no Retry-After: back off) */
            429: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 429;
                        /** @enum {unknown} */
                        code?: "rate_limited";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error (a bug or a misconfiguration: not retryable; quote request_id); or API Gateway's {"message":"Internal Server Error"} when the function crashed or timed out */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Stripe answered but refused for good: not retryable, contact support */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 502;
                        /** @enum {unknown} */
                        code?: "stripe_account_missing" | "stripe_refused" | "stripe_bad_link";
                    };
                };
            };
            /** @description Stripe or DynamoDB unavailable, retryable after Retry-After (problem+json); or API Gateway's {"message":"Service Unavailable"} */
            503: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["OnboardProblem"] & {
                        /** @constant */
                        status?: 503;
                        /** @enum {unknown} */
                        code?: "upstream_unavailable";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
    connectCallback: {
        parameters: {
            query: {
                mode: "refresh" | "return";
                /** @description minted by the API (signed, 30 minutes, names the seller) */
                state: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description refresh: to a fresh Stripe onboarding link (once per state); return: to FRONTEND_URL?onboarding=complete|pending|restricted (LandingOutcome). Every failure is also a 302, to FRONTEND_URL?onboarding=error&code=<LandingErrorCode>. */
            302: {
                headers: {
                    Location: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description API Gateway routes no such method and path: {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CallbackProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CallbackProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description Rate limited (problem+json with Retry-After), or API Gateway's own throttling ({"message"}, no Retry-After) */
            429: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CallbackProblem"] & {
                        /** @constant */
                        status?: 429;
                        /** @enum {unknown} */
                        code?: "rate_limited";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error when the redirect itself cannot be built; or API Gateway's {"message":"Internal Server Error"} */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CallbackProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description API Gateway's {"message":"Service Unavailable"} (the callback itself redirects every failure) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
    getSellerBalance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Balance, or a non-error answer saying onboarding is not done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Balance"];
                };
            };
            /** @description Missing, malformed, expired or invalid token (token_expired: refresh it and retry once) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 401;
                        /** @enum {unknown} */
                        code?: "token_missing" | "token_malformed" | "token_expired" | "token_invalid";
                    };
                };
            };
            /** @description Authenticated, but not allowed */
            403: {
                headers: {
                    /** @description error="insufficient_scope" for not_a_seller */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 403;
                        /** @enum {unknown} */
                        code?: "not_a_seller";
                    };
                };
            };
            /** @description API Gateway routes no such method and path: {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description Rate limited, retryable after Retry-After (problem+json); or API Gateway's own throttling ({"message"}, no Retry-After: back off) */
            429: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 429;
                        /** @enum {unknown} */
                        code?: "rate_limited";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error (a bug or a misconfiguration: not retryable; quote request_id); or API Gateway's {"message":"Internal Server Error"} when the function crashed or timed out */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Stripe answered but refused for good: not retryable, contact support */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 502;
                        /** @enum {unknown} */
                        code?: "stripe_account_missing" | "stripe_refused";
                    };
                };
            };
            /** @description Stripe or DynamoDB unavailable, retryable after Retry-After (problem+json); or API Gateway's {"message":"Service Unavailable"} */
            503: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["BalanceProblem"] & {
                        /** @constant */
                        status?: 503;
                        /** @enum {unknown} */
                        code?: "upstream_unavailable";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
    listSellerPayouts: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 100 */
                limit?: number;
                /** @description the order_id of the last item of the previous page (one of the seller's own orders) */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PayoutPage"];
                };
            };
            /** @description A bad limit or cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 400;
                        /** @enum {unknown} */
                        code?: "limit_invalid" | "cursor_invalid";
                    };
                };
            };
            /** @description Missing, malformed, expired or invalid token (token_expired: refresh it and retry once) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 401;
                        /** @enum {unknown} */
                        code?: "token_missing" | "token_malformed" | "token_expired" | "token_invalid";
                    };
                };
            };
            /** @description Authenticated, but not allowed */
            403: {
                headers: {
                    /** @description error="insufficient_scope" for not_a_seller */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 403;
                        /** @enum {unknown} */
                        code?: "not_a_seller";
                    };
                };
            };
            /** @description API Gateway routes no such method and path: {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description API Gateway's own throttling ({"message"}, no Retry-After: back off) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error (a bug or a misconfiguration: not retryable; quote request_id); or API Gateway's {"message":"Internal Server Error"} when the function crashed or timed out */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description DynamoDB unavailable, retryable after Retry-After (problem+json); or API Gateway's {"message":"Service Unavailable"} */
            503: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PayoutsProblem"] & {
                        /** @constant */
                        status?: 503;
                        /** @enum {unknown} */
                        code?: "upstream_unavailable";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
    stripeWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description t=<unix>,v1=<hex HMAC-SHA256 of 't.body'> (several v1 values during a secret roll) */
                "Stripe-Signature": components["parameters"]["StripeSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["StripeEvent"];
        responses: {
            /** @description Processed, duplicate, ignored or rejected (recorded): Stripe must not retry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Received"];
                };
            };
            /** @description The request is not acceptable (problem+json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 400;
                        /** @enum {unknown} */
                        code?: "signature_missing" | "signature_invalid" | "signature_expired" | "payload_invalid" | "livemode_mismatch";
                    };
                };
            };
            /** @description route_not_found: the webhook function answered a path it does not serve (problem+json); or API Gateway's {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 404;
                        /** @enum {unknown} */
                        code?: "route_not_found";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description Rate limited, retryable after Retry-After (problem+json); or API Gateway's own throttling ({"message"}, no Retry-After: back off) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error (a bug or a misconfiguration: not retryable; quote request_id); or API Gateway's {"message":"Internal Server Error"} when the function crashed or timed out */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Stripe or DynamoDB failed transiently: Stripe redelivers the event (problem+json); or API Gateway's {"message":"Service Unavailable"} */
            503: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 503;
                        /** @enum {unknown} */
                        code?: "upstream_unavailable" | "ledger_contention";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
    stripeConnectWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description t=<unix>,v1=<hex HMAC-SHA256 of 't.body'> (several v1 values during a secret roll) */
                "Stripe-Signature": components["parameters"]["StripeSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["StripeEvent"];
        responses: {
            /** @description Processed, duplicate, ignored or rejected (recorded): Stripe must not retry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Received"];
                };
            };
            /** @description The request is not acceptable (problem+json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 400;
                        /** @enum {unknown} */
                        code?: "signature_missing" | "signature_invalid" | "signature_expired" | "payload_invalid" | "livemode_mismatch";
                    };
                };
            };
            /** @description route_not_found: the webhook function answered a path it does not serve (problem+json); or API Gateway's {"message":"Not Found"} */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 404;
                        /** @enum {unknown} */
                        code?: "route_not_found";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Another method on this path: answered by the function when a route reaches it */
            405: {
                headers: {
                    Allow: components["headers"]["Allow"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 405;
                        /** @enum {unknown} */
                        code?: "method_not_allowed";
                    };
                };
            };
            /** @description The body is larger than MAX_BODY_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 413;
                        /** @enum {unknown} */
                        code?: "payload_too_large";
                    };
                };
            };
            /** @description Rate limited, retryable after Retry-After (problem+json); or API Gateway's own throttling ({"message"}, no Retry-After: back off) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description internal_error (a bug or a misconfiguration: not retryable; quote request_id); or API Gateway's {"message":"Internal Server Error"} when the function crashed or timed out */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 500;
                        /** @enum {unknown} */
                        code?: "internal_error";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
            /** @description Stripe or DynamoDB failed transiently: Stripe redelivers the event (problem+json); or API Gateway's {"message":"Service Unavailable"} */
            503: {
                headers: {
                    /** @description Seconds to wait: on every problem+json 429/503, never on API Gateway's own answers */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WebhookProblem"] & {
                        /** @constant */
                        status?: 503;
                        /** @enum {unknown} */
                        code?: "upstream_unavailable" | "ledger_contention";
                    };
                    "application/json": components["schemas"]["EdgeMessage"];
                };
            };
        };
    };
}
