/**
 * Runs rules over cluster groups and turns their RuleFindings into Findings: stamps rule id, severity
 * (configured > finding > default), the rendered message and help; drops a rule's exact repeats within a group
 * (releases sharing a values layer, e.g. Kustomize overlays of one base); merges the findings several groups make at
 * one place with one message, or messages that differ only by each group's own name (a base two clusters list),
 * naming every group's overlay, name and related locations (mergeAcrossGroups); with only part of the tree read, drops the
 * findings that conclude from an absence (RuleMeta.needsWholeTree, RuleFinding.needsWholeTree); keeps a finding's fix
 * only where it is safe to apply (not in a document groups share, no apiVersion change on a kind a kustomization
 * patches). Rules see only the documents the repository applies (plan/applied.ts). Positions resolve later (toDiagnostic). Rules also get the tree's folders (treeFacts: discovery's view,
 * with files that hold no document and what the configured excludes left out) when the caller knows them.
 */
import type { Severity } from '../core/diagnostic.js';
import { renderTemplate } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { placeKey, type Finding } from '../core/finding.js';
import { pushAll } from '../core/arrays.js';
import { appliedDocs } from '../plan/applied.js';
import { kustomizePatchedKinds, PATCHED_ANY_KIND } from '../plan/kustomize-patches.js';
import type { ClusterGroup } from '../plan/types.js';
import { foldersOf } from '../plan/util.js';
import type { Rule, RuleFinding, TreeFacts } from '../rules/types.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/** A kustomization patch may select objects of `kind` by their apiVersion. */
function patchedByVersion(all: readonly YamlDocument[], kind: string): boolean {
  const kinds = kustomizePatchedKinds(all);
  return kinds.has(kind) || kinds.has(PATCHED_ANY_KIND);
}

export type SeverityOverrides = Readonly<Record<string, Severity | 'off'>>;

/** The folders of a tree from its YAML file paths and the configured excludes' leftovers (Discovery.excluded). */
export function treeFacts(files: Iterable<string>, excluded: readonly string[] = [], templates: readonly string[] = [], walked?: Iterable<string>): TreeFacts {
  const paths = [...files, ...excluded.filter((p) => !p.endsWith('/'))];
  const excludedFolders = excluded.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1));
  const folders = foldersOf([...paths, ...excludedFolders.map((d) => `${d}/x`)]).add('');
  const out: TreeFacts = { folders, files: new Set(paths), excludedFolders };
  if (templates.length) out.templates = templates;
  if (walked) out.walked = new Set([...walked, ...folders]);
  return out;
}

export function runRules(
  rules: readonly Rule[],
  groups: readonly ClusterGroup[],
  all: readonly YamlDocument[],
  overrides: SeverityOverrides = {},
  opts: { partialTree?: boolean; tree?: TreeFacts } = {},
): Finding[] {
  const out: Finding[] = [];
  // rules see the objects the repository applies (plan/applied.ts; the groups hold those already)
  const applied = appliedDocs(all);
  for (const rule of rules) {
    const configured = overrides[rule.meta.id];
    if (configured === 'off') continue;
    const start = out.length;
    // the group of each finding of this rule (mergeAcrossGroups)
    const from = new Map<Finding, string>();
    const absence = opts.partialTree ? new Set(rule.meta.needsWholeTree ?? []) : undefined;
    // RuleFinding.everyGroup on a shared document: held back until every group has reported it
    const pending = new Map<string, { finding: Finding; rank: number; groups: Set<string> }>();
    // a RuleFinding as a Finding: rule id, severity, message and help stamped; its mirror (RuleFinding.mirror) built on demand
    const toFinding = (rf: RuleFinding, cluster: ClusterGroup): Finding => {
      const template = rule.meta.messages[rf.messageId] ?? rf.messageId;
      const f: Finding = {
        ruleId: rule.meta.id,
        messageId: rf.messageId,
        severity: configured ?? rf.severity ?? rule.meta.severity,
        message: renderTemplate(template, rf.data),
        help: rule.meta.help,
        doc: rf.doc,
        path: rf.path,
      };
      if (rf.key) f.key = true;
      if (rf.range) f.range = rf.range;
      // a document several cluster groups share may be judged differently by each (Cilium 1.17 and 1.19): no fix;
      // nor a new apiVersion for a kind a kustomization patches (the patch could stop matching), or in a run over
      // part of the tree (a kustomization it did not read may)
      const apiVersionFix = rf.path.length === 1 && rf.path[0] === 'apiVersion';
      if (rf.fix && !cluster.shared?.has(rf.doc) && !(apiVersionFix && (opts.partialTree || (rf.doc.kind && patchedByVersion(applied, rf.doc.kind))))) f.fix = rf.fix;
      if (rf.data) f.data = rf.data;
      if (rf.related?.length) f.related = rf.related.map((r) => ({ doc: r.doc, path: r.path, key: r.key ?? false, ...(r.range ? { range: r.range } : {}), message: r.message }));
      const mirror = rf.mirror;
      if (mirror) f.mirror = () => toFinding(mirror(), cluster);
      return f;
    };
    for (const cluster of groups) {
      const seen = new Set<string>();
      for (const rf of rule.check(opts.tree ? { cluster, all: applied, tree: opts.tree } : { cluster, all: applied })) {
        const at = rf.range ? `${rf.range.start.line}:${rf.range.start.column}` : '';
        const id = `${rf.doc.file.path}#${rf.doc.index}#${rf.path.join('\u0000')}#${rf.key ? 'k' : ''}#${at}#${rf.messageId}#${rf.severity ?? ''}#${JSON.stringify(rf.data ?? {})}`;
        if (seen.has(id) || absence?.has(rf.messageId) || (opts.partialTree && rf.needsWholeTree)) continue;
        seen.add(id);
        const f = toFinding(rf, cluster);
        if (rf.everyGroup && groups.length > 1 && cluster.shared?.has(rf.doc)) {
          const k = `${rf.doc.file.path}#${rf.doc.index}#${rf.path.join('\u0000')}#${at}`;
          const p = pending.get(k);
          // ranked by the rule's own severity for it (a configured severity applies to every group alike)
          const rank = SEVERITY_RANK[rf.severity ?? rule.meta.severity];
          if (!p) pending.set(k, { finding: f, rank, groups: new Set([cluster.name]) });
          else {
            p.groups.add(cluster.name);
            // the most severe group's finding, with every group's related locations
            const related = [...(p.finding.related ?? []), ...(f.related ?? [])];
            if (rank > p.rank) {
              p.finding = f;
              p.rank = rank;
            }
            const seenAt = new Set<string>();
            const merged = related.filter((r) => {
              const id = placeKey(r);
              if (seenAt.has(id)) return false;
              seenAt.add(id);
              return true;
            });
            if (merged.length) p.finding.related = merged;
          }
          continue;
        }
        from.set(f, cluster.name);
        out.push(f);
      }
    }
    for (const p of pending.values()) if (p.groups.size === groups.length) out.push(p.finding);
    if (groups.length > 1) {
      // (not spread into splice: a rule's findings may outnumber the call arguments the stack holds)
      const mine = mergeAcrossGroups(out.slice(start), from, (id, data, names) => renderTemplate(...pluralGroups(rule.meta.messages[id] ?? id, data, names)));
      out.length = start;
      pushAll(out, mine);
    }
  }
  return out;
}

/** Renders a rule's message `messageId` with `data` (mergeAcrossGroups re-renders a merged finding's message). */
/**
 * Renders a rule's message again from merged data; `groupNames`: the data keys that hold several groups' names
 * (mergeAcrossGroups), which a template may show as `cluster "{{key}}"` (see pluralGroups).
 */
export type MessageRenderer = (messageId: string, data: Record<string, string | number | boolean>, groupNames?: ReadonlySet<string>) => string;

/**
 * A template whose `cluster "{{key}}"` shows several groups' names (`a, b` in data): `each of clusters "a" and "b"`
 * in the message (the sentence's verb stays singular), the data left as it is. Other templates and data are
 * returned as they are.
 */
export function pluralGroups(template: string, data: Record<string, string | number | boolean>, groupNames: ReadonlySet<string> | undefined): [string, Record<string, string | number | boolean>] {
  if (!groupNames?.size) return [template, data];
  const shown = { ...data };
  let out = template;
  for (const k of groupNames) {
    const names = String(data[k]).split(', ');
    const quoted = `{{${k}}}`;
    const plural = new RegExp(`\\b([Cc]luster) "${quoted.replace(/[{}]/g, '\\$&')}"`, 'g');
    if (names.length < 2 || !plural.test(out)) continue;
    out = out.replace(plural, (_, word: string) => `${word[0] === 'C' ? 'Each' : 'each'} of clusters ${quoted}`);
    const q = names.map((n) => `"${n}"`);
    shown[k] = `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
  }
  return [out, shown];
}

/**
 * One finding per place, message and severity where several cluster groups report the same one on a document they
 * share (a base two clusters' overlays list), each naming its own cluster's overlay (`data.overlay`) or other
 * string data the message does not show: the data values of all, sorted and joined with `, ` (a value that is itself
 * such a list is split first), and every group's related locations, in group order. Also the same:
 * - findings whose messages differ only by the name of their own group (`data.cluster` = the group's name, as in
 *   "cluster "home" has no CiliumL2AnnouncementPolicy"): merged with every group's name, the message rendered again
 *   with them (`render`; without it, such findings stay apart);
 * - a string a key only some of them have (context such as the overlay one group reaches the document through).
 * Findings whose data differ otherwise (a number or boolean, shown or not; a string the message shows that is not
 * the group's name) are different findings, left as they are (the report keeps the first: uniqueSorted).
 */
export function mergeAcrossGroups(list: readonly Finding[], groupOf: ReadonlyMap<Finding, string>, render?: MessageRenderer): Finding[] {
  const byKey = new Map<string, Finding[]>();
  const out: Finding[][] = [];
  for (const f of list) {
    const key = `${placeKey(f)}#${f.messageId ?? ''}#${f.severity}#${messageKey(f, groupOf.get(f), render)}`;
    const same = byKey.get(key);
    if (same) same.push(f);
    else {
      const l = [f];
      byKey.set(key, l);
      out.push(l);
    }
  }
  // one group's own findings at one place (its releases, its overlays) stay as the rule returned them
  return out.flatMap((l) => (Array.isArray(l) && new Set(l.map((f) => groupOf.get(f) ?? '')).size > 1 ? merged(l, groupOf, render) : l));
}

/** A placeholder for a group's own name in a message key (no rule writes it). */
const GROUP_NAME = '\u0000group\u0000';

/** The data keys whose value is the name of the finding's own group. */
function groupKeys(f: Finding, group: string | undefined): string[] {
  if (!f.data || !group) return [];
  return Object.keys(f.data).filter((k) => f.data![k] === group);
}

/** The finding's message with its group's name (groupKeys) put as a placeholder, rendered again; else as it is. */
function messageKey(f: Finding, group: string | undefined, render: MessageRenderer | undefined): string {
  const keys = render && f.messageId ? groupKeys(f, group) : [];
  if (!keys.length) return f.message;
  const data = { ...f.data! };
  for (const k of keys) data[k] = GROUP_NAME;
  return render!(f.messageId!, data);
}

/** The findings of one place and message as one (mergeAcrossGroups), or as they are when their data cannot merge. */
function merged(list: Finding[], groupOf: ReadonlyMap<Finding, string>, render: MessageRenderer | undefined): Finding[] {
  if (list.length === 1) return list;
  const first = list[0]!;
  const data: Record<string, string | number | boolean> = {};
  // every key of every finding: a number or boolean must be in all, with one value; strings are joined
  const keys = [...new Set(list.flatMap((f) => Object.keys(f.data ?? {})))];
  const labelled = new Set<string>();
  for (const k of keys) {
    const values = list.map((f) => f.data?.[k]);
    const present = values.filter((v) => v !== undefined);
    if (present.some((v) => typeof v !== 'string')) {
      if (present.length < list.length || present.some((v) => v !== present[0])) return list;
      data[k] = present[0]!;
      continue;
    }
    if (list.some((f) => groupKeys(f, groupOf.get(f)).includes(k))) labelled.add(k);
    if (present.length === list.length && present.every((v) => v === present[0])) {
      data[k] = present[0]!;
      continue;
    }
    const strings = [...new Set((present as string[]).flatMap((v) => v.split(', ')))];
    data[k] = strings.length === 1 ? strings[0]! : strings.sort().join(', ');
  }
  const seen = new Set<string>();
  const related: NonNullable<Finding['related']> = [];
  for (const f of list) {
    for (const r of f.related ?? []) {
      const id = `${placeKey(r)}#${r.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      related.push(r);
    }
  }
  const f: Finding = { ...first };
  // the first group's mirror would lose the others' data: a merged finding stays where the rule put it
  delete f.mirror;
  if (keys.length) f.data = data;
  if (labelled.size && render && first.messageId) f.message = render(first.messageId, data, labelled);
  if (related.length) f.related = related;
  return [f];
}
