// captured-state: locals captured by reference into lambdas, and the copies mutable lambdas
// keep in their closure (by-copy and init captures). A lambda registered as a handler keeps
// them alive between requests; link decides whether a request writes them.
#pragma once

#include "model/Check.h"

namespace sa {

class CapturedStateCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
