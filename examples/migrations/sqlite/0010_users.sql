-- Users with roles (issue 19): who may sign in, what they may do, and in which sessions.
-- `role` is admin (everything), agent (read and send in granted sessions) or viewer (read only
-- in granted sessions). `token_version`: the version tokens carry (`ver`); a password change
-- bumps it, so the tokens issued before stop working. The SQLite and PostgreSQL twins differ in integer types only.
CREATE TABLE users (
    name TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- The sessions granted to a user (admins need none: they see every session).
CREATE TABLE user_sessions (
    user_name TEXT NOT NULL,
    session TEXT NOT NULL,
    PRIMARY KEY (user_name, session)
);
CREATE INDEX user_sessions_by_session ON user_sessions (session);
