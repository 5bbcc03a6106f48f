/*
 * The statements of the LMS database, written once for both dialects and
 * run by lms_db.c on either backend: placeholders as ?N (lms_db_pg.c turns
 * them into $N), the time of day as a parameter (ISO 8601 in UTC, made by
 * lms_db.c: the same text on both), new numbers (license, audit id) from
 * the key column's own default (SQLite's rowid, PostgreSQL's identity),
 * upserts as ON CONFLICT, which both know. Included by lms_db.c only.
 */
#ifndef SVC_LMS_DB_SQL_H
#define SVC_LMS_DB_SQL_H

static const char SQL_LIVE[] = "SELECT number, serial, option, state, issued FROM license "
			       "WHERE serial = ?1 AND option = ?2 AND state = 'issued'";
static const char SQL_LICENSES[] = "SELECT number, serial, option, state, issued FROM license "
				   "WHERE (CAST(?1 AS TEXT) IS NULL OR serial = ?1) "
				   "AND (CAST(?2 AS TEXT) IS NULL OR option = ?2) ORDER BY number";
static const char SQL_LICENSE_ADD[] = "INSERT INTO license (serial, option, state, issued) "
				      "VALUES (?1, ?2, 'issued', ?3) RETURNING number";
static const char SQL_LICENSE_END[] =
	"UPDATE license SET state = 'transferred' "
	"WHERE number = ?1 AND state = 'issued' RETURNING serial, option";
/* A serial's live license of an option: its key refuses a second one. */
static const char SQL_LIVE_ADD[] = "INSERT INTO license_live (serial, option, license) "
				   "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char SQL_LIVE_END[] =
	"DELETE FROM license_live WHERE serial = ?1 AND option = ?2 AND license = ?3";
static const char SQL_TRANSFER_GET[] =
	"SELECT number, from_serial, to_serial, option, counter, license, new_license, at "
	"FROM transfer WHERE number = ?1";
static const char SQL_TRANSFER_ADD[] =
	"INSERT INTO transfer (number, from_serial, to_serial, option, counter, license, "
	"new_license, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_TRANSFERS[] =
	"SELECT number, from_serial, to_serial, option, counter, license, new_license, at "
	"FROM transfer ORDER BY at, license";
static const char SQL_ACCOUNT_GET[] = "SELECT name, role, password FROM account WHERE name = ?1";
static const char SQL_ACCOUNT_ADD[] =
	"INSERT INTO account (name, role, password, created) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (name) DO NOTHING";
static const char SQL_SESSION_ADD[] =
	"INSERT INTO session (token, account, expires) VALUES (?1, ?2, ?3)";
static const char SQL_SESSION_GET[] =
	"SELECT a.name, a.role, a.password FROM session s JOIN account a ON a.name = s.account "
	"WHERE s.token = ?1 AND s.expires > ?2";
static const char SQL_SESSION_PURGE[] = "DELETE FROM session WHERE expires <= ?1";
static const char SQL_LAN_ADD[] =
	"INSERT INTO lan (hash, hint, option, created, creator) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LAN_GET[] = "SELECT hint, option, serial, license, created, redeemed "
				  "FROM lan WHERE hash = ?1";
static const char SQL_LAN_REDEEM[] = "UPDATE lan SET serial = ?2, license = ?3, redeemed = ?4 "
				     "WHERE hash = ?1 AND serial IS NULL";
static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit (at, account, address, action, subject, result, detail) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_AUDIT_FAILURES[] =
	"SELECT count(*) FROM audit WHERE ?1 LIKE '%,' || action || ',%' AND at >= ?4 AND "
	"result NOT IN ('ok', 'RATE_LIMITED') AND (account = ?2 OR address = ?3)";
static const char SQL_AUDIT[] = "SELECT id, at, account, address, action, subject, result, "
				"detail FROM audit ORDER BY id DESC LIMIT ?1";
/* SQLite's JSON functions parse the requests' bodies, on either backend. */
static const char SQL_JSON[] = "SELECT json_type(?1), json_type(?1, ?2), ?1 ->> ?2";

#endif
