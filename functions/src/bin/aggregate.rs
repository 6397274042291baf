//! `aggregate`: the table's stream hands it new money events; it applies the host's side (see `app::operations`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::operations::aggregate_event)))
}
