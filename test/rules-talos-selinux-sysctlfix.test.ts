/** talos/selinux-sysctlfix: Talos kernel arguments that make SELinux enforcing, against Cilium's `sysctlfix.enabled`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import selinuxSysctlfix from '../src/rules/talos/selinux-sysctlfix.js';
import { enforcingAt, selinuxOff } from '../src/rules/talos/lib/kernel-args.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

/** A Flux HelmRelease of Cilium; `spec.values` (key on line 14) holds `values`, whose lines start on line 15. */
const hr = (values: string, version = '1.20.1', extra = '') => ciliumHelmReleaseOf(values, version, extra);
const BASE = 'ipam:\n  mode: kubernetes\n';
const OFF = 'sysctlfix:\n  enabled: false\n';
const ON = 'sysctlfix:\n  enabled: true\n';

/** A talconfig with one control-plane node; `node` and `top` are extra lines (indented for the node / top level). */
const talconfig = (node: string, top = '', talos = 'v1.14.1') =>
  `clusterName: home\ntalosVersion: ${talos}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n${node}${top}`;
/** A node schematic whose kernel arguments are `args` (the first argument is on line 11 of the talconfig). */
const nodeSchematic = (...args: string[]) => `    schematic:\n      customization:\n        extraKernelArgs:\n${args.map((a) => `          - ${a}\n`).join('')}`;
const patch = (...args: string[]) => `machine:\n  install:\n${args.length ? `    extraKernelArgs:\n${args.map((a) => `      - ${a}\n`).join('')}` : '    wipe: false\n'}`;
const VERSION = (talos: string) => `plan:\n  versions:\n    talos: ${talos}\n`;

test('talos/selinux-sysctlfix', () => {
  ruleTester(selinuxSysctlfix, {
    valid: [
      // the workaround is in place
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE + OFF) },
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE + 'sysctlfix:\n  enabled: "false"\n') },
      // not enforcing: no kernel argument, permissive, another argument, or enforcing taken back later in the list
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('net.ifnames=0')), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=0')), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1', '-enforcing')), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/patches/a.yaml': patch('enforcing=1', 'enforcing=0'), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/patches/a.yaml': patch('enforcing=${ENFORCING}'), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/patches/a.yaml': patch(), 'cilium/hr.yaml': hr(BASE) },
      // SELinux itself is off (selinux=0, or another LSM chosen), in the same list or another one of the cluster
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1', 'selinux=0')), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'talos/patches/a.yaml': patch('security=apparmor'), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/patches/a.yaml': patch('enforcing=1', 'lsm=landlock,lockdown,yama,apparmor'), 'cilium/hr.yaml': hr(BASE) },
      // templated: the value cannot be judged
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE + 'sysctlfix:\n  enabled: ${SYSCTLFIX}\n') },
      // values the repository does not show may set it
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE, '1.20.1', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n') },
      // Talos before 1.10 has no SELinux
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1'), '', 'v1.9.5'), 'cilium/hr.yaml': hr(BASE) },
      { 'talos/patches/a.yaml': patch('enforcing=1'), 'talium.config.yaml': VERSION('1.9.5'), 'cilium/hr.yaml': hr(BASE) },
      // a Cilium chart pinned below 1.16 (no sysctlfix.enabled in its early patches; the init followed cgroup.autoMount)
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE, '1.15.19') },
      // only the ISO a node first boots has it; the installed system boots the installer schematic
      { 'talos/talconfig.yaml': talconfig('    isoSchematic:\n      customization:\n        extraKernelArgs:\n          - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) },
      // the node's own schematic replaces its group's
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('net.ifnames=0'), 'controlPlane:\n  schematic:\n    customization:\n      extraKernelArgs:\n        - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) },
      // a worker schematic with no worker node
      { 'talos/talconfig.yaml': talconfig('', 'worker:\n  schematic:\n    customization:\n      extraKernelArgs:\n        - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) },
      // no Cilium in the repository
      { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')) },
      // a loose values file passed with one of its folder that turns it off
      { 'talos/patches/a.yaml': patch('enforcing=1'), 'cilium/values.yaml': BASE, 'cilium/values-talos.yaml': OFF },
    ],
    invalid: [
      {
        // unset (chart default true): at the release's values
        files: { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'denied', file: 'cilium/hr.yaml', line: 14, column: 3, data: { via: 'customization.extraKernelArgs', file: 'talos/talconfig.yaml' } }],
      },
      {
        // set true: at the value
        files: { 'talos/talconfig.yaml': talconfig(nodeSchematic('net.ifnames=0', 'enforcing=1')), 'cilium/hr.yaml': hr(BASE + ON) },
        errors: [{ messageId: 'denied', file: 'cilium/hr.yaml', line: 18, column: 16 }],
      },
      {
        // the control-plane group's schematic, used by a node without its own
        files: { 'talos/talconfig.yaml': talconfig('', 'controlPlane:\n  schematic:\n    customization:\n      extraKernelArgs:\n        - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'denied', line: 14, column: 3, data: { file: 'talos/talconfig.yaml' } }],
      },
      {
        // an Image Factory schematic file
        files: { 'talos/schematic.yaml': 'customization:\n  extraKernelArgs:\n    - enforcing=1\n  systemExtensions:\n    officialExtensions:\n      - siderolabs/intel-ucode\n', 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'denied', line: 14, column: 3, data: { via: 'customization.extraKernelArgs', file: 'talos/schematic.yaml' } }],
      },
      {
        // machine config only: Talos may ignore the field (systemd-boot), so a warning
        files: { 'talos/patches/selinux.yaml': patch('enforcing=1'), 'cilium/hr.yaml': hr(BASE + ON) },
        errors: [{ messageId: 'deniedIfApplied', file: 'cilium/hr.yaml', line: 18, column: 16, data: { via: 'machine.install.extraKernelArgs', file: 'talos/patches/selinux.yaml' } }],
      },
      {
        // an RFC 6902 patch appending to the list
        files: { 'talos/patches/selinux.yaml': '- op: add\n  path: /machine/install/extraKernelArgs/-\n  value: enforcing=1\n', 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'deniedIfApplied', line: 14, column: 3, data: { via: 'machine.install.extraKernelArgs', file: 'talos/patches/selinux.yaml' } }],
      },
      {
        // a talhelper inline patch (a YAML string)
        files: { 'talos/talconfig.yaml': talconfig('', 'patches:\n  - |-\n    machine:\n      install:\n        extraKernelArgs:\n          - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'deniedIfApplied', line: 14, column: 3, data: { file: 'talos/talconfig.yaml' } }],
      },
      {
        // Talos 1.10–1.13: SELinux but not yet Talos 1.14's permissions for Cilium
        files: { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1'), '', 'v1.12.3'), 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'deniedBeforeCiliumPolicy', line: 14, column: 3, data: { talos: '1.12.3', via: 'customization.extraKernelArgs' } }],
      },
      {
        // the first chart line with the key
        files: { 'talos/patches/a.yaml': patch('enforcing=1'), 'talium.config.yaml': VERSION('1.14.1'), 'cilium/hr.yaml': hr(BASE, '1.16.0') },
        errors: [{ messageId: 'deniedIfApplied', line: 14, column: 3 }],
      },
      {
        // a plain values file (a bootstrap install) is judged as well
        files: { 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'bootstrap/cilium/values.yaml': BASE + 'sysctlfix:\n  enabled: "true"\n' },
        errors: [{ messageId: 'denied', file: 'bootstrap/cilium/values.yaml', line: 4, column: 12 }],
      },
    ],
  });
});

test('talos/selinux-sysctlfix: severity, and the related location of enforcing=1', () => {
  const brief = (files: Record<string, string>) =>
    lintRepo(files, [selinuxSysctlfix]).map((d) => [d.severity, d.messageId, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]);
  // the schematic bakes the argument into the boot image: an error, pointing at the argument
  assert.deepEqual(brief({ 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE) }), [['error', 'denied', ['talos/talconfig.yaml:11:13']]]);
  // machine config only, or an older Talos: warnings
  assert.deepEqual(brief({ 'talos/patches/a.yaml': patch('enforcing=1'), 'cilium/hr.yaml': hr(BASE) }), [['warning', 'deniedIfApplied', ['talos/patches/a.yaml:4:9']]]);
  assert.deepEqual(brief({ 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1'), '', 'v1.13.9'), 'cilium/hr.yaml': hr(BASE) }), [['warning', 'deniedBeforeCiliumPolicy', ['talos/talconfig.yaml:11:13']]]);
  // both sources: the schematic decides, and is the related location
  assert.deepEqual(brief({ 'talos/patches/a.yaml': patch('enforcing=1'), 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'cilium/hr.yaml': hr(BASE) }), [['error', 'denied', ['talos/talconfig.yaml:11:13']]]);
  // a talhelper string patch: the patch item (its lines are not located)
  assert.deepEqual(brief({ 'talos/talconfig.yaml': talconfig('', 'patches:\n  - |-\n    machine:\n      install:\n        extraKernelArgs:\n          - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) }), [['warning', 'deniedIfApplied', ['talos/talconfig.yaml:9:5']]]);
});

test('talos/selinux-sysctlfix: an Argo CD values string points at the key inside it', () => {
  const app =
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      values: |\n        ipam:\n          mode: kubernetes\n        sysctlfix:\n          enabled: true\n';
  const got = lintRepo({ 'talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')), 'argo/cilium.yaml': app }, [selinuxSysctlfix]);
  assert.deepEqual(got.map((d) => [d.file, d.messageId, d.range.start.line]), [['argo/cilium.yaml', 'denied', 18]]);
});

test('talos/selinux-sysctlfix: judged per cluster', () => {
  const files = {
    'clusters/a/talos/talconfig.yaml': talconfig(nodeSchematic('enforcing=1')),
    'clusters/b/talos/talconfig.yaml': talconfig(nodeSchematic('net.ifnames=0')),
    'clusters/a/cilium/hr.yaml': hr(BASE),
    'clusters/b/cilium/hr.yaml': hr(BASE),
  };
  const at = (f: Record<string, string>) => lintRepo(f, [selinuxSysctlfix]).map((d) => `${d.messageId} ${d.file}:${d.range.start.line}`);
  assert.deepEqual(at(files), ['denied clusters/a/cilium/hr.yaml:14']);
  // one Cilium release both clusters share: only cluster a enforces, and b may be the only one that applies it
  const shared = { 'clusters/a/talos/talconfig.yaml': files['clusters/a/talos/talconfig.yaml'], 'clusters/b/talos/talconfig.yaml': files['clusters/b/talos/talconfig.yaml'], 'infrastructure/cilium/hr.yaml': hr(BASE) };
  assert.deepEqual(at(shared), []);
  // both enforce: reported once
  assert.deepEqual(at({ ...shared, 'clusters/b/talos/talconfig.yaml': files['clusters/a/talos/talconfig.yaml'] }), ['denied infrastructure/cilium/hr.yaml:14']);
});

test('talos/selinux-sysctlfix: kernel-argument semantics', () => {
  assert.equal(enforcingAt(['quiet', 'enforcing=1']), 1);
  assert.equal(enforcingAt(['enforcing=1', 'enforcing=0']), undefined);
  assert.equal(enforcingAt(['enforcing=0', 'enforcing=1']), 1);
  assert.equal(enforcingAt(['enforcing=1', '-enforcing']), undefined);
  assert.equal(enforcingAt(['selinux=1']), undefined, 'selinux=1 alone leaves the default permissive mode');
  assert.equal(enforcingAt([1, null, 'enforcing=${X}']), undefined);
  assert.equal(selinuxOff(['selinux=0']), true);
  assert.equal(selinuxOff(['selinux=1', 'enforcing=1']), false);
  assert.equal(selinuxOff(['security=selinux']), false);
  assert.equal(selinuxOff(['security=apparmor']), true);
  assert.equal(selinuxOff(['lsm=landlock,yama,selinux,bpf']), false);
  assert.equal(selinuxOff(['lsm=landlock,yama,apparmor']), true);
});

test('talos/selinux-sysctlfix: Omni cluster template kernelArgs (Cluster, machine set, Machine) count like a schematic', () => {
  const omni = (extra: string, talos = 'v1.14.1') => `kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: ${talos}\n${extra}`;
  ruleTester(selinuxSysctlfix, {
    valid: [
      { 'omni/t.yaml': omni('kernelArgs:\n  - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE + OFF) },
      { 'omni/t.yaml': omni('kernelArgs:\n  - talos.dashboard.disabled=1\n'), 'cilium/hr.yaml': hr(BASE) },
      // a Workers set turns SELinux off: silent, as for any list of the cluster
      { 'omni/t.yaml': omni('kernelArgs:\n  - enforcing=1\n---\nkind: Workers\nname: w\nmachines: [m2]\nkernelArgs:\n  - selinux=0\n'), 'cilium/hr.yaml': hr(BASE) },
    ],
    invalid: [
      // the Cluster's list: an error (baked into the boot, like a schematic)
      { files: { 'omni/t.yaml': omni('kernelArgs:\n  - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) }, errors: [{ messageId: 'denied', file: 'cilium/hr.yaml', line: 14, column: 3, data: { via: 'the Omni cluster template kernelArgs', file: 'omni/t.yaml' } }] },
      // a ControlPlane set's list, on Talos 1.13
      {
        files: { 'omni/t.yaml': omni('---\nkind: ControlPlane\nmachines: [m1]\nkernelArgs:\n  - enforcing=1\n', 'v1.13.9'), 'cilium/hr.yaml': hr(BASE) },
        errors: [{ messageId: 'deniedBeforeCiliumPolicy', file: 'cilium/hr.yaml', line: 14, column: 3, data: { via: 'the Omni cluster template kernelArgs', file: 'omni/t.yaml', talos: '1.13.9' } }],
      },
    ],
  });
  // the related location is the argument itself (Machine document, line 11)
  const got = lintRepo({ 'omni/t.yaml': omni('---\nkind: Machine\nname: m1\nkernelArgs:\n  - console=ttyS0\n  - enforcing=1\n'), 'cilium/hr.yaml': hr(BASE) }, [selinuxSysctlfix]);
  assert.deepEqual(got.map((d) => [d.messageId, d.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]), [['denied', ['omni/t.yaml:12:5']]]);
});
