//! Outbound integrations: e-mail (SES v2), SMS (SNS), payment providers
//! (Stripe, Razorpay); Agora, FCM and Firebase join here in later slices.

mod messaging;
pub mod payments;

pub use messaging::{Messenger, SendError};
