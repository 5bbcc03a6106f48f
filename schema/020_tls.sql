-- 020: SSL key pairs and CA certificates (src/tls/).

-- Key pairs: the private key sealed (AES-256-GCM under the device key for
-- "svcmode tls keys v1", bound to the pair's name) and the certificate that
-- goes with it, with the chain a CA returned. At most one pair is in use.
CREATE TABLE tls_key (
  name       TEXT PRIMARY KEY,
  origin     TEXT NOT NULL CHECK (origin IN ('default', 'generated', 'imported')),
  key_sealed TEXT NOT NULL,
  cert_pem   TEXT NOT NULL,
  chain_pem  TEXT NOT NULL DEFAULT '',
  in_use     INTEGER NOT NULL DEFAULT 0 CHECK (in_use IN (0, 1)),
  created    TEXT NOT NULL
);
CREATE UNIQUE INDEX tls_key_one_in_use ON tls_key (in_use) WHERE in_use = 1;

-- CA certificates the device trusts (the mail client verifies servers
-- against them). FINGERPRINT: SHA-256 of the DER, 64 upper-case hex digits.
CREATE TABLE tls_ca (
  fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
  subject     TEXT NOT NULL,
  cert_pem    TEXT NOT NULL,
  added       TEXT NOT NULL
) WITHOUT ROWID;
