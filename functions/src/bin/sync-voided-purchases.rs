//! `sync-voided-purchases`: a daily schedule that takes back Google Play purchases voided since the last run.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::purchases::scheduled_sync_voided))
    })
}
