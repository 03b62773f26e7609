//! Property tests: arbitrary JSON, arbitrary bytes and mutated fixtures (fields removed, retyped,
//! nulled) never make the models panic, and whatever parses keeps its data.

use proptest::prelude::*;
use serde_json::{Map, Value};
use wppconnect_models::{
    ChatId, ErrorBody, Event, EventError, EventHead, EventKind, MessageId, PhoneNumber, SessionName,
};

const FIXTURES: &[&str] = &[
    wppconnect_fixtures::text("closesession"),
    wppconnect_fixtures::text("incomingcall"),
    wppconnect_fixtures::text("location"),
    wppconnect_fixtures::text("onack-group-delivered"),
    wppconnect_fixtures::text("onack"),
    wppconnect_fixtures::text("onmessage-document"),
    wppconnect_fixtures::text("onmessage-group"),
    wppconnect_fixtures::text("onmessage-location"),
    wppconnect_fixtures::text("onmessage-ptt"),
    wppconnect_fixtures::text("onmessage-quoted"),
    wppconnect_fixtures::text("onmessage-text"),
    wppconnect_fixtures::text("onparticipantschanged"),
    wppconnect_fixtures::text("onpollresponse"),
    wppconnect_fixtures::text("onpresencechanged-group"),
    wppconnect_fixtures::text("onreactionmessage"),
    wppconnect_fixtures::text("onrevokedmessage-group"),
    wppconnect_fixtures::text("onupdatelabel"),
    wppconnect_fixtures::text("phonecode"),
    wppconnect_fixtures::text("qrcode"),
    wppconnect_fixtures::text("status-find"),
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("onmessage"),
            Just("onack"),
            Just("status-find"),
            Just("5511999999999@c.us"),
            Just("true_5511999999999@c.us_3EB0AB")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((".{0,8}", inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// How a fixture field is mutated.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Null,
    Retype(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        Just(Mutation::Null),
        json_value().prop_map(Mutation::Retype)
    ]
}

fn check_event(generated: &Value) {
    let bytes = serde_json::to_vec(generated).unwrap();
    // compare with what the bytes hold (float text does not always survive f64 -> text -> f64)
    let raw: &Value = &serde_json::from_slice(&bytes).unwrap();
    let fast = Event::from_slice(&bytes);
    let slow = Event::from_value(raw.clone());
    match (&fast, &slow) {
        (Ok(fast), Ok(slow)) => {
            assert_eq!(
                fast, slow,
                "the one-pass and the Value parser disagree on {raw}"
            );
            if let Event::Unknown(unknown) = fast {
                assert_eq!(&unknown.raw, raw, "Unknown must keep the payload whole");
            }
            // whatever was parsed serialises to something that parses to the same event
            let again = Event::from_value(fast.to_value()).unwrap();
            assert_eq!(&again, fast);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("parsers disagree on {raw}: {fast:?} vs {slow:?}"),
    }
    check_head(&bytes, &fast);
}

/// The head reader accepts what the typed parse accepts and reads the same head, but for the
/// one documented exception: a named kind whose payload does not fit its struct.
fn check_head(bytes: &[u8], typed: &Result<Event, EventError>) {
    let head = EventHead::from_slice(bytes);
    let shown = String::from_utf8_lossy(bytes);
    match (&head, typed) {
        (Ok(head), Ok(event)) => {
            if event.kind() != EventKind::Unknown || head.kind == EventKind::Unknown {
                assert_eq!(head, &event.head(), "heads disagree on {shown}");
            } else {
                assert_eq!(head.kind, EventKind::from_name(event.name()), "{shown}");
            }
        }
        (Err(head), Err(typed)) => assert_eq!(head.to_string(), typed.to_string(), "{shown}"),
        _ => panic!("the head reader and the typed parse disagree on {shown}: {head:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        check_event(&value);
        let _ = ErrorBody::from_json(value.clone());
        let _ = serde_json::from_value::<ChatId>(value.clone());
        let _ = serde_json::from_value::<MessageId>(value);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let typed = Event::from_slice(&bytes);
        check_head(&bytes, &typed);
        let _ = ErrorBody::parse(Some("text/html"), &bytes);
        let _ = ErrorBody::parse(None, &bytes);
    }

    #[test]
    fn arbitrary_event_objects_never_panic(
        name in prop_oneof![
            Just("onmessage".to_owned()),
            Just("onack".to_owned()),
            Just("qrcode".to_owned()),
            Just("onpollresponse".to_owned()),
            Just("location".to_owned()),
            ".{0,10}",
        ],
        fields in prop::collection::vec((".{0,8}", json_value()), 0..8),
    ) {
        let mut object: Map<String, Value> = fields.into_iter().collect();
        object.insert("event".to_owned(), Value::from(name));
        check_event(&Value::Object(object));
    }

    #[test]
    fn mutated_fixtures_never_panic_and_keep_their_kind_name(
        index in 0..FIXTURES.len(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4),
    ) {
        let mut raw: Value = serde_json::from_str(FIXTURES[index]).unwrap();
        let name = raw["event"].clone();
        let object = raw.as_object_mut().unwrap();
        for (pick, mutation) in picks {
            let keys: Vec<String> = object.keys().filter(|k| *k != "event").cloned().collect();
            if keys.is_empty() {
                break;
            }
            let key = &keys[pick.index(keys.len())];
            match mutation {
                Mutation::Remove => { object.remove(key); }
                Mutation::Null => { object.insert(key.clone(), Value::Null); }
                Mutation::Retype(v) => { object.insert(key.clone(), v); }
            }
        }
        check_event(&raw);
        // the event name survives any mutation of the other fields: never an error, never dropped
        let event = Event::from_value(raw.clone()).unwrap();
        prop_assert_eq!(Value::from(event.name()), name);
    }

    #[test]
    fn id_parsers_never_panic(s in ".{0,40}") {
        let _ = s.parse::<ChatId>().map(|c| (c.kind(), c.user().len(), c.server().len()));
        let _ = s.parse::<MessageId>();
        let wire = MessageId::from_wire(s.clone());
        let _ = (wire.from_me(), wire.chat(), wire.id(), wire.participant());
        let _ = s.parse::<PhoneNumber>();
        if let Ok(name) = s.parse::<SessionName>() {
            prop_assert!(!name.path_segment().contains('/'));
        }
    }

    #[test]
    fn message_ids_from_parts_parse_back(
        from_me in any::<bool>(),
        user in "[1-9][0-9]{9,14}",
        id in "[0-9A-F]{8,32}",
        group in any::<bool>(),
    ) {
        let chat: ChatId = if group { format!("{user}@g.us") } else { format!("{user}@c.us") }.parse().unwrap();
        let participant: Option<ChatId> = group.then(|| "5521988887777@c.us".parse().unwrap());
        let built = MessageId::new(from_me, &chat, &id, participant.as_ref());
        let parsed: MessageId = built.as_str().parse().unwrap();
        prop_assert_eq!(parsed.from_me(), Some(from_me));
        prop_assert_eq!(parsed.chat(), Some(chat.as_str()));
        prop_assert_eq!(parsed.id(), Some(id.as_str()));
        prop_assert_eq!(parsed.participant(), participant.as_ref().map(ChatId::as_str));
    }
}

#[test]
fn structural_errors_are_named() {
    assert!(matches!(Event::from_slice(b""), Err(EventError::Json(_))));
    assert!(matches!(
        Event::from_slice(b"null"),
        Err(EventError::NotAnObject)
    ));
    assert!(matches!(
        Event::from_slice(b"{}"),
        Err(EventError::MissingEvent)
    ));
}
