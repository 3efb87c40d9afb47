"""Round trips per operation: the table tests/metrics-proof/tests/round_trips.rs prints (and
asserts against its budgets), captured by scripts/bench.sh into round_trips.md."""

HEADER = """## 2. Round trips

What each operation costs in calls to DynamoDB (recorded on the function's own client by the IAM
proof's interceptor) and to Stripe (the local Stripe server's request log), one request at a time
through the functions' real handlers (`tests/metrics-proof/tests/round_trips.rs`). The counts are
deterministic, so that test asserts each one against its budget (the comment above each budget
says what every call is for): a change that adds a round trip fails `make test`.

"""

FOOTER = """
Per seller share, a payment costs 4 DynamoDB calls (the seller's account, the share's conditional
put, the transfer attempt claimed, the transfer recorded: the three writes are what exactly-once
needs) and one Stripe transfer; per order, the event check, the payment read (a redelivery stops
there), the order's claim (one transaction with its charge index), the event marked processed,
and one Stripe read of the charge's settlement. A refund costs per share the reversal attempt
claimed and recorded, then the share and the payment re-read (a concurrent delivery may have
moved the claim), and Stripe's transfer read (its reversed total) plus the reversal.
"""


def render(raw, charts):
    table = raw / "round_trips.md"
    if not table.exists():
        return "## 2. Round trips\n\nNot measured in this run (round_trips.md missing).\n"
    return HEADER + table.read_text().strip() + "\n" + FOOTER
