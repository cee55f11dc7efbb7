/** The talos rules, sorted by id. */
import type { Rule } from '../types.js';
import cniNotNone from './cni-not-none.js';
import deprecatedFields from './deprecated-fields.js';
import jsonPatchMultidoc from './json-patch-multidoc.js';
import kubeProxyEnabled from './kube-proxy-enabled.js';
import kubeprism from './kubeprism.js';
import linkNameLength from './link-name-length.js';
import omniMachinesUnattributed from './omni-machines-unattributed.js';
import selinuxSysctlfix from './selinux-sysctlfix.js';
import talhelperAddress from './talhelper-address.js';
import vipPlacement from './vip-placement.js';

export const TALOS_RULES: readonly Rule[] = [cniNotNone, deprecatedFields, jsonPatchMultidoc, kubeProxyEnabled, kubeprism, linkNameLength, omniMachinesUnattributed, selinuxSysctlfix, talhelperAddress, vipPlacement];
