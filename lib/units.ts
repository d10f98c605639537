/** The organisation's vocabulary (domain/roles.ts) and the Chinese names of unit kinds, for lib/. */
export * from '../domain/roles';
export { ORG_KIND_LABELS as KIND_ZH } from '../domain/labels';
