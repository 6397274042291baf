//! `sweep-events`: every 5 minutes, applies money events the stream left pending (see `app::operations::sweep`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::operations::sweep_events_event))
    })
}
