/* sniff.c: format recognition by magic numbers and structure checks. */
#include "config.h"

#include <string.h>

#include "core/cursor.h"
#include "walk/sniff.h"

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

static int
starts(const unsigned char *p, size_t n, const void *magic, size_t m)
{
	return n >= m && memcmp(p, magic, m) == 0;
}

/* A ustar, GNU or v7 tar header: the magic at 257, or failing that a checksum that adds up
 * (v7 archives have no magic). */
static int
is_tar(const unsigned char *p, size_t n)
{
	unsigned long sum = 0, want = 0;
	int digits = 0;

	if (n < 512)
		return 0;
	if (memcmp(p + 257, "ustar", 5) == 0)
		return 1;
	/* The checksum field first: every file not a tar is sniffed, and most fail here,
	 * before the sum of the whole block. */
	for (int i = 148; i < 156; i++) {
		if (p[i] == ' ' || p[i] == '\0') {
			if (digits)
				break;
			continue;
		}
		if (p[i] < '0' || p[i] > '7')
			return 0;
		want = want * 8 + (unsigned long)(p[i] - '0');
		digits++;
	}
	/* An all-zero block sums to 256 with no digits: not a header. */
	if (digits == 0 || p[0] == '\0')
		return 0;
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	return sum == want;
}

/* safetensors: u64 header length N, then a JSON object. */
static int
is_safetensors(const unsigned char *p, size_t n, uint64_t size)
{
	uint64_t hlen;
	size_t i = 8;

	if (n < 10)
		return 0;
	hlen = mv_le64(p);
	if (hlen < 2 || hlen > 100000000 || (size != UINT64_MAX && hlen > size - 8))
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i < n && p[i] == '{';
}

/* Pickle protocol 2 to 5 opens with PROTO; protocols 0 and 1 are recognised by the
 * analysers, which parse a few opcodes before deciding. */
static int
is_pickle(const unsigned char *p, size_t n)
{
	return n >= 3 && p[0] == 0x80 && p[1] >= 2 && p[1] <= 5;
}

static int
is_json(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (starts(p, n, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
		i++;
	if (i >= n || (p[i] != '{' && p[i] != '['))
		return 0;
	/* The next non-space byte must be able to follow: a string, a close or a value. */
	for (i++; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r')
			continue;
		return p[i] == '"' || p[i] == '}' || p[i] == ']' || p[i] == '{' || p[i] == '[' ||
		    p[i] == '-' || (p[i] >= '0' && p[i] <= '9') || p[i] == 't' || p[i] == 'f' ||
		    p[i] == 'n';
	}
	return 0;
}

enum mv_format
mv_sniff(const unsigned char *p, size_t n, uint64_t size)
{
	if (starts(p, n, "PK\003\004", 4) || starts(p, n, "PK\005\006", 4) ||
	    starts(p, n, "PK\007\010", 4))
		return MV_FMT_ZIP;
	if (starts(p, n, "7z\xbc\xaf\x27\x1c", 6))
		return MV_FMT_7Z;
	if (starts(p, n, "\x1f\x8b", 2))
		return MV_FMT_GZIP;
	if (starts(p, n, "BZh", 3) && n >= 4 && p[3] >= '1' && p[3] <= '9')
		return MV_FMT_BZIP2;
	if (starts(p, n, "\xfd" "7zXZ\0", 6))
		return MV_FMT_XZ;
	if (starts(p, n, "\x28\xb5\x2f\xfd", 4))
		return MV_FMT_ZSTD;
	if (starts(p, n, "\x04\x22\x4d\x18", 4))
		return MV_FMT_LZ4;
	if (starts(p, n, "LZIP", 4))
		return MV_FMT_LZIP;
	if (starts(p, n, "\x1f\x9d", 2))
		return MV_FMT_COMPRESS;
	/* lzma-alone: properties byte, dictionary size, then a size that is -1 or sane. */
	if (n >= 13 && p[0] == 0x5d && p[1] == 0 && p[2] == 0 && (p[4] == 0 || p[4] == 1 ||
	    p[4] == 0x80) && (mv_le64(p + 5) == UINT64_MAX || mv_le64(p + 5) < (UINT64_C(1) << 48)))
		return MV_FMT_LZMA;
	if (starts(p, n, "Rar!\x1a\x07", 6))
		return MV_FMT_RAR;
	if (starts(p, n, "xar!", 4))
		return MV_FMT_XAR;
	if (starts(p, n, "MSCF\0\0\0\0", 8))
		return MV_FMT_CAB;
	if (starts(p, n, "!<arch>\n", 8))
		return MV_FMT_AR;
	if (starts(p, n, "070707", 6) || starts(p, n, "070701", 6) || starts(p, n, "070702", 6) ||
	    starts(p, n, "\xc7\x71", 2) || starts(p, n, "\x71\xc7", 2))
		return MV_FMT_CPIO;
	if (is_tar(p, n))
		return MV_FMT_TAR;
	if (starts(p, n, "GGUF", 4))
		return MV_FMT_GGUF;
	if (starts(p, n, "\x93NUMPY", 6))
		return MV_FMT_NPY;
	if (starts(p, n, "\x89HDF\r\n\x1a\n", 8))
		return MV_FMT_HDF5;
	if (starts(p, n, "\x7f" "ELF", 4))
		return MV_FMT_ELF;
	if (starts(p, n, "MZ", 2) && n >= 64 && mv_le32(p + 60) <= n - 4 &&
	    memcmp(p + mv_le32(p + 60), "PE\0\0", 4) == 0)
		return MV_FMT_PE;
	if (starts(p, n, "\xfe\xed\xfa\xce", 4) || starts(p, n, "\xfe\xed\xfa\xcf", 4) ||
	    starts(p, n, "\xce\xfa\xed\xfe", 4) || starts(p, n, "\xcf\xfa\xed\xfe", 4) ||
	    starts(p, n, "\xca\xfe\xba\xbe", 4))
		return MV_FMT_MACHO;
	if (starts(p, n, "#!", 2))
		return MV_FMT_SCRIPT;
	if (is_pickle(p, n))
		return MV_FMT_PICKLE;
	if (is_safetensors(p, n, size))
		return MV_FMT_SAFETENSORS;
	if (is_json(p, n))
		return MV_FMT_JSON;
	return MV_FMT_UNKNOWN;
}

int
mv_sniff_zip_tail(const unsigned char *tail, size_t n)
{
	/* The EOCD is 22 bytes plus a comment of up to 65535; search backwards. Every file's
	 * tail is searched, so the scan for 'P' is memrchr's (vectorised), not a byte loop. */
	size_t end;

	if (n < 22)
		return 0;
	for (end = n - 22 + 1; end > 0;) {
		const unsigned char *p = memrchr(tail, 'P', end);
		size_t i;

		if (p == NULL)
			return 0;
		i = (size_t)(p - tail);
		if (memcmp(p, "PK\005\006", 4) == 0 && (size_t)mv_le16(p + 20) == n - i - 22)
			return 1;
		end = i;
	}
	return 0;
}
