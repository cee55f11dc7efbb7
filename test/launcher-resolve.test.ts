/**
 * The CommonJS launcher's import.meta.resolve (scripts/talium.cjs resolveImport): the bundle resolves the model packages
 * and every import of their validators through it, so it must give exactly what import.meta.resolve gives, for every
 * specifier the `_schemas` modules of every model package import, the packages themselves, and specifiers that do
 * not resolve (a missing package throws in both, a missing validator file resolves to its path in both).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_PACKAGES } from '../src/schema/k8s-models.js';

const ROOT = process.cwd();
const launcher = createRequire(import.meta.url)(path.join(ROOT, 'scripts', 'talium.cjs')) as { resolveImport: (spec: string, fromDir?: string) => string };
const BUNDLE_DIR = path.join(ROOT, 'dist', 'src', 'bundle');

/** import.meta.resolve's answer or the error code it throws. */
function esm(spec: string): string {
  try {
    return import.meta.resolve(spec);
  } catch (e) {
    return `throws ${(e as { code?: string }).code}`;
  }
}

function cjs(spec: string, from = BUNDLE_DIR): string {
  try {
    return launcher.resolveImport(spec, from);
  } catch (e) {
    return `throws ${(e as { code?: string }).code}`;
  }
}

/** Every bare specifier imported by a `_schemas` module of the model packages (and the packages they name). */
function validatorSpecifiers(): string[] {
  const specs = new Set<string>();
  const dirs = new Set<string>();
  for (const p of MODEL_PACKAGES) dirs.add(path.dirname(fileURLToPath(import.meta.resolve(p.source))));
  for (let more = true; more; ) {
    more = false;
    for (const dir of [...dirs]) {
      let names: string[];
      try {
        names = readdirSync(path.join(dir, '_schemas')).filter((n) => n.endsWith('.js'));
      } catch {
        continue;
      }
      for (const n of names) {
        for (const m of readFileSync(path.join(dir, '_schemas', n), 'utf8').matchAll(/(?:^|[;}\s])import\s*(?:\{[^}]*\}|\w+|\*\s*as\s+\w+)\s*from\s*"([^"]+)"/g)) {
          const spec = m[1]!;
          if (spec.startsWith('.') || specs.has(spec)) continue;
          specs.add(spec);
          // a package named only by a validator's import (apimachinery): read its _schemas too
          const pkgDir = path.dirname(fileURLToPath(import.meta.resolve(spec)));
          const top = pkgDir.slice(0, pkgDir.lastIndexOf(`${path.sep}_schemas`) === -1 ? pkgDir.length : pkgDir.lastIndexOf(`${path.sep}_schemas`));
          if (!dirs.has(top)) {
            dirs.add(top);
            more = true;
          }
        }
      }
    }
  }
  return [...specs].sort();
}

test('resolveImport gives import.meta.resolve\'s answer for every specifier the model validators import', () => {
  const specs = validatorSpecifiers();
  // (the validators import the apimachinery, core, gateway-api and validate packages: 37 distinct modules here)
  assert.ok(specs.length > 30, `${specs.length} specifiers`);
  assert.ok(specs.some((s) => s.startsWith('@kubernetes-models/apimachinery/_schemas/')));
  assert.ok(specs.some((s) => s.startsWith('kubernetes-models/_schemas/')));
  assert.ok(specs.includes('@kubernetes-models/validate/runtime/ucs2length'));
  const differ = specs.filter((s) => cjs(s) !== esm(s));
  assert.deepEqual(differ.map((s) => [s, cjs(s), esm(s)]), []);
});

test('resolveImport: the model packages, packages without exports, and specifiers that do not resolve', () => {
  const specs = [
    ...MODEL_PACKAGES.map((p) => p.source),
    '@kubernetes-models/apimachinery',
    '@kubernetes-models/validate',
    // packages without `exports` (the main field)
    'ajv',
    'js-yaml',
    // a missing validator file under a pattern: its path, unresolved, in both
    'kubernetes-models/_schemas/NoSuchSchema',
    // not exported, missing packages
    'kubernetes-models/no-such-subpath',
    '@kubernetes-models/no-such-package',
    'no-such-package-talium',
  ];
  for (const s of specs) assert.equal(cjs(s), esm(s), s);
  assert.match(cjs('kubernetes-models'), /^file:\/\/.*\/kubernetes-models\/index\.js$/);
  assert.match(cjs('no-such-package-talium'), /^throws /);
  assert.match(cjs('kubernetes-models/no-such-subpath'), /^throws /);
  // resolved from the launcher's folder too: the same answer (one node_modules for both)
  assert.equal(cjs('kubernetes-models/_schemas/IoK8sApiCoreV1Service', path.join(ROOT, 'scripts')), esm('kubernetes-models/_schemas/IoK8sApiCoreV1Service'));
});
