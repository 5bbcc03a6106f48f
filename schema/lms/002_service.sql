-- Version 2: the LMS as a network service (svcmode-lms serve): engineer
-- accounts, their sign-in sessions, License Access Numbers and the audit
-- of every action. Times are Unix seconds (UTC).
CREATE TABLE account (
  name     TEXT PRIMARY KEY,
  role     TEXT NOT NULL CHECK (role IN ('engineer', 'admin')),
  password TEXT NOT NULL, -- pbkdf2-sha256$ITERATIONS$SALT$HASH (hex)
  created  INTEGER NOT NULL
);
-- Only the SHA-256 of a token is kept: a copy of the file signs no one in.
CREATE TABLE session (
  token    TEXT PRIMARY KEY,
  account  TEXT NOT NULL REFERENCES account (name),
  expires  INTEGER NOT NULL
);
-- A License Access Number: one option for one device, redeemable once.
-- Kept as its SHA-256; HINT is its first group, for the audit.
CREATE TABLE lan (
  hash      TEXT PRIMARY KEY,
  hint      TEXT NOT NULL,
  option    TEXT NOT NULL,
  created   INTEGER NOT NULL,
  creator   TEXT NOT NULL,
  serial    TEXT,
  license   INTEGER UNIQUE REFERENCES license (number),
  redeemed  INTEGER,
  CHECK ((serial IS NULL) = (license IS NULL))
);
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  account  TEXT NOT NULL,
  address  TEXT NOT NULL,
  action   TEXT NOT NULL,
  subject  TEXT NOT NULL,
  result   TEXT NOT NULL, -- ok, or the error code
  detail   TEXT NOT NULL
);
-- The rate limits count recent failures by account and by address.
CREATE INDEX audit_account ON audit (action, account, at);
CREATE INDEX audit_address ON audit (action, address, at);
PRAGMA user_version = 2;
