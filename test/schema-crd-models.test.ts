/**
 * The bundled CRD families (Gateway API, cert-manager, External Secrets, Prometheus Operator, Sealed Secrets, Traefik from their
 * `@kubernetes-models/*` packages): validated with positions and the strict unknown-field check, Flux placeholders
 * left alone, an API version the package lacks reported as an unknown kind (not as not served), and a repository's
 * own CRD taking precedence over the bundled model.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { crdOf } from '../src/testing/crd-fixtures.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isCrdModelGroup, MODEL_PACKAGES, ModelIndex, packageOf, resolveRoot } from '../src/schema/k8s-models.js';
import { ModelLoader } from '../src/schema/model-loader.js';

const repos = tempRepos('talium-crd-models-');
after(repos.cleanup);

interface Diag {
  ruleId: string;
  file: string;
  data?: Record<string, unknown>;
  range: { start: { line: number; column: number } };
}

async function lint(files: Record<string, string>): Promise<Diag[]> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: repos.repo(files) });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
}

const at = (d: Diag) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`;

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: external
spec:
  gatewayClassName: cilium
  infrastructure:
    annotation:
      lbipam.cilium.io/ips: 10.50.0.240
  listeners:
    - name: https
      protocol: HTTPS
      port: "443"
`;

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs: [{name: external}]
  rules:
    - matches:
        - path: {type: Prefix, valeu: /}
      backendRefs: [{name: web, port: 80}]
`;

test('each API group goes to the package that models it; the CRD families are marked as one release', () => {
  const owner = (g: string) => packageOf(g)?.source;
  assert.equal(owner('gateway.networking.k8s.io'), '@kubernetes-models/gateway-api');
  assert.equal(owner('networking.k8s.io'), 'kubernetes-models');
  assert.equal(owner('monitoring.coreos.com'), '@kubernetes-models/prometheus-operator');
  assert.equal(owner('trust.cert-manager.io'), '@kubernetes-models/cert-manager');
  assert.equal(owner('postgresql.cnpg.io'), undefined);
  assert.equal(owner('bitnami.com'), '@kubernetes-models/sealed-secrets');
  assert.equal(owner('traefik.io'), '@kubernetes-models/traefik');
  assert.equal(owner('traefik.containo.us'), undefined);
  assert.equal(isCrdModelGroup('gateway.networking.k8s.io'), true);
  assert.equal(isCrdModelGroup('cert-manager.io'), true);
  assert.equal(isCrdModelGroup('apps'), false);
  assert.equal(isCrdModelGroup('helm.toolkit.fluxcd.io'), false);
  assert.equal(isCrdModelGroup('postgresql.cnpg.io'), false);
  const idx = new ModelIndex();
  assert.equal(idx.find('gateway.networking.k8s.io/v1', 'Gateway')?.source, '@kubernetes-models/gateway-api');
  assert.equal(idx.find('external-secrets.io/v1', 'ExternalSecret')?.source, '@kubernetes-models/external-secrets');
  assert.equal(idx.find('networking.k8s.io/v1', 'Ingress')?.source, 'kubernetes-models');
  // the build's kind index and a scan of the package folders agree
  const scanned = new ModelIndex({ index: false });
  for (const [av, kind] of [['gateway.networking.k8s.io/v1beta1', 'HTTPRoute'], ['cert-manager.io/v1', 'ClusterIssuer'], ['monitoring.coreos.com/v1', 'ServiceMonitor'], ['bitnami.com/v1alpha1', 'SealedSecret'], ['traefik.io/v1alpha1', 'Middleware']] as const) {
    assert.ok(idx.find(av, kind), `${av} ${kind} indexed`);
    assert.equal(idx.find(av, kind)?.module, scanned.find(av, kind)?.module);
  }
});

test('Gateway API objects are validated: unknown fields, types and enums at their positions', async () => {
  const diags = await lint({ 'gw.yaml': GATEWAY, 'route.yaml': ROUTE });
  assert.deepEqual(diags.map(at).sort(), ['gw.yaml:13:13 schema/type', 'gw.yaml:8:5 schema/unknown-field', 'route.yaml:9:24 schema/enum', 'route.yaml:9:32 schema/unknown-field']);
  const unknown = diags.filter((d) => d.ruleId === 'schema/unknown-field').map((d) => [d.data?.['field'], d.data?.['suggestion']]);
  assert.deepEqual(unknown.sort(), [['annotation', 'annotations'], ['valeu', 'value']]);
});

test('valid documents of the bundled families pass, Flux placeholders included', async () => {
  const diags = await lint({
    'gw.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: external}
spec:
  gatewayClassName: cilium
  addresses: [{type: IPAddress, value: "\${GATEWAY_IP}"}]
  infrastructure:
    annotations: {lbipam.cilium.io/ips: 10.50.0.240}
  listeners:
    - {name: https, protocol: HTTPS, port: 443, hostname: "*.\${SECRET_DOMAIN}", tls: {certificateRefs: [{kind: Secret, name: wildcard-tls}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  hostnames: ["web.\${SECRET_DOMAIN}"]
  parentRefs: [{name: external, sectionName: https}]
  rules:
    - backendRefs: [{name: web, port: 80}]
`,
    'secrets.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target: {name: app-secret, template: {engineVersion: v2}}
  dataFrom: [{extract: {key: app}}]
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: legacy}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  data: [{secretKey: token, remoteRef: {key: app, property: token}}]
`,
    'certs.yaml': `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt}
    solvers: [{dns01: {cloudflare: {apiTokenSecretRef: {name: cloudflare, key: token}}}}]
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: wildcard}
spec:
  secretName: wildcard-tls
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
  dnsNames: ["*.example.com"]
`,
    'monitoring.yaml': `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: app}}
  endpoints: [{port: http, interval: 1m}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: app}
spec:
  groups:
    - name: app.rules
      partial_response_strategy: Warn
      rules:
        - alert: AppDown
          expr: up{job="app"} == 0
          for: 5m
          labels: {severity: critical}
          annotations: {summary: "app is down"}
`,
    // kubernetes-models' validators drop every property named description: never an unknown field
    'class.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: cilium}
spec:
  controllerName: io.cilium/gateway-controller
  description: Cilium's Gateway API controller
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: critical}
value: 1000000
description: for the home automation pods
`,
    'trust.yaml': `apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata: {name: ca}
spec:
  sources: [{useDefaultCAs: true}]
  target: {configMap: {key: ca.crt}}
`,
  });
  assert.deepEqual(diags.map(at), []);
});

test('a Go-syntax pattern in a bundled validator is checked (PrometheusRule partial_response_strategy)', async () => {
  const diags = await lint({
    'rule.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - name: g\n      partial_response_strategy: fail\n      rules: [{record: x, expr: up}]\n',
  });
  assert.deepEqual(diags.map(at), ['rule.yaml:7:34 schema/pattern']);
});

test('an API version the bundled package lacks is an unknown kind; a built-in group still gets not-served', async () => {
  const diags = await lint({
    'future.yaml': 'apiVersion: gateway.networking.k8s.io/v1alpha9\nkind: HTTPRoute\nmetadata: {name: r}\n',
    'old.yaml': 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n',
  });
  assert.deepEqual(
    diags.map((d) => [at(d), d.data?.['reason'] ?? d.data?.['served']]),
    [
      ['future.yaml:2:7 schema/unknown-kind', 'version-not-bundled'],
      ['old.yaml:1:13 schema/not-served', 'networking.k8s.io/v1'],
    ],
  );
  assert.equal(diags[0]?.data?.['bundled'], 'gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1');
});

test("the repository's own CRD takes precedence over the bundled model", async () => {
  const crd = crdOf({ group: 'gateway.networking.k8s.io', kind: 'Gateway', plural: 'gateways' }, '              properties:\n                gatewayClassName: {type: integer}\n');
  const gw = 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  gatewayClassName: cilium\n';
  const withCrd = await lint({ 'crds/gateway.yaml': crd, 'gw.yaml': gw });
  assert.deepEqual(withCrd.map(at), ['gw.yaml:5:21 schema/type']);
  // the bundled model instead: the name is fine, the listeners it requires are missing
  assert.deepEqual((await lint({ 'gw.yaml': gw })).map((d) => [at(d), d.data?.['field']]), [['gw.yaml:4:1 schema/required', 'listeners']]);
});

test('every validator module of every model package loads synchronously (no unknown import shape)', () => {
  const loader = new ModelLoader();
  const failed: string[] = [];
  let n = 0;
  for (const p of MODEL_PACKAGES) {
    const root = resolveRoot(p.source);
    assert.ok(root, `${p.source} installed`);
    const dir = path.join(root, '_schemas');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) {
      n++;
      const ex = loader.load(path.join(dir, f));
      if (!ex || typeof ex['validate'] !== 'function') failed.push(`${p.source}/_schemas/${f}`);
    }
  }
  assert.ok(n > 1000, `${n} modules`);
  assert.deepEqual(failed, []);
});

test('Sealed Secrets and Traefik objects are validated; Traefik v2\'s traefik.containo.us group is an unknown kind', async () => {
  const sealed = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: app, namespace: apps}\nspec:\n  encryptedData:\n    token: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq\n  template:\n    metadata: {name: app, namespace: apps}\n    type: Opaque\n';
  const route = (group: string, match: string) => `apiVersion: ${group}/v1alpha1\nkind: IngressRoute\nmetadata: {name: web}\nspec:\n  entryPoints: [websecure]\n  routes:\n    - ${match}: Host(\`web.example.com\`)\n      kind: Rule\n      middlewares: [{name: auth}]\n      services: [{name: web, port: 80}]\n`;
  const middleware = 'apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {name: auth}\nspec:\n  basicAuth: {secret: auth-users}\n';
  assert.deepEqual((await lint({ 'sealed.yaml': sealed, 'route.yaml': route('traefik.io', 'match'), 'mw.yaml': middleware })).map(at), []);
  const bad = await lint({ 'sealed.yaml': sealed.replace('encryptedData', 'encryptedDta'), 'route.yaml': route('traefik.io', 'mach'), 'old.yaml': route('traefik.containo.us', 'match') });
  assert.deepEqual(bad.map(at).sort(), ['old.yaml:2:7 schema/unknown-kind', 'route.yaml:7:7 schema/required', 'route.yaml:7:7 schema/unknown-field', 'sealed.yaml:4:1 schema/required', 'sealed.yaml:5:3 schema/unknown-field']);
});
