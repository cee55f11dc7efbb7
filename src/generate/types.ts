/**
 * The generator contract: pure functions from the resolved cluster model to files (plain data, no I/O).
 */
import type { Cluster } from '../spec/types.js';

export type FileContent =
  /** One or more YAML documents (plain JSON-like values), serialized canonically. */
  | { yaml: unknown[] }
  /** Text (shell scripts, notes); the header is prepended as `#` comments. */
  | { text: string }
  /** A JSON value; the header goes into a leading `$comment`. */
  | { json: Record<string, unknown> };

export interface GeneratedFile {
  /** Repository-relative, `/` separators. */
  path: string;
  /** What it was generated from, for the header (`clusters/homelab/cluster.yaml`). */
  source: string;
  content: FileContent;
}

export interface Generator {
  /** `<family>/<noun>`, e.g. `talos/patches`. */
  id: string;
  generate(cluster: Cluster): GeneratedFile[];
}
