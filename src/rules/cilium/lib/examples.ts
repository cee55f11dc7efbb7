/** Fixture text for rule metadata examples (the docs and the meta-test run them): a Flux HelmRelease of Cilium 1.19.6. */

/** `values` is the already indented (4 spaces) body of `spec.values`. */
export function ciliumHelmRelease(values: string): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.19.6\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n${values}`;
}
