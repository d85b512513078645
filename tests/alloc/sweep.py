#!/usr/bin/python3
"""Allocation-failure sweep: runs pactdoc once per chosen allocation with
the failmalloc.c shim making that allocation fail, and sorts every outcome
into a class. Good classes: "identical" (exit 0, every output byte-identical
to the reference run) and "oom" (exit 1 or 2, a message saying memory ran
out, nothing misleading, no temporary left, every file present equal to the
reference). Anything else is a defect and the sweep exits 1.

    sweep.py [--binary B] [--shim S] [--jobs J] [--stride K] [--keep]
             [--only generate,bundle,verify] [--at CMD:T:N]

Which allocations: `generate -j 1` on tests/data/samples makes about 600,000
allocations, too many to fail one by one (50 CPU hours), so for generate the
sweep fails the first allocation of every distinct call stack (8 frames;
about 4,400 of them) -- every place that allocates, reached the first time.
`bundle` and `verify` make about 10,000 and 6,800: every one is failed.
--stride K keeps every Kth of those lists (make test uses a stride; make
torture the whole lists).

--leaks: the same classes plus "leak", with build/asan-wrap/pactdoc
(ASan + LeakSanitizer; tests/alloc/wrapmalloc.c fails pactdoc's own
malloc/calloc/realloc/strdup/strndup calls, not the libraries'), failing
the first call from every call site of each command.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "tests", "data", "samples")
# The swept input: a few records of the samples that reach every stage and
# document kind (a coordinator's and a national coordinator's declaration
# and agreement under a countersignatory, a right-to-left supporter, an
# associated partner in a fallback language, the three-page offer of the
# single-application file, a skipped record). The whole samples make 3.2 M
# allocations and cost 4 CPU seconds a run (5,800 runs: 6 CPU hours);
# these make about 10 times fewer.
KEEP = {
    "01-coordinators.xml": ("LV-COORD-0042", "SE-NC-0011", "LT-COORD-0009"),
    "02-supporters.xml": ("JO-SUP-0001",),
    "03-associated-partners.xml": ("BR-AP-0001",),
    "04-single-application-long-offer.xml": None,    # the whole file
}


def sweep_input(work):
    """A folder holding the records of KEEP (file heads kept: batch,
    countersignatory); returns its path."""
    d = os.path.join(work, "samples")
    os.makedirs(d)
    for name, ids in KEEP.items():
        with open(os.path.join(SAMPLES, name), encoding="utf-8") as f:
            text = f.read()
        if ids is not None:
            apps = re.findall(r'\n  <application id="([^"]+)".*?</application>\n',
                              text, flags=re.S)
            assert set(ids) <= set(apps), (name, ids)
            text = re.sub(r'\n  <application id="([^"]+)".*?</application>\n',
                          lambda m: m.group(0) if m.group(1) in ids else "\n",
                          text, flags=re.S)
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    return d
DATE = "2026-11-23"
TIMEOUT = 60

# A message that says memory ran out (pactdoc's own wording, or a library's
# passed through).
OOM = re.compile(r"out of memory|malloc failure|cannot allocate memory|"
                 r"insufficient memory",
                 re.IGNORECASE)
# A line of the stack the shim prints (backtrace_symbols_fd).
TRACE = re.compile(r"^\S*\(\S*\)\[0x[0-9a-f]+\]$")
# Messages that blame the input or the archive for what was a lack of memory.
MISLEADING = re.compile(
    r"not valid UTF-8|rejected|not a ZIP|truncated|mismatch|missing|"
    r"not well-formed|no such file|invalid|extra file|not listed|skipped",
    re.IGNORECASE)


def commands(work, ref):
    """The three commands, each as (name, argv builder, output dir)."""
    samples = sweep_input(work)
    gen_ref = os.path.join(ref, "generate", "out")
    arch_ref = os.path.join(ref, "bundle", "arch")
    return {
        "generate": lambda d: ["generate", "-q", "-j", "1", "--date", DATE,
                               "-o", "out", "--report", "out/report.json",
                               samples],
        "bundle": lambda d: ["bundle", "-q", "--date", DATE, "-o", "arch",
                             gen_ref, samples],
        "verify": lambda d: ["verify",
                             os.path.join(arch_ref, "pactdoc-%s.zip" % DATE),
                             os.path.join(gen_ref, "packages",
                                          "countersign-%s.zip" % DATE),
                             os.path.join(gen_ref, "packages",
                                          "SE-COORD-0107.zip")],
    }


CACHE_DIR = [None]   # set by main: the sweep's private cache folder


def run(binary, shim, argv, cwd, at=None, extra=None):
    env = dict(os.environ)
    if shim:
        env["LD_PRELOAD"] = shim
    else:   # the leak sweep: build/asan-wrap/pactdoc fails its own calls
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    env["TZ"] = "UTC"
    env["PACTDOC_DATADIR"] = ROOT   # the binary is a copy elsewhere
    # A private hyphenation cache, filled before the references (main),
    # so that every run makes the same allocations.
    env["PACTDOC_CACHE_DIR"] = CACHE_DIR[0]
    env.pop("PACTDOC_NO_CACHE", None)
    env["PACTDOC_FAIL_BACKTRACE"] = "1"
    env.pop("PACTDOC_FAIL_AT", None)
    if at is not None:
        env["PACTDOC_FAIL_AT"] = "%d:%d" % at
        # The stack of the failed allocation, kept with a defect: past
        # the start of the worker, the main thread's count depends on
        # when the worker's records come back, so N alone may not find
        # the same allocation again.
        env["PACTDOC_FAIL_TRACE"] = "1"
    if extra:
        env.update(extra)
    try:
        p = subprocess.run([binary, *argv], cwd=cwd, env=env,
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""
    return p.returncode, p.stdout, p.stderr


def tree(d):
    """{relative path: bytes} of every file under d (hidden ones included)."""
    out = {}
    for top, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(top, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def reference(binary, shim, name, argv, ref):
    """Runs the command once without failure; returns (stdout, tree,
    list of (T, N) to fail)."""
    d = os.path.join(ref, name)
    os.makedirs(d)
    sites = os.path.join(ref, name + ".sites")
    counts = os.path.join(ref, name + ".counts")
    rc, out, err = run(binary, shim, argv, d,
                       extra={"PACTDOC_FAIL_SITES": sites,
                              "PACTDOC_FAIL_COUNT": counts})
    if rc != 0:
        sys.exit("sweep: reference %s failed (%s): %s"
                 % (name, rc, err.decode(errors="replace")))
    if name == "generate" or not shim:
        points = []
        with open(sites) as f:
            for line in f:
                t, n, _ = line.split()
                points.append((int(t), int(n)))
    else:
        points = []
        with open(counts) as f:
            for line in f:
                t, n = line.split()
                points += [(int(t), i) for i in range(1, int(n) + 1)]
    return out, tree(d), sorted(points)


def classify(rc, out, err, got, ref_out, ref_tree):
    """Returns (class, detail). Good classes: identical, oom."""
    text = err.decode(errors="replace")
    if rc is not None and 0 <= rc <= 2:   # the shim's stack lines aside
        text = "\n".join(l for l in text.splitlines() if not TRACE.match(l))
    if rc is None:
        return "hang", "timeout %d s" % TIMEOUT
    if "LeakSanitizer" in text:
        return "leak", text[text.index("LeakSanitizer"):][:1500]
    if "AddressSanitizer" in text or "runtime error" in text:
        return "crash", text[-1500:]
    if rc < 0 or rc > 2:
        return "crash", "exit %d: %s" % (rc, text[-1500:])
    temps = [p for p in got if p not in ref_tree]
    if temps:
        return "leftover", ", ".join(sorted(temps)[:3])
    if rc == 0:
        diff = sorted(p for p in ref_tree if got.get(p) != ref_tree[p])
        if diff:
            return "wrong-exit0", ", ".join(diff[:3])
        if out != ref_out:
            return "wrong-exit0", "stdout differs"
        return "identical", ""
    ref_lines = set(ref_out.decode(errors="replace").splitlines())
    new = text.splitlines() + [l for l in out.decode(errors="replace").splitlines()
                               if l not in ref_lines]
    if not any(OOM.search(l) for l in new):
        return "no-oom-message", "exit %d: %s" % (rc, " | ".join(new)[-300:])
    lines = [l for l in new if MISLEADING.search(l) and not OOM.search(l)]
    if lines:
        return "misleading", "exit %d: %s" % (rc, lines[0][:300])
    diff = sorted(p for p in got if p != "out/report.json" and got[p] != ref_tree[p])
    if diff:
        return "differing-file", ", ".join(diff[:3])
    if "out/report.json" in got:
        try:
            json.loads(got["out/report.json"])
        except ValueError:
            return "differing-file", "out/report.json is not JSON"
    return "oom", ""


def one(binary, shim, name, argv, at, work, ref_out, ref_tree, keep):
    d = tempfile.mkdtemp(prefix="%s-%d-%d-" % (name, at[0], at[1]), dir=work)
    rc, out, err = run(binary, shim, argv, d, at=at)
    got = tree(d)
    cls, detail = classify(rc, out, err, got, ref_out, ref_tree)
    if not keep or cls in ("identical", "oom"):
        shutil.rmtree(d, ignore_errors=True)
    else:
        for what, data in (("stdout", out), ("stderr", err)):
            with open(os.path.join(d, "sweep-" + what), "wb") as f:
                f.write(data)
    return name, at, cls, detail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pactdoc"))
    ap.add_argument("--shim", default=os.path.join(ROOT, "build", "failmalloc.so"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--only", default="generate,bundle,verify")
    ap.add_argument("--thread", type=int, default=None,
                    help="keep only the allocations of thread T")
    ap.add_argument("--at", action="append", default=[],
                    help="CMD:T:N, fail only these (repeatable)")
    ap.add_argument("--leaks", action="store_true",
                    help="run build/asan-wrap/pactdoc (ASan, LeakSanitizer) "
                         "failing the first call of each of pactdoc's own "
                         "allocation sites, without the shim")
    ap.add_argument("--keep", action="store_true",
                    help="keep the directories of defective runs")
    a = ap.parse_args()
    # On a tmpfs when there is one: generate syncs every file it writes,
    # which on a disk would cost more than the runs themselves.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="pactdoc-alloc-",
                            dir=os.environ.get("TMPDIR", shm))
    if a.leaks:
        if a.binary == ap.get_default("binary"):
            a.binary = os.path.join(ROOT, "build", "asan-wrap", "pactdoc")
        a.shim = None
    # Copies, so that a rebuild during the sweep does not change them.
    for name in ("binary", "shim") if not a.leaks else ("binary",):
        copy = os.path.join(work, os.path.basename(getattr(a, name)))
        shutil.copy2(getattr(a, name), copy)
        setattr(a, name, copy)
    binary, shim = a.binary, a.shim
    ref = os.path.join(work, "ref")
    cmds = commands(work, ref)
    # bundle and verify read the reference outputs of the commands before.
    names = ["generate", "bundle", "verify"]
    CACHE_DIR[0] = os.path.join(work, "cache")
    warm = os.path.join(work, "warm")
    os.makedirs(warm)
    rc, _, err = run(binary, shim, cmds["generate"](None), warm)
    if rc != 0:
        sys.exit("sweep: warm-up run failed (%s): %s"
                 % (rc, err.decode(errors="replace")))
    shutil.rmtree(warm)
    chosen = a.only.split(",")
    plan = []
    refs = {}
    for name in names:
        argv = cmds[name](None)
        refs[name] = reference(binary, shim, name, argv, ref)
        if name not in chosen:
            continue
        pts = refs[name][2]
        if a.at:
            pts = [(int(x.split(":")[1]), int(x.split(":")[2])) for x in a.at
                   if x.split(":")[0] == name]
        else:
            if a.thread is not None:
                pts = [p for p in pts if p[0] == a.thread]
            pts = pts[::a.stride]
        plan += [(name, argv, p) for p in pts]
    tally = {}
    defects = []
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = [ex.submit(one, binary, shim, name, argv, at, work,
                          refs[name][0], refs[name][1], a.keep)
                for name, argv, at in plan]
        for f in concurrent.futures.as_completed(futs):
            name, at, cls, detail = f.result()
            tally.setdefault(name, {}).setdefault(cls, 0)
            tally[name][cls] += 1
            if cls not in ("identical", "oom"):
                defects.append("%s %d:%d %s %s" % (name, at[0], at[1], cls, detail))
                print("alloc: found %s %d:%d %s" % (name, at[0], at[1], cls),
                      flush=True)
    for d in sorted(defects):
        print("alloc: DEFECT " + d)
    total = 0
    for name in names:
        if name in tally:
            n = sum(tally[name].values())
            total += n
            print("alloc: %s: %d failed allocations: %s" % (name, n, ", ".join(
                "%s %d" % kv for kv in sorted(tally[name].items()))))
    print("alloc: %d runs, %d defects" % (total, len(defects)))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("alloc: kept " + work)
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
