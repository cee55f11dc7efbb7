/** The network rules, sorted by id. */
import addressConflict from './address-conflict.js';
import clusterCidrOverlapsLan from './cluster-cidr-overlaps-lan.js';
import lbipamAnnotationPrefix from './lbipam-annotation-prefix.js';
import planUnknown from './plan-unknown.js';
import poolBlockInvalid from './pool-block-invalid.js';
import poolHostBits from './pool-host-bits.js';
import poolNetworkBroadcast from './pool-network-broadcast.js';
import poolOutsideLan from './pool-outside-lan.js';
import poolOverlap from './pool-overlap.js';
import poolReservedAddress from './pool-reserved-address.js';
import serviceIpConflict from './service-ip-conflict.js';
import serviceIpNotInPool from './service-ip-not-in-pool.js';
import sharingCrossNamespace from './sharing-cross-namespace.js';
import type { Rule } from '../types.js';

export const NETWORK_RULES: readonly Rule[] = [
  addressConflict,
  clusterCidrOverlapsLan,
  lbipamAnnotationPrefix,
  planUnknown,
  poolBlockInvalid,
  poolHostBits,
  poolNetworkBroadcast,
  poolOutsideLan,
  poolOverlap,
  poolReservedAddress,
  serviceIpConflict,
  serviceIpNotInPool,
  sharingCrossNamespace,
];
