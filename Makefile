# pactdoc — build, demo, test, bench, install.
# `make demo` and `make test` install missing Debian packages first (as root).

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PYTHON   ?= /usr/bin/python3

PKGS      = libxml-2.0 libzip icu-uc icu-i18n json-c libcrypto
# libharu and libhyphen ship no pkg-config file on Debian 12.
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g \
              -DPACTDOC_VERSION='"$(VERSION)"' \
              -DPACTDOC_DATADIR='"$(PREFIX)/share/pactdoc"' \
              $(shell pkg-config --cflags $(PKGS))
LIBS      = $(shell pkg-config --libs $(PKGS)) -lhpdf -lhyphen -lpthread -lm

SRCS      = $(sort $(wildcard src/*.c))
LIB_SRCS  = $(filter-out src/main.c,$(SRCS))
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))

REL_DIR   = build/release
SAN_DIR   = build/asan
SAN_FLAGS = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

.PHONY: all deps demo test torture unit e2e bench install clean fonts check-fonts render-refs

all: build/pactdoc

deps:
	@./scripts/install-deps.sh

# --- release build -------------------------------------------------------
$(REL_DIR)/%.o: src/%.c $(wildcard src/*.h) | $(REL_DIR)
	$(CC) $(CFLAGS_BASE) -O2 -c $< -o $@

build/pactdoc: $(SRCS:src/%.c=$(REL_DIR)/%.o)
	$(CC) -o $@ $^ $(LIBS)

# --- sanitized build, used by every test ---------------------------------
$(SAN_DIR)/%.o: src/%.c $(wildcard src/*.h) | $(SAN_DIR)
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/pactdoc: $(SRCS:src/%.c=$(SAN_DIR)/%.o)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

$(SAN_DIR)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(LIB_SRCS:src/%.c=$(SAN_DIR)/%.o)
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -Isrc -o $@ $(filter %.c %.o,$^) $(LIBS) \
	    $(shell pkg-config --libs cmocka)

$(REL_DIR) $(SAN_DIR):
	mkdir -p $@

# --- allocation-failure shim (tests/alloc/), built with the release flags -
build/failmalloc.so: tests/alloc/failmalloc.c | $(REL_DIR)
	$(CC) $(CFLAGS_BASE) -O2 -fPIC -shared -o $@ $< -lpthread -ldl

# --- the sanitized binary whose own allocations can be failed (leak sweep)
WRAP_FLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
build/asan-wrap/pactdoc: $(SRCS:src/%.c=$(SAN_DIR)/%.o) tests/alloc/wrapmalloc.c
	mkdir -p build/asan-wrap
	$(CC) $(CFLAGS_BASE) $(SAN_FLAGS) -c tests/alloc/wrapmalloc.c -o build/asan-wrap/wrapmalloc.o
	$(CC) $(SAN_FLAGS) $(WRAP_FLAGS) -o $@ $(SRCS:src/%.c=$(SAN_DIR)/%.o) build/asan-wrap/wrapmalloc.o $(LIBS) -ldl

# --- the two commands ----------------------------------------------------
demo: deps build/pactdoc
	./scripts/demo.sh build/pactdoc

test: deps build/pactdoc build/failmalloc.so build/asan-wrap/pactdoc $(SAN_DIR)/pactdoc $(UNIT_SRCS:tests/unit/test_%.c=$(SAN_DIR)/test_%)
	PACTDOC=$(SAN_DIR)/pactdoc PACTDOC_RELEASE=build/pactdoc PYTHON=$(PYTHON) ./tests/run.sh

# --- torture: the whole allocation-failure sweep (make test runs a stride) -
torture: deps build/pactdoc build/failmalloc.so build/asan-wrap/pactdoc
	$(PYTHON) tests/alloc/sweep.py --binary build/pactdoc --shim build/failmalloc.so --stride 1
	$(PYTHON) tests/alloc/sweep.py --leaks --binary build/asan-wrap/pactdoc --stride 1

bench: deps build/pactdoc
	./scripts/bench.sh build/pactdoc

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
