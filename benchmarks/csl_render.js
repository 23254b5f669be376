// Render CSL-JSON items with citeproc-js, the engine of Zotero and Mendeley (for benchmarks/csl.py).
// Usage: node csl_render.js LOCALE_DIR; stdin: one {"style": PATH, "item": {...}} per line;
// stdout: one JSON line per request, the bibliography entry as HTML or {"error": ...}.
const CSL = require("citeproc");
const fs = require("fs");
const path = require("path");
const readline = require("readline");

const localeDir = process.argv[2];
const engines = new Map();
const items = new Map();
let serial = 0;

function locale(lang) {
  const names = [`locales-${lang}.xml`, `locales-${lang.split("-")[0]}.xml`];
  const prefix = `locales-${lang.split("-")[0]}-`;
  const found = names.find((name) => fs.existsSync(path.join(localeDir, name)))
    || fs.readdirSync(localeDir).find((name) => name.startsWith(prefix))
    || "locales-en-US.xml";
  return fs.readFileSync(path.join(localeDir, found), "utf8");
}

function engine(style) {
  if (!engines.has(style)) {
    const sys = { retrieveLocale: locale, retrieveItem: (id) => items.get(id) };
    const made = new CSL.Engine(sys, fs.readFileSync(style, "utf8"), "en-US", true);
    made.setOutputFormat("html");
    engines.set(style, made);
  }
  return engines.get(style);
}

readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  let out;
  try {
    const job = JSON.parse(line);
    const id = `item${serial++}`;
    items.clear();
    items.set(id, { ...job.item, id });
    const made = engine(job.style);
    made.updateItems([id]);
    const bibliography = made.makeBibliography();
    out = bibliography ? bibliography[1].join("").trim() : "";
  } catch (error) {
    out = { error: String(error).slice(0, 300) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
