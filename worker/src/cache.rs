//! Per-isolate caches with a time to live. An isolate serves many requests one at a time (wasm is
//! single-threaded), so a `thread_local!` of these is shared by every request it handles.

use std::cell::RefCell;
use std::collections::HashMap;

use pulsegate_schema::UnixMillis;

/// One value, fresh until `expires_at`.
#[derive(Debug)]
pub(crate) struct Slot<T> {
    inner: RefCell<Option<(T, UnixMillis)>>,
}

impl<T: Clone> Slot<T> {
    pub(crate) const fn new() -> Self {
        Self { inner: RefCell::new(None) }
    }

    /// The value, if stored and not expired at `now`.
    pub(crate) fn get(&self, now: UnixMillis) -> Option<T> {
        let inner = self.inner.borrow();
        inner.as_ref().filter(|(_, expires)| now < *expires).map(|(v, _)| v.clone())
    }

    pub(crate) fn put(&self, value: T, now: UnixMillis, ttl_ms: u64) {
        *self.inner.borrow_mut() = Some((value, now.saturating_add(ttl_ms)));
    }
}

/// Values by key, each with its own expiry; emptied whole when it reaches `capacity` entries so
/// that a flood of distinct keys cannot grow it without bound.
#[derive(Debug)]
pub(crate) struct Map<T> {
    inner: RefCell<Option<HashMap<String, (T, UnixMillis)>>>,
    capacity: usize,
}

impl<T: Clone> Map<T> {
    pub(crate) const fn new(capacity: usize) -> Self {
        Self { inner: RefCell::new(None), capacity }
    }

    pub(crate) fn get(&self, key: &str, now: UnixMillis) -> Option<T> {
        let inner = self.inner.borrow();
        let (value, expires) = inner.as_ref()?.get(key)?;
        (now < *expires).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: String, value: T, now: UnixMillis, ttl_ms: u64) {
        let mut inner = self.inner.borrow_mut();
        let map = inner.get_or_insert_with(HashMap::new);
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, (value, now.saturating_add(ttl_ms)));
    }

    pub(crate) fn clear(&self) {
        *self.inner.borrow_mut() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_expire() {
        let slot = Slot::new();
        assert_eq!(slot.get(0), None::<u8>);
        slot.put(7, 1_000, 5_000);
        assert_eq!(slot.get(5_999), Some(7));
        assert_eq!(slot.get(6_000), None);
    }

    #[test]
    fn maps_expire_per_key_and_stay_bounded() {
        let map = Map::new(2);
        map.put("a".into(), 1, 0, 10);
        map.put("b".into(), 2, 5, 10);
        assert_eq!(map.get("a", 9), Some(1));
        assert_eq!(map.get("a", 10), None);
        assert_eq!(map.get("b", 14), Some(2));
        map.put("c".into(), 3, 5, 10);
        assert_eq!(map.get("a", 6), None, "full: emptied before inserting c");
        assert_eq!(map.get("c", 6), Some(3));
        map.clear();
        assert_eq!(map.get("c", 6), None);
    }
}
