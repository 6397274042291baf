//! `call-tick`: EventBridge's every-minute schedule; bills and ends calls (see `app::calls::call_tick`).
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::calls::scheduled_tick).await
}
