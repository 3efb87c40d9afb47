//! Money that waits for its charge. Stripe keeps a card charge's funds *pending* on the platform
//! until the charge's `available_on`, and a transfer funded from it (`source_transaction`) "will
//! transfer immediately but the funds will not become available until the original charge
//! becomes available": it lands in the destination's *pending* balance until the same time.
//!
//! Each pending amount is an entry keyed by when it matures; entries mature lazily, every time
//! the store is locked ([`crate::state::AppState::store`]), so moving the server's clock (or
//! making one charge available through the control API) is all it takes. A transfer keeps the key
//! of its own entry so that a reversal takes back what is still pending first.

use crate::state::Funds;
use std::collections::{BTreeMap, HashMap};

/// `(available_on, sequence)`: entries mature in time order.
pub type Key = (i64, u64);

/// How long a charge's funds stay pending: Stripe's standard card timing in the US is two
/// business days; two calendar days here (set through `POST /_control/availability`).
pub const DEFAULT_DELAY_SECONDS: i64 = 2 * 86_400;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub owner: String,
    pub currency: String,
    pub amount: i64,
}

#[derive(Debug)]
pub struct Maturing {
    /// Seconds from a charge's creation to its `available_on`.
    pub delay_seconds: i64,
    entries: BTreeMap<Key, Entry>,
    next: u64,
}

impl Default for Maturing {
    fn default() -> Self {
        Self {
            delay_seconds: DEFAULT_DELAY_SECONDS,
            entries: BTreeMap::new(),
            next: 0,
        }
    }
}

/// The balances the entries move money in: owner → currency → funds.
pub type Balances = HashMap<String, BTreeMap<String, Funds>>;

fn funds<'a>(balances: &'a mut Balances, owner: &str, currency: &str) -> &'a mut Funds {
    balances
        .entry(owner.to_owned())
        .or_default()
        .entry(currency.to_owned())
        .or_default()
}

/// Moves a matured entry's money from pending to available.
fn release(balances: &mut Balances, e: &Entry) {
    let f = funds(balances, &e.owner, &e.currency);
    f.pending -= e.amount;
    f.available += e.amount;
}

impl Maturing {
    /// Credits `amount` to `owner`: available at once when `available_on` has passed, else
    /// pending in a new entry (its key returned).
    pub fn credit(
        &mut self,
        balances: &mut Balances,
        entry: Entry,
        available_on: i64,
        now: i64,
    ) -> Option<Key> {
        let f = funds(balances, &entry.owner, &entry.currency);
        if available_on <= now {
            f.available += entry.amount;
            return None;
        }
        f.pending += entry.amount;
        self.next += 1;
        let key = (available_on, self.next);
        self.entries.insert(key, entry);
        Some(key)
    }

    /// Adds `amount` to the pending entry `key` when it is still pending; `false` when it has
    /// matured (the caller credits the money another way).
    pub fn top_up(&mut self, balances: &mut Balances, key: Option<Key>, amount: i64) -> bool {
        let Some(e) = key.and_then(|k| self.entries.get_mut(&k)) else {
            return false;
        };
        e.amount += amount;
        funds(balances, &e.owner, &e.currency).pending += amount;
        true
    }

    /// What is still pending in entry `key` (0 once it matured).
    pub fn left(&self, key: Option<Key>) -> i64 {
        key.and_then(|k| self.entries.get(&k))
            .map_or(0, |e| e.amount)
    }

    /// Takes up to `at_most` from entry `key`'s pending money; returns what it took.
    pub fn take(&mut self, balances: &mut Balances, key: Option<Key>, at_most: i64) -> i64 {
        let Some(k) = key else { return 0 };
        let Some(e) = self.entries.get_mut(&k) else {
            return 0;
        };
        let taken = at_most.clamp(0, e.amount);
        e.amount -= taken;
        funds(balances, &e.owner, &e.currency).pending -= taken;
        if e.amount == 0 {
            self.entries.remove(&k);
        }
        taken
    }

    /// Moves every entry due at `now` from pending to available.
    pub fn mature(&mut self, balances: &mut Balances, now: i64) {
        while let Some(entry) = self.entries.first_entry() {
            if entry.key().0 > now {
                break;
            }
            release(balances, &entry.remove());
        }
    }

    /// Moves the entries of `keys` to available now (a charge made available early).
    pub fn mature_now(&mut self, balances: &mut Balances, keys: &[Key]) {
        for k in keys {
            if let Some(e) = self.entries.remove(k) {
                release(balances, &e);
            }
        }
    }

    /// Forgets `owner`'s entries in `currency` (a balance set outright by the control API).
    pub fn forget(&mut self, owner: &str, currency: &str) {
        self.entries
            .retain(|_, e| !(e.owner == owner && e.currency == currency));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(owner: &str, amount: i64) -> Entry {
        Entry {
            owner: owner.into(),
            currency: "eur".into(),
            amount,
        }
    }

    fn get(b: &Balances, owner: &str) -> (i64, i64) {
        let f = b[owner]["eur"];
        (f.available, f.pending)
    }

    #[test]
    fn pending_money_becomes_available_when_its_time_comes() {
        let (mut m, mut b) = (Maturing::default(), Balances::new());
        m.credit(&mut b, entry("acct_a", 700), 200, 100);
        m.credit(&mut b, entry("acct_a", 300), 300, 100);
        assert_eq!(get(&b, "acct_a"), (0, 1000));
        m.mature(&mut b, 199);
        assert_eq!(get(&b, "acct_a"), (0, 1000));
        m.mature(&mut b, 200);
        assert_eq!(get(&b, "acct_a"), (700, 300));
        m.mature(&mut b, 10_000);
        assert_eq!(get(&b, "acct_a"), (1000, 0));
    }

    #[test]
    fn money_already_due_is_available_at_once() {
        let (mut m, mut b) = (Maturing::default(), Balances::new());
        assert_eq!(m.credit(&mut b, entry("acct_a", 50), 100, 100), None);
        assert_eq!(get(&b, "acct_a"), (50, 0));
    }

    #[test]
    fn taking_never_goes_below_what_is_pending_and_topping_up_needs_a_live_entry() {
        let (mut m, mut b) = (Maturing::default(), Balances::new());
        let k = m.credit(&mut b, entry("acct_a", 500), 200, 100);
        assert_eq!(m.take(&mut b, k, 200), 200);
        assert_eq!(m.left(k), 300);
        assert!(m.top_up(&mut b, k, 50));
        assert_eq!(m.take(&mut b, k, 1000), 350);
        assert_eq!((m.left(k), get(&b, "acct_a")), (0, (0, 0)));
        assert!(!m.top_up(&mut b, k, 50), "an emptied entry is gone");
        assert_eq!(m.take(&mut b, None, 10), 0);
    }

    #[test]
    fn a_charge_made_available_early_moves_only_its_entries() {
        let (mut m, mut b) = (Maturing::default(), Balances::new());
        let k = m.credit(&mut b, entry("acct_a", 500), 200, 100).unwrap();
        m.credit(&mut b, entry("acct_a", 70), 200, 100);
        m.mature_now(&mut b, &[k]);
        assert_eq!(get(&b, "acct_a"), (500, 70));
        m.forget("acct_a", "eur");
        m.mature(&mut b, 10_000);
        assert_eq!(
            get(&b, "acct_a"),
            (500, 70),
            "forgotten entries never mature"
        );
    }
}
