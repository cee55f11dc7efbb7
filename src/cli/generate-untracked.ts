/**
 * `talium generate --check --ignore-untracked` (the pre-commit hook): the drift check of the commit rather than of
 * the working tree. A generated file git does not track is missing from the commit (so it is drift to create), an
 * untracked stale file is in no commit (so there is nothing to remove), and an untracked cluster.yaml is no cluster
 * of the commit. Pure: git's answer comes in (io/untracked.ts, the listing lint uses too), a changed write plan goes out.
 */
import type { PlannedChange, WritePlan } from '../io/writer.js';

/**
 * The plan as the commit sees it: generated files that are untracked become `create` (listed in `untracked`, so
 * the finding can say "git add it"), untracked stale files are dropped, and so are refusals of untracked files.
 */
export function commitView(plan: WritePlan, files: ReadonlyMap<string, string>, isUntracked: (path: string) => boolean): { plan: WritePlan; untracked: Set<string> } {
  const untracked = new Set<string>();
  const changes: PlannedChange[] = [];
  for (const ch of plan.changes) {
    if (!isUntracked(ch.path) || ch.change === 'create') changes.push(ch);
    else if (ch.change === 'update') {
      untracked.add(ch.path);
      changes.push({ path: ch.path, change: 'create', text: ch.text ?? '' });
    }
    // an untracked stale file ('remove') is in no commit: nothing to report
  }
  const unchanged: string[] = [];
  for (const path of plan.unchanged) {
    if (!isUntracked(path)) unchanged.push(path);
    else {
      untracked.add(path);
      changes.push({ path, change: 'create', text: files.get(path) ?? '' });
    }
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const refused = plan.refused.filter((r) => !isUntracked(r.path));
  return { plan: { ...plan, changes, unchanged, refused }, untracked };
}
