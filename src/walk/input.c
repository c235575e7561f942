/* SPDX-License-Identifier: Apache-2.0 */
/* input.c: the walk's side of a run: the inputs turned into top-level items (a file, standard
 * input or a pipe, every file of a folder, with its expected digest and download records), and
 * the entry and byte budgets every walker counts against. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/str.h"
#include "walk/walk.h"

struct mv_item *
mv_item_new(const char *input, const char *path, const char *name, const char *fspath)
{
	struct mv_item *item = calloc(1, sizeof(*item));

	if (item == NULL)
		return NULL;
	item->top.input = input;
	item->top.path = mv_strdup(path);
	item->top.name = mv_strdup(name);
	item->fspath = fspath ? mv_strdup(fspath) : NULL;
	if (item->top.path == NULL || item->top.name == NULL || (fspath && item->fspath == NULL)) {
		mv_item_free(item);
		return NULL;
	}
	return item;
}

void
mv_item_free(struct mv_item *item)
{
	if (item == NULL)
		return;
	mv_entry_clear(&item->top);
	free(item->fspath);
	mv_expect_free(item->expect);
	free(item->expect);
	mv_oci_claims_free(item->oci);
	mv_findings_free(&item->walk);
	mv_findings_free(&item->raw);
	mv_findings_free(&item->sub);
	mv_recs_free(&item->members);
	free(item);
}

mv_status
mv_run_add_item(struct mv_run *run, struct mv_item *item)
{
	if (!mv_run_count_entry(run, item->top.path)) {
		mv_item_free(item);
		return MV_OK;
	}
	if (MV_ARRAY_RESERVE(run->items, run->itemcap, run->nitems + 1, SIZE_MAX) != 0) {
		mv_item_free(item);
		return MV_ERR_NOMEM;
	}
	item->run = run;
	if (item->top.type == MV_ENTRY_FILE)
		run->bytes_total += item->top.size;
	run->items[run->nitems++] = item;
	return MV_OK;
}

static void
run_finding(struct mv_run *run, enum mv_rule r, const char *path, const char *msg)
{
	pthread_mutex_lock(run->run_lock);
	mv_findings_add(&run->run_findings, r, path, -1, "%s", msg);
	pthread_mutex_unlock(run->run_lock);
}

int
mv_run_count_entry(struct mv_run *run, const char *path)
{
	uint64_t n = atomic_fetch_add(&run->entries, 1) + 1;

	if (n <= run->limit[MV_LIMIT_ENTRIES])
		return 1;
	if (atomic_exchange(&run->entries_flagged, 1) == 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "more than %llu entries (--max-entries); the rest is not "
		    "examined", (unsigned long long)run->limit[MV_LIMIT_ENTRIES]);
		run_finding(run, MV_R_LIMIT_ENTRIES_EXCEEDED, path, msg);
	}
	/* No new entries from here on; those counted already are still read to the end. */
	return 0;
}

int
mv_run_count_bytes(struct mv_run *run, uint64_t n, const char *path)
{
	uint64_t total = atomic_fetch_add(&run->bytes_out, n) + n;

	if (total <= run->limit[MV_LIMIT_BYTES])
		return 1;
	if (atomic_exchange(&run->bytes_flagged, 1) == 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "streams and archives gave more than %llu bytes "
		    "(--max-bytes); the rest is not examined",
		    (unsigned long long)run->limit[MV_LIMIT_BYTES]);
		run_finding(run, MV_R_LIMIT_BYTES_EXCEEDED, path, msg);
	}
	atomic_store(&run->stop, 1);
	return 0;
}

void
mv_run_start_clock(struct mv_run *run)
{
	clock_gettime(CLOCK_MONOTONIC, &run->deadline);
	run->deadline.tv_sec += (time_t)run->limit[MV_LIMIT_SECONDS];
}

int
mv_run_in_time(struct mv_run *run, const char *path)
{
	struct timespec now;

	if (run->limit[MV_LIMIT_SECONDS] == 0)
		return 1;
	if (atomic_load(&run->expired))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < run->deadline.tv_sec || (now.tv_sec == run->deadline.tv_sec &&
	    now.tv_nsec < run->deadline.tv_nsec))
		return 1;
	if (atomic_exchange(&run->expired, 1) == 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "the run took more than %llu s (--max-seconds); what was "
		    "not read by then is not examined",
		    (unsigned long long)run->limit[MV_LIMIT_SECONDS]);
		run_finding(run, MV_R_LIMIT_TIME_EXCEEDED, path, msg);
	}
	return 0;
}

int
mv_run_ms_left(const struct mv_run *run)
{
	struct timespec now;
	int64_t ms;

	if (run->limit[MV_LIMIT_SECONDS] == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(run->deadline.tv_sec - now.tv_sec) * 1000 +
	    (run->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* A folder: walked in order. A Hugging Face cache snapshot, or a folder in one, is a tree of
 * symlinks into <repo>/blobs: links are followed within the repository folder, and a whole
 * snapshot gets the repository's own checks. A folder hf download --local-dir wrote has its
 * files checked against their download records. */
static mv_status
add_dir(struct mv_run *run, const char *input)
{
	struct mv_dirwalk w = {.run = run, .input = input, .root = input};
	struct mv_hfloc loc;
	size_t first = run->nitems;
	int hf = 0;
	mv_status rc;

	memset(&loc, 0, sizeof(loc));
	if ((w.root_real = realpath(input, NULL)) == NULL)
		return mv_ctx_fail(run->ctx, MV_ERR_IO, "%s: %s", input, strerror(errno));
	if ((hf = mv_hf_locate(w.root_real, &loc)) < 0) {
		rc = MV_ERR_NOMEM;
		goto done;
	}
	if (hf) {
		w.link_root = mv_strdup(loc.repo_dir);
		w.blobs_real = mv_path_join(loc.repo_dir, "blobs");
		if (w.blobs_real == NULL) {
			rc = MV_ERR_NOMEM;
			goto done;
		}
	} else {
		w.link_root = mv_strdup(w.root_real);
	}
	w.follow = (run->flags & MV_RUN_FOLLOW_SYMLINKS) || hf;
	if (w.link_root == NULL) {
		rc = MV_ERR_NOMEM;
		goto done;
	}
	if (!hf && (rc = mv_hflocal_load(w.root_real, input, &w.hflocal)) != MV_OK)
		goto done;
	rc = mv_dir_walk(&w);
	if (rc == MV_OK)
		rc = mv_oci_check(run, input, first);
	if (rc == MV_OK && hf && loc.sub[0] == '\0')
		rc = mv_hf_repo_check(run, &loc, input, first, &run->run_findings);
	if (w.hflocal) {
		mv_status r2 = mv_hflocal_finish(w.hflocal, &run->run_findings);

		if (rc == MV_OK)
			rc = r2;
	}
done:
	mv_hf_loc_free(&loc);
	free(w.root_real);
	free(w.link_root);
	free(w.blobs_real);
	if (rc != MV_OK)
		return mv_ctx_fail(run->ctx, rc, "%s: %s", input, mv_strerror(rc));
	return MV_OK;
}

mv_status
mv_walk_remote(struct mv_run *run, const char *input, struct mv_remote *r)
{
	size_t first = run->nitems;
	mv_status st;

	for (size_t i = 0; i < r->n; i++) {
		const struct mv_remote_entry *e = &r->v[i];
		char *path = mv_asprintf("%s%s%s", input, r->sep ? r->sep : "/", e->name);
		struct mv_item *item = path ? mv_item_new(input, path, e->name, NULL) : NULL;
		struct mv_expect x;
		int k;

		free(path);
		if (item == NULL)
			return mv_ctx_fail(run->ctx, MV_ERR_NOMEM, "%s: out of memory", input);
		item->top.type = MV_ENTRY_FILE;
		item->top.size = e->mem ? e->memlen : e->size;
		item->mem = e->mem;
		item->memlen = e->memlen;
		if (e->mem == NULL) {
			item->remote = r;
			item->remote_i = i;
		}
		/* A blob is named by its digest, as in a layout on disk: checked on its read. */
		if ((k = mv_expect_from_blob(e->name, &x)) > 0 &&
		    (item->expect = malloc(sizeof(*item->expect))) != NULL)
			*item->expect = x;
		else if (k > 0)
			mv_expect_free(&x);
		if (k < 0 || (k > 0 && item->expect == NULL)) {
			mv_item_free(item);
			return mv_ctx_fail(run->ctx, MV_ERR_NOMEM, "%s: out of memory", input);
		}
		if ((st = mv_run_add_item(run, item)) != MV_OK)
			return mv_ctx_fail(run->ctx, st, "%s: %s", input, mv_strerror(st));
	}
	if (strcmp(r->layout, "oci") == 0 && (st = mv_oci_check_items(run, first)) != MV_OK)
		return mv_ctx_fail(run->ctx, st, "%s: %s", input, mv_strerror(st));
	return MV_OK;
}

/* A regular file given as an input: hashed and read whole, and when it is a tar holding an OCI
 * layout, its members added as the layout's items too (its archive walk is then not made). */
static mv_status
add_file(struct mv_run *run, const char *input, struct mv_item *item)
{
	struct mv_remote *r = NULL;
	mv_status st;

	if (!(run->flags & MV_RUN_NO_RECURSE) && run->limit[MV_LIMIT_DEPTH] >= 1 &&
	    (st = mv_ocitar_list(run, item, &r)) != MV_OK) {
		mv_item_free(item);
		return st;
	}
	if (r && MV_ARRAY_RESERVE(run->owned, run->ownedcap, run->nowned + 1, SIZE_MAX) != 0) {
		r->free(r);
		mv_item_free(item);
		return MV_ERR_NOMEM;
	}
	if (r) {
		run->owned[run->nowned++] = r;
		item->layout_tar = 1;
	}
	if ((st = mv_run_add_item(run, item)) != MV_OK)
		return st;
	return r ? mv_walk_remote(run, input, r) : MV_OK;
}

mv_status
mv_walk_input(struct mv_run *run, const char *input, int is_stdin)
{
	struct stat st;
	struct mv_item *item;

	/* Standard input is "-", or the name mv_ctx_set_stdin_name gave it. */
	if (is_stdin) {
		if ((item = mv_item_new(input, input, mv_base_name(input), NULL)) == NULL)
			return MV_ERR_NOMEM;
		item->top.type = MV_ENTRY_FILE;
		item->stream = 1;
		return mv_run_add_item(run, item);
	}
	if (stat(input, &st) != 0)
		return mv_ctx_fail(run->ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s",
		    input, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return add_dir(run, input);
	if ((item = mv_item_new(input, input, mv_base_name(input), input)) == NULL)
		return MV_ERR_NOMEM;
	item->top.type = MV_ENTRY_FILE;
	if (S_ISREG(st.st_mode)) {
		char *real = realpath(input, NULL);
		struct mv_expect e = {0};
		int r = 0;

		item->top.size = (uint64_t)st.st_size;
		/* The input itself was named by the user, so a symlink to it is followed; a blob
		 * it leads to (a file of a cache snapshot) is checked against its name. */
		if (real) {
			free(item->fspath);
			item->fspath = real;
			r = mv_expect_from_blob(real, &e);
		}
		if (r > 0 && (item->expect = malloc(sizeof(*item->expect))) != NULL)
			*item->expect = e;
		else if (r > 0)
			mv_expect_free(&e);
		if (r >= 0 && real && mv_hf_file_check(item, input, real) != MV_OK)
			r = -1;
		if (r < 0 || (r > 0 && item->expect == NULL)) {
			mv_item_free(item);
			return MV_ERR_NOMEM;
		}
		return add_file(run, input, item);
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		/* Process substitution and devices: read as a stream. */
		item->stream = 1;
	} else {
		mv_item_free(item);
		return mv_ctx_fail(run->ctx, MV_ERR_UNSUPPORTED, "%s: not a file or folder", input);
	}
	return mv_run_add_item(run, item);
}
