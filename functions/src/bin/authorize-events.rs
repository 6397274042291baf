//! `authorize-events`: the live channels' Lambda authorizer, called by AppSync Events (see `app::live::authorize_events_event`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::live::authorize_events_event)))
}
