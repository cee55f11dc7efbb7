/**
 * `npm run fuzz -- [--seed N] [--cases N] [--compare-every N] [--fix-every N] [--variant-every N] [--root DIR]`: a long
 * seeded fuzz run over the YAML reading paths (src/testing/fuzz-reading.ts). Prints a summary and each failing case
 * (seed, files, mutations; its files are kept under the root); exit 1 when any case failed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz, loadSamples } from '../src/testing/fuzz-reading.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    cases: { type: 'string', default: '500' },
    'compare-every': { type: 'string', default: '10' },
    'fix-every': { type: 'string', default: '5' },
    'variant-every': { type: 'string', default: '3' },
    corpus: { type: 'string' },
    root: { type: 'string' },
  },
});
const repoRoot = process.cwd();
const corpus = values.corpus ?? resolve(repoRoot, '../shared/corpus');
const samples = loadSamples(corpus, repoRoot);
const root = values.root ?? mkdtempSync(join(tmpdir(), 'talium-fuzz-'));
const t0 = Date.now();
const report = await fuzz({
  seed: Number(values.seed),
  cases: Number(values.cases),
  root,
  samples,
  compareEvery: Number(values['compare-every']),
  fixEvery: Number(values['fix-every']),
  variantEvery: Number(values['variant-every']),
  onCase: (i, fails) => {
    if (fails.length) process.stderr.write(`case ${i} (seed ${Number(values.seed) + i}): ${fails.map((f) => f.kind).join(', ')}\n`);
    else if ((i + 1) % 100 === 0) process.stderr.write(`${i + 1} cases, ${Math.round((Date.now() - t0) / 1000)} s\n`);
  },
});
process.stdout.write(`${samples.length} samples; ${report.cases} cases (${report.compared} compared cold/warm/workers, ${report.fixed} with --fix), ${report.failures.length} failing; root ${root}\n`);
for (const f of report.failures) {
  process.stdout.write(`\ncase ${f.case} seed ${f.seed} (${f.dir})\n`);
  for (const file of f.files) process.stdout.write(`  ${file.path} ← ${file.origin} [${file.applied.join(', ')}] ${file.size} B\n`);
  for (const x of f.failures) process.stdout.write(`  ${x.kind}: ${x.detail.replace(/\n/g, '\n    ')}\n`);
}
process.exitCode = report.failures.length ? 1 : 0;
