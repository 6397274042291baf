//! `get-agency-tiers`: see the route table in `shared/app/src/routes.rs`.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_http(&app::routes::GET_AGENCY_TIERS)
}
