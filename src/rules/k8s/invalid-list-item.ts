/**
 * k8s/invalid-list-item: an item of a `kind: List` (or `ConfigMapList`...) document that is no Kubernetes object
 * (null, a scalar, a sequence, a mapping without apiVersion or kind). lint/list-items.ts keeps such items as
 * documents of their own (docClass `other`) so this rule can point at each; what Kustomize and kubectl do with
 * them was observed with kustomize v5.5.0 and kubectl v1.32 (see docs.what).
 */
import { get, type YamlDocument } from '../../core/document.js';
import type { Range } from '../../core/diagnostic.js';
import { isObj } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const OK = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n';
const TYPED = 'apiVersion: v1\nkind: ConfigMapList\nitems:\n  - metadata:\n      name: a\n    data:\n      x: "1"\n';
const BAD = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    metadata:\n      name: a\n  - kind: ConfigMap\n    metadata:\n      name: b\n  - 42\n  -\n';

/** What a non-object item is, for the message. */
function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'sequence';
  return typeof v;
}

/**
 * The item's whole node in the file (its first character to the end of its value, trailing line breaks left out),
 * when the AST has it; an empty item (a `-` alone) is its `-`.
 */
function itemRange(d: YamlDocument): Range | undefined {
  const r = d.root()?.range;
  if (!r) return undefined;
  const t = d.file.text;
  let end = Math.max(r[0], r[1]);
  while (end > r[0] && /\s/.test(t[end - 1]!)) end--;
  if (end === r[0]) {
    let dash = r[0] - 1;
    while (dash >= 0 && (t[dash] === ' ' || t[dash] === '\t')) dash--;
    if (t[dash] === '-') return d.file.rangeOf(dash, dash + 1);
  }
  return d.file.rangeOf(r[0], end);
}

export default defineRule({
  meta: {
    id: 'k8s/invalid-list-item',
    description: 'An item of a List document is no Kubernetes object (no apiVersion or kind, a scalar, a sequence, empty).',
    severity: 'error',
    messageSeverities: { empty: 'warning' },
    messages: {
      notObject: 'Item {{index}} of this {{list}} is a {{type}}, not a Kubernetes object: Kustomize (so Flux and Argo CD builds) and kubectl apply refuse the file.',
      empty: 'Item {{index}} of this {{list}} is empty: Kustomize drops it, but kubectl apply refuses the file.',
      noKind: 'Item {{index}} of this {{list}} has no kind: Kustomize (so Flux and Argo CD builds) and kubectl apply refuse the file.',
      noApiVersion: 'Item {{index}} of this {{list}} ({{kind}}) has no apiVersion: Kustomize passes it on without one, and the apply (kubectl, Flux, Argo CD) refuses it.',
      typedItem: 'Item {{index}} of this {{list}} has no apiVersion and kind: kubectl apply takes it for a {{apiVersion}} {{kind}}, but Kustomize (so Flux and Argo CD builds) refuses the file.',
    },
    help: 'Give the item its own apiVersion and kind (a complete object), or delete it.',
    docs: {
      what:
        'Checks each item of a List document (a kind ending in `List` with `items:`, which Kustomize replaces by its items).\n' +
        '- An item that is a scalar or a sequence (`notObject`, `data.type`) is refused by Kustomize ("missing Resource metadata") and by kubectl ("cannot unmarshal ... into map").\n' +
        '- A mapping without `kind` (`noKind`) is refused by both ("missing kind in object").\n' +
        '- A mapping with a kind but no `apiVersion` (`noApiVersion`) passes Kustomize, which writes it out without one, and then fails the apply ("Object \'apiVersion\' is missing").\n' +
        '- In a typed List (`kind: ConfigMapList`), an item with neither (`typedItem`) is read by kubectl as the List\'s item kind and apiVersion (`data.kind`, `data.apiVersion`), but Kustomize, which Flux always builds with and Argo CD uses for a folder with a kustomization, still refuses it; such an item is not linted as that kind.\n' +
        '- A null or `{}` item (`empty`, a warning) is dropped by Kustomize and refused by kubectl.\n' +
        '\n' +
        '`data.index` is the item\'s 0-based place in `items`, `data.list` the List\'s kind; the position is the item\'s own range. Observed with kustomize v5.5.0 (`kubectl kustomize`) and kubectl v1.32.',
      why: 'Kustomize fails the whole build on one such item, so nothing in the folder is applied (the Flux Kustomization or Argo CD Application stays failed); an item without apiVersion is applied by no tool, and every other check skips it.',
      fix: 'Complete the item with its `apiVersion` and `kind` (for a typed List, the List\'s own apiVersion and its kind without `List`), or delete the item (a stray `-` too).',
      sources: [
        'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resource/factory.go',
        'https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/unstructured/helpers.go',
      ],
    },
    examples: {
      valid: [{ files: { 'list.yaml': OK } }],
      invalid: [{ files: { 'list.yaml': BAD } }, { files: { 'configmaps.yaml': TYPED }, note: 'kubectl would read it as a ConfigMap; Kustomize refuses it' }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const d of cluster.docs) {
      if (!d.list) continue;
      const index = d.base[d.base.length - 1];
      // the List that holds the item (a List inside a List too)
      const parent = get(d.list.parsed, d.base.slice(0, -2));
      if (typeof index !== 'number' || !isObj(parent)) continue;
      const list = text(parent['kind']) ?? 'List';
      const v = d.parsed;
      const at = (messageId: string, data: Record<string, string | number>, severity?: 'warning'): void => {
        const f: RuleFinding = { doc: d, path: [], messageId, data: { index, list, ...data } };
        const range = itemRange(d);
        if (range) f.range = range;
        if (severity) f.severity = severity;
        out.push(f);
      };
      if (v === null || (isObj(v) && !Object.keys(v).length)) at('empty', {}, 'warning');
      else if (!isObj(v)) at('notObject', { type: typeOf(v) });
      else {
        const apiVersion = text(v['apiVersion']);
        const kind = text(v['kind']);
        const listApiVersion = text(parent['apiVersion']);
        // apimachinery's unstructured List decoding fills both from the List, only when both are missing
        if (!apiVersion && !kind && list !== 'List' && listApiVersion) at('typedItem', { apiVersion: listApiVersion, kind: list.slice(0, -'List'.length) });
        else if (!kind) at('noKind', {});
        else if (!apiVersion) at('noApiVersion', { kind });
      }
    }
    return out;
  },
});
