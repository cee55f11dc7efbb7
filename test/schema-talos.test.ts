/**
 * Talos machine-config patches (legacy sections talium reads/writes) and multi-document kinds; Cilium Helm
 * values embedded in a HelmRelease or in a values file; agreement of the modelled Talos kinds with upstream
 * Talos config.schema.json (1.12-1.14) on samples and mutations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createSchemaValidator, validateCiliumValues } from '../src/schema/validate.js';
import { SchemaRegistry } from '../src/schema/registry.js';
import { TALOS_DOCUMENT_KINDS } from '../src/schema/talos-kinds.js';
import { talosLine } from '../src/schema/versions.js';
import { compileRe2 } from '../src/schema/re2.js';
import { ciliumHelmReleaseText, diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { mutations } from '../src/testing/schema-mutate.js';
import { SHARED } from '../src/testing/schema-upstream.js';

const FIX = join(process.cwd(), 'test/fixtures/schema/talos');

function where(ds: ReturnType<typeof diagnostics>): string[] {
  return ds.map((d) => `${d.ruleId}:${String(d.data?.['field'] ?? d.data?.['path'])}@${d.range.start.line}:${d.range.start.column}`);
}

test('legacy patch: typos in modelled sections are errors at the key; other sections stay open', () => {
  const docs = docsFromText('talos/controlplane-patch.yaml', readFileSync(join(FIX, 'controlplane-patch.yaml'), 'utf8'));
  assert.equal(docs[0]!.docClass, 'talos-config');
  const ds = diagnostics(createSchemaValidator({ talosVersion: '1.11' }).validate(docs[0]!));
  assert.deepEqual(where(ds).sort(), [
    'schema/format:cluster.network.serviceSubnets[0]@28:22',
    'schema/unknown-field:disable@30:5',
    'schema/unknown-field:ipp@14:15',
  ]);
  const disable = ds.find((d) => d.data?.['field'] === 'disable')!;
  assert.equal(disable.data?.['suggestion'], 'disabled');
  assert.equal(disable.data?.['consumer'], 'talos', 'Talos rejects unknown fields');
});

test('multi-document kinds: limits, formats, typos, $patch: delete, unmodelled and unknown kinds', () => {
  const docs = docsFromText('talos/documents.yaml', readFileSync(join(FIX, 'documents.yaml'), 'utf8'), 'talos-document');
  const v = createSchemaValidator({ talosVersion: '1.14' });
  const ds = diagnostics(docs.flatMap((d) => v.validate(d)));
  assert.deepEqual(where(ds), [
    'schema/limit:vlanID@4:9',
    'schema/format:name@11:7',
    'schema/unknown-field:adresses@27:1',
    'schema/unknown-kind:undefined@35:7',
  ]);
  assert.equal(ds.find((d) => d.ruleId === 'schema/unknown-field')?.data?.['suggestion'], 'addresses');
  assert.equal(v.covers(docs[0]!), true);
  assert.equal(v.covers(docs[5]!), false, 'WatchdogTimerConfig is a Talos kind talium does not model');
});

test('Cilium Helm values in a HelmRelease: path-prefixed findings, typo suggestions, per-version keys', () => {
  const text = ciliumHelmReleaseText(
    [
      'kubeProxyReplacement: strict',
      'l2announcements:',
      '  enable: true',
      '  leaseDuration: 15',
      'k8sClientRateLimit:',
      '  qps: "50"',
      '  operator: {qps: 100}',
      'cgroup:',
      '  automount: {enabled: false}',
      'hubble: {relay: {enabled: true}}',
    ], '1.16.5',
  );
  const [doc] = docsFromText('hr.yaml', text);
  const ds = diagnostics(validateCiliumValues(doc!, ['spec', 'values'], '1.16.5'));
  assert.deepEqual(where(ds).sort(), [
    'schema/enum:kubeProxyReplacement@8:27',
    'schema/type:k8sClientRateLimit.qps@13:12',
    'schema/type:l2announcements.leaseDuration@11:22',
    'schema/unknown-field:automount@16:7',
    'schema/unknown-field:enable@10:7',
    'schema/unknown-field:operator@14:7',
  ]);
  // 1.15 still accepted the deprecated strict/partial/disabled
  assert.deepEqual(where(diagnostics(validateCiliumValues(doc!, ['spec', 'values'], '1.15'))).filter((w) => w.includes('kubeProxyReplacement')), []);
  // k8sClientRateLimit.operator exists from chart 1.17
  const on17 = where(diagnostics(validateCiliumValues(doc!, ['spec', 'values'], '1.17'))).filter((w) => w.includes('operator'));
  assert.deepEqual(on17, []);
  // the same values as a values file (docClass helm-values), through validate(): Helm reads `yes` there as true
  // (YAML 1.1), so a schema/yaml11-boolean warning rather than a type error
  const file = docsFromText('values.yaml', 'l2announcements:\n  enabled: yes\nipam:\n  mode: kubernetes\n  modes: x\n', 'helm-values')[0]!;
  assert.deepEqual(where(diagnostics(createSchemaValidator({ ciliumVersion: '1.18' }).validate(file))), ['schema/yaml11-boolean:l2announcements.enabled@2:12', 'schema/unknown-field:modes@5:3']);
  // Helm ignores unknown values keys (the help says the setting has no effect), the API server rejects unknown fields
  const consumers = diagnostics(createSchemaValidator({ ciliumVersion: '1.18' }).validate(file)).filter((d) => d.ruleId === 'schema/unknown-field').map((d) => d.data?.['consumer']);
  assert.deepEqual(consumers, ['helm']);
  assert.deepEqual(ds.filter((d) => d.ruleId === 'schema/unknown-field').map((d) => d.data?.['consumer']), ['helm', 'helm', 'helm']);
  // another chart's values file with keys of the same name is not taken for Cilium's
  const other = docsFromText('values.yaml', 'operator:\n  replicas: "2"\nipam:\n  foo: bar\n', 'helm-values')[0]!;
  const v = createSchemaValidator({});
  assert.deepEqual(v.validate(other), []);
  assert.equal(v.covers(other), false);
});

test('Cilium values with a cluster: section taken for a Talos patch are validated as Cilium values', () => {
  const [doc] = docsFromText('helm-values.yaml', 'cluster:\n  name: home\n  id: 1\nkubeProxyReplacement: true\ncgroup:\n  automount: {enabled: false}\n', 'talos-config');
  assert.deepEqual(where(diagnostics(createSchemaValidator({}).validate(doc!))), ['schema/unknown-field:automount@6:3']);
});

test('partial documents (kustomize patches): missing required fields are not reported', () => {
  const [patch] = docsFromText('values-patch.yaml', 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: cilium}\nspec:\n  values: {a: 1}\n');
  const v = createSchemaValidator({});
  assert.deepEqual(where(diagnostics(v.validate(patch!))), ['schema/required:interval@4:1']);
  assert.deepEqual(v.validate(patch!, { partial: true }), []);
});

test('partial documents (kustomize patches): a null (delete the field) and strategic-merge directives are not schema errors', () => {
  const v = createSchemaValidator({});
  const [l2] = docsFromText('l2-patch.yaml', 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  nodeSelector: null\n');
  assert.deepEqual(where(diagnostics(v.validate(l2!))), ['schema/type:spec.nodeSelector@6:17']);
  assert.deepEqual(v.validate(l2!, { partial: true }), []);
  const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      nodeSelector:\n        $patch: replace\n        c: d\n      containers:\n        - name: side\n          $patch: delete\n';
  const [d] = docsFromText('dep-patch.yaml', dep);
  assert.deepEqual(v.validate(d!, { partial: true }), []);
  // other findings in a patch stay, and directives kustomize leaves in its output
  const [typo] = docsFromText('dep-patch.yaml', dep.replace('$patch: delete', '$patch: delete\n          imagee: x') + '      $retainKeys: [containers]\n');
  assert.deepEqual(where(diagnostics(v.validate(typo!, { partial: true }))), ['schema/unknown-field:imagee@14:11', 'schema/unknown-field:$retainKeys@15:7']);
});

const TALOS_UPSTREAM = join(SHARED, 'upstream/talos');
const SAMPLES: Array<Record<string, unknown>> = [
  { apiVersion: 'v1alpha1', kind: 'LinkConfig', name: 'enp1s0', up: true, mtu: 9000, addresses: [{ address: '192.168.1.10/24' }] },
  { apiVersion: 'v1alpha1', kind: 'VLANConfig', name: 'enp1s0.50', vlanID: 50, parent: 'enp1s0', up: true, mtu: 1500, vlanMode: '802.1q', addresses: [{ address: '10.50.0.11/24', routePriority: 1 }], routes: [{ destination: '0.0.0.0/0', gateway: '10.50.0.1', metric: 10 }] },
  { apiVersion: 'v1alpha1', kind: 'Layer2VIPConfig', name: '10.50.0.10', link: 'enp1s0.50' },
  { apiVersion: 'v1alpha1', kind: 'HostnameConfig', auto: 'stable' },
  { apiVersion: 'v1alpha1', kind: 'ResolverConfig', nameservers: [{ address: '1.1.1.1' }], searchDomains: { domains: ['lan'], disableDefault: true } },
  { apiVersion: 'v1alpha1', kind: 'DHCPv4Config', name: 'enp1s0', routeMetric: 1024, ignoreHostname: true, clientIdentifier: 'mac', duidRaw: '00:01' },
  { apiVersion: 'v1alpha1', kind: 'KubeProxyConfig', enabled: false, image: 'registry.k8s.io/kube-proxy:v1.34.0', mode: 'nftables', extraArgs: { a: 'b', c: ['d'] } },
  { apiVersion: 'v1alpha1', kind: 'KubeFlannelCNIConfig', backendType: 'vxlan', extraArgs: ['--x'] },
  { apiVersion: 'v1alpha1', kind: 'KubeNetworkConfig', dnsDomain: 'cluster.local', podSubnets: ['10.244.0.0/16'], serviceSubnets: ['10.96.0.0/12'], nodeCIDRMaskSizeIPv4: 24 },
  { apiVersion: 'v1alpha1', kind: 'KubeInlineManifestConfig', name: 'cilium', manifest: 'apiVersion: v1\nkind: Namespace\n' },
  { apiVersion: 'v1alpha1', kind: 'KubeExternalManifestConfig', name: 'x', url: 'https://example.com/x.yaml', headers: { a: 'b' } },
  { apiVersion: 'v1alpha1', kind: 'KubePrismConfig', port: 7445 },
];

/** Deliberate differences vs upstream Talos (schemas/SOURCES.md): patches are partial; formats and ranges checked. */
function allowedTalos(name: string, ours: boolean, theirs: boolean): boolean {
  if (!theirs && ours && /:missing$/.test(name)) return true; // no `required` beyond identity fields: patch documents are partial
  if (theirs && !ours && /(address|destination|gateway|source|Subnets\.\d+|name)=/.test(name)) return true; // CIDR/IP formats
  if (theirs && !ours && /(vlanID|mtu|port|nodeCIDRMaskSize\w+)=-?\d/.test(name)) return true; // numeric ranges
  if (theirs && !ours && /(vlanID|mtu|port|routePriority|metric|routeMetric|backendPort|backendMTU|nodeCIDRMaskSizeIPv4):float$/.test(name)) return false;
  if (theirs && !ours && /name=""|link=""|parent=""/.test(name)) return true; // empty link names
  return false;
}

test('Talos kinds agree with upstream config.schema.json (1.12, 1.13, 1.14) on samples and mutations', (t) => {
  if (!existsSync(TALOS_UPSTREAM)) {
    t.skip('../shared not present: Talos agreement cannot run');
    return;
  }
  let compared = 0;
  const diffs: string[] = [];
  for (const folder of readdirSync(TALOS_UPSTREAM).sort()) {
    const line = talosLine(folder);
    const up = JSON.parse(readFileSync(join(TALOS_UPSTREAM, folder, 'config.schema.json'), 'utf8')) as { $defs: Record<string, { properties?: { kind?: { enum?: string[] } } }> };
    const engine = (p: string, u: string): RegExp => compileRe2(p, u);
    engine.code = 'new RegExp';
    const ajv = new Ajv({ strict: false, logger: false, validateSchema: false, code: { regExp: engine as never } });
    ajv.addSchema({ ...up, $id: 'talos' });
    const reg = new SchemaRegistry();
    for (const s of SAMPLES) {
      const kind = s['kind'] as string;
      const defName = Object.keys(up.$defs).find((k) => up.$defs[k]?.properties?.kind?.enum?.[0] === kind);
      if (!defName || !(TALOS_DOCUMENT_KINDS[kind]! <= line)) continue;
      const theirs = ajv.compile({ $ref: `talos#/$defs/${defName}` });
      const ours = reg.talos(`talos/documents.json#/$defs/${kind}`, line)!;
      // upstream requires every field of a full document; complete the sample where it does
      if (!theirs(s)) continue;
      assert.equal(ours(s), true, `${kind} sample on ${folder}: ${JSON.stringify(ours.errors)}`);
      for (const m of mutations(s)) {
        if (/^(apiVersion|kind)/.test(m.name)) continue;
        const th = theirs(m.value) as boolean;
        const o = ours(m.value) as boolean;
        compared++;
        if (th !== o && !allowedTalos(m.name, o, th)) diffs.push(`${folder} ${kind} ${m.name}: upstream ${th}, ours ${o}`);
      }
    }
  }
  assert.deepEqual(diffs, []);
  assert.ok(compared > 300, `compared ${compared}`);
});

test('Talos reads a plain yes in a boolean field as true (go-yaml v3, typed bool): yaml/truthy talosBoolean warning, not schema/type', () => {
  const check = (v: string) => {
    const [doc] = docsFromText('talos/controlplane.yaml', `machine:\n  type: controlplane\ncluster:\n  allowSchedulingOnControlPlanes: ${v}\n`, 'talos-config');
    return diagnostics(createSchemaValidator({ talosVersion: '1.10' }).validate(doc!)).map((d) => [d.ruleId, d.messageId, d.severity, d.range.start.line, d.range.start.column, d.data?.['yaml11']]);
  };
  assert.deepEqual(check('yes'), [['yaml/truthy', 'talosBoolean', 'warning', 4, 35, true]]);
  assert.deepEqual(check('Off'), [['yaml/truthy', 'talosBoolean', 'warning', 4, 35, false]]);
  // quoted, it is a string even to go-yaml v3; a number is no boolean to anyone
  assert.deepEqual(check('"yes"').map((x) => x[0]), ['schema/type']);
  assert.deepEqual(check('5').map((x) => x[0]), ['schema/type']);
  assert.deepEqual(check('true'), []);
});
