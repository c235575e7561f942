/* SPDX-License-Identifier: Apache-2.0 */
/* array.c: growing an array (core/array.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

int
mv_array_reserve(void **v, size_t *cap, size_t need, size_t size, size_t max, unsigned flags)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	if (need > max || size == 0 || need > SIZE_MAX / size)
		return -1;
	ncap = *cap < 16 ? 16 : *cap;
	while (ncap < need && ncap <= SIZE_MAX / 2)
		ncap *= 2;
	if (ncap < need)
		ncap = need;
	if (ncap > max)
		ncap = max;
	if (ncap > SIZE_MAX / size)
		ncap = SIZE_MAX / size;
	if ((nv = realloc(*v, ncap * size)) == NULL)
		return -1;
	if (flags & MV_ARRAY_ZERO)
		memset((char *)nv + *cap * size, 0, (ncap - *cap) * size);
	*v = nv;
	*cap = ncap;
	return 0;
}
