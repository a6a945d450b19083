//! Lanes: a bounded share of tokio's blocking pool for one kind of work.
//!
//! Every request that waits on the disk or a card runs on the blocking pool,
//! and the pool is small (`commands::serve`). Without a bound, a few slow store
//! requests (a network file system, an entry that is a pipe) took every
//! blocking thread, and `hello`, `token.*` and `store.list` stopped answering.
//! A lane lets at most `running` of its jobs hold a thread, keeps at most
//! `waiting` more in line, and refuses the rest at once with `host_busy`, so
//! the browser hears "try again" instead of a timeout.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tessera_protocol::{ErrorBody, ErrorCode};
use tokio::sync::Semaphore;

/// How long a job may wait in line for a thread before it is refused. Below the
/// extension's 20 s request timeout, so the refusal arrives before it gives up.
pub const MAX_WAIT: Duration = Duration::from_secs(15);

pub struct Lane {
    /// What the lane runs, for the busy message ("store", "store.list").
    what: &'static str,
    running: Arc<Semaphore>,
    /// Jobs admitted and not finished: running plus waiting.
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    max_wait: Duration,
}

impl Lane {
    pub fn new(what: &'static str, running: usize, waiting: usize) -> Self {
        Self::with_max_wait(what, running, waiting, MAX_WAIT)
    }

    pub fn with_max_wait(what: &'static str, running: usize, waiting: usize, max_wait: Duration) -> Self {
        Self {
            what,
            running: Arc::new(Semaphore::new(running)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: running + waiting,
            max_wait,
        }
    }

    /// Runs `work` on the blocking pool once the lane has room; `host_busy`
    /// when the line is full or the wait too long (then `work` never ran).
    pub async fn run<T, F>(&self, work: F) -> Result<T, ErrorBody>
    where
        F: FnOnce() -> Result<T, ErrorBody> + Send + 'static,
        T: Send + 'static,
    {
        let admitted = Admitted::take(&self.admitted, self.capacity).ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::HostBusy,
                format!(
                    "the host has {} {} requests in hand, the most it takes at once: try again in a moment",
                    self.capacity, self.what
                ),
            )
        })?;
        let permit = match tokio::time::timeout(self.max_wait, Arc::clone(&self.running).acquire_owned())
            .await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => {
                return Err(ErrorBody::new(ErrorCode::Internal, "the host is shutting down"));
            }
            Err(_elapsed) => {
                return Err(ErrorBody::new(
                    ErrorCode::HostBusy,
                    format!(
                        "{} work waited {} s for earlier requests to finish and was not started: try again in a moment",
                        self.what,
                        self.max_wait.as_secs()
                    ),
                ));
            }
        };
        // The permit and the admission go into the thread's closure: they are
        // given back when the work really ends, not when its request is
        // abandoned (a dropped future cannot stop a blocking thread).
        crate::requests::blocking(move || {
            let _held = (permit, admitted);
            work()
        })
        .await
    }
}

/// One admitted job; gives its place back when dropped.
struct Admitted(Arc<AtomicUsize>);

impl Admitted {
    fn take(count: &Arc<AtomicUsize>, capacity: usize) -> Option<Self> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < capacity).then_some(n + 1)
            })
            .ok()
            .map(|_| Self(Arc::clone(count)))
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_lane_refuses_at_once_and_frees_its_places() {
        let lane = Arc::new(Lane::new("store", 1, 1));
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let running = {
            let lane = Arc::clone(&lane);
            let release_rx = Arc::clone(&release_rx);
            tokio::spawn(async move {
                lane.run(move || {
                    let _ = started_tx.send(());
                    let _ = release_rx.lock().map(|rx| rx.recv());
                    Ok(1)
                })
                .await
            })
        };
        started_rx.await.expect("the first job started");
        let waiting = {
            let lane = Arc::clone(&lane);
            tokio::spawn(async move { lane.run(|| Ok(2)).await })
        };
        // Give the second job time to take its place in line.
        while lane.admitted.load(Ordering::Acquire) < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let refused = lane.run(|| Ok(3)).await.expect_err("line full");
        assert_eq!(refused.code, ErrorCode::HostBusy);
        release_tx.send(()).expect("release");
        assert_eq!(running.await.expect("joined").expect("ran"), 1);
        assert_eq!(waiting.await.expect("joined").expect("ran"), 2);
        assert_eq!(lane.admitted.load(Ordering::Acquire), 0);
        assert_eq!(lane.run(|| Ok(4)).await.expect("room again"), 4);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_that_waits_too_long_is_refused_and_never_runs() {
        let lane = Arc::new(Lane::with_max_wait("store", 1, 4, Duration::from_millis(100)));
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let running = {
            let lane = Arc::clone(&lane);
            tokio::spawn(async move {
                lane.run(move || {
                    let _ = started_tx.send(());
                    let _ = release_rx.recv();
                    Ok(())
                })
                .await
            })
        };
        started_rx.await.expect("the first job started");
        let ran = Arc::new(AtomicUsize::new(0));
        let flag = Arc::clone(&ran);
        let refused = lane
            .run(move || {
                flag.fetch_add(1, Ordering::AcqRel);
                Ok(())
            })
            .await
            .expect_err("waited too long");
        assert_eq!(refused.code, ErrorCode::HostBusy);
        release_tx.send(()).expect("release");
        running.await.expect("joined").expect("ran");
        assert_eq!(ran.load(Ordering::Acquire), 0);
    }
}
