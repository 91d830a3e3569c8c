//! Calendar arithmetic on "days since 1900-01-01 (UTC)", the date encoding of zkVCT circuits.
//!
//! The verifier needs two facts: the block's date, and "date minus N calendar years". The latter
//! is not "minus 365·N days": it keeps month and day, and only February 29 needs a rule. When the
//! target year has no February 29, the cutoff is February 28. That is the conservative choice for
//! an "age ≥ N" check `dob ≤ cutoff`: the cutoff is never later than the true anniversary, so
//! nobody is counted older than they are (on 29 February 2028 someone born on 1 March 2010 is
//! still 17, and the cutoff 28 February 2010 says so). People born on 29 February are never
//! affected by the rule: their birth year is leap, and from a non-leap "today" (28 February or
//! 1 March) the cutoff is an ordinary date, so they come of age on 1 March of common years.

/// Days from 1900-01-01 to 1970-01-01 (70 years, 17 of them leap).
pub const DAYS_1900_TO_1970: u64 = 25_567;

/// The UTC date of a Unix timestamp (seconds), as days since 1900-01-01.
pub fn day_of(unix_seconds: u64) -> u64 {
    unix_seconds / 86_400 + DAYS_1900_TO_1970
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of `days_from_civil`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) of a day number counted from 1900-01-01.
pub fn civil(day_1900: u64) -> (i64, u32, u32) {
    civil_from_days(day_1900 as i64 - DAYS_1900_TO_1970 as i64)
}

/// Day number (from 1900-01-01) of a civil date, `None` before 1900-01-01.
pub fn day_number(y: i64, m: u32, d: u32) -> Option<u64> {
    let n = days_from_civil(y, m, d) + DAYS_1900_TO_1970 as i64;
    u64::try_from(n).ok()
}

/// The same month and day `years` earlier (29 February → 28 February in a non-leap year);
/// `None` when that falls before 1900-01-01.
pub fn minus_years(day_1900: u64, years: u32) -> Option<u64> {
    let (y, m, d) = civil(day_1900);
    let ty = y - years as i64;
    let d = if m == 2 && d == 29 && !is_leap(ty) { 28 } else { d };
    day_number(ty, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_constants() {
        assert_eq!(day_number(1900, 1, 1), Some(0));
        assert_eq!(day_number(1970, 1, 1), Some(DAYS_1900_TO_1970));
        assert_eq!(day_of(0), DAYS_1900_TO_1970);
        assert_eq!(day_of(86_399), DAYS_1900_TO_1970);
        assert_eq!(day_of(86_400), DAYS_1900_TO_1970 + 1);
        assert_eq!(day_number(1899, 12, 31), None);
        assert!(!is_leap(1900) && is_leap(2000) && is_leap(2024) && !is_leap(2100));
    }

    #[test]
    fn civil_round_trips_over_three_centuries() {
        let mut prev = None;
        for n in 0..(300 * 366) {
            let (y, m, d) = civil(n);
            assert_eq!(day_number(y, m, d), Some(n));
            if let Some((py, pm, pd)) = prev {
                assert!((y, m, d) > (py, pm, pd));
            }
            prev = Some((y, m, d));
        }
    }

    #[test]
    fn cutoff_stays_put_from_28_to_29_february_when_the_earlier_year_has_no_29th() {
        // 2384 is a leap year, 2371 is not: both days give 2371-02-28 (found by proptest)
        let feb28 = day_number(2384, 2, 28).unwrap();
        assert_eq!(feb28, 176_835);
        assert_eq!(minus_years(feb28, 13), minus_years(feb28 + 1, 13));
        assert_eq!(civil(minus_years(feb28 + 1, 13).unwrap()), (2371, 2, 28));
        assert_eq!(civil(minus_years(feb28 + 2, 13).unwrap()), (2371, 3, 1));
    }

    #[test]
    fn minus_years_keeps_month_and_day() {
        let d = day_number(2026, 11, 21).unwrap();
        assert_eq!(civil(minus_years(d, 18).unwrap()), (2008, 11, 21));
        let d = day_number(2026, 3, 1).unwrap();
        assert_eq!(civil(minus_years(d, 18).unwrap()), (2008, 3, 1));
    }

    #[test]
    fn feb_29_maps_to_feb_28_in_common_years() {
        let leap_day = day_number(2028, 2, 29).unwrap();
        assert_eq!(civil(minus_years(leap_day, 18).unwrap()), (2010, 2, 28));
        assert_eq!(civil(minus_years(leap_day, 4).unwrap()), (2024, 2, 29));
        // the cutoff never passes the true anniversary: born 2010-03-01 is still 17 on 2028-02-29
        let born_mar1 = day_number(2010, 3, 1).unwrap();
        assert!(born_mar1 > minus_years(leap_day, 18).unwrap());
        // born 2008-02-29 is 18 on 2026-03-01 but not on 2026-02-28
        let born = day_number(2008, 2, 29).unwrap();
        assert!(born > minus_years(day_number(2026, 2, 28).unwrap(), 18).unwrap());
        assert!(born <= minus_years(day_number(2026, 3, 1).unwrap(), 18).unwrap());
    }

    #[test]
    fn cutoff_steps_over_a_skipped_feb_29() {
        // today 2026-02-28 -> 2024-02-28, today 2026-03-01 -> 2024-03-01: 2024-02-29 is never a
        // cutoff when "today" is in a common year, so a 29 February birth comes of age on 1 March
        let a = minus_years(day_number(2026, 2, 28).unwrap(), 2).unwrap();
        let b = minus_years(day_number(2026, 3, 1).unwrap(), 2).unwrap();
        assert_eq!(b - a, 2);
    }

    #[test]
    fn minus_years_before_1900_is_none() {
        assert_eq!(minus_years(day_number(1917, 6, 1).unwrap(), 18), None);
        assert_eq!(minus_years(day_number(1918, 1, 1).unwrap(), 18), Some(0));
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn minus_years_is_the_same_calendar_day_or_feb_28(day in 0u64..200_000, years in 1u32..150) {
            let (y, m, d) = civil(day);
            match minus_years(day, years) {
                None => prop_assert!(y - (years as i64) < 1900),
                Some(c) => {
                    let (cy, cm, cd) = civil(c);
                    prop_assert_eq!(cy, y - years as i64);
                    prop_assert_eq!(cm, m);
                    if m == 2 && d == 29 && !is_leap(cy) {
                        prop_assert_eq!(cd, 28);
                    } else {
                        prop_assert_eq!(cd, d);
                    }
                    // never after the anniversary: someone born on the cutoff is exactly `years` old
                    prop_assert!(c <= day);
                }
            }
        }

        #[test]
        fn cutoff_is_monotone(day in 0u64..200_000, years in 1u32..150) {
            // a later "today" never yields an earlier cutoff (no wrap-around at month or year
            // ends); it moves by one day, by two when it steps over a 29 February it skips, or
            // not at all when "today" is 29 February and the year `years` back has none (both
            // 28 and 29 February then map to the 28th: proptest found day 176835, 2384-02-28)
            if let (Some(a), Some(b)) = (minus_years(day, years), minus_years(day + 1, years)) {
                prop_assert!(a <= b && b <= a + 2);
                if b == a {
                    let (y, m, d) = civil(day + 1);
                    prop_assert!(m == 2 && d == 29 && !is_leap(y - years as i64));
                }
                if b == a + 2 {
                    prop_assert_eq!(civil(a + 1).1, 2);
                    prop_assert_eq!(civil(a + 1).2, 29);
                }
            }
        }

        #[test]
        fn day_of_matches_civil_arithmetic(secs in 0u64..4_000_000_000) {
            let (y, m, d) = civil(day_of(secs));
            prop_assert_eq!(day_number(y, m, d), Some(secs / 86_400 + DAYS_1900_TO_1970));
        }
    }
}
