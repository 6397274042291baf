//! Outbound integrations: e-mail (SES v2), SMS (SNS), payment providers
//! (Stripe, Razorpay), Agora RTC tokens, S3 media, notifications, Firebase
//! custom tokens and FCM pushes, SQS queues.

pub mod agora;
pub mod appstore;
pub mod aws;
pub mod events;
pub mod google;
pub mod jwt;
pub mod media;
mod messaging;
pub mod notify;
pub mod payments;
pub mod payouts;
pub mod play;
pub mod queue;
pub mod secrets;
pub mod tls;

pub use messaging::{Messenger, SendError};
