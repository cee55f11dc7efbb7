/**
 * `talium init`: the starter cluster.yaml is laid out from the LAN, passes the generator's own checks, generates
 * and lints clean end to end; bad input is a usage error; an existing file is never overwritten.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gitUrlForGitOps, schemaRef } from '../src/cli/init.js';
import { loadClusterSpec } from '../src/spec/load.js';
import { renderStarter, starterVersions, type StarterInput } from '../src/spec/starter.js';
import { parseVersion, SUPPORTED, talosSupportsKubernetes, ciliumTestsKubernetes, inMinorRange } from '../src/data/versions.js';
import { spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-init-');
after(repos.cleanup);

const base: StarterInput = { name: 'home', engine: 'flux', repository: 'https://github.com/me/home.git', lan: '192.168.50.0/24', vlan: 50 };

function findingsOf(input: StarterInput): Array<{ ruleId: string; severity: string }> {
  const out = renderStarter(input);
  assert.ok('text' in out, 'error' in out ? out.error : '');
  return loadClusterSpec(out.text, { name: input.name, displayPath: 'cluster.yaml' }).findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity }));
}

describe('renderStarter', () => {
  it('lays the reference layout over a /24 and the result has no findings at all', () => {
    const out = renderStarter(base);
    assert.ok('layout' in out);
    assert.equal(out.layout.gateway, '192.168.50.1');
    assert.equal(out.layout.vip, '192.168.50.10');
    assert.deepEqual(out.layout.controlPlanes, ['192.168.50.11', '192.168.50.12', '192.168.50.13']);
    assert.equal(out.layout.dhcp, '192.168.50.100-192.168.50.199');
    assert.equal(out.layout.reserved, '192.168.50.2-192.168.50.9');
    assert.equal(out.layout.pool, '192.168.50.200-192.168.50.239');
    assert.deepEqual(findingsOf(base), []);
    for (const engine of ['flux', 'argocd'] as const) assert.deepEqual(findingsOf({ ...base, engine }), []);
  });

  it('a larger LAN, a given gateway, DHCP scope and branch are taken as given', () => {
    const input: StarterInput = { ...base, lan: '10.20.0.0/16', vlan: 7, gateway: '10.20.255.254', dhcp: '10.20.1.0/24', branch: 'prod' };
    const out = renderStarter(input);
    assert.ok('layout' in out);
    assert.equal(out.layout.vip, '10.20.0.10');
    assert.equal(out.layout.gateway, '10.20.255.254');
    assert.match(out.text, /^ {2}dhcp: 10\.20\.1\.0\/24 /m);
    assert.match(out.text, /^ {2}vlan: 7$/m);
    assert.match(out.text, /^ {2}branch: prod$/m);
    assert.deepEqual(findingsOf(input), []);
  });

  it('a branch or repository YAML would read as another type is quoted, so it stays a string', () => {
    for (const branch of ['2024', 'true', '1.0', 'null']) {
      const out = renderStarter({ ...base, branch });
      assert.ok('text' in out);
      assert.match(out.text, new RegExp(`^ {2}branch: "${branch.replace('.', '\\.')}"$`, 'm'));
      assert.deepEqual(findingsOf({ ...base, branch }), []);
    }
    const repository = 'https://git.example/me/home.git #mirror';
    const out = renderStarter({ ...base, repository });
    assert.ok('text' in out);
    assert.match(out.text, /^ {2}repository: "https:\/\/git\.example\/me\/home\.git #mirror"$/m);
    // a plain-safe value stays plain
    assert.match((renderStarter(base) as { text: string }).text, /^ {2}branch: main$/m);
  });

  it('byte-stable, and the modeline only when a schema reference is given', () => {
    const a = renderStarter({ ...base, schemaRef: '../../node_modules/talium/schemas/cluster.schema.json' });
    const b = renderStarter({ ...base, schemaRef: '../../node_modules/talium/schemas/cluster.schema.json' });
    assert.ok('text' in a && 'text' in b);
    assert.equal(a.text, b.text);
    assert.equal(a.text.split('\n')[0], '# yaml-language-server: $schema=../../node_modules/talium/schemas/cluster.schema.json');
    const none = renderStarter(base);
    assert.ok('text' in none);
    assert.doesNotMatch(none.text, /yaml-language-server/);
  });

  it('refuses what it cannot lay out: a LAN under /24, IPv6, host bits, a gateway outside the LAN', () => {
    for (const bad of [{ lan: '192.168.50.0/25' }, { lan: 'fd00::/64' }, { lan: '192.168.50.7/24' }, { lan: 'lan' }, { gateway: '192.168.51.1' }, { gateway: 'router' }]) {
      assert.ok('error' in renderStarter({ ...base, ...bad }), JSON.stringify(bad));
    }
  });

  it('versions: the newest Talos and Cilium talium knows, a Kubernetes both support', () => {
    const v = starterVersions();
    for (const [k, range] of [['talos', SUPPORTED.talos], ['cilium', SUPPORTED.cilium]] as const) assert.ok(inMinorRange(parseVersion(v[k])!, range), k);
    assert.equal(talosSupportsKubernetes(v.talos, v.kubernetes), true);
    assert.notEqual(ciliumTestsKubernetes(v.cilium, v.kubernetes), false);
  });
});

describe('init helpers', () => {
  it('gitUrlForGitOps: scp-like remotes become ssh:// URLs, others stay', () => {
    assert.equal(gitUrlForGitOps('git@github.com:me/home-ops.git'), 'ssh://git@github.com/me/home-ops.git');
    assert.equal(gitUrlForGitOps('https://github.com/me/home-ops.git'), 'https://github.com/me/home-ops.git');
    assert.equal(gitUrlForGitOps('ssh://git@gitea.lan:2222/me/home.git'), 'ssh://git@gitea.lan:2222/me/home.git');
  });

  it('schemaRef: relative to the cluster folder inside the repository, none outside it or when missing', () => {
    const root = repos.repo({ 'node_modules/talium/schemas/cluster.schema.json': '{}', 'elsewhere.json': '{}' });
    const spec = join(root, 'clusters', 'home');
    assert.equal(schemaRef(root, spec, join(root, 'node_modules/talium/schemas/cluster.schema.json')), '../../node_modules/talium/schemas/cluster.schema.json');
    assert.equal(schemaRef(join(root, 'node_modules'), join(root, 'node_modules/clusters/home'), join(root, 'elsewhere.json')), undefined);
    assert.equal(schemaRef(root, spec, join(root, 'missing.json')), undefined);
  });
});

describe('talium init (child process)', () => {
  const gitRepo = (remote?: string): string => {
    const dir = repos.repo({});
    spawnSync('git', ['init', '-q'], { cwd: dir });
    if (remote) spawnSync('git', ['remote', 'add', 'origin', remote], { cwd: dir });
    return dir;
  };

  it('writes a cluster.yaml that generates and lints clean, with the origin remote as the repository', () => {
    const dir = gitRepo('git@github.com:me/home-ops.git');
    const r = spawnCli(['init', 'home', '--lan', '192.168.50.0/24'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, 'clusters/home/cluster.yaml'), 'utf8');
    assert.match(text, /^ {2}repository: ssh:\/\/git@github\.com\/me\/home-ops\.git$/m);
    const gen = spawnCli(['generate'], { cwd: dir });
    assert.equal(gen.code, 0, gen.stdout + gen.stderr);
    const lint = spawnCli(['lint', '--format', 'json'], { cwd: dir });
    assert.equal(lint.code, 0, lint.stdout);
    assert.deepEqual((JSON.parse(lint.stdout) as { diagnostics: unknown[] }).diagnostics, []);
    // a second cluster on Argo CD beside it, from a subfolder (the root is found upwards)
    mkdirSync(join(dir, 'docs'));
    assert.equal(spawnCli(['init', 'lab', '--engine', 'argocd', '--lan', '10.60.0.0/24', '--vlan', '60'], { cwd: join(dir, 'docs') }).code, 0);
    assert.equal(spawnCli(['generate'], { cwd: dir }).code, 0);
    assert.equal(spawnCli(['lint'], { cwd: dir }).code, 0);
  });

  it('never overwrites an existing cluster.yaml (exit 1, bytes unchanged)', () => {
    const dir = gitRepo();
    mkdirSync(join(dir, 'clusters/home'), { recursive: true });
    writeFileSync(join(dir, 'clusters/home/cluster.yaml'), 'mine\n');
    const r = spawnCli(['init', 'home', '--repository', 'https://example.com/x.git'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(readFileSync(join(dir, 'clusters/home/cluster.yaml'), 'utf8'), 'mine\n');
  });

  it('a layout that collides with the given gateway is reported with the generator\'s rule and nothing is written', () => {
    const dir = gitRepo();
    const r = spawnCli(['init', 'home', '--repository', 'https://example.com/x.git', '--gateway', '10.50.0.11'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /\bspec\/[a-z-]+/);
    assert.equal(existsSync(join(dir, 'clusters/home/cluster.yaml')), false);
  });

  it('usage errors: no name, a bad name, a bad engine or VLAN, no remote and no --repository, an unknown option', () => {
    const dir = gitRepo();
    for (const args of [['init'], ['init', 'Home_1', '--repository', 'x'], ['init', 'a', 'b'], ['init', 'home', '--engine', 'helm', '--repository', 'x'], ['init', 'home', '--vlan', '5000', '--repository', 'x'], ['init', 'home'], ['init', 'home', '--lann', '10.0.0.0/24']]) {
      const r = spawnCli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
