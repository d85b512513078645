"""`make install` into a staging directory gives a working tool: the
binary, the man page and the data files, found beside the binary."""
import os
import subprocess
import unittest

from harness import ROOT, SAMPLES, tempdir


class Install(unittest.TestCase):

    def test_staged_install_runs(self):
        stage = tempdir(self)
        r = subprocess.run(["make", "-s", "install", "PREFIX=/opt/pactdoc",
                            "DESTDIR=" + stage], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        prefix = os.path.join(stage, "opt", "pactdoc")
        binary = os.path.join(prefix, "bin", "pactdoc")
        self.assertTrue(os.access(binary, os.X_OK))
        self.assertTrue(os.path.exists(os.path.join(prefix, "share", "man",
                                                    "man1", "pactdoc.1")))
        for d in ("schema", "forms", "locales", "fonts"):
            self.assertTrue(os.path.isdir(os.path.join(prefix, "share",
                                                       "pactdoc", d)), d)
        env = dict(os.environ)
        env.pop("PACTDOC_DATADIR", None)
        out = os.path.join(stage, "out")
        r = subprocess.run([binary, "generate", "-q", "-o", out,
                            os.path.join(SAMPLES, "03-associated-partners.xml")],
                           cwd=stage, env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(
            out, "LV-AP-0002", "LV-AP-0002-declaration-lv.pdf")))


if __name__ == "__main__":
    unittest.main()
