//! `consume-purchases`: a schedule that consumes credited Google Play purchases whose consume failed.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::stores::scheduled_consume).await
}
