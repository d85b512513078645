"""The stages of src/ (src/README.md): every #include "x.h" of a file in
src/<stage>/ names a header of the same stage or of an earlier one, and
every source file sits in a stage folder. Issue 12: a file that includes
a header of a later stage fails here."""
import os
import re
import unittest

import harness

SRC = os.path.join(harness.ROOT, "src")
# The stages in the order data flows through them (src/README.md).
STAGES = ["base", "model", "resources", "read", "compose", "layout", "pdf",
          "package", "run", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def headers():
    """header name -> the stage folder it is in."""
    where = {}
    for stage in STAGES:
        for name in os.listdir(os.path.join(SRC, stage)):
            if name.endswith(".h"):
                where[name] = stage
    return where


class Architecture(unittest.TestCase):

    def test_every_source_is_in_a_stage(self):
        for entry in os.listdir(SRC):
            path = os.path.join(SRC, entry)
            if os.path.isdir(path):
                self.assertIn(entry, STAGES, "src/%s is not a stage" % entry)
            else:
                self.assertFalse(entry.endswith((".c", ".h")),
                                 "src/%s is outside every stage folder" % entry)

    def test_includes_point_to_earlier_stages(self):
        where = headers()
        checked = 0
        for stage in STAGES:
            folder = os.path.join(SRC, stage)
            for name in sorted(os.listdir(folder)):
                if not name.endswith((".c", ".h")):
                    continue
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    text = f.read()
                for inc in INCLUDE.findall(text):
                    base = os.path.basename(inc)
                    self.assertIn(base, where, "src/%s/%s includes unknown %s"
                                  % (stage, name, inc))
                    self.assertLessEqual(
                        STAGES.index(where[base]), STAGES.index(stage),
                        "src/%s/%s includes %s of the later stage %s/"
                        % (stage, name, base, where[base]))
                    checked += 1
        self.assertGreater(checked, 100)

    def test_readme_names_every_stage(self):
        with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
            text = f.read()
        for stage in STAGES:
            self.assertIn("`%s/`" % stage, text)


if __name__ == "__main__":
    unittest.main()
