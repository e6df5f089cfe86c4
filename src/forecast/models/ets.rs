//! Exponential smoothing (ETS) with additive errors: level, optional damped trend, optional
//! additive weekly season; the smoothing parameters are fitted by least squares and the form
//! is chosen by AICc (Hyndman et al., "Forecasting with Exponential Smoothing", 2008).
//!
//! Additive seasonality because most daily retail series hit zero every Saturday and a
//! multiplicative season is undefined there. The fit uses the last `max_fit_periods` periods
//! only: a year of daily data is enough to estimate two or three parameters, and it bounds
//! the cost on long histories. Initial states come from the first seasons (classical
//! decomposition), not from the optimiser, to keep the fit cheap.

use super::Forecaster;
use crate::forecast::optimize::nelder_mead;

/// Which components a candidate form has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Form {
    damped_trend: bool,
    seasonal: bool,
}

/// AutoETS over {ANN, AAdN, ANA} (those the data and options allow). The damped trend with
/// a season (AAdA, four parameters) is left out: it cost 40% of the fitting time and was
/// chosen for few series on the shared data.
#[derive(Debug, Clone, Copy)]
pub struct Ets {
    /// Season length in periods; 1 = no seasonal candidates.
    pub season: usize,
    /// Whether damped-trend forms are candidates.
    pub trend: bool,
    /// Only the last this many periods are used to fit.
    pub max_fit_periods: usize,
}

impl Ets {
    /// Daily (season 7) or weekly (season 1) defaults: damped trend allowed, one year fitted.
    pub fn new(season: usize) -> Self {
        Self { season, trend: true, max_fit_periods: 364 }
    }
}

struct Fit {
    aicc: f64,
    level: f64,
    trend: f64,
    phi: f64,
    seasonal: Vec<f64>,
    n: usize,
}

/// Runs the recursions for `params` = [alpha, beta, gamma, phi] and returns the SSE; with
/// `keep`, also the final states.
fn run(y: &[f64], m: usize, form: Form, p: &[f64; 4], keep: Option<&mut Fit>) -> f64 {
    let [alpha, beta, gamma, phi] = *p;
    let (mut l, mut b, mut s) = initial_states(y, m, form);
    let mut sse = 0.0;
    for (t, &v) in y.iter().enumerate() {
        let si = if form.seasonal { s[t % m] } else { 0.0 };
        let e = v - (l + phi * b + si);
        sse += e * e;
        l += phi * b + alpha * e;
        if form.damped_trend {
            b = phi * b + beta * e;
        }
        if form.seasonal {
            s[t % m] += gamma * e;
        }
    }
    if let Some(fit) = keep {
        fit.level = l;
        fit.trend = b;
        fit.phi = phi;
        fit.seasonal = s;
        fit.n = y.len();
    }
    sse
}

fn initial_states(y: &[f64], m: usize, form: Form) -> (f64, f64, Vec<f64>) {
    if !form.seasonal {
        let k = y.len().clamp(1, 7);
        return (y[..k.min(y.len())].iter().sum::<f64>() / k as f64, 0.0, vec![0.0; m.max(1)]);
    }
    let seasons = (y.len() / m).clamp(1, 4);
    let used = &y[..seasons * m];
    let level = used.iter().sum::<f64>() / used.len() as f64;
    let s = (0..m)
        .map(|i| (0..seasons).map(|k| used[k * m + i]).sum::<f64>() / seasons as f64 - level)
        .collect();
    (level, 0.0, s)
}

fn fit(y: &[f64], m: usize, form: Form) -> Option<Fit> {
    let mut free = 1;
    let mut states = 1;
    let mut start = vec![0.1];
    let mut bounds = vec![(1e-4, 0.9999)];
    if form.damped_trend {
        free += 2;
        states += 1;
        start.extend([0.01, 0.9]);
        bounds.extend([(1e-4, 0.9999), (0.8, 0.98)]);
    }
    if form.seasonal {
        free += 1;
        states += m - 1;
        start.push(0.01);
        bounds.push((1e-4, 0.9999));
    }
    let k = (free + states) as f64;
    let n = y.len() as f64;
    if n <= k + 2.0 {
        return None;
    }
    let unpack = |x: &[f64]| -> [f64; 4] {
        let mut p = [x[0], 0.0, 0.0, 1.0];
        let mut i = 1;
        if form.damped_trend {
            p[1] = x[1];
            p[3] = x[2];
            i = 3;
        }
        if form.seasonal {
            p[2] = x[i];
        }
        p
    };
    let loss = |x: &[f64]| {
        let p = unpack(x);
        // Admissible region of the usual parameterisation: beta <= alpha, gamma <= 1 - alpha.
        let excess = (p[1] - p[0]).max(0.0) + (p[2] - (1.0 - p[0])).max(0.0);
        let sse = run(y, m, form, &p, None);
        if excess > 0.0 { sse * (1.0 + 10.0 * excess) + excess } else { sse }
    };
    let best = nelder_mead(&start, &bounds, 40 * start.len(), loss);
    let mut out = Fit { aicc: 0.0, level: 0.0, trend: 0.0, phi: 1.0, seasonal: Vec::new(), n: 0 };
    let sse = run(y, m, form, &unpack(&best), Some(&mut out));
    out.aicc = n * (sse.max(1e-12) / n).ln() + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0);
    Some(out)
}

impl Forecaster for Ets {
    fn name(&self) -> &'static str {
        "ets"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let y = &demand[demand.len().saturating_sub(self.max_fit_periods)..];
        let m = self.season.max(1);
        let mut forms = vec![Form { damped_trend: false, seasonal: false }];
        if self.trend {
            forms.push(Form { damped_trend: true, seasonal: false });
        }
        if m > 1 && y.len() >= 2 * m {
            forms.push(Form { damped_trend: false, seasonal: true });
        }
        let best = forms
            .into_iter()
            .filter_map(|form| fit(y, m, form).map(|f| (form, f)))
            .min_by(|a, b| a.1.aicc.total_cmp(&b.1.aicc));
        let Some((form, f)) = best else {
            let mean = if y.is_empty() { 0.0 } else { y.iter().sum::<f64>() / y.len() as f64 };
            return vec![mean; horizon];
        };
        let mut damp = 0.0;
        let mut phi_h = 1.0;
        (0..horizon)
            .map(|h| {
                phi_h *= f.phi;
                damp += phi_h;
                let season = if form.seasonal { f.seasonal[(f.n + h) % m] } else { 0.0 };
                (f.level + damp * f.trend + season).max(0.0)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_weekly_pattern() {
        let week = [5.0, 6.0, 5.0, 7.0, 6.0, 0.0, 2.0];
        let y: Vec<f64> = (0..140).map(|t| week[t % 7]).collect();
        let f = Ets::new(7).forecast(&y, 7);
        for (h, v) in f.iter().enumerate() {
            assert!((v - week[h % 7]).abs() < 0.2, "h={h}: {v} vs {}", week[h % 7]);
        }
    }

    #[test]
    fn constant_series_forecasts_the_constant() {
        let f = Ets::new(1).forecast(&[4.0; 30], 3);
        assert!(f.iter().all(|v| (v - 4.0).abs() < 1e-6), "{f:?}");
    }
}
