/** cilium/version-drift: the Cilium version installed at bootstrap (helmfile, Talos inline, bootstrap values) differs from the GitOps release. */
import { compareMinor, compareVersions, parseVersion } from '../../data/versions.js';
import { factPlace } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { releases } from './lib/values.js';

const HELMFILE = (v: string) => `releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: ${v}\n    values:\n      - kubeProxyReplacement: true\n`;
const HR = (v: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: ${v}\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n    kubeProxyReplacement: true\n`;

export default defineRule({
  meta: {
    id: 'cilium/version-drift',
    description: 'The bootstrap Cilium version should equal the version the GitOps release manages.',
    severity: 'warning',
    messages: {
      drift: 'Bootstrap installs Cilium {{bootstrap}} but the GitOps release pins {{gitops}}; the first reconcile {{direction}} Cilium right after bootstrap.',
    },
    help: 'Pin the same Cilium version in the bootstrap path (helmfile / Talos inline manifest / bootstrap values) and the GitOps release; bump them together.',
    docs: {
      what: 'Compares the chart version of every bootstrap Cilium install with the GitOps-managed release of the same cluster.',
      why: 'A fresh cluster first gets the bootstrap version, then Flux/Argo CD moves it to the GitOps version: an unplanned upgrade or (worse) a downgrade across minors right after bootstrap; Cilium only tests adjacent-minor moves.',
      fix: 'Keep one version (e.g. let Renovate bump both files in one PR).',
      sources: [SRC.upgrade],
    },
    examples: {
      valid: [{ files: { 'bootstrap/helmfile.yaml': HELMFILE('1.19.6'), 'cilium/helmrelease.yaml': HR('1.19.6') } }],
      invalid: [{ files: { 'bootstrap/helmfile.yaml': HELMFILE('1.20.1'), 'cilium/helmrelease.yaml': HR('1.19.6') } }],
    },
  },
  check({ cluster }) {
    const rels = releases(cluster);
    const gitops = rels.filter((r) => r.purpose === 'gitops' && r.version);
    const boots = rels.filter((r) => r.purpose === 'bootstrap' && r.version);
    if (!gitops.length || !boots.length) return [];
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const b of boots) {
      const bv = parseVersion(b.version!.value);
      if (!bv || bv.operator) continue;
      for (const g of gitops) {
        const gv = parseVersion(g.version!.value);
        if (!gv || gv.operator) continue;
        const exact = bv.patch !== undefined && gv.patch !== undefined;
        const cmp = exact ? compareVersions(bv, gv) : compareMinor(bv, gv);
        if (cmp === 0) continue;
        // a version set inside an inline kustomize patch points at its own place in the patch text
        const place = factPlace(b.version!.from) ?? { doc: b.releaseDoc ?? b.doc, path: [] };
        const key = `${place.doc.file.path}#${place.doc.index}#${g.version!.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const gplace = factPlace(g.version!.from) ?? { doc: g.releaseDoc ?? g.doc, path: [] };
        out.push({
          ...place,
          messageId: 'drift',
          data: { bootstrap: b.version!.value, gitops: g.version!.value, direction: cmp > 0 ? 'downgrades' : 'upgrades' },
          related: [{ ...gplace, message: `The GitOps release pins ${g.version!.value} here.` }],
          ...(compareMinor(bv, gv) === 0 ? { severity: 'info' as const } : {}),
        });
      }
    }
    return out;
  },
});
