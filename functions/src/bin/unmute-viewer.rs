//! `unmute-viewer`: see the route table in `shared/app/src/routes.rs`.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_http(&app::routes::UNMUTE_VIEWER).await
}
