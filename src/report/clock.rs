//! The one clock format of every output: the CLI summary, report.html, routes.csv and the
//! GeoJSON all print times of day through [`clock`], so one route shows the same time
//! everywhere (four formatters used to round differently: 10:08 in the CLI, 10:09 in the
//! report, issue 19).
//!
//! The rule: round to the nearest unit shown (half a minute rounds up for `HH:MM`, half a
//! second for `HH:MM:SS`), never truncate. Hours run past 23 for times after midnight of
//! the day the seconds count from (a route back at 24:30), rather than wrapping to 00:30.

/// The smallest unit a clock reading shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `HH:MM`.
    Minutes,
    /// `HH:MM:SS`.
    Seconds,
}

/// Seconds since midnight (or a duration in seconds) as `HH:MM` or `HH:MM:SS`, rounded to
/// the nearest unit shown. Negative and non-finite inputs show as `00:00`.
///
/// # Units
/// `seconds`: seconds.
pub fn clock(seconds: f64, precision: Precision) -> String {
    let s = if seconds.is_finite() { seconds.max(0.0) } else { 0.0 };
    match precision {
        Precision::Minutes => {
            let m = (s / 60.0).round() as u64;
            format!("{:02}:{:02}", m / 60, m % 60)
        }
        Precision::Seconds => {
            let t = s.round() as u64;
            format!("{:02}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_the_nearest_unit_shown() {
        // 10:08:40: the minutes round up (the CLI used to truncate to 10:08).
        let t = 10.0 * 3600.0 + 8.0 * 60.0 + 40.0;
        assert_eq!(clock(t, Precision::Minutes), "10:09");
        assert_eq!(clock(t, Precision::Seconds), "10:08:40");
        assert_eq!(clock(t - 11.0, Precision::Minutes), "10:08");
        assert_eq!(clock(59.5, Precision::Seconds), "00:01:00");
        assert_eq!(clock(29.9, Precision::Minutes), "00:00");
        assert_eq!(clock(30.0, Precision::Minutes), "00:01");
    }

    #[test]
    fn past_midnight_and_bad_inputs() {
        assert_eq!(clock(24.5 * 3600.0, Precision::Minutes), "24:30");
        assert_eq!(clock(-5.0, Precision::Minutes), "00:00");
        assert_eq!(clock(f64::NAN, Precision::Seconds), "00:00:00");
    }
}
