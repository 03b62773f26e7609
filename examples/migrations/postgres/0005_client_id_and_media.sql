-- The id the client chose for a message it sent (kept when the server's id replaces the
-- pending one), and what the console shows of documents and locations.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS client_id TEXT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS mime_type TEXT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS file_name TEXT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS file_size BIGINT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS latitude DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS longitude DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS location_name TEXT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS location_address TEXT;

-- One message per client id and session: a resend with the same clientId is never sent twice.
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (session, client_id)
    WHERE client_id IS NOT NULL;
