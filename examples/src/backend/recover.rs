//! After a start: bring the stored sessions up to date with the server, then fetch the messages
//! that arrived while the backend was away (the server never resends a webhook).
//!
//! Runs in the background, bounded in time and in requests; errors are logged, never fatal.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;
use wppconnect_models::domain::{self, SessionStatus};
use wppconnect_models::{Event, SessionName};

use super::events::Push;
use super::ingest::Ingest;
use super::AppState;

/// How long the status check of all sessions may take.
const CHECK_DEADLINE: Duration = Duration::from_secs(20);
/// How long the catch-up of one session may take.
const CATCH_UP_DEADLINE: Duration = Duration::from_secs(300);
/// Chats looked at per session, at most.
const MAX_CHATS: usize = 200;
/// Messages fetched per chat, at most (the newest ones).
const PER_CHAT: u32 = 100;
/// Chats fetched at the same time.
const PARALLEL: usize = 4;

/// Checks every stored session against the server, then catches up the connected ones.
pub(super) fn spawn(state: AppState, ingest: Ingest) -> JoinHandle<()> {
    tokio::spawn(async move {
        let connected = check_sessions(&state).await;
        let catch_ups = connected.into_iter().map(|session| {
            let (state, ingest) = (state.clone(), ingest.clone());
            async move {
                match tokio::time::timeout(CATCH_UP_DEADLINE, catch_up(&state, &ingest, &session))
                    .await
                {
                    Ok(Ok(0)) => tracing::debug!(session, "catch-up: nothing missed"),
                    Ok(Ok(fetched)) => tracing::info!(
                        session,
                        fetched,
                        "catch-up: fetched what arrived while the backend was away"
                    ),
                    Ok(Err(error)) => tracing::warn!(session, %error, "catch-up failed"),
                    Err(_) => {
                        tracing::warn!(session, deadline = ?CATCH_UP_DEADLINE, "catch-up gave up")
                    }
                }
            }
        });
        futures::future::join_all(catch_ups).await;
    })
}

/// Asks the server for the state of every stored session at once; stores and pushes the ones
/// that changed. Returns the sessions the server says are connected.
pub(super) async fn check_sessions(state: &AppState) -> Vec<String> {
    let names = match state.store.session_names().await {
        Ok(names) => names,
        Err(error) => {
            tracing::warn!(%error, "start-up check: cannot read the stored sessions");
            return Vec::new();
        }
    };
    let checks = names.into_iter().map(|name| async move {
        // read before asking the server, so a webhook that lands meanwhile is seen as newer
        let stored = state.store.session(&name).await;
        let call = async {
            let handle = state.client_for(&name).await?.session(&name)?;
            handle.status().await.map_err(super::ApiError::from)
        };
        let result = tokio::time::timeout(CHECK_DEADLINE, call).await;
        (name, stored, result)
    });
    let mut connected = Vec::new();
    for (name, stored, result) in futures::future::join_all(checks).await {
        let server = match result {
            Ok(Ok(server)) => server,
            Ok(Err(error)) => {
                let error = error.reason();
                tracing::warn!(session = name, %error, "start-up check: the server did not say how the session is");
                continue;
            }
            Err(_) => {
                tracing::warn!(session = name, deadline = ?CHECK_DEADLINE, "start-up check: no answer in time");
                continue;
            }
        };
        let now = domain::Session::from_state(&name, &server);
        if now.status == SessionStatus::Connected {
            connected.push(name.clone());
        }
        let stored = match stored {
            Ok(stored) => stored,
            Err(error) => {
                tracing::warn!(session = name, %error, "start-up check: cannot read the session");
                continue;
            }
        };
        let qr = (now.status == SessionStatus::Connecting)
            .then_some(now.qr_code.as_deref())
            .flatten();
        if stored
            .as_ref()
            .is_some_and(|s| s.status == now.status && s.qr_code.as_deref() == qr)
        {
            continue;
        }
        match state
            .store
            .replace_session(&name, stored.as_ref(), now.status, qr)
            .await
        {
            Ok(Some(session)) => {
                tracing::info!(session = name, status = ?session.status, "start-up check: session status brought up to date");
                state.realtime.push(&name, &Push::SessionStatus(session));
            }
            Ok(None) => {} // a webhook told something newer meanwhile
            Err(error) => {
                tracing::warn!(session = name, %error, "start-up check: cannot store the status")
            }
        }
    }
    connected
}

/// Fetches, for each chat that may have news, the messages not older than the newest one
/// stored, and queues them to the writer (which stores each once and pushes the new ones).
/// Returns how many were queued.
async fn catch_up(
    state: &AppState,
    ingest: &Ingest,
    session: &str,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let handle = state
        .client_for(session)
        .await
        .map_err(|error| error.reason())?
        .session(session)?;
    let newest: HashMap<String, i64> = state
        .store
        .newest_per_conversation(session)
        .await?
        .into_iter()
        .collect();
    // A chat the store has never seen only counts when it is newer than everything stored: a
    // first start does not import the account's whole history.
    let Some(since) = newest.values().copied().max() else {
        return Ok(0);
    };
    let mut chats: Vec<(String, i64)> = newest.clone().into_iter().collect();
    match handle.list_chats().await {
        Ok(listed) => {
            for chat in listed {
                let id = chat.id.as_str().to_owned();
                let threshold = newest.get(&id).copied().unwrap_or(since);
                if chat.t.is_some_and(|t| t.get() < threshold) {
                    // nothing newer there; drop it even when the store knows it
                    chats.retain(|(known, _)| *known != id);
                    continue;
                }
                if !newest.contains_key(&id) {
                    chats.push((id, since));
                }
            }
        }
        Err(error) => {
            tracing::debug!(session, %error, "catch-up: list-chats failed; looking at the stored chats only");
        }
    }
    // the most recently active first, in case the bound cuts
    chats.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    chats.truncate(MAX_CHATS);
    let name = SessionName::from_wire(session.to_owned());
    let mut fetches = futures::stream::iter(chats.into_iter().map(|(chat, threshold)| {
        let handle = handle.clone();
        async move {
            let result = handle.get_messages(&chat, PER_CHAT, None).await;
            (chat, threshold, result)
        }
    }))
    .buffer_unordered(PARALLEL);
    let mut queued = 0;
    while let Some((chat, threshold, result)) = fetches.next().await {
        let messages = match result {
            Ok(messages) => messages,
            Err(error) => {
                tracing::warn!(session, chat, %error, "catch-up: get-messages failed");
                continue;
            }
        };
        for message in messages {
            if message.time().is_none_or(|t| t.get() < threshold) {
                continue;
            }
            let mut event = if message.is_from_me() {
                Event::SelfMessage(Box::new(message))
            } else {
                Event::Message(Box::new(message))
            };
            event.fill_session(&name);
            ingest.enqueue(event).await?;
            queued += 1;
        }
    }
    Ok(queued)
}
