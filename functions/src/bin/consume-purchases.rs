//! `consume-purchases`: a schedule that consumes credited Google Play purchases whose consume failed.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| Box::pin(app::lambda::json(state, event, app::purchases::scheduled_consume)))
}
