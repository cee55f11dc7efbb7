/**
 * A seeded fuzzer for talium's YAML reading paths (stream splitting, separators, tabs, BOMs, line endings, the fast
 * reader, cluster.yaml): mutates real documents (the shared corpus, read at run time; built-in samples without it),
 * lints each case in process and checks the invariants every input must keep. Used by scripts/fuzz-reading.ts (long
 * runs) and test/fuzz-reading.test.ts (a fixed seed, a small budget). Writes only under the temporary root it is given.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { runCli } from './cli.js';
import { crdOf } from './crd-fixtures.js';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

export type Role = 'cluster' | 'talos' | 'app';
export interface Sample {
  role: Role;
  /** Where it came from (corpus path or `builtin:<name>`), for repros. */
  origin: string;
  bytes: Buffer;
}

const BUILTIN_TALOS = `machine:
  network:
    hostname: cp-1
    interfaces:
      - interface: enp2s0
        addresses:
          - 192.168.1.20/24
        vip:
          ip: 192.168.1.10
  kubelet:
    nodeIP:
      validSubnets:
        - 192.168.1.0/24
cluster:
  network:
    cni:
      name: none
  proxy:
    disabled: true
---
apiVersion: v1alpha1
kind: KubePrismConfig
enabled: true
port: 7445
`;

const BUILTIN_APP = `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: default
spec:
  allowFirstLastIPs: "No"
  blocks:
    - start: 192.168.1.200
      stop: 192.168.1.220
---
apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata:
  name: l2
spec:
  loadBalancerIPs: true
  interfaces: ["^enp.*"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations:
    lbipam.cilium.io/ips: 192.168.1.201
spec:
  type: LoadBalancer
  ports:
    - port: 80
  selector: {app: web}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cilium
  namespace: kube-system
spec:
  interval: 1h
  chart:
    spec:
      chart: cilium
      version: 1.18.3
      sourceRef: {kind: HelmRepository, name: cilium}
  values:
    kubeProxyReplacement: true
    l2announcements:
      enabled: true
    k8sServiceHost: localhost
    k8sServicePort: 7445
`;

const BUILTIN_CLUSTER = `versions:
  talos: 1.11.5
  kubernetes: 1.32.9
  cilium: 1.17.18
gitops:
  engine: flux
  repository: https://github.com/example/homelab.git
lan:
  cidr: 192.168.50.0/24
  gateway: 192.168.50.1
cluster:
  endpoint: https://192.168.50.20:6443
nodes:
  - name: cp-1
    role: controlplane
    address: 192.168.50.20
    nic: enp2s0
pools:
  - name: default
    blocks:
      - 192.168.50.224/28
`;

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
}

/**
 * The documents to mutate: the corpus's YAML files under 40 KB (talos/ for paths naming Talos, apps otherwise),
 * the repository's own cluster.yaml files, and the built-in samples (always, so every role has one).
 */
export function loadSamples(corpusDir: string | undefined, repoRoot: string): Sample[] {
  const out: Sample[] = [
    { role: 'talos', origin: 'builtin:talos', bytes: Buffer.from(BUILTIN_TALOS) },
    { role: 'app', origin: 'builtin:app', bytes: Buffer.from(BUILTIN_APP) },
    { role: 'cluster', origin: 'builtin:cluster', bytes: Buffer.from(BUILTIN_CLUSTER) },
  ];
  const clusters = join(repoRoot, 'clusters');
  if (existsSync(clusters)) {
    for (const name of readdirSync(clusters).sort()) {
      const f = join(clusters, name, 'cluster.yaml');
      if (existsSync(f)) out.push({ role: 'cluster', origin: relative(repoRoot, f), bytes: readFileSync(f) });
    }
  }
  if (corpusDir && existsSync(corpusDir)) {
    const files: string[] = [];
    walk(corpusDir, files);
    for (const f of files.sort()) {
      if (statSync(f).size > 40_000) continue;
      const rel = relative(corpusDir, f);
      out.push({ role: /talos|talconfig|machine/i.test(rel) ? 'talos' : 'app', origin: `corpus:${rel}`, bytes: readFileSync(f) });
    }
  }
  return out;
}

// ---- mutations (bytes in, bytes out; line-based ones split on LF and keep the rest) ----

const SEP_TAILS = ['', ' ', ' # c', ' text', ' !!map', ' |', ' >', '\t', ' ---', ' &a', ' {}', ' [a]', ' "x"', ' %YAML 1.2'];
const BOMS = ['\ufeff', '\ufeff\ufeff'];

function lines(b: Buffer): string[] {
  return b.toString('latin1').split('\n');
}
function join1(ls: string[]): Buffer {
  return Buffer.from(ls.join('\n'), 'latin1');
}
const utf8InLatin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

export const MUTATIONS: Record<string, (b: Buffer, r: Rand) => Buffer> = {
  insertSeparator(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, '---' + pick(r, SEP_TAILS));
    return join1(ls);
  },
  deleteSeparator(b, r) {
    const ls = lines(b);
    const at = ls.map((l, i) => (l.startsWith('---') ? i : -1)).filter((i) => i >= 0);
    if (at.length) ls.splice(pick(r, at), 1);
    return join1(ls);
  },
  separatorTail(b, r) {
    const ls = lines(b);
    const at = ls.map((l, i) => (l.startsWith('---') ? i : -1)).filter((i) => i >= 0);
    if (at.length) ls[pick(r, at)] = '---' + pick(r, SEP_TAILS);
    return join1(ls);
  },
  documentEnd(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, pick(r, ['...', '... # end', '...\t', '... x']));
    return join1(ls);
  },
  tabLine(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, pick(r, ['\t', ' \t ', '\t# tab comment', '  \t', '\t\t\t', '\t---']));
    return join1(ls);
  },
  tabIndent(b, r) {
    const ls = lines(b);
    const i = int(r, ls.length);
    ls[i] = ls[i]!.replace(/^( *)/, (m) => (r() < 0.5 ? '\t' + m : m.replace(/ {2}/, '\t')));
    return join1(ls);
  },
  whitespaceLine(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, ' '.repeat(int(r, 12)));
    return join1(ls);
  },
  bomAtLineStart(b, r) {
    const ls = lines(b);
    const i = int(r, ls.length);
    ls[i] = utf8InLatin1(pick(r, BOMS)) + ls[i]!;
    return join1(ls);
  },
  bomAtFileStart(b, r) {
    return Buffer.concat([Buffer.from(pick(r, BOMS)), b]);
  },
  loneCr(b) {
    return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
  },
  crlf(b) {
    return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  },
  mixedEndings(b, r) {
    return Buffer.from(b.toString('latin1').replace(/\r?\n/g, () => pick(r, ['\n', '\r\n', '\r', '\r\r\n', '\n\r'])), 'latin1');
  },
  longLine(b, r) {
    const ls = lines(b);
    const n = pick(r, [5_000, 20_000, 60_000]);
    const body = pick(r, ['x'.repeat(n), 'k: ' + 'v'.repeat(n), '# ' + 'c'.repeat(n), `a: "${'q'.repeat(n)}"`, 'a: [' + '1,'.repeat(n / 2) + '1]']);
    ls.splice(int(r, ls.length + 1), 0, body);
    return join1(ls);
  },
  deepNesting(b, r) {
    const depth = pick(r, [50, 200, 400, 1200]);
    const kind = int(r, 3);
    const text = kind === 0 ? 'deep: ' + '['.repeat(depth) + ']'.repeat(depth) : kind === 1 ? 'deep: ' + '{a: '.repeat(depth) + '1' + '}'.repeat(depth) : Array.from({ length: Math.min(depth, 300) }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' 1';
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, '---', text, '---');
    return join1(ls);
  },
  nulByte(b, r) {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]);
  },
  invalidUtf8(b, r) {
    const at = int(r, b.length + 1);
    const bad = pick(r, [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]);
    return Buffer.concat([b.subarray(0, at), Buffer.from(bad), b.subarray(at)]);
  },
  manyEmptyDocuments(b, r) {
    const n = pick(r, [100, 2_000, 20_000]);
    const unit = pick(r, ['---\n', '--- \n', '---\n...\n', '--- # c\n', '---\n\n']);
    const at = pick(r, [0, b.length]);
    return Buffer.concat([b.subarray(0, at), Buffer.from(unit.repeat(n)), b.subarray(at)]);
  },
  deleteLine(b, r) {
    const ls = lines(b);
    if (ls.length > 1) ls.splice(int(r, ls.length), 1);
    return join1(ls);
  },
  truncate(b, r) {
    return b.subarray(0, int(r, b.length + 1));
  },
  duplicateBlock(b, r) {
    const ls = lines(b);
    const s = int(r, ls.length);
    const e = Math.min(ls.length, s + 1 + int(r, 6));
    ls.splice(int(r, ls.length + 1), 0, ...ls.slice(s, e));
    return join1(ls);
  },
  directive(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, pick(r, ['%YAML 1.1', '%YAML 1.2', '%TAG ! tag:x,2000:', '%FOO bar']));
    return join1(ls);
  },
  unicodeBreak(b, r) {
    // NEL, LS, PS (line breaks to YAML 1.1, not to 1.2), VT, FF
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, ['\u0085', '\u2028', '\u2029', '\u000b', '\u000c']), 'utf8'), b.subarray(at)]);
  },
  noFinalNewline(b, r) {
    const t = b.toString('latin1').replace(/[\r\n]+$/, '');
    return Buffer.from(t + pick(r, ['', '\n---', '\n--- x', '\n...', '\n---\r', '\r\n---#c', '\n\t']), 'latin1');
  },
  crInLine(b, r) {
    const ls = lines(b);
    const i = int(r, ls.length);
    const l = ls[i]!;
    const at = int(r, l.length + 1);
    ls[i] = l.slice(0, at) + '\r' + l.slice(at);
    return join1(ls);
  },
  bomAfterSeparator(b, r) {
    // files joined with `---`, each starting with a BOM (one or two; the splitters' decoder skips up to two)
    const ls = lines(b);
    const at = ls.map((l, i) => (l.startsWith('---') ? i : -1)).filter((i) => i >= 0);
    const i = at.length ? pick(r, at) : -1;
    if (i >= 0 && i + 1 < ls.length) ls[i + 1] = utf8InLatin1(pick(r, BOMS)) + ls[i + 1]!;
    else ls.unshift('---', utf8InLatin1(pick(r, BOMS)) + (ls.shift() ?? ''));
    return join1(ls);
  },
  tabInBlockScalar(b, r) {
    const ls = lines(b);
    const i = int(r, ls.length + 1);
    ls.splice(i, 0, pick(r, ['k: |', 'k: >-', 'k: |2', '- |']), pick(r, ['  text', '\t', '  \t', '\ttext', '    more', '']), pick(r, ['\t', '  \t# c', ' ', '  end']));
    return join1(ls);
  },
  yaml11Word(b, r) {
    // a plain YAML 1.1 boolean word as a value (what --fix quotes; the fast reader records it)
    const ls = lines(b);
    const at = ls.map((l, i) => (/^\s*[\w.-]+: \S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (at.length) {
      const i = pick(r, at);
      ls[i] = ls[i]!.replace(/: .*$/, ': ' + pick(r, ['yes', 'No', 'on', 'OFF', 'y', 'n', '[on, "off", {a: yes}]', '{"k": on}', 'yes # c', 'on\r']));
    }
    return join1(ls);
  },
  anchors(b, r) {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, ...pick(r, [['base: &b {a: 1}', 'ref:', '  <<: *b', '  c: on'], ['x: *undefined'], ['&a a: b'], ['k: !!str yes', 'j: !!bool "on"']]));
    return join1(ls);
  },
  massRepeat(b, r) {
    // one to four lines of the text repeated to 50-95 KB: a check that is quadratic in lines or findings shows
    const ls = lines(b);
    const s = int(r, ls.length);
    const unit = ls.slice(s, s + 1 + int(r, 4)).join('\n') + '\n';
    const target = 50_000 + int(r, 45_000);
    const times = Math.max(1, Math.floor((target - b.length) / Math.max(unit.length, 1)));
    ls.splice(s, 0, unit.repeat(Math.min(times, 40_000)).slice(0, -1));
    return join1(ls);
  },
  plainWordJson(b, r) {
    // the fast reader's plain-word records next to JSON-looking flow text
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, pick(r, ['a: {"b": yes, c: no}', 'x: ["on", off, "y"]', '{"k": on}', 'w: {"q": "r"} # yes', 'z: [no, "no", {"n": y}]']));
    return join1(ls);
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS).sort();

export function mutate(b: Buffer, r: Rand): { bytes: Buffer; applied: string[] } {
  const applied: string[] = [];
  const n = 1 + int(r, 4);
  let out = b;
  for (let i = 0; i < n; i++) {
    let name = pick(r, MUTATION_NAMES);
    // a NUL byte or bad UTF-8 ends the reading early (yaml/binary, yaml/encoding): drawn at a third of the rate
    if ((name === 'nulByte' || name === 'invalidUtf8') && r() < 0.67) name = pick(r, MUTATION_NAMES);
    applied.push(name);
    out = MUTATIONS[name]!(out, r);
  }
  return { bytes: out, applied };
}

// ---- cases ----

export interface CaseFile {
  path: string;
  origin: string;
  applied: string[];
  bytes: Buffer;
}

const PLACES: Record<Role, (r: Rand) => string> = {
  cluster: () => 'clusters/fz/cluster.yaml',
  talos: (r) => `talos/${pick(r, ['controlplane', 'worker', 'patch'])}.yaml`,
  app: (r) => `apps/${pick(r, ['net', 'web', 'infra'])}/${pick(r, ['pool', 'release', 'svc'])}.yaml`,
};

/** One case: one to three files, each a sample of a role drawn evenly (cluster.yaml is rare otherwise) placed by role, the first always mutated. */
export function makeCase(samples: readonly Sample[], r: Rand): CaseFile[] {
  const files = new Map<string, CaseFile>();
  const n = 1 + int(r, 3);
  const roles: Role[] = ['cluster', 'talos', 'app'];
  for (let i = 0; i < n; i++) {
    const role = pick(r, roles);
    const of = samples.filter((x) => x.role === role);
    const s = pick(r, of.length ? of : samples);
    const path = PLACES[s.role](r);
    const m = i === 0 || r() < 0.5 ? mutate(s.bytes, r) : { bytes: s.bytes, applied: [] };
    files.set(path, { path, origin: s.origin, applied: m.applied, bytes: m.bytes });
  }
  return [...files.values()];
}

export function writeCase(dir: string, files: readonly CaseFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
}

// ---- checks ----

interface JsonDiag {
  ruleId: string;
  file: string;
  severity: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  help?: string;
  data?: Record<string, unknown>;
}
interface JsonOut {
  diagnostics: JsonDiag[];
}

export interface Failure {
  kind: 'exit' | 'internal-error' | 'exception' | 'slow' | 'range' | 'anchor' | 'cache' | 'workers' | 'fix' | 'json' | 'variant';
  detail: string;
}

/** Line texts as SourceFile counts them: UTF-8 (replacement for bad bytes), leading BOM off, lone CR a line break. */
function lineLengths(bytes: Buffer): number[] {
  let t = bytes.toString('utf8');
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  t = t.replace(/\r(?!\n)/g, '\n');
  // a CRLF's CR is part of the line end: a range that ends past the line's text is outside the line
  return t.split('\n').map((l) => (l.endsWith('\r') ? l.length - 1 : l.length));
}

async function lintJson(dir: string, extra: string[]): Promise<{ code: number; out?: JsonOut; stdout: string; stderr: string; ms: number; error?: unknown }> {
  const t0 = performance.now();
  try {
    const r = await runCli(['lint', '.', '--format', 'json', ...extra], { cwd: dir, env: { NO_COLOR: '1' } });
    const ms = performance.now() - t0;
    let out: JsonOut | undefined;
    try {
      out = JSON.parse(r.stdout) as JsonOut;
    } catch {
      /* reported by the caller */
    }
    return { code: r.code, ...(out ? { out } : {}), stdout: r.stdout, stderr: r.stderr, ms };
  } catch (error) {
    return { code: -1, stdout: '', stderr: '', ms: performance.now() - t0, error };
  }
}

const key = (d: JsonDiag): string => JSON.stringify([d.file, d.ruleId, d.severity, d.range]);
const yamlErrors = (o: JsonOut | undefined): number => (o?.diagnostics ?? []).filter((d) => d.ruleId.startsWith('yaml/') && d.severity === 'error').length;

export interface CheckOptions {
  /** Also compare cold, warm-cache and --workers 2 runs. */
  compare?: boolean;
  /** Also run --fix on a copy and relint. */
  fix?: boolean;
  /**
   * Also lint the case with every LF as a lone CR, as CRLF, and with a BOM in front of each file: SourceFile reads
   * each the same (one character for one, the CR part of the line end, the first BOM stripped), so the findings
   * and their positions must be the same.
   */
  variants?: boolean;
  /** Per-file time budget (ms) for a file under 100 KB. */
  msPerFile?: number;
  cacheDir: string;
}

/** Lints the case written in `dir` and returns every invariant it breaks. */
export async function checkCase(dir: string, files: readonly CaseFile[], opts: CheckOptions): Promise<Failure[]> {
  const fails: Failure[] = [];
  const cold = await lintJson(dir, ['--no-cache']);
  if (cold.error) return [{ kind: 'exception', detail: String((cold.error as Error)?.stack ?? cold.error) }];
  if (!cold.out) return [{ kind: 'json', detail: `exit ${cold.code}; stdout ${cold.stdout.slice(0, 300)}; stderr ${cold.stderr.slice(0, 500)}` }];
  if (cold.code !== 0 && cold.code !== 1) fails.push({ kind: 'exit', detail: `exit ${cold.code}: ${cold.stderr.slice(0, 500)}` });
  for (const d of cold.out.diagnostics) if (d.ruleId === 'lint/internal-error') fails.push({ kind: 'internal-error', detail: JSON.stringify(d) });
  const small = files.every((f) => f.bytes.length < 100_000);
  const budget = (opts.msPerFile ?? 2000) * files.length;
  if (small && cold.ms > budget) fails.push({ kind: 'slow', detail: `${Math.round(cold.ms)} ms for ${files.length} file(s)` });
  const byPath = new Map(files.map((f) => [f.path, lineLengths(f.bytes)]));
  for (const d of cold.out.diagnostics) {
    const ls = byPath.get(d.file);
    if (!ls) continue;
    for (const p of [d.range.start, d.range.end]) {
      const len = ls[p.line - 1];
      if (p.line < 1 || len === undefined || p.column < 1 || p.column > len + 1) {
        fails.push({ kind: 'range', detail: `${d.ruleId} ${d.file}:${p.line}:${p.column} (lines ${ls.length}, line length ${len ?? '-'})` });
      }
    }
    if (d.range.end.line < d.range.start.line || (d.range.end.line === d.range.start.line && d.range.end.column < d.range.start.column)) {
      fails.push({ kind: 'range', detail: `${d.ruleId} ${d.file}: end before start ${JSON.stringify(d.range)}` });
    }
  }
  fails.push(...anchorFailures(files, cold.out));
  if (opts.variants) fails.push(...(await variantFailures(dir, files, cold.out)));
  if (opts.compare) {
    const want = cold.out.diagnostics.map(key).join('\n');
    const prev = process.env['TALIUM_CACHE_DIR'];
    process.env['TALIUM_CACHE_DIR'] = opts.cacheDir;
    try {
      rmSync(opts.cacheDir, { recursive: true, force: true });
      const fill = await lintJson(dir, []);
      const warm = await lintJson(dir, []);
      // a new CRD next to the case: the run cache and the check cache miss, the parse cache serves the case's files
      // (their documents read back from JSON, the fast reader's plain-word record included)
      mkdirSync(join(dir, 'other'), { recursive: true });
      writeFileSync(join(dir, 'other', 'crd.yaml'), crdOf({ group: 'fuzz.example.com', kind: 'Fuzz', plural: 'fuzzes' }, '              properties: {on: {type: boolean}}\n'));
      const partial = await lintJson(dir, []);
      const noOther = (o: JsonOut | undefined): string => (o?.diagnostics ?? []).filter((d) => !d.file.startsWith('other/')).map(key).join('\n');
      rmSync(join(dir, 'other'), { recursive: true, force: true });
      for (const [name, run] of [['fill', fill], ['warm', warm]] as const) {
        if ((run.out?.diagnostics.map(key).join('\n') ?? run.stdout) !== want) fails.push({ kind: 'cache', detail: `${name} run differs:\n${diffLines(want, run.out?.diagnostics.map(key).join('\n') ?? run.stdout)}` });
      }
      if (noOther(partial.out) !== want) fails.push({ kind: 'cache', detail: `parse-cache run differs:\n${diffLines(want, noOther(partial.out))}` });
      const workers = await lintJson(dir, ['--no-cache', '--workers', '2']);
      if ((workers.out?.diagnostics.map(key).join('\n') ?? workers.stdout) !== want) fails.push({ kind: 'workers', detail: `--workers 2 differs:\n${diffLines(want, workers.out?.diagnostics.map(key).join('\n') ?? workers.stdout)}` });
    } finally {
      if (prev === undefined) delete process.env['TALIUM_CACHE_DIR'];
      else process.env['TALIUM_CACHE_DIR'] = prev;
    }
  }
  if (opts.fix) {
    const copy = dir + '-fix';
    rmSync(copy, { recursive: true, force: true });
    cpSync(dir, copy, { recursive: true });
    const fixed = await lintJson(copy, ['--no-cache', '--fix']);
    if (fixed.error) fails.push({ kind: 'exception', detail: `--fix: ${String((fixed.error as Error)?.stack ?? fixed.error)}` });
    else if (fixed.code !== 0 && fixed.code !== 1) fails.push({ kind: 'exit', detail: `--fix exit ${fixed.code}: ${fixed.stderr.slice(0, 500)}` });
    const after = await lintJson(copy, ['--no-cache']);
    if (yamlErrors(after.out) > yamlErrors(cold.out)) {
      fails.push({ kind: 'fix', detail: `yaml errors ${yamlErrors(cold.out)} → ${yamlErrors(after.out)}:\n${diffLines(cold.out.diagnostics.map(key).join('\n'), after.out?.diagnostics.map(key).join('\n') ?? '')}` });
    }
    for (const d of after.out?.diagnostics ?? []) if (d.ruleId === 'lint/internal-error') fails.push({ kind: 'internal-error', detail: `after --fix: ${JSON.stringify(d)}` });
    rmSync(copy, { recursive: true, force: true });
  }
  return fails;
}

/** Text as SourceFile holds it (see lineLengths). */
function sourceText(bytes: Buffer): string {
  let t = bytes.toString('utf8');
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  return t.replace(/\r(?!\n)/g, '\n');
}

/** Findings that name a character must point at it: a tab for yaml/tabs, a U+FEFF for the BOM findings. */
function anchorFailures(files: readonly CaseFile[], out: JsonOut): Failure[] {
  const fails: Failure[] = [];
  const texts = new Map(files.map((f) => [f.path, sourceText(f.bytes).split('\n')]));
  for (const d of out.diagnostics) {
    const ls = texts.get(d.file);
    if (!ls) continue;
    const ch = ls[d.range.start.line - 1]?.[d.range.start.column - 1];
    const code = d.data?.['code'];
    const want = d.ruleId === 'yaml/tabs' && code === 'TAB_AS_INDENT' ? '\t' : d.ruleId === 'yaml/encoding' && (code === 'BOM_IN_CONTENT' || code === 'SECOND_BOM') ? '\ufeff' : undefined;
    if (want !== undefined && ch !== want) fails.push({ kind: 'anchor', detail: `${d.ruleId} ${code} at ${d.file}:${d.range.start.line}:${d.range.start.column} points at ${JSON.stringify(ch)}` });
  }
  return fails;
}

const placeKey = (d: JsonDiag): string => JSON.stringify([d.file, d.ruleId, d.range.start, d.range.end]);

async function variantFailures(dir: string, files: readonly CaseFile[], cold: JsonOut): Promise<Failure[]> {
  const fails: Failure[] = [];
  const want = cold.diagnostics.map(placeKey).sort().join('\n');
  const variants: Array<[string, (b: Buffer) => Buffer | undefined]> = [
    ['lone CR', (b) => (b.includes(13) ? undefined : Buffer.from(b.toString('latin1').replace(/\n/g, '\r'), 'latin1'))],
    ['CRLF', (b) => (b.includes(13) ? undefined : Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'))],
    ['BOM', (b) => (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? undefined : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]))],
  ];
  const vdir = dir + '-variant';
  for (const [name, f] of variants) {
    const changed = files.map((x) => ({ ...x, bytes: f(x.bytes) ?? x.bytes }));
    if (changed.every((x, i) => x.bytes === files[i]!.bytes)) continue;
    writeCase(vdir, changed);
    const r = await lintJson(vdir, ['--no-cache']);
    const got = (r.out?.diagnostics ?? []).map(placeKey).sort().join('\n');
    if (got !== want) fails.push({ kind: 'variant', detail: `${name} differs:\n${diffLines(want, got)}` });
  }
  rmSync(vdir, { recursive: true, force: true });
  return fails;
}

function diffLines(a: string, b: string): string {
  const A = new Set(a.split('\n'));
  const B = new Set(b.split('\n'));
  return [...[...A].filter((x) => !B.has(x)).map((x) => `- ${x}`), ...[...B].filter((x) => !A.has(x)).map((x) => `+ ${x}`)].slice(0, 12).join('\n');
}

export interface FuzzReport {
  cases: number;
  compared: number;
  fixed: number;
  failures: Array<{ case: number; seed: number; files: Array<Omit<CaseFile, 'bytes'> & { size: number }>; failures: Failure[]; dir: string }>;
}

/**
 * Runs `cases` cases from `seed` under `root` (case i uses seed + i, so any one replays alone). Every `compareEvery`th
 * case also compares cache/worker runs, every `fixEvery`th also runs --fix. A failing case's files stay in
 * `<root>/fail-<i>`.
 */
export async function fuzz(opts: { seed: number; cases: number; root: string; samples: readonly Sample[]; compareEvery?: number; fixEvery?: number; variantEvery?: number; msPerFile?: number; onCase?: (i: number, fails: Failure[]) => void }): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, compared: 0, fixed: 0, failures: [] };
  for (let i = 0; i < opts.cases; i++) {
    const seed = opts.seed + i;
    const r = rng(seed);
    const files = makeCase(opts.samples, r);
    const dir = join(opts.root, 'case');
    writeCase(dir, files);
    const compare = !!opts.compareEvery && i % opts.compareEvery === 0;
    const fix = !!opts.fixEvery && i % opts.fixEvery === 0;
    const variants = !!opts.variantEvery && i % opts.variantEvery === 0;
    const fails = await checkCase(dir, files, { compare, fix, variants, cacheDir: join(opts.root, 'cache'), ...(opts.msPerFile ? { msPerFile: opts.msPerFile } : {}) });
    report.cases++;
    if (compare) report.compared++;
    if (fix) report.fixed++;
    if (fails.length) {
      const keep = join(opts.root, `fail-${i}`);
      writeCase(keep, files);
      report.failures.push({ case: i, seed, files: files.map(({ bytes, ...f }) => ({ ...f, size: bytes.length })), failures: fails, dir: keep });
    }
    opts.onCase?.(i, fails);
  }
  rmSync(join(opts.root, 'case'), { recursive: true, force: true });
  return report;
}
