//! `make openapi`: prints the OpenAPI document the route table and the request
//! types make (`app::http::openapi::document`), as committed in `openapi.json`.
fn main() {
    println!(
        "{}",
        serde_json::to_string_pretty(&app::http::openapi::document(app::routes::ROUTES, app::routes::COMPONENTS))
            .expect("JSON")
    );
}
