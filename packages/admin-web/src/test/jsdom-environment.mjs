// The jsdom environment for component tests, loading this package's jsdom (27, which supports
// Node 20). Vitest's built-in 'jsdom' environment imports jsdom from vitest's own location, where
// pnpm auto-installed the newest jsdom as vitest's peer; that one needs Node 22. Adding
// `"jsdom": "27.4.0"` to the root package.json's devDependencies would let this file go and
// `environment: 'jsdom'` be used instead.
import { JSDOM } from 'jsdom';
import { populateGlobal } from 'vitest/runtime';

/** @type {import('vitest/runtime').Environment} */
export default {
  name: 'jsdom',
  viteEnvironment: 'client',
  async setup(global) {
    const dom = new JSDOM('<!DOCTYPE html>', {
      url: 'http://localhost:3000/',
      pretendToBeVisual: true,
    });
    // Node's fetch, Request, Response, Headers and AbortSignal stay: the code under test uses them.
    const { keys, originals } = populateGlobal(global, dom.window, { bindFunctions: true });
    return {
      teardown(global) {
        dom.window.close();
        for (const key of keys) delete global[key];
        for (const [key, value] of originals) global[key] = value;
      },
    };
  },
};
