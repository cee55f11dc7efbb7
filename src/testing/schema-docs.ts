/**
 * Test helper: YAML text → YamlDocuments (with a given or guessed docClass), and findings → positioned
 * diagnostics, so schema tests need no lint engine.
 */
import { parseAllDocuments } from 'yaml';
import { AstCache, YamlDocument, type DocClass } from '../core/document.js';
import { SourceFile } from '../core/source.js';
import { toDiagnostic, type Finding } from '../core/finding.js';
import type { Diagnostic } from '../core/diagnostic.js';

/** A rough classifier for tests only (the real one lives in lint/). */
export function guessClass(value: unknown): DocClass {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'other';
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'Kustomization' && String(v['apiVersion'] ?? '').startsWith('kustomize.config.k8s.io')) return 'kustomization';
  if (v['apiVersion'] === 'v1alpha1' && typeof v['kind'] === 'string') return 'talos-document';
  if (typeof v['apiVersion'] === 'string' && typeof v['kind'] === 'string') return 'k8s';
  const talosKeys = ['version', 'debug', 'persist', 'machine', 'cluster'];
  if ('machine' in v || ('cluster' in v && Object.keys(v).every((k) => talosKeys.includes(k)))) return 'talos-config';
  return 'other';
}

export function docsFromText(path: string, text: string, docClass?: DocClass): YamlDocument[] {
  const file = new SourceFile(path, text);
  const ast = new AstCache(file);
  const parsed = parseAllDocuments(file.text, { uniqueKeys: false });
  const list = Array.isArray(parsed) ? parsed : [];
  return list.map((d, index) => {
    const value = d.toJS({ maxAliasCount: 1000 }) as unknown;
    const range = d.contents?.range ?? [0, 0, 0];
    return new YamlDocument({
      file,
      index,
      value,
      docClass: docClass ?? guessClass(value),
      start: range[0],
      end: range[2],
      ast,
      templated: /\$\{|\{\{/.test(text),
    });
  });
}

export function diagnostics(findings: readonly Finding[]): Diagnostic[] {
  return findings.map(toDiagnostic);
}

/** Compact `ruleId@line:col` strings for assertions. */
export function where(findings: readonly Finding[]): string[] {
  return diagnostics(findings).map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);
}

/**
 * A Flux HelmRelease of the cilium chart whose `spec.values` are `values` (lines written at the values' own
 * indentation, indented here by four spaces). The values start on line 8.
 */
export function ciliumHelmReleaseText(values: readonly string[], chartVersion?: string): string {
  const version = chartVersion ? `version: ${chartVersion}, ` : '';
  return [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: cilium, namespace: kube-system}',
    'spec:',
    '  interval: 1h',
    `  chart: {spec: {chart: cilium, ${version}sourceRef: {kind: HelmRepository, name: cilium}}}`,
    '  values:',
    ...values.map((l) => `    ${l}`),
    '',
  ].join('\n');
}

/** A minimal valid CiliumEgressGatewayPolicy `egw` (kind on line 2): the object cilium/feature-off judges. */
export const EGRESS_GATEWAY_POLICY_TEXT = 'apiVersion: cilium.io/v2\nkind: CiliumEgressGatewayPolicy\nmetadata:\n  name: egw\nspec:\n  selectors:\n    - podSelector: {}\n  destinationCIDRs: [192.0.2.0/24]\n  egressGateway:\n    nodeSelector: {}\n';
