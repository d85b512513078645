/* array.h — growing arrays: one function that makes room in a
 * caller-owned array of fixed-size elements, with every size computation
 * checked for overflow. The caller keeps its own pointer, count and
 * capacity fields and indexes the array with its own element type. */
#ifndef PACTDOC_ARRAY_H
#define PACTDOC_ARRAY_H

#include <stddef.h>

/* The capacity, in elements, of an array's first allocation. */
#define ARRAY_MIN_CAP 16

/*
 * Makes room for `more` elements of `size` bytes after the first n of
 * items, whose allocation holds *cap elements (items may be NULL with
 * *cap 0). Returns items when it has room already; otherwise the array
 * moved by realloc to a capacity that at least doubles (from
 * ARRAY_MIN_CAP), with *cap set to it. The caller stores the result over
 * its pointer; the first n elements are kept, the new ones are not
 * initialised.
 *
 * Returns NULL, leaving items (still the caller's to free) and *cap
 * unchanged, when size is 0, when n + more elements would not fit in
 * size_t bytes, or when memory is exhausted. Never aborts.
 */
void *array_reserve(void *items, size_t size, size_t n, size_t more,
                    size_t *cap);

/* The same for arrays whose count and capacity are ints: returns NULL
 * also when n is negative, more is negative, or n + more would pass
 * INT_MAX, so that the caller's int count cannot overflow. */
void *array_reserve_int(void *items, size_t size, int n, int more, int *cap);

#endif
