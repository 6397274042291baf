//! The smallest lambda_runtime function: what a scheduled function's cold start is compared with.
use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|_event: LambdaEvent<Value>| async { Ok::<_, Error>(json!({"hello": "world"})) })).await
}
