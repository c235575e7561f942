/* SPDX-License-Identifier: Apache-2.0 */
/* sniff.h: what a byte stream is, judged by its first bytes and never by its name. */
#ifndef MV_WALK_SNIFF_H
#define MV_WALK_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of an entry's start that the sniffer looks at (tar's magic sits at 257). */
#define MV_SNIFF_HEAD 4096

enum mv_format {
	MV_FMT_UNKNOWN = 0,
	/* Archives: walked member by member. */
	MV_FMT_ZIP,
	MV_FMT_TAR,
	MV_FMT_7Z,
	MV_FMT_CPIO,
	MV_FMT_AR,
	MV_FMT_RAR,
	MV_FMT_XAR,
	MV_FMT_CAB,
	/* Compressed streams: walked as an archive (a .tar.gz) or as one member (a .pkl.gz). */
	MV_FMT_GZIP,
	MV_FMT_BZIP2,
	MV_FMT_XZ,
	MV_FMT_LZMA,
	MV_FMT_ZSTD,
	MV_FMT_LZ4,
	MV_FMT_LZIP,
	MV_FMT_COMPRESS,
	/* Model and data formats (handed to the analysers). */
	MV_FMT_PICKLE,
	MV_FMT_SAFETENSORS,
	MV_FMT_GGUF,
	MV_FMT_NPY,
	MV_FMT_HDF5,
	MV_FMT_JSON,
	/* Executable content. */
	MV_FMT_ELF,
	MV_FMT_PE,
	MV_FMT_MACHO,
	MV_FMT_SCRIPT,
	MV_FMT__COUNT
};

/* The format of a stream from its first n bytes (n may be less than MV_SNIFF_HEAD when the
 * stream is shorter) and its total size, or UINT64_MAX when unknown. */
enum mv_format mv_sniff(const unsigned char *head, size_t n, uint64_t size);
/* True when the bytes end with a zip end-of-central-directory record; tail holds the last n
 * bytes of the stream. Catches zips with data prepended (self-extractors, polyglots). */
int mv_sniff_zip_tail(const unsigned char *tail, size_t n);
const char *mv_format_name(enum mv_format f);
/* Archives and compressed streams: the walker looks inside. */
int mv_format_is_container(enum mv_format f);
/* Containers that libarchive can read only with random access (central directories). */
int mv_format_needs_seek(enum mv_format f);

#endif
