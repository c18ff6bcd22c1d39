#!/usr/bin/env node
// The import rules of ARCHITECTURE (README "Adding a module"), checked on the source text:
//   1. faces: nothing outside server/src/modules/<m>/ imports a file inside it but its index;
//   2. layers: http/, db/, jobs/, lib/, integrations/ import no module (not even types), and production
//      code imports no sandbox (server/src/sandboxes/ is mounted only by app.ts through its index);
//   3. no cycle of run-time imports between modules, nor between the server's layers.
// Prints each violation and exits 1 when there is one. `node scripts/check-imports.mjs [repo root]`
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, ".."));
const SRC = path.join(ROOT, "server/src");
const MODULES = path.join(SRC, "modules");
const SCAN = ["server/src", "scripts", "tests"].map((d) => path.join(ROOT, d));
const LOWER_LAYERS = ["http", "db", "jobs", "lib", "integrations"];

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** every import/export-from/dynamic import of a file, with whether it is erased at run time (types only) */
function importsOf(file) {
  const src = fs.readFileSync(file, "utf8");
  const found = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
  for (const m of src.matchAll(re)) {
    const spec = m[4] ?? m[5];
    let typeOnly = false;
    if (m[4]) {
      if (m[2]) typeOnly = true;
      else {
        const braces = /^\{([\s\S]*)\}$/.exec(m[3].trim());
        if (braces) {
          const names = braces[1]
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
          typeOnly = names.length > 0 && names.every((n) => n.startsWith("type "));
        }
      }
    }
    found.push({ spec, typeOnly });
  }
  return found;
}

function resolve(file, spec) {
  if (spec.startsWith(".")) return path.resolve(path.dirname(file), spec);
  if (spec.startsWith("@warmline/server/")) return path.join(ROOT, "server", spec.slice("@warmline/server/".length));
  return null;
}

const rel = (p) => path.relative(ROOT, p);
const moduleOf = (p) => (p.startsWith(`${MODULES}/`) ? p.slice(MODULES.length + 1).split("/")[0] : null);
/** the server's layer of a path: a top-level folder of server/src, or a top-level file (config, bootstrap, …) */
function layerOf(p) {
  if (!p.startsWith(`${SRC}/`)) return null;
  const parts = p.slice(SRC.length + 1).split("/");
  return parts.length === 1 ? parts[0].replace(/\.ts$/, "") : parts[0];
}
const isTest = (p) => /\.test\.tsx?$/.test(p);

const violations = [];
const moduleEdges = new Map();
const layerEdges = new Map();
const addEdge = (map, a, b, where) => {
  if (!map.has(a)) map.set(a, new Map());
  if (!map.get(a).has(b)) map.get(a).set(b, where);
};

for (const file of SCAN.flatMap((d) => walk(d))) {
  const fromModule = moduleOf(file);
  const fromLayer = layerOf(file);
  for (const { spec, typeOnly } of importsOf(file)) {
    const target = resolve(file, spec);
    if (!target) continue;
    const toModule = moduleOf(target);
    const toLayer = layerOf(target);
    if (toModule && toModule !== fromModule) {
      const inside = target.slice(path.join(MODULES, toModule).length).replace(/^\//, "");
      if (inside !== "" && inside !== "index" && inside !== "index.ts") {
        violations.push(`${rel(file)}: imports ${spec} — outside modules/${toModule} import only its index`);
      }
      if (fromModule && !typeOnly && !isTest(file)) addEdge(moduleEdges, fromModule, toModule, rel(file));
    }
    if (fromLayer && LOWER_LAYERS.includes(fromLayer) && toLayer === "modules") {
      violations.push(`${rel(file)}: the ${fromLayer}/ layer imports ${spec} — lower layers never import modules`);
    }
    if (
      toLayer === "sandboxes" &&
      fromLayer &&
      !["sandboxes", "app", "bootstrap"].includes(fromLayer) &&
      !isTest(file)
    ) {
      violations.push(`${rel(file)}: production code imports the sandbox ${spec}`);
    }
    if (fromLayer && toLayer && fromLayer !== toLayer && !typeOnly && !isTest(file))
      addEdge(layerEdges, fromLayer, toLayer, rel(file));
  }
}

/** strongly connected components with more than one node (Tarjan) */
function cycles(edges) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

for (const [what, edges] of [
  ["modules", moduleEdges],
  ["layers", layerEdges],
]) {
  for (const comp of cycles(edges)) {
    const links = comp.flatMap((a) =>
      comp.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${edges.get(a).get(b)})`),
    );
    violations.push(`import cycle between ${what} ${comp.join(", ")}: ${links.join("; ")}`);
  }
}

if (violations.length) {
  for (const v of violations) console.log(v);
  console.log(`${violations.length} import rule violation(s)`);
  process.exit(1);
}
console.log(
  `import rules hold: ${moduleEdges.size} modules, ${[...moduleEdges.values()].reduce((n, m) => n + m.size, 0)} module dependencies, no cycles`,
);
