/* SPDX-License-Identifier: Apache-2.0 */
/* pbwalk.h: a streaming walker over the protobuf wire format (ONNX, TensorFlow), driven by a
 * table of the fields worth looking into; everything else is skipped without buffering. */
#ifndef MV_SCAN_PBWALK_H
#define MV_SCAN_PBWALK_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "mavis.h"

enum mv_pb_action {
	MV_PB_SKIP = 0,   /* count the bytes and go on */
	MV_PB_ENTER,      /* the bytes are a message of type child: walk into it */
	MV_PB_KEEP        /* hand the bytes (up to keep_max of them) to ops->bytes */
};

/* One field of interest: message type msg (the caller's numbering; 0 is the top level),
 * field number num, length-delimited. Varint fields of a listed message all go to
 * ops->varint, whatever the table says. */
struct mv_pb_field {
	int msg;
	uint32_t num;
	enum mv_pb_action act;
	int child;
};

struct mv_pb_ops {
	void (*begin)(void *arg, int msg, uint64_t offset);
	void (*end)(void *arg, int msg);
	void (*varint)(void *arg, int msg, uint32_t num, uint64_t v);
	/* n bytes kept of a field of full_len bytes starting at offset. */
	void (*bytes)(void *arg, int msg, uint32_t num, const unsigned char *p, size_t n,
	    uint64_t full_len, uint64_t offset);
};

#define MV_PB_DEPTH_MAX 128

struct mv_pb {
	const struct mv_pb_field *tab;
	size_t ntab;
	const struct mv_pb_ops *ops;
	void *arg;
	size_t keep_max;
	unsigned depth_max;
	uint64_t size;               /* bytes in the stream, UINT64_MAX when unknown */
	uint64_t pos;
	struct {
		int msg;
		uint64_t end;
	} stack[MV_PB_DEPTH_MAX + 1];
	unsigned depth;              /* frames above the top level */
	int state;
	uint64_t acc;
	unsigned shift;
	uint32_t num;
	unsigned wire;
	uint64_t left;               /* bytes of the current field still to come */
	uint64_t full;               /* length of the kept field */
	uint64_t field_start;
	int keep_msg;
	struct mv_buf keep;
	uint64_t fields;             /* fields read, for the caller's statistics */
	int failed;
	uint64_t err_offset;
	char err[200];
};

/* Start a walk; depth_max is capped at MV_PB_DEPTH_MAX, size is the stream length when known. */
void mv_pb_init(struct mv_pb *pb, const struct mv_pb_field *tab, size_t ntab,
    const struct mv_pb_ops *ops, void *arg, size_t keep_max, unsigned depth_max,
    uint64_t size);
/* MV_ERR_FORMAT once the bytes are not valid wire format (pb->err says why, at
 * pb->err_offset); nothing more is read after that. */
mv_status mv_pb_feed(struct mv_pb *pb, const unsigned char *p, size_t n);
/* The stream ended: MV_ERR_FORMAT when it stopped inside a field or message. */
mv_status mv_pb_finish(struct mv_pb *pb);
void mv_pb_free(struct mv_pb *pb);

#endif
