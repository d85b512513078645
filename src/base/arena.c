/* arena.c — bump allocation from large blocks, released all at once (see
 * arena.h). Ordinary blocks are kept between resets up to a bound;
 * requests larger than a quarter of a block get a block of their own,
 * freed by the next reset. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

/* GCC says __SANITIZE_ADDRESS__, clang (the fuzzing build) __has_feature. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
/* Poisoned bytes after every allocation: an overflow lands in them. */
#define REDZONE 16
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE 0
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size;                /* usable bytes after the header */
	size_t used;                /* bytes handed out (with red zones) */
	unsigned char big;          /* a block of one large request */
	_Alignas(ALIGN) unsigned char data[];
};

static size_t round_up(size_t n)
{
	return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

void arena_init(struct arena *a, size_t block_size, size_t keep)
{
	a->used = NULL;
	a->spare = NULL;
	a->big = NULL;
	a->block_size = round_up(block_size ? block_size : ARENA_BLOCK_SIZE);
	a->keep = keep;
	a->in_use = 0;
	a->peak = 0;
	a->spare_bytes = 0;
	a->n_malloc = 0;
}

/* A new block of `size` usable bytes, all poisoned, or NULL. */
static struct arena_block *block_new(struct arena *a, size_t size, int big)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof *b)
		return NULL;
	b = malloc(sizeof *b + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	b->big = (unsigned char)big;
	a->n_malloc++;
	POISON(b->data, size);
	return b;
}

static void block_free(struct arena_block *b)
{
	UNPOISON(b->data, b->size);
	free(b);
}

/* Hands out `size` bytes from the start of b's free space. */
static void *carve(struct arena *a, struct arena_block *b, size_t size,
                   size_t step)
{
	void *p = b->data + b->used;

	b->used += step;
	UNPOISON(p, size);
	a->in_use += step;
	if (a->in_use > a->peak)
		a->peak = a->in_use;
	return p;
}

/* Serves a request too large for an ordinary block. */
static void *alloc_big(struct arena *a, size_t size, size_t step)
{
	struct arena_block *b = block_new(a, step, 1);

	if (b == NULL)
		return NULL;
	b->next = a->big;
	a->big = b;
	return carve(a, b, size, step);
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->used;
	size_t step;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX / 2)
		return NULL;
	step = round_up(size) + REDZONE;
	if (step > a->block_size / 4)
		return alloc_big(a, size, step);
	if (b == NULL || b->size - b->used < step) {
		if (a->spare != NULL) {
			b = a->spare;
			a->spare = b->next;
			a->spare_bytes -= b->size;
		} else {
			b = block_new(a, a->block_size, 0);
			if (b == NULL)
				return NULL;
		}
		b->next = a->used;
		a->used = b;
	}
	return carve(a, b, size, step);
}

void arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->used; b != NULL; b = next) {
		next = b->next;
		if (a->spare_bytes + b->size <= a->keep) {
			POISON(b->data, b->size);
			b->used = 0;
			b->next = a->spare;
			a->spare = b;
			a->spare_bytes += b->size;
		} else {
			block_free(b);
		}
	}
	for (b = a->big; b != NULL; b = next) {
		next = b->next;
		block_free(b);
	}
	a->used = NULL;
	a->big = NULL;
	a->in_use = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	arena_reset(a);
	for (b = a->spare; b != NULL; b = next) {
		next = b->next;
		block_free(b);
	}
	a->spare = NULL;
	a->spare_bytes = 0;
}
