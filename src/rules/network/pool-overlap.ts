/** network/pool-overlap: two LB-IPAM pools whose blocks overlap (Cilium marks the later one Conflicting). */
import { formatInterval, intersection } from '../../net/ip.js';
import { IntervalIndex } from '../../net/interval-index.js';
import { pathVariants, POOL_BLOCK_FIELDS, type Place } from '../../plan/lb.js';
import { poolsForRules, sameRendering, withRenamedCopies } from '../../plan/pool-overlays.js';
import { copyRelated } from '../../plan/renamed-copies.js';
import { POOL_OVERLAYS_DOC, blockPlace, mergeOverlayFindings, patchWrote, placeRelated, poolFinding } from './lib/pool-findings.js';
import { defineRule, type RuleFinding } from '../types.js';

/** Besides the blocks, what this rule reads of a pool (a patch that may change it makes the pool's text not what is applied). */
const DISABLED = ['spec', 'disabled'];

const pool = (name: string, cidr: string): string => `---\napiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: ${cidr}\n`;

/** One written place (a block two renamed copies of one pool share). */
const samePlace = (x: Place, y: Place): boolean => x.doc === y.doc && x.path.join('\u0000') === y.path.join('\u0000') && x.range?.start.line === y.range?.start.line && x.range?.start.column === y.range?.start.column;

export default defineRule({
  meta: {
    id: 'network/pool-overlap',
    description: 'Two LB-IPAM pools have overlapping blocks.',
    severity: 'error',
    messages: {
      overlap: 'Pool "{{pool}}" block {{block}} overlaps pool "{{other}}" block {{otherBlock}} ({{overlap}}).',
    },
    help: 'Give every pool its own address range; use serviceSelector to steer Services to a pool instead of overlapping ranges.',
    docs: {
      what: 'Compares the blocks of every pair of pools of a cluster.\n' +
        '\n' +
        'Pools with the same name, or in files that differ only in one folder (environment variants such as `prod/` and `qa/`; not when that folder is the files\' own and the pool names differ: `pools/lan/pool.yaml` and `pools/iot/pool.yaml` are two pools), are treated as variants and not compared, and so are pools as different kustomize overlays render them.\n' +
        '\n' +
        'But a pool that one kustomize build renders under several names (two overlays with different `namePrefix`/`nameSuffix` listing one base, both listed by one kustomization; or two Flux Kustomizations / Argo CD Applications of one cluster each applying one such overlay, or one folder with their own `namePrefix`/`nameSuffix`; nothing on the way, nor the applier, patches it) is one pool per rendered name, and two such copies overlap: reported at the base\'s block with `data.overlay` / `data.otherOverlay` and related locations naming the kustomization that renames each copy.\n\n' + POOL_OVERLAYS_DOC,
      why: 'Overlapping pools are a soft error in Cilium: the pool added last is marked Conflicting (reason cidr_overlap) and allocates nothing more.',
      fix: 'Split the range between the pools so they do not share addresses.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'pools.yaml': pool('a', '10.50.0.224/28') + pool('b', '10.50.0.240/28') } }],
      invalid: [{ files: { 'pools.yaml': pool('a', '10.50.0.224/27') + pool('b', '10.50.0.240/28') } }],
    },
  },
  check({ cluster, tree }) {
    // a pool one build renders under several names (kustomize namePrefix/nameSuffix) is one pool per name
    const pools = withRenamedCopies(cluster, poolsForRules(cluster, [...POOL_BLOCK_FIELDS, DISABLED]), tree?.sourceIgnores).filter((p) => !p.disabled);
    const out: RuleFinding[] = [];
    const index = new IntervalIndex(pools.flatMap((pool, n) => pool.blocks.flatMap((block) => (block.interval ? [{ interval: block.interval, label: { n, pool, block } }] : []))));
    for (const [x, y] of index.overlappingPairs()) {
      if (x.n === y.n) continue;
      // the later pool's block carries the finding, unless only the earlier one's holds a value a kustomize patch
      // wrote: then that value (in the patch) made the overlap, and is where to look
      let [earlierBlock, laterBlock] = x.n < y.n ? [x, y] : [y, x];
      if (patchWrote(earlierBlock.pool, earlierBlock.block) && !patchWrote(laterBlock.pool, laterBlock.block)) [earlierBlock, laterBlock] = [laterBlock, earlierBlock];
      const { pool: earlier, block: e } = earlierBlock;
      const { pool: later, block: b } = laterBlock;
      // renderings by different overlays are per-cluster variants, not pools of one cluster
      if (earlier.name === later.name || pathVariants(earlier.doc.file.path, later.doc.file.path, [earlier.name, later.name]) || !sameRendering(earlier, later)) continue;
      const ov = intersection(b.interval!, e.interval!)!;
      const data = { pool: later.name, block: b.kind === 'cidr' ? b.text : formatInterval(b.interval!), other: earlier.name, otherBlock: e.kind === 'cidr' ? e.text : formatInterval(e.interval!), overlap: formatInterval(ov) };
      // a finding on a rendering names its overlay (the later pool's, else the earlier one's); on a renamed copy,
      // the kustomization that renders each copy (data.overlay, data.otherOverlay)
      const related = earlier.doc === later.doc && samePlace(blockPlace(e), blockPlace(b)) ? [] : [placeRelated(blockPlace(e), `pool "${earlier.name}"`)];
      if (later.copy) related.push(copyRelated(later.copy, 'pool'));
      if (earlier.copy) related.push(copyRelated(earlier.copy, 'pool'));
      const f = poolFinding(later.overlay || !earlier.overlay ? later : earlier, blockPlace(b), 'overlap', data, related);
      if (later.copy && f.data!['overlay'] === undefined) f.data!['overlay'] = later.copy.overlay.kustomization.file.path;
      if (earlier.copy) f.data!['otherOverlay'] = earlier.copy.overlay.kustomization.file.path;
      // two plain pools are equal parties: told from the earlier pool's side in a run that reports only its file
      // (RuleFinding.mirror); a rendering or renamed copy stays where its overlay puts it
      if (!earlier.overlay && !later.overlay && !earlier.copy && !later.copy && related.length === 1) {
        const otherData = { pool: earlier.name, block: data.otherBlock, other: later.name, otherBlock: data.block, overlap: data.overlap };
        f.mirror = () => poolFinding(earlier, blockPlace(e), 'overlap', otherData, [placeRelated(blockPlace(b), `pool "${later.name}"`)]);
      }
      out.push(f);
    }
    return mergeOverlayFindings(out);
  },
});
