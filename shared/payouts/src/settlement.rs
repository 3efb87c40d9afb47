//! Settlement currency: a charge presented in one currency (what the buyer paid) may settle in
//! another (the platform's balance). A transfer with `source_transaction` draws on the charge's
//! balance transaction, so Stripe refuses one that is not in the settlement currency ("The
//! currency of source_transaction's balance transaction (eur) must be the same as the transfer
//! currency (usd)"): the shares of such a charge are converted, and every amount on them
//! (transferred, reversed, repaid) is then in the settlement currency.
//!
//! # Rounding
//! The charge's own rate is the ratio of its two amounts, `settled / received` (Stripe's
//! `exchange_rate` is that ratio rounded; integers keep it exact): a share's gross and net are
//! each `floor(x × settled / received)`, its fee the difference (so `gross = fee + net` still
//! holds). Flooring means the converted nets never add up to more than the settled amount; the
//! remainder stays with the platform, as the plan's own rounding does. Refunds and disputes need no
//! conversion of their own: a claim is the converted net times a ratio of presentment amounts
//! ([`crate::claims`]), the same conversion applied to the same fraction.

use serde::{Deserialize, Serialize};

use crate::{Currency, Share};

/// What a charge became in the platform's balance: its balance transaction's currency and
/// (gross) amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub currency: Currency,
    pub amount: i64,
}

/// A share's amounts as the buyer paid them, kept on a converted share (for the seller's
/// history and the claims of refunds naming a seller's gross).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentment {
    pub currency: Currency,
    pub gross: i64,
    pub fee: i64,
    pub net: i64,
}

impl Settlement {
    /// The settlement to record for a charge of `received` in `presented`: `None` when it
    /// settled in its own currency (nothing to convert).
    pub fn differing(self, presented: &Currency) -> Option<Settlement> {
        (self.currency != *presented).then_some(self)
    }

    /// `amount` of the charge's `received` (presentment units) in settlement units, floored.
    pub fn convert(&self, amount: i64, received: i64) -> i64 {
        if received <= 0 || amount <= 0 {
            return 0;
        }
        (i128::from(amount) * i128::from(self.amount.max(0)) / i128::from(received)) as i64
    }

    /// `share` in settlement units (see the module's rounding).
    pub fn convert_share(&self, share: &Share, received: i64) -> Share {
        let gross = self.convert(share.gross, received);
        let net = self.convert(share.net, received);
        Share {
            seller: share.seller.clone(),
            gross,
            fee: gross - net,
            net,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(amount: i64) -> Settlement {
        Settlement {
            currency: Currency::parse("eur").unwrap(),
            amount,
        }
    }

    fn share(seller: &str, gross: i64, fee: i64) -> Share {
        Share {
            seller: seller.into(),
            gross,
            fee,
            net: gross - fee,
        }
    }

    #[test]
    fn a_charge_settled_in_its_own_currency_records_no_settlement() {
        let usd = Currency::parse("usd").unwrap();
        assert_eq!(eur(920).differing(&Currency::parse("eur").unwrap()), None);
        assert_eq!(eur(920).differing(&usd), Some(eur(920)));
    }

    #[test]
    fn shares_convert_at_the_charges_own_ratio_floored_fee_is_the_difference() {
        // $100.00 settled as €92.00: a $25.00 share with a $2.50 fee nets €20.70.
        let converted = eur(9200).convert_share(&share("alice", 2500, 250), 10000);
        assert_eq!(converted, share("alice", 2300, 230));
        // $33.33 at 0.9173: 3057.3... floored.
        let odd = eur(9173).convert_share(&share("bob", 3333, 333), 10000);
        assert_eq!((odd.gross, odd.net, odd.fee), (3057, 2751, 306));
        assert_eq!(odd.gross, odd.fee + odd.net);
    }

    #[test]
    fn zero_decimal_currencies_convert_by_the_ratio_of_minor_units() {
        // ¥10,000 (zero-decimal) settled as €61.37.
        let converted = eur(6137).convert_share(&share("alice", 5000, 500), 10000);
        assert_eq!((converted.gross, converted.net), (3068, 2761));
    }

    #[test]
    fn converted_nets_never_add_up_to_more_than_the_settled_amount() {
        for settled in [1, 7, 9173, 9999, 10001, 123_457] {
            for split in [[3333, 3333, 3334], [1, 1, 9998], [5000, 4999, 1]] {
                let total: i64 = split.iter().map(|&g| eur(settled).convert(g, 10000)).sum();
                assert!(total <= settled, "{split:?} at {settled}: {total}");
                assert!(total >= settled - 3, "{split:?} at {settled}: {total}");
            }
        }
    }

    #[test]
    fn nothing_converts_from_nothing() {
        assert_eq!(eur(9200).convert(0, 10000), 0);
        assert_eq!(eur(9200).convert(100, 0), 0);
        assert_eq!(eur(9200).convert(-5, 10000), 0);
    }
}
