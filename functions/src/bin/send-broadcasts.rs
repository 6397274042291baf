//! `send-broadcasts`: every minute, fans out the broadcasts still sending (see `app::notifications::send_broadcasts`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::notifications::send_broadcasts_event))
    })
}
