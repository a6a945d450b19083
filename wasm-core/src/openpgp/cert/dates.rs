//! The clock and the dates shown to people.

use pgp::types::Timestamp;

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn format_date(secs: u32) -> String {
    // Days to civil date (Howard Hinnant's algorithm).
    let z = i64::from(secs / 86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The current time, from the browser's clock on wasm32.
pub fn now() -> Timestamp {
    Timestamp::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(1_740_787_200), "2025-03-01");
        assert_eq!(format_date(951_782_400), "2000-02-29");
    }
}
