//! The routes of this domain (the table is `crate::routes`).

use super::checkin;
use crate::http::routes::*;

pub static CHECK_IN: Route = route!(
    "check-in",
    "POST",
    "/me/check-in",
    ANY,
    checkin::check_in_http,
    Api::new()
        .says("Today's check-in: the day's bonus coins of the 7-day ladder (a missed day starts it again)")
        .codes(&["already_checked_in"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Event, Family::Settings])
);
pub static GET_CHECK_IN: Route = route!(
    "get-check-in",
    "GET",
    "/me/check-in",
    ANY,
    checkin::get_check_in_http,
    Api::new().says("Where the caller stands in the check-in ladder, and each day's reward"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
