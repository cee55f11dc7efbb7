/**
 * Flux post-build substitution (src/plan/flux-substitution.ts): `${VAR}` placeholders take the values of the
 * Flux Kustomization's `substitute` / `substituteFrom` ConfigMaps (or the repository's variable ConfigMaps when the
 * wiring is not in view), so rules check real addresses; nothing ambiguous, opted out or secret is resolved;
 * schemas still see the text's own value; diagnostics point at the variable's definition.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { substituteText } from '../src/plan/substitute-values.js';
import { buildClusterGroups } from '../src/plan/index.js';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import serviceIpNotInPool from '../src/rules/network/service-ip-not-in-pool.js';
import rolloutPods from '../src/rules/cilium/rollout-pods.js';
import poolReservedAddress from '../src/rules/network/pool-reserved-address.js';
import { spawnCli } from '../src/testing/cli.js';
import { lintRepo, parseRepo, yaml } from '../src/testing/rule-tester.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

const sub = (text: string, vars: Record<string, string | null>): string =>
  substituteText(text, (n) => (n in vars ? (vars[n] === null ? null : { value: vars[n]!, from: undefined as never }) : undefined), []);

describe('substituteText (fluxcd/pkg envsubst forms)', () => {
  it('replaces ${VAR}, applies defaults when unset or empty, keeps what it cannot tell', () => {
    assert.equal(sub('${A}/24', { A: '10.0.0.0' }), '10.0.0.0/24');
    assert.equal(sub('x-${A}-${B}', { A: '1', B: '2' }), 'x-1-2');
    assert.equal(sub('${A:=d}', {}), 'd');
    assert.equal(sub('${A:-d}', { A: '' }), 'd');
    assert.equal(sub('${A=d}', { A: 'v' }), 'v');
    // unknown variable, a variable that may live in a Secret (null), an unmodelled operator: kept as written
    assert.equal(sub('${B}', {}), '${B}');
    assert.equal(sub('${B:=d}', { B: null }), '${B:=d}');
    assert.equal(sub('${A^^}', { A: 'v' }), '${A^^}');
    // `$var` is not Flux syntax; `$$` is an escaped `$`
    assert.equal(sub('$A ${A}', { A: 'v' }), '$A v');
    assert.equal(sub('$${A} ${A}', { A: 'v' }), '${A} v');
    assert.equal(sub('${A', { A: 'v' }), '${A');
  });
});

const root = mkdtempSync(join(tmpdir(), 'talium-flux-subst-'));
after(() => rmSync(root, { recursive: true, force: true }));

const settings = (name: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: flux-system\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;

const ks = (name: string, path: string, postBuild: string): string => yaml`
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: ${name}
    namespace: flux-system
  spec:
    interval: 1h
    path: ${path}
    prune: true
    sourceRef:
      kind: GitRepository
      name: flux-system
`.concat(postBuild);

const pool = (cidr: string): string => yaml`
  apiVersion: cilium.io/v2
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: lan
  spec:
    blocks:
      - cidr: ${cidr}
`;

/** The annotation value is on line 7, column 27. */
const svc = (name: string, ip: string, extra = ''): string => yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: ${name}
    namespace: media
    annotations:
      lbipam.cilium.io/ips: "${ip}"${extra}
  spec:
    type: LoadBalancer
    ports:
      - port: 80
`;

const RULES = [serviceIpNotInPool, serviceIpConflict];
const brief = (files: Record<string, string>) => lintRepo(files, RULES).map((d) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column} ${JSON.stringify(d.data ?? {})}`);

describe('flux post-build substitution', () => {
  const referenced = {
    'flux/apps.yaml': ks('apps', './apps', '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'),
    'flux/settings.yaml': settings('cluster-settings', { LAN_CIDR: '10.50.0.0/24', PLEX_IP: '10.60.0.9', JF_IP: '10.50.0.20' }),
    'apps/pool.yaml': pool('${LAN_CIDR}'),
    'apps/plex.yaml': svc('plex', '${PLEX_IP}'),
    'apps/jellyfin.yaml': svc('jellyfin', '${JF_IP}'),
    'apps/other.yaml': svc('other', '10.50.0.20'),
  };

  it('rules see the values of the ConfigMap a Kustomization substitutes from, and say where they come from', () => {
    const docs = parseRepo(referenced);
    const [g] = buildClusterGroups(docs);
    const p = g!.docs.find((d) => d.kind === 'CiliumLoadBalancerIPPool')!;
    assert.equal(p.get(['spec', 'blocks', 0, 'cidr']), '10.50.0.0/24');
    assert.equal(p.parsed && (p.parsed as { spec: { blocks: Array<{ cidr: string }> } }).spec.blocks[0]!.cidr, '${LAN_CIDR}');
    assert.equal(p.templated, false);
    assert.deepEqual(
      p.substitutions.map((s) => [s.path.join('.'), s.name, s.value, s.from?.doc.file.path, s.from?.path.join('.')]),
      [['spec.blocks.0.cidr', 'LAN_CIDR', '10.50.0.0/24', 'flux/settings.yaml', 'data.LAN_CIDR']],
    );
    const got = lintRepo(referenced, RULES);
    assert.deepEqual(
      got.map((d) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column} ${d.data?.['ip'] ?? ''}`),
      ['network/service-ip-conflict apps/other.yaml:7:27 10.50.0.20', 'network/service-ip-not-in-pool apps/plex.yaml:7:27 10.60.0.9'],
    );
    const plex = got.find((d) => d.file === 'apps/plex.yaml')!;
    const rel = plex.related!.find((r) => r.file === 'flux/settings.yaml');
    assert.ok(rel, JSON.stringify(plex.related));
    assert.deepEqual(rel.range.start, { line: 8, column: 12 });
    // the conflict's related location (the other Service) is there too, and the substituted one names its variable
    const conflict = got.find((d) => d.ruleId === 'network/service-ip-conflict')!;
    assert.ok(conflict.related!.some((r) => r.file === 'apps/jellyfin.yaml'));
  });

  it('related locations name only the variables behind the finding`s value, not every variable below a key finding', () => {
    const hr = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.4\n      sourceRef: {kind: HelmRepository, name: cilium}\n  values:\n    kubeProxyReplacement: true\n    ipv4NativeRoutingCIDR: ${POD_CIDR}\n';
    const range = yaml`
      apiVersion: cilium.io/v2
      kind: CiliumLoadBalancerIPPool
      metadata:
        name: range
      spec:
        blocks:
          - start: ${'${GW_IP}'}
            stop: 10.50.0.9
    `;
    const files = {
      'flux/apps.yaml': ks('apps', './apps', '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'),
      'flux/settings.yaml': settings('cluster-settings', { POD_CIDR: '10.42.0.0/16', GW_IP: '10.50.0.1' }),
      'apps/hr.yaml': hr,
      'apps/range.yaml': range,
      'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  gateway: 10.50.0.1\n',
    };
    const got = lintRepo(files, [rolloutPods, poolReservedAddress]);
    // rollout-pods: a missing key reported at `values:` has nothing to do with ${POD_CIDR}
    const rollout = got.find((d) => d.ruleId === 'cilium/rollout-pods')!;
    assert.deepEqual((rollout.related ?? []).map((r) => r.file), []);
    // the block's start came from ${GW_IP}: its definition is related
    const pool = got.find((d) => d.ruleId === 'network/pool-reserved-address')!;
    assert.ok(pool.related!.some((r) => r.file === 'flux/settings.yaml' && /GW_IP/.test(r.message)), JSON.stringify(pool.related));
  });

  it('inline substitute overrides substituteFrom; the document`s own Kustomization wins over repository ConfigMaps', () => {
    const files = {
      ...referenced,
      'flux/apps.yaml': ks('apps', './apps', '  postBuild:\n    substitute:\n      PLEX_IP: 10.50.0.9\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'),
    };
    assert.deepEqual(brief(files).map((b) => b.split(' ')[0]), ['network/service-ip-conflict']);
  });

  it('nothing is resolved when a document opts out, a name has two values, or a Secret may define it', () => {
    const optOut = { ...referenced, 'apps/plex.yaml': svc('plex', '${PLEX_IP}', '\n      kustomize.toolkit.fluxcd.io/substitute: disabled') };
    assert.ok(!brief(optOut).some((b) => b.includes('apps/plex.yaml')), brief(optOut).join('\n'));

    // the wiring is not in view (a Kustomization without postBuild; a parent would patch it in), two variable
    // ConfigMaps disagree on PLEX_IP: it stays a placeholder
    const unwired = { ...referenced, 'flux/apps.yaml': ks('apps', './apps', '') };
    const twoValues = { ...unwired, 'other/settings.yaml': settings('more-settings', { PLEX_IP: '10.50.0.10' }) };
    assert.ok(!brief(twoValues).some((b) => b.includes('apps/plex.yaml')), brief(twoValues).join('\n'));
    // ...and with only one of them, the repository's variable ConfigMap is used
    assert.ok(brief(unwired).some((b) => b.startsWith('network/service-ip-not-in-pool apps/plex.yaml')), brief(unwired).join('\n'));
    // ...but not in a repository without Flux (an Argo CD repo's env ConfigMaps are not Flux variables)
    const { 'flux/apps.yaml': _ks, ...noFlux } = referenced;
    assert.ok(!brief(noFlux).some((b) => b.includes('apps/plex.yaml')), brief(noFlux).join('\n'));
    // Talos patches are read by talosctl/talhelper with their own variables, never by Flux
    const talos = parseRepo({ ...referenced, 'apps/talos-patch.yaml': 'machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: ["${LAN_CIDR}"]\n' });
    buildClusterGroups(talos);
    const patch = talos.find((d) => d.file.path === 'apps/talos-patch.yaml')!;
    assert.equal(patch.docClass, 'talos-config');
    assert.deepEqual(patch.substitutions, []);

    // the Kustomization also reads a Secret: PLEX_IP is not in its ConfigMap, so it may be there
    const secret = {
      ...referenced,
      'flux/settings.yaml': settings('cluster-settings', { LAN_CIDR: '10.50.0.0/24', JF_IP: '10.50.0.20' }),
      'flux/apps.yaml': ks('apps', './apps', '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n      - kind: Secret\n        name: cluster-secrets\n'),
      'other/vars.yaml': settings('unrelated', { PLEX_IP: '10.60.0.9' }),
    };
    assert.ok(!brief(secret).some((b) => b.includes('apps/plex.yaml')), brief(secret).join('\n'));
  });

  it('review cases: SOPS or missing sources stay unknown, a Secret after a ConfigMap overrides it, visible sources without the name give the default, Secrets are not substituted', () => {
    const plexFindings = (files: Record<string, string>) => brief(files).filter((b) => b.includes('apps/plex.yaml'));
    // an encrypted ConfigMap: Flux decrypts it first, talium cannot
    const sops = { ...referenced, 'flux/settings.yaml': settings('cluster-settings', { LAN_CIDR: '10.50.0.0/24', PLEX_IP: 'ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]', JF_IP: '10.50.0.20' }) + 'sops:\n  version: 3.9.0\n' };
    assert.deepEqual(plexFindings(sops), []);
    // the referenced ConfigMap is not in the tree (configMapGenerator from an .env file): even a default is unsafe
    const ksWith = (from: string) => ks('apps', './apps', `  postBuild:\n    substituteFrom:\n${from}`);
    const missing = { ...referenced, 'apps/plex.yaml': svc('plex', '${PLEX_IP:=10.99.0.9}'), 'flux/apps.yaml': ksWith('      - kind: ConfigMap\n        name: generated-settings\n') };
    assert.deepEqual(plexFindings(missing), []);
    // a Secret listed after the ConfigMap may override any of its names
    const secretAfter = { ...referenced, 'flux/apps.yaml': ksWith('      - kind: ConfigMap\n        name: cluster-settings\n      - kind: Secret\n        name: cluster-secrets\n') };
    assert.deepEqual(plexFindings(secretAfter), []);
    // every source in view, none defines the name: the default applies (not another Kustomization's ConfigMap)
    const visible = {
      ...referenced,
      'apps/plex.yaml': svc('plex', '${OTHER_IP:=10.98.0.1}'),
      'infra/ks.yaml': ks('infra', './infra', '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: infra-settings\n'),
      'infra/settings.yaml': settings('infra-settings', { OTHER_IP: '10.50.0.30' }),
    };
    assert.deepEqual(plexFindings(visible).map((b) => b.split(' ').slice(0, 2).join(' ') + ' ' + JSON.parse(b.slice(b.indexOf('{'))).ip), ['network/service-ip-not-in-pool apps/plex.yaml:7:27 10.98.0.1']);
    // a Secret document is never substituted (what it would hold is no business of a report)
    const docs = parseRepo({ ...referenced, 'apps/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  ip: ${PLEX_IP}\n' });
    buildClusterGroups(docs);
    assert.deepEqual(docs.find((d) => d.kind === 'Secret')!.substitutions, []);
  });

  it('a Secret the repository holds (SOPS-encrypted) overrides only the names it has: its keys are readable, its values are not', () => {
    const plexFindings = (files: Record<string, string>) => brief(files).filter((b) => b.includes('apps/plex.yaml'));
    const ksWith = (from: string) => ks('apps', './apps', `  postBuild:\n    substituteFrom:\n${from}`);
    const both = '      - kind: ConfigMap\n        name: cluster-settings\n      - kind: Secret\n        name: cluster-secrets\n';
    // the onedr0p / bjw-s layout: cluster-settings, then the SOPS-encrypted cluster-secrets (keys in plain text)
    const sopsSecret = (keys: string[]) =>
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n' +
      keys.map((k) => `  ${k}: ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]\n`).join('') +
      'sops:\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\n  version: 3.9.4\n';
    const files = { ...referenced, 'flux/apps.yaml': ksWith(both), 'flux/secrets.sops.yaml': sopsSecret(['SECRET_DOMAIN']) };
    assert.deepEqual(plexFindings(files).map((b) => b.split(' ').slice(0, 2).join(' ') + ' ' + JSON.parse(b.slice(b.indexOf('{'))).ip), ['network/service-ip-not-in-pool apps/plex.yaml:7:27 10.60.0.9']);
    // the Secret has PLEX_IP: its value is unknown, so the ConfigMap's value is not what Flux substitutes
    assert.deepEqual(plexFindings({ ...files, 'flux/secrets.sops.yaml': sopsSecret(['SECRET_DOMAIN', 'PLEX_IP']) }), []);
    // a plain `data` Secret is read by its keys the same way (k8s/plaintext-secret judges its values)
    const dataSecret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\ndata:\n  PLEX_IP: MTAuNTAuMC45\n';
    assert.deepEqual(plexFindings({ ...files, 'flux/secrets.sops.yaml': dataSecret }), []);
    // two Secrets of that name, neither nearer to the Kustomization: talium cannot tell which, any name may be there
    assert.deepEqual(plexFindings({ ...files, 'a/secrets.yaml': sopsSecret(['SECRET_DOMAIN']).replace('flux-system', 'other'), 'b/secrets.yaml': sopsSecret(['SECRET_DOMAIN']).replace('flux-system', 'other') , 'flux/secrets.sops.yaml': '' }), []);
  });

  it('review cases: in a multi-cluster repository each Kustomization reads its own cluster`s ConfigMap', () => {
    const cluster = (c: string, ip: string) => ({
      [`clusters/${c}/flux/apps.yaml`]: ks('apps', `./clusters/${c}/apps`, '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'),
      [`clusters/${c}/flux/settings.yaml`]: settings('cluster-settings', { PLEX_IP: ip }),
      [`clusters/${c}/apps/plex.yaml`]: svc('plex', '${PLEX_IP}'),
    });
    const docs = parseRepo({ ...cluster('a', '10.50.0.9'), ...cluster('b', '10.70.0.9') });
    buildClusterGroups(docs);
    const ipOf = (c: string) => (docs.find((d) => d.file.path === `clusters/${c}/apps/plex.yaml`)!.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations['lbipam.cilium.io/ips'];
    assert.deepEqual([ipOf('a'), ipOf('b')], ['10.50.0.9', '10.70.0.9']);
  });

  it('a folder several Flux Kustomizations apply (one per cluster): a name they give different values stays a placeholder', () => {
    const perCluster = (c: string, ip: string, lan = '10.50.0.0/24') => ({
      [`clusters/${c}/flux/cilium.yaml`]: ks('cilium-config', './kubernetes/shared/cilium', `  postBuild:\n    substitute:\n      PLEX_IP: "${ip}"\n      LAN_CIDR: "${lan}"\n`),
    });
    const docs = parseRepo({ ...perCluster('a', '10.50.0.9'), ...perCluster('b', '10.70.0.9'), 'kubernetes/shared/cilium/plex.yaml': svc('plex', '${PLEX_IP}'), 'kubernetes/shared/cilium/pool.yaml': pool('${LAN_CIDR}') });
    buildClusterGroups(docs);
    const valueOf = (file: string) => docs.find((d) => d.file.path === file)!.value as { metadata: { annotations?: Record<string, string> }; spec: { blocks?: Array<{ cidr: string }> } };
    // each cluster renders its own address: no single value is what every cluster gets
    assert.equal(valueOf('kubernetes/shared/cilium/plex.yaml').metadata.annotations!['lbipam.cilium.io/ips'], '${PLEX_IP}');
    // the name both give the same value is resolved
    assert.equal(valueOf('kubernetes/shared/cilium/pool.yaml').spec.blocks![0]!.cidr, '10.50.0.0/24');
  });

  it('review cases: a text full of unclosed `${` is substituted in linear time', () => {
    const text = '${a]'.repeat(400_000) + '}';
    const t0 = cpuStart();
    assert.equal(sub(text, { a: 'x' }), text);
    // ~0.5 s here, 2.4 s once on a loaded machine; a scan that restarted at every `${` would take minutes (1.6 M
    // characters squared), so the bound separates the two without tripping on a busy CI host
    assert.ok(cpuMsSince(t0) < 10_000, `${cpuMsSince(t0)} ms`);
  });

  it('a whole-value placeholder takes its YAML type (port: ${PORT} is a number), as Flux reads the result back', () => {
    const files = {
      'flux/apps.yaml': ks('apps', './apps', '  postBuild:\n    substitute:\n      PORT: "8080"\n      ON: "true"\n      NAME: web\n'),
      'apps/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ${NAME}-svc\nspec:\n  ports:\n    - port: ${PORT}\n  publishNotReadyAddresses: ${ON}\n',
    };
    const docs = parseRepo(files);
    buildClusterGroups(docs);
    const s = docs.find((d) => d.file.path === 'apps/svc.yaml')!;
    assert.deepEqual(s.value, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-svc' }, spec: { ports: [{ port: 8080 }], publishNotReadyAddresses: true } });
    // the object keeps the name as written (findings name the same object in-process and in worker threads)
    assert.equal(s.name, '${NAME}-svc');
  });

  it('end to end: lint reports the substituted finding, schemas stay quiet, workers say the same', () => {
    const repo = join(root, 'e2e');
    for (const [p, text] of Object.entries(referenced)) {
      mkdirSync(dirname(join(repo, p)), { recursive: true });
      writeFileSync(join(repo, p), text);
    }
    const run = (extra: string[]) => spawnCli(['lint', '--format', 'json', '--no-cache', ...extra], { cwd: repo });
    const one = run([]);
    assert.equal(one.code, 1, one.stderr);
    const ids = (JSON.parse(one.stdout) as { diagnostics: Array<{ ruleId: string; file: string }> }).diagnostics.map((d) => `${d.ruleId} ${d.file}`);
    assert.ok(ids.includes('network/service-ip-not-in-pool apps/plex.yaml'), ids.join('\n'));
    assert.ok(!ids.some((i) => i.startsWith('schema/')), ids.join('\n'));
    assert.equal(run(['--workers', '2']).stdout, one.stdout);
    // values read back from the parse cache are substituted the same way
    const cached = (): string => spawnCli(['lint', '--format', 'json'], { cwd: repo, env: { TALIUM_CACHE_DIR: join(root, 'cache'), TALIUM_CACHE: undefined } }).stdout;
    assert.equal(cached(), one.stdout);
    assert.equal(cached(), one.stdout);
    const plan = spawnCli(['plan'], { cwd: repo });
    assert.match(plan.stdout, /lan\s+10\.50\.0\.0-10\.50\.0\.255\s+apps\/pool\.yaml/);
  });
});
