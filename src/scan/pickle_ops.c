/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_ops.c: the opcodes of pickle protocols 0 to 5, and a quick judgement of whether
 * bytes start a pickle, by parsing its first opcodes without running them. */
#include "config.h"

#include <string.h>

#include "core/cursor.h"
#include "scan/pickle_int.h"

#define T OPF_TORCH
#define S OPF_STRUCT
#define B OPF_BYTES

/* fixed: the whole length of an opcode whose argument has a fixed size, else 0. */
#define OP(name, arg, size, flags, proto) \
	{name, arg, size, flags, proto, (arg) == A_NONE ? 1 : (arg) == A_FIXED ? 1 + (size) : 0}

const struct opinfo mv_pickle_ops[256] = {
	['('] = OP("MARK", A_NONE, 0, T | S, 0),
	['.'] = OP("STOP", A_NONE, 0, T | S, 0),
	['0'] = OP("POP", A_NONE, 0, 0, 0),
	['1'] = OP("POP_MARK", A_NONE, 0, 0, 1),
	['2'] = OP("DUP", A_NONE, 0, 0, 0),
	['F'] = OP("FLOAT", A_LINE, 0, 0, 0),
	['I'] = OP("INT", A_LINE, 0, 0, 0),
	['J'] = OP("BININT", A_FIXED, 4, T, 1),
	['K'] = OP("BININT1", A_FIXED, 1, T, 1),
	['L'] = OP("LONG", A_LINE, 0, 0, 0),
	['M'] = OP("BININT2", A_FIXED, 2, T, 1),
	['N'] = OP("NONE", A_NONE, 0, T, 0),
	['P'] = OP("PERSID", A_LINE, 0, 0, 0),
	['Q'] = OP("BINPERSID", A_NONE, 0, T, 1),
	['R'] = OP("REDUCE", A_NONE, 0, T | S, 0),
	['S'] = OP("STRING", A_LINE, 0, 0, 0),
	['T'] = OP("BINSTRING", A_LEN, 4, 0, 1),
	['U'] = OP("SHORT_BINSTRING", A_LEN, 1, T, 1),
	['V'] = OP("UNICODE", A_LINE, 0, 0, 0),
	['X'] = OP("BINUNICODE", A_LEN, 4, T, 1),
	['a'] = OP("APPEND", A_NONE, 0, T | S, 0),
	['b'] = OP("BUILD", A_NONE, 0, T | S, 0),
	['c'] = OP("GLOBAL", A_LINE2, 0, T | S, 0),
	['d'] = OP("DICT", A_NONE, 0, S, 0),
	['}'] = OP("EMPTY_DICT", A_NONE, 0, T | S, 1),
	['e'] = OP("APPENDS", A_NONE, 0, T | S, 1),
	['g'] = OP("GET", A_LINE, 0, S, 0),
	['h'] = OP("BINGET", A_FIXED, 1, T | S, 1),
	['i'] = OP("INST", A_LINE2, 0, S, 0),
	['j'] = OP("LONG_BINGET", A_FIXED, 4, T | S, 1),
	['l'] = OP("LIST", A_NONE, 0, S, 0),
	[']'] = OP("EMPTY_LIST", A_NONE, 0, T | S, 1),
	['o'] = OP("OBJ", A_NONE, 0, S, 1),
	['p'] = OP("PUT", A_LINE, 0, S, 0),
	['q'] = OP("BINPUT", A_FIXED, 1, T | S, 1),
	['r'] = OP("LONG_BINPUT", A_FIXED, 4, T | S, 1),
	['s'] = OP("SETITEM", A_NONE, 0, T | S, 0),
	['t'] = OP("TUPLE", A_NONE, 0, T | S, 0),
	[')'] = OP("EMPTY_TUPLE", A_NONE, 0, T | S, 1),
	['u'] = OP("SETITEMS", A_NONE, 0, T | S, 1),
	['G'] = OP("BINFLOAT", A_FIXED, 8, T, 1),
	[OP_PROTO] = OP("PROTO", A_FIXED, 1, T | S, 2),
	[OP_NEWOBJ] = OP("NEWOBJ", A_NONE, 0, T | S, 2),
	[OP_EXT1] = OP("EXT1", A_FIXED, 1, S, 2),
	[OP_EXT2] = OP("EXT2", A_FIXED, 2, S, 2),
	[OP_EXT4] = OP("EXT4", A_FIXED, 4, S, 2),
	[OP_TUPLE1] = OP("TUPLE1", A_NONE, 0, T | S, 2),
	[OP_TUPLE2] = OP("TUPLE2", A_NONE, 0, T | S, 2),
	[OP_TUPLE3] = OP("TUPLE3", A_NONE, 0, T | S, 2),
	[OP_NEWTRUE] = OP("NEWTRUE", A_NONE, 0, T, 2),
	[OP_NEWFALSE] = OP("NEWFALSE", A_NONE, 0, T, 2),
	[OP_LONG1] = OP("LONG1", A_LEN, 1, T | B, 2),
	[OP_LONG4] = OP("LONG4", A_LEN, 4, B, 2),
	['B'] = OP("BINBYTES", A_LEN, 4, B, 3),
	['C'] = OP("SHORT_BINBYTES", A_LEN, 1, B, 3),
	[OP_SHORT_BINUNICODE] = OP("SHORT_BINUNICODE", A_LEN, 1, 0, 4),
	[OP_BINUNICODE8] = OP("BINUNICODE8", A_LEN, 8, 0, 4),
	[OP_BINBYTES8] = OP("BINBYTES8", A_LEN, 8, B, 4),
	[OP_EMPTY_SET] = OP("EMPTY_SET", A_NONE, 0, S, 4),
	[OP_ADDITEMS] = OP("ADDITEMS", A_NONE, 0, S, 4),
	[OP_FROZENSET] = OP("FROZENSET", A_NONE, 0, S, 4),
	[OP_NEWOBJ_EX] = OP("NEWOBJ_EX", A_NONE, 0, S, 4),
	[OP_STACK_GLOBAL] = OP("STACK_GLOBAL", A_NONE, 0, S, 4),
	[OP_MEMOIZE] = OP("MEMOIZE", A_NONE, 0, S, 4),
	[OP_FRAME] = OP("FRAME", A_FIXED, 8, S, 4),
	[OP_BYTEARRAY8] = OP("BYTEARRAY8", A_LEN, 8, B, 5),
	[OP_NEXT_BUFFER] = OP("NEXT_BUFFER", A_NONE, 0, 0, 5),
	[OP_READONLY_BUFFER] = OP("READONLY_BUFFER", A_NONE, 0, 0, 5),
};

static int
is_namechar(unsigned char c)
{
	return c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* A line argument that the opcode can take: INT and friends want a number, GLOBAL a name,
 * STRING a quoted string. Lenient where CPython is (white space around numbers). */
static int
line_ok(uint8_t op, const unsigned char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (n && s[n - 1] == '\r')
		n--;
	switch (op) {
	case 'c':
	case 'i':
		if (n == 0 || n > 256)
			return 0;
		for (; i < n; i++)
			if (!is_namechar(s[i]))
				return 0;
		return 1;
	case 'S':
		return n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0];
	case 'F':
		for (; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' ||
			    s[i] == 'E' || s[i] == '-' || s[i] == '+' || s[i] == 'n' || s[i] == 'a' ||
			    s[i] == 'i' || s[i] == 'f' || s[i] == ' '))
				return 0;
		return n > 0;
	case 'I':
	case 'L':
	case 'g':
	case 'p':
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && (s[i] == '-' || s[i] == '+') && op != 'g' && op != 'p')
			i++;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			d++;
		if (op == 'L' && i < n && s[i] == 'L')
			i++;
		while (i < n && s[i] == ' ')
			i++;
		return d > 0 && i == n;
	default:
		return 1;
	}
}

/*
 * Parse opcodes from the start of p without running them: known opcodes, arguments of the
 * right form, a stack that never runs dry. Bytes are taken for a pickle when they hold three
 * opcodes of which two shape structure, a well-formed import, or a whole small stream; random
 * data and text rarely get that far.
 */
int
mv_pk_plausible(const unsigned char *p, size_t n, int final)
{
	size_t i = 0, ops = 0, structural = 0, imports = 0;
	long depth = 0, marks = 0;

	while (i < n) {
		uint8_t op = p[i];
		const struct opinfo *oi = &mv_pickle_ops[op];
		size_t need;

		if (oi->arg == A_BAD)
			return 0;
		if (op == 0x80 && i + 1 < n && p[i + 1] > 5)
			return 0;
		switch (oi->arg) {
		case A_NONE:
			need = 1;
			break;
		case A_FIXED:
			need = 1 + oi->size;
			break;
		case A_LEN: {
			uint64_t len;

			if (n - i < 1u + oi->size)
				return final ? 0 : -1;
			len = oi->size == 1 ? p[i + 1] : oi->size == 4 ? mv_le32(p + i + 1) :
			    mv_le64(p + i + 1);
			if (len > (UINT64_C(1) << 40))
				return 0;
			/* A payload beyond the window cannot be checked; what came before must do. */
			if (len > n - i - 1 - oi->size) {
				ops++;
				if (ops >= 3 && structural >= 2)
					return 1;
				return final ? (imports > 0 ? 1 : 0) : -1;
			}
			need = 1 + oi->size + (size_t)len;
			break;
		}
		case A_LINE:
		case A_LINE2: {
			const unsigned char *nl = memchr(p + i + 1, '\n', n - i - 1);
			const unsigned char *nl2 = NULL;

			if (nl == NULL)
				return final || n - i > 300 ? 0 : -1;
			if (!line_ok(op, p + i + 1, (size_t)(nl - p - i - 1)))
				return 0;
			need = (size_t)(nl - p - i) + 1;
			if (oi->arg == A_LINE2) {
				nl2 = memchr(nl + 1, '\n', (size_t)(p + n - nl - 1));
				if (nl2 == NULL)
					return final || n - i > 600 ? 0 : -1;
				if (!line_ok(op, nl + 1, (size_t)(nl2 - nl - 1)))
					return 0;
				need = (size_t)(nl2 - p - i) + 1;
			}
			break;
		}
		default:
			return 0;
		}
		if (need > n - i)
			return final ? 0 : -1;
		ops++;
		if (oi->flags & OPF_STRUCT)
			structural++;
		/* Stack effect, roughly: enough to reject bytes that pop what was never pushed. */
		switch (op) {
		case '(':
			marks++;
			break;
		case '.':
			return depth >= 1 && (ops >= 3 || (final && i + 1 == n)) ? 1 : 0;
		case '0': case 'R': case 'a': case 'b': case 0x81: case 0x86: case 0x93:
			depth--;
			break;
		case 's': case 0x87: case 0x92:
			depth -= 2;
			break;
		case 't': case 'l': case 'd': case 'e': case 'u': case 'o': case 'i': case '1':
		case 0x90: case 0x91:
			if (marks-- <= 0)
				return 0;
			if (op != 'e' && op != 'u' && op != 0x90 && op != '1')
				depth++;
			break;
		case 0x80: case 0x95: case 'q': case 'r': case 'p': case 0x94: case 'Q':
		case 0x85: case 0x98:
			break;
		default:
			depth++;
		}
		if (depth < 0)
			return 0;
		if (op == 'c' || op == 'i' || op == 0x93)
			imports++;
		if (ops >= 3 && structural >= 2 && (ops >= 6 || p[0] == 0x80 || imports > 0))
			return 1;
		i += need;
	}
	/* A well-formed import at the very end (a payload cut short) is worth reporting. */
	if (final)
		return imports > 0 ? 1 : 0;
	return -1;
}

int
mv_pickle_sniff(const unsigned char *p, size_t n, int final)
{
	return mv_pk_plausible(p, n, final);
}
