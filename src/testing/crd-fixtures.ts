/**
 * Test CRDs: `widgetCrd(specProperties, extraVersions)` writes the example.com `Widget` CustomResourceDefinition
 * (served and stored v1) whose `spec` schema has the given properties (YAML lines, indented for that place).
 */
export function widgetCrd(specSchema: string, extraVersions = ''): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
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
