//! `purge-deleted-posts`: a schedule that finishes post deletions a crash left half done.
#[tokio::main]
async fn main() -> Result<(), app::lambda::Error> {
    app::lambda::serve_event(app::posts::scheduled_purge).await
}
