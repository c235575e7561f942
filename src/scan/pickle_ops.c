/* pickle_ops.c: the opcodes of pickle protocols 0 to 5, and a quick judgement of whether
 * bytes start a pickle, by parsing its first opcodes without running them. */
#include "config.h"

#include <string.h>

#include "core/cursor.h"
#include "scan/pickle_int.h"

#define T OPF_TORCH
#define S OPF_STRUCT
#define B OPF_BYTES

const struct opinfo mv_pickle_ops[256] = {
	['('] = {"MARK", A_NONE, 0, T | S, 0},
	['.'] = {"STOP", A_NONE, 0, T | S, 0},
	['0'] = {"POP", A_NONE, 0, 0, 0},
	['1'] = {"POP_MARK", A_NONE, 0, 0, 1},
	['2'] = {"DUP", A_NONE, 0, 0, 0},
	['F'] = {"FLOAT", A_LINE, 0, 0, 0},
	['I'] = {"INT", A_LINE, 0, 0, 0},
	['J'] = {"BININT", A_FIXED, 4, T, 1},
	['K'] = {"BININT1", A_FIXED, 1, T, 1},
	['L'] = {"LONG", A_LINE, 0, 0, 0},
	['M'] = {"BININT2", A_FIXED, 2, T, 1},
	['N'] = {"NONE", A_NONE, 0, T, 0},
	['P'] = {"PERSID", A_LINE, 0, 0, 0},
	['Q'] = {"BINPERSID", A_NONE, 0, T, 1},
	['R'] = {"REDUCE", A_NONE, 0, T | S, 0},
	['S'] = {"STRING", A_LINE, 0, 0, 0},
	['T'] = {"BINSTRING", A_LEN, 4, 0, 1},
	['U'] = {"SHORT_BINSTRING", A_LEN, 1, T, 1},
	['V'] = {"UNICODE", A_LINE, 0, 0, 0},
	['X'] = {"BINUNICODE", A_LEN, 4, T, 1},
	['a'] = {"APPEND", A_NONE, 0, T | S, 0},
	['b'] = {"BUILD", A_NONE, 0, T | S, 0},
	['c'] = {"GLOBAL", A_LINE2, 0, T | S, 0},
	['d'] = {"DICT", A_NONE, 0, S, 0},
	['}'] = {"EMPTY_DICT", A_NONE, 0, T | S, 1},
	['e'] = {"APPENDS", A_NONE, 0, T | S, 1},
	['g'] = {"GET", A_LINE, 0, S, 0},
	['h'] = {"BINGET", A_FIXED, 1, T | S, 1},
	['i'] = {"INST", A_LINE2, 0, S, 0},
	['j'] = {"LONG_BINGET", A_FIXED, 4, T | S, 1},
	['l'] = {"LIST", A_NONE, 0, S, 0},
	[']'] = {"EMPTY_LIST", A_NONE, 0, T | S, 1},
	['o'] = {"OBJ", A_NONE, 0, S, 1},
	['p'] = {"PUT", A_LINE, 0, S, 0},
	['q'] = {"BINPUT", A_FIXED, 1, T | S, 1},
	['r'] = {"LONG_BINPUT", A_FIXED, 4, T | S, 1},
	['s'] = {"SETITEM", A_NONE, 0, T | S, 0},
	['t'] = {"TUPLE", A_NONE, 0, T | S, 0},
	[')'] = {"EMPTY_TUPLE", A_NONE, 0, T | S, 1},
	['u'] = {"SETITEMS", A_NONE, 0, T | S, 1},
	['G'] = {"BINFLOAT", A_FIXED, 8, T, 1},
	[0x80] = {"PROTO", A_FIXED, 1, T | S, 2},
	[0x81] = {"NEWOBJ", A_NONE, 0, T | S, 2},
	[0x82] = {"EXT1", A_FIXED, 1, S, 2},
	[0x83] = {"EXT2", A_FIXED, 2, S, 2},
	[0x84] = {"EXT4", A_FIXED, 4, S, 2},
	[0x85] = {"TUPLE1", A_NONE, 0, T | S, 2},
	[0x86] = {"TUPLE2", A_NONE, 0, T | S, 2},
	[0x87] = {"TUPLE3", A_NONE, 0, T | S, 2},
	[0x88] = {"NEWTRUE", A_NONE, 0, T, 2},
	[0x89] = {"NEWFALSE", A_NONE, 0, T, 2},
	[0x8a] = {"LONG1", A_LEN, 1, T | B, 2},
	[0x8b] = {"LONG4", A_LEN, 4, B, 2},
	['B'] = {"BINBYTES", A_LEN, 4, B, 3},
	['C'] = {"SHORT_BINBYTES", A_LEN, 1, B, 3},
	[0x8c] = {"SHORT_BINUNICODE", A_LEN, 1, 0, 4},
	[0x8d] = {"BINUNICODE8", A_LEN, 8, 0, 4},
	[0x8e] = {"BINBYTES8", A_LEN, 8, B, 4},
	[0x8f] = {"EMPTY_SET", A_NONE, 0, S, 4},
	[0x90] = {"ADDITEMS", A_NONE, 0, S, 4},
	[0x91] = {"FROZENSET", A_NONE, 0, S, 4},
	[0x92] = {"NEWOBJ_EX", A_NONE, 0, S, 4},
	[0x93] = {"STACK_GLOBAL", A_NONE, 0, S, 4},
	[0x94] = {"MEMOIZE", A_NONE, 0, S, 4},
	[0x95] = {"FRAME", A_FIXED, 8, S, 4},
	[0x96] = {"BYTEARRAY8", A_LEN, 8, B, 5},
	[0x97] = {"NEXT_BUFFER", A_NONE, 0, 0, 5},
	[0x98] = {"READONLY_BUFFER", A_NONE, 0, 0, 5},
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
