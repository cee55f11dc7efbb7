/** One finding per mistake: a rule's RuleMeta.supersedes drops the generic finding at the same place. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { dropSuperseded } from '../src/lint/superseded.js';
import type { Rule } from '../src/rules/types.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-superseded-');
after(repos.cleanup);

const diag = (ruleId: string, file: string, line: number, column: number): Diagnostic => ({
  ruleId,
  severity: 'warning',
  message: '',
  help: '',
  file,
  range: { start: { line, column }, end: { line, column } },
});

describe('dropSuperseded', () => {
  const rules = [{ meta: { id: 'a/specific', supersedes: ['schema/unknown-field'] } }] as unknown as Rule[];
  it('drops the superseded finding at the same file and position only', () => {
    const ds = [{ ...diag('schema/unknown-field', 'v.yaml', 3, 5), severity: 'error' as const }, diag('a/specific', 'v.yaml', 3, 5), diag('schema/unknown-field', 'v.yaml', 4, 5), diag('schema/unknown-field', 'w.yaml', 3, 5)];
    assert.deepEqual(
      dropSuperseded(ds, rules).map((d) => `${d.ruleId}@${d.file}:${d.range.start.line} ${d.severity}`),
      // the kept finding takes the higher severity of the two (the exit code stays)
      ['a/specific@v.yaml:3 error', 'schema/unknown-field@v.yaml:4 warning', 'schema/unknown-field@w.yaml:3 warning'],
    );
  });
});

describe('a misspelt cgroup.automount is schema/unknown-field, with or without Talos config', () => {
  // one defect, one rule id across repositories: cilium/talos-values used to report it (superseding the schema's
  // finding) only where Talos config was in view, so repositories keeping theirs as templates got another id
  const VALUES = 'kubeProxyReplacement: true\nipam:\n  mode: kubernetes\ncgroup:\n  automount:\n    enabled: false\n  hostRoot: /sys/fs/cgroup\nk8sServiceHost: localhost\nk8sServicePort: 7445\nsecurityContext:\n  capabilities:\n    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID]\n';
  const TALOS = 'machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n  proxy:\n    disabled: true\n';
  for (const [name, files] of [
    ['Talos config in view', { 'talos/controlplane.yaml': TALOS, 'kubernetes/cilium/values.yaml': VALUES }],
    ['no Talos config', { 'kubernetes/cilium/values.yaml': VALUES }],
  ] as const) {
    it(name, async () => {
      const r = await runCli(['lint', '--format', 'json', '--workers', '0', '--no-cache'], { cwd: repos.repo(files) });
      const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
      const values = out.diagnostics.filter((d) => d.file === 'kubernetes/cilium/values.yaml');
      // nothing else about the values: not the hidden cgroup.autoMount.enabled as unset either
      assert.deepEqual(
        values.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.severity, d.data?.['suggestion']]),
        [['schema/unknown-field', 5, 3, 'error', 'autoMount']],
      );
      assert.equal(r.code, 1);
    });
  }
});

describe('cilium/kpr-value over schema/enum', () => {
  it('a legacy kubeProxyReplacement the 1.16+ values schema rejects is one finding, with its fix', async () => {
    const dir = repos.repo({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.4"\n',
      'cilium/values.yaml': 'kubeProxyReplacement: disabled\nk8sServiceHost: localhost\n',
    });
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
    assert.deepEqual(
      out.diagnostics.filter((d) => d.file === 'cilium/values.yaml').map((d) => [d.ruleId, d.messageId, d.range.start.line, d.range.start.column, d.fix?.text]),
      [['cilium/kpr-value', 'rejected', 1, 23, 'false']],
    );
    assert.equal(r.code, 1);
  });
});

describe('Cilium object rules over the CRD checks', () => {
  it('a pool/L2 apiVersion the Cilium line does not serve, a bad CIDR, an empty block: one finding each, the specific rule', async () => {
    const pool = (name: string, block: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - ${block}\n`;
    const dir = repos.repo({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.17.4"\n',
      'lb/pools.yaml': `${pool('bad-cidr', 'cidr: 10.0.0.0/33')}---\n${pool('empty', '{}')}`,
      'lb/l2.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n',
    });
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
    assert.deepEqual(
      out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`),
      [
        'lb/l2.yaml:1:13 cilium/l2-policy-api-version',
        'lb/pools.yaml:1:13 cilium/pool-api-version',
        'lb/pools.yaml:7:13 network/pool-block-invalid',
        'lb/pools.yaml:9:13 cilium/pool-api-version',
        'lb/pools.yaml:15:7 cilium/pool-block-shape',
      ],
    );
    // with the specific rules off, the generic findings come back
    const off = repos.repo({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.4"\nrules:\n  cilium/l2-policy-api-version: "off"\n  network/pool-block-invalid: "off"\n',
      'lb/pools.yaml': pool('bad-cidr', 'cidr: 10.0.0.0/33'),
      'lb/l2.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n',
    });
    const o = JSON.parse((await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: off })).stdout) as { diagnostics: Diagnostic[] };
    assert.deepEqual(o.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`), ['lb/l2.yaml:1:13 schema/not-served', 'lb/pools.yaml:7:13 schema/format']);
  });
});

describe('cilium/kpr-off-without-kube-proxy over cilium/l2-requires-kpr', () => {
  it('kubeProxyReplacement false with L2 announcements, where Talos disables kube-proxy, is one finding', async () => {
    const dir = repos.repo({
      'talos/controlplane.yaml': 'machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n  proxy:\n    disabled: true\n',
      'cilium/values.yaml': 'kubeProxyReplacement: false\nl2announcements:\n  enabled: true\n',
    });
    const r = await runCli(['lint', '--format', 'json', '--workers', '0', '--no-cache'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
    // the value `false` (line 1, column 23; the release-level findings of other rules sit at 1:1)
    const atValue = out.diagnostics.filter((d) => d.file === 'cilium/values.yaml' && d.range.start.line === 1 && d.range.start.column === 23);
    assert.deepEqual(atValue.map((d) => [d.ruleId, d.messageId, d.severity]), [['cilium/kpr-off-without-kube-proxy', 'off', 'error']]);
  });
});

describe('superseding comes after settings and suppressions', () => {
  const lint = async (files: Record<string, string>) => {
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: repos.repo(files) });
    return { code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics };
  };
  const VALUES = (comment = '') => `kubeProxyReplacement: strict${comment}\nk8sServiceHost: localhost\n`;

  it('a comment silencing the generic finding is used, and the specific one keeps its own severity', async () => {
    const r = await lint({ 'cilium/values.yaml': VALUES(' # talium-disable-line schema/enum -- the chart is pinned below 1.16 elsewhere') });
    assert.deepEqual(
      r.diagnostics.map((d) => [d.ruleId, d.messageId, d.severity]),
      [['cilium/kpr-value', 'legacy', 'warning']],
    );
    assert.equal(r.code, 0);
  });

  it('a comment naming the specific rule silences the generic finding of the same mistake too', async () => {
    const r = await lint({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.4"\n',
      'cilium/values.yaml': VALUES(' # talium-disable-line cilium/kpr-value -- the chart is pinned below 1.16 elsewhere'),
    });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.code, 0);
  });

  it('a quoted values string (mapped through its escapes): both rules place it at the value inside, one finding', async () => {
    const app = (helm: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.4\n    helm:\n${helm}`;
    const quoted = await lint({ 'argocd/cilium.yaml': app('      values: "kubeProxyReplacement: partial\\nk8sServiceHost: localhost\\n"\n') });
    const kpr = (r: { diagnostics: Diagnostic[] }) => r.diagnostics.filter((d) => d.ruleId === 'cilium/kpr-value' || d.ruleId === 'schema/enum').map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.fix?.text]);
    // `partial` inside the string, with the fix (a plain word in the text: false)
    assert.deepEqual(kpr(quoted), [['cilium/kpr-value', 16, 38, 'false']]);
    // a token written with an escape (p\x61rtial): placed on it, still one finding, but no fix (the text is not the word)
    const escaped = await lint({ 'argocd/cilium.yaml': app('      values: "kubeProxyReplacement: p\\x61rtial\\nk8sServiceHost: localhost\\n"\n') });
    assert.deepEqual(kpr(escaped), [['cilium/kpr-value', 16, 38, undefined]]);
    // a parameter's value is one string set by name: the finding stays on its `value` key, with no bare-boolean fix
    const param = await lint({ 'argocd/cilium.yaml': app('      parameters:\n        - name: kubeProxyReplacement\n          value: partial\n') });
    assert.deepEqual(kpr(param), [['cilium/kpr-value', 18, 11, undefined]]);
  });

  it('a rule turned off supersedes nothing: the generic finding is reported', async () => {
    const r = await lint({
      'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.18.4"\nrules:\n  cilium/kpr-value: off\n',
      'cilium/values.yaml': VALUES(),
    });
    assert.deepEqual(r.diagnostics.filter((d) => d.file === 'cilium/values.yaml').map((d) => [d.ruleId, d.range.start.line, d.range.start.column]), [['schema/enum', 1, 23]]);
  });
});
