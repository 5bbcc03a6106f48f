-- 080: the messages received into user inboxes (by SMTP reception and by
-- POP reception), by their Message-ID (RFC 5322 3.6.4), or by the SHA-256
-- of the whole message when it has none, so that a message delivered again
-- (an SMTP client that lost the reply to its DATA, the same message by SMTP
-- and by POP) is not stored a second time. A row is written in the same
-- transaction as the message's document. Erased by Initialize All
-- Data/Settings with the communication log.
CREATE TABLE mail_msgid (
  msgid   TEXT PRIMARY KEY,  -- "<id@host>" as sent, or "sha256:HEX"
  box     INTEGER NOT NULL CHECK (box BETWEEN 0 AND 99),
  via     TEXT NOT NULL CHECK (via IN ('smtp', 'pop')),
  at      TEXT NOT NULL      -- UTC, ISO 8601, when it was stored
) WITHOUT ROWID;
