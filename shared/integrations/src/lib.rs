//! Outbound integrations. This slice has e-mail (SES v2) and SMS (SNS); Agora,
//! FCM, Firebase and payment signatures join here in later slices.

mod messaging;

pub use messaging::{Messenger, SendError};
