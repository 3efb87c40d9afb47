"""The flash-sale section: not measured at full size yet; says what stands instead."""

TEXT = """## 5. Flash sale

Not measured at full size yet (10,000 orders of 3 sellers against Stripe's 100 requests per
second: see issue 15). What stands: the local Stripe server enforces a rate limit
(`/_control/rate_limit`, a token bucket answering Stripe's 429 `rate_limit`), and
`functions/webhook/tests/flash_sale.rs` proves the inline design converges exactly once through
it, scaled down: 30 orders of 3 sellers paid at once against 20 requests per second (120 Stripe
calls), the 429s answered 503 and redelivered by the server with backoff, every share paid by
exactly one transfer of the right amount (about 8 s on this machine, asserted only for
exactness).
"""


def render(raw, charts):
    return TEXT
