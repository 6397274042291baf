//! `send-push`: the table's stream hands it new notifications; it pushes them through FCM.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::push::send_push_event).await
}
