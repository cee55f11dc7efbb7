/**
 * Generator goldens: fixture clusters (test/fixtures/generate/<case>/expected, refresh with UPDATE_GOLDEN=1), the
 * committed example clusters (`generate --check` must be clean) and the facts the generated files must carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generate, schemaFile } from '../src/generate/run.js';
import { serializeFile } from '../src/generate/serialize.js';
import { assertGolden } from '../src/testing/golden.js';
import { fixtureOutput, loadFixtureCluster, loadRepoCluster } from '../src/testing/generate-fixtures.js';
import { runCli } from '../src/testing/cli.js';
import { vlanLinkName } from '../src/data/talos.js';

const ROOT = process.cwd();
const FIX = join(ROOT, 'test/fixtures/generate');

for (const name of ['legacy-tagged', 'netdocs-argocd']) {
  test(`golden: fixture ${name}`, () => {
    const c = loadFixtureCluster(join(FIX, name, 'cluster.yaml'), name);
    assertGolden(fixtureOutput(c), join(FIX, name, 'expected'));
  });
}

test('golden: committed clusters/ are current (generate --check exits 0)', async () => {
  const r = await runCli(['generate', '--check', '--format', 'json'], { cwd: ROOT });
  const diags = JSON.parse(r.stdout).diagnostics as Array<{ ruleId: string; file: string }>;
  assert.deepEqual(diags.map((d) => `${d.ruleId} ${d.file}`), []);
  assert.equal(r.code, 0, r.stderr);
});

test('schemas/cluster.schema.json is current with src/spec/schema.ts', () => {
  assert.equal(readFileSync(join(ROOT, 'schemas/cluster.schema.json'), 'utf8'), serializeFile(schemaFile()));
});

function docsOf(text: string): Array<Record<string, any>> {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
}
const file = (p: string) => readFileSync(join(ROOT, p), 'utf8');

test('homelab: Talos 1.14 multi-document patches, VLAN sub-interface, VIP on control planes only', () => {
  const all = docsOf(file('clusters/homelab/generated/talos/patches/cluster.yaml'));
  assert.deepEqual(all.map((d) => d['kind']), ['KubeFlannelCNIConfig', 'KubeProxyConfig', 'KubePrismConfig', 'KubeNetworkConfig']);
  assert.equal(all[0]!['$patch'], 'delete');
  assert.equal(all[1]!['enabled'], false);
  assert.equal(all[2]!['port'], 7445);
  const worker = docsOf(file('clusters/homelab/generated/talos/nodes/worker-1.yaml'));
  const vlan = worker.find((d) => d['kind'] === 'VLANConfig')!;
  assert.equal(vlan['name'], vlanLinkName('enx78e7d1ea46da', 50));
  assert.equal(vlan['parent'], 'enx78e7d1ea46da');
  assert.equal(vlan['vlanID'], 50);
  assert.deepEqual(vlan['addresses'], [{ address: '10.50.0.21/24' }]);
  assert.deepEqual(vlan['routes'], [{ gateway: '10.50.0.1' }]);
  assert.ok(!worker.some((d) => d['kind'] === 'Layer2VIPConfig'), 'no VIP on the worker');
  for (const cp of ['cp-1', 'cp-2', 'cp-3']) {
    const docs = docsOf(file(`clusters/homelab/generated/talos/nodes/${cp}.yaml`));
    const vip = docs.find((d) => d['kind'] === 'Layer2VIPConfig')!;
    assert.equal(vip['name'], '10.50.0.10');
    assert.equal(vip['link'], docs.find((d) => d['kind'] === 'LinkConfig')!['name']);
  }
  // Talos 1.14 lists the control-plane taint in KubeNodeConfig and rejects `.cluster.allowSchedulingOnControlPlanes`
  // next to that document: the patch deletes the taint there instead
  assert.deepEqual(docsOf(file('clusters/homelab/generated/talos/patches/controlplane.yaml')), [
    { apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', taints: { 'node-role.kubernetes.io/control-plane': { $patch: 'delete' } } },
  ]);
  const cmd = file('clusters/homelab/generated/talos/gen-config.sh');
  assert.match(cmd, /talosctl gen config homelab https:\/\/10\.50\.0\.10:6443/);
  assert.match(cmd, /--config-patch @patches\/cluster\.yaml/);
  assert.match(cmd, /--config-patch-control-plane @patches\/controlplane\.yaml/);
  assert.match(cmd, /--patch @nodes\/worker-1\.yaml/);
});

test('lab: Talos 1.11 legacy fields; VIP-free untagged interfaces', () => {
  const [patch] = docsOf(file('clusters/lab/generated/talos/patches/cluster.yaml'));
  assert.deepEqual(patch!['cluster']['network']['cni'], { name: 'none' });
  assert.equal(patch!['cluster']['proxy']['disabled'], true);
  assert.deepEqual(patch!['machine']['features']['kubePrism'], { enabled: true, port: 7445 });
  const [node] = docsOf(file('clusters/lab/generated/talos/nodes/lab-worker-2.yaml'));
  assert.deepEqual(node!['machine']['network']['interfaces'], [{ interface: 'eno1', addresses: ['192.168.50.32/24'], routes: [{ network: '0.0.0.0/0', gateway: '192.168.50.1' }] }]);
});

test('fixture legacy-tagged: legacy VLAN entries with the VIP, hashed L2 names, sized rate limit', () => {
  const c = loadFixtureCluster(join(FIX, 'legacy-tagged/cluster.yaml'), 'legacy-tagged');
  const files = fixtureOutput(c);
  const [b] = docsOf(files.get('generated/talos/nodes/node-b.yaml')!);
  const iface = b!['machine']['network']['interfaces'][0];
  assert.equal(iface['interface'], 'enx12545f8c99cd');
  assert.equal(iface['vlans'][0]['vlanId'], 50);
  assert.deepEqual(iface['vlans'][0]['vip'], { ip: '172.16.50.5' });
  const [policy] = docsOf(files.get('generated/kubernetes/cilium-config/l2-policy.yaml')!);
  assert.deepEqual(policy!['spec']['interfaces'], ['^enp1s0\\.50$', '^enx1ee6413\\.50$', '^eth0$']);
  const [values] = docsOf(files.get('generated/kubernetes/cilium/values.yaml')!);
  assert.deepEqual(values!['k8sClientRateLimit'], { qps: 33, burst: 66 }, 'ceil(65 / 2s) = 33, burst above');
  assert.equal(values!['k8sServicePort'], 7446);
  const pools = docsOf(files.get('generated/kubernetes/cilium-config/pools.yaml')!);
  assert.equal(pools[0]!['apiVersion'], 'cilium.io/v2alpha1', 'Cilium 1.16 → v2alpha1');
});

test('Cilium values carry the Talos/L2 facts and no removed key', () => {
  for (const name of ['homelab', 'lab']) {
    const [v] = docsOf(file(`clusters/${name}/generated/kubernetes/cilium/values.yaml`));
    assert.equal(v!['ipam']['mode'], 'kubernetes');
    assert.equal(v!['kubeProxyReplacement'], true);
    assert.equal(v!['k8sServiceHost'], 'localhost');
    assert.equal(v!['k8sServicePort'], 7445);
    assert.deepEqual(v!['cgroup'], { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' });
    assert.ok(!JSON.stringify(v!['securityContext']).includes('SYS_MODULE'));
    assert.equal(v!['l2announcements']['enabled'], true);
    assert.equal(v!['rollOutCiliumPods'], true);
    assert.ok(v!['k8sClientRateLimit']['burst'] > v!['k8sClientRateLimit']['qps']);
    assert.ok(v!['operator']['replicas'] <= loadRepoCluster(ROOT, name).nodes.length);
    for (const removed of ['tunnel', 'externalIPs', 'hostPort']) assert.ok(!(removed in v!), removed);
  }
});

test('pools: apiVersion by Cilium version, allowFirstLastIPs quoted; L2 policy cluster-scoped with anchored regexes', () => {
  const home = file('clusters/homelab/generated/kubernetes/cilium-config/pools.yaml');
  const lab = file('clusters/lab/generated/kubernetes/cilium-config/pools.yaml');
  assert.ok(docsOf(home).every((d) => d['apiVersion'] === 'cilium.io/v2'));
  assert.ok(docsOf(lab).every((d) => d['apiVersion'] === 'cilium.io/v2alpha1'));
  assert.match(home, /allowFirstLastIPs: "Yes"/);
  const [p] = docsOf(file('clusters/homelab/generated/kubernetes/cilium-config/l2-policy.yaml'));
  assert.equal(p!['apiVersion'], 'cilium.io/v2alpha1');
  assert.equal(p!['metadata']['namespace'], undefined);
  assert.equal(p!['spec']['loadBalancerIPs'], true);
  for (const re of p!['spec']['interfaces'] as string[]) assert.match(re, /^\^.*\$$/);
  assert.ok((p!['spec']['interfaces'] as string[]).includes(`^${vlanLinkName('enx78e7d1ea46da', 50).replace('.', '\\.')}$`));
});

test('one field switches the engine: flux ⇄ argocd from the same spec', () => {
  const c = loadRepoCluster(ROOT, 'homelab');
  const flux = [...generate([c], { all: true }).files.keys()];
  const argo = [...generate([{ ...c, gitops: { ...c.gitops, engine: 'argocd' } }], { all: true }).files.keys()];
  assert.ok(flux.includes('clusters/homelab/generated/flux/talium.yaml') && !flux.some((p) => p.includes('/argocd/')));
  assert.ok(argo.includes('clusters/homelab/generated/argocd/root-app.yaml') && !argo.some((p) => p.includes('/flux/')));
});
