//! The double as a [`StripeWorld`]: its own control methods arrange what a buyer, Stripe or a
//! seller would.

use async_trait::async_trait;

use super::{Payment, StripePorts, StripeWorld};
use crate::memory::MemoryStripe;

#[async_trait]
impl StripeWorld for MemoryStripe {
    fn stripe(&self) -> &dyn StripePorts {
        self
    }

    async fn complete_onboarding(&self, account: &str) {
        MemoryStripe::complete_onboarding(self, account);
    }

    async fn set_transfers_active(&self, account: &str, active: bool) {
        MemoryStripe::set_transfers_active(self, account, active);
    }

    async fn pay(&self, currency: &str, amount: i64, metadata: &[(&str, &str)]) -> Payment {
        let paid = self.pay_with_metadata(currency, amount, metadata);
        Payment {
            payment_intent: paid.payment_intent,
            charge: paid.charge,
            event: paid.event.id,
        }
    }

    async fn make_available(&self, charge: &str) {
        MemoryStripe::make_available(self, charge);
    }

    async fn set_available(&self, account: &str, currency: &str, amount: i64) {
        MemoryStripe::set_available(self, account, currency, amount);
    }

    async fn settle_in(&self, currency: &str, presented: &str, rate: f64) {
        MemoryStripe::settle_in(self, currency, &[(presented, rate)]);
    }

    async fn now(&self) -> i64 {
        MemoryStripe::now(self)
    }

    async fn advance_clock(&self, seconds: i64) {
        MemoryStripe::advance_clock(self, seconds);
    }
}
