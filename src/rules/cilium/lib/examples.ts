/**
 * Fixture text for rule metadata examples (the docs and the meta-test run them) and the rule tests: a Flux
 * HelmRelease of Cilium in block style, `spec.values` starting on line 15.
 */

/** `values` is the already indented (4 spaces) body of `spec.values`; `extra` (spec fields, indented by 2) goes before it. */
export function ciliumHelmRelease(values: string, version = '1.19.6', extra = ''): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: ${version}\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n${extra}  values:\n${values}`;
}

/** The same release with `values` written unindented (each line goes under `spec.values`). */
export function ciliumHelmReleaseOf(values: string, version = '1.19.6', extra = ''): string {
  return ciliumHelmRelease(values.replace(/^/gm, '    '), version, extra);
}
