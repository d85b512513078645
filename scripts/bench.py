#!/usr/bin/python3
"""make bench: measures `pactdoc generate` on a generated corpus and on one
applicant, and prints the figures the README's performance table holds.

Usage: bench.py PACTDOC [WORKDIR]   (scripts/bench.sh makes WORKDIR)
Environment: BENCH_RECORDS (5000), BENCH_RUNS (5), BENCH_COLD_RUNS (20).

- documents/s: the median of BENCH_RUNS runs, each into a fresh folder.
  The previous output is moved aside, not deleted: deleting ~15,000
  files makes ext4's inode allocation of the next run (not pactdoc) the
  largest cost.
- CPU per document: (user + sys) / documents, median of the runs; CPU
  utilisation: (user + sys) / (wall x cores); peak RSS: the largest of
  the runs (getrusage of the child).
- busy over time: one run sampled every 100 ms (/proc/PID/task/*/stat):
  the seconds at the start and at the end of the run when fewer than
  all cores were busy.
- KB per document: the applicant PDFs; packages separately.
- cold single applicant: a one-record file (2 documents and a package),
  median of BENCH_COLD_RUNS runs, each a new process into a new folder.
  The first run on a machine also compiles the hyphenation dictionary
  (cached in ~/.cache/pactdoc/hyph); that run is a warm-up, not counted.
- durability and threads: one run without fsync (PACTDOC_NO_FSYNC=1) and
  one with -j twice the cores; hyperfine is not needed.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

DATE = "2026-11-23"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(cmd, env=None, sample=False):
    """Runs cmd; returns (wall, user+sys, max RSS KiB, samples). samples:
    a list of (seconds since start, cores busy) every 100 ms."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    hz = os.sysconf("SC_CLK_TCK")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    samples = []
    last, last_t = 0, start
    done = None
    if not sample:
        _, status, ru = os.wait4(proc.pid, 0)
        done = (status, ru)
    while done is None:
        time.sleep(0.1)
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            done = (status, ru)
            break
        ticks = 0
        try:
            for t in os.listdir("/proc/%d/task" % proc.pid):
                with open("/proc/%d/task/%s/stat" % (proc.pid, t)) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
        now = time.perf_counter()
        # Threads that ended take their ticks with them: clamp at 0.
        samples.append((now - start, max(0, ticks - last) / hz / (now - last_t)))
        last, last_t = ticks, now
    wall = time.perf_counter() - start
    status, ru = done
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), err[-2000:]))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, samples


def files_under(path, suffix):
    out = []
    for dirpath, _, names in os.walk(path):
        out += [os.path.join(dirpath, n) for n in names if n.endswith(suffix)]
    return out


def idle_edges(samples, cores):
    """Seconds at the start and at the end of a run with fewer than all
    cores busy (below 90 % of them)."""
    busy = [t for t, c in samples if c >= 0.9 * cores]
    if not samples:
        return 0.0, 0.0
    if not busy:
        return samples[-1][0], 0.0
    return busy[0], samples[-1][0] - busy[-1]


def one_applicant(work):
    """A one-record file: the first record of the coordinators sample,
    with its <applications> wrapper."""
    with open(os.path.join(ROOT, "tests/data/samples/01-coordinators.xml"),
              encoding="utf-8") as f:
        text = f.read()
    apps = re.findall(r"  <application .*?</application>\n", text, re.S)
    for a in apps[1:]:
        text = text.replace(a, "")
    path = os.path.join(work, "one-applicant.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def cold(pactdoc, work, inp, runs):
    """Median wall and CPU (ms) of `runs` one-applicant runs."""
    walls, cpus = [], []
    for i in range(runs + 1):
        out = os.path.join(work, "cold.%d" % i)
        wall, cpu, _, _ = run_once([pactdoc, "generate", "-q", "-o", out,
                                    "--date", DATE, inp])
        shutil.rmtree(out)
        if i > 0:                       # the first one is the warm-up
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main():
    pactdoc = os.path.abspath(sys.argv[1])
    work = sys.argv[2]
    records = int(os.environ.get("BENCH_RECORDS", "5000"))
    n_runs = int(os.environ.get("BENCH_RUNS", "5"))
    n_cold = int(os.environ.get("BENCH_COLD_RUNS", "20"))
    cores = os.cpu_count() or 1
    corpus = os.path.join(work, "records.xml")

    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/gen-records.py"),
                    "--count", str(records), "--seed", "1", "--eligible-only",
                    "--out", corpus], check=True)
    cpu_model = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu_model = m.group(1) if m else "?"
    print("== machine: %d cores (%s), load average %.1f at the start"
          % (cores, cpu_model, os.getloadavg()[0]))
    print("== corpus: %d records, %.1f MB, -j %d (the default: the cores)"
          % (records, os.path.getsize(corpus) / 1e6, cores))

    out = os.path.join(work, "out")
    gen = [pactdoc, "generate", "-q", "-o", out, "--date", DATE, corpus]
    walls, cpus, rss, samples = [], [], [], []
    for i in range(n_runs):
        if os.path.exists(out):
            os.rename(out, os.path.join(work, "old.%d" % i))
        wall, cpu, maxrss, s = run_once(gen, sample=(i == 0))
        walls.append(wall)
        cpus.append(cpu)
        rss.append(maxrss)
        samples = samples or s
    pdfs = [p for p in files_under(out, ".pdf")
            if os.sep + "packages" + os.sep not in p]
    docs = len(pdfs)
    pdf_bytes = sum(os.path.getsize(p) for p in pdfs)
    zips = files_under(os.path.join(out, "packages"), ".zip")
    cs = [z for z in zips if os.path.basename(z).startswith("countersign-")]
    applicant = [z for z in zips if z not in cs]
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    start_idle, end_idle = idle_edges(samples, cores)

    print("documents: %d (and %d applicant packages, %d countersigning)"
          % (docs, len(applicant), len(cs)))
    print("documents/s (median of %d runs, each into a fresh folder): %.0f"
          % (n_runs, docs / wall))
    print("  wall per run: %s s" % " ".join("%.1f" % w for w in walls))
    print("CPU per document (user+sys): %.2f ms" % (cpu * 1000 / docs))
    print("CPU utilisation: %.0f %% of %d cores (CPU time / (wall x cores))"
          % (100 * cpu / (wall * cores), cores))
    print("  fewer than %d cores busy: the first %.1f s and the last %.1f s "
          "of a %.1f s run" % (cores, start_idle, end_idle, walls[0]))
    print("peak RSS: %.0f MB" % (max(rss) / 1024))
    print("KB per document (applicant PDFs): %.1f KiB"
          % (pdf_bytes / docs / 1024))
    if applicant:
        print("KB per applicant package: %.1f KiB; countersigning packages: "
              "%.1f MB in total" % (
                  sum(map(os.path.getsize, applicant)) / len(applicant) / 1024,
                  sum(map(os.path.getsize, cs)) / 1e6))

    one = one_applicant(work)
    long_offer = os.path.join(ROOT, "tests/data/samples/"
                              "04-single-application-long-offer.xml")
    for name, path in (("typical", one), ("long offer, 3+ pages", long_offer)):
        med, low, c = cold(pactdoc, work, path, n_cold)
        print("cold single applicant (%s; 2 documents and a package), median "
              "of %d: %.1f ms wall (fastest %.1f), %.1f ms CPU"
              % (name, n_cold, med, low, c))

    os.rename(out, os.path.join(work, "old.fsync"))
    nosync, nosync_cpu, _, _ = run_once(gen, env={"PACTDOC_NO_FSYNC": "1"})
    print("documents/s without fsync (PACTDOC_NO_FSYNC=1, not durable; one "
          "run): %.0f" % (docs / nosync))
    print("cost of fsync: %.2f ms per document, %+.0f %% wall time"
          % ((wall - nosync) * 1000 / docs, (wall / nosync - 1) * 100))
    os.rename(out, os.path.join(work, "old.wide"))
    wide, _, _, _ = run_once([pactdoc, "generate", "-q", "-j", str(2 * cores),
                              "-o", out, "--date", DATE, corpus])
    print("documents/s with fsync and -j %d (twice the cores; one run): %.0f"
          % (2 * cores, docs / wide))
    load = os.getloadavg()[0]
    if load > 0.5 * cores:
        print("note: load average %.1f at the end: other processes shared "
              "the cores, wall-time figures are low" % load)


if __name__ == "__main__":
    main()
