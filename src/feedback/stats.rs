//! Per-unit statistics: received, answered, median working days to answer, overdue rate; and
//! their CSV export.

use std::collections::BTreeMap;

use super::deadline::vn_date;
use super::store::ItemTimes;
use crate::model::Date;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitStats {
    /// Unit code; empty for items not yet routed.
    pub unit: String,
    pub name: String,
    pub received: usize,
    pub answered: usize,
    /// Median calendar days from receipt to answer, over the answered items.
    pub median_days_to_answer: Option<f64>,
    /// Items answered after their deadline or still open past it.
    pub overdue: usize,
    /// `overdue / received`.
    pub overdue_rate: f64,
}

/// Statistics per unit as of `today`, sorted by unit code (unrouted first).
pub fn unit_stats(
    items: &[ItemTimes],
    today: Date,
    name: impl Fn(&str) -> String,
) -> Vec<UnitStats> {
    let mut by_unit: BTreeMap<String, Vec<&ItemTimes>> = BTreeMap::new();
    for it in items {
        by_unit
            .entry(it.unit.clone().unwrap_or_default())
            .or_default()
            .push(it);
    }
    by_unit
        .into_iter()
        .map(|(unit, items)| {
            let mut days: Vec<f64> = items
                .iter()
                .filter_map(|i| {
                    i.answered_at.map(|a| {
                        (vn_date(a).days_since_epoch() - vn_date(i.received_at).days_since_epoch())
                            as f64
                    })
                })
                .collect();
            days.sort_by(f64::total_cmp);
            let median = match days.len() {
                0 => None,
                n if n % 2 == 1 => Some(days[n / 2]),
                n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
            };
            let overdue = items
                .iter()
                .filter(|i| match i.answered_at {
                    Some(a) => vn_date(a) > i.due_date,
                    None => today > i.due_date,
                })
                .count();
            let received = items.len();
            UnitStats {
                name: if unit.is_empty() {
                    "Chưa phân loại".to_owned()
                } else {
                    name(&unit)
                },
                unit,
                received,
                answered: days.len(),
                median_days_to_answer: median,
                overdue,
                overdue_rate: if received == 0 {
                    0.0
                } else {
                    overdue as f64 / received as f64
                },
            }
        })
        .collect()
}

/// The statistics as CSV (RFC 4180: fields with commas or quotes are quoted).
pub fn stats_csv(stats: &[UnitStats]) -> String {
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out =
        String::from("unit,name,received,answered,median_days_to_answer,overdue,overdue_rate\n");
    for s in stats {
        out.push_str(&format!(
            "{},{},{},{},{},{},{:.3}\n",
            q(&s.unit),
            q(&s.name),
            s.received,
            s.answered,
            s.median_days_to_answer
                .map_or_else(String::new, |d| format!("{d:.1}")),
            s.overdue,
            s.overdue_rate
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn medians_and_overdue() {
        let d = |s: &str| Date::parse(s).unwrap();
        let t0 = 1_795_000_000_000; // 2026-11-18 in Vietnam
        let items = vec![
            ItemTimes {
                unit: Some("HCTP".into()),
                received_at: t0,
                due_date: d("2026-12-02"),
                answered_at: Some(t0 + 2 * DAY),
            },
            ItemTimes {
                unit: Some("HCTP".into()),
                received_at: t0,
                due_date: d("2026-12-02"),
                answered_at: Some(t0 + 4 * DAY),
            },
            ItemTimes {
                unit: Some("HCTP".into()),
                received_at: t0,
                due_date: d("2026-11-19"),
                answered_at: None,
            },
            ItemTimes {
                unit: None,
                received_at: t0,
                due_date: d("2026-12-02"),
                answered_at: None,
            },
        ];
        let s = unit_stats(&items, d("2026-11-21"), |c| format!("Cục {c}"));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].unit, "");
        assert_eq!(s[1].received, 3);
        assert_eq!(s[1].answered, 2);
        assert_eq!(s[1].median_days_to_answer, Some(3.0));
        assert_eq!(s[1].overdue, 1);
        let csv = stats_csv(&s);
        assert!(csv.contains("HCTP,Cục HCTP,3,2,3.0,1,0.333\n"), "{csv}");
        assert_eq!(csv.lines().count(), 3);
    }
}
