# pactdoc — build, demo, test, bench, install.
# `make demo` and `make test` install missing Debian packages first (as root).

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PYTHON   ?= /usr/bin/python3

PKGS      = libxml-2.0 libzip icu-uc icu-i18n json-c libcrypto harfbuzz harfbuzz-subset \
            libdeflate
# libharu and libhyphen ship no pkg-config file on Debian 12.
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g \
              -DPACTDOC_VERSION='"$(VERSION)"' \
              -DPACTDOC_DATADIR='"$(PREFIX)/share/pactdoc"' \
              $(INCS) $(shell pkg-config --cflags $(PKGS))
LIBS      = $(shell pkg-config --libs $(PKGS)) -lhpdf -lhyphen -lpthread -lm

# src/ holds one folder per stage (src/README.md); each is on the include
# path, and tests/e2e/test_architecture.py checks that no file includes a
# header of a later stage.
SRCS      = $(sort $(wildcard src/*/*.c))
HDRS      = $(wildcard src/*/*.h)
INCS      = $(patsubst %/,-I%,$(sort $(dir $(SRCS) $(HDRS))))
LIB_SRCS  = $(filter-out src/cli/main.c,$(SRCS))
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))

# The sRGB ICC profile of the PDF/A output intent, computed by
# scripts/make-icc.py and compiled into the binary (src/pdf/icc.h).
GEN_SRC   = build/gen/srgb_icc.c

REL_DIR   = build/release
SAN_DIR   = build/asan
SAN_FLAGS = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

# libFuzzer harnesses (tests/fuzz/), built with clang into build/fuzz/.
FUZZ_CC      ?= clang
FUZZ_DIR      = build/fuzz
FUZZ_FLAGS    = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined
FUZZERS       = reader catalog form verify produce
FUZZ_BINS     = $(FUZZERS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_SECONDS ?= 60

.PHONY: all deps demo test unit e2e bench install clean fonts check-fonts render-refs js-deps fuzz bench-memory torture

all: build/pactdoc

deps:
	@./scripts/install-deps.sh

# --- release build -------------------------------------------------------
$(REL_DIR)/%.o: src/%.c $(HDRS) | $(REL_DIR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 -c $< -o $@

$(REL_DIR)/srgb_icc.o: $(GEN_SRC) src/pdf/icc.h | $(REL_DIR)
	$(CC) $(CFLAGS_BASE) -Isrc -O2 -c $< -o $@

build/pactdoc: $(SRCS:src/%.c=$(REL_DIR)/%.o) $(REL_DIR)/srgb_icc.o
	$(CC) -o $@ $^ $(LIBS)

# --- sanitized build, used by every test ---------------------------------
$(SAN_DIR)/%.o: src/%.c $(HDRS) | $(SAN_DIR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/srgb_icc.o: $(GEN_SRC) src/pdf/icc.h | $(SAN_DIR)
	$(CC) $(CFLAGS_BASE) -Isrc $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/pactdoc: $(SRCS:src/%.c=$(SAN_DIR)/%.o) $(SAN_DIR)/srgb_icc.o
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

$(SAN_DIR)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(LIB_SRCS:src/%.c=$(SAN_DIR)/%.o) $(SAN_DIR)/srgb_icc.o
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -Isrc -o $@ $(filter %.c %.o,$^) $(LIBS) \
	    $(shell pkg-config --libs cmocka)

# --- fuzzing: the library objects instrumented for libFuzzer ----------------
$(FUZZ_DIR)/%.o: src/%.c $(HDRS) | $(FUZZ_DIR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

.SECONDARY: $(LIB_SRCS:src/%.c=$(FUZZ_DIR)/%.o)

$(FUZZ_DIR)/srgb_icc.o: $(GEN_SRC) src/pdf/icc.h | $(FUZZ_DIR)
	$(FUZZ_CC) $(CFLAGS_BASE) -Isrc $(FUZZ_FLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_SRCS:src/%.c=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/srgb_icc.o
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -o $@ \
	    $(filter %.c %.o,$^) $(LIBS)

$(REL_DIR) $(SAN_DIR) $(FUZZ_DIR) build/gen:
	mkdir -p $@

# The profile's bytes as a C array (scripts/make-icc.py).
$(GEN_SRC): scripts/make-icc.py | build/gen
	$(PYTHON) scripts/make-icc.py $@.tmp
	mv $@.tmp $@

# --- allocation-failure shim (tests/alloc/), built with the release flags -
build/failmalloc.so: tests/alloc/failmalloc.c | $(REL_DIR)
	$(CC) $(CFLAGS_BASE) -O2 -fPIC -shared -o $@ $< -lpthread -ldl

# --- the sanitized binary whose own allocations can be failed (leak sweep)
WRAP_FLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
build/asan-wrap/pactdoc: $(SRCS:src/%.c=$(SAN_DIR)/%.o) $(SAN_DIR)/srgb_icc.o tests/alloc/wrapmalloc.c
	mkdir -p build/asan-wrap
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -c tests/alloc/wrapmalloc.c -o build/asan-wrap/wrapmalloc.o
	$(CC) $(SAN_FLAGS) $(WRAP_FLAGS) -o $@ $(SRCS:src/%.c=$(SAN_DIR)/%.o) $(SAN_DIR)/srgb_icc.o build/asan-wrap/wrapmalloc.o $(LIBS) -ldl

# --- the two commands ----------------------------------------------------
demo: deps build/pactdoc
	./scripts/demo.sh build/pactdoc

test: deps build/pactdoc build/failmalloc.so build/asan-wrap/pactdoc $(SAN_DIR)/pactdoc $(UNIT_SRCS:tests/unit/test_%.c=$(SAN_DIR)/test_%) js-deps $(FUZZ_BINS)
	PACTDOC=$(SAN_DIR)/pactdoc PACTDOC_RELEASE=build/pactdoc PYTHON=$(PYTHON) ./tests/run.sh

# Test-only npm packages (pdf.js, @signpdf), exactly as locked.
js-deps: tests/js/node_modules/.package-lock.json

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --omit=optional --no-audit --no-fund
	touch $@

# Runs each harness for FUZZ_SECONDS from the checked-in corpus (new
# inputs go to build/fuzz/corpus/, crashes to build/fuzz/crashes/), then
# replays tests/fuzz/regress/. `make test` runs the same for 15 s each.
fuzz: deps $(FUZZ_BINS)
	./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# --- torture: the whole allocation-failure sweep (make test runs a stride);
# run by hand, about 25–30 min on 2 cores, not in CI.
torture: deps build/pactdoc build/failmalloc.so build/asan-wrap/pactdoc
	$(PYTHON) tests/alloc/sweep.py --binary build/pactdoc --shim build/failmalloc.so --stride 1
	$(PYTHON) tests/alloc/sweep.py --leaks --binary build/asan-wrap/pactdoc --stride 1

bench: deps build/pactdoc build/bench_layout
	./build/bench_layout fonts
	./scripts/bench.sh build/pactdoc

# The layout stage alone, on the release objects (tests/bench/).
build/bench_layout: tests/bench/bench_layout.c $(LIB_SRCS:src/%.c=$(REL_DIR)/%.o) $(REL_DIR)/srgb_icc.o
	$(CC) $(CFLAGS_BASE) -O2 -Isrc -o $@ $^ $(LIBS)

bench-memory: deps build/pactdoc
	./scripts/bench-memory.sh build/pactdoc

# --- fonts: regenerate fonts/ from Debian's DejaVu (committed output) -----
fonts:
	$(PYTHON) scripts/build-fonts.py fonts

# --- render-refs: rewrite tests/data/render/*.png (test_render's reviewed
# references) after a deliberate change to the output; look before committing
render-refs: build/pactdoc
	PYTHON=$(PYTHON) ./scripts/render-refs.sh build/pactdoc

install: build/pactdoc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -d $(DESTDIR)$(PREFIX)/share/pactdoc
	install -m 755 build/pactdoc $(DESTDIR)$(PREFIX)/bin/pactdoc
	install -m 644 pactdoc.1 $(DESTDIR)$(PREFIX)/share/man/man1/pactdoc.1
	cp -R schema forms locales fonts $(DESTDIR)$(PREFIX)/share/pactdoc/

clean:
	rm -rf build out
