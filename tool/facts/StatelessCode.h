// Code that cannot matter to any rule: functions that touch no state and call nothing that
// does. Most of a TU's call edges are among such functions (accessors, helpers, formatting,
// the project's own containers and utilities), and every TU that includes a header repeats
// them. Summarising them as "does nothing" before the facts are stored keeps the cache and
// the link to the code that can reach state.
#pragma once

#include "facts/Facts.h"

#include <set>
#include <string>

namespace sa {

/// Drops the call edges of the TU's stateless functions, and the edges into them.
///
/// A function is stateless when this TU saw its body (`Defined`), it accesses no state, opens
/// no file, makes no pool or project object, hands over or is no callable, returns no callable
/// or static, owns no static or captured local, is no virtual method, override, lambda or
/// main, and every function it calls is itself stateless. Its own fact stays (a configured
/// entry point may name it), so only reachability through it is summarised, and nothing
/// stateless reaches state: what any rule reads of the program is unchanged.
///
/// Judged on this TU alone: a function whose body another TU sees differently (a macro
/// variant, a template's other instantiations) keeps its edges there, and the link takes the
/// union. Returns the number of edges dropped.
size_t dropStatelessCalls(TUFacts &Facts, const std::set<std::string> &Defined);

} // namespace sa
