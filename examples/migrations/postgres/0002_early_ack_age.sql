-- When an early ack arrived, so acks of messages that never come (sent from the phone, or
-- lost) are forgotten after a day instead of piling up.
ALTER TABLE early_acks ADD COLUMN IF NOT EXISTS received_at BIGINT NOT NULL DEFAULT 0;
