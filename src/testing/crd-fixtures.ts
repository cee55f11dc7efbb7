/**
 * Test CRDs: `widgetCrd(specProperties, extraVersions)` writes the example.com `Widget` CustomResourceDefinition
 * (served and stored v1) whose `spec` schema has the given properties (YAML lines, indented for that place);
 * `crdOf` the same for another group and kind.
 */
export function widgetCrd(specSchema: string, extraVersions = ''): string {
  return crdOf({ group: 'example.com', kind: 'Widget', plural: 'widgets' }, specSchema, extraVersions);
}

/** A namespaced CRD of `kind` in `group` (served and stored v1) whose `spec` schema has the given properties. */
export function crdOf(names: { group: string; kind: string; plural: string }, specSchema: string, extraVersions = ''): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${names.plural}.${names.group}}
spec:
  group: ${names.group}
  scope: Namespaced
  names: {kind: ${names.kind}, plural: ${names.plural}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
${specSchema}${extraVersions}`;
}
