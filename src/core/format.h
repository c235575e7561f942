/* SPDX-License-Identifier: Apache-2.0 */
/* format.h: the formats a stream can be, as the sniffer recognises them and the analysers,
 * the policy and the reports name them. */
#ifndef MV_CORE_FORMAT_H
#define MV_CORE_FORMAT_H

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

const char *mv_format_name(enum mv_format f);
/* Archives and compressed streams: the walker looks inside. */
int mv_format_is_container(enum mv_format f);
/* Containers that libarchive can read only with random access (central directories). */
int mv_format_needs_seek(enum mv_format f);

#endif
