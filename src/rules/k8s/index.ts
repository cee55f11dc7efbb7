/** The k8s rules, sorted by id. */
import etpLocalL2 from './etp-local-l2.js';
import invalidListItem from './invalid-list-item.js';
import lbClassIgnored from './lb-class-ignored.js';
import noKubeProxy from './no-kube-proxy.js';
import noMetallb from './no-metallb.js';
import noOtherCni from './no-other-cni.js';
import plaintextSecret from './plaintext-secret.js';
import type { Rule } from '../types.js';

export const K8S_RULES: readonly Rule[] = [
  etpLocalL2,
  invalidListItem,
  lbClassIgnored,
  noKubeProxy,
  noMetallb,
  noOtherCni,
  plaintextSecret,
];
