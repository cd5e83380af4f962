//! Background work (opening a document, exporting, preview layouts) off the UI thread, with progress
//! and cancel. No egui here: the UI polls [`Job::poll`] once a frame and reads [`Job::progress`].
//!
//! ```
//! use wangge::jobs::{Job, JobError};
//! let job: Job<u32, String> = Job::spawn(|progress| {
//!     for step in 0..4 {
//!         if progress.is_cancelled() {
//!             return Err(JobError::Cancelled);
//!         }
//!         progress.set(step as f32 / 4.0, "counting");
//!     }
//!     Ok(42)
//! });
//! assert_eq!(job.wait().unwrap(), 42);
//! ```

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};

/// How far a job got and whether it should stop: shared between the worker and the UI, cheap to
/// update (an atomic and a short string behind a lock held only for a copy).
#[derive(Debug, Default)]
pub struct Progress {
    fraction_bits: AtomicU32,
    status: Mutex<String>,
    cancelled: AtomicBool,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the fraction done (clamped to 0..=1) and the status text.
    pub fn set(&self, fraction: f32, status: &str) {
        self.set_fraction(fraction);
        if let Ok(mut s) = self.status.lock()
            && *s != status
        {
            s.clear();
            s.push_str(status);
        }
    }

    pub fn set_fraction(&self, fraction: f32) {
        let f = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
        self.fraction_bits.store(f.to_bits(), Ordering::Relaxed);
    }

    /// The fraction done, 0..=1.
    pub fn fraction(&self) -> f32 {
        f32::from_bits(self.fraction_bits.load(Ordering::Relaxed))
    }

    /// The last status text.
    pub fn status(&self) -> String {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// What long work reports to and asks of whoever runs it. Library code (export) takes a
/// `&dyn Monitor`; `&()` is the monitor of a caller that neither watches nor cancels (the CLI).
pub trait Monitor {
    fn report(&self, fraction: f32, status: &str);
    fn is_cancelled(&self) -> bool;
}

impl Monitor for () {
    fn report(&self, _: f32, _: &str) {}
    fn is_cancelled(&self) -> bool {
        false
    }
}

impl Monitor for Progress {
    fn report(&self, fraction: f32, status: &str) {
        self.set(fraction, status);
    }
    fn is_cancelled(&self) -> bool {
        Progress::is_cancelled(self)
    }
}

/// A stage of a longer piece of work: its fractions 0..1 map onto `from..to` of the whole.
pub struct Part<'a> {
    whole: &'a dyn Monitor,
    from: f32,
    to: f32,
}

impl<'a> Part<'a> {
    pub fn new(whole: &'a dyn Monitor, from: f32, to: f32) -> Self {
        Self { whole, from, to }
    }
}

impl Monitor for Part<'_> {
    fn report(&self, fraction: f32, status: &str) {
        self.whole.report(self.from + (self.to - self.from) * fraction.clamp(0.0, 1.0), status);
    }
    fn is_cancelled(&self) -> bool {
        self.whole.is_cancelled()
    }
}

/// Why a job gave no result.
#[derive(Debug, thiserror::Error)]
pub enum JobError<E> {
    #[error("已取消 (cancelled)")]
    Cancelled,
    /// The worker panicked; the message is the panic's.
    #[error("后台任务出错 (the background task failed): {0}")]
    Panicked(String),
    #[error(transparent)]
    Failed(E),
}

impl<E> JobError<E> {
    /// Maps the work's own error.
    pub fn map<F>(self, f: impl FnOnce(E) -> F) -> JobError<F> {
        match self {
            Self::Cancelled => JobError::Cancelled,
            Self::Panicked(m) => JobError::Panicked(m),
            Self::Failed(e) => JobError::Failed(f(e)),
        }
    }
}

pub type JobResult<T, E> = Result<T, JobError<E>>;

/// Work running on its own thread. Dropping a job asks it to stop and forgets its result.
pub struct Job<T, E> {
    progress: Arc<Progress>,
    result: Receiver<JobResult<T, E>>,
    done: bool,
}

impl<T: Send + 'static, E: Send + 'static> Job<T, E> {
    /// Runs `work` on a new thread.
    pub fn spawn(work: impl FnOnce(&Progress) -> JobResult<T, E> + Send + 'static) -> Self {
        Self::spawn_with_wake(|| {}, work)
    }

    /// Runs `work` on a new thread and calls `wake` when it is done (the UI asks for a repaint).
    pub fn spawn_with_wake(
        wake: impl FnOnce() + Send + 'static,
        work: impl FnOnce(&Progress) -> JobResult<T, E> + Send + 'static,
    ) -> Self {
        let progress = Arc::new(Progress::new());
        let (tx, rx) = channel();
        let shared = progress.clone();
        let spawned = std::thread::Builder::new().name("wangge-job".into()).spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&shared)))
                .unwrap_or_else(|panic| Err(JobError::Panicked(panic_message(panic.as_ref()))));
            // The receiver is gone when the job was dropped: nobody wants the result.
            let _ = tx.send(result);
            wake();
        });
        let result = match spawned {
            Ok(_) => rx,
            Err(e) => {
                // No thread could be started: the job ends at once with the reason.
                let (tx, rx) = channel();
                let _ = tx.send(Err(JobError::Panicked(e.to_string())));
                rx
            }
        };
        Self { progress, result, done: false }
    }
}

impl<T, E> Job<T, E> {
    /// The result once the work has ended, exactly once; `None` while it runs (and after).
    pub fn poll(&mut self) -> Option<JobResult<T, E>> {
        if self.done {
            return None;
        }
        match self.result.try_recv() {
            Ok(r) => {
                self.done = true;
                Some(r)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.done = true;
                Some(Err(JobError::Panicked("worker ended without a result".into())))
            }
        }
    }

    /// Blocks until the work ends (tests and the command line).
    pub fn wait(mut self) -> JobResult<T, E> {
        if self.done {
            return Err(JobError::Panicked("the result was already taken".into()));
        }
        self.done = true;
        self.result.recv().unwrap_or_else(|_| Err(JobError::Panicked("worker ended without a result".into())))
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    pub fn cancel(&self) {
        self.progress.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.progress.is_cancelled()
    }
}

impl<T, E> Drop for Job<T, E> {
    fn drop(&mut self) {
        if !self.done {
            self.progress.cancel();
        }
    }
}

/// A read-only copy of the open document for workers. `Document` holds its SQLite connection, which
/// may move to another thread but not be shared, so the copy sits behind a mutex that workers take
/// in turn; the UI thread keeps drawing from its own document and never locks it.
pub type SharedDocument = Arc<Mutex<crate::Document>>;

/// Reads a shared copy (a worker that panicked while reading leaves it intact: it is never written).
pub fn read<R>(shared: &SharedDocument, f: impl FnOnce(&crate::Document) -> R) -> R {
    let guard = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&guard)
}

/// The copy for the document's current revision, made at most once per revision (after an edit,
/// when work first needs it), never per frame: exports and previews of an unchanged document share it.
#[derive(Default)]
pub struct Snapshots {
    current: Option<(u64, SharedDocument)>,
}

impl Snapshots {
    pub fn of(&mut self, doc: &crate::Document) -> SharedDocument {
        match &self.current {
            Some((revision, shared)) if *revision == doc.revision() => shared.clone(),
            _ => {
                let shared = Arc::new(Mutex::new(doc.snapshot()));
                self.current = Some((doc.revision(), shared.clone()));
                shared
            }
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Polls like the UI does, once a "frame", until a result arrives.
    fn poll_until_done<T, E>(job: &mut Job<T, E>) -> JobResult<T, E> {
        let start = Instant::now();
        loop {
            if let Some(r) = job.poll() {
                return r;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "job never finished");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn the_result_is_delivered_once_with_progress() {
        let mut job: Job<u32, String> = Job::spawn(|p| {
            p.set(0.5, "half");
            Ok(7)
        });
        assert_eq!(poll_until_done(&mut job).unwrap(), 7);
        assert!(job.poll().is_none(), "a result is delivered exactly once");
        assert_eq!(job.progress().fraction(), 0.5);
        assert_eq!(job.progress().status(), "half");
    }

    #[test]
    fn the_works_error_is_its_own() {
        let mut job: Job<(), String> = Job::spawn(|_| Err(JobError::Failed("no such file".into())));
        assert!(matches!(poll_until_done(&mut job), Err(JobError::Failed(e)) if e == "no such file"));
    }

    #[test]
    fn cancel_is_observed_between_steps() {
        let (started_tx, started_rx) = channel();
        let mut job: Job<usize, String> = Job::spawn(move |p| {
            let _ = started_tx.send(());
            for step in 0.. {
                if p.is_cancelled() {
                    return Err(JobError::Cancelled);
                }
                p.set_fraction((step % 100) as f32 / 100.0);
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(0)
        });
        started_rx.recv().unwrap();
        job.cancel();
        assert!(job.is_cancelled());
        assert!(matches!(poll_until_done(&mut job), Err(JobError::Cancelled)));
    }

    #[test]
    fn dropping_a_job_cancels_it() {
        let seen = Arc::new(AtomicBool::new(false));
        let (progress_tx, progress_rx) = channel();
        let job: Job<(), String> = {
            let seen = seen.clone();
            Job::spawn(move |p| {
                let _ = progress_tx.send(());
                while !p.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                seen.store(true, Ordering::SeqCst);
                Err(JobError::Cancelled)
            })
        };
        progress_rx.recv().unwrap();
        drop(job);
        let start = Instant::now();
        while !seen.load(Ordering::SeqCst) {
            assert!(start.elapsed() < Duration::from_secs(20), "the worker never saw the cancel");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_panic_in_the_worker_is_an_error_not_a_crash() {
        let mut job: Job<(), String> = Job::spawn(|_| panic!("index out of bounds"));
        match poll_until_done(&mut job) {
            Err(JobError::Panicked(m)) => assert!(m.contains("index out of bounds"), "{m}"),
            other => panic!("expected a panic error, got {other:?}"),
        }
        let job: Job<(), String> = Job::spawn(|_| panic!("{}", String::from("formatted")));
        assert!(matches!(job.wait(), Err(JobError::Panicked(m)) if m == "formatted"));
    }

    #[test]
    fn wake_is_called_when_done() {
        let (tx, rx) = channel();
        let job: Job<(), String> = Job::spawn_with_wake(move || tx.send(()).unwrap(), |_| Ok(()));
        rx.recv_timeout(Duration::from_secs(20)).unwrap();
        job.wait().unwrap();
    }

    #[test]
    fn a_snapshot_is_made_once_per_revision() {
        let doc = crate::Document::new(crate::demo::kangle(), None, crate::Lang::ZhCn);
        let mut snapshots = Snapshots::default();
        let a = snapshots.of(&doc);
        let b = snapshots.of(&doc);
        assert!(Arc::ptr_eq(&a, &b), "an unchanged document is copied once");
        let other = crate::Document::new(crate::demo::kangle(), None, crate::Lang::ZhCn);
        assert!(!Arc::ptr_eq(&a, &snapshots.of(&other)), "another document is another copy");
        let job: Job<usize, String> = Job::spawn(move |_| Ok(read(&a, |d| d.community.buildings.len())));
        assert_eq!(job.wait().unwrap(), doc.community.buildings.len());
    }

    #[test]
    fn parts_map_onto_the_whole() {
        let p = Progress::new();
        let part = Part::new(&p, 0.5, 1.0);
        part.report(0.5, "x");
        assert_eq!(p.fraction(), 0.75);
        p.set_fraction(f32::NAN);
        assert_eq!(p.fraction(), 0.0);
        p.set_fraction(3.0);
        assert_eq!(p.fraction(), 1.0);
        p.cancel();
        assert!(Monitor::is_cancelled(&part));
    }
}
