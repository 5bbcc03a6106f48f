-- Mail Box: User Inboxes 00-99 and their stored documents. The document
-- content lives in files beside the database (<db>.d/docs/FILE); a row is
-- committed only after its file is complete, fsynced and renamed.

-- Settings of an inbox; an inbox without a row has the factory settings
-- (no name, no password, Auto Erase OFF, Print upon storing OFF).
CREATE TABLE mailbox_inbox (
  box            INTEGER PRIMARY KEY CHECK (box BETWEEN 0 AND 99),
  name           TEXT NOT NULL DEFAULT '',
  password       TEXT NOT NULL DEFAULT '',  -- access_hash() form; '' = none
  auto_erase     INTEGER NOT NULL DEFAULT 0 CHECK (auto_erase >= 0), -- seconds; 0 = OFF
  print_on_store INTEGER NOT NULL DEFAULT 0 CHECK (print_on_store IN (0, 1))
);

CREATE TABLE mailbox_doc (
  box       INTEGER NOT NULL CHECK (box BETWEEN 0 AND 99),
  no        INTEGER NOT NULL CHECK (no BETWEEN 1 AND 9999),
  name      TEXT NOT NULL,
  stored_at INTEGER NOT NULL,               -- unix time
  pages     INTEGER NOT NULL DEFAULT 1 CHECK (pages >= 0),
  size      INTEGER NOT NULL CHECK (size >= 0),
  sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
  file      TEXT NOT NULL UNIQUE,           -- name in the documents directory
  PRIMARY KEY (box, no)
);
CREATE INDEX mailbox_doc_stored ON mailbox_doc (stored_at);
