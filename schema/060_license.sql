-- 060: licenses of options (#LMS). Kept by Initialize All Data/Settings.

-- The device's license key (made by the LMS from its vendor secret and the
-- serial), sealed under the device secret. Exactly one row once provisioned:
-- 'factory' from init-store --device-key-file, 'demo' from the published
-- demo vendor secret.
CREATE TABLE license_key (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  sealed  TEXT NOT NULL,
  source  TEXT NOT NULL CHECK (source IN ('factory', 'demo')),
  created TEXT NOT NULL
);

-- Every license ever installed, by option and license number. A row never
-- leaves: an ended license keeps its number so that its key is refused
-- forever. 'transferred' rows carry their invalidation counter and the
-- transfer number, written in the same statement that ends the license:
-- an option is never inactive without its number, nor active with one.
CREATE TABLE license (
  option    TEXT NOT NULL,
  number    INTEGER NOT NULL CHECK (number BETWEEN 1 AND 1048575),
  state     TEXT NOT NULL CHECK (state IN ('active', 'transferred', 'erased')),
  installed TEXT NOT NULL,
  ended     TEXT,
  counter   INTEGER UNIQUE,
  transfer  TEXT UNIQUE,
  PRIMARY KEY (option, number),
  CHECK ((state = 'active') = (ended IS NULL)),
  CHECK ((state = 'transferred') = (transfer IS NOT NULL)),
  CHECK ((transfer IS NULL) = (counter IS NULL))
) WITHOUT ROWID;

-- At most one active license per option.
CREATE UNIQUE INDEX license_active ON license (option) WHERE state = 'active';
