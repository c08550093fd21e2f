// static-local: mutable function-local statics, lambdas' included. One finding for a function
// template's static, reported on the template (instantiations are skipped).
#pragma once

#include "model/Check.h"

namespace sa {

class StaticLocalCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
