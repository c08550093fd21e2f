// Who runs when: the call graph over the project's functions, and the sets of functions that
// run while serving requests (reached from an entry point), at start-up (reached from main or
// a namespace-scope initialiser), or as background work started at start-up.
#pragma once

#include "program/EntryPoints.h"
#include "program/Program.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sa {

/// When a function runs, as far as the call graph tells. Precedence, first match wins:
/// request code (reached from an entry point), start-up (main and namespace-scope
/// initialisers), background work started at start-up, then among what none of those reach:
/// construction (constructors and what only they call), teardown (destructors, stop/shutdown/
/// close, signal and exit handlers), configuration (the public set-up API: register*, set*,
/// add*, ...), and otherwise unplaced.
enum class Phase { Request, Background, Unplaced, Construction, Configuration, Teardown, Startup };

const char *toString(Phase);

/// A function that runs per request, and why.
struct EntryPoint {
  std::string function;
  std::string description; // "handler 'remember' (add_tool)", "SummarizeTool::call (overrides ToolHandler::call)"
  SourceLoc loc;           // the registration call, or the overriding method
  std::string holder;      // the function that registers it (empty for an override)
  bool override = false;   // an override of a handler interface, not a registration
};

/// How a function was first reached in a breadth-first walk.
struct Reached {
  std::string from; // the caller; empty for a seed
  SourceLoc at;     // the call site
};

struct Reachability {
  std::vector<EntryPoint> entries;       // sorted by loc
  std::map<std::string, Reached> request;    // reached from an entry point
  std::map<std::string, Reached> startup;    // reached from main / initialisers, not through background work
  std::map<std::string, Reached> background; // background work started on the start-up path
  std::map<std::string, Reached> construction;  // constructors and what only they call
  std::map<std::string, Reached> teardown;      // destructors, stop/shutdown/close, signal handlers
  std::map<std::string, Reached> configuration; // the set-up API no phase calls
  /// Request code that runs only on objects the request itself has just made and not yet
  /// handed on (`auto s = make(); s->start();`), or on such an object's parts: what it does to
  /// its own object is that object being built.
  std::set<std::string> buildsOwnObject;
  bool noEntryPoints = false; // nothing recognised: every function but the start-up path is request code
  std::vector<std::string> patternErrors;

  bool isRequest(const std::string &Fn) const { return request.count(Fn) != 0; }
  bool isStartup(const std::string &Fn) const { return Fn.empty() || startup.count(Fn) != 0; }
  bool isBackground(const std::string &Fn) const { return background.count(Fn) != 0; }
  Phase phaseOf(const std::string &Fn) const;

  /// The functions from an entry point to `Fn` (entry first), when `Fn` is request code.
  std::vector<std::string> requestChain(const std::string &Fn) const;
  std::vector<std::string> startupChain(const std::string &Fn) const;
  std::vector<std::string> backgroundChain(const std::string &Fn) const;
  /// The chain within `Fn`'s phase, from where the phase starts.
  std::vector<std::string> chain(const std::string &Fn, Phase Ph) const;
  const EntryPoint *entryFor(const std::string &Fn) const;
};

Reachability computeReachability(const Program &P, const EntryPointOptions &Options);

} // namespace sa
