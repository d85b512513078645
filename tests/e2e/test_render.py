"""Proof by looking: the first page of every sample document, rendered by
mutool at 50 dpi in gray, must match its reviewed reference in
tests/data/render/ (see docs/testing.md, "Render references")."""
import os
import shutil
import tempfile
import unittest

import pngio
import render
from harness import PACTDOC, ROOT

HOW_TO_UPDATE = ("after a deliberate change, look at the new render, then "
                 "run `make render-refs` and review the PNGs before committing")


class RenderReferences(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Kept on failure so the actual render and the diff can be opened.
        cls.tmp = tempfile.mkdtemp(prefix="pactdoc-render-")
        cls.pdfs = render.generate(PACTDOC, os.path.join(cls.tmp, "out"))

    @classmethod
    def tearDownClass(cls):
        if not getattr(cls, "keep", False):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_document_has_a_reference(self):
        made = {os.path.basename(render.reference_path(p)) for p in self.pdfs}
        refs = {f for f in os.listdir(render.REFS) if f.endswith(".png")}
        self.assertGreater(len(made), 0)
        self.assertEqual(sorted(made - refs), [],
                         "documents without a reference: " + HOW_TO_UPDATE)
        self.assertEqual(sorted(refs - made), [],
                         "references of documents no longer generated: "
                         + HOW_TO_UPDATE)

    def test_first_pages_match_references(self):
        failures = []
        for pdf in self.pdfs:
            problem = self.check_one(pdf)
            if problem:
                failures.append(problem)
        if failures:
            type(self).keep = True
            self.fail("%d of %d first pages differ from their references "
                      "(%s):\n%s" % (len(failures), len(self.pdfs),
                                     HOW_TO_UPDATE, "\n".join(failures)))

    def check_one(self, pdf):
        """Returns None when the page matches, else a one-line problem."""
        name = os.path.basename(pdf)[:-len(".pdf")]
        ref = render.reference_path(pdf)
        actual_png = os.path.join(self.tmp, name + ".actual.png")
        render.draw_first_page(pdf, actual_png)
        if not os.path.exists(ref):
            return ("%s: no reference %s; the render is %s"
                    % (name, os.path.relpath(ref, ROOT), actual_png))
        expected = pngio.read_gray(ref)
        actual = pngio.read_gray(actual_png)
        count, box = render.compare(expected, actual)
        if count == -1:
            return ("%s: size %dx%d, reference %dx%d; actual render %s"
                    % (name, actual[0], actual[1], expected[0], expected[1],
                       actual_png))
        if count <= render.MAX_DIFFERING_PIXELS:
            os.remove(actual_png)
            return None
        diff_png = os.path.join(self.tmp, name + ".diff.png")
        pngio.write_gray(diff_png, *render.diff_image(expected, actual))
        return ("%s: %d pixels differ by more than %d (limit %d), in the box "
                "x %d-%d, y %d-%d px at %d dpi; actual %s, diff %s"
                % (name, count, render.PIXEL_TOLERANCE,
                   render.MAX_DIFFERING_PIXELS, box[0], box[2], box[1],
                   box[3], render.DPI, actual_png, diff_png))


if __name__ == "__main__":
    unittest.main()
