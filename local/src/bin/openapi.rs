//! `make openapi`: prints the OpenAPI document the route table and the request
//! types make (`app::openapi::document`), as committed in `openapi.json`.
fn main() {
    println!("{}", serde_json::to_string_pretty(&app::openapi::document()).expect("JSON"));
}
