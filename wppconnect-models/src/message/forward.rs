//! The answer of `forward-messages`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// What `POST /api/{session}/forward-messages` answers: the messages WhatsApp could **not**
/// forward.
///
/// The server answers `{"status": "success", "response": …}` with the library's
/// `forwardMessagesV2` result, which is wa-js's `chat.forwardMessages`, which is WhatsApp's own
/// `forwardMessages`: wa-js documents it as "the messages that could not be forwarded — an empty
/// array means every message went through. WhatsApp collects them as it forwards and does not
/// reject, so a resolved promise is not by itself a success" (`src/chat/functions/forwardMessages.ts`).
/// So an HTTP success with a non-empty list is a partial failure: check
/// [`ForwardOutcome::all_forwarded`]. A `null` answer decodes as an empty list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ForwardOutcome {
    /// The messages that were not forwarded, in WhatsApp's order.
    pub not_forwarded: Vec<NotForwarded>,
}

impl ForwardOutcome {
    /// Whether WhatsApp reported no failure.
    #[must_use]
    pub fn all_forwarded(&self) -> bool {
        self.not_forwarded.is_empty()
    }
}

impl<'de> Deserialize<'de> for ForwardOutcome {
    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: Deserializer<'de>,
    {
        let list = Option::<Vec<NotForwarded>>::deserialize(deserializer)?;
        Ok(Self {
            not_forwarded: list.unwrap_or_default(),
        })
    }
}

/// One message WhatsApp did not forward. wa-js declares the items only as "the messages"
/// (`Array<any>`), so only the id is read: a string item is the id itself, an object's `id` is
/// either the serialised id or WhatsApp's key object (`{"_serialized": …}`). Every field of an
/// object item, `id` included, is kept in `extra`; an item of any other kind is kept under
/// `extra["value"]`. It serialises back as an object: `extra`, plus `id` when `extra` has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotForwarded {
    /// The message's serialised id (`true_5511…@c.us_3EB0…`), when the item names one.
    pub id: Option<String>,
    /// Every field of the item, kept as is.
    pub extra: Map<String, Value>,
}

impl Serialize for NotForwarded {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
    {
        let mut map = self.extra.clone();
        if let (Some(id), false) = (&self.id, map.contains_key("id")) {
            map.insert("id".to_owned(), Value::String(id.clone()));
        }
        map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for NotForwarded {
    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: Deserializer<'de>,
    {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(id) => Self {
                id: Some(id),
                extra: Map::new(),
            },
            Value::Object(extra) => Self {
                id: extra.get("id").and_then(serialized_id),
                extra,
            },
            other => Self {
                id: None,
                extra: Map::from_iter([("value".to_owned(), other)]),
            },
        })
    }
}

/// `"true_…"` or `{"_serialized": "true_…"}`.
fn serialized_id(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Object(key) => key
            .get("_serialized")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_empty_or_null_answer_means_everything_went_through() {
        let outcome: ForwardOutcome = serde_json::from_value(json!([])).unwrap();
        assert!(outcome.all_forwarded());
        let outcome: ForwardOutcome = serde_json::from_value(Value::Null).unwrap();
        assert!(outcome.all_forwarded());
    }

    #[test]
    fn an_answer_without_response_is_an_empty_outcome() {
        // JSON.stringify drops an undefined `response`
        let answer: crate::Wrapped<ForwardOutcome> =
            serde_json::from_value(json!({"status": "success"})).unwrap();
        assert!(answer.response.all_forwarded());
    }

    #[test]
    fn failed_items_give_their_id_whatever_their_form() {
        let outcome: ForwardOutcome = serde_json::from_value(json!([
            "true_5511999999999@c.us_3EB0AAAA",
            {"id": {"fromMe": true, "_serialized": "true_5511999999999@c.us_3EB0BBBB"}, "type": "chat"},
            {"id": "true_5511999999999@c.us_3EB0CCCC"},
            7
        ]))
        .unwrap();
        assert!(!outcome.all_forwarded());
        let ids: Vec<_> = outcome
            .not_forwarded
            .iter()
            .map(|item| item.id.as_deref())
            .collect();
        assert_eq!(
            ids,
            [
                Some("true_5511999999999@c.us_3EB0AAAA"),
                Some("true_5511999999999@c.us_3EB0BBBB"),
                Some("true_5511999999999@c.us_3EB0CCCC"),
                None
            ]
        );
        assert_eq!(outcome.not_forwarded[1].extra["type"], "chat");
        assert_eq!(outcome.not_forwarded[3].extra["value"], 7);
        assert_eq!(
            serde_json::to_value(&outcome).unwrap()[0],
            json!({"id": "true_5511999999999@c.us_3EB0AAAA"})
        );
    }
}
