/**
 * The configuration's TypeScript type, derived from the one schema (core/config/schema.ts) so the two cannot
 * drift: a key with a `default` (or listed in its object's `required`) is always present after loading, other
 * keys are optional; `enum` gives a union of its values; `additionalProperties: NODE` a record. Code reads
 * `config.ingest.spool.maxBytes` as a number, with no cast and no second default.
 */
import type { CONFIG_SCHEMA } from './schema.js';

type Primitive<T> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? unknown[]
          : T extends 'object'
            ? Record<string, unknown>
            : unknown;

type RequiredKeys<N> = N extends { required?: infer Q } ? (Q extends readonly (infer R)[] ? R : never) : never;
type Present<N, P, K extends keyof P> = P[K] extends { default: unknown }
  ? true
  : K extends RequiredKeys<N>
    ? true
    : false;

type Properties<N, P> = {
  -readonly [K in keyof P as Present<N, P, K> extends true ? K : never]: FromSchema<P[K]>;
} & {
  -readonly [K in keyof P as Present<N, P, K> extends true ? never : K]?: FromSchema<P[K]>;
};

type Extra<N> = N extends { additionalProperties: infer A extends object } ? Record<string, FromSchema<A>> : unknown;

/** The value type a schema node describes (after ajv filled in the defaults). */
export type FromSchema<N> = N extends { enum: readonly (infer E)[] }
  ? E
  : N extends { properties: infer P }
    ? Properties<N, P> & Extra<N>
    : N extends { type: 'object'; additionalProperties: infer A extends object }
      ? Record<string, FromSchema<A>>
      : N extends { type: 'array'; items: infer I }
        ? FromSchema<I>[]
        : N extends { type: infer T }
          ? T extends readonly (infer U)[]
            ? Primitive<U>
            : Primitive<T>
          : unknown;

/** A loaded configuration: canhgac.yaml + CANHGAC_* variables, validated, defaults applied. */
export type Config = FromSchema<typeof CONFIG_SCHEMA>;

/** One top-level section of the configuration. */
export type ConfigSection<K extends keyof Config> = Config[K];
