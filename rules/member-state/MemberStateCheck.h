// member-state: the mutable fields of the project's classes, and the classes themselves (bases,
// the classes their fields own, their field names). Whether a field is state depends on the
// lifetime of the objects that hold it and on where it is written; link decides from these
// facts and the behaviour facts.
#pragma once

#include "model/Check.h"

namespace sa {

class MemberStateCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
