//! Lambda's SQS poller, locally: reads a queue's messages one at a time,
//! hands each to its function as the SQS event Lambda would, and deletes it
//! once the function succeeded (a failure leaves it for another try, as in AWS).

use std::sync::Arc;

use app::AppState;

/// The local stack's aggregator dead-letter queue (the dev server's and `make redrive`'s).
pub const AGGREGATE_DLQ: &str = "aggregate-dead-letters";

/// Runs `reconcile-shard` on every message of the reconciliation queue until
/// it is empty; answers the windows whose reports the workers wrote.
pub async fn drain_reconcile(state: &Arc<AppState>) -> Result<Vec<app::operations::ShardRun>, String> {
    let url = state.config.reconcile_queue_url.clone().ok_or("RECONCILE_QUEUE_URL is not set")?;
    let mut runs = Vec::new();
    loop {
        let got = state.queues().receive(&url, 1, 330).await.map_err(|e| e.to_string())?;
        let Some(m) = got.into_iter().next() else { return Ok(runs) };
        let event: aws_lambda_events::event::sqs::SqsEvent = serde_json::from_value(serde_json::json!({
            "Records": [{"messageId": ulid::Ulid::new().to_string(), "receiptHandle": m.receipt, "body": m.body,
                         "eventSource": "aws:sqs"}]
        }))
        .map_err(|e| e.to_string())?;
        let run = app::routes::as_event_function(
            "reconcile-shard",
            app::operations::reconcile_shard_event(state.clone(), event),
        )
        .await
        .map_err(|e| e.message)?;
        state.queues().delete(&url, &m.receipt).await.map_err(|e| e.to_string())?;
        runs.push(run);
    }
}
