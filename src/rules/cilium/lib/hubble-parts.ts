/**
 * Which Hubble part combinations the Cilium chart refuses to render (its templates/validate.yaml `fail`s), and the
 * chart defaults of the switches involved. One verdict for cluster.yaml (spec/hubble-parts, where talium's own
 * `cilium.hubble` sets the defaults) and for Cilium values in a repository (cilium/hubble-parts). Pure.
 */

/** The switches validate.yaml reads: `hubble.enabled`, `hubble.relay.enabled`, `hubble.ui.enabled`, `hubble.ui.standalone.enabled`. */
export interface HubbleParts {
  hubble: boolean;
  relay: boolean;
  ui: boolean;
  standalone: boolean;
}

/** The chart's defaults (values.yaml of every line 1.14–1.20: Hubble on, Relay and UI off; standalone UI off). */
export const HUBBLE_CHART_DEFAULTS: Readonly<HubbleParts> = { hubble: true, relay: false, ui: false, standalone: false };

/** The values path of each switch. */
export const HUBBLE_KEYS: Readonly<Record<keyof HubbleParts, readonly string[]>> = {
  hubble: ['hubble', 'enabled'],
  relay: ['hubble', 'relay', 'enabled'],
  ui: ['hubble', 'ui', 'enabled'],
  standalone: ['hubble', 'ui', 'standalone', 'enabled'],
};

/**
 * - `ui-without-relay`: "Hubble UI requires .Values.hubble.relay.enabled=true" (the UI, unless standalone, needs Relay);
 * - `relay-without-hubble`: "Hubble Relay requires .Values.hubble.enabled=true".
 */
export type HubbleProblem = 'ui-without-relay' | 'relay-without-hubble';

/** The chart's `fail` message for each problem (as validate.yaml writes it). */
export const HUBBLE_FAIL: Readonly<Record<HubbleProblem, string>> = {
  'ui-without-relay': 'Hubble UI requires .Values.hubble.relay.enabled=true',
  'relay-without-hubble': 'Hubble Relay requires .Values.hubble.enabled=true',
};

/** The problems the chart refuses these switches for (in validate.yaml's order). */
export function hubbleProblems(p: HubbleParts): HubbleProblem[] {
  const out: HubbleProblem[] = [];
  if (p.ui && !p.standalone && !p.relay) out.push('ui-without-relay');
  if (p.relay && !p.hubble) out.push('relay-without-hubble');
  return out;
}
