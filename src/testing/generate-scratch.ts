/**
 * Test helpers for tests that run `talium generate` in a scratch copy of this repository's example cluster and look
 * at the tree it leaves: the scratch repository, a snapshot of a tree that follows no link, and the cluster.yaml edit
 * that makes generate rewrite files. Lives in src/ so node --test skips it.
 */
import assert from 'node:assert/strict';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';

/** The example cluster's spec, relative to the repository root. */
export const HOMELAB_SPEC = 'clusters/homelab/cluster.yaml';

/** A test context that can register clean-up. */
export interface Cleanup {
  after(fn: () => void): void;
}

/** A temp repository holding the example cluster.yaml (from the cwd's repository) and what `talium generate` wrote for it. */
export async function generatedScratch(t: Cleanup, prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'clusters', 'homelab'), { recursive: true });
  cpSync(join(process.cwd(), HOMELAB_SPEC), join(dir, HOMELAB_SPEC));
  const r = await runCli(['generate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return dir;
}

/** Every entry under `dir` without following links: files by mode and bytes, links by target, folders by mode. */
export function treeSnapshot(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${e}` : e;
    const abs = join(dir, rel);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) out.set(rel, `-> ${readlinkSync(abs)}`);
    else if (st.isDirectory()) {
      out.set(rel + '/', `dir ${st.mode & 0o777}`);
      for (const [k, v] of treeSnapshot(dir, rel)) out.set(k, v);
    } else out.set(rel, `${st.mode & 0o777} ${readFileSync(abs, 'base64')}`);
  }
  return out;
}

/** A cluster.yaml edit that rewrites the Talos node files (a NIC) and the Cilium values (Hubble off). */
export function changeHomelabSpec(dir: string): void {
  const text = readFileSync(join(dir, HOMELAB_SPEC), 'utf8');
  const changed = text.replace('nic: enp1s0', 'nic: enp2s0').replace('hubble: true', 'hubble: false');
  assert.notEqual(changed, text);
  writeFileSync(join(dir, HOMELAB_SPEC), changed);
}
