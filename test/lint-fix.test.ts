/**
 * `talium lint --fix`: the text edits (src/lint/fix.ts: guards, overlaps, BOM, CRLF, file mode, symlinks, a file
 * changed since the lint) and the CLI end to end (child processes): the corrections each producing rule offers, the
 * relint after them, idempotence, --only-files, and the `fix` object in JSON output.
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import type { Fix } from '../src/core/diagnostic.js';
import { applyFixes, applyToText } from '../src/lint/fix.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-lint-fix-');
after(repos.cleanup);

const at = (line: number, column: number, endColumn: number, text: string, expect: string): Fix => ({ range: { start: { line, column }, end: { line, column: endColumn } }, text, expect });

describe('applyToText', () => {
  it('replaces tokens that still read as expected, right to left, bare or quoted', () => {
    const text = 'a: No\nb: "cilium.io/v2alpha1"\nc: x  # on\n';
    const r = applyToText(text, [at(1, 4, 6, '"No"', 'No'), at(2, 4, 24, 'cilium.io/v2', 'cilium.io/v2alpha1')]);
    assert.equal(r.text, 'a: "No"\nb: cilium.io/v2\nc: x  # on\n');
    assert.deepEqual(r.applied.map((f) => f.text), ['"No"', 'cilium.io/v2']);
  });

  it('a text with lone CR line endings: positions count a lone CR as a line break, and the CRs are kept', () => {
    const text = 'a: No\rb: "cilium.io/v2alpha1"\rc: x\r';
    const r = applyToText(text, [at(1, 4, 6, '"No"', 'No'), at(2, 4, 24, 'cilium.io/v2', 'cilium.io/v2alpha1')]);
    assert.equal(r.text, 'a: "No"\rb: cilium.io/v2\rc: x\r');
  });

  it('a text that starts with a byte-order mark (a second one, the file\'s first removed): offsets count it as lint did', () => {
    const text = '\ufeff# values\na: No\n';
    assert.equal(applyToText(text, [at(2, 4, 6, '"No"', 'No')]).text, '\ufeff# values\na: "No"\n');
    assert.equal(applyToText(text, [at(1, 1, 2, 'x', '\ufeff')]).applied.length, 1, 'the BOM itself is at 1:1');
  });

  it('leaves a token that reads otherwise, spans lines or lies outside the text', () => {
    const text = 'a: ${FLAG}\nb: |\n  x\n';
    assert.deepEqual(applyToText(text, [at(1, 4, 11, '"No"', 'No')]), { text, applied: [] });
    assert.deepEqual(applyToText(text, [{ range: { start: { line: 2, column: 4 }, end: { line: 3, column: 4 } }, text: 'y', expect: '|\n  x' }]), { text, applied: [] });
    assert.deepEqual(applyToText(text, [at(9, 1, 2, 'x', 'a')]), { text, applied: [] });
    assert.deepEqual(applyToText(text, [at(1, 40, 42, 'x', 'a')]), { text, applied: [] });
  });

  it('of overlapping fixes the first wins; the same fix twice is applied once', () => {
    const text = 'k: strict\n';
    assert.deepEqual(applyToText(text, [at(1, 4, 10, 'true', 'strict'), at(1, 4, 10, 'true', 'strict'), at(1, 6, 8, 'X', 'ri')]), { text: 'k: true\n', applied: [at(1, 4, 10, 'true', 'strict')] });
  });

  it('applies none of the fixes that ask for different texts at one token', () => {
    const text = 'apiVersion: cilium.io/v2alpha1\nx: No\n';
    const r = applyToText(text, [at(1, 13, 31, 'cilium.io/v2', 'cilium.io/v2alpha1'), at(1, 13, 31, 'cilium.io/v2beta1', 'cilium.io/v2alpha1'), at(2, 4, 6, '"No"', 'No')]);
    assert.deepEqual(r, { text: 'apiVersion: cilium.io/v2alpha1\nx: "No"\n', applied: [at(2, 4, 6, '"No"', 'No')] });
  });

  it('a big file with many fixes: every fix applied (one pass: a copy of the text per fix would take minutes)', () => {
    const lines = 100_000;
    const r = applyToText('flag: No\n'.repeat(lines), Array.from({ length: lines }, (_, i) => at(i + 1, 7, 9, '"No"', 'No')));
    assert.equal(r.applied.length, lines);
    assert.equal(r.text, 'flag: "No"\n'.repeat(lines));
  });

  it('counts columns in UTF-16 units and keeps CRLF line ends', () => {
    const text = 'n: "é😀"\r\nflag: off\r\n';
    assert.equal(applyToText(text, [at(2, 7, 10, '"off"', 'off')]).text, 'n: "é😀"\r\nflag: "off"\r\n');
  });
});

describe('applyFixes', () => {
  const fixFor = (file: string): { file: string; fix: Fix } => ({ file, fix: at(1, 7, 9, '"No"', 'No') });
  const diag = (x: { file: string; fix: Fix }) => ({ ruleId: 'schema/yaml11-boolean', severity: 'error' as const, message: 'm', help: 'h', file: x.file, range: x.fix.range, fix: x.fix });

  it('keeps the BOM and the file mode, writes through a symlink, and obeys the file filter', () => {
    const dir = repos.repo({ 'a.yaml': '\ufeffflag: No\n', 'b.yaml': 'flag: No\n', 'c.yaml': 'flag: No\n' });
    chmodSync(join(dir, 'a.yaml'), 0o640);
    symlinkSync('b.yaml', join(dir, 'link.yaml'));
    const sources = new Map([
      ['a.yaml', 'flag: No\n'],
      ['link.yaml', 'flag: No\n'],
      ['c.yaml', 'flag: No\n'],
    ]);
    const r = applyFixes(dir, ['a.yaml', 'link.yaml', 'c.yaml'].map((f) => diag(fixFor(f))), sources, (f) => f !== 'c.yaml');
    assert.deepEqual(r, {
      applied: ['a.yaml', 'link.yaml'].map((file) => ({ file, ruleId: 'schema/yaml11-boolean', ...fixFor(file).fix })),
      files: ['a.yaml', 'link.yaml'],
      skipped: [],
    });
    assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), '\ufeffflag: "No"\n');
    assert.equal(statSync(join(dir, 'a.yaml')).mode & 0o777, 0o640);
    assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), 'flag: "No"\n');
    assert.equal(readFileSync(join(dir, 'c.yaml'), 'utf8'), 'flag: No\n');
  });

  it('leaves read-only files alone, and a text an earlier pass had (corrections that undo each other)', () => {
    const dir = repos.repo({ 'ro.yaml': 'flag: No\n', 'flip.yaml': 'flag: No\n' });
    chmodSync(join(dir, 'ro.yaml'), 0o444);
    const history = new Map([['flip.yaml', new Set(['flag: "No"\n'])]]);
    const r = applyFixes(dir, [diag(fixFor('ro.yaml')), diag(fixFor('flip.yaml'))], new Map([['ro.yaml', 'flag: No\n'], ['flip.yaml', 'flag: No\n']]), undefined, history);
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.skipped.map((x) => [x.file, x.reason]), [
      ['flip.yaml', 'undoes-earlier'],
      ['ro.yaml', 'read-only'],
    ]);
    assert.equal(readFileSync(join(dir, 'ro.yaml'), 'utf8'), 'flag: No\n');
  });

  it('does not write a correction that would break the YAML (a quoted token inside a double-quoted string)', () => {
    // `flag: No` inside an Argo CD-style double-quoted values string: "No" with its quotes would end the outer string
    const inQuoted = 'values: "flag: No"\n';
    const plain = 'flag: No\n';
    const dir = repos.repo({ 'q.yaml': inQuoted, 'p.yaml': plain });
    const qFix = { file: 'q.yaml', fix: at(1, 16, 18, '"No"', 'No') };
    const r = applyFixes(dir, [diag(qFix), diag(fixFor('p.yaml'))], new Map([['q.yaml', inQuoted], ['p.yaml', plain]]));
    assert.deepEqual(r.skipped, [{ file: 'q.yaml', reason: 'breaks-yaml' }]);
    assert.deepEqual(r.files, ['p.yaml']);
    assert.equal(readFileSync(join(dir, 'q.yaml'), 'utf8'), inQuoted);
    // the same correction in single quotes keeps the outer string valid: written
    const single = "values: 'flag: No'\n";
    const dir2 = repos.repo({ 's.yaml': single });
    const r2 = applyFixes(dir2, [diag({ file: 's.yaml', fix: at(1, 16, 18, '"No"', 'No') })], new Map([['s.yaml', single]]));
    assert.deepEqual(r2.skipped, []);
    assert.equal(readFileSync(join(dir2, 's.yaml'), 'utf8'), `values: 'flag: "No"'\n`);
    // a file that was broken before is not held to it (its other errors are the lint's business)
    const broken = 'flag: No\nbad: [1, 2\n';
    const dir3 = repos.repo({ 'b.yaml': broken });
    const r3 = applyFixes(dir3, [diag(fixFor('b.yaml'))], new Map([['b.yaml', broken]]));
    assert.deepEqual(r3.files, ['b.yaml']);
  });

  it('skips a file changed since it was linted, and one it cannot read', () => {
    const dir = repos.repo({ 'a.yaml': 'flag: No\n' });
    writeFileSync(join(dir, 'a.yaml'), 'flag: No\nmore: 1\n');
    const r = applyFixes(dir, [diag(fixFor('a.yaml')), diag(fixFor('gone.yaml'))], new Map([['a.yaml', 'flag: No\n'], ['gone.yaml', 'flag: No\n']]));
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.skipped, [
      { file: 'a.yaml', reason: 'changed' },
      { file: 'gone.yaml', reason: 'unreadable', code: 'ENOENT' },
    ]);
    assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'flag: No\nmore: 1\n');
  });
});

interface Out {
  diagnostics: Array<{ ruleId: string; messageId?: string; file: string; fix?: { text: string; expect: string; range: { start: { line: number; column: number } } } }>;
  fix?: {
    applied: Array<{ file: string; ruleId: string; text: string; expect: string; range: { start: { line: number; column: number } } }>;
    skipped: Array<{ file: string; reason: string; code?: string }>;
  };
}

/** What --fix says it wrote (JSON `fix.applied`), in the form of `fixes`. */
const applied = (o: Out): string[] => (o.fix?.applied ?? []).map((a) => `${a.file}:${a.range.start.line}:${a.range.start.column} ${a.ruleId} ${a.expect} -> ${a.text}`);

async function lintJson(dir: string, args: string[] = []): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout) as Out, stderr: r.stderr };
}

const fixes = (o: Out): string[] => o.diagnostics.filter((d) => d.fix).map((d) => `${d.file}:${d.fix!.range.start.line}:${d.fix!.range.start.column} ${d.ruleId} ${d.fix!.expect} -> ${d.fix!.text}`);

const RELEASE = (version: string, kpr: string): string =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: cilium\n      version: ${version}\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n    kubeProxyReplacement: ${kpr}\n    k8sServiceHost: localhost\n    k8sServicePort: 7445\n    rollOutCiliumPods: true\n    operator:\n      rollOutPods: true\n`;
const POOL = (apiVersion: string, extra = ''): string => `apiVersion: ${apiVersion}\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:${extra}\n  blocks:\n    - cidr: 10.50.0.224/28\n`;
const TALOS = 'machine:\n  features:\n    kubePrism:\n      enabled: yes\n      port: 7445\n';
const SVC = (annotations: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n${annotations}spec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;

describe('talium lint --fix (child process)', () => {
  it('offers the corrections in JSON, writes them, lints again and reports what is left; a second run changes nothing', async () => {
    const dir = repos.repo({
      'cilium/helmrelease.yaml': RELEASE('1.19.6', 'strict'),
      'cilium/pool.yaml': POOL('"cilium.io/v2alpha1"', '\n  allowFirstLastIPs: No'),
      'talos/patch.yaml': TALOS,
      'notes.yaml': 'feature: on\n',
    });
    const before = await lintJson(dir);
    assert.equal(before.code, 1);
    assert.deepEqual(fixes(before.out), [
      'cilium/helmrelease.yaml:16:27 cilium/kpr-value strict -> true',
      'cilium/pool.yaml:1:13 cilium/pool-api-version cilium.io/v2alpha1 -> cilium.io/v2',
      'cilium/pool.yaml:6:22 schema/yaml11-boolean No -> "No"',
      'talos/patch.yaml:4:16 yaml/truthy yes -> true',
    ]);
    const fixed = await lintJson(dir, ['--fix']);
    assert.equal(fixed.code, 0);
    // what it wrote, as the first lint offered it (positions before the write)
    assert.deepEqual(applied(fixed.out), fixes(before.out));
    assert.deepEqual(fixed.out.fix?.skipped, []);
    // a plain `on` outside any schema is ambiguous (string or boolean?): reported, not fixed
    // (the Talos patch makes the group a Talos cluster: cilium/talos-values asks for Talos values, not fixable)
    assert.deepEqual(fixed.out.diagnostics.filter((d) => d.ruleId !== 'cilium/talos-values').map((d) => `${d.file} ${d.ruleId}`), ['notes.yaml yaml/truthy']);
    assert.deepEqual(fixes(fixed.out), []);
    assert.equal(readFileSync(join(dir, 'cilium/pool.yaml'), 'utf8'), POOL('cilium.io/v2', '\n  allowFirstLastIPs: "No"'));
    assert.equal(readFileSync(join(dir, 'cilium/helmrelease.yaml'), 'utf8'), RELEASE('1.19.6', 'true'));
    assert.equal(readFileSync(join(dir, 'talos/patch.yaml'), 'utf8'), TALOS.replace('enabled: yes', 'enabled: true'));
    const again = await lintJson(dir, ['--fix']);
    assert.equal(again.code, 0);
    assert.deepEqual(again.out.fix, { applied: [], skipped: [] });
  });

  it('a file with lone CR line endings (old Mac) is fixed, its CRs kept (before: "changed since it was linted")', async () => {
    const cr = TALOS.replace(/\n/g, '\r');
    const dir = repos.repo({ 'talos/patch.yaml': cr });
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['talos/patch.yaml:4:16 yaml/truthy yes -> true']);
    assert.deepEqual(r.out.fix?.skipped, []);
    assert.equal(readFileSync(join(dir, 'talos/patch.yaml'), 'utf8'), cr.replace('enabled: yes', 'enabled: true'));
  });

  it('a file that starts with two byte-order marks is fixed at the right offsets, both marks kept', async () => {
    const two = `\ufeff\ufeff# joined twice\n${TALOS}`;
    const dir = repos.repo({ 'talos/patch.yaml': two });
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['talos/patch.yaml:5:16 yaml/truthy yes -> true']);
    assert.equal(readFileSync(join(dir, 'talos/patch.yaml'), 'utf8'), two.replace('enabled: yes', 'enabled: true'));
  });

  it('older Cilium: the pool goes back to v2alpha1 and the annotations to the io.cilium/ prefix, unless the map has that key already', async () => {
    const dir = repos.repo({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.15.6"\n',
      'cilium/pool.yaml': POOL('cilium.io/v2'),
      'apps/svc.yaml': SVC('    lbipam.cilium.io/ips: "10.50.0.230"\n'),
      'apps/both.yaml': SVC('    lbipam.cilium.io/sharing-key: "k"\n    io.cilium/lb-ipam-sharing-key: "k"\n    io.cilium/lb-ipam-ips: "10.50.0.231"\n'),
    });
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['apps/svc.yaml:7:5 network/lbipam-annotation-prefix lbipam.cilium.io/ips -> io.cilium/lb-ipam-ips', 'cilium/pool.yaml:1:13 cilium/pool-api-version cilium.io/v2 -> cilium.io/v2alpha1']);
    assert.equal(readFileSync(join(dir, 'cilium/pool.yaml'), 'utf8'), POOL('cilium.io/v2alpha1'));
    assert.equal(readFileSync(join(dir, 'apps/svc.yaml'), 'utf8'), SVC('    io.cilium/lb-ipam-ips: "10.50.0.230"\n'));
    // renaming would duplicate a key: reported, left alone
    assert.deepEqual(r.out.diagnostics.filter((d) => d.ruleId === 'network/lbipam-annotation-prefix').map((d) => [d.file, d.fix]), [['apps/both.yaml', undefined]]);
  });

  it('offers no fix where the token is not the value, where versions disagree, or where no equivalent exists', async () => {
    const argo = (kpr: string): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      parameters:\n        - name: kubeProxyReplacement\n          value: ${kpr}\n`;
    const found = (o: Out, rule: string, file: string) => o.diagnostics.filter((d) => d.ruleId === rule && d.file === file);
    // the finding sits on the parameter's `value` key: nothing to replace there
    const param = await lintJson(repos.repo({ 'argo/cilium.yaml': argo('strict') }));
    assert.equal(found(param.out, 'cilium/kpr-value', 'argo/cilium.yaml').length, 1);
    assert.deepEqual(fixes(param.out), []);
    // one pool file judged by a 1.17 and a 1.19 cluster: each would want another apiVersion
    const shared = await lintJson(
      repos.repo({ 'clusters/a/cilium.yaml': RELEASE('1.17.6', 'true'), 'clusters/b/cilium.yaml': RELEASE('1.19.6', 'true'), 'infrastructure/pool.yaml': POOL('cilium.io/v2alpha1') }),
      ['--fix'],
    );
    assert.equal(found(shared.out, 'cilium/pool-api-version', 'infrastructure/pool.yaml').length, 1);
    assert.deepEqual(fixes(shared.out), []);
    assert.deepEqual(shared.out.fix?.applied, []);
    // probe has no true/false equivalent; before 1.14 Cilium takes no true/false
    for (const files of [{ 'cilium/values.yaml': 'kubeProxyReplacement: probe\nk8sServiceHost: localhost\n' }, { 'old/helmrelease.yaml': RELEASE('1.13.4', 'strict') }] as Array<Record<string, string>>) {
      const r = await lintJson(repos.repo(files));
      assert.deepEqual(
        r.out.diagnostics.filter((d) => d.ruleId === 'cilium/kpr-value').map((d) => [d.file, d.fix]),
        [[Object.keys(files)[0], undefined]],
      );
    }
  });

  it('deprecated Cilium apiVersions: a CIDR group moves to cilium.io/v2 (one shape); a BGP object is reported, not fixed (fields changed)', async () => {
    const group = (apiVersion: string): string => `apiVersion: ${apiVersion}\nkind: CiliumCIDRGroup\nmetadata:\n  name: office\nspec:\n  externalCIDRs:\n    - 192.0.2.0/24\n`;
    const peer = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumBGPPeerConfig\nmetadata:\n  name: router\nspec:\n  transport:\n    localPort: 179\n';
    const dir = repos.repo({ 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.8"\n', 'cilium/group.yaml': group('cilium.io/v2alpha1'), 'cilium/peer.yaml': peer });
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['cilium/group.yaml:1:13 cilium/deprecated-api-version cilium.io/v2alpha1 -> cilium.io/v2']);
    assert.equal(readFileSync(join(dir, 'cilium/group.yaml'), 'utf8'), group('cilium.io/v2'));
    assert.equal(readFileSync(join(dir, 'cilium/peer.yaml'), 'utf8'), peer);
    assert.deepEqual(r.out.diagnostics.filter((d) => d.ruleId === 'cilium/deprecated-api-version').map((d) => [d.file, d.fix]), [['cilium/peer.yaml', undefined]]);
  });

  it('no new apiVersion for a kind a kustomization patches: the overlay still builds with kubectl kustomize', async (t) => {
    const group = (apiVersion: string, cidr: string): string => `apiVersion: ${apiVersion}\nkind: CiliumCIDRGroup\nmetadata:\n  name: office\nspec:\n  externalCIDRs:\n    - ${cidr}\n`;
    const files = {
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.8"\n',
      'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cidr.yaml\n',
      'base/cidr.yaml': group('cilium.io/v2alpha1', '192.0.2.0/24'),
      'overlay/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: office.yaml\n',
      'overlay/office.yaml': group('cilium.io/v2alpha1', '198.51.100.0/24'),
    };
    const dir = repos.repo(files);
    const r = await lintJson(dir, ['--fix']);
    // reported on both documents, fixed on neither
    assert.deepEqual(r.out.diagnostics.filter((d) => d.ruleId === 'cilium/deprecated-api-version').map((d) => [d.file, d.fix]), [['base/cidr.yaml', undefined], ['overlay/office.yaml', undefined]]);
    assert.deepEqual(r.out.fix?.applied, []);
    assert.equal(readFileSync(join(dir, 'base/cidr.yaml'), 'utf8'), files['base/cidr.yaml']);
    const kubectl = spawnSync('kubectl', ['kustomize', join(dir, 'overlay')], { encoding: 'utf8' });
    if (kubectl.error) return t.skip('kubectl not installed');
    assert.equal(kubectl.status, 0, kubectl.stderr);
    assert.match(kubectl.stdout, /198\.51\.100\.0\/24/);
  });

  it('the apiVersion guard: patches by version (Kustomize, Flux spec.patches) or inline strategic-merge patches (YAML or JSON) block the fix; a target by kind and name does not', async () => {
    const pool = (name: string): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n`;
    const cfg = { 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.19.6"\n' };
    const fixed = async (files: Record<string, string>): Promise<string[]> => {
      const r = await lintJson(repos.repo({ ...cfg, ...files }), ['--fix']);
      return (r.out.fix?.applied ?? []).map((a) => a.file);
    };
    const fluxKs = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: pools\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./pools\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n  patches:\n    - target: {group: cilium.io, version: v2alpha1, kind: CiliumLoadBalancerIPPool}\n      patch: |\n        - op: add\n          path: /spec/disabled\n          value: false\n';
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool('lan'), 'flux/pools.yaml': fluxKs }), []);
    const jsonPatch = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pool.yaml]\npatches:\n  - patch: \'{"apiVersion": "cilium.io/v2alpha1", "kind": "CiliumLoadBalancerIPPool", "metadata": {"name": "lan"}, "spec": {"disabled": true}}\'\n';
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool('lan'), 'pools/kustomization.yaml': jsonPatch }), []);
    const byName = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pool.yaml]\npatches:\n  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |\n      - op: add\n        path: /spec/disabled\n        value: true\n';
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool('lan'), 'pools/kustomization.yaml': byName }), ['pools/pool.yaml']);
  });

  it('no new apiVersion in a run over part of the tree: a kustomization it did not read may patch the kind by version', async (t) => {
    const group = (cidr: string): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata:\n  name: office\nspec:\n  externalCIDRs:\n    - ${cidr}\n`;
    const files = {
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.8"\n',
      'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cidr.yaml\n',
      'base/cidr.yaml': group('192.0.2.0/24'),
      'overlay/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: office.yaml\n',
      'overlay/office.yaml': group('198.51.100.0/24'),
    };
    for (const path of ['base', 'base/cidr.yaml']) {
      const dir = repos.repo(files);
      const r = await lintJson(dir, ['--fix', path]);
      assert.deepEqual(r.out.diagnostics.filter((d) => d.ruleId === 'cilium/deprecated-api-version').map((d) => [d.file, d.fix]), [['base/cidr.yaml', undefined]], path);
      assert.deepEqual(r.out.fix?.applied, [], path);
      assert.equal(readFileSync(join(dir, 'base/cidr.yaml'), 'utf8'), files['base/cidr.yaml'], path);
      const kubectl = spawnSync('kubectl', ['kustomize', join(dir, 'overlay')], { encoding: 'utf8' });
      if (kubectl.error) return t.skip('kubectl not installed');
      assert.equal(kubectl.status, 0, kubectl.stderr);
    }
  });

  it('the apiVersion guard: a target by version without a kind, or with a kind regex, matches every kind it names; Argo CD kustomize patches count', async () => {
    const pool = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n';
    const cfg = { 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.19.6"\n' };
    const fixed = async (files: Record<string, string>): Promise<string[]> => {
      const r = await lintJson(repos.repo({ ...cfg, ...files }), ['--fix']);
      return (r.out.fix?.applied ?? []).map((a) => a.file);
    };
    const ks = (target: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pool.yaml]\npatches:\n  - target: ${target}\n    patch: |\n      - op: add\n        path: /metadata/labels\n        value: {team: net}\n`;
    // kustomize selects every cilium.io/v2alpha1 object here; after the fix the pool would not get the label
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool, 'pools/kustomization.yaml': ks('{group: cilium.io, version: v2alpha1}') }), []);
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool, 'pools/kustomization.yaml': ks('{version: v2alpha1, kind: "Cilium.*Pool"}') }), []);
    const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: pools\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://example.com/repo.git\n    path: pools\n    kustomize:\n      patches:\n        - target: {version: v2alpha1, kind: CiliumLoadBalancerIPPool}\n          patch: |\n            - op: add\n              path: /spec/disabled\n              value: false\n';
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool, 'argocd/pools.yaml': app }), []);
    // a target by kind and name alone still matches after the change
    assert.deepEqual(await fixed({ 'pools/pool.yaml': pool, 'pools/kustomization.yaml': ks('{kind: CiliumLoadBalancerIPPool, name: lan}') }), ['pools/pool.yaml']);
  });

  it('the L2 policy back to cilium.io/v2alpha1, and a pool\'s cidrs renamed to blocks from 1.15 (not when blocks is there)', async () => {
    const l2 = (apiVersion: string): string => `apiVersion: ${apiVersion}\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n`;
    const cidrs = (extra = ''): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  cidrs:\n    - cidr: 10.50.0.224/28\n${extra}`;
    const dir = repos.repo({ 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.16.3"\n', 'l2.yaml': l2('cilium.io/v2'), 'pool.yaml': cidrs() });
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['l2.yaml:1:13 cilium/l2-policy-api-version cilium.io/v2 -> cilium.io/v2alpha1', 'pool.yaml:6:3 cilium/pool-legacy-cidrs cidrs -> blocks']);
    assert.equal(readFileSync(join(dir, 'l2.yaml'), 'utf8'), l2('cilium.io/v2alpha1'));
    assert.equal(readFileSync(join(dir, 'pool.yaml'), 'utf8'), cidrs().replace('  cidrs:', '  blocks:'));
    for (const files of [
      { 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.14.9"\n', 'pool.yaml': cidrs() },
      { 'pool.yaml': cidrs('  blocks:\n    - cidr: 10.50.1.0/28\n') },
    ] as Array<Record<string, string>>) {
      const left = await lintJson(repos.repo(files));
      assert.deepEqual(left.out.diagnostics.filter((d) => d.ruleId === 'cilium/pool-legacy-cidrs').map((d) => d.fix), [undefined]);
    }
  });

  it('works from a replayed result too (the run cache answers the first lint of an unchanged tree)', async () => {
    const dir = repos.repo({ 'pool.yaml': POOL('cilium.io/v2', '\n  allowFirstLastIPs: No') });
    for (let i = 0; i < 2; i++) await runCli(['lint', '--format', 'json'], { cwd: dir });
    const r = await runCli(['lint', '--format', 'json', '--fix'], { cwd: dir });
    assert.deepEqual(applied(JSON.parse(r.stdout) as Out), ['pool.yaml:6:22 schema/yaml11-boolean No -> "No"']);
    assert.equal(readFileSync(join(dir, 'pool.yaml'), 'utf8'), POOL('cilium.io/v2', '\n  allowFirstLastIPs: "No"'));
    assert.equal(r.code, 0);
  });

  it('JSON names the files --fix left alone, with the reason code', async () => {
    const dir = repos.repo({ 'ro.yaml': POOL('cilium.io/v2', '\n  allowFirstLastIPs: No'), 'rw.yaml': POOL('cilium.io/v2', '\n  allowFirstLastIPs: No').replace('name: lan', 'name: other') });
    chmodSync(join(dir, 'ro.yaml'), 0o444);
    const r = await lintJson(dir, ['--fix']);
    assert.deepEqual(applied(r.out), ['rw.yaml:6:22 schema/yaml11-boolean No -> "No"']);
    assert.deepEqual(r.out.fix?.skipped, [{ file: 'ro.yaml', reason: 'read-only' }]);
    // (the two pools overlap: not a finding --fix touches)
    assert.deepEqual(r.out.diagnostics.filter((d) => d.ruleId !== 'network/pool-overlap').map((d) => `${d.file} ${d.ruleId}`), ['ro.yaml schema/yaml11-boolean']);
  });

  it('--only-files changes only the named files', async () => {
    const dir = repos.repo({ 'a.yaml': POOL('cilium.io/v2', '\n  allowFirstLastIPs: No'), 'b.yaml': POOL('cilium.io/v2', '\n  allowFirstLastIPs: No').replace('name: lan', 'name: other') });
    const r = await lintJson(dir, ['--fix', '--only-files', 'a.yaml']);
    assert.deepEqual(applied(r.out), ['a.yaml:6:22 schema/yaml11-boolean No -> "No"']);
    assert.match(readFileSync(join(dir, 'a.yaml'), 'utf8'), /allowFirstLastIPs: "No"/);
    assert.match(readFileSync(join(dir, 'b.yaml'), 'utf8'), /allowFirstLastIPs: No\n/);
    // no YAML among the named files: nothing linted, and the JSON still says what --fix did (nothing)
    const none = await lintJson(dir, ['--fix', '--only-files', 'README.md']);
    assert.deepEqual([none.code, none.out.diagnostics, none.out.fix], [0, [], { applied: [], skipped: [] }]);
  });
});
