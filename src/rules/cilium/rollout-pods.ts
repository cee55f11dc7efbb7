/**
 * cilium/rollout-pods: a Cilium release installed by GitOps (Flux, Argo CD, Kustomize `helmCharts`) without
 * `rollOutCiliumPods: true` / `operator.rollOutPods: true`: a values change that only edits the cilium-config
 * ConfigMap is not picked up until someone restarts the agents and the operator.
 */
import { atLeast } from '../../data/versions.js';
import type { CiliumRelease } from '../../plan/types.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumHelmRelease } from './lib/examples.js';
import { SRC } from './lib/sources.js';
import { asBool, dedupe, incomplete, isSet, layerSetting, overridable, placeOf, releasePlace, releaseVersion, releases, unknowable, valueOf } from './lib/values.js';

/**
 * The keys, both `false` by default in every chart domain-facts §4 and the chart oracle cover (1.14–1.20). Older
 * lines are not established, so releases pinned below 1.14 are not judged. `envoy.rollOutPods`,
 * `hubble.relay.rollOutPods` (and others) exist too but domain-facts states nothing about them: not checked.
 */
const KEYS: readonly (readonly string[])[] = [['rollOutCiliumPods'], ['operator', 'rollOutPods']];
const SINCE = '1.14';

const hr = ciliumHelmRelease;

/**
 * Where a missing key belongs: its parent mapping's key when a layer writes that mapping (`operator:` for
 * `operator.rollOutPods`), else the release's values.
 */
function missingPlace(r: CiliumRelease, key: readonly string[]): ReturnType<typeof releasePlace> {
  const parent = key.slice(0, -1);
  const v = parent.length ? valueOf(r, parent) : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? placeOf(r, parent, { key: true }) : releasePlace(r);
}

export default defineRule({
  meta: {
    id: 'cilium/rollout-pods',
    description: 'A Cilium release deployed by GitOps should set `rollOutCiliumPods` and `operator.rollOutPods` to true.',
    severity: 'info',
    messages: {
      unset: '{{key}} is not set (chart default false): after a values change that only edits the cilium-config ConfigMap, the running Cilium pods of this {{engine}} release keep the old configuration until they are restarted.',
      unsetBoth: 'Neither rollOutCiliumPods nor operator.rollOutPods is set (chart defaults false): after a values change that only edits the cilium-config ConfigMap, the running Cilium agent and operator pods of this {{engine}} release keep the old configuration until they are restarted.',
      off: '{{key}} is false: after a values change that only edits the cilium-config ConfigMap, the running Cilium pods of this {{engine}} release keep the old configuration until they are restarted.',
    },
    help: 'Set `rollOutCiliumPods: true` and `operator.rollOutPods: true` in the Cilium values.',
    docs: {
      what: 'For every Cilium release a GitOps controller installs (Flux `HelmRelease` and its Kustomize overlays, Argo CD `Application`/`ApplicationSet`, Kustomize `helmCharts` outside a `bootstrap`/`talos` folder), reports `rollOutCiliumPods` and `operator.rollOutPods` when they are unset or false:\n' +
        '- at the key when it is written;\n' +
        '- else at the `operator:` mapping when only `operator.rollOutPods` is missing and that mapping is written;\n' +
        '- else at the release\'s values (one finding when both are missing).\n' +
        '\n' +
        'The release\'s engine and purpose decide: bootstrap installs (helmfile, a `cilium install` Job, committed or in a Talos inline manifest, Kustomize `helmCharts` under `bootstrap/` or `talos/`) and values files no GitOps release reads are not judged, since they install once and the GitOps release that takes over is judged.\n' +
        '\n' +
        'A missing key is not judged when the release takes values the repository does not show (an unresolved `valuesFrom`, Argo CD `parameters`, a patch of the same HelmRelease); a `false` is not judged when such a source may override it. Releases pinned below Cilium 1.14 and templated values are not judged.',
      why: 'Both values default to false in the chart (1.14–1.20). Without them a values change that only edits the cilium-config ConfigMap (turning on `l2announcements`, for example) is applied by Flux or Argo CD but not picked up by the running agents and operator until someone restarts them. With them the chart rolls the agent and operator pods out when that ConfigMap changes.',
      fix: 'Add `rollOutCiliumPods: true` and `operator.rollOutPods: true` to the Cilium values (talium generate writes both).',
      sources: [SRC.helmRef],
    },
    examples: {
      valid: [
        { files: { 'cilium/helmrelease.yaml': hr('    rollOutCiliumPods: true\n    operator:\n      rollOutPods: true\n') } },
        { files: { 'bootstrap/helmfile.yaml': 'releases:\n  - name: cilium\n    chart: cilium/cilium\n    version: 1.19.6\n    values:\n      - kubeProxyReplacement: true\n' }, note: 'a bootstrap install is not judged' },
      ],
      invalid: [{ files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    operator:\n      rollOutPods: false\n') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (r.purpose !== 'gitops') continue;
      const version = releaseVersion(cluster, r);
      if (version && !atLeast(version, SINCE)) continue;
      const data = { engine: r.engine };
      const unset: string[] = [];
      for (const key of KEYS) {
        const name = key.join('.');
        if (!isSet(r, key)) {
          if (!incomplete(r, cluster.docs)) unset.push(name);
          continue;
        }
        const v = valueOf(r, key);
        // true, a template, or another value (schema/* judges its type): nothing to recommend
        if (unknowable(v) || (v !== null && asBool(v) !== false)) continue;
        const layer = layerSetting(r, key);
        if (layer && overridable(r, layer, cluster.docs)) continue;
        out.push({ ...placeOf(r, key, { key: true }), messageId: 'off', data: { key: name, ...data } });
      }
      // both missing: one finding at the release's values, not two on the same spot
      if (unset.length === KEYS.length) out.push({ ...releasePlace(r), messageId: 'unsetBoth', data: { keys: unset.join(','), ...data } });
      else for (const name of unset) out.push({ ...missingPlace(r, name.split('.')), messageId: 'unset', data: { key: name, ...data } });
    }
    return dedupe(out);
  },
});
