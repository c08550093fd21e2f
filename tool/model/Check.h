// Base class of the rule checks, in the shape of clang-tidy's: a check registers AST matchers
// in registerMatchers() and turns each match into facts in check(). Checks never decide levels
// or print anything; link does that from the facts of every TU.
#pragma once

#include "model/ExtractContext.h"
#include "model/StmtPlaces.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchersMacros.h"

namespace clang {
class Preprocessor;
}

namespace sa {

// Checks use no matcher that asks for parents (hasParent, hasAncestor, forFunction,
// isInstantiated): the first such question indexes every node of the TU in the ASTContext's
// parent map, at about 2.5 KB per element of an initializer list (see model/StmtPlaces.h).
// These three answer what the checks ask without it.

/// A class or function instantiated from a template, or a declaration inside one:
/// isInstantiated(), read off the declaration contexts.
AST_MATCHER(clang::Decl, inTemplateInstantiation) { return StmtPlaces::inInstantiation(&Node); }

/// forFunction(Inner) for a call, construction or return statement.
AST_MATCHER_P2(clang::Stmt, inFunction, ExtractContext *, Ctx,
               clang::ast_matchers::internal::Matcher<clang::FunctionDecl>, Inner) {
  const clang::FunctionDecl *F = Ctx->functionOf(&Node);
  return F && Inner.matches(*F, Finder, Builder);
}

/// hasParent(varDecl(Inner)) for a call or construction that is a variable's initializer.
AST_MATCHER_P2(clang::Expr, initialises, ExtractContext *, Ctx,
               clang::ast_matchers::internal::Matcher<clang::VarDecl>, Inner) {
  const clang::VarDecl *V = Ctx->initialisedVar(&Node);
  return V && Inner.matches(*V, Finder, Builder);
}

/// initialises(Inner), or hasParent(exprWithCleanups(hasParent(varDecl(Inner)))).
AST_MATCHER_P2(clang::Expr, initialisesThroughCleanups, ExtractContext *, Ctx,
               clang::ast_matchers::internal::Matcher<clang::VarDecl>, Inner) {
  const clang::VarDecl *V = Ctx->initialisedVar(&Node, /*ThroughCleanups=*/true);
  return V && Inner.matches(*V, Finder, Builder);
}

class Check : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  explicit Check(ExtractContext &Ctx) : Ctx(Ctx) {}

  virtual void registerMatchers(clang::ast_matchers::MatchFinder &Finder) = 0;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &Result) final { check(Result); }
  virtual void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) = 0;
  /// Preprocessor hooks (macros, comments), registered before parsing starts.
  virtual void registerPPCallbacks(clang::Preprocessor &PP) {}
  /// Called once the whole TU was matched.
  virtual void onEndOfTranslationUnit() {}

protected:
  ExtractContext &Ctx;
};

} // namespace sa
