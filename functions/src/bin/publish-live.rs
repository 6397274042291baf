//! `publish-live`: the table's stream hands it room changes; it publishes them on the live channels (see `app::live::publish_live_event`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::live::publish_live_event)))
}
