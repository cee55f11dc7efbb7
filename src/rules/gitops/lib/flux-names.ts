/**
 * Names and namespaces of Flux references as the files write them, for the rules that check a reference names an
 * object the repository holds (flux-depends-on, helmrelease-source-ref, helmrelease-values-from): templated names,
 * repositories where the written names are not the applied ones, and the namespace an object surely lands in.
 */
import type { YamlDocument } from '../../../core/document.js';
import { dirOf } from '../../../plan/util.js';
import { fluxKustomizations, ksAllFor, under, type FluxKs } from '../../../plan/flux-kustomizations.js';

/** Flux `${VAR}`, Go/Helm `{{ }}` and `<< >>` templating in a name. */
export const TEMPLATED = /\$\{|\{\{|<</;

/** A templated name (`${APP}-config`) as a pattern any name it could become matches. */
export function namePattern(name: string): RegExp {
  const parts = name.split(/\$\{[^}]*\}|\{\{.*?\}\}|<<.*?>>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/**
 * The repository renames objects or makes them outside its files: a kustomize `namePrefix`/`nameSuffix`, or a Flux
 * Operator ResourceSet. Names as written then prove nothing about the names applied.
 */
export function namesMayChange(all: readonly YamlDocument[]): boolean {
  return all.some((d) => (d.kind === 'Kustomization' && d.group === 'kustomize.config.k8s.io' && (d.get(['namePrefix']) !== undefined || d.get(['nameSuffix']) !== undefined)) || (d.kind === 'ResourceSet' && d.group === 'fluxcd.controlplane.io'));
}

/** Names of objects, literal and templated, to look a reference up in. */
export class NameSet {
  readonly names = new Set<string>();
  readonly patterns: RegExp[] = [];
  add(name: unknown): void {
    if (typeof name !== 'string' || !name) return;
    if (TEMPLATED.test(name)) this.patterns.push(namePattern(name));
    else this.names.add(name);
  }
  /** The name is there, or a templated name could become it. */
  has(name: string): boolean {
    return this.names.has(name) || this.patterns.some((p) => p.test(name));
  }
  get sorted(): string[] {
    return [...this.names].sort();
  }
}

/**
 * The namespace `doc` is applied in when the repository shows it for sure: its `metadata.namespace`, unless a
 * kustomization in its folder or above sets `namespace:` or the Flux Kustomization applying it sets
 * `targetNamespace` (either may replace it). Undefined: not known (set by something else, or by nothing here).
 */
export class Namespaces {
  private readonly nsDirs: string[];
  private readonly ks: FluxKs[];
  constructor(all: readonly YamlDocument[]) {
    this.nsDirs = all.filter((d) => d.docClass === 'kustomization' && d.get(['namespace']) !== undefined).map((d) => dirOf(d.file.path));
    this.ks = fluxKustomizations(all);
  }
  of(doc: YamlDocument): string | undefined {
    const ns = doc.namespace;
    if (!ns || TEMPLATED.test(ns)) return undefined;
    const dir = dirOf(doc.file.path);
    if (this.nsDirs.some((d) => under(dir, d))) return undefined;
    if (ksAllFor(doc.file.path, this.ks).some((k) => k.doc.get(['spec', 'targetNamespace']) !== undefined)) return undefined;
    return ns;
  }
}
