"""Write failures, interruptions and crashes (issue 8, part 4).

- A full disk (a small tmpfs, mounted by the test: the suite runs as root)
  during `generate` and `bundle`: exit not 0, a message naming the disk as
  full and the path, nothing incomplete or hidden left, and every document
  reported before the failure complete.
- SIGTERM at seeded random moments: no temporary file is left.
- kill -9 at seeded random moments (20 each) during `generate -j 2` of a
  1,000-record run and during `bundle`: every visible PDF and ZIP is
  complete (byte-identical to an uninterrupted run's, qpdf --check,
  unzip -t), and rerunning the same command into the same folder gives
  the uninterrupted run's files and removes the killed runs' temporaries.
- Durability: strace shows each result flushed (fsync) before its rename
  and its directory flushed after.

The interruption loops use the release binary ($PACTDOC_RELEASE, as
test_bulk does) to keep the suite's time reasonable; the full-disk and
strace tests use $PACTDOC (the sanitized binary)."""
import hashlib
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile

import harness

GEN = os.path.join(harness.ROOT, "scripts", "gen-records.py")
RELEASE = os.path.join(harness.ROOT,
                       os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
DATE = "2026-11-23"
SEED = 20261123
KILLS = 20


def env():
    e = dict(os.environ)
    e["PACTDOC_DATADIR"] = harness.ROOT
    return e


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree(root):
    """Every file below root: {relpath: sha256}, and the hidden names. The
    run report names the output folder: it is digested with the folder
    replaced by "OUT"."""
    files, hidden = {}, []
    for d, dirs, names in os.walk(root):
        for n in dirs + names:
            if n.startswith("."):
                hidden.append(os.path.relpath(os.path.join(d, n), root))
        for n in names:
            if n.startswith("."):
                continue
            p = os.path.join(d, n)
            if n == "report.json":
                with open(p, "rb") as f:
                    text = f.read().replace(root.encode(), b"OUT")
                files[os.path.relpath(p, root)] = \
                    hashlib.sha256(text).hexdigest()
            else:
                files[os.path.relpath(p, root)] = digest(p)
    return files, sorted(hidden)


def qpdf_ok(path):
    return subprocess.run(["qpdf", "--check", path], capture_output=True,
                          text=True).returncode == 0


def unzip_ok(path):
    return subprocess.run(["unzip", "-tqq", path], capture_output=True,
                          text=True).returncode == 0


def interrupt(cmd, delay, sig):
    """Starts cmd, sends sig after delay seconds (unless it ended); returns
    the exit status."""
    p = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(sig)
    return p.wait(timeout=120)


class Interrupted(unittest.TestCase):
    """One 1,000-record corpus and its uninterrupted outputs."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-durable-")
        cls.dir = cls._tmp.name
        cls.records = os.path.join(cls.dir, "records.xml")
        subprocess.run([sys.executable, GEN, "-n", "1000", "--seed", "8",
                        "-o", cls.records], check=True)
        cls.ref = os.path.join(cls.dir, "ref")
        start = time.monotonic()
        r = subprocess.run(cls.generate_cmd(cls.ref), env=env(),
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        cls.gen_secs = time.monotonic() - start
        assert r.returncode == 0, r.stderr
        cls.ref_files, hidden = tree(cls.ref)
        assert hidden == [], hidden
        cls.bundle_ref = os.path.join(cls.dir, "bundle-ref")
        start = time.monotonic()
        r = subprocess.run(cls.bundle_cmd(cls.bundle_ref), env=env(),
                           capture_output=True, text=True)
        cls.bundle_secs = time.monotonic() - start
        assert r.returncode == 0, r.stderr
        cls.bundle_digest = digest(os.path.join(cls.bundle_ref,
                                                "pactdoc-%s.zip" % DATE))

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    @classmethod
    def generate_cmd(cls, out):
        return [RELEASE, "generate", "-q", "-j", "2", "-o", out, "--date",
                DATE, "--report", os.path.join(out, "report.json"),
                cls.records]

    @classmethod
    def bundle_cmd(cls, dest):
        return [RELEASE, "bundle", "-q", "--date", DATE, "-o", dest, cls.ref]

    def assert_visible_complete(self, out, moment):
        """Every visible file under out is the uninterrupted run's."""
        files, _ = tree(out)
        newest = []
        for rel, sha in files.items():
            self.assertEqual(sha, self.ref_files.get(rel),
                             "%s at %.2f s: incomplete or unknown" %
                             (rel, moment))
            p = os.path.join(out, rel)
            if rel.endswith(".zip"):
                self.assertTrue(unzip_ok(p), p)
            elif rel.endswith(".pdf"):
                newest.append((os.stat(p).st_mtime_ns, p))
        for _, p in sorted(newest)[-2:]:
            self.assertTrue(qpdf_ok(p), p)

    def test_sigterm_leaves_no_temporaries(self):
        """SIGTERM at any moment: the temporaries are removed (PDFs', the
        ZIPs' and the cover sheet's), whatever the threads were doing. On
        the first 300 records, to keep the suite's time reasonable."""
        rng = random.Random(SEED + 1)
        small = os.path.join(self.dir, "records-300.xml")
        subprocess.run([sys.executable, GEN, "-n", "300", "--seed", "8",
                        "-o", small], check=True)
        out = os.path.join(self.dir, "term")
        cmd = self.generate_cmd(out)[:-1] + [small]
        for i in range(12):
            moment = rng.uniform(0.05, 0.35 * self.gen_secs)
            rc = interrupt(cmd, moment, signal.SIGTERM)
            self.assertIn(rc, (0, -signal.SIGTERM), "generate at %.2f s"
                          % moment)
            self.assertEqual(tree(out)[1], [], "generate at %.2f s" % moment)
        dest = os.path.join(self.dir, "term-bundles")
        for i in range(12):
            moment = rng.uniform(0.0, self.bundle_secs)
            rc = interrupt(self.bundle_cmd(dest), moment, signal.SIGTERM)
            self.assertIn(rc, (0, -signal.SIGTERM))
            self.assertEqual(tree(dest)[1] if os.path.isdir(dest) else [],
                             [], "bundle at %.3f s" % moment)
            shutil.rmtree(dest, ignore_errors=True)

    def test_kill9_generate_then_rerun(self):
        """kill -9 twenty times during generate -j 2 of 1,000 records, each
        run into the folder the last one was killed in: every visible file
        is complete; the rerun gives the uninterrupted run's files and no
        temporary is left."""
        rng = random.Random(SEED)
        out = os.path.join(self.dir, "killed")
        temporaries = 0
        for i in range(KILLS):
            moment = rng.uniform(0.05, self.gen_secs)
            rc = interrupt(self.generate_cmd(out), moment, signal.SIGKILL)
            self.assertIn(rc, (0, -signal.SIGKILL))
            temporaries += len(tree(out)[1])
            self.assert_visible_complete(out, moment)
        r = subprocess.run(self.generate_cmd(out), env=env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        files, hidden = tree(out)
        self.assertEqual(hidden, [])
        self.assertEqual(files, self.ref_files)
        # The loop did leave temporaries for the reruns to clean up.
        self.assertGreater(temporaries, 0)

    def test_kill9_bundle_then_rerun(self):
        """kill -9 twenty times during bundle: a bundle on disk is always
        the complete one; the rerun writes it and cleans up."""
        rng = random.Random(SEED + 2)
        dest = os.path.join(self.dir, "killed-bundles")
        final = os.path.join(dest, "pactdoc-%s.zip" % DATE)
        for i in range(KILLS):
            moment = rng.uniform(0.0, self.bundle_secs)
            rc = interrupt(self.bundle_cmd(dest), moment, signal.SIGKILL)
            self.assertIn(rc, (0, -signal.SIGKILL))
            if not os.path.isdir(dest):
                continue
            files, _ = tree(dest)
            self.assertLessEqual(set(files), {"pactdoc-%s.zip" % DATE})
            if files:
                # Written whole before the kill: the uninterrupted bundle.
                # A bundle is never overwritten, so it is moved away for
                # the next run to write the same name again.
                self.assertEqual(files["pactdoc-%s.zip" % DATE],
                                 self.bundle_digest)
                self.assertTrue(unzip_ok(final))
                os.unlink(final)
        r = subprocess.run(self.bundle_cmd(dest), env=env(),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        files, hidden = tree(dest)
        self.assertEqual(hidden, [])
        self.assertEqual(files, {"pactdoc-%s.zip" % DATE: self.bundle_digest})


class FullDisk(unittest.TestCase):
    """A small disk for the output: a tmpfs mounted by the test (the suite
    runs as root), or, where mount is refused (or
    PACTDOC_TEST_FULL_DISK=preload), an ordinary folder with the LD_PRELOAD
    shim enospc.c, which fails write/fsync/rename with ENOSPC past a byte
    count. The test prints which one ran."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-disk-")
        probe = os.path.join(cls._tmp.name, "probe")
        os.mkdir(probe)
        cls.use_tmpfs = False
        if os.environ.get("PACTDOC_TEST_FULL_DISK") != "preload":
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k",
                                "tmpfs", probe], capture_output=True)
            if r.returncode == 0:
                subprocess.run(["umount", probe], check=True)
                cls.use_tmpfs = True
        if not cls.use_tmpfs:
            cls.shim = os.path.join(cls._tmp.name, "enospc.so")
            subprocess.run(["cc", "-shared", "-fPIC", "-o", cls.shim,
                            os.path.join(os.path.dirname(__file__),
                                         "enospc.c"), "-ldl"], check=True)
        sys.stderr.write("full-disk tests: %s\n" % (
            "a small tmpfs" if cls.use_tmpfs else
            "LD_PRELOAD enospc.so (mount refused, or "
            "PACTDOC_TEST_FULL_DISK=preload)"))

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def mount(self, kib):
        """A folder on a disk of kib KiB; sets self.env for the runs."""
        d = harness.tempdir(self)
        self.env = {}
        if not self.use_tmpfs:
            self.env = {"LD_PRELOAD": self.shim,
                        "ENOSPC_LIMIT": str(kib * 1024),
                        "ASAN_OPTIONS": "verify_asan_link_order=0:" +
                        os.environ.get("ASAN_OPTIONS", "")}
            return d
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk" % kib,
                            "tmpfs", d], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.addCleanup(subprocess.run, ["umount", d])
        return d

    def check_generate(self, size):
        disk = self.mount(size)
        out = os.path.join(disk, "out")
        r = harness.run("generate", "-o", out, "--date", DATE, "--report",
                        os.path.join(out, "report.json"), harness.SAMPLES,
                        env=self.env)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, re.escape(disk) +
                         r"/\S+: cannot [a-z ]+: the disk is full")
        files, hidden = tree(out)
        self.assertEqual(hidden, [])
        reported = set()
        for line in r.stdout.splitlines():
            if ": generated " in line:
                for p in re.findall(r"(\S+\.pdf)", line):
                    reported.add(os.path.relpath(p, out))
        self.assertGreater(len(reported), 0)
        for rel in files:
            p = os.path.join(out, rel)
            if rel.endswith(".pdf"):
                self.assertTrue(qpdf_ok(p), rel)
            elif rel.endswith(".zip"):
                self.assertTrue(unzip_ok(p), rel)
        # Every document reported written is there and complete.
        for rel in reported:
            self.assertIn(rel, files)
        return r

    def test_full_disk_during_documents(self):
        r = self.check_generate(400)
        self.assertRegex(r.stderr, r"\.pdf: cannot write: the disk is full")

    def test_full_disk_during_packages(self):
        # Applicant packages are written as each record finishes, the
        # countersigning package last: a disk with room for everything
        # but that package fills up while it is written.
        ref = os.path.join(harness.tempdir(self), "out")
        r = harness.run("generate", "-q", "-o", ref, "--date", DATE,
                        "--report", os.path.join(ref, "report.json"),
                        harness.SAMPLES)
        self.assertEqual(r.returncode, 0, r.stderr)
        room = 0
        for top, dirs, names in os.walk(ref):
            room += 4096 * (1 + len(dirs))
            for n in names:
                if not n.startswith("countersign-"):
                    room += -(-os.path.getsize(os.path.join(top, n)) // 4096) * 4096
        r = self.check_generate(room // 1024 + 64)
        self.assertRegex(r.stderr, r"packages/countersign-\S+\.zip: cannot "
                         r"write: the disk is full")

    def test_full_disk_during_bundle(self):
        src = os.path.join(harness.tempdir(self), "out")
        r = harness.run("generate", "-q", "-o", src, "--date", DATE,
                        harness.SAMPLES)
        self.assertEqual(r.returncode, 0, r.stderr)
        disk = self.mount(1024)
        dest = os.path.join(disk, "archive")
        r = harness.run("bundle", "--date", DATE, "-o", dest, src,
                        env=self.env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("%s/pactdoc-%s.zip: cannot write: the disk is full"
                      % (dest, DATE), r.stderr)
        self.assertEqual(os.listdir(dest), [])


class Durable(unittest.TestCase):

    def test_results_flushed_before_rename_and_directory_after(self):
        # LeakSanitizer cannot run under ptrace: leaks are checked by the
        # other tests.
        tmp = harness.tempdir(self)
        out = os.path.join(tmp, "out")
        trace = os.path.join(tmp, "trace")
        # -ff: one trace per thread, so no call is split in two lines
        # (<unfinished ...> / <... resumed>); a result is written, flushed,
        # renamed and its directory flushed by one thread.
        subprocess.run(["strace", "-ff", "-o", trace, "-e",
                        "trace=openat,fsync,rename,link,close",
                        harness.PACTDOC, "generate", "-q", "-j", "1", "-o",
                        out, "--date", DATE, "--report",
                        os.path.join(out, "report.json"),
                        os.path.join(harness.SAMPLES,
                                     "03-associated-partners.xml")],
                       env=dict(env(), ASAN_OPTIONS="detect_leaks=0"),
                       capture_output=True, check=True)
        finals = set()
        for part in sorted(glob.glob(trace + ".*")):
            finals |= self.check_trace(part)
        self.assertIn(os.path.join(out, "report.json"), finals)
        self.assertTrue(any(p.endswith(".pdf") for p in finals))
        self.assertTrue(any(p.endswith(".zip") for p in finals))

    def check_trace(self, path):
        """Checks one thread's trace; returns the paths it renamed into
        place."""
        opened = {}        # (pid, fd) -> path
        synced = set()     # paths flushed
        renamed = []       # (final path, index in the trace)
        dir_synced = {}    # directory -> last index it was flushed at
        with open(path) as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            pid = 0
            m = re.search(r'openat\(AT_FDCWD, "([^"]+)", .*\) = (\d+)$', line)
            if m:
                opened[pid, m.group(2)] = m.group(1)
                continue
            m = re.search(r"fsync\((\d+)\)\s+= 0", line)
            if m:
                path = opened.get((pid, m.group(1)))
                synced.add(path)
                dir_synced[path] = i
                continue
            m = re.search(r'(?:rename|link)\("([^"]+)", "([^"]+)"\) = 0',
                          line)
            if m:
                self.assertIn(m.group(1), synced,
                              "renamed before it was flushed: " + line)
                renamed.append((m.group(2), i))
        for final, i in renamed:
            self.assertGreater(dir_synced.get(os.path.dirname(final), -1), i,
                               "directory not flushed after " + final)
        return {p for p, _ in renamed}


if __name__ == "__main__":
    unittest.main()
