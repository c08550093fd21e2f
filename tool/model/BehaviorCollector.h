// What the project's functions do with state: the writes and reads of every piece of state and
// the function they happen in, call edges, callables handed to other code (handler
// registrations, threads, stored callbacks), and aliases. One traversal of the project's own
// function bodies per TU; link turns these facts into request paths and levels.
//
// Which state an access reaches is model/AccessPaths.h's; which callables are handed over,
// model/Callables.h's.
#pragma once

#include "model/AccessPaths.h"
#include "model/ExtractContext.h"

namespace clang {
class ASTContext;
}

namespace sa {

class BehaviorCollector {
public:
  /// `IsSessionKey` marks the accesses keyed by a session id.
  BehaviorCollector(ExtractContext &Ctx, KeyTest IsSessionKey)
      : Ctx(Ctx), IsSessionKey(std::move(IsSessionKey)) {}

  /// Traverses the AST's traversal scope (the project's top-level declarations).
  void collect(clang::ASTContext &AST);

private:
  ExtractContext &Ctx;
  KeyTest IsSessionKey;
};

} // namespace sa
