//! Deadlines in working days: Monday to Friday, less the public holidays listed in the
//! configuration. Dates are Vietnam's calendar days (UTC+7).

use std::collections::BTreeSet;

use crate::model::Date;

/// Vietnam's offset from UTC, in milliseconds.
const VN_OFFSET_MS: i64 = 7 * 3_600_000;

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        // 1970-01-01 was a Thursday: day 0 → weekday 3 (Monday = 0).
        let weekday = (d.days_since_epoch() + 3).rem_euclid(7);
        weekday < 5 && !self.holidays.contains(&d)
    }

    /// The day `n` working days after `start` (the day of receipt does not count).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut day = start.days_since_epoch();
        let mut left = n;
        while left > 0 {
            day += 1;
            let Some(d) = Date::from_days_since_epoch(day) else {
                return start;
            };
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Date::from_days_since_epoch(day).unwrap_or(start)
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` is not later.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let (a, b) = (from.days_since_epoch(), to.days_since_epoch());
        (a + 1..=b)
            .filter_map(Date::from_days_since_epoch)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

/// The calendar day in Vietnam at `ms` milliseconds since the epoch.
pub fn vn_date(ms: i64) -> Date {
    let days = (ms + VN_OFFSET_MS).div_euclid(86_400_000);
    Date::from_days_since_epoch(days).unwrap_or_else(Date::today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn skips_weekends_and_holidays() {
        let cal = Calendar::new([d("2026-04-30"), d("2026-05-01")]);
        // Friday 2026-11-20 + 1 working day = Monday 23rd.
        assert_eq!(cal.add_working_days(d("2026-11-20"), 1), d("2026-11-23"));
        assert_eq!(cal.add_working_days(d("2026-11-20"), 10), d("2026-12-04"));
        // Wed 29 April + 1: Thu 30/4 and Fri 1/5 are holidays, then the weekend.
        assert_eq!(cal.add_working_days(d("2026-04-29"), 1), d("2026-05-04"));
        assert_eq!(
            cal.working_days_between(d("2026-04-29"), d("2026-05-04")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2026-05-04"), d("2026-04-29")),
            0
        );
        assert!(!cal.is_working_day(d("2026-11-21")));
    }

    #[test]
    fn vietnam_day() {
        // 2026-11-20 18:00 UTC is already the 21st in Hà Nội.
        assert_eq!(vn_date(1_795_197_600_000), d("2026-11-21"));
    }
}
