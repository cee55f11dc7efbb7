/**
 * Loads one cluster.yaml: parse (positions) → own JSON Schema → semantic checks, collecting EVERY finding,
 * then the resolved `Cluster` when nothing is an error. Pure: the caller reads the file and passes its text, or
 * (lint) the SourceFile it linted with that file's eemeli/yaml documents, so the text is not parsed again.
 */
import type { Document } from 'yaml';
import type { YamlDocument } from '../core/document.js';
import { pushAll } from '../core/arrays.js';
import type { Finding } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { checkModel } from './check-model.js';
import { checkNetwork } from './check-network.js';
import { checkCiliumValues } from './check-values.js';
import { checkValuesNeeds } from './check-values-needs.js';
import { checkSelectors } from './check-selectors.js';
import { checkClusterCidrs } from './check-cluster-cidrs.js';
import { parseSpecText } from './parse.js';
import { resolveCluster } from './resolve.js';
import { schemaFindings } from './schema-findings.js';
import type { Cluster, ClusterSpecInput } from './types.js';

export interface LoadedSpec {
  /** Set when no finding is an error. */
  cluster?: Cluster;
  findings: Finding[];
  doc?: YamlDocument;
  file: SourceFile;
}

export interface LoadOptions {
  /** Cluster name (the folder under clusters/). */
  name: string;
  /** Path shown in diagnostics (relative to the working directory). */
  displayPath: string;
  /** `clusters/<name>/cluster.yaml` relative to the repository root (for generated headers). */
  specPath?: string;
  /** Where clusters/ sits inside the Git repository (Cluster.repoPrefix); default ''. */
  repoPrefix?: string;
  /**
   * The file's documents as eemeli/yaml reads them with `uniqueKeys: false` (YAML 1.2 core), when the caller parsed
   * them already (lint: the linted file's AST, core/document.ts AstCache.wholeFile); read, never changed.
   */
  parsed?: Document.Parsed[];
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `text`: the file's text, or the SourceFile lint read it into (whose path is then the one shown). */
export function loadClusterSpec(text: string | SourceFile, opts: LoadOptions): LoadedSpec {
  const file = typeof text === 'string' ? new SourceFile(opts.displayPath, text) : text;
  const parsed = parseSpecText(file, opts.parsed);
  const findings = [...parsed.findings];
  if (!NAME_RE.test(opts.name)) {
    findings.push({
      file,
      range: file.rangeOf(0, 0),
      ruleId: 'spec/cluster-name',
      severity: 'error',
      message: `Cluster folder name "${opts.name}" is not a DNS label.`,
      help: 'Rename the folder under clusters/ to lowercase letters, digits and dashes.',
      data: { name: opts.name },
    });
  }
  if (!parsed.doc) return { findings, file };
  const doc = parsed.doc;
  // pushAll: the pairwise findings of a spec with many pools can outnumber what a spread passes on the stack
  for (const check of [schemaFindings, checkNetwork, checkModel, checkCiliumValues, checkValuesNeeds, checkSelectors, checkClusterCidrs]) pushAll(findings, check(parsed.value, doc));
  const result: LoadedSpec = { findings, doc, file };
  if (!findings.some((f) => f.severity === 'error')) {
    const specPath = opts.specPath ?? `clusters/${opts.name}/cluster.yaml`;
    result.cluster = resolveCluster(parsed.value as ClusterSpecInput, opts.name, specPath, specPath.replace(/\/cluster\.yaml$/, ''), opts.repoPrefix ?? '');
  }
  return result;
}
