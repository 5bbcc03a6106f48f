/*
 * The settings catalog: every setting of the device, declared once in
 * the .conf files of schema/catalog (compiled in) and parsed here. Read-only after
 * catalog_new(); entries live as long as the catalog.
 */
#ifndef SVC_CATALOG_H
#define SVC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/strbuf.h"

enum level { LEVEL_USER, LEVEL_MANAGER, LEVEL_SERVICE1, LEVEL_SERVICE2 };

/*
 * The doors of the device. A session holds a set of opened doors, not a
 * rung on one ladder: the System Manager's ID and PIN open DOOR_MANAGER
 * (the customer's System Settings), the level-1 service code opens
 * DOOR_SERVICE1 and the level-2 code, entered from level 1, adds
 * DOOR_SERVICE2. A service code never opens DOOR_MANAGER.
 */
#define DOOR_MANAGER 0x1u
#define DOOR_SERVICE1 0x2u
#define DOOR_SERVICE2 0x4u
/* The door a catalog level names (LEVEL_USER: none, 0). */
unsigned level_doors(enum level l);
/* The highest level a set of opened doors amounts to, for titles and the
 * audit log. */
enum level doors_level(unsigned doors);

enum cat_type {
	CT_BOOL,
	CT_INT,
	CT_ENUM,
	CT_STRING,
	CT_SECRET,
	CT_HOST,
	CT_PORT,
	CT_EMAIL,
	CT_IPV4,
	CT_MAC,
	CT_PIN,
	CT_IFACE,  /* a network interface name, or empty */
	CT_PERIOD, /* OFF or a period: 30m, 12h, 3d (at most max days) */
};

#define CAT_MAX_CHOICES 12

struct cat_entry {
	const char *key;
	const char *label;
	const char *help;
	const char *effect; /* what it changes on the running device */
	const char *unit;   /* "" when none */
	const char *deflt;  /* canonical form */
	enum cat_type type;
	long min, max;  /* int range; max = maximum length for text types */
	long max_bytes; /* text types: also at most this many bytes (0: no limit) */
	const char *choices[CAT_MAX_CHOICES];
	int nchoices;
	enum level level;
	bool reset_on_init;
	/* init = data: the value belongs to the user data (an inbox's
	 * settings): Initialize All Data/Settings erases it with that data,
	 * Settings only keeps it. */
	bool with_data;
	bool panel;    /* meant for a screen */
	bool empty_ok; /* "" is a value too ("none"), whatever the type */
	/* screen = OP: edited on the screen of operation OP (the User Inboxes'
	 * box.inboxes), not on a setting row of its own; NULL otherwise. */
	const char *screen;
	/* An instanced key is declared once with NN in its name and a range
	 * (box.NN.name, instances = 00-99); the catalog holds one entry per
	 * instance (box.07.name), each with INSTANCE and BASE (the declared
	 * name). Plain keys: INSTANCE -1, BASE the key itself. */
	int instance;
	const char *base;
};

struct catalog;

/* The catalog of schema/catalog, compiled at build time (catalog_gen parses
 * the files and writes catalog_table.c): nothing is parsed at run time. */
int catalog_new(struct catalog **out, struct svc_err *err);
/* Parses the text of schema/catalog embedded in the program: what
 * catalog_gen compiles; on a malformed file, err names the line. */
int catalog_parse_embedded(struct catalog **out, struct svc_err *err);
/* A catalog over N sorted entries the caller keeps (catalog_table.c). */
int catalog_wrap(const struct cat_entry *entries, size_t n, struct catalog **out);
/* Parses catalog text from the given files (tests, fuzzing). */
int catalog_parse(const char *const *names, const char *const *texts, int n, struct catalog **out,
		  struct svc_err *err);
void catalog_free(struct catalog *cat);

size_t catalog_count(const struct catalog *cat);
/* Entries in key order. */
const struct cat_entry *catalog_at(const struct catalog *cat, size_t i);
const struct cat_entry *catalog_find(const struct catalog *cat, const char *key);
/* A key that was removed because it changed nothing on the device: why
 * (one sentence), or NULL. Import skips such keys; set and get refuse
 * them with the reason. */
const char *catalog_retired(const char *key);
/* catalog_find, or NULL with EX_USAGE naming the key: "unknown setting",
 * or why a retired key is gone. */
const struct cat_entry *catalog_lookup(const struct catalog *cat, const char *key,
				       struct svc_err *err);

/*
 * Validates INPUT for E and writes the canonical form into OUT (replacing
 * its contents): ON/OFF, the panel spelling of a choice, a padded PIN, a
 * normalized MAC or IPv4 address. On failure OUT is empty and err says
 * "invalid value 'V' for KEY: expected ...". Secrets and PINs are checked
 * in place; the caller seals or hashes the canonical form.
 */
int catalog_parse_value(const struct cat_entry *e, const char *input, struct strbuf *out,
			struct svc_err *err);
/* "an integer 1-65535", "ON or OFF", ...: what catalog_parse_value wants. */
void catalog_expected(const struct cat_entry *e, struct strbuf *out);

/* The key of instance N of the instanced key BASE ("box.NN.name", 7 ->
 * "box.07.name") into BUF; -1 if it does not fit or BASE has no NN. */
int catalog_instance_key(const char *base, int n, char *buf, size_t cap);

/* The instance range LO-HI of the instanced key BASE ("box.NN.name");
 * -1 if BASE is not one. */
int catalog_instances(const struct catalog *cat, const char *base, int *lo, int *hi);

/* Typed readings of canonical values (what catalog_parse_value wrote),
 * so that no other module compares a value's text. */
/* The index of CANON among E's choices, or -1. */
int catalog_choice_index(const struct cat_entry *e, const char *canon);
bool catalog_value_bool(const char *canon); /* ON */
const char *catalog_bool_text(bool on);     /* "ON" / "OFF" */
/* A period ("OFF", "0", 30m, 12h, 3d in any case) in seconds (0 = OFF), at
 * most MAX seconds; -1 if it is not one. */
int catalog_period_parse(const char *in, int64_t max, int64_t *secs);
/* Seconds as a period's canonical form: OFF, 30m, 12h, 3d. */
void catalog_period_format(int64_t secs, struct strbuf *out);

const char *catalog_type_name(enum cat_type t);
/* What Initialize does to E, as describe and svcmode-settings(7) say it:
 * "reset", "kept", or "with data" (erased by Initialize All Data/Settings
 * with the user data, kept by Settings only). */
const char *catalog_init_name(const struct cat_entry *e);
const char *level_name(enum level l);  /* "manager", "service1", ... */
const char *level_title(enum level l); /* "System Manager", "Service L1", ... */
int level_parse(const char *s, enum level *out);
/* Secrets and PINs are never shown. */
bool catalog_is_hidden(const struct cat_entry *e);

#endif
