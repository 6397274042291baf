//! SQS: messages to a queue (the reconciliation's fan-out, one per window
//! shard) and reading one back off (the aggregator's dead-letter queue that
//! `make redrive` replays; the local stack's stand-in for Lambda's poller).

use aws_sdk_sqs::Client;

#[derive(Debug, thiserror::Error)]
#[error("sqs: {0}")]
pub struct QueueError(String);

fn err(e: impl std::fmt::Display) -> QueueError {
    QueueError(e.to_string())
}

/// A message read off a queue: its body, and the handle that deletes it.
#[derive(Clone, Debug)]
pub struct Received {
    pub body: String,
    pub receipt: String,
}

#[derive(Clone, Debug)]
pub struct Queues {
    client: Client,
}

impl Queues {
    pub fn new(sdk: &aws_types::SdkConfig) -> Self {
        Queues { client: Client::new(sdk) }
    }

    /// Sends each body as its own message, ten a request (SQS's batch limit).
    pub async fn send_all(&self, url: &str, bodies: &[String]) -> Result<(), QueueError> {
        for (n, chunk) in bodies.chunks(10).enumerate() {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                        .id(format!("m{}", n * 10 + i))
                        .message_body(b)
                        .build()
                        .map_err(err)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let out =
                self.client.send_message_batch().queue_url(url).set_entries(Some(entries)).send().await.map_err(err)?;
            if !out.failed().is_empty() {
                return Err(QueueError(format!("{} of {} messages refused", out.failed().len(), chunk.len())));
            }
        }
        Ok(())
    }

    /// Up to `max` (1–10) messages, hidden from other readers for `hide_secs`; none when the queue is empty.
    pub async fn receive(&self, url: &str, max: i32, hide_secs: i32) -> Result<Vec<Received>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max.clamp(1, 10))
            .visibility_timeout(hide_secs)
            .send()
            .await
            .map_err(err)?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| Some(Received { body: m.body()?.to_string(), receipt: m.receipt_handle()?.to_string() }))
            .collect())
    }

    pub async fn delete(&self, url: &str, receipt: &str) -> Result<(), QueueError> {
        self.client.delete_message().queue_url(url).receipt_handle(receipt).send().await.map_err(err)?;
        Ok(())
    }

    /// Creates `name` (the local stack and tests; in AWS the template does) and answers its URL.
    pub async fn ensure(&self, name: &str) -> Result<String, QueueError> {
        let out = self.client.create_queue().queue_name(name).send().await.map_err(err)?;
        out.queue_url().map(String::from).ok_or_else(|| QueueError("no queue url".into()))
    }
}
