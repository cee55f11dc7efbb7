/**
 * The rule contract: metadata + one pure `check` over a cluster group. Rules return findings with a
 * message id and data; the runner (lint/run-rules.ts) stamps id, severity, message and positions.
 */
import type { Range, Severity } from '../core/diagnostic.js';
import type { Path, YamlDocument } from '../core/document.js';
import type { FindingFix } from '../core/finding.js';
import type { ClusterGroup } from '../plan/types.js';

export interface RuleDocs {
  /** What the rule checks: short paragraphs (a blank line between) and `- ` bullet lists, as `talium explain` (report/wrap.ts) and the README (scripts/docs/rule-reference.ts) render them. */
  what: string;
  /** Why it matters (what breaks at runtime). */
  why: string;
  /** How to fix it. */
  fix: string;
  /** Source link(s) for the fact the rule encodes. */
  sources: string[];
  /** What `talium lint --fix` writes for this rule's findings, when it offers a correction (the meta-test holds the two together). */
  autofix?: string;
}

/** A rule example: a small repository (path → content) run by the meta-test. */
export interface RuleExample {
  files: Record<string, string>;
  note?: string;
}

export interface RuleMeta {
  /** `<domain>/<kebab-name>`; equals the file path under src/rules/. */
  id: string;
  /** One line. */
  description: string;
  severity: Severity;
  /** messageId → template with `{{placeholders}}`. */
  messages: Record<string, string>;
  /**
   * The severity of each message id that is reported at another severity than the rule's default (an advisory
   * message of an error rule, a hard error of a warning rule); `talium explain` lists them. A finding of any message
   * may still be lower when the repository does not show enough to be sure (RuleFinding.severity). The meta test
   * holds it honest: an invalid example gives a finding of that message at that severity.
   */
  messageSeverities?: Readonly<Record<string, Severity>>;
  /** What to do; ends with a period. */
  help: string;
  docs: RuleDocs;
  examples: { valid: RuleExample[]; invalid: RuleExample[] };
  /**
   * Message ids that conclude from something missing in the repository ("the cluster has no L2 policy"): not
   * reported when a run reads only some paths (`talium lint values.yaml`), where the missing thing may sit unread.
   * A message that concludes from an absence only sometimes marks those findings instead (RuleFinding.needsWholeTree).
   */
  needsWholeTree?: readonly string[];
  /** Rule ids whose finding at the same file and position this rule's finding replaces (lint/superseded.ts). */
  supersedes?: readonly string[];
}

export interface RelatedFinding {
  doc: YamlDocument;
  path: Path;
  key?: boolean;
  /** An exact range that wins over `path` (as RuleFinding.range). */
  range?: Range;
  message: string;
}

export interface RuleFinding {
  doc: YamlDocument;
  path: Path;
  key?: boolean;
  /** An exact range that wins over `path` (a key inside a YAML string, such as Argo CD `helm.values`). */
  range?: Range;
  messageId: string;
  data?: Record<string, string | number | boolean>;
  related?: RelatedFinding[];
  /** Only when a finding is weaker than the rule's default (e.g. a deprecation that is not yet a removal). */
  severity?: Severity;
  /**
   * This finding concludes from something missing in the repository (RuleMeta.needsWholeTree, for one finding of a
   * message id that other times stands on what the repository shows): not reported when a run reads only some paths.
   */
  needsWholeTree?: boolean;
  /** The correction `--fix` applies to this finding's token (its value, or its key with `key`), when one is safe. */
  fix?: FindingFix;
  /**
   * The finding judges the document by its group's own configuration (its Cilium values): on a document every
   * group shares (ClusterGroup.shared), which any one cluster may be the only one to apply, it is reported only when
   * every group reports it at that place (the most severe group's finding, with every group's related locations).
   */
  everyGroup?: boolean;
  /**
   * The same finding told from the other party of a symmetric relation (two Services on one IP, two nodes on one
   * address), which the rule reports at one of them by sort order: at the other party's place, this finding's place
   * as its related location, the data swapped. A run that reports only the other party's file (`--staged`, the
   * pre-commit hook) reports it instead (lint/engine.ts reportedFindings); a full run never builds it. Set by
   * `symmetricFinding`.
   */
  mirror?: () => RuleFinding;
}

/** What the linted tree holds besides its documents (discovery's view of the files). */
export interface TreeFacts {
  /**
   * Every folder (with its ancestors; '' for the root) that holds a YAML file: also one whose files hold no document
   * talium reads (empty, templated, unparseable) or that the configuration excludes.
   */
  folders: ReadonlySet<string>;
  /**
   * Every YAML file of the tree (also one that holds no document talium reads) and every file the configuration
   * excludes by name, relative to the repository root; unknown when absent.
   */
  files?: ReadonlySet<string>;
  /**
   * Every folder of the checkout discovery walked (whatever files it holds, none needed; not gitignored or
   * excluded), without the trailing `/`; unknown when absent. A folder outside it is not in the repository.
   */
  walked?: ReadonlySet<string>;
  /** Folders the configuration excludes (not walked, so what they hold is unknown), without the trailing `/`. */
  excludedFolders: readonly string[];
  /** The YAML templates (`*.yaml.j2`...) discovery found and did not read, relative to cwd, sorted. */
  templates?: readonly string[];
  /** The `.sourceignore` files of the tree (folder, '' for the root, and text): what Flux leaves out of its artifact (plan/source-ignore.ts). */
  sourceIgnores?: ReadonlyArray<{ dir: string; text: string }>;
}

export interface RuleContext {
  cluster: ClusterGroup;
  /** Every document the repository applies (for rules that must look across clusters; plan/applied.ts). */
  all: readonly YamlDocument[];
  /** The tree's folders, when the caller knows them (else rules derive what they need from `all`). */
  tree?: TreeFacts;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): RuleFinding[];
}

export const defineRule = (rule: Rule): Rule => rule;

/**
 * A finding about two equal parties `a` and `b`, reported at `a` (`build(a, b)`: at `a`'s place, `b` its related
 * location), with the mirrored one (`build(b, a)`) for a run that reports only `b`'s file (RuleFinding.mirror).
 */
export function symmetricFinding<T>(build: (at: T, other: T) => RuleFinding, a: T, b: T): RuleFinding {
  const f = build(a, b);
  f.mirror = () => build(b, a);
  return f;
}
