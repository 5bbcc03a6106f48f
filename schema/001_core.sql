-- 001: the device store's core. Applied in one transaction by the store
-- module; PRAGMA user_version is set to this file's number afterwards.

-- The device identity. Exactly one row; never changed by Initialize All
-- Data/Settings.
CREATE TABLE device (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  model    TEXT NOT NULL,
  serial   TEXT NOT NULL
           CHECK (serial GLOB '[A-Z][A-Z][A-Z][0-9][0-9][0-9][0-9][0-9]'),
  mac      TEXT NOT NULL,
  secret   BLOB NOT NULL CHECK (length(secret) = 32),
  created  TEXT NOT NULL
);

-- Setting values that differ from the catalog's factory default. A key
-- without a row has its default; resetting a key deletes its row.
-- Secrets are stored sealed (AES-256-GCM), PINs and codes as PBKDF2 hashes.
CREATE TABLE setting (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;

-- Failed-attempt counters of each guarded door (manager, service1, ...),
-- kept here so that restarting svcmode does not reset a lockout.
CREATE TABLE door (
  name          TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The audit log. Never erased by Initialize All Data/Settings.
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  operator  TEXT NOT NULL,
  level     TEXT NOT NULL,
  event     TEXT NOT NULL,
  key       TEXT,
  old       TEXT,
  new       TEXT,
  detail    TEXT
);

-- Device counters shown in COPIER > DISPLAY. Kept by initialization.
CREATE TABLE counter (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO counter (name, value) VALUES
  ('total', 0), ('copy', 0), ('print', 0), ('scan', 0), ('send', 0), ('fax', 0);
