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

/** An arrow's body that does nothing but log: `log.error(…)` or `{ log.error(…); }`. */
function onlyLogs(body) {
  if (body.type !== 'BlockStatement') return isLogCall(body);
  return body.body.length > 0 && body.body.every((s) => s.type === 'ExpressionStatement' && isLogCall(s.expression));
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'logging', {
    shouldIgnore(path) {
      if (path.isExpressionStatement() && isLogCall(path.node.expression)) return 'A log statement: not behaviour a test asserts.';
      // `.catch((err) => log.error(…))`: the arrow whose whole body is a log call. Stryker's
      // ArrowFunction mutant of it, `() => undefined`, still handles the rejection and only stops
      // the logging; a mutant that drops the handler itself (another operator) is still tried.
      if (path.isArrowFunctionExpression() && onlyLogs(path.node.body)) return 'A handler that only logs: not behaviour a test asserts.';
      return undefined;
    },
  }),
];
