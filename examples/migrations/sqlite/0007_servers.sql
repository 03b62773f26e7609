-- Several WPPConnect servers: which server each session lives on, and the healer's state of each
-- session, so that a restart of the backend keeps both (its backoff and its logged-out marks).

-- One row per session placed on a server (`WPPCONNECT_SERVERS` names). A session stored before
-- this table existed is given the first server listed when the backend starts.
CREATE TABLE IF NOT EXISTS session_servers (
    session TEXT PRIMARY KEY,
    server TEXT NOT NULL,
    -- when it was placed, epoch milliseconds
    placed_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS session_servers_by_server ON session_servers (server);

-- What the healer knows of a session (`healing` in GET /api/sessions).
CREATE TABLE IF NOT EXISTS session_healing (
    session TEXT PRIMARY KEY,
    -- ok, restarting, backoff, waitingForLogin, loggedOut, closed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_action TEXT,
    -- epoch seconds
    last_healed_at INTEGER,
    -- the earliest next attempt, epoch milliseconds
    next_attempt_ms INTEGER,
    -- epoch milliseconds
    updated_at INTEGER NOT NULL
);
