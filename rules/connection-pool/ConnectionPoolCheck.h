// connection-pool: downstream connection pools the program opens, with their per-instance size
// when it can be read (a constant, or the expression that sizes it). Every instance opens its
// own pool, so the downstream service sees max_instances x pool_size connections; link checks
// that against the configured budget.
#pragma once

#include "model/Check.h"

namespace sa {

class ConnectionPoolCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
