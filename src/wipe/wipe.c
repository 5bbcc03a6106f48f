/* The engine of Initialize All Data/Settings (see wipe.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/keys.h"
#include "store/store_wipe.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "wipe/wipe_int.h"

#define WIPE_WHAT "initializing all data and settings"
#define PART_WEIGHT (1 << 20) /* a part without files counts as 1 MiB of work */

struct wipe_report {
	struct store_wipe_report r;
	struct {
		char kind[32];
		int64_t n;
	} kinds[ERASE_MAX_KINDS];
	int nkinds;
};

static const struct {
	const char *label; /* system.init.erase_method, panel spelling */
	enum erase_method method;
} methods[] = {
	/* By system.init.erase_method's choice; the label is what a job
	 * record keeps. */
	[CHOICE_SYSTEM_INIT_ERASE_METHOD_1_PASS_ZEROS] = { "1 Pass Zeros", ERASE_ZEROS },
	[CHOICE_SYSTEM_INIT_ERASE_METHOD_1_PASS_RANDOM] = { "1 Pass Random", ERASE_RANDOM },
	[CHOICE_SYSTEM_INIT_ERASE_METHOD_3_PASSES_DOD] = { "3 Passes DoD", ERASE_DOD3 },
};

static const struct {
	enum wipe_preset preset;
	const char *name;
	const char *scope;
} presets[] = {
	{ WIPE_ALL, "all", "user data and settings" },
	{ WIPE_SETTINGS_ONLY, "settings-only", "settings; user data kept" },
};

const char *
wipe_preset_name(enum wipe_preset p)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (presets[i].preset == p)
			return presets[i].name;
	return "?";
}

int
wipe_preset_parse(const char *s, enum wipe_preset *out)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (strcmp(s, presets[i].name) == 0) {
			*out = presets[i].preset;
			return 0;
		}
	}
	return -1;
}

static const char *
preset_scope(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (strcmp(name, presets[i].name) == 0)
			return presets[i].scope;
	return "";
}

static int
method_of(const char *label, enum erase_method *out)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (strcmp(label, methods[i].label) == 0) {
			*out = methods[i].method;
			return 0;
		}
	}
	return -1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
iso_time(int64_t ms, char *buf, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* --- one run ---------------------------------------------------------------- */

struct run {
	struct device *dev;
	struct store *st;
	struct store_wipe_job job;
	unsigned preset;
	struct erase_stats es; /* the current part */
	wipe_progress_fn fn;
	void *arg;
	const char *part;
	int64_t total; /* estimated work of this run, in bytes */
	int64_t done;  /* work of the parts this run has finished */
	int64_t t0;    /* ms */
};

static void
progress(struct run *r, double force)
{
	char what[128];
	int64_t done = r->done + r->es.bytes;
	double f = force >= 0 ? force : r->total > 0 ? (double)done / (double)r->total : 0;
	int64_t elapsed = now_ms() - r->t0;

	if (r->fn == NULL)
		return;
	if (f > 1)
		f = 1;
	if (f > 0.02 && f < 1) {
		long left = (long)((double)elapsed * (1 - f) / f / 1000 + 0.5);
		snprintf(what, sizeof what, "%s: %.1f MiB overwritten, about %ld s left", r->part,
			 (double)(r->job.bytes + r->es.bytes) / 1048576.0, left);
	} else {
		snprintf(what, sizeof what, "%s: %.1f MiB overwritten", r->part,
			 (double)(r->job.bytes + r->es.bytes) / 1048576.0);
	}
	r->fn(r->arg, what, f);
}

static void
file_progress(void *arg, int64_t done)
{
	(void)done; /* es.bytes already counts it */
	progress(arg, -1);
}

static bool
in_preset(const struct run *r, const struct wipe_part *p)
{
	return (p->presets & r->preset) != 0;
}

static void
estimate(struct run *r)
{
	enum erase_method m = ERASE_ZEROS;
	int passes;

	method_of(r->job.method, &m);
	passes = m == ERASE_DOD3 ? 3 : 1;
	r->total = 0;
	for (const struct wipe_part *p = wipe_parts; p->name; p++) {
		if (!in_preset(r, p))
			continue;
		r->total += PART_WEIGHT;
		if (p->files) {
			char *dir = wipe_docs_dir(r->dev);
			r->total += wipe_dir_bytes(dir) * passes;
			free(dir);
		}
	}
	r->total += PART_WEIGHT; /* compaction */
}

static int
save_counts(struct run *r, struct svc_err *err)
{
	for (int i = 0; i < r->es.nkinds; i++)
		if (store_wipe_count_add(r->st, 0, r->es.kinds[i].kind, r->es.kinds[i].n, err) != 0)
			return -1;
	r->job.bytes += r->es.bytes;
	r->job.verify_failures += r->es.verify_failures;
	return store_wipe_job_update(r->st, &r->job, err);
}

/* P's erase, then its overwritten files made durable and unlinked
 * (erase_flush) before anything records the part as done. */
static int
part_erase(struct run *r, const struct wipe_part *p, struct svc_err *err)
{
	int rc = p->erase(r->dev, &r->es, err);

	if (erase_flush(&r->es, rc == 0 ? err : NULL) != 0)
		rc = -1;
	return rc;
}

/* Runs part I and records it as done, in one transaction with its rows
 * (files are erased before the transaction). A part that is interrupted
 * leaves nothing recorded, and runs again on resume. */
static int
run_part(struct run *r, int i, struct svc_err *err)
{
	const struct wipe_part *p = &wipe_parts[i];
	struct store_wipe_job now;
	enum erase_method m = ERASE_ZEROS;
	int rc;

	memset(&r->es, 0, sizeof r->es);
	method_of(r->job.method, &m);
	r->es.method = m;
	r->es.verify = r->job.verify;
	r->es.progress = file_progress;
	r->es.progress_arg = r;
	r->es.batch = true; /* every part's files synced at once: erase_flush */
	r->part = p->name;
	progress(r, -1);
	if (p->files && part_erase(r, p, err) != 0)
		return -1;
	if (store_begin(r->st, err) != 0)
		return -1;
	/* Another svcmode may have completed it meanwhile. */
	if ((rc = store_wipe_job_get(r->st, &now, err)) <= 0) {
		store_rollback(r->st);
		return rc < 0 ? -1 : 1;
	}
	r->job.phase = i + 1;
	if (p->audit) {
		if ((rc = store_wipe_audit_events(r->st, p->audit, p->audit_keys, err)) < 0) {
			store_rollback(r->st);
			return -1;
		}
		erase_count(&r->es, "audit values", rc);
	}
	if ((!p->files && part_erase(r, p, err) != 0) ||
	    (p->regenerate && p->regenerate(r->dev, err) != 0) || save_counts(r, err) != 0) {
		store_rollback(r->st);
		return -1;
	}
	if (store_commit(r->st, err) != 0)
		return -1;
	r->done += PART_WEIGHT + r->es.bytes;
	r->es.bytes = 0;
	return 0;
}

static int
wal_bytes(struct store *st, int64_t *out, struct svc_err *err)
{
	struct strbuf p = STRBUF_INIT;
	struct stat sb;
	int rc = 0;

	sb_addf(&p, "%s-wal", store_path(st));
	*out = 0;
	if (stat(p.buf, &sb) == 0)
		*out = sb.st_size;
	else if (errno != ENOENT)
		rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", p.buf, strerror(errno));
	sb_release(&p);
	return rc;
}

/* The verification result: the store is sound and holds no free page or
 * WAL frame; with system.init.verify, every overwritten file read back. */
static int
verify(struct run *r, struct store_wipe_report *rep, struct svc_err *err)
{
	char problem[64];
	int64_t free_pages, wal;
	char files[64];
	bool ok;

	if (store_wipe_check(r->st, problem, sizeof problem, &free_pages, err) != 0 ||
	    wal_bytes(r->st, &wal, err) != 0)
		return -1;
	if (!r->job.verify)
		snprintf(files, sizeof files, "read-back not requested");
	else if (r->job.verify_failures == 0)
		snprintf(files, sizeof files, "read-back of overwritten files matched");
	else
		snprintf(files, sizeof files, "read-back differed in %lld files",
			 (long long)r->job.verify_failures);
	ok = strcmp(problem, "ok") == 0 && free_pages == 0 && wal == 0 &&
	     r->job.verify_failures == 0;
	snprintf(rep->verification, sizeof rep->verification,
		 "%s: integrity %s, %lld free pages, WAL %lld bytes; %s", ok ? "passed" : "FAILED",
		 problem, (long long)free_pages, (long long)wal, files);
	return 0;
}

struct detail {
	struct strbuf *sb;
	int n;
};

static int
add_detail(void *arg, const char *kind, int64_t n)
{
	struct detail *d = arg;

	sb_addf(d->sb, "%s%lld %s", d->n++ ? ", " : "", (long long)n, kind);
	return 0;
}

static int
finish(struct run *r, int64_t *id, struct svc_err *err)
{
	const struct store_identity *ident = device_identity(r->dev);
	struct store_wipe_report rep;
	struct strbuf detail = STRBUF_INIT;
	struct detail d = { &detail, 0 };
	struct store_wipe_job now;
	int64_t end;
	int rc;

	r->part = "compacting the store";
	progress(r, -1);
	if (store_wipe_compact(r->st, err) != 0)
		return -1;
	memset(&rep, 0, sizeof rep);
	if (verify(r, &rep, err) != 0)
		return -1;
	end = now_ms();
	strlcpy_(rep.preset, r->job.preset, sizeof rep.preset);
	strlcpy_(rep.method, r->job.method, sizeof rep.method);
	rep.verify = r->job.verify;
	rep.bytes = r->job.bytes;
	strlcpy_(rep.started, r->job.started, sizeof rep.started);
	iso_time(end, rep.finished, sizeof rep.finished);
	rep.duration_ms = end - r->job.started_ms;
	strlcpy_(rep.operator, r->job.operator, sizeof rep.operator);
	strlcpy_(rep.level, r->job.level, sizeof rep.level);
	strlcpy_(rep.model, ident->model, sizeof rep.model);
	strlcpy_(rep.serial, ident->serial, sizeof rep.serial);
	rep.resumed = r->job.resumed;
	strlcpy_(rep.tool, "svcmode " SVC_VERSION, sizeof rep.tool);
	if (store_begin(r->st, err) != 0)
		return -1;
	if ((rc = store_wipe_job_get(r->st, &now, err)) <= 0) {
		store_rollback(r->st);
		return rc < 0 ? -1 : 1;
	}
	sb_addf(&detail, "%s, %s, ", rep.preset, rep.method);
	if (store_wipe_count_each(r->st, 0, add_detail, &d, err) != 0 ||
	    store_wipe_finish(r->st, &rep, id, err) != 0)
		goto fail;
	sb_addf(&detail, "%s%lld bytes overwritten, verification %s, report %lld", d.n ? ", " : "",
		(long long)rep.bytes,
		strncmp(rep.verification, "passed", 6) == 0 ? "passed" : "FAILED", (long long)*id);
	if (device_audit(r->dev, "init", NULL, NULL, NULL, detail.buf, err) != 0 ||
	    store_commit(r->st, err) != 0)
		goto fail;
	sb_release(&detail);
	/* The commit left a few pages in the WAL and on the freelist (none
	 * with erased data: secure_delete is on): tidy up, best effort. */
	store_wipe_compact(r->st, NULL);
	progress(r, 1.0);
	return 0;
fail:
	store_rollback(r->st);
	sb_release(&detail);
	return -1;
}

static int
run_all(struct run *r, struct wipe_report **out, struct svc_err *err)
{
	int64_t id = 0;
	int rc = 0;

	r->preset = strcmp(r->job.preset, "all") == 0 ? WIPE_ALL : WIPE_SETTINGS_ONLY;
	r->t0 = now_ms();
	estimate(r);
	/* Every part is idempotent, so a resumed initialization runs them all
	 * again: what was already erased costs nothing and counts nothing. */
	for (int i = 0; wipe_parts[i].name && rc == 0; i++)
		if (in_preset(r, &wipe_parts[i]))
			rc = run_part(r, i, err);
	if (rc == 0)
		rc = finish(r, &id, err);
	if (rc < 0)
		return -1;
	/* rc == 1: another svcmode completed it; its report is the last one. */
	if (out && wipe_report_last(r->dev, out, err) != 0) {
		struct svc_err why = *err;

		/* Say what is true: the device is initialized. */
		return svc_errf(err, why.code,
				"the initialization is complete, but its report cannot be read: %s",
				why.msg);
	}
	return 0;
}

static int
check_confirm(struct device *dev, const char *confirm, struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;

	if (confirm == NULL)
		return svc_errf(err, EX_USAGE,
				"initialization erases data: confirm with the serial number of "
				"this device ('%s')",
				serial);
	if (strcmp(confirm, serial) != 0)
		return svc_errf(err, EX_NOPERM,
				"confirmation '%s' is not the serial number of this device; "
				"nothing was changed",
				confirm);
	return 0;
}

static int
read_method(struct device *dev, struct store_wipe_job *job, struct svc_err *err)
{
	int m;

	if (config_get_choice(dev, KEY_SYSTEM_INIT_ERASE_METHOD, &m, err) != 0 ||
	    config_get_bool(dev, KEY_SYSTEM_INIT_VERIFY, &job->verify, err) != 0)
		return -1;
	strlcpy_(job->method, methods[m].label, sizeof job->method);
	return 0;
}

static void
lock_path(struct device *dev, struct strbuf *path)
{
	sb_addf(path, "%s.wipe-lock", store_path(device_store(dev)));
}

/*
 * The running initialization holds STORE.wipe-lock for its whole run, so
 * that a command started meanwhile does not take its recorded intent for an
 * interrupted one and "resume" it alongside. Returns the locked descriptor,
 * or -1: EX_TEMPFAIL when another process holds it.
 */
static int
wipe_lock(struct device *dev, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT;
	int fd;

	lock_path(dev, &path);
	fd = fs_trylock(path.buf, true);
	if (fd == -2)
		svc_errf(err, EX_TEMPFAIL,
			 "an Initialize All Data/Settings is running in another svcmode; nothing "
			 "was done: try again when it has finished");
	else if (fd < 0)
		svc_errf(err, EX_CANTCREAT, "cannot lock '%s': %s", path.buf, strerror(errno));
	sb_release(&path);
	return fd < 0 ? -1 : fd;
}

/* The lock file goes with the lock: an initialization leaves nothing of
 * its own beside the store. */
static void
wipe_unlock(struct device *dev, int fd)
{
	struct strbuf path = STRBUF_INIT;

	lock_path(dev, &path);
	fs_unlock_remove(path.buf, fd);
	sb_release(&path);
}

static int run_locked(struct device *dev, enum wipe_preset preset, wipe_progress_fn fn, void *arg,
		      struct wipe_report **out, struct svc_err *err);

int
wipe_run(struct device *dev, enum wipe_preset preset, const char *confirm, wipe_progress_fn fn,
	 void *arg, struct wipe_report **out, struct svc_err *err)
{
	int fd, rc;

	if (out)
		*out = NULL;
	if (check_confirm(dev, confirm, err) != 0 ||
	    device_require(dev, DOOR_MANAGER | DOOR_SERVICE1, WIPE_WHAT, err) != 0)
		return -1;
	if ((fd = wipe_lock(dev, err)) < 0)
		return -1;
	rc = run_locked(dev, preset, fn, arg, out, err);
	wipe_unlock(dev, fd);
	return rc;
}

static int
run_locked(struct device *dev, enum wipe_preset preset, wipe_progress_fn fn, void *arg,
	   struct wipe_report **out, struct svc_err *err)
{
	struct run r = { .dev = dev, .st = device_store(dev), .fn = fn, .arg = arg };
	struct strbuf detail = STRBUF_INIT;

	if (read_method(dev, &r.job, err) != 0)
		return -1;
	strlcpy_(r.job.preset, wipe_preset_name(preset), sizeof r.job.preset);
	strlcpy_(r.job.operator, device_operator(dev), sizeof r.job.operator);
	strlcpy_(r.job.level, level_name(device_level(dev)), sizeof r.job.level);
	r.job.started_ms = now_ms();
	iso_time(r.job.started_ms, r.job.started, sizeof r.job.started);
	/* The intent, committed before anything is erased. */
	sb_addf(&detail, "%s, %s, verify %s", r.job.preset, r.job.method,
		r.job.verify ? "ON" : "OFF");
	if (store_begin(r.st, err) != 0)
		goto out;
	if (store_wipe_job_add(r.st, &r.job, err) != 0 ||
	    device_audit(dev, "init.start", NULL, NULL, NULL, detail.buf, err) != 0 ||
	    store_commit(r.st, err) != 0) {
		store_rollback(r.st);
		goto out;
	}
	sb_release(&detail);
	return run_all(&r, out, err);
out:
	sb_release(&detail);
	return -1;
}

int
wipe_pending(struct device *dev, struct strbuf *desc, struct svc_err *err)
{
	struct store_wipe_job job;
	int rc = store_wipe_job_get(device_store(dev), &job, err);

	if (rc == 1 && desc) {
		sb_reset(desc);
		sb_addf(desc, "%s, started %s by %s", job.preset, job.started, job.operator);
	}
	return rc;
}

static int resume_locked(struct device *dev, wipe_progress_fn fn, void *arg,
			 struct wipe_report **out, struct svc_err *err);

int
wipe_resume(struct device *dev, wipe_progress_fn fn, void *arg, struct wipe_report **out,
	    struct svc_err *err)
{
	int fd, rc;

	if (out)
		*out = NULL;
	/* A recorded intent whose run still holds the lock is not interrupted. */
	if ((fd = wipe_lock(dev, err)) < 0)
		return -1;
	rc = resume_locked(dev, fn, arg, out, err);
	wipe_unlock(dev, fd);
	return rc;
}

static int
resume_locked(struct device *dev, wipe_progress_fn fn, void *arg, struct wipe_report **out,
	      struct svc_err *err)
{
	struct run r = { .dev = dev, .st = device_store(dev), .fn = fn, .arg = arg };
	int rc;

	if (store_begin(r.st, err) != 0)
		return -1;
	if ((rc = store_wipe_job_get(r.st, &r.job, err)) <= 0) {
		store_rollback(r.st);
		if (rc == 0)
			return out ? wipe_report_last(dev, out, err) : 0;
		return -1;
	}
	r.job.resumed++;
	if (store_wipe_job_update(r.st, &r.job, err) != 0 ||
	    device_audit(dev, "init.resume", NULL, NULL, NULL,
			 "completing an interrupted initialization", err) != 0 ||
	    store_commit(r.st, err) != 0) {
		store_rollback(r.st);
		return -1;
	}
	return run_all(&r, out, err);
}

/* --- reports -------------------------------------------------------------- */

static int
add_kind(void *arg, const char *kind, int64_t n)
{
	struct wipe_report *w = arg;

	if (w->nkinds < ERASE_MAX_KINDS) {
		strlcpy_(w->kinds[w->nkinds].kind, kind, sizeof w->kinds[0].kind);
		w->kinds[w->nkinds++].n = n;
	}
	return 0;
}

int
wipe_report_last(struct device *dev, struct wipe_report **out, struct svc_err *err)
{
	struct wipe_report *w = xcalloc(1, sizeof *w);
	int rc = store_wipe_report_last(device_store(dev), &w->r, err);

	*out = NULL;
	if (rc == 0)
		svc_errf(err, EX_NOINPUT, "this device has not been initialized by svcmode yet");
	if (rc == 1 && store_wipe_count_each(device_store(dev), w->r.id, add_kind, w, err) == 0) {
		*out = w;
		return 0;
	}
	free(w);
	return -1;
}

bool
wipe_report_passed(const struct wipe_report *w)
{
	return strncmp(w->r.verification, "passed", 6) == 0;
}

void
wipe_report_free(struct wipe_report *w)
{
	free(w);
}

static void line(wipe_line_fn fn, void *arg, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
line(wipe_line_fn fn, void *arg, const char *label, const char *fmt, ...)
{
	char v[224], l[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	snprintf(l, sizeof l, "%-14s %s", label, v);
	fn(arg, l);
}

void
wipe_report_lines(const struct wipe_report *w, wipe_line_fn fn, void *arg)
{
	const struct store_wipe_report *r = &w->r;

	line(fn, arg, "report:", "%lld", (long long)r->id);
	line(fn, arg, "device:", "%s, serial %s", r->model, r->serial);
	line(fn, arg, "media:", "device store and document files");
	line(fn, arg, "scope:", "%s (%s)", r->preset, preset_scope(r->preset));
	line(fn, arg, "sanitization:", "Clear (NIST SP 800-88), overwrite");
	line(fn, arg, "method:", "%s", r->method);
	line(fn, arg, "verification:", "%s", r->verification);
	if (w->nkinds == 0)
		line(fn, arg, "erased:", "nothing (already at factory state)");
	for (int i = 0; i < w->nkinds; i++)
		line(fn, arg, i ? "" : "erased:", "%lld %s", (long long)w->kinds[i].n,
		     w->kinds[i].kind);
	line(fn, arg, "overwritten:", "%lld bytes", (long long)r->bytes);
	line(fn, arg, "started:", "%s", r->started);
	line(fn, arg, "finished:", "%s", r->finished);
	line(fn, arg, "duration:", "%lld.%03lld s", (long long)(r->duration_ms / 1000),
	     (long long)(r->duration_ms % 1000));
	line(fn, arg, "operator:", "%s (%s)", r->operator, r->level);
	if (r->resumed)
		line(fn, arg, "interrupted:", "%d time%s; completed at a later start", r->resumed,
		     r->resumed == 1 ? "" : "s");
	line(fn, arg, "tool:", "%s", r->tool);
}

struct jfields {
	struct strbuf *j;
	int n;
};

static void
jfield(void *arg, const char *name, const char *json)
{
	struct jfields *f = arg;

	sb_addf(f->j, "%s\n  ", f->n++ ? "," : "{");
	json_add_str(f->j, name);
	sb_addf(f->j, ": %s", json);
}

void
wipe_report_json(const struct wipe_report *w, struct strbuf *j)
{
	struct jfields f = { j, 0 };

	wipe_report_fields(w, jfield, &f);
	sb_adds(j, "\n}\n");
}

/* One field: NAME and its value V already written as JSON. */
static void
fstr(wipe_field_fn fn, void *arg, struct strbuf *v, const char *name, const char *s)
{
	sb_reset(v);
	json_add_str(v, s);
	fn(arg, name, v->buf);
}

static void
fint(wipe_field_fn fn, void *arg, struct strbuf *v, const char *name, int64_t n)
{
	sb_reset(v);
	sb_addf(v, "%lld", (long long)n);
	fn(arg, name, v->buf);
}

void
wipe_report_fields(const struct wipe_report *w, wipe_field_fn fn, void *arg)
{
	const struct store_wipe_report *r = &w->r;
	struct strbuf v = STRBUF_INIT;

	fint(fn, arg, &v, "id", r->id);
	fstr(fn, arg, &v, "model", r->model);
	fstr(fn, arg, &v, "serial", r->serial);
	fstr(fn, arg, &v, "preset", r->preset);
	fstr(fn, arg, &v, "sanitization", "clear");
	fstr(fn, arg, &v, "method", r->method);
	fn(arg, "verify", r->verify ? "true" : "false");
	fn(arg, "verified", wipe_report_passed(w) ? "true" : "false");
	fstr(fn, arg, &v, "verification", r->verification);
	sb_reset(&v);
	sb_adds(&v, "{");
	for (int i = 0; i < w->nkinds; i++) {
		sb_adds(&v, i ? ", " : "");
		json_add_str(&v, w->kinds[i].kind);
		sb_addf(&v, ": %lld", (long long)w->kinds[i].n);
	}
	sb_adds(&v, "}");
	fn(arg, "erased", v.buf);
	fint(fn, arg, &v, "bytes", r->bytes);
	fstr(fn, arg, &v, "started", r->started);
	fstr(fn, arg, &v, "finished", r->finished);
	fint(fn, arg, &v, "duration_ms", r->duration_ms);
	fstr(fn, arg, &v, "operator", r->operator);
	fstr(fn, arg, &v, "level", r->level);
	fint(fn, arg, &v, "resumed", r->resumed);
	fstr(fn, arg, &v, "tool", r->tool);
	sb_release(&v);
}

/* --- at start -------------------------------------------------------------- */

int
wipe_startup(struct device *dev, struct strbuf *note, struct svc_err *err)
{
	struct strbuf desc = STRBUF_INIT;
	struct wipe_report *r = NULL;
	int rc = wipe_pending(dev, &desc, err);

	if (rc <= 0)
		goto out;
	sb_addf(note, "svcmode: an initialization was interrupted (%s); completing it first\n",
		desc.buf);
	if ((rc = wipe_resume(dev, NULL, NULL, &r, err)) != 0) {
		char why[sizeof err->msg];

		if (err->code == EX_TEMPFAIL) {
			sb_reset(note); /* it was not interrupted: it is running */
			goto out;
		}
		strlcpy_(why, err->msg, sizeof why);
		svc_errf(err, err->code, "cannot complete the interrupted initialization: %s", why);
		goto out;
	}
	sb_addf(note,
		"svcmode: the interrupted initialization is complete (report %s; "
		"'svcmode init --report' shows it)\n",
		r ? "saved" : "missing");
	wipe_report_free(r);
out:
	sb_release(&desc);
	return rc < 0 ? -1 : 0;
}
