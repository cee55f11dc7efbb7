/**
 * Worker-thread entry (started by pool.ts; its only side effect is answering the pool): loads its files,
 * sends them as JSON (files holding non-JSON numbers such as .inf go by structured clone), then answers one
 * `check` request with the per-document diagnostics (schemas, yaml/truthy) of its documents.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { YamlDocument } from '../core/document.js';
import { astParses } from './ast-cache.js';
import { fromWire, toWire, type LoadedFile, type WireFile } from './load-file.js';
import { safeLoad, type CheckRequest, type WorkerMessage } from './pool.js';

const job = workerData as WorkerJob;
type WorkerJob = { files: Array<{ abs: string | Buffer; path: string }>; maxFileSize: number };

function post(m: WorkerMessage): void {
  parentPort?.postMessage(m);
}

const NON_FINITE = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b/;
let loaded: LoadedFile[] = [];
try {
  loaded = job.files.map((f) => safeLoad(f, job.maxFileSize));
  const parts: string[] = [];
  const cloned: WireFile[] = [];
  const order: number[] = [];
  loaded.forEach((f, k) => {
    const w = toWire(f);
    // js-yaml yields non-JSON numbers only from .inf/.nan literals: those files go by structured clone
    if (!w.text || !NON_FINITE.test(w.text)) parts.push(JSON.stringify(w));
    else {
      cloned.push(w);
      order.push(k);
    }
  });
  post({ type: 'loaded', json: `[${parts.join(',')}]`, cloned, order });
} catch (err) {
  post({ type: 'failed', error: (err as Error)?.message ?? String(err) });
}

parentPort?.on('message', (req: CheckRequest) => {
  void (async () => {
    try {
      const byKey = new Map<string, YamlDocument>();
      for (const f of loaded) for (const d of f.docs) byKey.set(`${d.index}\u0000${f.path}`, d);
      const groups = req.groups.map((g) => ({
        name: g.name,
        opts: g.opts,
        docs: g.members.map(([p, i]) => byKey.get(`${i}\u0000${p}`)).filter((d): d is YamlDocument => d !== undefined),
      }));
      // a CRD inside a List comes with its List's other items
      const crdDocs = req.crds.flatMap((w) => fromWire(w).docs.filter((d) => d.kind === 'CustomResourceDefinition'));
      // imported here, not at the top: the schema modules load while the main thread decodes phase 1
      const { checkDocuments } = await import('./doc-checks.js');
      const diagnostics = await checkDocuments(groups, loaded, crdDocs, new Set(req.partialFiles));
      post({ type: 'checked', diagnostics, astParses: astParses.files });
    } catch (err) {
      post({ type: 'failed', error: (err as Error)?.message ?? String(err) });
    }
  })();
});
