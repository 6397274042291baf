//! `bootstrap-admin`: invoked once with `{email, password}` to create the first admin.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, |state, input| async move {
            app::accounts::bootstrap_admin(&state, input).await
        }))
    })
}
