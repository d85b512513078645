// pdfjs-read.mjs — reads a PDF with pdf.js (legacy build, as under Node)
// and prints JSON: for each page its text (items in content order, a
// newline at each end of line) and its structure tree (getStructTree),
// plus the text of every marked-content id, so that the tests can follow
// the structure's reading order. Usage: node pdfjs-read.mjs FILE.pdf
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await getDocument({ data, verbosity: 0, useSystemFonts: false,
                                isEvalSupported: false }).promise;
const out = { pages: [] };
for (let n = 1; n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const tc = await page.getTextContent({ includeMarkedContent: true });
  let text = "";
  const byMcid = {};
  const stack = [];
  for (const it of tc.items) {
    if (it.type === "beginMarkedContentProps" || it.type === "beginMarkedContent") {
      stack.push(it.id || null);
      continue;
    }
    if (it.type === "endMarkedContent") {
      stack.pop();
      continue;
    }
    text += it.str + (it.hasEOL ? "\n" : "");
    const id = stack.filter(Boolean).pop();
    if (id) byMcid[id] = (byMcid[id] || "") + it.str + (it.hasEOL ? " " : "");
  }
  const tree = await page.getStructTree();
  out.pages.push({ text, tree, byMcid });
}
process.stdout.write(JSON.stringify(out));
