// The trust zones' import rules (README.md, "Trust zones"), checked by `npm run lint`.
// Only imports are checked here: tsc (strict) does the type checking. The parser is
// Babel's, with its TypeScript syntax: typescript-eslint needs TypeScript's JavaScript
// API, which TypeScript 7 (the compiler this package uses) does not have.
//
// Every rule is core ESLint: no-restricted-imports (static imports and re-exports,
// type-only ones included) and no-restricted-syntax (dynamic import(); chrome.* in shared/).

import babelParser from "@babel/eslint-parser";

/** An import specifier that reaches into a folder of src/ (relative paths: "../background/x"). */
const folder = (name) => `(^|/)${name}(/|$)`;

const WASM = { regex: "^tessera-(core|credentials|protocol)($|/)|\\.wasm$", message: "only the wasm loaders (background/core-loader.ts, background/protocol-loader.ts, background/credentials/core.ts) import the wasm modules" };
const BACKGROUND = { regex: folder("background"), message: "the background is reached by messages and ports (shared/contracts/), never imported" };
const CONTENT = { regex: folder("content"), message: "content scripts run in web pages: nothing imports them" };
const PAGES = { regex: `${folder("popup")}|${folder("options")}|${folder("pin")}|${folder("frames")}|${folder("pages")}`, message: "extension pages' code stays in the pages" };
// Content scripts: contracts, i18n and the pure text helper they use (armor-text), nothing else of shared/.
const SHARED_NOT_FOR_CONTENT = {
  regex: "(^|/)shared/(?!contracts/|i18n$|armor-text$)",
  message: "a content script imports only shared/contracts/*, shared/i18n and shared/armor-text",
};
const DYNAMIC_WASM = {
  selector: "ImportExpression[source.value=/^tessera-(core|credentials|protocol)/]",
  message: "only the wasm loaders (background/core-loader.ts, background/protocol-loader.ts, background/credentials/core.ts) import the wasm modules",
};

// shared/ holds no state and calls no browser API but chrome.i18n (types such as chrome.runtime.Port are fine).
const CHROME_BUT_I18N = {
  selector: "MemberExpression[object.name='chrome'][property.name!='i18n']",
  message: "shared/ calls no browser API but chrome.i18n: the caller hands in what it needs (e.g. a storage area)",
};

const restrict = (...patterns) => ["error", { patterns }];

export default [
  { ignores: ["build/**", "dist/**", "node_modules/**"] },
  {
    files: ["src/**/*.ts", "test/**/*.ts"],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: { babelrc: false, configFile: false, presets: [["@babel/preset-typescript", { onlyRemoveTypeImports: true }]] },
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  // shared/: the bottom layer, pure data and functions; imports nothing of the zones.
  {
    files: ["src/shared/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(WASM, BACKGROUND, CONTENT, PAGES),
      "no-restricted-syntax": ["error", DYNAMIC_WASM, CHROME_BUT_I18N],
    },
  },
  // content/: next to hostile page scripts.
  {
    files: ["src/content/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(WASM, BACKGROUND, PAGES, SHARED_NOT_FOR_CONTENT),
      "no-restricted-syntax": ["error", DYNAMIC_WASM],
    },
  },
  // Extension pages and the frames in web pages: never the background, the core or a content script.
  {
    files: ["src/popup/**/*.ts", "src/options/**/*.ts", "src/pin/**/*.ts", "src/frames/**/*.ts", "src/pages/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(WASM, BACKGROUND, CONTENT),
      "no-restricted-syntax": ["error", DYNAMIC_WASM],
    },
  },
  // background/: everything but the page and content code; the wasm only through its loaders.
  {
    files: ["src/background/**/*.ts"],
    ignores: ["src/background/core-loader.ts", "src/background/protocol-loader.ts", "src/background/credentials/core.ts"],
    rules: {
      "no-restricted-imports": restrict(WASM, CONTENT, PAGES),
      "no-restricted-syntax": ["error", DYNAMIC_WASM],
    },
  },
  {
    files: ["src/background/core-loader.ts", "src/background/protocol-loader.ts", "src/background/credentials/core.ts"],
    rules: { "no-restricted-imports": restrict(CONTENT, PAGES) },
  },
];
