use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_sdk_sns::types::MessageAttributeValue;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(String);

/// Sends transactional e-mail through SES and SMS through SNS, with the real
/// SDK clients (pointed at moto locally through `AWS_ENDPOINT_URL`).
#[derive(Clone, Debug)]
pub struct Messenger {
    ses: aws_sdk_sesv2::Client,
    sns: aws_sdk_sns::Client,
    from: String,
}

impl Messenger {
    pub fn new(sdk: &aws_config::SdkConfig, from: impl Into<String>) -> Self {
        Messenger { ses: aws_sdk_sesv2::Client::new(sdk), sns: aws_sdk_sns::Client::new(sdk), from: from.into() }
    }

    pub async fn send_email(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        let content =
            |s: &str| Content::builder().data(s).charset("UTF-8").build().map_err(|e| SendError(e.to_string()));
        let message =
            Message::builder().subject(content(subject)?).body(Body::builder().text(content(text)?).build()).build();
        self.ses
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| SendError(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string()))?;
        Ok(())
    }

    pub async fn send_sms(&self, phone_e164: &str, text: &str) -> Result<(), SendError> {
        let transactional = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| SendError(e.to_string()))?;
        self.sns
            .publish()
            .phone_number(phone_e164)
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", transactional)
            .send()
            .await
            .map_err(|e| SendError(aws_sdk_sns::error::DisplayErrorContext(e).to_string()))?;
        Ok(())
    }

    /// Verifies the sender identity. Only the local stack needs this (moto
    /// refuses to send from an unverified address); in AWS it is set up once.
    pub async fn ensure_sender_identity(&self) -> Result<(), SendError> {
        match self.ses.create_email_identity().email_identity(&self.from).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => Ok(()),
            Err(e) => Err(SendError(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string())),
        }
    }
}
