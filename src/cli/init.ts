/**
 * `talium init NAME [--engine flux|argocd] [--lan CIDR] [--vlan N] [--gateway IP] [--dhcp RANGE] [--repository URL]
 * [--branch B] [--root DIR]`: write a starter clusters/NAME/cluster.yaml (spec/starter.ts), checked by the same
 * loader `talium generate` uses before anything is written. Never overwrites: an existing cluster.yaml is exit 1.
 * The repository URL defaults to the Git remote `origin` (scp-like `git@host:path` becomes `ssh://git@host/path`,
 * the form Flux reads); the modeline points at the cluster schema of the talium that runs, when it lies inside the
 * repository (node_modules/talium/schemas/...). Exit 0 written, 1 exists or the layout has errors, 2 usage. Wiring.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childProcess } from '../core/builtins.js';
import { toDiagnostic } from '../core/finding.js';
import { writeAtomic } from '../io/atomic-write.js';
import { emit } from '../report/emit.js';
import { loadClusterSpec } from '../spec/load.js';
import { renderStarter } from '../spec/starter.js';
import { argError } from './arg-error.js';
import { findRoot } from './generate.js';
import { EXIT, type CliIo } from './io.js';
import { toolVersion } from './main.js';
import { makeDirs } from '../io/make-dirs.js';

const HELP = `Usage: talium init NAME [options]

Write a starter clusters/NAME/cluster.yaml for your LAN: three schedulable control planes, the API VIP, a DHCP
scope, reserved addresses and one LoadBalancer pool, laid out from the LAN's network address (+1 gateway,
+2..+9 reserved, +10 VIP, +11..+13 nodes, +100..+199 DHCP, +200..+239 pool). Edit it, then run talium generate.

Options:
  --engine flux|argocd  GitOps engine (default: flux).
  --lan CIDR            The LAN, a /24 or larger (default: 10.50.0.0/24, the reference design).
  --vlan N              Its VLAN id (default: 50).
  --gateway IP          The LAN's router (default: the LAN's first address).
  --dhcp RANGE          Your DHCP server's scope, a-b or a CIDR (default: +100..+199).
  --repository URL      Git URL Flux / Argo CD sync from (default: the remote "origin").
  --branch NAME         Branch to sync (default: main).
  --root DIR            Repository root (default: the nearest folder at or above the working directory with clusters/,
                        else the working directory).
  -h, --help            Show this help.

Exit codes: 0 written, 1 clusters/NAME/cluster.yaml exists or the layout has errors, 2 usage error.
`;

const OPTIONS = {
  engine: { type: 'string' },
  lan: { type: 'string' },
  vlan: { type: 'string' },
  gateway: { type: 'string' },
  dhcp: { type: 'string' },
  repository: { type: 'string' },
  branch: { type: 'string' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The `origin` remote of the repository at `dir`, in a form Flux and Argo CD both read; undefined without one. */
export function originUrl(dir: string): string | undefined {
  try {
    const r = childProcess().spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8' });
    if (r.error || r.status !== 0) return undefined;
    return gitUrlForGitOps(r.stdout.trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** `git@github.com:me/home.git` (scp-like, which Flux's GitRepository refuses) → `ssh://git@github.com/me/home.git`. */
export function gitUrlForGitOps(url: string): string {
  const scp = /^([\w.-]+@[\w.-]+):(?!\/\/)(.+)$/.exec(url);
  return scp ? `ssh://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}` : url;
}

/** The cluster schema shipped with this talium (schemas/ beside dist/ in the package). */
function shippedSchema(): string {
  return fileURLToPath(new URL('../../../schemas/cluster.schema.json', import.meta.url));
}

/**
 * `schema` relative to `specDir`, when it exists and lies inside `root` (node_modules/talium/schemas/... in a user's
 * repository, schemas/ in talium's own); else none: a path out of the repository means nothing on another machine.
 */
export function schemaRef(root: string, specDir: string, schema: string = shippedSchema()): string | undefined {
  if (!existsSync(schema)) return undefined;
  const fromRoot = relative(root, schema);
  if (fromRoot.startsWith('..') || resolve(root, fromRoot) !== schema) return undefined;
  return relative(specDir, schema).split('\\').join('/');
}

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    io.stderr(argError('init', err, Object.keys(OPTIONS)));
    return EXIT.usage;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const usage = (msg: string): number => {
    io.stderr(`talium init: ${msg}\n`);
    return EXIT.usage;
  };
  if (parsed.positionals.length !== 1) return usage(parsed.positionals.length ? 'one cluster name, please.' : 'name the cluster: talium init NAME (e.g. talium init home).');
  const name = parsed.positionals[0]!;
  if (!NAME_RE.test(name)) return usage(`"${name}" is not a DNS label (lowercase letters, digits and "-"): it names the folder clusters/${name}/ and the Talos cluster.`);
  const engine = v.engine ?? 'flux';
  if (engine !== 'flux' && engine !== 'argocd') return usage(`--engine is flux or argocd, not "${engine}".`);
  const vlan = v.vlan === undefined ? 50 : Number(v.vlan);
  if (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094) return usage(`--vlan is a VLAN id from 1 to 4094, not "${v.vlan}".`);
  const root = v.root !== undefined ? resolve(io.cwd, v.root) : (findRoot(io.cwd) ?? resolve(io.cwd));
  if (!existsSync(root)) return usage(`no folder ${v.root}.`);
  const specDir = join(root, 'clusters', name);
  const specPath = join(specDir, 'cluster.yaml');
  const shown = relative(io.cwd, specPath).split('\\').join('/') || specPath;
  if (existsSync(specPath)) {
    io.stderr(`talium init: ${shown} exists; init never overwrites it (edit it, or remove it first).\n`);
    return EXIT.findings;
  }
  const repository = v.repository ?? originUrl(root);
  if (!repository) return usage('no Git remote "origin" here: pass --repository URL (the Git URL Flux or Argo CD syncs from).');
  const ref = schemaRef(root, specDir);
  const out = renderStarter({
    name,
    engine,
    repository,
    lan: v.lan ?? '10.50.0.0/24',
    vlan,
    ...(v.gateway !== undefined ? { gateway: v.gateway } : {}),
    ...(v.dhcp !== undefined ? { dhcp: v.dhcp } : {}),
    ...(v.branch !== undefined ? { branch: v.branch } : {}),
    ...(ref ? { schemaRef: ref } : {}),
  });
  if ('error' in out) return usage(out.error);
  // the generator's own checks: a gateway or DHCP scope that collides with the layout is reported, nothing written
  const specRel = `clusters/${name}/cluster.yaml`;
  const loaded = loadClusterSpec(out.text, { name, displayPath: shown, specPath: specRel });
  const diagnostics = loaded.findings.map(toDiagnostic);
  if (diagnostics.some((d) => d.severity === 'error')) {
    emit({ diagnostics, rules: [], files: [shown], sources: new Map([[shown, out.text]]), tool: { name: 'talium', version: toolVersion() } }, [{ name: 'stylish' }], io);
    io.stderr(`talium init: the starter layout does not fit this LAN (above); nothing written. Adjust --gateway / --dhcp, or write ${specRel} by hand.\n`);
    return EXIT.findings;
  }
  try {
    makeDirs(dirname(specPath));
    writeAtomic(specPath, out.text, { mode: 0o644 });
  } catch (err) {
    io.stderr(`talium init: cannot write ${shown}: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const { layout } = out;
  io.stdout(
    [
      `wrote ${shown} (${engine}, LAN ${layout.lan.canonical} on VLAN ${vlan}, Talos ${layout.versions.talos}, Cilium ${layout.versions.cilium})`,
      `  gateway ${layout.gateway}, VIP ${layout.vip}, control planes ${layout.controlPlanes.join(', ')}`,
      `  DHCP ${layout.dhcp}, reserved ${layout.reserved}, LoadBalancer pool ${layout.pool}`,
      ...(ref ? [] : ['  (no editor modeline: the cluster schema of this talium is outside the repository)']),
      'Next: check the nodes\' addresses and NIC names, the DHCP scope and the pool, then run `talium generate`.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
