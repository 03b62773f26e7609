//! Webhook events into the store, and out to the browser clients.

use futures::StreamExt;
use serde_json::json;
use wppconnect_models::domain::{self, MessageStatus, SessionStatus};
use wppconnect_models::Event;
use wppconnect_webhook::{EventHub, Lagged};

use super::AppState;

/// Consumes the hub on a task of its own.
pub(super) fn spawn(state: AppState, hub: EventHub) {
    let mut events = hub.subscribe();
    tokio::spawn(async move {
        while let Some(item) = events.next().await {
            match item {
                Ok(event) => {
                    if let Err(error) = handle(&state, &event).await {
                        tracing::error!(kind = %event.kind(), %error, "could not store a webhook event");
                    }
                }
                Err(Lagged(missed)) => {
                    tracing::error!(missed, "the store fell behind the webhooks")
                }
            }
        }
    });
}

async fn handle(state: &AppState, event: &Event) -> Result<(), super::store::StoreError> {
    let Some(session) = event.session().map(|s| s.as_str().to_owned()) else {
        tracing::warn!(kind = %event.kind(), "webhook event without a session; ignored");
        return Ok(());
    };
    match event {
        Event::Message(m) | Event::SelfMessage(m) | Event::UnreadMessage(m) => {
            if m.is_ciphertext() {
                return Ok(()); // the decrypted copy follows under the same id
            }
            let message = domain::Message::from(m.as_ref());
            let (stored, new) = state.store.insert_message(&session, &message).await?;
            if new {
                state.realtime.push(&session, "new-message", &stored);
            }
            // a contact's message is addressed to this session's own number
            let own =
                m.to.as_ref()
                    .filter(|_| !m.is_from_me())
                    .and_then(wppconnect_models::ChatId::phone_number);
            if let Some(own) = own {
                if state.store.set_phone_number(&session, own.digits()).await? {
                    if let Some(stored) = state.store.session(&session).await? {
                        state.realtime.push(&session, "session-status", &stored);
                    }
                }
            }
        }
        Event::Ack(ack) => {
            let status = MessageStatus::from(ack.ack);
            if let Some(message) = state
                .store
                .apply_status(&session, ack.id.as_str(), status)
                .await?
            {
                state.realtime.push(
                    &session,
                    "status-update",
                    json!({"id": message.id, "conversationId": message.conversation_id, "status": message.status}),
                );
            }
        }
        Event::QrCode(qr) => {
            let data_url = format!("data:image/png;base64,{}", qr.qrcode);
            let stored = state
                .store
                .set_session(&session, SessionStatus::Connecting, Some(&data_url))
                .await?;
            state.realtime.push(&session, "session-status", &stored);
        }
        Event::PhoneCode(code) => {
            let stored = state
                .store
                .set_session(&session, SessionStatus::Connecting, None)
                .await?;
            state.realtime.push(
                &session,
                "session-status",
                json!({"session": stored, "phoneCode": code.phone_code}),
            );
        }
        Event::StatusFind(find) => {
            let status = SessionStatus::from(&find.status);
            let current = state.store.session(&session).await?;
            // browserClose/serverClose do not change the server's state; keep ours
            let keeps = matches!(
                find.status,
                wppconnect_models::StatusFind::BrowserClose
                    | wppconnect_models::StatusFind::ServerClose
            );
            if !keeps {
                let qr = if status == SessionStatus::Connecting {
                    current.and_then(|s| s.qr_code)
                } else {
                    None
                };
                let stored = state
                    .store
                    .set_session(&session, status, qr.as_deref())
                    .await?;
                state.realtime.push(&session, "session-status", &stored);
            }
        }
        Event::SessionClosed(_) | Event::LoggedOut(_) => {
            let stored = state
                .store
                .set_session(&session, SessionStatus::Disconnected, None)
                .await?;
            state.realtime.push(&session, "session-status", &stored);
        }
        other => tracing::debug!(kind = %other.kind(), session, "webhook event not stored"),
    }
    Ok(())
}
