-- Version 3: the licenses of a serial (a transfer's check of its source,
-- a device's list) by index. Without it every transfer reads the whole
-- table, and on PostgreSQL every two concurrent transfers then conflict
-- as serializable transactions, whatever their numbers.
CREATE INDEX license_serial ON license (serial, option);
PRAGMA user_version = 3;
