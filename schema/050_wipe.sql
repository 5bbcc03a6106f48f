-- 050: Initialize All Data/Settings: the recorded intent of a running
-- initialization (so that an interrupted one is completed at the next
-- start) and the erase reports (NIST SP 800-88 records), which are kept.

-- At most one initialization in progress. The row is written, in its own
-- transaction, before anything is erased, and removed in the transaction
-- that writes the report. PHASE is the index of the next part to run.
CREATE TABLE wipe_job (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  preset           TEXT NOT NULL CHECK (preset IN ('all', 'settings-only')),
  method           TEXT NOT NULL,
  verify           INTEGER NOT NULL CHECK (verify IN (0, 1)),
  operator         TEXT NOT NULL,
  level            TEXT NOT NULL,
  started          TEXT NOT NULL,
  started_ms       INTEGER NOT NULL,
  phase            INTEGER NOT NULL DEFAULT 0,
  resumed          INTEGER NOT NULL DEFAULT 0,
  bytes            INTEGER NOT NULL DEFAULT 0,
  verify_failures  INTEGER NOT NULL DEFAULT 0
);

-- One row per completed initialization. Never erased.
CREATE TABLE wipe_report (
  id            INTEGER PRIMARY KEY,
  preset        TEXT NOT NULL,
  method        TEXT NOT NULL,
  verify        INTEGER NOT NULL,
  verification  TEXT NOT NULL,
  bytes         INTEGER NOT NULL,
  started       TEXT NOT NULL,
  finished      TEXT NOT NULL,
  duration_ms   INTEGER NOT NULL,
  operator      TEXT NOT NULL,
  level         TEXT NOT NULL,
  model         TEXT NOT NULL,
  serial        TEXT NOT NULL,
  resumed       INTEGER NOT NULL,
  tool          TEXT NOT NULL
);

-- Items erased, by kind. REPORT 0 is the initialization in progress; its
-- rows move to the report's id when it completes.
CREATE TABLE wipe_count (
  report  INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (report, kind)
);
