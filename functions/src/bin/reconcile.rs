//! `reconcile`: a daily schedule (yesterday, UTC) that checks every balance, recharge, call and
//! settlement against the ledger, or a run by hand over `{"from": "yyyy-mm-dd", "to": "yyyy-mm-dd"}`.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::reconcile::scheduled_reconcile).await
}
