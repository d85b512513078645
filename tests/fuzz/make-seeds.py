#!/usr/bin/python3
"""Writes the fuzzing seed corpora into DIR/<harness>/ (default
build/fuzz/seeds): the sample records and the hostile corpus for the reader
and the produce harness, the shipped catalogues and forms (whole and cut
down), and small bundles and packages built here for the verifier. The
checked-in tests/fuzz/corpus/ is these seeds merged by libFuzzer
(tests/fuzz/run.sh --merge), keeping only inputs that add coverage.

    tests/fuzz/make-seeds.py [DIR]
"""
import glob
import hashlib
import os
import re
import shutil
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MAX_SEED = 16 << 10


def copy_small(pattern, out):
    for src in sorted(glob.glob(os.path.join(ROOT, pattern))):
        if os.path.getsize(src) <= MAX_SEED:
            shutil.copy(src, os.path.join(out, os.path.basename(src)))


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def records(out):
    copy_small("tests/data/samples/*.xml", out)
    copy_small("tests/data/hostile/*.xml", out)
    # One record per file: smaller inputs run faster.
    for src in sorted(glob.glob(os.path.join(ROOT, "tests/data/samples/*.xml"))):
        text = open(src, encoding="utf-8").read()
        head = text[:text.index("<application ")]
        apps = re.findall(r"<application .*?</application>", text, re.S)
        for i, app in enumerate(apps[:3]):
            write(out, "%s-%d.xml" % (os.path.basename(src)[:-4], i),
                  head + app + "\n</applications>\n")


def catalogs(out):
    en = open(os.path.join(ROOT, "locales/en.xlf"), encoding="utf-8").read()
    write(out, "en.xlf", en)
    units = re.findall(r"    <unit .*?</unit>\n", en, re.S)
    head = en[:en.index("  <file ")]
    write(out, "en-small.xlf", head + '  <file id="common">\n' +
          "".join(units[:3]) + "  </file>\n</xliff>\n")
    write(out, "en-empty.xlf", head + "</xliff>\n")


def forms(out):
    copy_small("forms/*.xml", out)


def bag(path, payload, top="pactdoc-2026-11-23/"):
    manifest = "".join("%s  data/%s\n" % (hashlib.sha512(d).hexdigest(), n)
                       for n, d in payload).encode()
    tags = [("bagit.txt",
             b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
            ("bag-info.txt", b"Bagging-Date: 2026-11-23\nPayload-Oxum: "
             b"%d.%d\n" % (sum(len(d) for _, d in payload), len(payload))),
            ("manifest-sha512.txt", manifest)]
    tagman = "".join("%s  %s\n" % (hashlib.sha512(d).hexdigest(), n)
                     for n, d in tags).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in tags + [("tagmanifest-sha512.txt", tagman)]:
            z.writestr(top + n, d)
        for n, d in payload:
            z.writestr(top + "data/" + n, d)


def package(path, files, top="LV-1/"):
    manifest = "".join("%s  %s\n" % (hashlib.sha256(d).hexdigest(), n)
                       for n, d in files).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(top + "manifest-sha256.txt", manifest)
        for n, d in files:
            z.writestr(top + n, d)


def zips(out):
    pdf = b"%PDF-1.7\n%%EOF\n"
    bag(os.path.join(out, "bag.zip"),
        [("documents/LV-1/a.pdf", pdf), ("records/r.xml", b"<a/>\n"),
         ("reports/r%25.json", b"{}\n")])
    bag(os.path.join(out, "bag-empty.zip"), [])
    package(os.path.join(out, "package.zip"),
            [("LV-1-declaration-lv.pdf", pdf),
             ("manifest.json", b'{"id": "LV-1"}\n')])
    with zipfile.ZipFile(os.path.join(out, "stored.zip"), "w") as z:
        z.writestr("x/manifest-sha256.txt", "%s  a\n" %
                   hashlib.sha256(b"a").hexdigest())
        z.writestr("x/a", b"a")
        i = zipfile.ZipInfo("x/link")
        i.external_attr = 0o120777 << 16
        z.writestr(i, b"/etc/passwd")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "build/fuzz/seeds")
    makers = {"reader": records, "produce": records, "catalog": catalogs,
              "form": forms, "verify": zips}
    for name, fn in makers.items():
        out = os.path.join(base, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        fn(out)


if __name__ == "__main__":
    main()
