//! Finds a key that appears twice in one JSON object, at any depth.
//!
//! serde_json keeps the last of two equal keys (`{"id":1,"id":2}` is id 2) and
//! has no option to refuse them, so a request could mean one thing to the
//! extension that built it and another to the host. This pass walks the text
//! once more, before the typed decode, and reports the first repeated key.
//! Keys are compared after JSON unescaping, so `"id"` and `"\u0069d"` are the
//! same key, as they are to every decoder.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The first key found twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key, as decoded (may be anything the sender wrote: quote it capped).
    pub key: String,
    /// Objects around it: 0 for a key of the request object itself.
    pub depth: usize,
}

/// `Ok(None)`: every object's keys are distinct. `Err`: the text is not JSON
/// (the caller's own parse reports that better).
pub fn find_duplicate_key(json: &str) -> Result<Option<DuplicateKey>, serde_json::Error> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(json);
    match (Walk {
        depth: 0,
        found: &found,
    })
    .deserialize(&mut de)
    {
        Ok(()) => Ok(None),
        Err(e) => match found.into_inner() {
            Some(dup) => Ok(Some(dup)),
            None => Err(e),
        },
    }
}

/// One JSON value at `depth`; records the first duplicate in `found` and stops.
#[derive(Clone, Copy)]
struct Walk<'a> {
    depth: usize,
    found: &'a RefCell<Option<DuplicateKey>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // serde_json's own recursion limit (128) bounds the nesting here too.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = Walk {
            depth: self.depth + 1,
            ..self
        };
        while seq.next_element_seed(inner)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = Walk {
            depth: self.depth + 1,
            ..self
        };
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                *self.found.borrow_mut() = Some(DuplicateKey {
                    key,
                    depth: self.depth,
                });
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(inner)?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(json: &str) -> Option<(String, usize)> {
        find_duplicate_key(json)
            .expect("valid JSON")
            .map(|d| (d.key, d.depth))
    }

    #[test]
    fn distinct_keys_pass_at_every_depth() {
        assert_eq!(
            dup(r#"{"id":1,"method":"hello","params":{"a":{"a":[{"a":1},{"a":2}]}}}"#),
            None
        );
        assert_eq!(dup(r#"[{"x":1},{"x":1}]"#), None);
        assert_eq!(dup(r#""text""#), None);
    }

    #[test]
    fn a_repeated_key_is_found_at_any_depth() {
        assert_eq!(
            dup(r#"{"id":11,"id":12,"method":"hello","method":"token.list"}"#),
            Some(("id".into(), 0))
        );
        assert_eq!(
            dup(r#"{"id":1,"method":"store.read","params":{"store":"a","path":"x","store":"b"}}"#),
            Some(("store".into(), 1))
        );
        assert_eq!(dup(r#"{"a":[{"b":{"c":1,"c":2}}]}"#), Some(("c".into(), 3)));
    }

    #[test]
    fn keys_are_compared_after_unescaping() {
        assert_eq!(dup(r#"{"id":1,"\u0069d":2}"#), Some(("id".into(), 0)));
    }

    #[test]
    fn invalid_json_is_an_error_not_a_duplicate() {
        assert!(find_duplicate_key("{").is_err());
        assert!(find_duplicate_key(r#"{"a":1,"b""#).is_err());
    }
}
