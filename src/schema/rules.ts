/**
 * The rule ids schema validation reports, with metadata for `talium rules` / `explain` / SARIF. Data only.
 */
import type { Severity } from '../core/diagnostic.js';

export interface SchemaRuleInfo {
  id: string;
  description: string;
  severity: Severity;
  help: string;
  docs: { what: string; why: string; fix: string; sources: string[]; autofix?: string };
}

const K8S_STRICT = 'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation';

export const SCHEMA_RULES: readonly SchemaRuleInfo[] = [
  {
    id: 'schema/enum',
    description: 'A value is not one of the values the schema allows.',
    severity: 'error',
    help: 'Use one of the allowed values.',
    docs: { what: 'Checks enumerated fields (e.g. allowFirstLastIPs "Yes"/"No", ipam.mode).', why: 'The API server or chart rejects other values.', fix: 'Pick one of the listed values.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/format',
    description: 'A string is not a valid CIDR, IP address, duration, quantity or other declared format.',
    severity: 'error',
    help: 'Write a value in the expected format.',
    docs: { what: 'Checks `format: cidr`, `ipv4`, `ipv6`, `duration` (Go), `quantity` (Kubernetes), int32/int64, date-time.', why: 'Peers ignore formats; the API server and Cilium parse them and fail at apply or at runtime.', fix: 'Correct the value (e.g. a CIDR with a valid prefix length).', sources: ['https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#format'] },
  },
  {
    id: 'schema/internal',
    description: 'Schema validation failed unexpectedly on a document.',
    severity: 'error',
    help: 'This is a talium bug; please report it with the file.',
    docs: { what: 'Reported instead of crashing when a validator throws.', why: 'A silent skip would hide real errors.', fix: 'Report the issue with the file.', sources: [] },
  },
  {
    id: 'schema/invalid',
    description: 'A value breaks a schema rule without a more specific id.',
    severity: 'error',
    help: 'Fix the value so that it matches the schema.',
    docs: { what: 'Any other JSON Schema keyword (const, dependencies, not...).', why: 'The API server rejects the object.', fix: 'Follow the message.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/limit',
    description: 'A number, string or list is outside its allowed range or size.',
    severity: 'error',
    help: 'Change the value so that it is within the limit.',
    docs: { what: 'minimum/maximum, minLength/maxLength, minItems/maxItems.', why: 'The API server rejects out-of-range values (e.g. a port above 65535, an ASN above 4294967295).', fix: 'Use a value within the limit.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/not-served',
    description: 'The apiVersion (or Talos document kind) is not served by the version in force.',
    severity: 'error',
    help: 'Use a served apiVersion, or change the version in force.',
    docs: { what: 'Compares apiVersion with what the pinned Cilium/Talos/Kubernetes version serves (e.g. CiliumLoadBalancerIPPool cilium.io/v2 needs Cilium 1.18).', why: 'The apply fails with "no matches for kind".', fix: 'Switch to a served apiVersion (the message lists them).', sources: ['https://docs.cilium.io/en/stable/operations/upgrade/'] },
  },
  {
    id: 'schema/one-of',
    description: 'An object matches more than one of its mutually exclusive forms.',
    severity: 'error',
    help: 'Keep only the fields of one form.',
    docs: { what: 'oneOf groups such as endpointSelector vs nodeSelector, cidr vs cidrGroupRef.', why: 'The API server rejects ambiguous objects.', fix: 'Remove the fields of the other form.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/pattern',
    description: 'A string does not match the pattern the schema requires.',
    severity: 'error',
    help: 'Write a value matching the pattern.',
    docs: { what: 'Checks `pattern` (Go RE2 patterns are translated to JavaScript, never dropped).', why: 'The API server rejects non-matching values.', fix: 'Correct the value.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/required',
    description: 'A required field is missing.',
    severity: 'error',
    help: 'Add the field.',
    docs: { what: 'Required properties, reported on the parent mapping.', why: 'The API server rejects the object.', fix: 'Add the missing field.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/type',
    description: 'A value has the wrong type (string vs number vs boolean vs list vs mapping).',
    severity: 'error',
    help: 'Write a value of the expected type.',
    docs: { what: 'JSON types as Kubernetes reads the YAML.', why: 'A quoted number or a mapping where a list belongs is rejected at apply time.', fix: 'Change the value type (quote or unquote).', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/unknown-field',
    description: 'A field the schema does not define (often a typo).',
    severity: 'error',
    help: 'Fix the spelling or remove the field.',
    docs: { what: 'Unknown fields in Kubernetes objects, Cilium CRs, Talos patches, kustomizations and the Cilium Helm values sections talium models. A Cilium values key that another Cilium line\'s chart defines (renamed, removed or added between lines) says which lines have it (`data.knownIn`): a warning (messageId otherLine) when the repository does not pin one Cilium line (no version found: judged on the newest; or a range that allows such a line), an error (messageId notOnLine) on a pinned line.', why: 'kubectl with strict field validation rejects them; Helm silently ignores misspelt values (e.g. cgroup.automount).', fix: 'Use the suggested spelling or remove the field.', sources: [K8S_STRICT] },
  },
  {
    id: 'schema/unknown-kind',
    description: 'No schema is known for this apiVersion/kind, so it was not validated.',
    severity: 'warning',
    help: 'Add the CustomResourceDefinition to the repository, or import its schema with `talium schemas import`.',
    docs: { what: 'Reported instead of silently skipping a document.', why: 'A skipped document can hide any error.', fix: 'Commit the CRD, or run `talium schemas import <crd> --out schemas/` and list the folder under `schemas.dirs` in talium.config.yaml; or set the rule to off.', sources: [] },
  },
  {
    id: 'schema/yaml11-boolean',
    description: 'An unquoted YAML 1.1 boolean (yes/no/on/off/y/n) that Kubernetes tools read differently: as a boolean in a string field, or as a string in a boolean field.',
    severity: 'error',
    help: 'Quote the value in a string field; write true or false in a boolean field.',
    docs: {
      what: 'E.g. `allowFirstLastIPs: No` in a CiliumLoadBalancerIPPool (a string field), or `enabled: on` in a boolean field of a Kubernetes object (messageId booleanField) or, as a warning, of Helm values Helm reads as text (messageId helmValuesBoolean: values.yaml, Argo CD `valueFiles`, and the Cilium values written inside a string: an Argo CD `helm.values` string and the ConfigMap/Secret key a Flux HelmRelease takes through `valuesFrom`, reported at the word inside the string).',
      why: 'kubectl apply -f and Argo CD directory apps read YAML with Go YAML 1.1 rules (sigs.k8s.io/yaml, go-yaml v2): a plain `No` becomes false, so a string field gets a boolean and the object is rejected. kustomize reads YAML 1.2 (kyaml, go-yaml v3) and keeps `on` the string "on", and so do kubectl apply -k, Flux (kustomize-controller builds every Kustomization) and Argo CD kustomize apps: a boolean field gets a string and the object is refused there, while kubectl apply -f reads true. A Helm values file is read by Helm itself with sigs.k8s.io/yaml (YAML 1.1, chartutil.ReadValues; `helm -f`, the `--values` files Argo CD passes `helm template`, including the one it writes from a `helm.values` string, and the ConfigMap/Secret key helm-controller reads for `valuesFrom`): `on` is true there, so in a boolean field it is only a warning, for the YAML 1.2 tools (editors, yq, talium) that read the string.',
      fix: 'Write `allowFirstLastIPs: "No"` in a string field, `enabled: true` in a boolean field.',
      sources: ['https://yaml.org/type/bool.html', 'https://github.com/kubernetes-sigs/yaml', 'https://github.com/kubernetes-sigs/kustomize/tree/master/kyaml'],
      autofix: 'Quotes the word in a string field (`No` → `"No"`); writes the boolean in a boolean field (`on` → `true`), also inside a values string when the word is placed in the file (a literal, folded or quoted string; not the base64 `data` of a Secret, where the finding is at the string and has no fix). The rewrite replaces only the word, on its own line, so the string keeps its style and indentation.',
    },
  },
];
