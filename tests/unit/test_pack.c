/* test_pack.c — pack_pdf on a hand-written file in libharu's syntax:
 * streams deflated (XMP left plain), the small dictionaries packed, the
 * same bytes every time, and every truncated or corrupted input an error
 * with a message, never a crash or a file (run under ASan). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

/* The objects of the input, as libharu writes them (indirect /Length
 * after each stream, "stream\r\n", "\nendstream"). */
static const char *const objs[] = {
	"<<\n/Type /Catalog\n/Pages 2 0 R\n/Metadata 8 0 R\n"
	"/StructTreeRoot 6 0 R\n>>",
	"<<\n/Type /Pages\n/Kids [ 3 0 R ]\n/Count 1\n>>",
	"<<\n/Type /Page\n/Contents 4 0 R\n/Parent 2 0 R\n"
	"/MediaBox [ 0 0 595.276 841.89001 ]\n>>",
	"<<\n/Length 5 0 R\n>>\nstream\r\n"
	"BT /F0 12 Tf (a \\) b \\( c) Tj ET BT /F0 12 Tf (a \\) b) Tj ET"
	"\nendstream",
	"60",
	"<<\n/Type /StructTreeRoot\n/K [ 7 0 R ]\n>>",
	"<<\n/S /P\n/P 6 0 R\n/T <FEFF0041>\n/K [ 0 ]\n/A << /O /Layout >>\n>>",
	"<<\n/Length 9 0 R\n/Type /Metadata\n/Subtype /XML\n>>\nstream\r\n"
	"<x:xmpmeta>plain</x:xmpmeta>\nendstream",
	"28",
	"<<\n/Producer (Haru)\n/Title (t)\n>>",
	"<<\n/Length 12 0 R\n/Filter [ /FlateDecode ]\n>>\nstream\r\n"
	"ENCODED" "\nendstream",
	"7",
};
#define N_OBJS (sizeof objs / sizeof *objs)

/* Builds the whole input; the caller frees it. */
static char *make_input(size_t *len)
{
	size_t cap = 8192, n = 0, off[N_OBJS + 1];
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n, "%%PDF-1.7\n%%\xb7\xbe\xad\xaa\n");
	for (size_t i = 0; i < N_OBJS; i++) {
		off[i + 1] = n;
		n += (size_t)snprintf(s + n, cap - n, "%zu 0 obj\n%s\nendobj\n",
		                      i + 1, objs[i]);
	}
	size_t xref = n;
	n += (size_t)snprintf(s + n, cap - n, "xref\n0 %zu\n0000000000 65535 f\r\n",
	                      N_OBJS + 1);
	for (size_t i = 1; i <= N_OBJS; i++)
		n += (size_t)snprintf(s + n, cap - n, "%010zu 00000 n\r\n", off[i]);
	n += (size_t)snprintf(s + n, cap - n,
	                      "trailer\n<<\n/ID [ <00112233> <00112233> ]\n"
	                      "/Root 1 0 R\n/Info 10 0 R\n/Size %zu\n>>\n"
	                      "startxref\n%zu\n%%%%EOF\n", N_OBJS + 1, xref);
	assert_true(n < cap);
	*len = n;
	return s;
}

static int contains(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static void packs_and_keeps_what_signers_need(void **state)
{
	size_t len, olen;
	char *in = make_input(&len);
	unsigned char *out = NULL;
	struct pack_stats st;
	struct err e = { "" };

	(void)state;
	assert_int_equal(pack_pdf((unsigned char *)in, len, &out, &olen, &st, &e),
	                 0);
	/* StructTreeRoot and the StructElem packed; Length objects gone */
	assert_int_equal(st.packed, 2);
	assert_int_equal(st.deflated, 1);
	assert_int_equal(st.objects, 7 + 2 + 2);
	/* a stream libharu encoded is kept as it is, with its one /Filter */
	assert_true(contains(out, olen, "/Length 7\n/Filter [ /FlateDecode ]"
	                                "\n>>\nstream\nENCODED\nendstream"));
	assert_true(contains(out, olen, "/Type /ObjStm"));
	assert_true(contains(out, olen, "/XRefStm "));
	/* the XMP stays plain, the content does not */
	assert_true(contains(out, olen, "<x:xmpmeta>plain</x:xmpmeta>"));
	assert_false(contains(out, olen, "BT /F0 12 Tf"));
	/* table-only readers find the plain objects as they were */
	assert_true(contains(out, olen, "/Type /Catalog"));
	assert_true(contains(out, olen, "/Kids [ 3 0 R ]"));
	assert_false(contains(out, olen, "/Length 5 0 R"));
	assert_memory_equal(out, "%PDF-1.7\n%\xb7\xbe\xad\xaa\n", 15);
	assert_memory_equal(out + olen - 6, "%%EOF\n", 6);
	free(out);
	free(in);
}

static void same_bytes_twice(void **state)
{
	size_t len, l1, l2;
	char *in = make_input(&len);
	unsigned char *a = NULL, *b = NULL;
	struct err e = { "" };

	(void)state;
	assert_int_equal(pack_pdf((unsigned char *)in, len, &a, &l1, NULL, &e), 0);
	assert_int_equal(pack_pdf((unsigned char *)in, len, &b, &l2, NULL, &e), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	free(a);
	free(b);
	free(in);
}

/* Every truncation is refused with a message. */
static void truncated_input_is_an_error(void **state)
{
	size_t len, olen;
	char *in = make_input(&len);

	(void)state;
	for (size_t n = 0; n < len; n++) {
		unsigned char *cut = malloc(n ? n : 1), *out = (unsigned char *)1;
		struct err e = { "" };

		assert_non_null(cut);
		memcpy(cut, in, n);
		if (pack_pdf(cut, n, &out, &olen, NULL, &e) == 0) {
			/* only the final end of line may go */
			assert_true(n >= len - 1);
			free(out);
		} else {
			assert_null(out);
			assert_true(e.msg[0] != '\0');
		}
		free(cut);
	}
	free(in);
}

/* Every byte changed in turn: an error with a message or a file, never
 * a crash; a wrong stream length or a dangling reference is an error. */
static void corrupted_input_never_crashes(void **state)
{
	size_t len, olen;
	char *in = make_input(&len);
	static const char subst[] = { 'X', '0', '9', '(', ')', '<', '>', '/',
	                              ' ', '\\' };

	(void)state;
	for (size_t i = 0; i < len; i++)
		for (size_t k = 0; k < sizeof subst; k++) {
			unsigned char *bad = malloc(len), *out = NULL;
			struct err e = { "" };

			assert_non_null(bad);
			memcpy(bad, in, len);
			bad[i] = (unsigned char)subst[k];
			if (pack_pdf(bad, len, &out, &olen, NULL, &e) < 0)
				assert_true(e.msg[0] != '\0');
			free(out);
			free(bad);
		}
	free(in);
}

/* Replaces the first occurrence of from (same length) in s. */
static void patch(char *s, size_t len, const char *from, const char *to)
{
	size_t k = strlen(from);

	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(s + i, from, k) == 0) {
			memcpy(s + i, to, k);
			return;
		}
	fail_msg("%s not in the input", from);
}

static void wrong_length_or_reference_is_an_error(void **state)
{
	static const char *const cases[][2] = {
		{ "\n60\n", "\n61\n" },           /* stream length off by one */
		{ "\n28\n", "\n27\n" },
		{ "/K [ 7 0 R ]", "/K [ 5 0 R ]" }, /* a length object used */
		{ "/K [ 7 0 R ]", "/K [ 9 9 R ]" }, /* generation 9 */
		{ "/Pages 2 0 R", "/Pages 0 0 R" },
		{ "/Parent 2 0 R", "/Parent 99 0 R" },
		{ "startxref\n", "startxrex\n" },
	};

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		size_t len, olen;
		char *in = make_input(&len);
		unsigned char *out = NULL;
		struct err e = { "" };

		patch(in, len, cases[c][0], cases[c][1]);
		assert_int_equal(pack_pdf((unsigned char *)in, len, &out, &olen,
		                          NULL, &e), -1);
		assert_null(out);
		assert_non_null(strstr(e.msg, "pdf: "));
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packs_and_keeps_what_signers_need),
		cmocka_unit_test(same_bytes_twice),
		cmocka_unit_test(truncated_input_is_an_error),
		cmocka_unit_test(corrupted_input_never_crashes),
		cmocka_unit_test(wrong_length_or_reference_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
