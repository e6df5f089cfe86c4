//! The dynamic day: requests that arrive while vans are out, dispatched in epochs.
//!
//! The yardstick is the dynamic variant of the EURO Meets NeurIPS 2022 vehicle routing
//! competition (ORTEC's environment): requests arrive hourly, each epoch the controller
//! decides which known requests go out now and on which routes (those that would be late
//! if they waited must go), and the score is the total driving duration. The static
//! solver hardly separated the finalists; the dispatch policy decided the ranking. So this
//! stage owns the policy and leaves the routes to [`crate::routing`]:
//!
//! - [`ortec`]: the instance as the dynamic rules read it (integer seconds) and the
//!   stored request streams (`episodes/*.csv`), read strictly.
//! - [`epoch`]: one epoch's [`Observation`] and the static VRPTW a policy solves for it.
//! - [`policies`]: [`Policy`] and one file per policy: greedy, lazy and scenario sampling
//!   with consensus; [`sample`] draws plausible future requests from the instance.
//! - [`episode`]: [`play`] runs an episode epoch by epoch under a per-epoch deadline.
//! - [`protocol`]: the upstream controller's JSON-lines messages, so the official harness
//!   can run stockroute (`stockroute dispatch --protocol`).
//! - [`replay`]: stockroute's own replay of the rules, sharing no code with the policies:
//!   every dispatched route re-checked, the score recomputed.
//!
//! ```
//! use stockroute::dispatch::{Episode, Instance, PolicyName, play};
//! use stockroute::routing::{SolverConfig, formats::vrplib};
//! use stockroute::SolveContext;
//! use std::time::Duration;
//! let text = "NAME : t\nTYPE : VRPTW\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n\
//!     EDGE_WEIGHT_FORMAT : FULL_MATRIX\nCAPACITY : 10\nEDGE_WEIGHT_SECTION\n0 600 700\n\
//!     600 0 300\n700 300 0\nDEMAND_SECTION\n1 0\n2 3\n3 4\nDEPOT_SECTION\n1\n-1\n\
//!     SERVICE_TIME_SECTION\n1 0\n2 60\n3 60\nTIME_WINDOW_SECTION\n1 0 20000\n\
//!     2 4000 12000\n3 8000 16000\nEOF\n";
//! let instance = Instance::from_problem(&vrplib::parse(text)?)?;
//! assert_eq!(instance.epochs(), (0, 1));
//! let stream = "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand\n\
//!     1,0,1,1,4000,12000,60,3\n2,1,1,2,8000,16000,60,4\n";
//! let episode = Episode::parse(stream, &instance)?;
//! let mut policy = PolicyName::Greedy.build(SolverConfig::default().with_max_iterations(100));
//! let played = play(&instance, &episode, policy.as_mut(), Duration::from_secs(1), &SolveContext::new(1))?;
//! assert!(played.replay.is_valid());
//! assert_eq!(played.replay.cost_s, 1200 + 1400);
//! Ok::<(), stockroute::Error>(())
//! ```

pub mod episode;
pub mod epoch;
pub mod error;
pub mod ortec;
pub mod policies;
pub mod protocol;
pub mod replay;
pub mod sample;

pub use episode::{EpochRecord, Played, play};
pub use epoch::{EpochStop, Observation};
pub use error::{DispatchError, RuleBreak};
pub use ortec::{Episode, Instance, Request, RequestId};
pub use policies::{Policy, PolicyName};
pub use replay::{DispatchLog, Replay, replay};
