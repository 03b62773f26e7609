-- Full-text search over the messages (GET /api/search): each message's text or caption, its
-- document's file name, its author's name and its conversation's (the contact's) name, kept in
-- step with `messages` and `conversations` by the triggers below. A row's rowid is its
-- message's rowid; `session` and `id` are kept too, so a search joins on all three and a row
-- whose message moved (a VACUUM renumbers rowids) is never shown as another message.
-- `remove_diacritics 2`: "ola" finds "Olá". `columnsize = 0`: no per-row size table to write
-- (it only speeds up ranking by relevance; results are ordered by time).
CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(
    body,
    file_name,
    sender,
    contact,
    session UNINDEXED,
    id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);

-- the messages already stored
INSERT INTO message_search (rowid, body, file_name, sender, contact, session, id)
SELECT m.rowid, m.content, m.file_name, m.sender_name, c.name, m.session, m.id
FROM messages AS m
LEFT JOIN conversations AS c ON c.session = m.session AND c.id = m.conversation_id;

CREATE TRIGGER IF NOT EXISTS message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, body, file_name, sender, contact, session, id)
    VALUES (
        new.rowid, new.content, new.file_name, new.sender_name,
        (SELECT name FROM conversations WHERE session = new.session AND id = new.conversation_id),
        new.session, new.id
    );
END;

CREATE TRIGGER IF NOT EXISTS message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
END;

-- not on status changes (the most frequent update), nor when a column it holds is written
-- unchanged (the details of a send are written after its insert)
CREATE TRIGGER IF NOT EXISTS message_search_update
AFTER UPDATE OF content, file_name, sender_name, id, session, conversation_id ON messages
WHEN old.content IS NOT new.content OR old.file_name IS NOT new.file_name
    OR old.sender_name IS NOT new.sender_name OR old.id IS NOT new.id
    OR old.session IS NOT new.session OR old.conversation_id IS NOT new.conversation_id
BEGIN
    UPDATE message_search SET
        body = new.content,
        file_name = new.file_name,
        sender = new.sender_name,
        contact = (SELECT name FROM conversations WHERE session = new.session AND id = new.conversation_id),
        session = new.session,
        id = new.id
    WHERE rowid = new.rowid;
END;

-- A conversation is written after its first messages, and named later when a name arrives:
-- its messages get the name then. The upsert of every new message sets `name` to itself, so
-- only a real change touches the index.
CREATE TRIGGER IF NOT EXISTS message_search_contact_insert
AFTER INSERT ON conversations WHEN new.name IS NOT NULL BEGIN
    UPDATE message_search SET contact = new.name
    WHERE rowid IN (SELECT rowid FROM messages WHERE session = new.session AND conversation_id = new.id);
END;

CREATE TRIGGER IF NOT EXISTS message_search_contact_update
AFTER UPDATE OF name ON conversations WHEN new.name IS NOT old.name BEGIN
    UPDATE message_search SET contact = new.name
    WHERE rowid IN (SELECT rowid FROM messages WHERE session = new.session AND conversation_id = new.id);
END;
