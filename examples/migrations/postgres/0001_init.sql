-- The reference backend's message store (PostgreSQL twin of migrations/sqlite/0001_init.sql).
-- `messages.rowid` stands in for SQLite's implicit rowid: the order in which messages were
-- stored, which breaks ties between messages of the same second (paging, analytics).
CREATE TABLE IF NOT EXISTS sessions (
    name TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    qr_code TEXT,
    last_connected BIGINT,
    phone_number TEXT
);

CREATE TABLE IF NOT EXISTS conversations (
    session TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    phone_number TEXT,
    is_group BIGINT NOT NULL DEFAULT 0,
    last_message TEXT,
    last_message_time BIGINT,
    unread_count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (session, id)
);

CREATE TABLE IF NOT EXISTS messages (
    rowid BIGSERIAL NOT NULL,
    session TEXT NOT NULL,
    id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    content TEXT NOT NULL,
    message_type TEXT NOT NULL,
    timestamp BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_rank BIGINT NOT NULL,
    is_from_me BIGINT NOT NULL,
    quoted_message TEXT,
    media_url TEXT,
    PRIMARY KEY (session, id)
);

CREATE UNIQUE INDEX IF NOT EXISTS messages_by_rowid ON messages (rowid);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (session, conversation_id, timestamp);

-- Acks that arrived before their message; applied when the message is stored.
CREATE TABLE IF NOT EXISTS early_acks (
    session TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_rank BIGINT NOT NULL,
    PRIMARY KEY (session, message_id)
);
