/** The gitops rules, sorted by id. */
import type { Rule } from '../types.js';
import argocdApplicationPath from './argocd-application-path.js';
import argocdCiliumIdentity from './argocd-cilium-identity.js';
import argocdDestination from './argocd-destination.js';
import argocdHelmValuesYaml from './argocd-helm-values-yaml.js';
import argocdHookAnnotation from './argocd-hook-annotation.js';
import argocdHubbleCerts from './argocd-hubble-certs.js';
import argocdSourceIgnored from './argocd-source-ignored.js';
import argocdSyncOptions from './argocd-sync-options.js';
import argocdSyncWave from './argocd-sync-wave.js';
import argocdValueFile from './argocd-value-file.js';
import ciliumCrsOrder from './cilium-crs-order.js';
import duplicateObject from './duplicate-object.js';
import fluxApiVersion from './flux-api-version.js';
import fluxDependsOn from './flux-depends-on.js';
import fluxKustomizationPath from './flux-kustomization-path.js';
import helmreleaseChartSource from './helmrelease-chart-source.js';
import helmreleaseSourceRef from './helmrelease-source-ref.js';
import helmreleaseValuesFrom from './helmrelease-values-from.js';
import imagesTargetMissing from './images-target-missing.js';
import kustomizeHelmchartsFlux from './kustomize-helmcharts-flux.js';
import objectAppliedTwice from './object-applied-twice.js';
import patchTargetMissing from './patch-target-missing.js';
import replicasTargetMissing from './replicas-target-missing.js';
import unreferencedFile from './unreferenced-file.js';
import versionMatrix from './version-matrix.js';

export const GITOPS_RULES: readonly Rule[] = [argocdApplicationPath, argocdCiliumIdentity, argocdDestination, argocdHelmValuesYaml, argocdHookAnnotation, argocdHubbleCerts, argocdSourceIgnored, argocdSyncOptions, argocdSyncWave, argocdValueFile, ciliumCrsOrder, duplicateObject, fluxApiVersion, fluxDependsOn, fluxKustomizationPath, helmreleaseChartSource, helmreleaseSourceRef, helmreleaseValuesFrom, imagesTargetMissing, kustomizeHelmchartsFlux, objectAppliedTwice, patchTargetMissing, replicasTargetMissing, unreferencedFile, versionMatrix];
