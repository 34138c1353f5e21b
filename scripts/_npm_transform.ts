/**
 * Rewrites module specifiers in emitted JavaScript and declaration files: the part of dnt's job
 * that makes Deno-style imports (`./x.ts`) loadable by Node (`./x.js`).
 *
 * @module
 */

import ts from "typescript";

/**
 * Maps one module specifier, as written in `fromFile`, to its replacement; `undefined` keeps it.
 */
export type SpecifierMap = (specifier: string, fromFile: string) => string | undefined;

/** `./a/b.ts` → `./a/b.js` (also `.mts`/`.tsx`); other specifiers are kept. */
export const relativeTsToJs: SpecifierMap = (specifier) => {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const m = /\.(ts|mts|tsx)$/.exec(specifier);
  if (m === null) return undefined;
  return specifier.slice(0, -m[0].length) + (m[1] === "mts" ? ".mjs" : ".js");
};

/**
 * A transformer that applies `map` to every static import and export, every `import("...")`
 * with a literal argument, and every `import("...")` type (in declarations).
 *
 * Run it in the `after` phase for JavaScript, so TypeScript has already elided type-only
 * imports, and in `afterDeclarations` for `.d.ts` files.
 */
export function rewriteSpecifiers(map: SpecifierMap): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => {
    const { factory } = context;
    const replacement = (literal: ts.Expression | undefined): ts.StringLiteral | undefined => {
      if (literal === undefined || !ts.isStringLiteral(literal)) return undefined;
      const to = map(literal.text, file.fileName);
      return to === undefined ? undefined : factory.createStringLiteral(to);
    };
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node)) {
        const to = replacement(node.moduleSpecifier);
        if (to !== undefined) {
          return factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            to,
            node.attributes,
          );
        }
        return node;
      }
      if (ts.isExportDeclaration(node)) {
        const to = replacement(node.moduleSpecifier);
        if (to !== undefined) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            to,
            node.attributes,
          );
        }
        return node;
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const to = replacement(node.arguments[0]);
        if (to !== undefined) {
          return factory.updateCallExpression(node, node.expression, node.typeArguments, [
            to,
            ...node.arguments.slice(1),
          ]);
        }
      }
      if (
        ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)
      ) {
        const to = replacement(node.argument.literal);
        if (to !== undefined) {
          return factory.updateImportTypeNode(
            node,
            factory.updateLiteralTypeNode(node.argument, to),
            node.attributes,
            node.qualifier,
            node.typeArguments?.map((t) => ts.visitNode(t, visit, ts.isTypeNode)),
            node.isTypeOf,
          );
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(file, visit, ts.isSourceFile);
  };
}

/** Adapts a source-file transformer for `afterDeclarations`, which may also see bundles. */
export function forDeclarations(
  factory: ts.TransformerFactory<ts.SourceFile>,
): ts.TransformerFactory<ts.SourceFile | ts.Bundle> {
  return (context) => {
    const transform = factory(context);
    return (node) => ts.isSourceFile(node) ? transform(node) : node;
  };
}
