//! `sync-voided-purchases`: a daily schedule that takes back Google Play purchases voided since the last run.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::stores::scheduled_sync_voided).await
}
