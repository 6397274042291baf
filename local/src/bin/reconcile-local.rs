//! `make reconcile`: the nightly reconciliation run by hand against the
//! `make run` stack (all time unless `--from`/`--to` name days); prints the
//! report as one JSON line, last.
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut input = app::operations::ReconcileInput { from: Some(0.into()), to: None, full: true };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("--from", Some(d)) => input.from = Some(d.as_str().into()),
            ("--to", Some(d)) => input.to = Some(d.as_str().into()),
            _ => return Err("usage: reconcile [--from yyyy-mm-dd] [--to yyyy-mm-dd]".into()),
        }
    }
    let state = Arc::new(app::AppState::from_env()?);
    if input.to.is_none() {
        // By hand, everything up to now (the schedule stops at midnight).
        input.to = Some((state.now() + 1).into());
    }
    let (from, to) = app::operations::range(&input, state.now())?;
    // By hand there is no time limit: one invocation does it all.
    let budget = app::operations::Budget { page: 500, until_ms: i64::MAX };
    let report = app::operations::reconcile(&state, from, to, budget).await.map_err(|e| e.message)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
