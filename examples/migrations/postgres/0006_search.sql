-- Full-text search over the messages (GET /api/search), PostgreSQL twin of
-- migrations/sqlite/0006_search.sql: each message's text or caption, its document's file name,
-- its author's name and its conversation's (the contact's) name, in `message_search`, kept in
-- step with `messages` and `conversations` by the triggers below, and indexed as a `tsvector`
-- (GIN). A row's rowid is its message's rowid; `session` and `id` are kept too, as on SQLite.
--
-- Words are folded like SQLite's `unicode61 remove_diacritics 2`: lower case, and without
-- accents when the `unaccent` extension can be installed (it ships with PostgreSQL's contrib
-- and is a trusted extension: the database's owner may create it). Without it, a fixed table
-- of Latin accented letters is folded instead (`translate`), and a snippet marks only the
-- words typed with their accents.

DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent is not available (%): search folds a fixed table of accents', SQLERRM;
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config
        WHERE cfgname = 'wpp_search' AND cfgnamespace = current_schema()::regnamespace
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION wpp_search (COPY = simple);
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
            ALTER TEXT SEARCH CONFIGURATION wpp_search
                ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart
                WITH unaccent, simple;
        END IF;
    END IF;
    -- What the index and a query fold: nothing more than the configuration does with
    -- unaccent, a fixed table of accents without it.
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        CREATE OR REPLACE FUNCTION wpp_search_fold(t TEXT) RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT t';
    ELSE
        CREATE OR REPLACE FUNCTION wpp_search_fold(t TEXT) RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $f$SELECT translate(lower(t), 'áàâãäåéèêëíìîïóòôõöøúùûüçñýÿ', 'aaaaaaeeeeiiiioooooouuuucnyy')$f$;
    END IF;
END
$$;

-- `<`, `>` and `&` as separators that are no markup: PostgreSQL's parser would take `<hoje>`
-- for an HTML tag (neither indexed nor shown in a snippet) and `&amp;` for an entity.
CREATE OR REPLACE FUNCTION wpp_search_shown(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $f$SELECT translate(t, '<>&', E'\x03\x04\x05')$f$;

CREATE TABLE IF NOT EXISTS message_search (
    rowid BIGINT PRIMARY KEY,
    session TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT,
    file_name TEXT,
    sender TEXT,
    contact TEXT,
    document TSVECTOR GENERATED ALWAYS AS (
        to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(body, ''))))
        || to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(file_name, ''))))
        || to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(sender, ''))))
        || to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(contact, ''))))
    ) STORED
);

CREATE INDEX IF NOT EXISTS message_search_document ON message_search USING GIN (document);

-- the messages already stored
INSERT INTO message_search (rowid, session, id, body, file_name, sender, contact)
SELECT m.rowid, m.session, m.id, m.content, m.file_name, m.sender_name, c.name
FROM messages AS m
LEFT JOIN conversations AS c ON c.session = m.session AND c.id = m.conversation_id
ON CONFLICT (rowid) DO NOTHING;

CREATE OR REPLACE FUNCTION message_search_on_message() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM message_search WHERE rowid = OLD.rowid;
        RETURN OLD;
    END IF;
    INSERT INTO message_search (rowid, session, id, body, file_name, sender, contact)
    VALUES (
        NEW.rowid, NEW.session, NEW.id, NEW.content, NEW.file_name, NEW.sender_name,
        (SELECT name FROM conversations WHERE session = NEW.session AND id = NEW.conversation_id)
    )
    ON CONFLICT (rowid) DO UPDATE SET
        session = excluded.session, id = excluded.id, body = excluded.body,
        file_name = excluded.file_name, sender = excluded.sender, contact = excluded.contact;
    RETURN NEW;
END
$$;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
FOR EACH ROW EXECUTE FUNCTION message_search_on_message();

CREATE TRIGGER message_search_delete AFTER DELETE ON messages
FOR EACH ROW EXECUTE FUNCTION message_search_on_message();

-- not on status changes (the most frequent update), nor when a column it holds is written
-- unchanged (the details of a send are written after its insert)
CREATE TRIGGER message_search_update
AFTER UPDATE OF content, file_name, sender_name, id, session, conversation_id ON messages
FOR EACH ROW
WHEN (old.content IS DISTINCT FROM new.content OR old.file_name IS DISTINCT FROM new.file_name
    OR old.sender_name IS DISTINCT FROM new.sender_name OR old.id IS DISTINCT FROM new.id
    OR old.session IS DISTINCT FROM new.session
    OR old.conversation_id IS DISTINCT FROM new.conversation_id)
EXECUTE FUNCTION message_search_on_message();

-- A conversation is written after its first messages, and named later when a name arrives:
-- its messages get the name then.
CREATE OR REPLACE FUNCTION message_search_on_conversation() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE message_search SET contact = NEW.name
    WHERE rowid IN (SELECT rowid FROM messages WHERE session = NEW.session AND conversation_id = NEW.id);
    RETURN NEW;
END
$$;

CREATE TRIGGER message_search_contact_insert
AFTER INSERT ON conversations FOR EACH ROW WHEN (new.name IS NOT NULL)
EXECUTE FUNCTION message_search_on_conversation();

CREATE TRIGGER message_search_contact_update
AFTER UPDATE OF name ON conversations FOR EACH ROW WHEN (new.name IS DISTINCT FROM old.name)
EXECUTE FUNCTION message_search_on_conversation();
