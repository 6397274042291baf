//! `remind-vip-ends`: hourly, pushes accounts whose VIP tier ends in 3 days (see `app::rewards::remind_vip_ends`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::rewards::remind_vip_ends_event))
    })
}
