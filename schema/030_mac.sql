-- 030: MAC Address Block exception lists (src/mac/). Use Filter and the
-- Default Policy are catalog settings (network.mac.{rx,tx}.*); this table
-- holds the exceptions of each filter, normalized as 00:1E:8F:12:34:56.
CREATE TABLE mac_entry (
  dir    TEXT NOT NULL CHECK (dir IN ('rx', 'tx')),
  addr   TEXT NOT NULL CHECK (length(addr) = 17),
  added  TEXT NOT NULL,
  PRIMARY KEY (dir, addr)
) WITHOUT ROWID;
