// A Stryker ignorer (stryker.config.mjs, `ignorers: ['logging']`): log statements are not
// behaviour. Mutating a log line's message or fields (`log.warn('… refused')` → `log.warn('')`)
// changes nothing a user or a stored row sees, so no test should have to notice; counting
// those mutants would only hide the ones that matter.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** `log.warn(…)`, `ctx.log.error(…)`, `this.logger.info(…)`: a call on something named log/logger. */
function isLogCall(node) {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return false;
  const { object, property } = node.callee;
  if (property.type !== 'Identifier' || !LEVELS.has(property.name)) return false;
  const owner = object.type === 'Identifier' ? object.name : object.type === 'MemberExpression' && object.property.type === 'Identifier' ? object.property.name : '';
  return /^(log|logger)$/i.test(owner);
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'logging', {
    shouldIgnore(path) {
      if (path.isExpressionStatement() && isLogCall(path.node.expression)) return 'A log statement: not behaviour a test asserts.';
      // `.catch((err) => log.error(…))`: the call, not the arrow (removing the handler is still a mutant).
      if (isLogCall(path.node) && path.parentPath?.isArrowFunctionExpression()) return 'A log statement: not behaviour a test asserts.';
      return undefined;
    },
  }),
];
