/**
 * A folder linted from outside (`talium lint ../repo`, `talium lint /abs/repo`): file names start with `../`, and
 * references between its files (Kustomize resources and patches, overlays of a HelmRelease) resolve as they do
 * when talium runs inside it, so the findings are the same apart from the path prefix.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { ciliumHelmReleaseText, EGRESS_GATEWAY_POLICY_TEXT } from '../src/testing/schema-docs.js';

const repos = tempRepos('talium-outside-');
after(repos.cleanup);

const EGW = EGRESS_GATEWAY_POLICY_TEXT;

interface Diag {
  ruleId: string;
  file: string;
  range: { start: { line: number; column: number } };
}

async function findings(cwd: string, target: string, prefix: string): Promise<string[]> {
  const r = await runCli(['lint', target, '--format', 'json', '--no-cache'], { cwd });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics.map((d) => {
    assert.ok(d.file.startsWith(prefix), `${d.file} starts with ${prefix}`);
    return `${d.ruleId} ${d.file.slice(prefix.length)}:${d.range.start.line}:${d.range.start.column}`;
  });
}

test('linting a folder from outside it gives the findings of linting it from inside', async () => {
  const dir = repos.repo({
    'cilium/base/kustomization.yaml': 'resources: [helmrelease.yaml, egress.yaml]\n',
    'cilium/base/helmrelease.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}'], '1.18.8'),
    'cilium/base/egress.yaml': EGW,
    'cilium/overlays/lab/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: values.yaml\n',
    'cilium/overlays/lab/values.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  values:\n    k8sServiceHost: 10.0.0.10\n',
  });
  const inside = await findings(dir, '.', '');
  // the patch file is a partial object (no schema/required), the overlay renders: the egress policy is judged
  assert.ok(inside.some((f) => f.startsWith('cilium/feature-off cilium/base/egress.yaml:2')), inside.join('\n'));
  assert.ok(!inside.some((f) => f.startsWith('schema/required')), inside.join('\n'));
  // from a sibling folder: `../rN/...`
  const sibling = join(dirname(dir), 'elsewhere');
  mkdirSync(sibling, { recursive: true });
  const rel = relative(sibling, dir);
  assert.ok(rel.startsWith('..'));
  assert.deepEqual(await findings(sibling, rel, `${rel}/`), inside);
  assert.deepEqual(await findings(sibling, dir, `${rel}/`), inside);
  // from a folder inside it, naming the repository above: the same findings, named from that folder
  const base = join(dir, 'cilium', 'base');
  const fromBase = await findings(base, '../..', '');
  const back = (f: string) => f.replace(/ (\S+):/, (_m, file: string) => ` ${relative(dir, resolve(base, file)).split('\\').join('/')}:`);
  assert.deepEqual(fromBase.map(back).sort(), [...inside].sort());
  assert.ok(fromBase.some((f) => f.includes(' egress.yaml:')), fromBase.join('\n'));
});

test('from outside, repository-relative paths (Flux spec.path and its substitutions) and absence findings are those of a run inside', async () => {
  const dir = repos.repo({
    'flux/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/cilium\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n  postBuild:\n    substitute: {KPR: strict}\n',
    'apps/cilium/hr.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: ${KPR}'], '1.18.8'),
    'apps/cilium/egw.yaml': EGW,
  });
  const inside = await findings(dir, '.', '');
  assert.ok(inside.some((f) => f.startsWith('cilium/kpr-value apps/cilium/hr.yaml')), inside.join('\n'));
  assert.ok(inside.some((f) => f.startsWith('cilium/feature-off apps/cilium/egw.yaml')), inside.join('\n'));
  const sibling = join(dirname(dir), 'elsewhere2');
  mkdirSync(sibling, { recursive: true });
  const rel = relative(sibling, dir);
  assert.deepEqual(await findings(sibling, rel, `${rel}/`), inside);
});

test('from outside: --suppressions-location is relative to the working directory, messages name files from there', async () => {
  const dir = repos.repo({ 'cilium/hr.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}'], '1.18.8'), 'cilium/egw.yaml': EGW });
  const sibling = join(dirname(dir), 'elsewhere3');
  mkdirSync(sibling, { recursive: true });
  const rel = relative(sibling, dir);
  const all = await runCli(['lint', rel, '--suppress-all', '--suppressions-location', 'mine.json', '--format', 'json', '--no-cache'], { cwd: sibling });
  assert.equal(all.code, 0, all.stderr);
  assert.ok(existsSync(join(sibling, 'mine.json')) && !existsSync(join(dir, 'mine.json')));
  const again = await runCli(['lint', rel, '--suppressions-location', 'mine.json', '--format', 'json', '--no-cache'], { cwd: sibling });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /suppressed by mine\.json/);
  // the default location is the linted folder's own file, named from the working directory in messages
  const def = await runCli(['lint', rel, '--suppress-all', '--format', 'json', '--no-cache'], { cwd: sibling });
  assert.equal(def.code, 0, def.stderr);
  assert.ok(existsSync(join(dir, 'talium-suppressions.json')));
  const inside = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
  assert.equal(inside.code, 0, inside.stderr);
  assert.match(inside.stderr, /suppressed by talium-suppressions\.json/);
  const outside = await runCli(['lint', rel, '--format', 'json', '--no-cache'], { cwd: sibling });
  assert.ok(outside.stderr.includes(`suppressed by ${rel}/talium-suppressions.json`), outside.stderr);
});

test('the stylish summary names the command that fixes this run: its folder, files and options, shell-quoted', async () => {
  const dir = repos.repo({ 'my cilium/values.yaml': 'kubeProxyReplacement: strict\n', 'talium.config.yaml': 'versions:\n  cilium: "1.18.8"\n' });
  const fixLine = (stdout: string) => stdout.split('\n').find((l) => l.includes(' fixable with '))?.replace(/^.* fixable with `(.*)`$/, '$1');
  const sibling = join(dirname(dir), `${dir.split('/').pop()}-sibling`);
  mkdirSync(sibling, { recursive: true });
  const rel = relative(sibling, dir);
  const outside = await runCli(['lint', rel, '--no-cache'], { cwd: sibling });
  assert.equal(fixLine(outside.stdout), `talium lint --fix ${rel}`);
  const inside = await runCli(['lint', '--no-cache'], { cwd: dir });
  assert.equal(fixLine(inside.stdout), 'talium lint --fix');
  const file = await runCli(['lint', '--only-files', 'my cilium/values.yaml', '--no-cache'], { cwd: dir });
  assert.equal(fixLine(file.stdout), "talium lint --fix --only-files 'my cilium/values.yaml'");
  const config = await runCli(['lint', '-c', 'talium.config.yaml', 'my cilium', '--no-cache'], { cwd: dir });
  assert.equal(fixLine(config.stdout), "talium lint --fix --config talium.config.yaml 'my cilium'");
  // and it does fix what was found
  const fixed = await runCli(['lint', '--fix', rel, '--no-cache', '--format', 'json'], { cwd: sibling });
  assert.deepEqual((JSON.parse(fixed.stdout) as { diagnostics: Diag[] }).diagnostics.filter((d) => d.ruleId === 'cilium/kpr-value'), []);
});

test('the fix command of a folder or configuration named with a leading dash parses (-- before the paths, --config=)', async () => {
  const dir = repos.repo({ '-cilium/values.yaml': 'kubeProxyReplacement: strict\n', '-talium.yaml': 'versions:\n  cilium: "1.18.8"\n' });
  const fixLine = (stdout: string) => stdout.split('\n').find((l) => l.includes(' fixable with '))?.replace(/^.* fixable with `(.*)`$/, '$1');
  const r = await runCli(['lint', '--config=-talium.yaml', '--no-cache', '--', '-cilium'], { cwd: dir });
  const cmd = fixLine(r.stdout);
  assert.equal(cmd, 'talium lint --fix --config=-talium.yaml -- -cilium');
  // the printed words, run as they are, fix what was found
  const words = cmd!.split(' ').slice(1);
  const fixed = await runCli([words[0]!, '--no-cache', '--format', 'json', ...words.slice(1)], { cwd: dir });
  assert.match(fixed.stderr, /fixed 1 problem/);
  assert.deepEqual((JSON.parse(fixed.stdout) as { diagnostics: Diag[] }).diagnostics.filter((d) => d.ruleId === 'cilium/kpr-value'), []);
});

test('from outside: --fix names the files it leaves alone from the working directory, as the report does', async () => {
  const cidr = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata:\n  name: office\nspec:\n  externalCIDRs:\n    - 192.0.2.0/24\n';
  const dir = repos.repo({ 'cilium/hr.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true'], '1.18.8'), 'cilium/cidr.yaml': cidr });
  chmodSync(join(dir, 'cilium/cidr.yaml'), 0o444);
  const sibling = join(dirname(dir), 'elsewhere4');
  mkdirSync(sibling, { recursive: true });
  const rel = relative(sibling, dir);
  const r = await runCli(['lint', rel, '--fix', '--format', 'json', '--no-cache'], { cwd: sibling });
  const out = JSON.parse(r.stdout) as { fix: { skipped: Array<{ file: string; reason: string }> } };
  assert.deepEqual(out.fix.skipped.map((s) => [s.file, s.reason]), [[`${rel}/cilium/cidr.yaml`, 'read-only']]);
  assert.ok(r.stderr.includes(`--fix left ${rel}/cilium/cidr.yaml alone`), r.stderr);
});
