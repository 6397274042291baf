//! `purge-deleted-posts`: a schedule that finishes post deletions a crash left half done.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::posts::scheduled_purge)))
}
