// Which objects outlive a request: the records whose instances are held by static storage, by
// a long-lived local captured into handlers, by the classes of handlers and of the objects that
// register them, and everything such an object owns, its bases and its derived classes.
// A field is server state only when its record is one of these.
#pragma once

#include "program/EntryPoints.h"
#include "program/Phases.h"
#include "program/Program.h"

#include <set>
#include <string>

namespace sa {

std::set<std::string> longLivedRecords(const Program &P, const Reachability &R,
                                       const EntryPointOptions &Options);

} // namespace sa
