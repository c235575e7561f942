/* SPDX-License-Identifier: Apache-2.0 */
/* jsonutil.c: jansson with a nesting bound and a duplicate-key report. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"

/* The deepest nesting of brackets outside strings; parsing stops counting past limit. */
static unsigned
depth_of(const unsigned char *p, size_t n, unsigned limit)
{
	unsigned d = 0, max = 0;
	int in_str = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++d > max)
				max = d;
			if (max > limit)
				return max;
		} else if ((c == '}' || c == ']') && d > 0) {
			d--;
		}
	}
	return max;
}

size_t
mv_json_values(const unsigned char *p, size_t n, size_t limit)
{
	size_t count = 1;
	int in_str = 0;

	for (size_t i = 0; i < n && count <= limit; i++) {
		unsigned char c = p[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[' || c == ',')
			count++;
	}
	return count;
}

mv_status
mv_json_load(const void *p, size_t n, unsigned max_depth, unsigned flags, json_t **out,
    int *dup, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j;

	*out = NULL;
	if (dup)
		*dup = 0;
	if (depth_of(p, n, max_depth) > max_depth) {
		snprintf(err, errlen, "nested more than %u deep", max_depth);
		return MV_ERR_LIMIT;
	}
	if (!(flags & MV_JSON_DUPLICATES_OK)) {
		j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
		if (j) {
			*out = j;
			return MV_OK;
		}
		if (json_error_code(&je) != json_error_duplicate_key) {
			snprintf(err, errlen, "%s at byte %d", je.text, je.position);
			return MV_ERR_FORMAT;
		}
		if (dup)
			*dup = 1;
		snprintf(err, errlen, "%s at byte %d", je.text, je.position);
	}
	j = json_loadb(p, n, 0, &je);
	if (j == NULL) {
		snprintf(err, errlen, "%s at byte %d", je.text, je.position);
		return MV_ERR_FORMAT;
	}
	*out = j;
	return MV_OK;
}

int
mv_json_extent(const unsigned char *p, size_t n, size_t *start, size_t *end)
{
	size_t i = 0;
	unsigned d = 0;
	int in_str = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	if (i >= n || (p[i] != '{' && p[i] != '['))
		return -1;
	*start = i;
	for (; i < n; i++) {
		unsigned char c = p[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			d++;
		} else if (c == '}' || c == ']') {
			if (d == 0)
				return -1;
			if (--d == 0) {
				*end = i + 1;
				return 0;
			}
		}
	}
	return -1;
}
