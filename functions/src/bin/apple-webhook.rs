//! `apple-webhook`: see the route table in `shared/app/src/routes.rs`.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_http(&app::routes::APPLE_WEBHOOK).await
}
