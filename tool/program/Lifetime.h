// Which objects outlive a request: the records whose instances are held by static storage, by
// a long-lived local captured into handlers, by the classes of handlers and of the objects that
// register them, and everything such an object owns, its bases and its derived classes.
// A field is server state only when its record is one of these.
#pragma once

#include "program/EntryPoints.h"
#include "program/Phases.h"
#include "program/Program.h"

#include <map>
#include <set>
#include <string>

namespace sa {

/// `Why`, when given, receives for each long-lived record the reason it is: where its objects
/// are held, or the record through which it is reached ("held by r:Server").
std::set<std::string> longLivedRecords(const Program &P, const Reachability &R,
                                       const EntryPointOptions &Options,
                                       std::map<std::string, std::string> *Why = nullptr);

} // namespace sa
