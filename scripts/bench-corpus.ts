/**
 * The bench corpus: a GitOps-shaped repository written to a folder (Deployments, LoadBalancer Services with
 * unique requested IPs, ConfigMaps; a CiliumLoadBalancerIPPool covering them + an L2 policy in every tenth file).
 * With `kustomize`, also the Kustomize layout real Flux / Argo CD repositories have: a kustomization.yaml in every
 * app folder, one per team folder listing its apps and one in apps/ listing the teams (what the applied-documents
 * walk and the overlay rendering read; the issue's corpus has none).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function ip(i: number): string {
  return `10.50.${10 + Math.floor(i / 200)}.${20 + (i % 200)}`;
}

/** Writes the corpus; returns the number of documents. Every tenth file also holds a pool and an L2 policy. */
export function generateCorpus(root: string, files: number, opts: { kustomize?: boolean } = {}): number {
  let docs = 0;
  const teams = new Map<string, string[]>();
  for (let i = 0; i < files; i++) {
    const team = `team-${String(i % 50).padStart(2, '0')}`;
    const dir = join(root, 'apps', team, `app-${String(i).padStart(5, '0')}`);
    mkdirSync(dir, { recursive: true });
    const name = `app-${i}`;
    const parts = [
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${team}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/${name}:1.2.3
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
`,
      `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${team}
  annotations:
    lbipam.cilium.io/ips: "${ip(i)}"
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${team}
data:
  config.yaml: |
    server:
      port: 8080
    feature: enabled
  LOG_FORMAT: json
`,
    ];
    if (i % 10 === 0) {
      parts.push(`apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: pool-${i}
spec:
  blocks:
    - start: ${ip(i)}
      stop: ${ip(Math.min(i + 9, files - 1))}
`);
      parts.push(`apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata:
  name: l2-${i}
spec:
  loadBalancerIPs: true
  serviceSelector:
    matchLabels:
      app.kubernetes.io/part-of: ${team}
  interfaces:
    - ^enp1s0\\.50$
  nodeSelector:
    matchExpressions:
      - key: node-role.kubernetes.io/control-plane
        operator: DoesNotExist
`);
    }
    docs += parts.length;
    writeFileSync(join(dir, 'app.yaml'), parts.join('---\n'));
    if (opts.kustomize) {
      writeFileSync(join(dir, 'kustomization.yaml'), kustomization(['app.yaml']));
      const apps = teams.get(team) ?? [];
      apps.push(`app-${String(i).padStart(5, '0')}`);
      teams.set(team, apps);
      docs++;
    }
  }
  if (opts.kustomize) {
    for (const [team, apps] of teams) writeFileSync(join(root, 'apps', team, 'kustomization.yaml'), kustomization(apps));
    writeFileSync(join(root, 'apps', 'kustomization.yaml'), kustomization([...teams.keys()].sort()));
    docs += teams.size + 1;
  }
  return docs;
}


function kustomization(resources: readonly string[]): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
}
