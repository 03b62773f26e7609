-- The ingest journal (examples/src/backend/journal.rs): how far each journal is indexed. The
-- webhook writer updates its row in the transaction that stores the events, so after a crash
-- it replays exactly the records it had not committed. One row per journal (an instance's
-- own directory).
CREATE TABLE IF NOT EXISTS journal_cursor (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
