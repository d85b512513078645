/* array.c — growing caller-owned arrays with checked sizes (see array.h). */
#include "array.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

/* array_reserve with a limit: the array may hold at most max elements
 * (max * size fits in size_t). Returns as array_reserve. */
static void *reserve(void *items, size_t size, size_t n, size_t more,
                     size_t *cap, size_t max)
{
	size_t need, ncap;
	void *p;

	if (n > max || more > max - n)
		return NULL;
	need = n + more;
	if (items != NULL && need <= *cap)
		return items;
	ncap = *cap > 0 && *cap <= max ? *cap : ARRAY_MIN_CAP;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > max)         /* ARRAY_MIN_CAP is past max */
		ncap = need > 0 ? need : 1;
	if ((p = realloc(items, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

void *array_reserve(void *items, size_t size, size_t n, size_t more,
                    size_t *cap)
{
	if (size == 0)
		return NULL;
	return reserve(items, size, n, more, cap, SIZE_MAX / size);
}

void *array_reserve_int(void *items, size_t size, int n, int more, int *cap)
{
	size_t max, ucap;
	void *p;

	if (size == 0 || n < 0 || more < 0 || *cap < 0)
		return NULL;
	max = SIZE_MAX / size < (size_t)INT_MAX ? SIZE_MAX / size
	                                         : (size_t)INT_MAX;
	ucap = (size_t)*cap;
	p = reserve(items, size, (size_t)n, (size_t)more, &ucap, max);
	if (p != NULL)
		*cap = (int)ucap;
	return p;
}
