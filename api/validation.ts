/**
 * Request validation with Ajv: bodies are strict (no type coercion, unknown fields rejected),
 * query strings and params coerce text to numbers where the schema says so.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifyRouteSchemaDef } from 'fastify/types/schema';

function makeAjv(coerceTypes: boolean) {
  const ajv = new Ajv({ coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv(true);

export function compileValidator({ schema, httpPart }: FastifyRouteSchemaDef<FastifySchema>): ValidateFunction {
  return (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
