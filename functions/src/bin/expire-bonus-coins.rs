//! `expire-bonus-coins`: hourly, expires what is left of bonus-coin grants past their time (see `app::wallet::expire_bonus_coins`).
fn main() -> Result<(), app::lambda::Error> {
    app::lambda::run_event(|state, event| {
        Box::pin(app::lambda::json(state, event, app::wallet::expire_bonus_coins_event))
    })
}
