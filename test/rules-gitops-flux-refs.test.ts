/** Tests for the Flux reference rules: HelmRelease chart sources (gitops/helmrelease-source-ref), valuesFrom objects (gitops/helmrelease-values-from), post-build variables (gitops/flux-variable-undefined). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import helmreleaseSourceRef from '../src/rules/gitops/helmrelease-source-ref.js';
import helmreleaseValuesFrom from '../src/rules/gitops/helmrelease-values-from.js';
import fluxVariableUndefined from '../src/rules/gitops/flux-variable-undefined.js';
import { ruleTester } from '../src/testing/rule-tester.js';
import { spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const temp = tempRepos('talium-flux-refs-');
after(temp.cleanup);

/** A HelmRelease taking its chart from `ref` (lines 8.. of the document). */
const hr = (name: string, ref: string, ns = 'kube-system') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  interval: 1h\n${ref}`;
/** spec.chart.spec.sourceRef: its name on line 13 when the release has a namespace. */
const chart = (kind: string, name: string, ns = '') => `  chart:\n    spec:\n      chart: x\n      sourceRef:\n        kind: ${kind}\n        name: ${name}\n${ns ? `        namespace: ${ns}\n` : ''}`;
/** spec.chartRef: its name on line 10 when the release has a namespace. */
const chartRef = (kind: string, name: string, ns = '') => `  chartRef:\n    kind: ${kind}\n    name: ${name}\n${ns ? `    namespace: ${ns}\n` : ''}`;
const source = (kind: string, name: string, ns = 'flux-system') =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  interval: 1h\n  url: https://example.com/charts\n`;

test('gitops/helmrelease-source-ref', () => {
  const shared = {
    'kubernetes/flux/repositories/helm/cilium.yaml': source('HelmRepository', 'cilium'),
    'kubernetes/flux/repositories/helm/bjw-s.yaml': source('HelmRepository', 'bjw-s'),
  };
  ruleTester(helmreleaseSourceRef, {
    valid: [
      // a shared repository folder, referenced with its namespace
      { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium', 'flux-system')) },
      // the OCIRepository next to its release (same namespace, none written)
      { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cilium'), ''), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', '') },
      // a kind the repository defines none of: its sources are elsewhere
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chartRef('OCIRepository', 'echo')) },
      // flux-system comes from bootstrap; a templated name; a name a templated source could become
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('GitRepository', 'flux-system')), 'kubernetes/flux/repositories/git/other.yaml': source('GitRepository', 'other') },
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', '${REPO}', 'flux-system')) },
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'echo-charts', 'flux-system')), 'kubernetes/flux/repositories/helm/t.yaml': source('HelmRepository', '${APP}-charts') },
      // the per-release layout: a release folder without its own source may just not be part of the run
      { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cilium'), ''), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', ''), 'kubernetes/apps/echo/app/helmrelease.yaml': hr('echo', chartRef('OCIRepository', 'app-template'), '') },
      // the namespace a kustomization sets is not certain: the source may land in the release's namespace
      { 'kubernetes/flux/repositories/helm/cilium.yaml': source('HelmRepository', 'cilium'), 'kubernetes/flux/repositories/helm/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: kube-system\nresources:\n  - ./cilium.yaml\n', 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium')) },
      // kustomize renames objects: names as written prove nothing
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'home-echo', 'flux-system')), 'kubernetes/flux/repositories/helm/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: home-\nresources:\n  - ./bjw-s.yaml\n' },
    ],
    invalid: [
      {
        files: { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'bjws', 'flux-system')) },
        errors: [{ messageId: 'missingNear', file: 'kubernetes/apps/echo/helmrelease.yaml', line: 13, column: 15, data: { name: 'echo', kind: 'HelmRepository', source: 'bjws', suggestion: 'bjw-s' } }],
      },
      {
        files: { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'grafana', 'flux-system')) },
        errors: [{ messageId: 'missing', line: 13, column: 15, data: { name: 'echo', kind: 'HelmRepository', source: 'grafana' } }],
      },
      // a typo next to the source of the per-release layout (chartRef name on line 10)
      {
        files: { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cillium')), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', 'kube-system') },
        errors: [{ messageId: 'missingNear', file: 'kubernetes/apps/cilium/app/helmrelease.yaml', line: 10, column: 11, data: { kind: 'OCIRepository', source: 'cillium', suggestion: 'cilium' } }],
      },
      // the source is in flux-system, the reference has no namespace: the release's own (kube-system) is meant
      {
        files: { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium')) },
        errors: [{ messageId: 'otherNamespace', line: 13, column: 15, data: { source: 'cilium', namespace: 'kube-system', found: 'flux-system' } }],
      },
      // a wrong namespace written: reported at it
      {
        files: { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium', 'flux')) },
        errors: [{ messageId: 'otherNamespace', line: 14, column: 20, data: { namespace: 'flux', found: 'flux-system' } }],
      },
    ],
  });
  // end to end: the whole repository reports it; a run over one file does not (the source may sit unread)
  const repo = temp.repo({ ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'bjw', 'flux-system')) });
  const ids = (args: string[]) =>
    (JSON.parse(spawnCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: repo }).stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics
      .filter((d) => d.ruleId === 'gitops/helmrelease-source-ref')
      .map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}`);
  assert.deepEqual(ids([]), ['kubernetes/apps/echo/helmrelease.yaml:13:15']);
  assert.deepEqual(ids(['kubernetes/apps/echo/helmrelease.yaml']), []);
});

test('gitops/helmrelease-values-from', () => {
  /** A HelmRelease whose valuesFrom entries start on line 12 (name on 13, valuesKey on 14). */
  const release = (entries: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: cilium\n  valuesFrom:\n${entries}`;
  const vf = (kind: string, name: string, more = '') => `    - kind: ${kind}\n      name: ${name}\n${more}`;
  const kust = (gen: string, opts = 'generatorOptions:\n  disableNameSuffixHash: true\n') => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n${gen}${opts}`;
  const gen = (name: string, files: string[], key = 'configMapGenerator', entryOpts = '') => `${key}:\n  - name: ${name}\n    files:\n${files.map((f) => `      - ${f}\n`).join('')}${entryOpts}`;
  const dir = 'kubernetes/apps/kube-system/cilium/app';
  /** The app folder; `extra` files (by name in it) are listed in its kustomization's resources. */
  const repo = (hr: string, k: string, extra: Record<string, string> = {}) => ({
    [`${dir}/helmrelease.yaml`]: hr,
    [`${dir}/kustomization.yaml`]: k.replace('  - ./helmrelease.yaml\n', `  - ./helmrelease.yaml\n${Object.keys(extra).map((f) => `  - ./${f}\n`).join('')}`),
    [`${dir}/helm-values.yaml`]: 'ipam:\n  mode: kubernetes\n',
    ...Object.fromEntries(Object.entries(extra).map(([f, t]) => [`${dir}/${f}`, t])),
  });
  const sopsSecret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-secret\n  namespace: kube-system\nstringData:\n  values.yaml: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\nsops:\n  version: 3.9.0\n';
  ruleTester(helmreleaseValuesFrom, {
    valid: [
      // generated without a hash: key = the `key=` of key=path, or the file's base name
      repo(release(vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']))),
      repo(release(vf('ConfigMap', 'cilium-values', '      valuesKey: helm-values.yaml\n')), kust(gen('cilium-values', ['./helm-values.yaml']))),
      // the entry's own option; a `configurations:` nameReference (the Flux guide's kustomizeconfig.yaml) rewrites the name
      repo(release(vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml'], 'configMapGenerator', '    options:\n      disableNameSuffixHash: true\n'), '')),
      repo(release(vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']), 'configurations:\n  - kustomizeconfig.yaml\n')),
      // a committed SOPS Secret: its key names are read
      repo(release(vf('Secret', 'cilium-secret')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml'])), { 'secret.sops.yaml': sopsSecret }),
      // optional entries may be absent; a Secret an ExternalSecret makes; a kind the repository makes none of
      repo(release(vf('ConfigMap', 'cilium-extra', '      optional: true\n')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']))),
      repo(release(vf('Secret', 'cilium-creds', '      valuesKey: token\n')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml'])), { 'secret.sops.yaml': sopsSecret, 'externalsecret.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: cilium\nspec:\n  target:\n    name: cilium-creds\n' }),
      repo(release(vf('Secret', 'elsewhere')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']))),
      // env files: keys not known
      repo(release(vf('ConfigMap', 'cilium-values', '      valuesKey: other\n')), kust('configMapGenerator:\n  - name: cilium-values\n    envs:\n      - ./values.env\n')),
    ],
    invalid: [
      {
        files: repo(release(vf('ConfigMap', 'cilium-value')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']))),
        errors: [{ messageId: 'missingNear', file: `${dir}/helmrelease.yaml`, line: 13, column: 13, data: { name: 'cilium', kind: 'ConfigMap', object: 'cilium-value', suggestion: 'cilium-values' } }],
      },
      // the generator hashes the name: cilium-values-<hash> is applied
      {
        files: repo(release(vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']), '')),
        errors: [{ messageId: 'hashedName', line: 13, column: 13, data: { object: 'cilium-values', kind: 'ConfigMap' } }],
      },
      // the key: the file's base name is helm-values.yaml, not the default values.yaml
      {
        files: repo(release(vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['./helm-values.yaml']))),
        errors: [{ messageId: 'missingKey', line: 13, column: 13, data: { key: 'values.yaml', keys: '"helm-values.yaml"' } }],
      },
      {
        files: repo(release(vf('Secret', 'cilium-secret', '      valuesKey: value.yaml\n')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml'])), { 'secret.sops.yaml': sopsSecret }),
        errors: [{ messageId: 'missingKey', line: 14, column: 18, data: { kind: 'Secret', key: 'value.yaml', keys: '"values.yaml"' } }],
      },
      // the name an ExternalSecret gives its Secret is known: a typo of it is reported
      {
        files: repo(release(vf('Secret', 'cilium-cred')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml'])), { 'externalsecret.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: cilium\nspec:\n  target:\n    name: cilium-creds\n' }),
        errors: [{ messageId: 'missingNear', line: 13, column: 13, data: { kind: 'Secret', object: 'cilium-cred', suggestion: 'cilium-creds' } }],
      },
      // secretGenerator hashes too
      {
        files: repo(release(vf('Secret', 'cilium-secret')), kust(gen('cilium-secret', ['values.yaml=./helm-values.yaml'], 'secretGenerator'), '')),
        errors: [{ messageId: 'hashedName', line: 13, column: 13, data: { kind: 'Secret' } }],
      },
    ],
  });
  // the missing-object finding needs the whole tree; the hash finding does not
  const r = temp.repo(repo(release(vf('ConfigMap', 'cilium-value') + vf('ConfigMap', 'cilium-values')), kust(gen('cilium-values', ['values.yaml=./helm-values.yaml']), '')));
  const ids = (args: string[]) =>
    (JSON.parse(spawnCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: r }).stdout) as { diagnostics: Array<{ ruleId: string; messageId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics
      .filter((d) => d.ruleId === 'gitops/helmrelease-values-from')
      .map((d) => `${d.messageId} ${d.file}:${d.range.start.line}:${d.range.start.column}`);
  assert.deepEqual(ids([]), [`missingNear ${dir}/helmrelease.yaml:13:13`, `hashedName ${dir}/helmrelease.yaml:15:13`]);
  assert.deepEqual(ids([`${dir}/helmrelease.yaml`, `${dir}/kustomization.yaml`]), [`hashedName ${dir}/helmrelease.yaml:15:13`]);
});

test('gitops/flux-variable-undefined', () => {
  const ks = (post: string, more = '') =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium-config\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/cilium/config\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${more}${post ? `  postBuild:\n${post}` : ''}`;
  const from = (kind: string, name: string) => `    substituteFrom:\n      - kind: ${kind}\n        name: ${name}\n`;
  /** A pool whose cidr (line 7, column 13) and description (line 8) hold `cidr` and `desc`. */
  const pool = (cidr: string, desc = 'pool') => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: pool\nspec:\n  blocks:\n    - cidr: ${cidr}\n  serviceSelector: {matchLabels: {x: "${desc}"}}\n`;
  const settings = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  LB_POOL_CIDR: 192.168.50.0/27\n';
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  SECRET_DOMAIN: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\nsops:\n  version: 3.9.0\n';
  const repo = (k: string, p: string, extra: Record<string, string> = {}) => ({ 'clusters/home/cilium.yaml': k, 'clusters/home/settings.yaml': settings, 'clusters/home/secret.sops.yaml': secret, 'apps/cilium/config/pool.yaml': p, ...extra });
  ruleTester(fluxVariableUndefined, {
    valid: [
      repo(ks(from('ConfigMap', 'cluster-settings')), pool('${LB_POOL_CIDR}')),
      // inline substitute; a default; an escaped `$${...}`
      repo(ks('    substitute:\n      CIDR: 10.0.0.0/24\n'), pool('${CIDR}', '${NAME:=pool}-$${LITERAL}')),
      // a SOPS Secret's key names define variables
      repo(ks(from('ConfigMap', 'cluster-settings') + '      - kind: Secret\n        name: cluster-secrets\n'), pool('${LB_POOL_CIDR}', '${SECRET_DOMAIN}')),
      // a substituteFrom source the repository does not hold (optional or not): any name may be there
      repo(ks(from('ConfigMap', 'cluster-settings') + '      - kind: Secret\n        name: elsewhere\n        optional: true\n'), pool('${LB_POOL_CIDR}', '${ANYTHING}')),
      // no postBuild: Flux substitutes nothing here
      repo(ks(''), pool('${UNSET}')),
      // something adds postBuild to Kustomizations (the onedr0p parent's patches)
      repo(ks(from('ConfigMap', 'cluster-settings')), pool('${UNSET}'), { 'clusters/home/apps.yaml': ks('', '  patches:\n    - patch: |-\n        - op: add\n          path: /spec/postBuild\n          value: {}\n      target:\n        kind: Kustomization\n').replace('cilium-config', 'apps').replace('./apps/cilium/config', './clusters/apps') }),
      // opted out of substitution
      repo(ks(from('ConfigMap', 'cluster-settings')), pool('${UNSET}').replace('  name: pool\n', '  name: pool\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n')),
    ],
    invalid: [
      {
        files: repo(ks(from('ConfigMap', 'cluster-settings')), pool('${LB_POOL_CIDRS}')),
        errors: [{ messageId: 'undefinedNear', file: 'apps/cilium/config/pool.yaml', line: 7, column: 13, data: { variable: 'LB_POOL_CIDRS', kustomization: 'cilium-config', suggestion: 'LB_POOL_CIDR' } }],
      },
      {
        files: repo(ks(from('ConfigMap', 'cluster-settings')), pool('${LB_POOL_CIDR}', 'x-${CLUSTER_NAME}')),
        errors: [{ messageId: 'undefined', file: 'apps/cilium/config/pool.yaml', line: 8, column: 41, data: { variable: 'CLUSTER_NAME' } }],
      },
    ],
  });
});
