/**
 * Multipart bodies (photo uploads) under their route schemas. Before validation the route reads
 * the form into the body, an object of its parts by name as @fastify/multipart gives them; a file
 * part is its MultipartFile (bytes read by then). In the schema a file part is written as OpenAPI
 * writes one (`FilePart`: `type: string, format: binary`), which the document shows as it is;
 * the route's validator (`multipartValidator`) reads that as "a file part of this upload" — an
 * object only the multipart parser makes (it carries functions, which no JSON body can), so a
 * JSON body shaped like a form never passes. Everything else is validated as api/validation.ts does.
 */
import Ajv, { type SchemaValidateFunction } from 'ajv';
import type { MultipartFile } from '@fastify/multipart';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema, FastifyRouteSchemaDef } from 'fastify/types/schema';
import { compileValidator } from './validation';

/** A file part of a multipart form, for the OpenAPI document a binary string. */
export function FilePart(description: string) {
  return Type.Unsafe<MultipartFile>({ type: 'string', format: 'binary', description });
}

function isFilePart(value: unknown): boolean {
  const part = value as Partial<MultipartFile> | null;
  return typeof part === 'object' && part !== null && part.type === 'file' && typeof part.toBuffer === 'function';
}

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: false, strict: false });
const checkFilePart: SchemaValidateFunction = (_: boolean, data: unknown): boolean => {
  const ok = isFilePart(data);
  checkFilePart.errors = ok ? undefined : [{ keyword: 'filePart', message: 'must be a file part of a multipart/form-data body', params: {} }];
  return ok;
};
ajv.addKeyword({ keyword: 'filePart', schemaType: 'boolean', validate: checkFilePart, errors: true });

/** The schema with each binary string replaced by the file-part check. */
function withFileParts(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withFileParts);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  if (s.type === 'string' && s.format === 'binary') return { filePart: true };
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, withFileParts(v)]));
}

/** A route's `validatorCompiler` for a multipart/form-data body. */
export function multipartValidator(def: FastifyRouteSchemaDef<FastifySchema>) {
  if (def.httpPart !== 'body') return compileValidator(def);
  return ajv.compile(withFileParts(def.schema as TSchema) as object);
}
