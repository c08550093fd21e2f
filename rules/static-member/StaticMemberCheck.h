// static-member: mutable static data members, reported at their definition (the out-of-line
// one when the class only declares it; the template's for class templates).
#pragma once

#include "model/Check.h"

namespace sa {

class StaticMemberCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
