/**
 * List documents as the objects they hold. A document whose kind ends in `List` (`v1` `List`, `ConfigMapList`...)
 * with an `items` sequence is what `kubectl get -o yaml` writes; kubectl applies its items, and Kustomize (so Flux
 * and Argo CD builds) replaces it by them (sigs.k8s.io/kustomize api/resource/factory.go inlineAnyEmbeddedLists).
 * Each item becomes a document of its own, classified, validated and seen by the rules like a top-level object,
 * with positions inside the List; the List itself is no document of the run. An item that is no object with an
 * apiVersion and a kind (null, a scalar, a sequence, a mapping without them), which Kustomize refuses or drops, is
 * an `other` document, so k8s/invalid-list-item can report it at its place. Pure: the parser and the decoding of
 * cached or worker-loaded files (load-file.ts fromWire) both call it, so item indexes agree.
 */
import type { YamlDocument } from '../core/document.js';
import { classify } from './classify.js';

/** The kind and items when `value` is a List document Kustomize inlines (`items: null` is an empty list). */
function listItems(value: unknown): unknown[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const kind = o['kind'];
  if (typeof kind !== 'string' || !kind.endsWith('List') || !('items' in o)) return undefined;
  const items = o['items'];
  return Array.isArray(items) ? items : items === null ? [] : undefined;
}

/** A mapping with a non-empty string apiVersion and kind: what Kustomize and kubectl take a List item for. */
function isObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o['apiVersion'] === 'string' && o['apiVersion'] !== '' && typeof o['kind'] === 'string' && o['kind'] !== '';
}

/**
 * The documents of one file with each List document replaced by its items (Lists inside Lists too), in file order.
 * Item documents take negative indexes (-1, -2... in file order). Returns `docs` itself when there is no List.
 */
export function expandLists(docs: YamlDocument[]): YamlDocument[] {
  if (!docs.some((d) => listItems(d.value) !== undefined)) return docs;
  // -1, -2... in file order: never a YAML document's index, and the same whether or not an empty List is kept
  let next = -1;
  const out: YamlDocument[] = [];
  const add = (d: YamlDocument) => {
    const items = listItems(d.value);
    if (!items) {
      out.push(d);
      return;
    }
    items.forEach((v, i) => {
      // no Kubernetes object (k8s/invalid-list-item reports it): never read as Helm values, a Talos patch...
      add(d.item(next--, ['items', i], v, isObject(v) ? classify(v, d.file.path) : 'other'));
    });
  };
  for (const d of docs) add(d);
  return out;
}

/** The file's own YAML documents behind `docs` (a List once for its items), in order: what caches and workers carry. */
export function fileDocuments(docs: readonly YamlDocument[]): YamlDocument[] {
  const out: YamlDocument[] = [];
  const seen = new Set<YamlDocument>();
  for (const d of docs) {
    const own = d.list ?? d;
    if (!seen.has(own)) {
      seen.add(own);
      out.push(own);
    }
  }
  return out;
}
