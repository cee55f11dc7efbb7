/** `talium plan` on every corpus repository (skipped without ../shared): no crash, and known facts are inferred. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../src/testing/cli.js';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus');

test('talium plan runs on every corpus repository and infers the documented facts', { timeout: 300_000 }, async (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared not present: corpus plan check skipped');
    return;
  }
  const plans: Record<string, Array<Record<string, any>>> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const repo of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name.includes('__')).map((d) => d.name).sort()) {
    const r = await runCli(['plan', '--format', 'json'], { cwd: path.join(CORPUS, repo) });
    assert.equal(r.code, 0, `${repo}: ${r.stderr}`);
    plans[repo] = JSON.parse(r.stdout);
  }
  // cluster-template pattern (INDEX notable): nodes .110-.112, gateway .1, VIP .254 on 192.168.69.0/24 from talconfig
  const axe = plans['axeII__home-ops']?.[0];
  if (axe) {
    assert.deepEqual([axe['lan']?.value, axe['gateway']?.value, axe['vip']?.value], ['192.168.69.0/24', '192.168.69.1', '192.168.69.254']);
    assert.equal(axe['lan'].from.file, 'talos/talconfig.yaml');
    assert.deepEqual(axe['nodes'].map((n: { address?: { value: string } }) => n.address?.value), ['192.168.69.110', '192.168.69.111', '192.168.69.112']);
  }
  // three clusters as clusters/<name> folders (INDEX notable)
  const jory = plans['joryirving__home-ops'];
  if (jory) assert.deepEqual(jory.map((g) => g['cluster']), ['main', 'test', 'utility']);
  // bootstrap (Kustomize helmCharts under talos/) and GitOps releases with their versions (INDEX notable: drift)
  const budi = plans['budimanjojo__home-cluster']?.[0];
  if (budi) {
    const rel = budi['ciliumReleases'].map((x: { engine: string; purpose: string; version?: { value: string } }) => `${x.engine}/${x.purpose}/${x.version?.value}`).sort();
    assert.deepEqual(rel, ['flux/gitops/1.19.1', 'kustomize/bootstrap/1.20.1']);
  }
});
