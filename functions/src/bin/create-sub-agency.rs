//! `create-sub-agency`: see the route table in `shared/app/src/routes.rs`.
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_http(&app::routes::CREATE_SUB_AGENCY)
}
