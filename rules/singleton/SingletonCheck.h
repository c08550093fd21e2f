// singleton: instance accessors that return a reference or pointer to static storage of a
// project class (`static Server &instance() { static Server s; return s; }`, `return
// *g_instance;`). The accessor is recorded on its function; link reports it when the class
// has state written while serving, and reports that state as member-state.
#pragma once

#include "model/Check.h"

namespace sa {

class SingletonCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace sa
