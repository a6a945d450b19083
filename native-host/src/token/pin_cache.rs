//! Verified PINs kept in host memory, per token, for a limited time.
//!
//! Entries are `SecretString`s (zeroized when dropped) and are dropped on
//! expiry, on `token.forget_pin`, when their card leaves its reader (see
//! `watch` in `server.rs`), when the card rejects them, and at exit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use secrecy::SecretString;

pub struct PinCache {
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    next_generation: u64,
}

struct Entry {
    pin: SecretString,
    expires: Instant,
    generation: u64,
    /// The PC/SC reader the card was in when the PIN was verified.
    reader: Option<String>,
}

/// A PIN taken from the cache, with what is needed to drop exactly that entry
/// if the token rejects it (a newer PIN verified meanwhile is kept).
pub struct CachedPin {
    pub pin: SecretString,
    generation: u64,
}

impl PinCache {
    /// `ttl` zero: nothing is ever cached.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Caches a PIN the token just accepted. Returns false when caching is off.
    pub fn store(&self, token: &str, pin: SecretString, reader: Option<String>) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        let mut inner = self.lock();
        inner.next_generation += 1;
        let generation = inner.next_generation;
        inner.entries.insert(
            token.to_owned(),
            Entry {
                pin,
                expires: Instant::now() + self.ttl,
                generation,
                reader,
            },
        );
        true
    }

    /// The cached PIN of `token`, unless absent or expired (an expired one is dropped).
    pub fn get(&self, token: &str) -> Option<CachedPin> {
        let mut inner = self.lock();
        let entry = inner.entries.get(token)?;
        if entry.expires <= Instant::now() {
            inner.entries.remove(token);
            return None;
        }
        Some(CachedPin {
            pin: entry.pin.clone(),
            generation: entry.generation,
        })
    }

    pub fn is_cached(&self, token: &str) -> bool {
        self.lock()
            .entries
            .get(token)
            .is_some_and(|e| e.expires > Instant::now())
    }

    /// Drops the PIN of `token`; true if one was cached.
    pub fn forget(&self, token: &str) -> bool {
        self.lock().entries.remove(token).is_some()
    }

    /// Drops `used` if it is still the cached entry (the token rejected it).
    pub fn forget_rejected(&self, token: &str, used: &CachedPin) {
        let mut inner = self.lock();
        if inner
            .entries
            .get(token)
            .is_some_and(|e| e.generation == used.generation)
        {
            inner.entries.remove(token);
        }
    }

    /// Drops expired entries; returns the tokens still cached with their reader.
    pub fn sweep(&self) -> Vec<(String, Option<String>)> {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.entries.retain(|_, e| e.expires > now);
        inner
            .entries
            .iter()
            .map(|(t, e)| (t.clone(), e.reader.clone()))
            .collect()
    }

    pub fn clear(&self) {
        self.lock().entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let cache = PinCache::new(Duration::from_millis(50));
        assert!(cache.store("card:A", pin("123456"), None));
        assert!(cache.is_cached("card:A"));
        assert!(cache.get("card:A").is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(cache.get("card:A").is_none());
        assert!(cache.sweep().is_empty());
        cache.store("card:B", pin("123456"), Some("r".into()));
        assert!(cache.forget("card:B"));
        assert!(!cache.forget("card:B"));
    }

    #[test]
    fn zero_ttl_never_caches() {
        let cache = PinCache::new(Duration::ZERO);
        assert!(!cache.store("card:A", pin("123456"), None));
        assert!(cache.get("card:A").is_none());
    }

    #[test]
    fn a_rejected_pin_is_dropped_but_a_newer_one_is_kept() {
        let cache = PinCache::new(Duration::from_secs(60));
        cache.store("soft:X", pin("old"), None);
        let used = cache.get("soft:X").expect("cached");
        cache.forget_rejected("soft:X", &used);
        assert!(!cache.is_cached("soft:X"));
        cache.store("soft:X", pin("old"), None);
        let used = cache.get("soft:X").expect("cached");
        cache.store("soft:X", pin("new"), None);
        cache.forget_rejected("soft:X", &used);
        assert!(cache.is_cached("soft:X"));
    }
}
