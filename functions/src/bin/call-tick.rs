//! `call-tick`: EventBridge's every-minute schedule; bills and ends calls (see `app::calls::call_tick`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::calls::scheduled_tick)))
}
