-- The license server's database (svcmode-lms, src/lms/lms_db.c): the
-- licenses it issued and the transfers it accepted. Version 1.
CREATE TABLE license (
  number  INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 1048575),
  serial  TEXT NOT NULL,
  option  TEXT NOT NULL,
  state   TEXT NOT NULL CHECK (state IN ('issued', 'transferred')),
  issued  TEXT NOT NULL
);
CREATE UNIQUE INDEX license_live ON license (serial, option) WHERE state = 'issued';
CREATE TABLE transfer (
  number       TEXT PRIMARY KEY,
  from_serial  TEXT NOT NULL,
  to_serial    TEXT NOT NULL,
  option       TEXT NOT NULL,
  counter      INTEGER NOT NULL,
  license      INTEGER NOT NULL UNIQUE REFERENCES license (number),
  new_license  INTEGER NOT NULL UNIQUE REFERENCES license (number),
  at           TEXT NOT NULL
) WITHOUT ROWID;
PRAGMA application_id = 1280135985;
PRAGMA user_version = 1;
