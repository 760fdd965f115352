// A statement's Action and Resource patterns compiled once per statement, so that the many
// requests of a plan only run the matcher. Resource patterns holding policy variables depend on
// the request and stay templates, filled in per request.
import { compileArn, compileGlob, type CompiledPattern } from './pattern-match.js';
import type { PolicyVersion, Statement } from './policy.js';
import { parseLiteralPattern, parseTemplate, type ResolvedToken, type TemplateToken } from './policy-template.js';

export interface CompiledStatement {
  /** Action (or NotAction) patterns, matched without regard to case */
  actions: readonly CompiledPattern[];
  /** Resource (or NotResource) patterns without variables */
  fixedResources: readonly CompiledPattern[];
  /** the patterns with variables */
  variableResources: readonly (readonly TemplateToken[])[];
}

const cache = new WeakMap<Statement, CompiledStatement>();

const hasVariable = (template: readonly TemplateToken[]) => template.some((t) => t.kind === 'variable');

function compile(statement: Statement, version: PolicyVersion): CompiledStatement {
  const templates = statement.resource.patterns.map((p) => parseTemplate(p, { wildcards: true, variables: version === '2012-10-17' }));
  return {
    actions: statement.action.patterns.map((p) => compileGlob(parseLiteralPattern(p), true)),
    // a template without variable tokens is already a list of resolved tokens
    fixedResources: templates.filter((t) => !hasVariable(t)).map((t) => compileArn(t as readonly ResolvedToken[])),
    variableResources: templates.filter(hasVariable),
  };
}

/** The compiled form of a statement (memoised per statement object, which belongs to one policy and so one version). */
export function compiledStatement(statement: Statement, version: PolicyVersion): CompiledStatement {
  let compiled = cache.get(statement);
  if (compiled === undefined) {
    compiled = compile(statement, version);
    cache.set(statement, compiled);
  }
  return compiled;
}
