//! `close-host-month`: daily, drafts, closes and makes final the host month statements (see `app::payouts::close_host_month`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::payouts::close_host_month_event))
    })
}
