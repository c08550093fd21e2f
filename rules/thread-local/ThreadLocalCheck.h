// thread-local: mutable thread_local / __thread variables, at any scope.
#pragma once

#include "model/Check.h"

namespace sa {

class ThreadLocalCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
