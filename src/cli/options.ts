/** Small helpers the commands share for turning parsed flags into option objects. */

/** `{ [key]: value }`, or `{}` when the flag was not given (exactOptionalPropertyTypes forbids `key: undefined`). */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
