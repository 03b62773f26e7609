//! A JSON object that keeps its keys in insertion order, as Node's `JSON.stringify` does.
//!
//! `serde_json::Map` sorts its keys unless the workspace turns on `preserve_order`, which would
//! change every other crate's behaviour; the simulator only needs ordered top-level keys
//! (`{"event","session",…}` for webhooks, `{"status","qrcode"}` for session answers).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// An ordered JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Obj(Vec<(String, Value)>);

impl Obj {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `key` (replacing its value in place when present) and returns the object.
    #[must_use]
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.set(key, value);
        self
    }

    /// Sets `key`, keeping its position when it is already there.
    pub(crate) fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(index).1)
    }

    /// The key-value pairs, in order.
    pub(crate) fn into_pairs(self) -> Vec<(String, Value)> {
        self.0
    }

    /// The object as a `serde_json::Value` (key order lost).
    pub(crate) fn to_value(&self) -> Value {
        Value::Object(self.0.iter().cloned().collect())
    }

    /// Serialized JSON text.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

impl Serialize for Obj {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
    {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_keep_their_insertion_order() {
        let mut obj = Obj::new()
            .with("status", "CLOSED")
            .with("qrcode", Value::Null)
            .with("ack", 1);
        obj.set("status", "QRCODE");
        assert_eq!(
            obj.to_json(),
            r#"{"status":"QRCODE","qrcode":null,"ack":1}"#
        );
        assert_eq!(obj.remove("qrcode"), Some(Value::Null));
        assert_eq!(obj.to_value(), json!({"status": "QRCODE", "ack": 1}));
    }
}
