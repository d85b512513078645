#!/bin/sh
# Installs the Debian 12 packages pactdoc needs to build, test and run.
# A no-op when everything is present; needs root (apt-get) only when not.
set -eu

# Each package and why it is here (the README repeats this list).
PACKAGES="
build-essential    compiler and make
pkg-config         finds the libraries below
libhpdf-dev        libharu: writes the PDF documents
libdeflate-dev     deflates every PDF stream once (src/pdf/pack.c), about twice as fast as libharu's zlib
libxml2-dev        parses and validates the XML records (XSD)
libxml2-utils      tests validate forms/*.xml against forms/form.xsd (xmllint)
libzip-dev         writes and reads the ZIP packages and bundles
libicu-dev         Unicode: NFC, line breaking, bidi, Arabic shaping, CLDR dates and names
libhyphen-dev      hyphenation with the hyphen-* patterns
libharfbuzz-dev    HarfBuzz: shapes every run (GPOS kerning, mark anchors); hb-subset cuts the embedded fonts
hyphen-en-us       English hyphenation patterns
hyphen-lv          Latvian hyphenation patterns
hyphen-sv          Swedish hyphenation patterns
hyphen-bg          Bulgarian hyphenation patterns
hyphen-ca          Catalan hyphenation patterns (offered with es)
hyphen-cs          Czech hyphenation patterns
hyphen-da          Danish hyphenation patterns
hyphen-de          German hyphenation patterns
hyphen-el          Greek hyphenation patterns
hyphen-es          Spanish hyphenation patterns
hyphen-fr          French hyphenation patterns
hyphen-hr          Croatian hyphenation patterns (also used for bs)
hyphen-hu          Hungarian hyphenation patterns
hyphen-is          Icelandic hyphenation patterns
hyphen-it          Italian hyphenation patterns
hyphen-lt          Lithuanian hyphenation patterns
hyphen-nl          Dutch hyphenation patterns
hyphen-no          Norwegian hyphenation patterns (nb)
hyphen-pl          Polish hyphenation patterns
hyphen-pt-pt       Portuguese hyphenation patterns
hyphen-ro          Romanian hyphenation patterns
hyphen-ru          Russian hyphenation patterns
hyphen-sk          Slovak hyphenation patterns
hyphen-sl          Slovene hyphenation patterns
hyphen-sr          Serbian hyphenation patterns (Cyrillic and Latin)
hyphen-uk          Ukrainian hyphenation patterns
myspell-et         Estonian dictionary; ships the Estonian hyphenation patterns
libssl-dev         libcrypto: SHA-256 and SHA-512 digests
libjson-c-dev      writes the JSON run report
libcmocka-dev      unit tests
clang              builds the libFuzzer harnesses (tests/fuzz/, make fuzz, make test)
libclang-rt-14-dev clang's libFuzzer and sanitizer runtimes for those harnesses
python3            end-to-end tests and the font build script
python3-fonttools  prepares the shipped fonts (scripts/build-fonts.py)
fonts-dejavu-core  source of the shipped fonts
poppler-utils      tests read PDFs: pdftotext, pdffonts, pdfsig
qpdf               tests check PDF structure
mupdf-tools        tests render pages: mutool draw
libnss3-tools      tests make a throwaway signing certificate (certutil, pk12util)
openssl            tests make a throwaway signing certificate
unzip              tests check ZIPs with unzip -t
strace             tests check that results are flushed (fsync) before their rename
hyperfine          make bench times whole runs
time               make bench and tests read peak RSS (/usr/bin/time -v)
python3-pikepdf    tests check the PDF/A-2 and PDF/UA-1 rules (tests/e2e/archival.py)
python3-pil        tests read the output intent's ICC profile with lcms (PIL.ImageCms)
"
# node and npm run the test-only pdf.js and @signpdf checks (tests/js,
# installed by `make test` with npm ci). A node that is already there
# (for example from another repository) is kept.
if ! command -v npm >/dev/null 2>&1; then
	PACKAGES="$PACKAGES
nodejs             tests read PDFs with pdf.js and sign them with @signpdf
npm                installs tests/js/package-lock.json (npm ci)
"
fi

missing=""
for pkg in $(printf '%s\n' "$PACKAGES" | awk 'NF { print $1 }'); do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $pkg"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or: apt-get install$missing" >&2
	exit 1
fi

echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
