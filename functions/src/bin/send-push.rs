//! `send-push`: the table's stream hands it new notifications; it pushes them through FCM.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::notifications::send_push_event))
    })
}
