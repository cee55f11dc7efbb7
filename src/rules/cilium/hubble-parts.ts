/**
 * cilium/hubble-parts: Cilium values with Hubble parts the chart refuses to render (templates/validate.yaml `fail`s):
 * the Hubble UI (not standalone) without Hubble Relay, Relay without Hubble. The verdict is lib/hubble-parts.ts',
 * shared with spec/hubble-parts (cluster.yaml); this rule reads each release's effective values.
 */
import type { YamlDocument } from '../../core/document.js';
import type { CiliumRelease } from '../../plan/types.js';
import { dirOf } from '../../plan/util.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { ciliumHelmRelease } from './lib/examples.js';
import { HUBBLE_CHART_DEFAULTS, HUBBLE_KEYS, hubbleProblems, type HubbleParts } from './lib/hubble-parts.js';
import { SRC } from './lib/sources.js';
import { dedupe, layerSetting, placeOf, releases, unseenMaySet, valueOf } from './lib/values.js';

const hr = ciliumHelmRelease;
const PARTS = Object.keys(HUBBLE_KEYS) as (keyof HubbleParts)[];

/**
 * The four switches of a release as the chart reads them, or undefined when one cannot be known: set to something
 * else than a boolean (Go templates take any non-empty string as true; the values schema rejects it: schema/type),
 * templated, possibly set by values the repository does not show, or, unset in a loose values file, set by another
 * loose values file of its folder (`helm install -f values.yaml -f hubble.yaml`). `null` deletes the key: the default.
 */
function partsOf(release: CiliumRelease, docs: readonly YamlDocument[], all: readonly CiliumRelease[]): HubbleParts | undefined {
  const out = { ...HUBBLE_CHART_DEFAULTS };
  for (const part of PARTS) {
    const key = HUBBLE_KEYS[part];
    if (unseenMaySet(release, key, docs)) return undefined;
    const v = valueOf(release, key);
    if (typeof v === 'boolean') out[part] = v;
    else if (v !== undefined && v !== null) return undefined;
    else if (release.engine === 'values-file') {
      const dir = dirOf(release.doc.file.path);
      if (all.some((o) => o !== release && o.engine === 'values-file' && dirOf(o.doc.file.path) === dir && layerSetting(o, key) !== undefined)) return undefined;
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'cilium/hubble-parts',
    description: 'The Cilium chart refuses to render the Hubble UI without Hubble Relay, or Relay without Hubble.',
    severity: 'error',
    messages: {
      relayOff: 'Cilium values turn Hubble Relay off while the Hubble UI is on; the chart refuses to render ("Hubble UI requires .Values.hubble.relay.enabled=true").',
      uiWithoutRelay: 'Cilium values turn the Hubble UI on without Hubble Relay (chart default off); the chart refuses to render ("Hubble UI requires .Values.hubble.relay.enabled=true").',
      relayWithoutHubble: 'Cilium values turn Hubble Relay on while hubble.enabled is false; the chart refuses to render ("Hubble Relay requires .Values.hubble.enabled=true").',
    },
    help: 'Turn Hubble Relay on with the UI (`hubble.relay.enabled: true`, which needs `hubble.enabled: true`), or turn the UI off (or run it standalone: `hubble.ui.standalone.enabled: true`).',
    docs: {
      what: 'For every Cilium release (Flux HelmRelease, Argo CD Application, helmfile, Kustomize `helmCharts`, values files), reads `hubble.enabled`, `hubble.relay.enabled`, `hubble.ui.enabled` and `hubble.ui.standalone.enabled` from its effective values (chart defaults: true, false, false, false) and reports what the chart\'s templates/validate.yaml refuses:\n' +
        '- the UI on, not standalone, with Relay off (at `hubble.relay.enabled` when it is written false, else at `hubble.ui.enabled`);\n' +
        '- Relay on with Hubble off (at `hubble.relay.enabled`).\n' +
        '\n' +
        'Silent when a switch is templated, is not a boolean, or may be set by values the repository does not show. The same verdict as spec/hubble-parts for cluster.yaml.',
      why: 'validate.yaml calls `fail`, so `helm template`/`install` stops: the HelmRelease or Application never becomes ready and no Cilium change from the same values is applied, not only the Hubble part. Relay is off by default, so turning only the UI on is enough to hit it.',
      fix: 'Set `hubble.relay.enabled: true` next to `hubble.ui.enabled: true` (Relay needs `hubble.enabled`, on by default), or turn the UI off.',
      sources: ['https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/validate.yaml', 'https://docs.cilium.io/en/stable/observability/hubble/hubble-ui/', SRC.helmRef],
    },
    examples: {
      valid: [
        { files: { 'cilium/helmrelease.yaml': hr('    hubble:\n      relay:\n        enabled: true\n      ui:\n        enabled: true\n') } },
        { files: { 'cilium/helmrelease.yaml': hr('    hubble:\n      ui:\n        enabled: true\n        standalone:\n          enabled: true\n') }, note: 'a standalone UI needs no Relay' },
      ],
      invalid: [
        { files: { 'cilium/helmrelease.yaml': hr('    hubble:\n      ui:\n        enabled: true\n') }, note: 'Relay is off by default' },
        { files: { 'cilium/values.yaml': 'hubble:\n  relay:\n    enabled: false\n  ui:\n    enabled: true\n' } },
        { files: { 'cilium/values.yaml': 'hubble:\n  enabled: false\n  relay:\n    enabled: true\n' } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const all = releases(cluster);
    for (const r of all) {
      const parts = partsOf(r, cluster.docs, all);
      if (!parts) continue;
      const at = (part: keyof HubbleParts) => placeOf(r, HUBBLE_KEYS[part]);
      const written = (part: keyof HubbleParts) => layerSetting(r, HUBBLE_KEYS[part]) !== undefined;
      for (const problem of hubbleProblems(parts)) {
        if (problem === 'ui-without-relay') {
          const related: RelatedFinding[] = [{ ...at('ui'), message: 'The Hubble UI is turned on here.' }];
          if (written('relay')) out.push({ ...at('relay'), messageId: 'relayOff', data: { problem }, related });
          else out.push({ ...at('ui'), messageId: 'uiWithoutRelay', data: { problem } });
        } else {
          out.push({ ...at('relay'), messageId: 'relayWithoutHubble', data: { problem }, related: [{ ...at('hubble'), message: 'Hubble is turned off here.' }] });
        }
      }
    }
    return dedupe(out);
  },
});
