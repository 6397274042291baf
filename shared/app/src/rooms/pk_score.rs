//! Which battle a gift scores for: one of its room's battles whose window
//! (start to end, both included) holds the gift's time. Gifts sent after the
//! end score nothing, however soon the aggregator applies them.

use store::PkWindow;

/// The battle among `windows` (its room's) a gift sent at `at` scores for.
pub fn battle_of(at: i64, windows: &[PkWindow]) -> Option<&PkWindow> {
    windows.iter().find(|w| w.started_at <= at && at <= w.ends_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gift_scores_inside_its_rooms_window_boundaries_included() {
        let w = PkWindow { pk_id: "b".into(), host_id: "h".into(), started_at: 100, ends_at: 200 };
        let ws = [w];
        assert!(battle_of(99, &ws).is_none());
        assert_eq!(battle_of(100, &ws).map(|w| w.pk_id.as_str()), Some("b"));
        assert!(battle_of(200, &ws).is_some());
        assert!(battle_of(201, &ws).is_none());
    }
}
