-- Version 4: the live license of each serial and option in a table of its
-- own, in place of the partial unique index of version 1. Its key keeps a
-- device from holding an option twice: a new license is added without
-- reading first, and one that is there already makes the insert change
-- nothing. On PostgreSQL that read, and the partial index on the state,
-- put serializable locks on index pages that concurrent transfers of
-- neighbouring serials wrote: many of them failed and ran again.
-- license.state stays the history; lms_db.c changes both in one
-- transaction.
DROP INDEX license_live;
CREATE TABLE license_live (
  serial   TEXT NOT NULL,
  option   TEXT NOT NULL,
  license  INTEGER NOT NULL UNIQUE REFERENCES license (number),
  PRIMARY KEY (serial, option)
) WITHOUT ROWID;
INSERT INTO license_live (serial, option, license)
  SELECT serial, option, number FROM license WHERE state = 'issued';
PRAGMA user_version = 4;
