//! `reconcile-shard`: SQS hands it one shard of an hour's events; it reconciles it from its watermark (see `app::operations::reconcile_shard_event`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::operations::reconcile_shard_event))
    })
}
