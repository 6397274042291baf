//! `end-pk-battles`: every minute, ends PK battles whose time is up and writes their results (see `app::rooms::end_pk_battles`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::rooms::end_pk_battles_event)))
}
