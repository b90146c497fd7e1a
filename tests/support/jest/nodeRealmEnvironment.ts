// jest's Node environment, except that main-realm errors and arrays pass `instanceof` in tests.
//
// jest runs each test file in its own vm context, with its own Error, TypeError, Array…, but Node's core
// modules (fs, net, fetch) keep creating theirs in the main realm, so inside a test an fs ENOENT error is
// not `instanceof Error` (jestjs/jest#2549). Code under test branches on exactly that
// (`e instanceof Error && e.code === "ENOENT"` in sdk/src/credentials.ts), so under plain jest it would take
// another path than in production, and than under Node's test runner before. Here each of the test realm's
// constructors below also accepts instances of its main-realm twin; subclasses keep the ordinary check.
import NodeEnvironment from "jest-environment-node";

const SHARED_CONSTRUCTORS = [
  "Error",
  "AggregateError",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "Array",
] as const;

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

export default class NodeRealmEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    const testRealm = this.global as unknown as Record<string, unknown>;
    for (const name of SHARED_CONSTRUCTORS) {
      const testConstructor = testRealm[name];
      const mainConstructor: unknown = globalThis[name];
      if (typeof testConstructor !== "function" || typeof mainConstructor !== "function") continue;
      if (testConstructor === mainConstructor) continue;
      Object.defineProperty(testConstructor, Symbol.hasInstance, {
        configurable: true,
        value(this: unknown, value: unknown): boolean {
          if (ordinaryHasInstance.call(this, value)) return true;
          return this === testConstructor && ordinaryHasInstance.call(mainConstructor, value);
        },
      });
    }
  }
}
