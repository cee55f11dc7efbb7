/**
 * Runs rules over cluster groups and turns their RuleFindings into Findings: stamps rule id, severity
 * (configured > finding > default), the rendered message and help; drops a rule's exact repeats within a group
 * (releases sharing a values layer, e.g. Kustomize overlays of one base); with only part of the tree read, drops the
 * findings that conclude from an absence (RuleMeta.needsWholeTree, RuleFinding.needsWholeTree); keeps a finding's fix
 * only where it is safe to apply (not in a document groups share, no apiVersion change on a kind a kustomization
 * patches). Rules see only the documents the repository applies (plan/applied.ts). Positions resolve later (toDiagnostic). Rules also get the tree's folders (treeFacts: discovery's view,
 * with files that hold no document and what the configured excludes left out) when the caller knows them.
 */
import type { Severity } from '../core/diagnostic.js';
import { renderTemplate } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { placeKey, type Finding } from '../core/finding.js';
import { appliedDocs } from '../plan/applied.js';
import { kustomizePatchedKinds, PATCHED_ANY_KIND } from '../plan/kustomize-patches.js';
import type { ClusterGroup } from '../plan/types.js';
import { foldersOf } from '../plan/util.js';
import type { Rule, TreeFacts } from '../rules/types.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/** A kustomization patch may select objects of `kind` by their apiVersion. */
function patchedByVersion(all: readonly YamlDocument[], kind: string): boolean {
  const kinds = kustomizePatchedKinds(all);
  return kinds.has(kind) || kinds.has(PATCHED_ANY_KIND);
}

export type SeverityOverrides = Readonly<Record<string, Severity | 'off'>>;

/** The folders of a tree from its YAML file paths and the configured excludes' leftovers (Discovery.excluded). */
export function treeFacts(files: Iterable<string>, excluded: readonly string[] = []): TreeFacts {
  const paths = [...files, ...excluded.filter((p) => !p.endsWith('/'))];
  const excludedFolders = excluded.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1));
  const folders = foldersOf([...paths, ...excludedFolders.map((d) => `${d}/x`)]).add('');
  return { folders, excludedFolders };
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
    const absence = opts.partialTree ? new Set(rule.meta.needsWholeTree ?? []) : undefined;
    // RuleFinding.everyGroup on a shared document: held back until every group has reported it
    const pending = new Map<string, { finding: Finding; rank: number; groups: Set<string> }>();
    for (const cluster of groups) {
      const seen = new Set<string>();
      for (const rf of rule.check(opts.tree ? { cluster, all: applied, tree: opts.tree } : { cluster, all: applied })) {
        const at = rf.range ? `${rf.range.start.line}:${rf.range.start.column}` : '';
        const id = `${rf.doc.file.path}#${rf.doc.index}#${rf.path.join('\u0000')}#${rf.key ? 'k' : ''}#${at}#${rf.messageId}#${rf.severity ?? ''}#${JSON.stringify(rf.data ?? {})}`;
        if (seen.has(id) || absence?.has(rf.messageId) || (opts.partialTree && rf.needsWholeTree)) continue;
        seen.add(id);
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
        out.push(f);
      }
    }
    for (const p of pending.values()) if (p.groups.size === groups.length) out.push(p.finding);
  }
  return out;
}
