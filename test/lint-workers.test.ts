/**
 * Worker threads: the same corpus linted in-process and with 1 and 2 workers gives byte-identical JSON, with
 * findings from the per-document checks (done in the workers) and from the cross-object rules (main thread).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateCorpus } from '../scripts/bench-corpus.js';
import { spawnCli } from '../src/testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'talium-workers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lint with worker threads', () => {
  it('output is identical for --workers 0, 1 and 2', () => {
    generateCorpus(dir, 60);
    // a few findings of each origin: YAML (worker load), truthy (worker checks), duplicate IP (main-thread rule)
    writeFileSync(join(dir, 'apps', 'broken.yaml'), 'a: [1,\n');
    writeFileSync(join(dir, 'apps', 'settings.yaml'), 'feature: on\nweird: .inf\n');
    writeFileSync(join(dir, 'apps', 'dup-ip.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\n  namespace: other\n  annotations:\n    lbipam.cilium.io/ips: "10.50.10.20"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n');
    const runs = ['0', '1', '2'].map((w) => spawnCli(['lint', '--format', 'json', '--workers', w], { cwd: dir }));
    for (const r of runs) assert.equal(r.code, 1, r.stderr);
    assert.equal(runs[1]!.stdout, runs[0]!.stdout);
    assert.equal(runs[2]!.stdout, runs[0]!.stdout);
    const ids = new Set((JSON.parse(runs[0]!.stdout) as { diagnostics: Array<{ ruleId: string; file: string }> }).diagnostics.map((d) => `${d.file} ${d.ruleId}`));
    assert.ok(ids.has('apps/broken.yaml yaml/syntax'), [...ids].join('\n'));
    assert.ok(ids.has('apps/settings.yaml yaml/truthy'), [...ids].join('\n'));
    assert.ok([...ids].some((x) => x.startsWith('apps/dup-ip.yaml ') || x.startsWith('apps/team-00/app-00000/app.yaml ')), [...ids].join('\n'));
  });
});
