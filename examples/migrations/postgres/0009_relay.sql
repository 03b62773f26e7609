-- The durable event log and what reads it: every stored event (a new message, a status change,
-- a session's state) gets a row in the same transaction as the event itself, so a relay (NATS
-- JetStream, a CRM's webhook) can forward each one at least once, even across a crash.
CREATE TABLE IF NOT EXISTS event_log (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- the console's push envelope, {"session", "data"}, as JSON text
    payload TEXT NOT NULL,
    -- epoch milliseconds
    created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_log_session ON event_log (session, id);

-- How far each sink (a NATS stream) has forwarded the log: every row up to `position` is
-- acknowledged by the sink.
CREATE TABLE IF NOT EXISTS relay_cursors (
    sink TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A CRM's subscription to a session's events: each matching log row is POSTed to `url`, signed
-- with `secret` (HMAC-SHA256). `kinds` is ",new-message,status-update," (commas around each).
CREATE TABLE IF NOT EXISTS relay_subscriptions (
    id TEXT PRIMARY KEY,
    session TEXT NOT NULL,
    url TEXT NOT NULL,
    kinds TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- the last log row copied into relay_deliveries
    position BIGINT NOT NULL,
    -- failed attempts in a row; past the limit the subscription is dead (1) and left alone
    failures BIGINT NOT NULL DEFAULT 0,
    dead BIGINT NOT NULL DEFAULT 0,
    -- after a failure, nothing is tried before this time (epoch milliseconds)
    next_try_at BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS relay_subscriptions_session ON relay_subscriptions (session);

-- One event for one subscription until the receiver answers 2xx: tries so far and the time of
-- the next one (epoch milliseconds), so a restart resumes where it was.
CREATE TABLE IF NOT EXISTS relay_deliveries (
    subscription_id TEXT NOT NULL,
    event_id BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_try_at BIGINT NOT NULL,
    last_status BIGINT,
    delivered_at BIGINT,
    PRIMARY KEY (subscription_id, event_id)
);
CREATE INDEX IF NOT EXISTS relay_deliveries_due ON relay_deliveries (delivered_at, next_try_at);
