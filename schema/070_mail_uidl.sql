-- 070: the messages 'mail receive' has stored, by their POP3 unique-id
-- (UIDL, RFC 1939 7), so that a message stored before a lost connection
-- kept the server from deleting it is not stored a second time. A row is
-- written in the same transaction as the message's document; rows whose
-- message the server no longer lists are forgotten at the next reception.
-- Erased by Initialize All Data/Settings with the communication log.
CREATE TABLE mail_uidl (
  server  TEXT NOT NULL,  -- the POP server as set, without the port (POP3S
                          -- and POP3 reach the same mailbox)
  user    TEXT NOT NULL,  -- the POP login
  uidl    TEXT NOT NULL,  -- the server's unique-id (1-70 printable characters)
  box     INTEGER NOT NULL CHECK (box BETWEEN 0 AND 99),
  at      TEXT NOT NULL,  -- UTC, ISO 8601, when it was stored
  PRIMARY KEY (server, user, uidl)
) WITHOUT ROWID;
