-- Values the backend generates once and keeps, such as the webhook secret: the URL that
-- WPPConnect Server holds for each session carries it, so it must survive restarts.
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
