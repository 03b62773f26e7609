//! `GET /metrics`: the backend's metrics in the Prometheus text format, through the `metrics`
//! facade and `metrics-exporter-prometheus`.
//!
//! Opt-in: `/metrics` exists only when a scrape token is set (`METRICS_TOKEN`,
//! [`AppState::with_metrics_token`]), and answers only requests that carry it as
//! `Authorization: Bearer <token>` (what Prometheus sends with `authorization.credentials` or
//! `bearer_token_file`). Without the token the route answers 404, like any unknown path, and no
//! recorder is installed: the recording points below cost nothing.
//!
//! The recording points elsewhere in the backend are one-line calls to the functions of this
//! module; everything else (names, buckets, the route, the tracing layer that turns the
//! client's request spans into metrics) lives here.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;
use wppconnect_models::domain::SessionStatus;
use wppconnect_models::EventKind;
use wppconnect_webhook::Report;

use super::error::ApiError;
use super::redact::register_secret;
use super::AppState;

/// Buckets of the latency histograms, in seconds: 1 ms to 30 s.
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Buckets of the batch-size histogram, in events.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
/// How often histograms are drained when nobody scrapes, so their samples do not pile up.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The name of the spans `wppconnect-client` opens around each request.
pub const CLIENT_SPAN: &str = "wppconnect.request";

/// The `/metrics` settings: the scrape token and the recorder's handle. Its `Debug` hides the
/// token.
#[derive(Clone, Default)]
pub(super) struct Metrics {
    token: Option<Arc<str>>,
    handle: Option<PrometheusHandle>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("enabled", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Serves `GET /metrics` (Prometheus text) to requests that carry
    /// `Authorization: Bearer {token}`; without this call the route answers 404. Installs the
    /// process-wide `metrics` recorder on the first call; when another recorder was installed
    /// first, `/metrics` answers 503. An empty token leaves `/metrics` off. The token is
    /// [registered](register_secret) for redaction.
    #[must_use]
    pub fn with_metrics_token(self, token: &str) -> Self {
        if token.is_empty() {
            return self;
        }
        register_secret(token);
        let metrics = Metrics {
            token: Some(Arc::from(token)),
            handle: recorder(),
        };
        Self {
            metrics: Arc::new(metrics),
            ..self
        }
    }
}

/// The process-wide recorder, installed once.
fn recorder() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("backend_store_batch_size".to_owned()),
                        BATCH_BUCKETS,
                    )
                });
            let recorder = match builder {
                Ok(builder) => builder.build_recorder(),
                Err(error) => {
                    tracing::warn!(%error, "metrics: bad histogram buckets; /metrics is off");
                    return None;
                }
            };
            let handle = recorder.handle();
            if let Err(error) = metrics::set_global_recorder(recorder) {
                tracing::warn!(%error, "metrics: another recorder is installed; /metrics answers 503");
                return None;
            }
            describe();
            let upkeep = handle.clone();
            let started = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                });
            if let Err(error) = started {
                tracing::warn!(%error, "metrics: no upkeep thread; histograms are drained at each scrape only");
            }
            Some(handle)
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "backend_webhooks_received_total",
        "Webhook requests received, by event (`unknown` when the body was not read)."
    );
    describe_counter!(
        "backend_webhooks_rejected_total",
        "Webhook requests refused, by event and reason (unauthorized, bad_request, too_large, not_stored, panicked, error)."
    );
    describe_counter!(
        "backend_webhooks_duplicate_total",
        "Webhook requests answered 200 as a repeat of an event already taken, by event."
    );
    describe_counter!(
        "backend_webhooks_stored_total",
        "Webhook (and catch-up) events committed to the store, by event."
    );
    describe_histogram!(
        "backend_webhook_duration_seconds",
        Unit::Seconds,
        "From a webhook's arrival to its answer, by outcome (for a stored event: to its commit)."
    );
    describe_histogram!(
        "backend_ingest_latency_seconds",
        Unit::Seconds,
        "From handing an event to the writer to its commit."
    );
    describe_histogram!(
        "backend_store_batch_seconds",
        Unit::Seconds,
        "Time to write and commit one batch of events."
    );
    describe_histogram!(
        "backend_store_batch_size",
        "Events written per batch (one transaction)."
    );
    describe_counter!(
        "backend_store_batch_failures_total",
        "Batches the database refused."
    );
    describe_gauge!(
        "backend_ingest_queue_depth",
        "Events waiting for the writer after its last batch."
    );
    describe_counter!(
        "backend_http_requests_total",
        "Requests to the backend, by method, route template and status."
    );
    describe_histogram!(
        "backend_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request to the backend, by route template."
    );
    describe_counter!(
        "wppconnect_client_requests_total",
        "Calls to WPPConnect Server, by route template and status (`error`: no answer)."
    );
    describe_histogram!(
        "wppconnect_client_request_duration_seconds",
        Unit::Seconds,
        "Time of a call to WPPConnect Server, retries included, by route template."
    );
    describe_gauge!(
        "backend_outbox_depth",
        "Sends committed to the outbox and not finished (queued or being sent), at each scrape."
    );
    describe_gauge!(
        "backend_sessions",
        "Stored sessions by status, counted at each scrape."
    );
    describe_gauge!(
        "backend_sessions_healing",
        "Sessions by self-healing state, counted at each scrape."
    );
    describe_counter!(
        "backend_heal_checks_total",
        "Rounds of the self-healing check."
    );
    describe_counter!(
        "backend_heal_actions_total",
        "Self-healing actions, by action (restart, restart_stuck, logged_out, recovered, failed)."
    );
}

/// The `/metrics` route.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.metrics.token.as_deref() else {
        return ApiError::NotFound("no such route".to_owned()).into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().as_bytes());
    let allowed = presented.is_some_and(|t| bool::from(t.ct_eq(token.as_bytes())));
    if !allowed {
        return ApiError::Unauthorized("missing or wrong metrics token").into_response();
    }
    let Some(handle) = &state.metrics.handle else {
        return ApiError::Unavailable("another metrics recorder is installed").into_response();
    };
    count_sessions(&state).await;
    super::heal::count_states(&state);
    super::outbox::count_depth(&state).await;
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// `backend_sessions{status}` from the store: every status, zero included.
async fn count_sessions(state: &AppState) {
    let mut counts = [0u32; 4];
    let statuses = [
        SessionStatus::Disconnected,
        SessionStatus::Connecting,
        SessionStatus::Authenticated,
        SessionStatus::Connected,
    ];
    let Ok(names) = state.store.session_names().await else {
        return; // the store is down: the last counts stay
    };
    for name in names {
        if let Ok(Some(session)) = state.store.session(&name).await {
            if let Some(i) = statuses.iter().position(|s| *s == session.status) {
                counts[i] += 1;
            }
        }
    }
    for (status, count) in statuses.iter().zip(counts) {
        gauge!("backend_sessions", "status" => status_name(*status)).set(f64::from(count));
    }
}

fn status_name(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Disconnected => "disconnected",
        SessionStatus::Connecting => "connecting",
        SessionStatus::Authenticated => "authenticated",
        SessionStatus::Connected => "connected",
    }
}

// ---- recording points ---------------------------------------------------------------------

/// The webhook router's [`on_outcome`](wppconnect_webhook::WebhookBuilder::on_outcome) hook.
pub(super) fn webhook_outcome(report: &Report) {
    let event = report.event_name();
    counter!("backend_webhooks_received_total", "event" => event).increment(1);
    match report.outcome {
        wppconnect_webhook::Outcome::Received => {}
        wppconnect_webhook::Outcome::Duplicate => {
            counter!("backend_webhooks_duplicate_total", "event" => event).increment(1);
        }
        refused => {
            counter!("backend_webhooks_rejected_total", "event" => event, "reason" => refused.as_str())
                .increment(1);
        }
    }
    histogram!("backend_webhook_duration_seconds", "outcome" => report.outcome.as_str())
        .record(report.elapsed.as_secs_f64());
}

/// An event handed to the writer at `started` was answered (committed when `ok`).
pub(super) fn ingested(started: Instant, ok: bool) {
    if ok {
        histogram!("backend_ingest_latency_seconds").record(started.elapsed().as_secs_f64());
    }
}

/// The writer committed an event of this kind.
pub(super) fn stored(kind: EventKind) {
    counter!("backend_webhooks_stored_total", "event" => kind.as_str()).increment(1);
}

/// The writer wrote a batch of `size` events, begun at `started`; `waiting` events are queued
/// behind it.
pub(super) fn batch(started: Instant, size: usize, waiting: usize, ok: bool) {
    histogram!("backend_store_batch_seconds").record(started.elapsed().as_secs_f64());
    histogram!("backend_store_batch_size").record(size as f64);
    gauge!("backend_ingest_queue_depth").set(waiting as f64);
    if !ok {
        counter!("backend_store_batch_failures_total").increment(1);
    }
}

/// A self-healing action (`restart`, `restart_stuck`, `logged_out`, `recovered`, `failed`).
pub(super) fn heal_action(action: &'static str) {
    counter!("backend_heal_actions_total", "action" => action).increment(1);
}

/// A self-healing round ran.
pub(super) fn heal_round() {
    counter!("backend_heal_checks_total").increment(1);
}

/// `backend_sessions_healing{state}`.
pub(super) fn healing_states(counts: &[(&'static str, u32)]) {
    for (state, count) in counts {
        gauge!("backend_sessions_healing", "state" => *state).set(f64::from(*count));
    }
}

/// Middleware: `backend_http_requests_total{method, route, status}` and its duration. The route
/// is the matched template (`/api/sessions/{name}`), never the raw path, so the labels stay
/// few; a path no route matched counts as `unmatched`.
pub(super) async fn track_http(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    counter!("backend_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    histogram!("backend_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

// ---- the client's request spans into metrics -------------------------------------------------

/// A `tracing` layer that turns the spans `wppconnect-client` opens around each request
/// ([`CLIENT_SPAN`], fields `route`, `status`) into `wppconnect_client_requests_total{route,
/// status}` and `wppconnect_client_request_duration_seconds{route}`. A call that got no answer
/// counts with status `error`; retries are one call. Add it beside your log layer; it comes with
/// its own filter, so `RUST_LOG` does not turn it off and it sees nothing else:
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt;
/// use tracing_subscriber::util::SubscriberInitExt;
///
/// tracing_subscriber::registry()
///     .with(wppconnect_examples::backend::metrics::client_layer())
///     .init();
/// ```
#[must_use]
pub fn client_layer<S>() -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    ClientRequests.with_filter(OnlyClientSpans)
}

/// See [`client_layer`].
#[derive(Debug, Clone, Copy)]
struct ClientRequests;

/// Lets only the client's request spans through to [`ClientRequests`].
#[derive(Debug, Clone, Copy)]
struct OnlyClientSpans;

impl<S> Filter<S> for OnlyClientSpans {
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: &Context<'_, S>) -> bool {
        meta.is_span() && meta.name() == CLIENT_SPAN
    }
}

/// What one request span told so far.
#[derive(Debug)]
struct ClientCall {
    route: Option<String>,
    status: Option<u64>,
    started: Instant,
}

impl Visit for ClientCall {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "route" {
            self.route = Some(value.to_owned());
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "status" {
            self.status = Some(value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "status" {
            self.status = u64::try_from(value).ok();
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn fmt::Debug) {}
}

impl<S> Layer<S> for ClientRequests
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut call = ClientCall {
            route: None,
            status: None,
            started: Instant::now(),
        };
        attrs.record(&mut call);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(call);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(call) = span.extensions_mut().get_mut::<ClientCall>() {
                values.record(call);
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(call) = span.extensions_mut().remove::<ClientCall>() else {
            return;
        };
        let route = call.route.unwrap_or_else(|| "unknown".to_owned());
        let status = call
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string());
        counter!("wppconnect_client_requests_total", "route" => route.clone(), "status" => status)
            .increment(1);
        histogram!("wppconnect_client_request_duration_seconds", "route" => route)
            .record(call.started.elapsed().as_secs_f64());
    }
}
