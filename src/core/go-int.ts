/**
 * How Go YAML reads a plain scalar that starts with a digit or a sign as a number, for the parsers talium reads
 * Kubernetes YAML with (js-yaml's schema and the fast reader through it, eemeli/yaml in the fallback). Pure.
 *
 * Kubernetes turns YAML into JSON with sigs.k8s.io/yaml (kubectl, the API server, Helm, Flux's and Argo CD's apply),
 * which decodes with go-yaml v2; go-yaml v3 (Talos, kyaml) resolves numbers the same way. Its resolve.go, for a
 * plain scalar whose first character is a digit or `+`/`-`: removes every `_`, then strconv.ParseInt(s, 0, 64),
 * else ParseUint(s, 0, 64), else a float when `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` matches, else
 * a string. Base 0 is Go literal syntax: `0x`/`0X` hex, `0o`/`0O` and a bare leading `0` octal, `0b`/`0B` binary.
 * So `1_000` is 1000, `017` is 15 (YAML 1.1 octal), `0o17` 15, `0x1F`/`0X1F` 31, `+12` 12; a hex number past
 * 64 bits stays a string. js-yaml 4's YAML 1.2 core schema reads `1_000`, `0X1F`, `0O17` as strings and `017` as 17:
 * a false schema/type error on `replicas: 1_000`, a ConfigMap value `1_000` the API server refuses passing clean.
 */
import jsyaml from 'js-yaml';
import type { ScalarTag } from 'yaml';

const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Most numbers in manifests: decimal, up to 15 digits (exact in a double; no BigInt needed). */
const SMALL_DECIMAL = /^[-+]?(?:0|[1-9][0-9]{0,14})$/;

/** The number Go YAML reads `text` (a plain scalar) as; undefined when it reads a string (or not a number). */
export function goNumber(text: string): number | undefined {
  const c = text.charCodeAt(0);
  // Go asks only scalars starting with a digit or a sign
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) return undefined;
  if (SMALL_DECIMAL.test(text)) return Number(text) || 0; // (`-0` is the integer 0)
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const m = GO_INT.exec(plain);
  if (m) {
    const digits = m[2]!;
    // a bare leading 0 is octal in Go (BigInt reads `017` as decimal)
    const big = BigInt(digits.length > 1 && /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits);
    const v = m[1] === '-' ? -big : big;
    // ParseInt (int64), else ParseUint (no sign): past that a decimal is a float, anything else a string
    if (v >= INT64_MIN && (v <= UINT64_MAX && (m[1] === '' || v < 2n ** 63n))) return Number(v);
    if (!/^[0-9]+$/.test(digits)) return undefined;
  }
  // underscores in a float (`1_000.5`), and `0_8` (not octal: a float, 8): js-yaml keeps those as strings
  if (plain !== text && GO_FLOAT.test(plain)) return Number(plain);
  return undefined;
}

/**
 * js-yaml's `!!int` as Go reads plain scalars (goNumber), with js-yaml's own reading for what Go reads the same way
 * (`0x1F`, `+12`, `0o17`; large decimals fall through to the float type as in Go). Replaces the core schema's int.
 */
export const GO_INT_TYPE = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && goNumber(data) !== undefined,
  construct: (data: string) => goNumber(data),
});

/** The same for eemeli/yaml (its fallback parse of a file js-yaml refused): put before the schema's own tags. */
export const GO_INT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: () => false,
  // eemeli/yaml only calls test() on the plain scalar's source
  test: { test: (s: string) => goNumber(s) !== undefined } as unknown as RegExp,
  resolve: (s: string) => goNumber(s) as number,
};
