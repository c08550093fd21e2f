// global-variable: mutable namespace-scope variables (plain, static, anonymous-namespace, inline,
// macro-made, variable templates). thread_local ones belong to ThreadLocalCheck.
#pragma once

#include "model/Check.h"

namespace sa {

class GlobalVariableCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
