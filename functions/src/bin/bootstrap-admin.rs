//! `bootstrap-admin`: invoked once with `{email, password}` to create the first admin.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(|state, input| async move { app::accounts::bootstrap_admin(&state, input).await }).await
}
