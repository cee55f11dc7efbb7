/**
 * gitops/flux-sops-decryption: a Flux Kustomization applying SOPS-encrypted objects without `spec.decryption`;
 * decryption set on the Kustomization or patched in by the Kustomization (or kustomization) above it counts.
 */
import { test } from 'node:test';
import fluxSopsDecryption from '../src/rules/gitops/flux-sops-decryption.js';
import { ruleTester } from '../src/testing/rule-tester.js';

const KS = (name: string, path: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n${extra}  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const DECRYPTION = '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n';
const SECRET = (name: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]\nsops:\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  version: 3.9.0\n`;
const PLAIN = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';
const K = (...res: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${res.map((r) => `  - ${r}\n`).join('')}`;
/** cluster-template's cluster-apps: patches every Kustomization it applies with decryption. */
const PARENT_PATCH = `  patches:\n    - patch: |-\n        apiVersion: kustomize.toolkit.fluxcd.io/v1\n        kind: Kustomization\n        metadata:\n          name: not-used\n        spec:\n          decryption:\n            provider: sops\n            secretRef:\n              name: sops-age\n      target:\n        group: kustomize.toolkit.fluxcd.io\n        kind: Kustomization\n`;

test('gitops/flux-sops-decryption: where the finding sits, and what counts as decryption', () => {
  ruleTester(fluxSopsDecryption, {
    valid: [
      { 'clusters/home/app.yaml': KS('app', './apps/app', DECRYPTION), 'apps/app/secret.sops.yaml': SECRET('db') },
      // nothing encrypted
      { 'clusters/home/app.yaml': KS('app', './apps/app'), 'apps/app/cm.yaml': PLAIN },
      // the Kustomization that applies it patches decryption into every child (cluster-template)
      {
        'clusters/home/cluster-apps.yaml': KS('cluster-apps', './apps', PARENT_PATCH),
        'apps/kustomization.yaml': K('./app/ks.yaml'),
        'apps/app/ks.yaml': KS('app', './apps/app/app'),
        'apps/app/app/kustomization.yaml': K('secret.sops.yaml'),
        'apps/app/app/secret.sops.yaml': SECRET('db'),
      },
      // flux-system/kustomization.yaml patches gotk-sync's Kustomization (flux bootstrap customisation), from a file
      {
        'clusters/home/flux-system/gotk-sync.yaml': KS('flux-system', './clusters/home'),
        'clusters/home/flux-system/kustomization.yaml': `${K('gotk-sync.yaml')}patches:\n  - path: decryption-patch.yaml\n    target:\n      kind: Kustomization\n`,
        'clusters/home/flux-system/decryption-patch.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\nspec:\n${DECRYPTION}`,
        'clusters/home/secrets/secret.sops.yaml': SECRET('cluster-secrets'),
      },
    ],
    invalid: [
      {
        files: { 'clusters/home/app.yaml': KS('app', './apps/app'), 'apps/app/secret.sops.yaml': SECRET('db'), 'apps/app/other.sops.yaml': SECRET('api'), 'apps/app/cm.yaml': PLAIN },
        errors: [{ messageId: 'noDecryption', file: 'clusters/home/app.yaml', line: 8, column: 9, data: { name: 'app', count: '2', first: 'Secret api in apps/app/other.sops.yaml' } }],
      },
      // the parent patches something else: not decryption
      {
        files: {
          'clusters/home/cluster-apps.yaml': KS('cluster-apps', './apps', PARENT_PATCH.replace(/decryption:\n\s+provider: sops\n\s+secretRef:\n\s+name: sops-age/, 'wait: true')),
          'apps/kustomization.yaml': K('./app/ks.yaml'),
          'apps/app/ks.yaml': KS('app', './apps/app/app'),
          'apps/app/app/kustomization.yaml': K('secret.sops.yaml'),
          'apps/app/app/secret.sops.yaml': SECRET('db'),
        },
        errors: [{ messageId: 'noDecryption', file: 'apps/app/ks.yaml', line: 8, column: 9, data: { name: 'app', count: '1' } }],
      },
      // decryption is not inherited: the parent's own decryption does not decrypt for the child
      {
        files: {
          'clusters/home/cluster-apps.yaml': KS('cluster-apps', './apps', DECRYPTION),
          'apps/kustomization.yaml': K('./app/ks.yaml'),
          'apps/app/ks.yaml': KS('app', './apps/app/app'),
          'apps/app/app/kustomization.yaml': K('secret.sops.yaml'),
          'apps/app/app/secret.sops.yaml': SECRET('db'),
        },
        errors: [{ messageId: 'noDecryption', file: 'apps/app/ks.yaml', line: 8, column: 9 }],
      },
    ],
  });
});
