-- Users with roles (issue 19): who may sign in, what they may do, and in which sessions.
-- `role` is admin (everything), agent (read and send in granted sessions) or viewer (read only
-- in granted sessions). `tokens_after`: tokens issued (`iat`, Unix seconds) before it are
-- refused (set when the password changes). The SQLite and PostgreSQL twins differ in integer types only.
CREATE TABLE users (
    name TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
    tokens_after BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- The sessions granted to a user (admins need none: they see every session).
CREATE TABLE user_sessions (
    user_name TEXT NOT NULL,
    session TEXT NOT NULL,
    PRIMARY KEY (user_name, session)
);
CREATE INDEX user_sessions_by_session ON user_sessions (session);
