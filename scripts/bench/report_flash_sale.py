"""The flash-sale section: bench/src/bin/flash-sale's runs (flash_sale*.json), one row each.

flash_sale.json is the design as deployed (the transfer queue); flash_sale_<variant>.json are the
design before it and its levers, measured with the same sale (scripts/bench.sh runs them when
BENCH_FLASH_VARIANTS asks).
"""

import json

from chart import lines

LAMBDA_TIMEOUT_S = 25  # the webhook's Timeout in template.yaml

MODEL = """Simulated in one process (`bench/src/bin/flash-sale/`): the local Stripe server enforcing
Stripe's rate limit, {sellers} sellers onboarded through the webhook, then {orders:,} orders of one
share per seller paid evenly within {arrival:.0f} s. Each `payment_intent.succeeded` goes to
`webhook::handle` itself (signature, flows, a real `stripe-adapter` client with its in-process
retries, the in-memory stores of `payouts::memory` in place of DynamoDB) in one of
{concurrency:,} handler instances (Lambda's default concurrency; none free = throttled), cut off at
the Lambda timeout (25 s). A non-2xx answer is delivered again, as Stripe does: Stripe publishes
no live-mode intervals ("exponential backoff for up to three days"), so the model redelivers after
{redelivery:.0f} s, doubling each time (±20 %, at most an hour) — optimistic next to Stripe.

**The designs.** *Queued* (deployed): the webhook sends each payment to the transfer queue as a
job and answers 200 without calling Stripe; the transfer worker (the event source mapping's
`MaximumConcurrency` instances, batches of up to 10 jobs run at once, patient retries, a failed
job visible again after the worker's first backoff, a batch cut off after the queue's visibility
timeout) runs the payment flow from the job
(`payout_flows::worker::run_job`, the in-memory queue of `payouts::memory` in place of SQS).
*Inline* (before): the webhook runs the payment flow inside the delivery.

**The limit:** one token bucket of {rate:.0f} requests per second (burst {rate:.0f}) over every
call, Stripe's documented global live-mode limit. Stripe's older pages gave reads and writes 100
each; its current page adds a default of 25 per second per endpoint, which would make
`POST /v1/transfers` alone take {per_endpoint_s:,.0f} s unless Stripe raises it. **The bound:**
the calls the design cannot avoid at that limit: one settlement read per order and one transfer
per share, {needed:,} calls = {bound:,.0f} s ({transfers_bound:,.0f} s for the transfers alone).
**Exact** counts the shares paid by exactly one transfer of the right amount to the right
account, read back from the server's transfers, with the ledger agreeing."""


# The levers in the order they were tried (scripts/bench.sh's BENCH_FLASH_VARIANTS).
VARIANTS = ["slow", "inline", "patient", "gated"]


def _order(path):
    variant = path.stem.removeprefix("flash_sale").removeprefix("_")
    return (variant != "", VARIANTS.index(variant) if variant in VARIANTS else len(VARIANTS), variant)


def _runs(raw):
    paths = sorted(raw.glob("flash_sale*.json"), key=_order)
    return [json.loads(p.read_text()) for p in paths]


def _fmt(value, spec=",.0f", missing="–"):
    return missing if value is None else format(value, spec)


def _row(run):
    k, d, s, x = run["knobs"], run["deliveries"], run["stripe"], run["exactness"]
    ends = s["per_endpoint"]
    calls = "{} / {} / {}".format(
        _fmt(ends["GET /v1/charges/{id}"]["admitted"]),
        _fmt(ends["POST /v1/transfers"]["admitted"]),
        _fmt(ends["GET /v1/transfers"]["admitted"]),
    )
    paid = _fmt(run["all_paid_s"])
    ratio = "–" if run["ratio"] is None else f"{run['ratio']:.2f}×"
    if run["all_paid_s"] is None:
        # Stopped at the deadline: the shares still unpaid wait for a redelivery, not lost.
        paid = f"not by {k['deadline_s']:.0f}"
        ratio = f"> {k['deadline_s'] / run['bound_s']:.2f}×"
    most = max((int(n) for n in d["attempts_per_event"]), default=0)
    unpaid = run["undelivered_at_deadline"] * k["sellers"]
    # What a deadline cannot explain: a share missing although its event was delivered, paid
    # twice or wrongly, or paid at Stripe without the ledger knowing.
    wrong = x["doubled"] + x["wrong_amount"] + x["stray_groups"] + max(0, x["missing"] - unpaid)
    wrong += max(0, x["ledger_disagrees"] - x["missing"])
    exact = f"{x['exact']:,} / {x['shares']:,}"
    if unpaid:
        exact += f" ({x['missing']:,} unpaid at the deadline)"
    if wrong:
        exact += f" ({wrong:,} WRONG)"
    alarms = f"{run['metrics']['Errors']:,.0f} / {d['timed_out']:,} / {run['metrics']['TransfersFailed']:,.0f}"
    return (
        f"| {run['label']} | {paid} | {_fmt(run['bound_s'])} | {ratio} | {calls} | "
        f"{_fmt(s['refused_429'])} | {d['redeliveries']:,} | {d['throttled']:,} | {most} | {alarms} | {exact} |"
    )


def _idle(run):
    """Share of the limit left unused between the first payment and the last share paid."""
    if not run["all_paid_s"]:
        return None
    # The bucket starts full (one second's burst), so the ratio can pass 1 by that much.
    return max(0.0, 1 - run["stripe"]["admitted"] / (run["knobs"]["rate_per_s"] * run["all_paid_s"]))


def _chart(runs, path):
    base = runs[0]
    k = base["knobs"]
    shares = k["orders"] * k["sellers"]
    # The fastest transfers can go: the limit, less the one settlement read per order.
    pace = k["rate_per_s"] * k["sellers"] / (k["sellers"] + 1)
    end = max(r["timeline"][-1]["t"] for r in runs if r["timeline"])
    xs = [0, shares / pace, end]
    reference = ("what the limit allows", xs, [0, shares, shares])
    series = [
        (r["label"], [p["t"] for p in r["timeline"]], [p["transfers"] for p in r["timeline"]])
        for r in runs
    ]
    lines(path, "Flash sale: shares paid over time", "s since the first payment", "transfers", series, reference)


def _reading_queued(run):
    """Why the queued design lands where it does, from its own figures."""
    w, k = run["knobs"]["worker"], run["knobs"]
    done = run["worker"]
    lookups = run["stripe"]["per_endpoint"]["GET /v1/transfers"]["admitted"]
    idle = _idle(run)
    idle_text = "" if idle is None else f"; the limit sat unused {idle:.0%} of the time until all was paid"
    return f"""**Reading (queued).** The webhook makes no Stripe call for a payment, so the spike cannot
fail a delivery: {run['metrics']['Errors']:,.0f} 5xx, {run['deliveries']['redeliveries']:,} redeliveries. The
worker's {w['instances']} instances × {w['batch']} jobs keep more calls asking than the limit admits, and
its patient retries ({w['retry']['attempts']} attempts, {w['retry']['base_ms']}–{w['retry']['max_ms']} ms) ride out the
429s inside a job, so the limit is busy from the first payment to the last transfer{idle_text}.
{done['failed_messages']:,} jobs failed and waited the worker's backoff;
{done['timed_out_batches']:,} batches hit the function's {w['timeout_s']:.0f} s timeout. A retry sends the key
Stripe still holds instead of looking the transfer up ({lookups:,} look-ups), so the calls are
the bound's: {run['stripe']['admitted'] - run['calls_needed']:,} beyond it."""


def _reading_inline(run):
    """Why the design before the queue landed where it did, from its own figures."""
    k = run["knobs"]
    idle = _idle(run)
    idle_text = "" if idle is None else f" ({idle:.0%} of the time until all was paid)"
    most = max((int(n) for n in run["deliveries"]["attempts_per_event"]), default=1)
    waits = sum(k["redelivery_first_s"] * 2**i for i in range(most - 1))
    return f"""**Reading (inline, before the queue).** A delivery can hold its work for {LAMBDA_TIMEOUT_S} s at
most (the Lambda timeout; API Gateway's is 30 s) while the sale queues {run['bound_s']:,.0f} s of
Stripe work, so most events are finished by Stripe's redeliveries, which come back in waves
({k['redelivery_first_s']:.0f} s after a failure, then doubling): the plateaus of the chart, where the limit sits
unused{idle_text}; the last events needed {most} attempts, whose redeliveries alone wait about
{waits:,.0f} s. Patient in-process retries and a bound on the calls in flight shorten the waves but
cannot remove them: the backlog outlives any one delivery. Hence the queue: work that outlives
the delivery."""


def _readings(runs):
    out = []
    for design, reading in (("queued", _reading_queued), ("inline", _reading_inline)):
        first = next((r for r in runs if r["knobs"].get("design", "inline") == design), None)
        if first is not None:
            out += [reading(first), ""]
    return out


def render(raw, charts):
    head = "## 5. Flash sale\n"
    runs = _runs(raw)
    if not runs:
        return head + "\nNot measured in this run (flash_sale.json missing).\n"
    base = runs[0]
    k = base["knobs"]
    text = MODEL.format(
        sellers=k["sellers"],
        orders=k["orders"],
        arrival=k["arrival_s"],
        concurrency=k["concurrency"],
        redelivery=k["redelivery_first_s"],
        rate=k["rate_per_s"],
        per_endpoint_s=k["orders"] * k["sellers"] / 25,
        needed=base["calls_needed"],
        bound=base["bound_s"],
        transfers_bound=base["transfers_bound_s"],
    )
    out = [
        head,
        text,
        "",
        "| design | all paid s | bound s | ÷ bound | Stripe calls admitted: reads / transfers / look-ups "
        "| 429s | redeliveries | throttled | most attempts of one event | 5xx / Lambda timeouts / TransfersFailed | exact |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    out += [_row(r) for r in runs]
    out.append("")
    for r in runs:
        idle = _idle(r)
        retry = r["knobs"]["retry"]
        gate = r["knobs"]["stripe_calls_in_flight"]
        extra = r["stripe"]["admitted"] - r["calls_needed"]
        worker = r["knobs"].get("worker")
        out.append(
            f"- **{r['label']}** (webhook adapter retries: {retry['attempts']} attempts, {retry['base_ms']}–{retry['max_ms']} ms"
            + (f"; at most {gate} Stripe calls in flight" if gate else "")
            + (f"; Stripe answering in {r['knobs']['stripe_latency_ms']} ms" if r["knobs"].get("stripe_latency_ms") else "")
            + (
                f"; worker: {worker['instances']} instances × {worker['batch']} jobs, {worker['retry']['attempts']} attempts "
                f"{worker['retry']['base_ms']}–{worker['retry']['max_ms']} ms, timeout {worker['timeout_s']:.0f} s, visibility {worker['visibility_s']:.0f} s"
                if worker
                else ""
            )
            + (f"): {extra:,} calls beyond the bound's" if r["all_paid_s"] else f"): {r['stripe']['admitted']:,} calls admitted by the deadline")
            + ("" if idle is None else f", the limit unused {idle:.0%} of the time until all was paid")
            + f"; run took {r['wall_s']:.0f} s."
        )
    out += [""] + _readings(runs) + ["![flash sale](bench/flash_sale.png)", ""]
    _chart(runs, charts / "flash_sale.png")
    return "\n".join(out)
