/* SPDX-License-Identifier: Apache-2.0 */
/* format.c: the names and kinds of the formats every stage speaks of. */
#include "config.h"

#include "core/format.h"

static const char *const names[MV_FMT__COUNT] = {
	[MV_FMT_UNKNOWN] = "data",
	[MV_FMT_ZIP] = "zip",
	[MV_FMT_TAR] = "tar",
	[MV_FMT_7Z] = "7z",
	[MV_FMT_CPIO] = "cpio",
	[MV_FMT_AR] = "ar",
	[MV_FMT_RAR] = "rar",
	[MV_FMT_XAR] = "xar",
	[MV_FMT_CAB] = "cab",
	[MV_FMT_GZIP] = "gzip",
	[MV_FMT_BZIP2] = "bzip2",
	[MV_FMT_XZ] = "xz",
	[MV_FMT_LZMA] = "lzma",
	[MV_FMT_ZSTD] = "zstd",
	[MV_FMT_LZ4] = "lz4",
	[MV_FMT_LZIP] = "lzip",
	[MV_FMT_COMPRESS] = "compress",
	[MV_FMT_PICKLE] = "pickle",
	[MV_FMT_SAFETENSORS] = "safetensors",
	[MV_FMT_GGUF] = "gguf",
	[MV_FMT_NPY] = "npy",
	[MV_FMT_HDF5] = "hdf5",
	[MV_FMT_JSON] = "json",
	[MV_FMT_ELF] = "elf",
	[MV_FMT_PE] = "pe",
	[MV_FMT_MACHO] = "macho",
	[MV_FMT_SCRIPT] = "script",
};

const char *
mv_format_name(enum mv_format f)
{
	return (unsigned)f < MV_FMT__COUNT ? names[f] : "data";
}

int
mv_format_is_container(enum mv_format f)
{
	return f >= MV_FMT_ZIP && f <= MV_FMT_COMPRESS;
}

int
mv_format_needs_seek(enum mv_format f)
{
	return f == MV_FMT_ZIP || f == MV_FMT_7Z || f == MV_FMT_RAR || f == MV_FMT_XAR ||
	    f == MV_FMT_CAB;
}
