//! Clean series from the shared Online Retail history, without a scenario.
//!
//! Key points:
//! - [`SeriesSet::from_history_csv`] reads any long-form `date,sku,zone,quantity` file; here
//!   the zone column is `region` and the extra `revenue_gbp` column is ignored (one warning).
//! - Every row is checked like a scenario's `demand.csv`; warnings (gaps, outliers) keep the data.
//! - Run: `cargo run --release --example history_series [-- PATH]`. Without a PATH it reads
//!   `data/demand/online_retail_fr_de.csv`, a small sample inside the repository; the
//!   figures in docs/benchmarks.md pass the whole shared file,
//!   `../shared/data/demand/online_retail_daily.csv`.

use std::path::PathBuf;
use std::time::Instant;
use stockroute::scenario::{Code, HistoryFormat, Period, SeriesSet};

fn main() -> anyhow::Result<()> {
    let default =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/demand/online_retail_fr_de.csv");
    let path = std::env::args().nth(1).map_or(default, PathBuf::from);
    anyhow::ensure!(
        path.is_file(),
        "{} is missing: pass a history file (the shared one is \
         ../shared/data/demand/online_retail_daily.csv, beside the repository)",
        path.display()
    );
    for period in [Period::Day, Period::Week] {
        let started = Instant::now();
        let format = HistoryFormat::default().with_zone_column("region").with_period(period);
        let (set, report) = SeriesSet::from_history_csv(&path, &format)?;
        let seconds = started.elapsed().as_secs_f64();
        println!("{period:?}: {} series in {seconds:.2} s", set.len());
        if let Some(summary) = &report.summary.series {
            println!("  {summary}");
        }
        for code in Code::ALL {
            let n = report.with_code(*code).count();
            if n > 0 {
                println!("  {code}: {n}");
            }
        }
        if let Some(issue) = report.with_code(Code::Outlier).next() {
            println!("  e.g. {}", issue.cause);
        }
    }
    Ok(())
}
