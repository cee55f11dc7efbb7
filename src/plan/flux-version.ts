/**
 * The Flux version a repository states: the `# Flux Version: v2.6.0` header `flux bootstrap` writes into
 * gotk-components.yaml, or a FluxInstance's `spec.distribution.version`. Read by the plan and the GitOps rules.
 */
import type { YamlDocument } from '../core/document.js';

/** The Flux minor a repository states (gotk-components `# Flux Version: v2.6.0`, FluxInstance distribution.version), if any. */
export function fluxVersion(docs: readonly YamlDocument[]): string | undefined {
  const seenFiles = new Set<string>();
  for (const d of docs) {
    if (d.kind === 'FluxInstance') {
      const v = d.get(['spec', 'distribution', 'version']);
      const m = typeof v === 'string' ? /^v?(\d+)\.(\d+)/.exec(v) : null;
      if (m) return `${m[1]}.${m[2]}`;
    }
    if (seenFiles.has(d.file.path)) continue;
    seenFiles.add(d.file.path);
    const m = /#\s*Flux Version:\s*v?(\d+)\.(\d+)/.exec(d.file.text.slice(0, 2000));
    if (m) return `${m[1]}.${m[2]}`;
  }
  return undefined;
}
