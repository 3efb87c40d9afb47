//! Exactness, read back once the sale is over (rate limit off): every share paid by exactly one
//! transfer of the right amount to the right account, per Stripe's own objects, and the ledger
//! saying the same; and what each Stripe endpoint was asked, from the server's request log.

use std::collections::{BTreeMap, BTreeSet};

use payouts::ShareState;
use payouts::memory::MemoryLedger;
use payouts::ports::Ledger as _;
use serde_json::{Value, json};

use crate::stack::{Control, text};

/// One seller's expected transfer per order.
pub struct Expected<'a> {
    pub orders: &'a [String],
    /// (user id, Stripe account) per seller.
    pub sellers: &'a [(String, String)],
    pub net: i64,
}

pub async fn exactness(control: &Control, ledger: &MemoryLedger, want: &Expected<'_>) -> Value {
    let transfers = all_transfers(control).await;
    // order → destination → amounts of its transfers there.
    let mut paid: BTreeMap<String, BTreeMap<String, Vec<i64>>> = BTreeMap::new();
    for t in &transfers {
        let group = t["transfer_group"].as_str().unwrap_or_default().to_owned();
        paid.entry(group)
            .or_default()
            .entry(text(&t["destination"]))
            .or_default()
            .push(t["amount"].as_i64().unwrap_or(0));
    }
    let (mut exact, mut missing, mut doubled, mut wrong_amount, mut ledger_disagrees) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let known: BTreeSet<&String> = want.orders.iter().collect();
    let strays = paid.keys().filter(|o| !known.contains(o)).count();
    for order in want.orders {
        for (user, account) in want.sellers {
            let amounts = paid
                .get(order)
                .and_then(|d| d.get(account))
                .cloned()
                .unwrap_or_default();
            match amounts[..] {
                [] => missing += 1,
                [amount] if amount == want.net => exact += 1,
                [_] => wrong_amount += 1,
                _ => doubled += 1,
            }
            let share = ledger.share(order, user).await.ok().flatten();
            let recorded = share.is_some_and(|s| {
                s.state == ShareState::Transferred && s.transfer_id.is_some() && s.net == want.net
            });
            if !recorded {
                ledger_disagrees += 1;
            }
        }
    }
    json!({
        "shares": want.orders.len() * want.sellers.len(),
        "transfers": transfers.len(),
        "exact": exact,
        "missing": missing,
        "doubled": doubled,
        "wrong_amount": wrong_amount,
        "stray_groups": strays,
        "ledger_disagrees": ledger_disagrees,
    })
}

/// Every transfer on the server, page by page (newest first).
async fn all_transfers(control: &Control) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    loop {
        let cursor = out
            .last()
            .map(|t| format!("&starting_after={}", text(&t["id"])))
            .unwrap_or_default();
        let page = control
            .api_get(&format!("transfers?limit=100{cursor}"))
            .await;
        out.extend(page["data"].as_array().cloned().unwrap_or_default());
        if page["has_more"] != json!(true) {
            return out;
        }
    }
}

/// The Stripe calls the sale made, per endpoint: admitted, refused (429), replayed.
pub async fn calls(control: &Control) -> Value {
    let mut per_endpoint = serde_json::Map::new();
    for endpoint in [
        "GET /v1/charges/{id}",
        "POST /v1/transfers",
        "GET /v1/transfers",
    ] {
        let query: String = url_encode(endpoint);
        let log = control.get(&format!("requests?endpoint={query}")).await;
        let entries = log["requests"].as_array().cloned().unwrap_or_default();
        let refused = entries.iter().filter(|e| e["status"] == 429).count();
        let replayed = entries.iter().filter(|e| e["replayed"] == true).count();
        per_endpoint.insert(
            endpoint.to_owned(),
            json!({
                "admitted": entries.len() - refused,
                "refused": refused,
                "replayed": replayed,
            }),
        );
    }
    Value::Object(per_endpoint)
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
