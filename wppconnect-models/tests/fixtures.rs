//! Every fixture of the real server's payloads parses to its own type and, for webhook events,
//! serialises back to an equal JSON value.

use serde_json::Value;
use wppconnect_models::chat::Wrapped;
use wppconnect_models::message::SendReceipt;
use wppconnect_models::session::{QrCodeUnavailable, SessionList, StatusMessage, TokenResponse};
use wppconnect_models::{
    domain, Chat, ErrorBody, ErrorKind, Event, EventHead, EventKind, Media, Message, MessageType,
    SessionState, SessionStatus,
};

macro_rules! fixture {
    ($name:literal) => {
        ($name, wppconnect_fixtures::text($name))
    };
}

const EVENTS: &[(&str, &str, EventKind)] = &[
    (
        "closesession",
        wppconnect_fixtures::text("closesession"),
        EventKind::SessionClosed,
    ),
    (
        "incomingcall",
        wppconnect_fixtures::text("incomingcall"),
        EventKind::IncomingCall,
    ),
    (
        "location",
        wppconnect_fixtures::text("location"),
        EventKind::LiveLocation,
    ),
    (
        "logoutsession",
        wppconnect_fixtures::text("logoutsession"),
        EventKind::LoggedOut,
    ),
    (
        "onack-group-delivered",
        wppconnect_fixtures::text("onack-group-delivered"),
        EventKind::Ack,
    ),
    ("onack", wppconnect_fixtures::text("onack"), EventKind::Ack),
    (
        "onmessage-document",
        wppconnect_fixtures::text("onmessage-document"),
        EventKind::Message,
    ),
    (
        "onmessage-group",
        wppconnect_fixtures::text("onmessage-group"),
        EventKind::Message,
    ),
    (
        "onmessage-image-autodownload",
        wppconnect_fixtures::text("onmessage-image-autodownload"),
        EventKind::Message,
    ),
    (
        "onmessage-image-s3",
        wppconnect_fixtures::text("onmessage-image-s3"),
        EventKind::Message,
    ),
    (
        "onmessage-lid",
        wppconnect_fixtures::text("onmessage-lid"),
        EventKind::Message,
    ),
    (
        "onmessage-location",
        wppconnect_fixtures::text("onmessage-location"),
        EventKind::Message,
    ),
    (
        "onmessage-ptt",
        wppconnect_fixtures::text("onmessage-ptt"),
        EventKind::Message,
    ),
    (
        "onmessage-quoted",
        wppconnect_fixtures::text("onmessage-quoted"),
        EventKind::Message,
    ),
    (
        "onmessage-sticker",
        wppconnect_fixtures::text("onmessage-sticker"),
        EventKind::Message,
    ),
    (
        "onmessage-text",
        wppconnect_fixtures::text("onmessage-text"),
        EventKind::Message,
    ),
    (
        "onparticipantschanged-leave",
        wppconnect_fixtures::text("onparticipantschanged-leave"),
        EventKind::ParticipantsChanged,
    ),
    (
        "onparticipantschanged",
        wppconnect_fixtures::text("onparticipantschanged"),
        EventKind::ParticipantsChanged,
    ),
    (
        "onpollresponse",
        wppconnect_fixtures::text("onpollresponse"),
        EventKind::PollResponse,
    ),
    (
        "onpresencechanged-group",
        wppconnect_fixtures::text("onpresencechanged-group"),
        EventKind::Presence,
    ),
    (
        "onpresencechanged",
        wppconnect_fixtures::text("onpresencechanged"),
        EventKind::Presence,
    ),
    (
        "onreactionmessage",
        wppconnect_fixtures::text("onreactionmessage"),
        EventKind::Reaction,
    ),
    (
        "onrevokedmessage-group",
        wppconnect_fixtures::text("onrevokedmessage-group"),
        EventKind::Revoked,
    ),
    (
        "onrevokedmessage",
        wppconnect_fixtures::text("onrevokedmessage"),
        EventKind::Revoked,
    ),
    (
        "onselfmessage",
        wppconnect_fixtures::text("onselfmessage"),
        EventKind::SelfMessage,
    ),
    (
        "onupdatelabel",
        wppconnect_fixtures::text("onupdatelabel"),
        EventKind::LabelUpdate,
    ),
    (
        "phonecode",
        wppconnect_fixtures::text("phonecode"),
        EventKind::PhoneCode,
    ),
    (
        "qrcode",
        wppconnect_fixtures::text("qrcode"),
        EventKind::QrCode,
    ),
    (
        "status-find-no-session",
        wppconnect_fixtures::text("status-find-no-session"),
        EventKind::StatusFind,
    ),
    (
        "status-find",
        wppconnect_fixtures::text("status-find"),
        EventKind::StatusFind,
    ),
    (
        "unreadmessages",
        wppconnect_fixtures::text("unreadmessages"),
        EventKind::UnreadMessage,
    ),
];

#[test]
fn every_webhook_fixture_parses_to_its_variant_and_round_trips() {
    assert_eq!(
        EVENTS.len(),
        31,
        "the fixtures README lists 31 webhook samples"
    );
    for (name, body, kind) in EVENTS {
        let raw: Value = serde_json::from_str(body).unwrap();
        let fast = Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(fast.kind(), *kind, "{name} parsed as {:?}", fast.kind());
        assert_eq!(fast.name(), raw["event"].as_str().unwrap(), "{name}");
        assert_eq!(fast.to_value(), raw, "{name} does not round-trip");
        // serde and from_value agree with the one-pass reader
        let via_serde: Event = serde_json::from_str(body).unwrap();
        assert_eq!(via_serde, fast, "{name}");
        assert_eq!(Event::from_value(raw.clone()).unwrap(), fast, "{name}");
        assert_eq!(
            fast.session().map(|s| s.as_str()),
            raw.get("session").and_then(Value::as_str),
            "{name}"
        );
    }
}

#[test]
fn every_webhook_fixture_has_the_head_of_its_event() {
    for (name, body, kind) in EVENTS {
        let head = EventHead::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let event = Event::from_slice(body.as_bytes()).unwrap();
        assert_eq!(head, event.head(), "{name}");
        assert_eq!(head.kind, *kind, "{name}");
        // the message-like samples carry an id, and the head finds it in the one-pass reader
        if event.message_id().is_some() {
            assert!(head.message_id.is_some(), "{name}");
        }
    }
}

fn message(body: &str) -> Message {
    match Event::from_slice(body.as_bytes()).unwrap() {
        Event::Message(m) | Event::SelfMessage(m) | Event::UnreadMessage(m) => *m,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn message_fields_are_typed() {
    let group = message(wppconnect_fixtures::text("onmessage-group"));
    assert_eq!(group.chat().unwrap().as_str(), "120363025746331234@g.us");
    assert!(group.chat().unwrap().is_group());
    assert_ne!(group.author_id(), group.from.as_ref());
    assert_eq!(group.is_group_msg, Some(true));

    let quoted = message(wppconnect_fixtures::text("onmessage-quoted"));
    assert!(quoted.quoted_msg_id.is_some());
    let q = quoted.quoted_msg.as_ref().unwrap();
    assert!(q.id.as_ref().unwrap().is_object_form());
    assert_eq!(
        domain::Message::from(&quoted).quoted_message.as_deref(),
        quoted.quoted_msg_id.as_ref().map(|i| i.as_str())
    );

    let image = message(wppconnect_fixtures::text("onmessage-image-autodownload"));
    assert_eq!(image.kind, MessageType::Image);
    assert!(matches!(
        image.media(),
        Media::Inline {
            mimetype: "image/jpeg",
            ..
        }
    ));
    let s3 = message(wppconnect_fixtures::text("onmessage-image-s3"));
    assert!(matches!(s3.media(), Media::Url(url) if url.starts_with("https://")));

    let ptt = message(wppconnect_fixtures::text("onmessage-ptt"));
    assert_eq!(ptt.kind, MessageType::Ptt);
    assert!(ptt.duration_secs().unwrap() > 0.0);

    let location = message(wppconnect_fixtures::text("onmessage-location"));
    let (lat, lng) = location.location().unwrap();
    assert!(lat < 0.0 && lng < 0.0);

    let text = message(wppconnect_fixtures::text("onmessage-text"));
    assert_eq!(text.media(), Media::None);
    assert_eq!(text.time().unwrap().get(), 1_795_525_512);

    let lid = message(wppconnect_fixtures::text("onmessage-lid"));
    assert_eq!(lid.chat().unwrap().kind(), wppconnect_models::ChatKind::Lid);

    let sender = text.sender.as_deref().unwrap();
    assert_eq!(sender.is_wa_contact, Some(true));
    assert!(!sender.extra.contains_key("isWAContact") && !sender.extra.contains_key("pushname"));
    for (name, body, kind) in EVENTS {
        if *kind == EventKind::Message {
            let m = message(body);
            for typed in [
                "id",
                "type",
                "body",
                "t",
                "from",
                "to",
                "chatId",
                "fromMe",
                "sender",
                "notifyName",
                "ack",
                "mentionedJidList",
            ] {
                assert!(
                    !m.extra.contains_key(typed),
                    "{name}: `{typed}` ended up in extra"
                );
            }
        }
    }

    let own = message(wppconnect_fixtures::text("onselfmessage"));
    assert!(own.is_from_me());
    assert!(own.session.is_some());
}

#[test]
fn ciphertext_then_decrypted_is_told_apart() {
    let mut raw: Value = serde_json::from_str(wppconnect_fixtures::text("onmessage-text")).unwrap();
    raw["type"] = "ciphertext".into();
    raw["body"] = "".into();
    let first = Event::from_value(raw).unwrap();
    let m = first.message().unwrap();
    assert!(m.is_ciphertext());
    assert_eq!(m.media(), Media::Pending);
}

#[test]
fn domain_conversions_from_fixtures() {
    let text = message(wppconnect_fixtures::text("onmessage-text"));
    let d = domain::Message::from(&text);
    assert_eq!(d.conversation_id, "5511999999999@c.us");
    assert_eq!(d.sender_id, "5511999999999@c.us");
    assert_eq!(d.sender_name.as_deref(), Some("Maria Silva"));
    assert_eq!(d.content, "Olá! Vocês abrem amanhã?");
    assert_eq!(d.timestamp, 1_795_525_512);
    assert!(!d.is_from_me);
    assert_eq!(d.status, domain::MessageStatus::Sent);
    let json = serde_json::to_value(&d).unwrap();
    assert!(json.get("conversationId").is_some() && json.get("isFromMe").is_some());

    let group = message(wppconnect_fixtures::text("onmessage-group"));
    let d = domain::Message::from(&group);
    assert_eq!(d.conversation_id, "120363025746331234@g.us");
    assert_eq!(
        Some(d.sender_id.as_str()),
        group.author.as_ref().map(|a| a.as_str())
    );

    let chats: Vec<Chat> = serde_json::from_str(wppconnect_fixtures::text("list-chats")).unwrap();
    let conv = domain::Conversation::from(&chats[0]);
    assert_eq!(conv.id, "5511999999999@c.us");
    assert_eq!(conv.phone_number.as_deref(), Some("5511999999999"));
    assert_eq!(conv.unread_count, 1);
    assert!(!conv.is_group);

    let all: Wrapped<Vec<Chat>> =
        serde_json::from_str(wppconnect_fixtures::text("all-chats")).unwrap();
    assert!(!all.response.is_empty());
    assert!(all.response.iter().all(|c| c.id.is_object_form()));
    let contact = domain::Contact::from(chats[0].contact.as_deref().unwrap());
    assert_eq!(contact.name.as_deref(), Some("Maria Silva"));

    let state: SessionState =
        serde_json::from_str(wppconnect_fixtures::text("status-session")).unwrap();
    let session = domain::Session::from_state("main", &state);
    assert_eq!(session.status, domain::SessionStatus::Connecting);
    assert!(session
        .qr_code
        .unwrap()
        .starts_with("data:image/png;base64,iVBOR"));
}

#[test]
fn every_rest_fixture_parses() {
    let token: TokenResponse =
        serde_json::from_str(wppconnect_fixtures::text("generate-token")).unwrap();
    assert_eq!(token.status, "success");
    assert!(token
        .full
        .unwrap()
        .starts_with(&format!("{}:", token.session)));

    for (name, body) in [
        fixture!("start-session-first-call"),
        fixture!("start-session-initializing"),
        fixture!("start-session-phonecode"),
        fixture!("start-session-qrcode"),
        fixture!("status-session-closed"),
        fixture!("status-session-connected"),
        fixture!("status-session"),
    ] {
        let state: SessionState =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!state.status.is_other(), "{name}: {:?}", state.status);
    }
    let qr: SessionState =
        serde_json::from_str(wppconnect_fixtures::text("start-session-qrcode")).unwrap();
    assert_eq!(qr.status, SessionStatus::QrCodeLowercase);
    let status_qr: SessionState =
        serde_json::from_str(wppconnect_fixtures::text("status-session")).unwrap();
    assert_eq!(
        qr.qr_code_base64(),
        status_qr.qr_code_base64(),
        "both QR forms decode to the same base64"
    );
    let connected: SessionState =
        serde_json::from_str(wppconnect_fixtures::text("status-session-connected")).unwrap();
    assert!(connected.is_connected());
    let phone: SessionState =
        serde_json::from_str(wppconnect_fixtures::text("start-session-phonecode")).unwrap();
    assert!(phone.status.is_waiting_for_login());

    for (name, body) in [
        fixture!("check-connection-session"),
        fixture!("check-connection-session-disconnected"),
        fixture!("close-session"),
        fixture!("logout-session"),
    ] {
        let _: StatusMessage = serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, body) in [
        fixture!("qrcode-session-not-available"),
        fixture!("qrcode-session-not-started"),
    ] {
        let _: QrCodeUnavailable =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let sessions: SessionList =
        serde_json::from_str(wppconnect_fixtures::text("show-all-sessions")).unwrap();
    assert_eq!(sessions.response.len(), 3);

    let sent: Wrapped<Vec<Message>> =
        serde_json::from_str(wppconnect_fixtures::text("send-message")).unwrap();
    assert_eq!(sent.response.len(), 1);
    assert!(sent.response[0].is_from_me());
    assert_eq!(
        sent.session.as_ref().map(|s| s.as_str()),
        Some("NERDWHATS_AMERICA")
    );
    let receipts: Wrapped<Vec<SendReceipt>> =
        serde_json::from_str(wppconnect_fixtures::text("send-file")).unwrap();
    assert_eq!(receipts.response[0].id.from_me(), Some(true));
    let story: Wrapped<Vec<Option<Message>>> =
        serde_json::from_str(wppconnect_fixtures::text("send-text-storie")).unwrap();
    assert_eq!(story.response, vec![None]);
    let messages: Wrapped<Vec<Message>> =
        serde_json::from_str(wppconnect_fixtures::text("get-messages")).unwrap();
    assert!(messages.response[0]
        .sender
        .as_ref()
        .unwrap()
        .id
        .is_object_form());
    let health: wppconnect_models::session::Health =
        serde_json::from_str(wppconnect_fixtures::text("healthz")).unwrap();
    assert_eq!(health.message, "OK");

    // Answers still untyped here are at least JSON the generic wrapper reads.
    for (name, body) in [
        fixture!("add-participant-group"),
        fixture!("check-number-status"),
        fixture!("check-number-status-not-found"),
        fixture!("create-group"),
        fixture!("delete-message"),
        fixture!("profile-pic"),
        fixture!("react-message"),
    ] {
        let _: Wrapped<Value> =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn every_error_fixture_is_classified() {
    for ((name, body), kind) in [
        (fixture!("error-disconnected"), ErrorKind::Disconnected),
        (
            fixture!("error-number-not-exists"),
            ErrorKind::NumberNotFound,
        ),
        (fixture!("error-send-failed"), ErrorKind::Failed),
        (fixture!("error-send-voice-file-missing"), ErrorKind::Failed),
        (fixture!("error-token-missing"), ErrorKind::TokenMissing),
        (
            fixture!("error-unauthorized-json-request"),
            ErrorKind::InvalidToken,
        ),
        (fixture!("error-unauthorized"), ErrorKind::InvalidToken),
        (
            fixture!("generate-token-wrong-secret"),
            ErrorKind::WrongSecretKey,
        ),
        (fixture!("error-file-mandatory"), ErrorKind::Other),
    ] {
        let parsed = ErrorBody::parse(Some("application/json; charset=utf-8"), body.as_bytes());
        assert_eq!(parsed.kind, kind, "{name}");
        assert!(
            parsed.message.is_some(),
            "{name} keeps the server's message"
        );
    }
}
