/* SPDX-License-Identifier: Apache-2.0 */
/* ocimeta.c: ModelPack's org.cncf.model.file.metadata+json, the file's tar header as JSON
 * ({"name","mode","uid","gid","size","mtime","typeflag"}), which modctl applies when it
 * unpacks a layer: a name, size or type that disagrees with the layer makes the unpacked file
 * another than the one scanned, and a setuid mode makes it run with its owner's rights. */
#include "config.h"

#include <string.h>

#include "core/finding.h"
#include "walk/ocimeta.h"
#include "walk/ocimodel.h"

#define META_KEY "org.cncf.model.file.metadata+json"

/* Tar typeflags: a regular file is '0', or NUL in old archives. */
#define TF_REG '0'
#define TF_OLDREG 0

static const char *
typeflag_name(json_int_t t)
{
	switch (t) {
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device";
	case '4': return "a block device";
	case '5': return "a folder";
	case '6': return "a FIFO";
	default: return "no regular file";
	}
}

/* A field present must have its type: a string for name and mtime, an integer for the
 * others (jansson reads JSON numbers without a fraction as integers). */
static const char *
bad_field(json_t *o)
{
	static const char *const ints[] = {"mode", "uid", "gid", "size", "typeflag"};
	static const char *const strs[] = {"name", "mtime"};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		json_t *v = json_object_get(o, ints[i]);

		if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
			return ints[i];
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		json_t *v = json_object_get(o, strs[i]);

		if (v && !json_is_string(v))
			return strs[i];
	}
	return NULL;
}

void
mv_ocimeta_check(struct mv_item *at, size_t k, json_t *desc, const char *path, int one_raw_file)
{
	json_t *ann = json_object_get(json_object_get(desc, "annotations"), META_KEY);
	json_t *o = NULL, *v;
	json_error_t jerr;
	const char *field, *name, *base;

	if (ann == NULL)
		return;
	if (!json_is_string(ann)) {
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu's " META_KEY " is not "
		    "a string", k);
		return;
	}
	o = json_loadb(json_string_value(ann), json_string_length(ann), JSON_REJECT_DUPLICATES,
	    &jerr);
	if (!json_is_object(o)) {
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu's " META_KEY " is not "
		    "a JSON object%s%.200s", k, o ? "" : ": ", o ? "" : jerr.text);
		goto done;
	}
	if ((field = bad_field(o)) != NULL) {
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu's " META_KEY " has a "
		    "\"%s\" of the wrong type", k, field);
		goto done;
	}
	if ((v = json_object_get(o, "mode")) && (json_integer_value(v) & 06000))
		mv_oci_report(at, MV_R_ARCHIVE_ENTRY_SETUID, "layer %zu's " META_KEY " gives the mode "
		    "0%llo: unpacked as it says, the file runs with its owner's rights", k,
		    (unsigned long long)json_integer_value(v));
	/* The name is the file's own, the last component of its path. */
	name = json_string_value(json_object_get(o, "name"));
	base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path;
	if (name && base && strcmp(name, base) != 0 && strcmp(name, path) != 0)
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu's " META_KEY " names the "
		    "file '%.200s', its " "org.cncf.model.filepath '%.200s'", k, name, path);
	if (!one_raw_file)
		goto done;       /* a tar's or a compressed layer's size is not the file's */
	if ((v = json_object_get(o, "typeflag")) && json_integer_value(v) != TF_REG &&
	    json_integer_value(v) != TF_OLDREG)
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu is one file, but its "
		    META_KEY " says %s (typeflag %lld): unpacked as it says, it is not the file "
		    "scanned", k, typeflag_name(json_integer_value(v)),
		    (long long)json_integer_value(v));
	if ((v = json_object_get(o, "size")) && json_is_integer(json_object_get(desc, "size")) &&
	    json_integer_value(v) != json_integer_value(json_object_get(desc, "size")))
		mv_oci_report(at, MV_R_OCI_MODEL_METADATA_INVALID, "layer %zu's " META_KEY " gives the "
		    "size %lld, the layer holds %lld bytes", k, (long long)json_integer_value(v),
		    (long long)json_integer_value(json_object_get(desc, "size")));
done:
	json_decref(o);
}
