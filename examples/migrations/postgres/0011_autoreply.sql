-- PostgreSQL twin of migrations/sqlite/0011_autoreply.sql (same tables, BIGINT and BIGSERIAL).
-- Automatic replies (examples/src/backend/autoreply): rules per session, and one row per
-- message that triggered a rule, written before the reply is sent. Its key (session, trigger
-- message id) is what makes a reply happen once per trigger: a webhook delivered twice, or
-- delivered again after a restart, finds the row and sends nothing. Times are epoch ms.
CREATE TABLE IF NOT EXISTS auto_reply_rules (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL,
    name TEXT NOT NULL,
    -- keyword | regex | first_message
    trigger_kind TEXT NOT NULL,
    -- keyword: words or phrases separated by commas; regex: the expression; else NULL
    pattern TEXT,
    template TEXT NOT NULL,
    -- business hours (all NULL: any time): days as a bit set (bit 0 Monday … bit 6 Sunday),
    -- minutes after midnight, the offset from UTC in minutes, inside | outside
    hours_days BIGINT,
    hours_start BIGINT,
    hours_end BIGINT,
    hours_offset BIGINT,
    hours_when TEXT,
    in_groups BIGINT NOT NULL DEFAULT 0,
    enabled BIGINT NOT NULL DEFAULT 1,
    -- bumped at each change: the engine compiles a rule once per version
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS auto_reply_rules_by_session ON auto_reply_rules (session, id);

CREATE TABLE IF NOT EXISTS auto_replies (
    session TEXT NOT NULL,
    trigger_id TEXT NOT NULL,
    rule_id BIGINT NOT NULL,
    -- the chat the reply goes to (the author's, for a message in a group)
    contact TEXT NOT NULL,
    reply TEXT NOT NULL,
    -- sending | sent | failed | skipped
    status TEXT NOT NULL,
    -- why it was skipped or failed
    reason TEXT,
    message_id TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session, trigger_id)
);

CREATE INDEX IF NOT EXISTS auto_replies_by_contact ON auto_replies (session, contact, created_at);
CREATE INDEX IF NOT EXISTS auto_replies_by_time ON auto_replies (session, created_at);

-- A contact that triggered too many replies of a rule in the loop window (another bot): the
-- rule stays silent for them until `until`.
CREATE TABLE IF NOT EXISTS auto_reply_mutes (
    session TEXT NOT NULL,
    rule_id BIGINT NOT NULL,
    contact TEXT NOT NULL,
    until BIGINT NOT NULL,
    PRIMARY KEY (session, rule_id, contact)
);
