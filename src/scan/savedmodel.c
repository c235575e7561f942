/* SPDX-License-Identifier: Apache-2.0 */
/* savedmodel.c: TensorFlow SavedModel graphs (saved_model.pb) searched for ops that touch
 * files, processes or the network, and Keras layer metadata (keras_metadata.pb). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/sigfile.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"
#include "scan/keras.h"
#include "scan/pbwalk.h"

#define DENY_FILE "tf-ops-deny.txt"

enum { S_TOP = 0, S_META, S_GRAPH, S_NODE, S_LIB, S_FUNC, S_OPDEF };

/* saved_model.proto, meta_graph.proto, graph.proto, node_def.proto, function.proto. */
static const struct mv_pb_field sm_fields[] = {
	{S_TOP, 2, MV_PB_ENTER, S_META},
	{S_META, 2, MV_PB_ENTER, S_GRAPH},
	{S_GRAPH, 1, MV_PB_ENTER, S_NODE},
	{S_GRAPH, 2, MV_PB_ENTER, S_LIB},
	{S_NODE, 1, MV_PB_KEEP, 0},
	{S_NODE, 2, MV_PB_KEEP, 0},
	{S_LIB, 1, MV_PB_ENTER, S_FUNC},
	{S_FUNC, 1, MV_PB_ENTER, S_OPDEF},
	{S_FUNC, 3, MV_PB_ENTER, S_NODE},
	{S_OPDEF, 1, MV_PB_KEEP, 0},
};

enum { K_TOP = 0, K_OBJ };

/* keras/protobuf/saved_metadata.proto: SavedMetadata.nodes(1) of SavedObject{node_path=3,
 * identifier=4, metadata=5}. */
static const struct mv_pb_field km_fields[] = {
	{K_TOP, 1, MV_PB_ENTER, K_OBJ},
	{K_OBJ, 3, MV_PB_KEEP, 0},
	{K_OBJ, 5, MV_PB_KEEP, 0},
};

#define NAME_MAX_KEEP 1024
/* Layer metadata JSON kept in memory, at most. */
#define META_MAX (64u << 20)

struct sm {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_pb pb;
	int keras;
	int failed;
	const struct mv_siglist *deny;
	char node[NAME_MAX_KEEP + 1], op[NAME_MAX_KEEP + 1], func[NAME_MAX_KEEP + 1];
	int in_func;
	uint64_t node_off;
	struct mv_strset seen;
	char path[NAME_MAX_KEEP + 1];
	unsigned char *meta;
	size_t metalen;
	uint64_t meta_off;
};

static void
copy_str(char *dst, size_t cap, const unsigned char *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void
sm_begin_msg(void *arg, int msg, uint64_t offset)
{
	struct sm *s = arg;

	if (s->keras) {
		if (msg == K_OBJ) {
			s->path[0] = '\0';
			free(s->meta);
			s->meta = NULL;
			s->metalen = 0;
		}
		return;
	}
	if (msg == S_NODE) {
		s->node[0] = s->op[0] = '\0';
		s->node_off = offset;
	} else if (msg == S_FUNC) {
		s->func[0] = '\0';
		s->in_func = 1;
	}
}

/* Checkpoint ops are how every SavedModel saves and restores its variables: they are only
 * suspicious outside the saver that TensorFlow generates. */
static int
in_saver(const struct sm *s)
{
	static const char *const ops_[] = {"Save", "SaveSlices", "SaveV2", "Restore",
	    "RestoreSlice", "RestoreV2", "MergeV2Checkpoints", NULL};
	int saver_op = 0;

	for (int i = 0; ops_[i]; i++)
		if (strcmp(s->op, ops_[i]) == 0)
			saver_op = 1;
	if (!saver_op)
		return 0;
	if (s->in_func)
		return strstr(s->func, "traced_save") != NULL ||
		    strstr(s->func, "traced_restore") != NULL;
	if (strncmp(s->node, "save/", 5) == 0)
		return 1;
	if (strncmp(s->node, "save_", 5) == 0) {
		const char *p = s->node + 5;

		while (*p >= '0' && *p <= '9')
			p++;
		return p > s->node + 5 && *p == '/';
	}
	return 0;
}

static void
node_end(struct sm *s)
{
	int found = 0;

	if (s->op[0] == '\0' || !mv_siglist_has(s->deny, s->op, strlen(s->op)) || in_saver(s))
		return;
	/* One finding per op and place; a graph can repeat an op thousands of times. */
	{
		char *key = mv_asprintf("%s\n%s", s->in_func ? s->func : "", s->op);

		if (key == NULL || mv_strset_add(&s->seen, key, strlen(key), &found) != MV_OK) {
			free(key);
			return;
		}
		free(key);
	}
	if (found)
		return;
	if (s->in_func)
		mv_report(&s->rep, MV_R_SAVEDMODEL_OP_DENIED, (int64_t)s->node_off,
		    "op '%s' (node '%s') in function '%s'", s->op, s->node, s->func);
	else
		mv_report(&s->rep, MV_R_SAVEDMODEL_OP_DENIED, (int64_t)s->node_off,
		    "op '%s' (node '%s') in the graph", s->op, s->node);
}

static void
meta_end(struct sm *s)
{
	json_t *root = NULL;
	char err[256];
	int dup = 0;

	if (s->meta == NULL)
		return;
	if (mv_json_load(s->meta, s->metalen, (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0, &root,
	    &dup, err, sizeof(err)) != MV_OK) {
		mv_report(&s->rep, MV_R_KERAS_CONFIG_INVALID, (int64_t)s->meta_off,
		    "layer metadata of '%s': %s", s->path, err);
		return;
	}
	if (json_is_object(root) && json_is_string(json_object_get(root, "class_name")))
		mv_keras_check(&s->rep, root, s->path[0] ? s->path : "keras_metadata",
		    (int64_t)s->meta_off);
	json_decref(root);
}

static void
sm_end_msg(void *arg, int msg)
{
	struct sm *s = arg;

	if (s->keras) {
		if (msg == K_OBJ)
			meta_end(s);
		return;
	}
	if (msg == S_NODE)
		node_end(s);
	else if (msg == S_FUNC)
		s->in_func = 0;
}

static void
sm_bytes(void *arg, int msg, uint32_t num, const unsigned char *p, size_t n, uint64_t full,
    uint64_t offset)
{
	struct sm *s = arg;

	if (s->keras) {
		if (msg != K_OBJ)
			return;
		if (num == 3) {
			copy_str(s->path, sizeof(s->path), p, n);
		} else if (num == 5) {
			if (full > n) {
				mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path,
				    (int64_t)offset, "layer metadata of %llu bytes is too large to check",
				    (unsigned long long)full);
				return;
			}
			free(s->meta);
			if ((s->meta = malloc(n ? n : 1)) != NULL) {
				memcpy(s->meta, p, n);
				s->metalen = n;
				s->meta_off = offset;
			}
		}
		return;
	}
	if (msg == S_NODE && num == 1)
		copy_str(s->node, sizeof(s->node), p, n);
	else if (msg == S_NODE && num == 2)
		copy_str(s->op, sizeof(s->op), p, n);
	else if (msg == S_OPDEF && num == 1)
		copy_str(s->func, sizeof(s->func), p, n);
}

static const struct mv_pb_ops ops = {sm_begin_msg, sm_end_msg, NULL, sm_bytes};

static int
sm_claim(const struct mv_actx *a)
{
	const char *base = mv_actx_base(a);

	return a->format == MV_FMT_UNKNOWN && (strcmp(base, "saved_model.pb") == 0 ||
	    strcmp(base, "keras_metadata.pb") == 0);
}

static void *
sm_begin(const struct mv_actx *a)
{
	struct sm *s = calloc(1, sizeof(*s));
	size_t keep;
	char err[512];

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->keras = strcmp(mv_actx_base(a), "keras_metadata.pb") == 0;
	mv_strset_init(&s->seen);
	if (!s->keras && mv_siglist_get(a->sigdir, DENY_FILE, &s->deny, err, sizeof(err)) !=
	    MV_OK)
		mv_findings_add(a->findings, MV_R_ANALYSIS_INCOMPLETE, a->path, -1,
		    "TensorFlow ops not checked: %s", err);
	keep = NAME_MAX_KEEP;
	if (s->keras)
		keep = a->limit[MV_LIMIT_HEADER] < META_MAX ? (size_t)a->limit[MV_LIMIT_HEADER] :
		    META_MAX;
	if (s->keras)
		mv_pb_init(&s->pb, km_fields, sizeof(km_fields) / sizeof(km_fields[0]), &ops, s,
		    keep, MV_PB_DEPTH_MAX, a->size);
	else
		mv_pb_init(&s->pb, sm_fields, sizeof(sm_fields) / sizeof(sm_fields[0]), &ops, s,
		    keep, MV_PB_DEPTH_MAX, a->size);
	return s;
}

static mv_status
sm_feed(void *state, const unsigned char *p, size_t n)
{
	struct sm *s = state;

	if (mv_pb_feed(&s->pb, p, n) != MV_OK) {
		s->failed = 1;
		return MV_ERR_FORMAT;
	}
	return MV_OK;
}

static void
sm_end(void *state, int complete)
{
	struct sm *s = state;

	if (!s->failed && complete && mv_pb_finish(&s->pb) != MV_OK)
		s->failed = 1;
	if (s->failed)
		mv_report(&s->rep, MV_R_SAVEDMODEL_PROTO_INVALID, (int64_t)s->pb.err_offset, "%s",
		    s->pb.err);
}

static void
sm_free(void *state)
{
	struct sm *s = state;

	mv_pb_free(&s->pb);
	mv_strset_free(&s->seen);
	free(s->meta);
	free(s);
}

const struct mv_analyser mv_analyser_savedmodel = {
	.name = "savedmodel",
	.claim = sm_claim,
	.begin = sm_begin,
	.feed = sm_feed,
	.end = sm_end,
	.free = sm_free,
};
