//! `reconcile`: a daily schedule (yesterday, UTC) that checks every balance, recharge, call and
//! settlement against the ledger, or a run by hand over `{"from": "yyyy-mm-dd", "to": "yyyy-mm-dd"}`.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::operations::scheduled_reconcile))
    })
}
