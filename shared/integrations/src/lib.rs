//! Outbound integrations: e-mail (SES v2), SMS (SNS), payment providers
//! (Stripe, Razorpay), Agora RTC tokens, notifications; FCM and Firebase join
//! here in later slices.

pub mod agora;
mod messaging;
pub mod notify;
pub mod payments;

pub use messaging::{Messenger, SendError};
