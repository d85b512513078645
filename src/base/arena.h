/* arena.h — a bump allocator for objects that all die together: memory is
 * carved from large blocks, single objects are never freed, and
 * arena_reset releases everything at once while keeping a bounded number
 * of blocks for the next use. Used for libharu's objects of one document
 * (pdf.c), so that a document costs a few block allocations instead of
 * thousands of malloc/free pairs.
 *
 * Under AddressSanitizer the unused part of each block, a red zone after
 * every allocation and everything released by arena_reset are poisoned,
 * so overflows and uses after reset are still reported. Not thread-safe:
 * one arena per thread. */
#ifndef PACTDOC_ARENA_H
#define PACTDOC_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *used;   /* blocks in use, newest first */
	struct arena_block *spare;  /* blocks kept by arena_reset */
	struct arena_block *big;    /* blocks of one large request each */
	size_t block_size;          /* usable bytes of an ordinary block */
	size_t keep;                /* most bytes of spare blocks kept */
	size_t in_use;              /* bytes handed out since the last reset */
	size_t peak;                /* largest in_use seen */
	size_t spare_bytes;         /* usable bytes of the spare blocks */
	size_t n_malloc;            /* blocks allocated since arena_init */
};

/* Default sizes: 64 KiB blocks (below glibc's mmap threshold), at most
 * 1 MiB of them kept between documents. */
#define ARENA_BLOCK_SIZE (64 * 1024)
#define ARENA_KEEP       (1024 * 1024)

/* Makes an empty arena; block_size 0 takes ARENA_BLOCK_SIZE, keep is the
 * most bytes of blocks arena_reset keeps for reuse. Allocates nothing. */
void arena_init(struct arena *a, size_t block_size, size_t keep);

/* Returns `size` bytes aligned to 16, valid until arena_reset or
 * arena_release, or NULL when out of memory (the arena stays usable). A
 * request larger than a quarter of a block gets a block of its own.
 * size 0 is treated as 1. */
void *arena_alloc(struct arena *a, size_t size);

/* Ends the life of every allocation: keeps ordinary blocks up to `keep`
 * bytes for reuse and frees the rest. */
void arena_reset(struct arena *a);

/* Frees every block; the arena is empty and may be used again. */
void arena_release(struct arena *a);

#endif
