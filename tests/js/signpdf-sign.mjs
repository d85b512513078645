// signpdf-sign.mjs — signs a PDF the way many Node services do: a new
// signature placeholder from @signpdf/placeholder-plain (an incremental
// update), signed by @signpdf/signpdf with a PKCS#12 file.
// Usage: node signpdf-sign.mjs IN.pdf OUT.pdf CERT.p12 PASSPHRASE
import { readFileSync, writeFileSync } from "node:fs";
import { plainAddPlaceholder } from "@signpdf/placeholder-plain";
import { P12Signer } from "@signpdf/signer-p12";
import pkg from "@signpdf/signpdf";
const signpdf = pkg.default ?? pkg;

const [input, output, p12, pass] = process.argv.slice(2);
const withPlaceholder = plainAddPlaceholder({
  pdfBuffer: readFileSync(input),
  reason: "pactdoc test",
  contactInfo: "test@example.org",
  name: "pactdoc test signer",
  location: "Brussels",
});
const signer = new P12Signer(readFileSync(p12), { passphrase: pass });
const signed = await signpdf.sign(withPlaceholder, signer);
writeFileSync(output, signed);
