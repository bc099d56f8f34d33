/**
 * CloudFormation's intrinsic functions of the synthesized template, resolved with the local
 * values of local-values.ts, and the small readers of template values the stack reader uses.
 */
import { localAttribute, localPseudoParameter, localRef, type LocalAccount, type LocalTable } from './local-values.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export class TemplateError extends Error {}

/** A scalar of the template as text; anything else is a template this runner cannot read. */
export function text(value: Json | undefined, fallback?: string): string {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new TemplateError('the template lacks a value the local runner needs');
  }
  if (typeof value === 'object')
    throw new TemplateError(`expected a scalar in the template, got ${JSON.stringify(value)}`);
  return String(value);
}

/** Resolves CloudFormation's intrinsic functions against the template and the local values. */
export function resolver(template: Template, account: LocalAccount, tableOf: (logicalId: string) => LocalTable) {
  const typeOf = (logicalId: string) => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new TemplateError(`the template refers to ${logicalId}, which it does not define`);
    return resource.Type;
  };
  const ref = (logicalId: string): string =>
    localPseudoParameter(logicalId, account) ?? localRef(typeOf(logicalId), logicalId, account, tableOf);
  const getAtt = (logicalId: string, attribute: string): string => {
    const value = localAttribute(typeOf(logicalId), logicalId, attribute, account, tableOf);
    if (value === undefined)
      throw new TemplateError(`the local runner has no local value for ${logicalId}.${attribute}`);
    return value;
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      const [fn] = keys as [string];
      const argument = value[fn]!;
      if (fn === 'Ref') return ref(argument as string);
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(argument) ? argument : text(argument).split('.');
        return getAtt(text(id), text(attribute));
      }
      const args = resolve(argument) as Json[];
      if (fn === 'Fn::Join') return (args[1] as Json[]).map((part) => text(part)).join(text(args[0]));
      if (fn === 'Fn::Split') return text(args[1]).split(text(args[0]));
      if (fn === 'Fn::Select') return (args[1] as Json[])[Number(args[0])]!;
      throw new TemplateError(`the local runner cannot resolve ${fn}`);
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve;
}

/** The logical ids a value refers to with Fn::GetAtt, in order. */
export function attributeTargets(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(attributeTargets);
  if (value === null || typeof value !== 'object') return [];
  if ('Fn::GetAtt' in value) {
    const argument = value['Fn::GetAtt']!;
    return [Array.isArray(argument) ? text(argument[0]) : text(argument).split('.')[0]!];
  }
  return Object.values(value).flatMap(attributeTargets);
}

export const refTarget = (value: Json | undefined): string | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
