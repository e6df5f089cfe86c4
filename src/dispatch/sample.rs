//! Plausible future requests, drawn from the static instance the way the environment
//! draws real ones (its rules allow a policy to do so): per epoch, 100 draws, each taking
//! the location of one uniformly chosen customer, the time window of a second, the demand
//! of a third and the service time of a fourth, kept only when it can still be served
//! alone by a route leaving at that epoch's departure.
//!
//! The draws use the context's seeded RNG, not numpy's stream: they are scenarios, not a
//! replay of the episode, and must not see the episode's actual future.

use crate::dispatch::epoch::EpochStop;
use crate::dispatch::ortec::{Instance, MAX_REQUESTS_PER_EPOCH, departure_s};
use rand::Rng;

/// Samples the requests of `epoch` (before the policy's `released_at`), at most
/// [`MAX_REQUESTS_PER_EPOCH`] times `keep_share` of them: a share below 1 thins the
/// scenario so that a short solve still covers it.
pub fn sample_epoch(
    instance: &Instance,
    epoch: u32,
    keep_share: f64,
    rng: &mut impl Rng,
) -> Vec<EpochStop> {
    let n = instance.customers();
    let departure = departure_s(epoch);
    let mut out = Vec::new();
    for _ in 0..MAX_REQUESTS_PER_EPOCH {
        let mut pick = || rng.random_range(1..=n);
        let (loc, tw, dem, svc) = (pick(), pick(), pick(), pick());
        if rng.random::<f64>() >= keep_share {
            continue;
        }
        let nodes = &instance.nodes;
        let stop = EpochStop {
            node: loc,
            ready_s: nodes[tw].ready_s,
            due_s: nodes[tw].due_s,
            service_s: nodes[svc].service_s,
            demand: nodes[dem].demand,
        };
        if let Some(s) = stop.released_at(instance, departure) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::ortec::tests::tiny;
    use rand::SeedableRng;

    #[test]
    fn sampled_requests_fit_alone_from_their_epoch_and_wait_for_it() {
        let i = tiny();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        let all = sample_epoch(&i, 0, 1.0, &mut rng);
        assert!(!all.is_empty() && all.len() <= MAX_REQUESTS_PER_EPOCH);
        for s in &all {
            assert!(i.fits_alone(s.node, s.ready_s, s.due_s, s.service_s, departure_s(0)));
            assert!(s.ready_s >= departure_s(0) + i.duration_s[0][s.node]);
        }
        assert!(sample_epoch(&i, 0, 0.0, &mut rng).is_empty());
        // From epoch 5 (departure 21600) nothing can be back by the depot's due 20000.
        assert!(sample_epoch(&i, 5, 1.0, &mut rng).is_empty());
    }
}
