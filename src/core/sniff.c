/* SPDX-License-Identifier: Apache-2.0 */
/* sniff.c: format recognition by magic numbers and structure checks. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "core/cursor.h"
#include "core/sniff.h"

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

/* The magic numbers of compressed streams and archives are 2 to 6 bytes: one raw weight file
 * in 65,536 begins with the two of gzip. Each format is taken only when every header field it
 * fixes holds, and (gzip) when its first block decodes, so that such a file stays data and a
 * benign model does not fail as a broken archive. A stream that is truncated after these
 * checks, or breaks later, is still a finding. */

/* gzip (RFC 1952): method 8, reserved flag bits zero, then deflate data that does not break
 * within the bytes at hand (random bytes fail a deflate block header or code almost at once). */
static int
is_gzip(const unsigned char *p, size_t n)
{
	unsigned char out[16384];
	z_stream z;
	size_t i = 10;
	int r, flg, rounds = 0;

	if (n < 10 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || (p[3] & 0xe0) != 0)
		return 0;
	flg = p[3];
	if (flg & 0x04) { /* FEXTRA: a 2-byte length, then that many bytes */
		if (n - i < 2)
			return 1;
		i += 2 + (size_t)mv_le16(p + i);
	}
	for (int f = 0x08; f <= 0x10; f <<= 1) { /* FNAME, FCOMMENT: NUL-terminated */
		if (!(flg & f))
			continue;
		while (i < n && p[i] != 0)
			i++;
		i++;
	}
	if (flg & 0x02) /* FHCRC */
		i += 2;
	if (i >= n)
		return 1; /* the header fills what we have: nothing to contradict it */
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return 1;
	z.next_in = (unsigned char *)(uintptr_t)(p + i);
	z.avail_in = (uInt)(n - i);
	/* Up to 1 MiB out: a few blocks are plenty to tell data from deflate. */
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK && z.avail_in > 0 && ++rounds < 64);
	inflateEnd(&z);
	return r != Z_DATA_ERROR && r != Z_STREAM_ERROR && r != Z_MEM_ERROR;
}

/* bzip2: "BZh", a block size '1'-'9', then a block magic (pi) or an end-of-stream magic
 * (sqrt pi, an empty stream). */
static int
is_bzip2(const unsigned char *p, size_t n)
{
	return n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
	    memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);
}

/* xz: the 12-byte stream header, its flags (a check type, the rest zero) under their CRC32. */
static int
is_xz(const unsigned char *p, size_t n)
{
	return n >= 12 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0 && p[6] == 0 &&
	    (p[7] & 0xf0) == 0 && crc32(0L, p + 6, 2) == mv_le32(p + 8);
}

/* zstd: frame header descriptor with its reserved bit clear, a window no larger than 2^31,
 * then a first block that is not of the reserved type and holds at most 128 KiB. */
static int
is_zstd(const unsigned char *p, size_t n)
{
	static const unsigned did_size[4] = {0, 1, 2, 4};
	unsigned fhd, single, fcs, i;
	uint32_t bh;

	if (n < 6 || memcmp(p, "\x28\xb5\x2f\xfd", 4) != 0)
		return 0;
	fhd = p[4];
	if (fhd & 0x08)
		return 0;
	single = (fhd >> 5) & 1;
	if (!single && (p[5] >> 3) > 21)
		return 0;
	fcs = fhd >> 6;
	i = 5 + !single + did_size[fhd & 3] + (fcs == 0 ? single : 1u << fcs);
	if (n < (size_t)i + 3)
		return 1; /* a file that ends in its frame header: a truncated stream */
	bh = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16;
	return ((bh >> 1) & 3) != 3 && (bh >> 3) <= 131072;
}

/* xxHash32 of a short buffer (seed 0): the lz4 frame header checksum. */
static uint32_t
rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static uint32_t
xxh32(const unsigned char *p, size_t n)
{
	static const uint32_t P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u,
	    P4 = 668265263u, P5 = 374761393u;
	uint32_t h = P5 + (uint32_t)n; /* the lz4 descriptor is under 16 bytes: no stripes */
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		h = rotl32(h + mv_le32(p + i) * P3, 17) * P4;
	for (; i < n; i++)
		h = rotl32(h + p[i] * P5, 11) * P1;
	h ^= h >> 15;
	h *= P2;
	h ^= h >> 13;
	h *= P3;
	h ^= h >> 16;
	return h;
}

/* lz4 frame: version 01, reserved bits zero, a block size of 64 KiB to 4 MiB, and the
 * descriptor's checksum byte. */
static int
is_lz4(const unsigned char *p, size_t n)
{
	size_t dlen;

	if (n < 7 || memcmp(p, "\x04\x22\x4d\x18", 4) != 0)
		return 0;
	if ((p[4] >> 6) != 1 || (p[4] & 0x02) || (p[5] & 0x8f) || ((p[5] >> 4) & 7) < 4)
		return 0;
	dlen = 2 + ((p[4] & 0x08) ? 8 : 0) + ((p[4] & 0x01) ? 4 : 0);
	if (n < 4 + dlen + 1)
		return 0;
	return ((xxh32(p + 4, dlen) >> 8) & 0xff) == p[4 + dlen];
}

/* 7z: the signature header, major version 0, and the CRC32 of its start header. */
static int
is_7z(const unsigned char *p, size_t n)
{
	return n >= 32 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0 && p[6] == 0 &&
	    crc32(0L, p + 12, 20) == mv_le32(p + 8);
}

/* compress (.Z): a maximum code size of 9 to 16 bits, reserved bits zero, and first codes that
 * LZW can decode: a literal, then each code at most the next free one (the 9-bit codes of the
 * first 32 entries, up to a CLEAR in block mode). */
static int
is_compress(const unsigned char *p, size_t n)
{
	unsigned next, block;

	if (n < 3 || p[0] != 0x1f || p[1] != 0x9d || (p[2] & 0x60) != 0 ||
	    (p[2] & 0x1f) < 9 || (p[2] & 0x1f) > 16)
		return 0;
	block = p[2] >> 7;
	next = block ? 257 : 256;
	for (size_t k = 0; k < 32 && 3 + (k * 9 + 16) / 8 < n; k++) {
		size_t bit = k * 9;
		unsigned code = ((unsigned)p[3 + bit / 8] | (unsigned)p[3 + bit / 8 + 1] << 8) >>
		    (bit % 8) & 0x1ff;

		if (k == 0 ? code > 255 : code > next)
			return 0;
		if (block && code == 256)
			break;
		if (k > 0)
			next++;
	}
	return 1;
}

static int
digits(const unsigned char *p, size_t n, int hex)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '7') || (hex && ((p[i] >= '8' && p[i] <= '9') ||
		    (p[i] >= 'A' && p[i] <= 'F') || (p[i] >= 'a' && p[i] <= 'f')))))
			return 0;
	return 1;
}

/* cpio: every header field in its digits (newc and crc: 13 fields of 8 hex digits; odc:
 * octal), or (binary) a file type in the mode (or none, the trailer) and a name that ends in
 * its NUL where its size says, within the bytes at hand. */
static int
is_cpio(const unsigned char *p, size_t n)
{
	size_t ns;
	unsigned mode, type;

	if (n >= 110 && (memcmp(p, "070701", 6) == 0 || memcmp(p, "070702", 6) == 0))
		return digits(p + 6, 104, 1);
	if (n >= 76 && memcmp(p, "070707", 6) == 0)
		return digits(p + 6, 70, 0);
	if (n >= 26 && (memcmp(p, "\xc7\x71", 2) == 0 || memcmp(p, "\x71\xc7", 2) == 0)) {
		ns = p[0] == 0xc7 ? mv_le16(p + 20) : (size_t)(p[20] << 8 | p[21]);
		mode = p[0] == 0xc7 ? mv_le16(p + 6) : (unsigned)(p[6] << 8 | p[7]);
		type = mode & 0170000;
		if (type != 0 && type != 0010000 && type != 0020000 && type != 0040000 &&
		    type != 0060000 && type != 0100000 && type != 0120000 && type != 0140000)
			return 0;
		return ns >= 2 && 26 + ns <= n && p[26 + ns - 1] == 0 &&
		    memchr(p + 26, 0, ns - 1) == NULL;
	}
	return 0;
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
	if (is_7z(p, n))
		return MV_FMT_7Z;
	if (is_gzip(p, n))
		return MV_FMT_GZIP;
	if (is_bzip2(p, n))
		return MV_FMT_BZIP2;
	if (is_xz(p, n))
		return MV_FMT_XZ;
	if (is_zstd(p, n))
		return MV_FMT_ZSTD;
	if (is_lz4(p, n))
		return MV_FMT_LZ4;
	if (starts(p, n, "LZIP", 4) && n >= 6 && p[4] <= 1)
		return MV_FMT_LZIP;
	if (is_compress(p, n))
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
	if (is_cpio(p, n))
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
