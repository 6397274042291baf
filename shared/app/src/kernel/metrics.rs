//! Metrics as CloudWatch Embedded Metric Format lines on stdout: Lambda's
//! log stream carries them to CloudWatch, which extracts the metrics; no
//! extra call, nothing to wait for. Namespace `Streamly`.

use serde_json::{Map, Value, json};

pub const NAMESPACE: &str = "Streamly";

/// One EMF line: `metrics` (name, value, unit) under the `dimensions` given.
pub fn line(dimensions: &[(&str, &str)], metrics: &[(&str, f64, &str)], now_ms: i64) -> String {
    let mut root = Map::new();
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [dimensions.iter().map(|d| d.0).collect::<Vec<_>>()],
                "Metrics": metrics.iter().map(|m| json!({"Name": m.0, "Unit": m.2})).collect::<Vec<_>>(),
            }],
        }),
    );
    for (k, v) in dimensions {
        root.insert((*k).into(), Value::from(*v));
    }
    for (k, v, _) in metrics {
        root.insert((*k).into(), Value::from(*v));
    }
    Value::Object(root).to_string()
}

/// Writes one EMF line (stdout: the function's log) where metrics are on.
pub fn emit(state: &crate::kernel::state::AppState, dimensions: &[(&str, &str)], metrics: &[(&str, f64, &str)]) {
    if state.config.emf_metrics {
        println!("{}", line(dimensions, metrics, state.now()));
    }
}

/// A counted event with an amount: `{name}` 1 and `{name}Coins` (gifts, recharges, refunds).
pub fn coins(state: &crate::kernel::state::AppState, name: &str, coins: i64) {
    emit(state, &[], &[(name, 1.0, "Count"), (&format!("{name}Coins"), coins as f64, "Count")]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_embedded_metric_format() {
        let l: Value =
            serde_json::from_str(&line(&[("Route", "send-gift")], &[("GiftCoins", 30.0, "Count")], 5)).unwrap();
        assert_eq!(l["_aws"]["CloudWatchMetrics"][0]["Namespace"], NAMESPACE);
        assert_eq!(l["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([["Route"]]));
        assert_eq!(l["_aws"]["CloudWatchMetrics"][0]["Metrics"][0], json!({"Name": "GiftCoins", "Unit": "Count"}));
        assert_eq!(
            (l["Route"].as_str(), l["GiftCoins"].as_f64(), l["_aws"]["Timestamp"].as_i64()),
            (Some("send-gift"), Some(30.0), Some(5))
        );
    }
}
