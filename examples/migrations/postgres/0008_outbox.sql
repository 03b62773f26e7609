-- The durable outbox: a send is committed here (with its pending message) before the worker
-- delivers it. `state`: queued (never handed to the server), sending (handed over; committed
-- before the call), sent, failed (the server refused it: 4xx, or it could not be built),
-- unknown (5xx, timeout or a crash after the call went out: never sent again).
CREATE TABLE IF NOT EXISTS campaigns (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL,
    text TEXT NOT NULL,
    total BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL,
    client_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    message_id TEXT,
    campaign_id BIGINT,
    created_at BIGINT NOT NULL,
    sending_at BIGINT,
    done_at BIGINT,
    UNIQUE (session, client_id)
);

CREATE INDEX IF NOT EXISTS outbox_by_state ON outbox (state, session, id);
CREATE INDEX IF NOT EXISTS outbox_by_campaign ON outbox (campaign_id, state);
