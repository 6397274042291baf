//! `list-agency-statements`: see the route table in `shared/app/src/routes.rs`.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_http(&app::routes::LIST_AGENCY_STATEMENTS)
}
