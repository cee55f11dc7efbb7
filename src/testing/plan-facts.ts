/** Test helpers for the network plan: the first cluster group's plan of an in-memory repository, and where a fact is written. */
import { buildClusterGroups } from '../plan/index.js';
import type { Fact, NetworkPlan } from '../plan/types.js';
import { parseRepo } from './rule-tester.js';

/** The plan of the first cluster group of `files` (`{ path: text }`). */
export const firstPlan = (files: Record<string, string>): NetworkPlan => buildClusterGroups(parseRepo(files))[0]!.plan;

/** `file:line:column` of the place a fact is written ('' when it has none). */
export function factAt(f: Fact<unknown> | undefined): string {
  const d = f?.from.doc;
  if (!d) return '';
  const r = d.locate(f!.from.path ?? []);
  return `${d.file.path}:${r.start.line}:${r.start.column}`;
}
