/**
 * The `talosctl gen config --config-patch ...` script that turns the generated patches into machine configs.
 * Secrets never enter git: the script reads them from a `talosctl gen secrets` file the user keeps elsewhere.
 */
import type { Cluster } from '../../spec/types.js';
import type { GeneratedFile } from '../types.js';
import { talosDir } from './patches.js';
import { shellWord } from '../../core/shell.js';

export function generateTalosCommands(c: Cluster): GeneratedFile {
  const cps = c.nodes.filter((n) => n.role === 'controlplane');
  const first = cps[0];
  const lines = [
    `# Talos machine configs for cluster "${c.name}" (Talos ${c.versions.talos}, Kubernetes ${c.versions.kubernetes}).`,
    '# Run from anywhere: sh clusters/' + c.name + '/generated/talos/gen-config.sh',
    '# Secrets stay out of git: create them once with `talosctl gen secrets -o secrets.yaml` and keep that file private',
    '# (point TALOS_SECRETS at it; relative paths are taken from where you run the script). Output goes to TALOS_OUT',
    '# (default: _out next to this script). The .gitignore beside this script keeps secrets.yaml and _out/ out of git.',
    'set -eu',
    'here="$(cd "$(dirname "$0")" && pwd)"',
    'abs() { case "$1" in /*) printf "%s" "$1" ;; *) printf "%s/%s" "$PWD" "$1" ;; esac; }',
    'SECRETS="$(abs "${TALOS_SECRETS:-$here/secrets.yaml}")"',
    'OUT="$(abs "${TALOS_OUT:-$here/_out}")"',
    'cd "$here"',
    '',
    `talosctl gen config ${c.name} ${shellWord(c.endpoint)} \\`,
    '  --with-secrets "$SECRETS" \\',
    `  --talos-version v${c.versions.talos} \\`,
    `  --kubernetes-version ${c.versions.kubernetes} \\`,
    '  --config-patch @patches/cluster.yaml \\',
    ...(c.schedulableControlPlanes ? ['  --config-patch-control-plane @patches/controlplane.yaml \\'] : []),
    '  --output "$OUT" --force',
    '',
    '# One machine config per node: the role config plus the node\'s network patch.',
    ...c.nodes.map((n) => `talosctl machineconfig patch "$OUT/${n.role === 'controlplane' ? 'controlplane' : 'worker'}.yaml" --patch @nodes/${n.name}.yaml --output "$OUT/${n.name}.yaml"`),
    '',
    '# Next steps (by hand):',
    ...c.nodes.map((n) => `#   talosctl apply-config --insecure --nodes ${n.address.text} --file "$OUT/${n.name}.yaml"`),
    ...(first ? [`#   talosctl bootstrap --nodes ${first.address.text} --endpoints ${first.address.text} --talosconfig "$OUT/talosconfig"`] : []),
    '#   then, within about 10 minutes (the nodes wait for a CNI): sh ../bootstrap/cilium.sh',
  ];
  return { path: `${talosDir(c)}/gen-config.sh`, source: c.specPath, content: { text: lines.join('\n') + '\n' } };
}
