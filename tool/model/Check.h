// Base class of the rule checks, in the shape of clang-tidy's: a check registers AST matchers
// in registerMatchers() and turns each match into facts in check(). Checks never decide levels
// or print anything; link does that from the facts of every TU.
#pragma once

#include "model/ExtractContext.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace clang {
class Preprocessor;
}

namespace sa {

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
