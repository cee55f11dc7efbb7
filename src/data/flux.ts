/**
 * Flux facts talium's kustomize model needs, each with its source: how kustomize-controller hands a Flux
 * Kustomization's `spec.patches` entry without `target` to kustomize, by controller version. Data and one tiny helper only.
 */
import { parseVersion } from './versions.js';

/**
 * The target kustomize gets for a `spec.patches` entry that has none:
 * - `none` (kustomize-controller v1, Flux 2): no target, so kustomize applies each strategic-merge document to the one
 *   object with its id and fails the build when there is none ("no matches for Id").
 * - `empty` (kustomize-controller before v1, Flux 0.x): `target: {}`, an empty selector, so kustomize applies the patch
 *   to every object of the build, whatever kind and name the patch names (a `$patch: delete` deletes them all).
 *
 * Sources (read 2026-11):
 * - fluxcd/pkg `apis/kustomize/kustomize_types.go` at a1b524d113402d93a07e8f03dd3f770e669aaac3 and
 *   11abd078e26f7eaf8c4c415fa1897e1d41993592: `Target Selector \`json:"target,omitempty"\`` (a value; omitempty
 *   does not omit a struct).
 * - fluxcd/pkg `kustomize/kustomize_generator.go` at daa2fc29a85696067d63e5f1129bbf65a2fd230f (its go.mod: apis/kustomize
 *   v0.6.0, kustomize/api v0.12.1) and 0180cac2f8505fea33c335801efe459aeee44841: `Target: adaptSelector(&p.Target)`,
 *   and adaptSelector returns a non-nil selector for a non-nil argument.
 * - fluxcd/kustomize-controller issue #464 (Flux 0.18.3, 2021-10-15): the controller adds `target: {}`; a
 *   `$patch: delete` then deletes every Namespace of the build, not the one it names.
 * - fluxcd/pkg PR #517 "apis: Kustomize target selector must be a pointer" (2023-03-22, merged after the 2023-03-27
 *   review): `Target *Selector`; its author: released as apis/kustomize v1, with the Kustomization v1 API.
 * - fluxcd/kustomize-controller CHANGELOG.md at 4f3023f4a3d79884918fe0c6cc0e1eab0a115ef2: v0.35.1 2023-03-20,
 *   v1.0.0-rc.1 2023-04-03 (Kustomization v1 first served), v1.0.0 2023-07-04; no entry names the fix.
 * - kubernetes-sigs/kustomize `api/internal/builtins/PatchTransformer.go` at 549935de7dd8a311428c5b769d0f1c6f2e284b1b
 *   and 0c5e93e44bf2045b8c82005eb6cdcb5b7fe31552: a nil target looks the object up by id (GetById), a non-nil one
 *   selects (`m.Select(*p.Target)`) and patches every object selected; kubectl kustomize v5.5.0 does so with `target: {}`.
 *
 * Inferred, not read: that every kustomize-controller before v1.0.0-rc.1 (every Flux 0.x with `spec.patches`) passes
 * `target: {}`, and every one from v1.0.0-rc.1 on (the first to serve `kustomize.toolkit.fluxcd.io/v1`) passes none.
 * Not read: kustomize-controller's go.mod at v0.35.1 and v1.0.0-rc.1.
 */
export const FLUX_TARGETLESS_PATCH = {
  /** The first Flux minor (and the Kustomization apiVersion) whose kustomize-controller passes no target. */
  noTargetFromFlux: '2.0',
  noTargetApiVersion: 'v1',
  sources: [
    'https://github.com/fluxcd/pkg/blob/a1b524d113402d93a07e8f03dd3f770e669aaac3/apis/kustomize/kustomize_types.go',
    'https://github.com/fluxcd/pkg/blob/daa2fc29a85696067d63e5f1129bbf65a2fd230f/kustomize/kustomize_generator.go',
    'https://github.com/fluxcd/kustomize-controller/issues/464',
    'https://github.com/fluxcd/pkg/pull/517',
    'https://github.com/fluxcd/kustomize-controller/blob/4f3023f4a3d79884918fe0c6cc0e1eab0a115ef2/CHANGELOG.md',
  ],
} as const;

/** What kustomize-controller gives a target-less `spec.patches` entry: see FLUX_TARGETLESS_PATCH. */
export type FluxTargetless = 'none' | 'empty' | 'unknown';

/**
 * The target a Flux Kustomization of `apiVersion` version (`v1`, `v1beta2`) gets for a target-less patch, on a
 * repository stating Flux `fluxMinor` (`0.41`, `2.6`; undefined when it states none): `none` for the v1 API (only
 * kustomize-controller v1 serves it) or Flux 2+, `empty` for Flux 0.x, else `unknown`.
 */
export function fluxTargetless(apiVersion: string, fluxMinor: string | undefined): FluxTargetless {
  if (apiVersion === FLUX_TARGETLESS_PATCH.noTargetApiVersion) return 'none';
  const v = parseVersion(fluxMinor);
  if (!v) return 'unknown';
  const first = parseVersion(FLUX_TARGETLESS_PATCH.noTargetFromFlux)!;
  if (v.major > first.major || (v.major === first.major && v.minor >= first.minor)) return 'none';
  return v.major === 0 ? 'empty' : 'unknown';
}
