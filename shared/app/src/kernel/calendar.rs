//! Calendar months (UTC) as the money schedules count them: `yyyy-mm`, their
//! bounds and days.

use crate::kernel::error::{DomainError, DomainResult};

/// `yyyy-mm` of a time.
pub fn month_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m").to_string()
}

/// A month's first instant and the next month's (ms), from `yyyy-mm`.
pub fn month_bounds(month: &str) -> Option<(i64, i64)> {
    use chrono::{Datelike, NaiveDate};
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    let ms = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis());
    Some((ms(first)?, ms(next)?))
}

/// The month before `month`.
pub fn month_before(month: &str) -> String {
    let (start, _) = month_bounds(month).unwrap_or_default();
    month_of(start - 1)
}

/// The UTC days of a month.
pub fn days_of(month: &str) -> Vec<String> {
    let Some((start, end)) = month_bounds(month) else { return Vec::new() };
    (0..).map(|d| start + d * 86_400_000).take_while(|t| *t < end).map(store::day_of).collect()
}

pub fn month_param(field: &str, raw: &str) -> DomainResult<String> {
    let ok = raw.len() == 7 && month_bounds(raw).is_some_and(|(s, _)| s >= 0);
    if ok { Ok(raw.to_string()) } else { Err(DomainError::invalid(format!("{field}: a month like 2026-12"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_days_and_follow_each_other() {
        let month = month_bounds("2026-12").unwrap();
        assert_eq!(days_of("2026-12").len(), 31);
        assert_eq!(days_of("2028-02").len(), 29);
        assert_eq!(month_of(month.1), "2027-01");
        assert_eq!(month_before("2027-01"), "2026-12");
        assert!(month_param("m", "2026-13").is_err());
    }
}
