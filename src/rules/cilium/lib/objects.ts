/**
 * Finds Cilium LB-IPAM pools and L2 announcement policies among a cluster group's documents, and reads the
 * Cilium version a group targets. Pure lookups; no findings here.
 */
import { isSopsValue } from '../../../core/sops.js';
import type { YamlDocument } from '../../../core/document.js';
import { docsOfKind } from '../../../core/kind-index.js';
import { CILIUM_GROUP, GATEWAY_API_GROUP, GATEWAY_CONTROLLER, GATEWAY_DEFAULT_CLASS, L2_POLICY_KIND, POOL_KIND } from '../../../data/cilium.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { parseVersion, pinnedMinor } from '../../../data/versions.js';
export { pinnedMinor };

function isCilium(doc: YamlDocument, kind: string): boolean {
  return doc.docClass === 'k8s' && doc.kind === kind && doc.group === CILIUM_GROUP;
}

/** The Cilium objects of one kind in a list (kind-index.ts: one scan per list, not one per rule). */
function ofKind(docs: readonly YamlDocument[], kind: string): YamlDocument[] {
  return docsOfKind(docs, kind).filter((d) => isCilium(d, kind));
}

export function pools(docs: readonly YamlDocument[]): YamlDocument[] {
  return ofKind(docs, POOL_KIND);
}

export function l2Policies(docs: readonly YamlDocument[]): YamlDocument[] {
  return ofKind(docs, L2_POLICY_KIND);
}

/**
 * The Gateway API objects Cilium's controller would run: GatewayClasses whose `spec.controllerName` is Cilium's,
 * and Gateways of those classes or, when the documents define no class of that name, of the class the Cilium chart
 * creates (`cilium`).
 */
export function ciliumGatewayObjects(docs: readonly YamlDocument[]): { classes: YamlDocument[]; gateways: YamlDocument[] } {
  const isApi = (d: YamlDocument) => d.docClass === 'k8s' && d.group === GATEWAY_API_GROUP;
  const allClasses = docsOfKind(docs, 'GatewayClass').filter(isApi);
  const classes = allClasses.filter((c) => c.get(['spec', 'controllerName']) === GATEWAY_CONTROLLER);
  const ciliumNames = new Set(classes.map((c) => c.name));
  const defined = new Set(allClasses.map((c) => c.name));
  const gateways = docsOfKind(docs, 'Gateway').filter((g) => {
    if (!isApi(g)) return false;
    const cls = g.get(['spec', 'gatewayClassName']);
    return typeof cls === 'string' && (ciliumNames.has(cls) || (cls === GATEWAY_DEFAULT_CLASS && !defined.has(cls)));
  });
  return { classes, gateways };
}

/** The Cilium version the group targets (plan fact), when it pins a minor line. */
export { ciliumVersion } from '../../../plan/lb.js';


/** True when a string still holds unrendered templating (`${VAR}`, `{{ }}`, `#{ }#`). */
/** A placeholder, not a value: templating/substitution syntax, or a SOPS-encrypted `ENC[...]` value. */
export function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && (/\$\{|\{\{|\{%|#\{|#%/.test(v) || isSopsValue(v));
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
