//! `GET /health`: concurrent checks with a deadline, cached, details only for an admin.
//!
//! One *round* checks the database and at most [`MAX_CHECKED_SESSIONS`] sessions with
//! `check-connection-session`, all at once, each with the [`CHECK_DEADLINE`]. Its result is kept
//! for the cache period (5 s by default): however many requests arrive, the server sees one round
//! per period, and requests that arrive during a round wait for it instead of starting another.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use serde_json::{json, Value};
use tokio::sync::Mutex;
use tokio::time::Instant;
use wppconnect_models::SessionName;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::redact::redact;
use super::roles::{Caller, MaybeCaller};
use super::AppState;

/// How long one round may take: each check ends by then, answered or not.
pub const CHECK_DEADLINE: Duration = Duration::from_secs(5);

/// How long a round's result is reused.
pub const DEFAULT_CACHE_PERIOD: Duration = Duration::from_secs(5);

/// At most this many sessions are checked per round: the configured ones (`SESSIONS`) first,
/// then the stored ones in name order. The others are counted as `notChecked`.
pub const MAX_CHECKED_SESSIONS: usize = 8;

/// The result of one round.
#[derive(Debug)]
pub(super) struct Report {
    /// WPPConnect answered and the database is up.
    pub(super) healthy: bool,
    /// The details, for an authenticated request.
    pub(super) details: Value,
}

/// The last round and when it ended.
#[derive(Debug)]
pub(super) struct HealthCache {
    period: Duration,
    last: Mutex<Option<(Instant, Arc<Report>)>>,
}

impl HealthCache {
    pub(super) fn new(period: Duration) -> Self {
        Self {
            period,
            last: Mutex::new(None),
        }
    }

    /// The cached report, or a new round when it is older than the period. The lock is held
    /// during the round: concurrent requests wait for it and share its result.
    pub(super) async fn report(&self, state: &AppState) -> Arc<Report> {
        let mut last = self.last.lock().await;
        if let Some((at, report)) = last.as_ref() {
            if at.elapsed() < self.period {
                return Arc::clone(report);
            }
        }
        let report = Arc::new(round(state).await);
        *last = Some((Instant::now(), Arc::clone(&report)));
        report
    }
}

/// The sessions a round checks, and how many it leaves out.
async fn sessions_to_check(state: &AppState) -> (Vec<SessionName>, usize) {
    let stored = tokio::time::timeout(CHECK_DEADLINE, state.store.session_names())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut names: Vec<SessionName> = Vec::new();
    let mut stored: Vec<String> = stored;
    stored.sort();
    for name in state.configured_sessions().iter().chain(stored.iter()) {
        // a name stored before names were checked is never sent upstream
        if let Ok(name) = SessionName::new(name.as_str()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if names.is_empty() {
        names.push(SessionName::from_wire("main"));
    }
    let left_out = names.len().saturating_sub(MAX_CHECKED_SESSIONS);
    names.truncate(MAX_CHECKED_SESSIONS);
    (names, left_out)
}

async fn round(state: &AppState) -> Report {
    let (names, not_checked) = sessions_to_check(state).await;
    let checks = names.into_iter().map(|name| async move {
        let server = match state.servers.placed(&state.store, name.as_str()).await {
            Ok(Some(server)) => server,
            _ => state.servers.first().name().to_owned(),
        };
        let client = state.client_for(name.as_str()).await;
        let outcome = match client.and_then(|c| Ok(c.session(name.as_str())?)) {
            Ok(session) => {
                match tokio::time::timeout(CHECK_DEADLINE, session.check_connection()).await {
                    Ok(Ok(connected)) => Ok(connected),
                    Ok(Err(error)) => Err(redact(&error.to_string())),
                    Err(_) => Err(format!("no answer within {} s", CHECK_DEADLINE.as_secs())),
                }
            }
            Err(error) => Err(error.reason()),
        };
        (name, server, outcome)
    });
    let database = async {
        tokio::time::timeout(CHECK_DEADLINE, state.store.ping())
            .await
            .unwrap_or(false)
    };
    let (results, database) = tokio::join!(join_all(checks), database);
    let mut reachable = false;
    let mut sessions = BTreeMap::new();
    for (name, server, outcome) in results {
        let entry = match outcome {
            Ok(connected) => {
                reachable = true;
                json!({"connected": connected, "server": server})
            }
            Err(error) => json!({"connected": false, "error": error, "server": server}),
        };
        sessions.insert(name.to_string(), entry);
    }
    let healthy = reachable && database;
    let up = |ok: bool| if ok { "up" } else { "down" };
    Report {
        healthy,
        details: json!({
            "status": up(healthy),
            "wppconnect": {"status": up(reachable), "sessions": sessions, "notChecked": not_checked},
            "database": {"status": up(database)},
            "realtime": {"status": "up", "clients": state.realtime.clients()},
            "checkedAt": wppconnect_models::Seconds::now().get(),
        }),
    }
}

/// The health routes: `/health` (for anyone; details with an admin's JWT) and `/api/health`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/api/health", get(health_details))
}

/// `GET /health`: `{"status": "up"|"down"}` (503 when down) for anyone; the details
/// (WPPConnect per session, database, real-time) only with an admin's JWT. See [`super::health`].
async fn health(State(state): State<AppState>, MaybeCaller(user): MaybeCaller) -> Response {
    let report = state.health.report(&state).await;
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    match user {
        // the details list every session: for admins only
        Some(caller) if caller.is_admin() => (status, Json(report.details.clone())).into_response(),
        _ => (
            status,
            Json(json!({"status": if report.healthy { "up" } else { "down" }})),
        )
            .into_response(),
    }
}

/// `GET /api/health`: the details of `/health`, 401 without a valid JWT, 403 for a non-admin.
async fn health_details(State(state): State<AppState>, _caller: Caller) -> Response {
    let report = state.health.report(&state).await;
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report.details.clone())).into_response()
}
