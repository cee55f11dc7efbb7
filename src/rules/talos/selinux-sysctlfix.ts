/**
 * talos/selinux-sysctlfix: Talos with SELinux in enforcing mode (kernel argument `enforcing=1`) denies the Cilium
 * chart's `apply-sysctl-overwrites` init container, so the agent never starts, unless the release sets
 * `sysctlfix.enabled: false` (siderolabs/talos#14266). The kernel arguments are read per cluster group
 * (lib/kernel-args.ts); each Cilium release of the group is judged on its own values.
 */
import { atLeast, pinnedMinor } from '../../data/versions.js';
import type { CiliumRelease } from '../../plan/types.js';
import { dirOf } from '../../plan/util.js';
import type { YamlDocument } from '../../core/document.js';
import { ciliumHelmReleaseOf } from '../cilium/lib/examples.js';
import { SRC } from '../cilium/lib/sources.js';
import { asBool, dedupe, layerSetting, placeOf, releases, releaseVersion, unknowable, unseenMaySet, valueOf } from '../cilium/lib/values.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { enforcingAt, kernelArgLists, selinuxOff, type KernelArgList } from './lib/kernel-args.js';

const SYSCTLFIX = ['sysctlfix', 'enabled'] as const;
/** Talos ships SELinux (permissive by default) from 1.10; before that `enforcing=1` has nothing to enforce. */
const TALOS_SELINUX_SINCE = '1.10';
/** Talos 1.14.0 added the SELinux permissions Cilium needs in enforcing mode (siderolabs/talos PR #14046). */
const TALOS_CILIUM_POLICY_SINCE = '1.14';
/** The chart key `sysctlfix.enabled` (cilium/cilium PR #32866) is in every chart line from 1.16 on. */
const CILIUM_SYSCTLFIX_SINCE = '1.16';

/**
 * The release may run the init container: `sysctlfix.enabled` is on (set true, or unset with the chart default
 * true), readable, and no values source the repository does not show may set it. A loose values file may be passed
 * with the others of its folder (`helm -f values.yaml -f values-talos.yaml`): one that sets the key to anything but
 * on may turn it off.
 */
function runsSysctlfix(release: CiliumRelease, docs: readonly YamlDocument[], all: readonly CiliumRelease[]): boolean {
  const v = valueOf(release, SYSCTLFIX);
  if (unknowable(v) || unseenMaySet(release, SYSCTLFIX, docs)) return false;
  if (v !== undefined) return asBool(v) === true;
  if (release.engine === 'values-file') {
    const dir = dirOf(release.doc.file.path);
    const turnsOff = (o: CiliumRelease): boolean => o !== release && o.engine === 'values-file' && dirOf(o.doc.file.path) === dir && layerSetting(o, SYSCTLFIX) !== undefined && asBool(valueOf(o, SYSCTLFIX)) !== true;
    if (all.some(turnsOff)) return false;
  }
  return true;
}

/** Where a list's `enforcing=1` is written (its item, or the string patch that holds it). */
function enforcingPlace(l: KernelArgList & { index: number }): RelatedFinding {
  return { doc: l.doc, path: l.inString ? l.path : [...l.path, l.index], message: 'SELinux enforcing mode is requested here.' };
}

const VIA: Record<KernelArgList['source'], string> = { 'machine-config': 'machine.install.extraKernelArgs', schematic: 'customization.extraKernelArgs', omni: 'the Omni cluster template kernelArgs' };

const TALCONFIG = (talos: string) =>
  `clusterName: home\ntalosVersion: ${talos}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n    schematic:\n      customization:\n        extraKernelArgs:\n          - enforcing=1\n`;
const PATCH = 'machine:\n  install:\n    extraKernelArgs:\n      - enforcing=1\n';
const hr = (values: string) => ciliumHelmReleaseOf(values, '1.20.1');
const TALOS_VALUES = 'ipam:\n  mode: kubernetes\ncgroup:\n  autoMount:\n    enabled: false\n  hostRoot: /sys/fs/cgroup\n';

export default defineRule({
  meta: {
    id: 'talos/selinux-sysctlfix',
    description: 'With Talos SELinux in enforcing mode (`enforcing=1`), Cilium needs `sysctlfix.enabled: false` or its agent never starts.',
    severity: 'error',
    messageSeverities: { deniedIfApplied: 'warning', deniedBeforeCiliumPolicy: 'warning' },
    messages: {
      denied: 'Talos runs SELinux in enforcing mode (enforcing=1 in {{via}}, {{file}}) and this Cilium release keeps sysctlfix.enabled on (chart default true): SELinux denies its apply-sysctl-overwrites init container and the agent never starts.',
      deniedIfApplied: 'The Talos machine config asks for SELinux enforcing mode (enforcing=1 in {{via}}, {{file}}) and this Cilium release keeps sysctlfix.enabled on (chart default true): where Talos applies that kernel argument, SELinux denies the apply-sysctl-overwrites init container and the agent never starts.',
      deniedBeforeCiliumPolicy: 'Talos {{talos}} runs SELinux in enforcing mode (enforcing=1 in {{via}}, {{file}}) and this Cilium release keeps sysctlfix.enabled on: the apply-sysctl-overwrites init container is denied, and Talos before 1.14 also lacks the SELinux permissions Cilium itself needs in enforcing mode.',
    },
    help: 'Set `sysctlfix.enabled: false` in the Cilium values (harmless on Talos), or drop `enforcing=1` from the Talos kernel arguments.',
    docs: {
      what: 'When the Talos configuration of a cluster puts SELinux in enforcing mode, reports each Cilium release of that cluster whose `sysctlfix.enabled` is on (set true, or unset: the chart default is true), at the key when it is set, else at the release values. Enforcing mode is the kernel argument `enforcing=1` in any of:\n' +
        '- an Image Factory schematic;\n' +
        '- talhelper `schematic.customization.extraKernelArgs` of a node or its `controlPlane`/`worker` group;\n' +
        '- `kernelArgs` of an Omni cluster template Cluster, ControlPlane/Workers set or Machine;\n' +
        '- `machine.install.extraKernelArgs` in a machine config, patch or talhelper inline patch.\n' +
        '\n' +
        'Silent when:\n' +
        '- a list that asks for enforcing also, or another list of the cluster, turns SELinux off (`selinux=0`, a `security=`/`lsm=` choosing other modules);\n' +
        '- the value is templated or values the repository does not show may set it;\n' +
        '- the Talos version is pinned below 1.10 (no SELinux);\n' +
        '- the release pins Cilium below 1.16 (the key was added in 2024, cilium/cilium PR #32866; the 1.14 and 1.15 charts got it only in later patches, and before it the init container followed `cgroup.autoMount.enabled`, which Talos sets to false).\n' +
        '\n' +
        'Warnings rather than errors:\n' +
        '- an argument only in `machine.install.extraKernelArgs`: Talos ignores that field when it boots with systemd-boot (UEFI), and from Talos 1.12 new installs take the kernel command line from the boot image with GRUB too;\n' +
        '- a cluster pinned to Talos 1.10–1.13: those releases have SELinux but not yet the permissions Talos 1.14.0 added for Cilium (siderolabs/talos PR #14046), so the same denial is expected there (inferred, not reported) along with others.\n' +
        '\n' +
        'The denial was reported on Talos 1.14 (siderolabs/talos#14266). An unpinned Talos version is treated as 1.14 or later.',
      why: 'Talos enables SELinux in permissive mode by default; `enforcing=1` on the kernel command line makes it enforcing. The Cilium chart\'s `apply-sysctl-overwrites` init container enters the host\'s mount namespace with `nsenter` (`/hostproc/1/ns/mnt`), which the Talos policy denies to pods (`pod_t` searching `init_t`). The init container fails, the agent never starts and the node stays NotReady. Turning sysctlfix off is harmless on Talos (the issue says so): the init container installs a systemd-sysctl drop-in that keeps systemd from resetting `rp_filter` on Cilium\'s interfaces, and Talos does not run systemd.',
      fix: 'Set `sysctlfix.enabled: false` in the Cilium values of every release that runs on the enforcing nodes, or remove `enforcing=1` from the Talos kernel arguments (the schematic, or `machine.install.extraKernelArgs`).',
      sources: [SRC.talosSelinuxCilium, SRC.talosSelinux, SRC.talosSelinuxCiliumPolicy, SRC.ciliumSysctlfix],
    },
    examples: {
      valid: [
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.14.1'), 'cilium/helmrelease.yaml': hr(TALOS_VALUES + 'sysctlfix:\n  enabled: false\n') } },
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.14.1').replace('enforcing=1', 'enforcing=0'), 'cilium/helmrelease.yaml': hr(TALOS_VALUES) }, note: 'SELinux stays permissive (the Talos default)' },
      ],
      invalid: [
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.14.1'), 'cilium/helmrelease.yaml': hr(TALOS_VALUES) }, note: 'sysctlfix.enabled defaults to true' },
        { files: { 'talos/patches/selinux.yaml': PATCH, 'cilium/helmrelease.yaml': hr(TALOS_VALUES + 'sysctlfix:\n  enabled: true\n') } },
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'cilium/helmrelease.yaml': hr(TALOS_VALUES) } },
      ],
    },
  },
  check({ cluster }) {
    const lists = kernelArgLists(cluster);
    if (!lists.length || lists.some((l) => selinuxOff(l.args))) return [];
    const enforcing = lists.flatMap((l) => {
      const index = enforcingAt(l.args);
      return index === undefined ? [] : [{ ...l, index }];
    });
    if (!enforcing.length) return [];
    const talos = pinnedMinor(cluster.plan.versions.talos?.value);
    if (talos && !atLeast(talos, TALOS_SELINUX_SINCE)) return [];
    // a schematic (or Omni's kernelArgs, from which Omni builds the boot) bakes the argument into the boot asset; a
    // machine-config argument may be ignored (systemd-boot)
    const schematic = enforcing.filter((l) => l.source !== 'machine-config');
    const evidence = schematic.length ? schematic : enforcing;
    const first = evidence[0]!;
    const older = talos !== undefined && !atLeast(talos, TALOS_CILIUM_POLICY_SINCE);
    const messageId = older ? 'deniedBeforeCiliumPolicy' : schematic.length ? 'denied' : 'deniedIfApplied';
    const data: Record<string, string> = { via: VIA[first.source], file: first.doc.file.path, ...(older ? { talos: talos! } : {}) };
    const related = evidence.slice(0, 3).map(enforcingPlace);
    const all = releases(cluster);
    const out: RuleFinding[] = [];
    for (const r of all) {
      const version = releaseVersion(cluster, r);
      if (version && !atLeast(version, CILIUM_SYSCTLFIX_SINCE)) continue;
      if (!runsSysctlfix(r, cluster.docs, all)) continue;
      out.push({
        ...placeOf(r, SYSCTLFIX),
        messageId,
        data,
        related,
        ...(messageId === 'denied' ? {} : { severity: 'warning' as const }),
        // the values may be shared by clusters whose Talos is not enforcing: reported when every cluster is
        everyGroup: true,
      });
    }
    return dedupe(out);
  },
});
