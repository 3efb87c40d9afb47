//! Every metric, dimension and property name, in one place (see docs/METRICS.md).
//! No metric name starts with a namespace piece (`Veza`, `Payouts`): YACE would strip it.

/// EMF namespace of every record.
pub const NAMESPACE: &str = "Veza/Payouts";

// Dimensions (low-cardinality values only).
/// The function's name (`onboard`, `callback`, `balance`, `webhook`, `reconcile`).
pub const FUNCTION: &str = "Function";
/// HTTP method.
pub const METHOD: &str = "Method";
/// Route template, e.g. `/api/v1/sell/balance`.
pub const ROUTE: &str = "Route";
/// HTTP status as a string.
pub const STATUS: &str = "Status";
/// ISO currency, lower case.
pub const CURRENCY: &str = "Currency";
/// A short stable reason code, e.g. `unknown_seller`.
pub const REASON: &str = "Reason";
/// Stripe event type.
pub const EVENT_TYPE: &str = "EventType";
/// How an event or a re-drive ended: one of [`OUTCOMES`] (`WebhookEvents`) or
/// [`REDRIVE_OUTCOMES`] (`SharesRedriven`).
pub const OUTCOME: &str = "Outcome";
/// The values of the `Outcome` dimension of `WebhookEvents`.
pub const OUTCOMES: [&str; 5] = ["processed", "duplicate", "ignored", "rejected", "failed"];
/// The values of the `Outcome` dimension of `SharesRedriven` (the reconciler's re-drives).
pub const REDRIVE_OUTCOMES: [&str; 6] = [
    "settled",
    "released",
    "reversed",
    "waiting",
    "needs_human",
    "failed",
];
/// Ledger share state (`StuckShares`): one of [`STATES`].
pub const STATE: &str = "State";
/// A dispute's stage (`open`, `withdrawn`, `reinstated`, `lost`, `closed`).
pub const STAGE: &str = "Stage";
/// The values of the `State` dimension (every one is written by every reconcile run).
pub const STATES: [&str; 3] = ["pending", "held", "transferred"];

// Root properties (high-cardinality ids: never dimensions).
/// The request id.
pub const REQUEST_ID: &str = "request_id";

// Per request.
/// Count, 1 per request.
pub const REQUESTS: &str = "Requests";
/// Milliseconds of handler wall time.
pub const LATENCY: &str = "Latency";
/// 1 if status >= 500.
pub const ERRORS: &str = "Errors";
/// 1 if 400 <= status < 500.
pub const CLIENT_ERRORS: &str = "ClientErrors";

// Per cold start.
/// 1 when the runtime starts.
pub const COLD_STARTS: &str = "ColdStarts";

// Business metrics.
/// Onboard minted a link for a seller not yet complete.
pub const ONBOARDINGS_STARTED: &str = "OnboardingsStarted";
/// Onboarding became complete (once per seller).
pub const ONBOARDINGS_COMPLETED: &str = "OnboardingsCompleted";
/// payment_intent.succeeded accepted (first time).
pub const ORDERS_PAID: &str = "OrdersPaid";
/// Payment metadata invalid.
pub const PAYMENTS_REJECTED: &str = "PaymentsRejected";
/// A share was transferred.
pub const TRANSFERS_CREATED: &str = "TransfersCreated";
/// Minor units transferred.
pub const TRANSFERRED_AMOUNT: &str = "TransferredAmount";
/// Stripe refused/failed a transfer attempt.
pub const TRANSFERS_FAILED: &str = "TransfersFailed";
/// A share was held (seller cannot receive yet).
pub const SHARES_HELD: &str = "SharesHeld";
/// Minor units held.
pub const HELD_AMOUNT: &str = "HeldAmount";
/// A held share was released as a transfer.
pub const SHARES_RELEASED: &str = "SharesReleased";
/// A charge.refunded step was applied.
pub const REFUNDS: &str = "Refunds";
/// Minor units refunded to the buyer.
pub const REFUNDED_AMOUNT: &str = "RefundedAmount";
/// A transfer reversal was created.
pub const REVERSALS_CREATED: &str = "ReversalsCreated";
/// Minor units reversed.
pub const REVERSED_AMOUNT: &str = "ReversedAmount";
/// A reversal was refused: needs attention.
pub const REVERSALS_FAILED: &str = "ReversalsFailed";
/// Stripe refused a read for good (400/403): the step was answered without it; needs attention.
pub const STRIPE_REFUSALS: &str = "StripeRefusals";
/// Every verified webhook delivery.
pub const WEBHOOK_EVENTS: &str = "WebhookEvents";
/// Balance served from cache.
pub const BALANCE_CACHE_HITS: &str = "BalanceCacheHits";
/// Balance fetched from Stripe.
pub const BALANCE_CACHE_MISSES: &str = "BalanceCacheMisses";

// The reconciler (functions/reconcile).
/// Shares the reconciler re-drove, by `Outcome` (settled, released, reversed, waiting, ...).
pub const SHARES_REDRIVEN: &str = "SharesRedriven";
/// Events the reconciler handled that no delivery had.
pub const EVENTS_CAUGHT_UP: &str = "EventsCaughtUp";
/// Open shares older than the grace period after a run, by `State`.
pub const STUCK_SHARES: &str = "StuckShares";
/// Seconds since the oldest held share was last written.
pub const OLDEST_HELD_SHARE_AGE: &str = "OldestHeldShareAge";
/// An order whose ledger disagrees with Stripe, by `Reason`.
pub const DRIFT_DETECTED: &str = "DriftDetected";

// Disputes, failed refunds and repayments (payout flows).
/// Disputes recorded, by `Currency` and `Stage` (open, withdrawn, reinstated, lost, closed).
pub const DISPUTES: &str = "Disputes";
/// Amount of the disputes recorded (minor units), by `Currency` and `Stage`.
pub const DISPUTED_AMOUNT: &str = "DisputedAmount";
/// Refunds that failed after they were reported, by `Currency`.
pub const REFUNDS_FAILED: &str = "RefundsFailed";
/// Amount of the failed refunds (minor units), by `Currency`.
pub const FAILED_REFUND_AMOUNT: &str = "FailedRefundAmount";
/// Refunds whose seller metadata was rejected (nothing moved), by `Reason`.
pub const REFUNDS_REJECTED: &str = "RefundsRejected";
/// Sellers repaid by a new transfer (a failed refund, a won dispute), by `Currency`.
pub const REPAYS_CREATED: &str = "RepaysCreated";
/// Amount repaid to sellers (minor units), by `Currency`.
pub const REPAID_AMOUNT: &str = "RepaidAmount";

/// Every metric name above (for catalogue tests and dashboards checks).
pub const ALL_METRICS: [&str; 36] = [
    REQUESTS,
    LATENCY,
    ERRORS,
    CLIENT_ERRORS,
    COLD_STARTS,
    ONBOARDINGS_STARTED,
    ONBOARDINGS_COMPLETED,
    ORDERS_PAID,
    PAYMENTS_REJECTED,
    TRANSFERS_CREATED,
    TRANSFERRED_AMOUNT,
    TRANSFERS_FAILED,
    SHARES_HELD,
    HELD_AMOUNT,
    SHARES_RELEASED,
    REFUNDS,
    REFUNDED_AMOUNT,
    REVERSALS_CREATED,
    REVERSED_AMOUNT,
    REVERSALS_FAILED,
    STRIPE_REFUSALS,
    WEBHOOK_EVENTS,
    BALANCE_CACHE_HITS,
    BALANCE_CACHE_MISSES,
    SHARES_REDRIVEN,
    EVENTS_CAUGHT_UP,
    STUCK_SHARES,
    OLDEST_HELD_SHARE_AGE,
    DRIFT_DETECTED,
    DISPUTES,
    DISPUTED_AMOUNT,
    REFUNDS_FAILED,
    FAILED_REFUND_AMOUNT,
    REFUNDS_REJECTED,
    REPAYS_CREATED,
    REPAID_AMOUNT,
];

/// Every dimension name above.
pub const ALL_DIMENSIONS: [&str; 10] = [
    FUNCTION, METHOD, ROUTE, STATUS, CURRENCY, REASON, EVENT_TYPE, OUTCOME, STATE, STAGE,
];
