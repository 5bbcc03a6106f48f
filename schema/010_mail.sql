-- 010: the mail client's communication log. One row per attempt (test
-- send, test receive, reception, probe), whatever its outcome. Erased by
-- Initialize All Data/Settings (mail_erase_log).
CREATE TABLE mail_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,              -- UTC, ISO 8601, when it started
  direction  TEXT NOT NULL CHECK (direction IN ('tx', 'rx')),
  operation  TEXT NOT NULL,              -- test-send, test-receive, receive, probe
  server     TEXT NOT NULL,              -- host:port
  mechs      TEXT NOT NULL DEFAULT '',   -- SASL mechanisms the server offered
  mech       TEXT NOT NULL DEFAULT '',   -- what svcmode logged in with
  tls        TEXT NOT NULL DEFAULT '',   -- TLS version and cipher, '' in clear
  result     TEXT NOT NULL CHECK (result IN ('ok', 'error')),
  code       INTEGER NOT NULL DEFAULT 0, -- device error code (#8xx), 0 on success
  message    TEXT NOT NULL DEFAULT '',
  steps      TEXT NOT NULL DEFAULT ''    -- each step, one per line; never a secret
);

-- Messages retrieved by 'mail receive' for a user inbox, kept here until
-- the Mail Box module takes them over as documents.
CREATE TABLE mail_message (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  box       INTEGER NOT NULL CHECK (box BETWEEN 0 AND 99),
  server    TEXT NOT NULL,
  size      INTEGER NOT NULL,
  content   BLOB NOT NULL
);
