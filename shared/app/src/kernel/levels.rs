//! Wealth and charm levels: XP (one per paid coin spent, or earned from paid
//! coins) against an admin's threshold table (`[{level, xp}]`, level 1 at 0).

/// Both tables, as admins set them (or the defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct Levels {
    pub wealth: Vec<LevelStep>,
    pub charm: Vec<LevelStep>,
}

impl Levels {
    /// The stored tables, a missing one taking the default.
    pub fn of(t: &store::LevelTables) -> Levels {
        let table = |steps: &[[i64; 2]]| {
            if steps.is_empty() {
                default_table()
            } else {
                steps.iter().map(|[level, xp]| LevelStep { level: *level, xp: *xp }).collect()
            }
        };
        Levels { wealth: table(&t.wealth), charm: table(&t.charm) }
    }

    pub fn wealth_level(&self, xp: i64) -> i64 {
        level_of(xp, &self.wealth).0
    }

    pub fn charm_level(&self, xp: i64) -> i64 {
        level_of(xp, &self.charm).0
    }
}

/// What an instance last read of the level tables, trusted for a minute
/// (every profile and list shows levels); a change made here is seen at once.
#[derive(Clone, Debug, Default)]
pub struct LevelsCache(std::sync::Arc<std::sync::Mutex<Option<(i64, std::sync::Arc<Levels>)>>>);

impl LevelsCache {
    const TTL_MS: i64 = 60_000;

    pub fn get(&self, now: i64) -> Option<std::sync::Arc<Levels>> {
        let held = self.0.lock().ok()?;
        held.as_ref().filter(|(at, _)| now >= *at && now - at < Self::TTL_MS).map(|(_, l)| l.clone())
    }

    pub fn put(&self, levels: Levels, now: i64) -> std::sync::Arc<Levels> {
        let levels = std::sync::Arc::new(levels);
        if let Ok(mut held) = self.0.lock() {
            *held = Some((now, levels.clone()));
        }
        levels
    }

    pub fn forget(&self) {
        if let Ok(mut held) = self.0.lock() {
            *held = None;
        }
    }
}

/// The highest level a table may have.
pub const MAX_LEVEL: i64 = 50;

/// One step of a table: the XP a level starts at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelStep {
    #[schema(minimum = 1, maximum = 50)]
    pub level: i64,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub xp: i64,
}

/// The default table: 0, 100, 200, 500, 1,000 for levels 1–5, then
/// geometric steps through 10,000 at 20, 250,000 at 30, 1,200,000 at 40 and
/// 3,200,000 at 50, rounded to two significant figures.
pub fn default_table() -> Vec<LevelStep> {
    let anchors: [(i64, f64); 5] =
        [(5, 1_000.0), (20, 10_000.0), (30, 250_000.0), (40, 1_200_000.0), (50, 3_200_000.0)];
    let mut xp = vec![0, 100, 200, 500];
    for w in anchors.windows(2) {
        let ((l0, x0), (l1, x1)) = (w[0], w[1]);
        if xp.len() == 4 {
            xp.push(x0 as i64);
        }
        let ratio = (x1 / x0).powf(1.0 / (l1 - l0) as f64);
        for i in 1..=(l1 - l0) {
            let v = if i == l1 - l0 { x1 } else { x0 * ratio.powi(i as i32) };
            xp.push(two_figures(v));
        }
    }
    xp.into_iter().enumerate().map(|(i, xp)| LevelStep { level: i as i64 + 1, xp }).collect()
}

fn two_figures(v: f64) -> i64 {
    let scale = 10f64.powi((v.log10().floor() as i32 - 1).max(0));
    ((v / scale).round() * scale) as i64
}

/// Whether `table` is a valid table, or what is wrong with it (the field named).
pub fn check_table(table: &[LevelStep]) -> Result<(), String> {
    if table.is_empty() || table.len() as i64 > MAX_LEVEL {
        return Err(format!("levels: 1 to {MAX_LEVEL} steps"));
    }
    for (i, s) in table.iter().enumerate() {
        if s.level != i as i64 + 1 {
            return Err(format!("levels[{i}].level: levels run 1, 2, 3, … without gaps"));
        }
        if i == 0 && s.xp != 0 {
            return Err("levels[0].xp: level 1 starts at 0".into());
        }
        if i > 0 && s.xp <= table[i - 1].xp {
            return Err(format!("levels[{i}].xp: each level needs more XP than the one before"));
        }
        if s.xp > 1_000_000_000_000 {
            return Err(format!("levels[{i}].xp: at most 1,000,000,000,000"));
        }
    }
    Ok(())
}

/// What a host of `charm_level` may charge a minute under the price bands
/// (`[min_charm_level, max_price_per_minute]`, by level): the band of the
/// highest level reached, the lowest band below them all; none without bands.
pub fn price_cap(bands: &[[i64; 2]], charm_level: i64) -> Option<i64> {
    let reached = bands.iter().filter(|[min, _]| *min <= charm_level).max_by_key(|[min, _]| *min);
    reached.or_else(|| bands.iter().min_by_key(|[min, _]| *min)).map(|[_, max]| *max)
}

/// The level `xp` reaches in `table`, and the XP of the next (`None` at the top).
/// A level never falls below 1, even when refunds took XP below 0.
pub fn level_of(xp: i64, table: &[LevelStep]) -> (i64, Option<i64>) {
    let reached = table.iter().filter(|s| s.xp <= xp).map(|s| s.level).max().unwrap_or(1).max(1);
    let next = table.iter().find(|s| s.level == reached + 1).map(|s| s.xp);
    (reached, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_meets_its_anchors_and_rises() {
        let t = default_table();
        assert_eq!(t.len(), 50);
        check_table(&t).unwrap();
        let at = |l: i64| t[l as usize - 1].xp;
        assert_eq!((at(1), at(2), at(3), at(4), at(5)), (0, 100, 200, 500, 1_000));
        assert_eq!((at(20), at(30), at(40), at(50)), (10_000, 250_000, 1_200_000, 3_200_000));
    }

    #[test]
    fn xp_reaches_levels_and_never_below_one() {
        let t = default_table();
        assert_eq!(level_of(0, &t), (1, Some(100)));
        assert_eq!(level_of(150, &t), (2, Some(200)));
        assert_eq!(level_of(-40, &t), (1, Some(100)));
        assert_eq!(level_of(10_000_000, &t), (50, None));
    }

    #[test]
    fn a_hosts_price_cap_is_its_levels_band() {
        let bands = [[1, 60], [10, 120], [20, 300]];
        assert_eq!(price_cap(&bands, 1), Some(60));
        assert_eq!(price_cap(&bands, 15), Some(120));
        assert_eq!(price_cap(&bands, 50), Some(300));
        assert_eq!(price_cap(&[[5, 90]], 1), Some(90), "below every band: the lowest");
        assert_eq!(price_cap(&[], 7), None);
    }

    #[test]
    fn bad_tables_name_the_step() {
        let bad = [LevelStep { level: 1, xp: 5 }];
        assert!(check_table(&bad).unwrap_err().contains("levels[0].xp"));
        let bad = [LevelStep { level: 1, xp: 0 }, LevelStep { level: 2, xp: 0 }];
        assert!(check_table(&bad).unwrap_err().contains("levels[1].xp"));
        let bad = [LevelStep { level: 1, xp: 0 }, LevelStep { level: 3, xp: 9 }];
        assert!(check_table(&bad).unwrap_err().contains("levels[1].level"));
    }
}
