//! Small bounded minimisers used to fit smoothing parameters.
//!
//! The models fit one to four parameters on a cheap, smooth loss (a sum of squared one-step
//! errors), thousands of times per run: a golden-section search for one parameter and a
//! Nelder-Mead simplex for a few are all that needs. A general optimisation crate (argmin)
//! would pull a large dependency tree into a crate that uses two 40-line routines.

/// Minimises `f` on `[lo, hi]` by golden-section search to an interval of `tol`.
///
/// # Complexity
/// About `log(tol / (hi - lo)) / log(0.618)` evaluations of `f` (~40 for the defaults here).
pub fn golden_section(mut lo: f64, mut hi: f64, tol: f64, mut f: impl FnMut(f64) -> f64) -> f64 {
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = hi - ratio * (hi - lo);
    let mut d = lo + ratio * (hi - lo);
    let (mut fc, mut fd) = (f(c), f(d));
    while (hi - lo).abs() > tol {
        if fc < fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - ratio * (hi - lo);
            fc = f(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + ratio * (hi - lo);
            fd = f(d);
        }
    }
    (lo + hi) / 2.0
}

/// Minimises `f` over the box `bounds` with a Nelder-Mead simplex started at `start`.
/// Points outside the box are evaluated at their projection plus a penalty, so the search
/// stays inside without a transformation.
///
/// # Complexity
/// At most `max_evals` evaluations of `f`.
pub fn nelder_mead(
    start: &[f64],
    bounds: &[(f64, f64)],
    max_evals: usize,
    mut f: impl FnMut(&[f64]) -> f64,
) -> Vec<f64> {
    let n = start.len();
    let mut buf = vec![0.0; n];
    let mut eval = |x: &[f64], buf: &mut Vec<f64>| {
        let mut penalty = 0.0;
        for (i, (&xi, &(lo, hi))) in x.iter().zip(bounds).enumerate() {
            buf[i] = xi.clamp(lo, hi);
            penalty += (xi - buf[i]).abs();
        }
        let v = f(buf);
        if penalty > 0.0 { v * (1.0 + penalty) + penalty } else { v }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let v0 = eval(start, &mut buf);
    simplex.push((start.to_vec(), v0));
    for i in 0..n {
        let mut x = start.to_vec();
        let (lo, hi) = bounds[i];
        let step = 0.1 * (hi - lo);
        x[i] = if x[i] + step <= hi { x[i] + step } else { x[i] - step };
        let v = eval(&x, &mut buf);
        simplex.push((x, v));
    }
    let mut evals = n + 1;
    while evals < max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        if (worst - best).abs() <= 1e-10 * (best.abs() + 1e-12) {
            break;
        }
        let centroid: Vec<f64> =
            (0..n).map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64).collect();
        let along = |t: f64, worst: &[f64]| -> Vec<f64> {
            centroid.iter().zip(worst).map(|(c, w)| c + t * (c - w)).collect()
        };
        let xr = along(1.0, &simplex[n].0);
        let fr = eval(&xr, &mut buf);
        evals += 1;
        if fr < simplex[0].1 {
            let xe = along(2.0, &simplex[n].0);
            let fe = eval(&xe, &mut buf);
            evals += 1;
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let xc = along(-0.5, &simplex[n].0);
            let fc = eval(&xc, &mut buf);
            evals += 1;
            if fc < simplex[n].1 {
                simplex[n] = (xc, fc);
            } else {
                let x0 = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    for (xj, x0j) in p.0.iter_mut().zip(&x0) {
                        *xj = x0j + 0.5 * (*xj - x0j);
                    }
                    p.1 = eval(&p.0, &mut buf);
                    evals += 1;
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex[0].0.iter().zip(bounds).map(|(x, &(lo, hi))| x.clamp(lo, hi)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_section_finds_an_interior_minimum() {
        let x = golden_section(0.0, 1.0, 1e-9, |x| (x - 0.3).powi(2));
        assert!((x - 0.3).abs() < 1e-7);
    }

    #[test]
    fn nelder_mead_respects_bounds() {
        let x = nelder_mead(&[0.5, 0.5], &[(0.0, 1.0), (0.0, 0.2)], 500, |p| {
            (p[0] - 0.7).powi(2) + (p[1] - 0.9).powi(2)
        });
        assert!((x[0] - 0.7).abs() < 1e-3, "{x:?}");
        assert!((x[1] - 0.2).abs() < 1e-9, "{x:?}");
    }
}
