// What the project's functions do with state: the writes and reads of every piece of state and
// the function they happen in, call edges, callables handed to other code (handler
// registrations, threads, stored callbacks), and aliases. One traversal of the project's own
// function bodies per TU; link turns these facts into request paths and levels.
//
// An access is attributed to the outermost holder of the state it touches:
//   g_sessions[id].hits++        -> g_sessions            (a global holder)
//   this->sessions_[id].x = 1    -> Server::sessions_     (first field from `this`)
//   impl_->results.emplace(...)  -> Server::Impl::results (an owning pointer is crossed: the
//                                   pointee's field is the state, the pointee lives as long
//                                   as its owner)
//   sessions_[id]->x = 1         -> Server::sessions_     (objects owned by a container are
//                                   its contents)
//   auto &s = sessions_[id]; s.x -> Server::sessions_     (references, pointers and iterators
//                                   initialised from state are aliases of it)
#pragma once

#include "extract/ExtractContext.h"

namespace clang {
class ASTContext;
}

namespace sa {

class BehaviorCollector {
public:
  explicit BehaviorCollector(ExtractContext &Ctx) : Ctx(Ctx) {}

  /// Traverses the AST's traversal scope (the project's top-level declarations).
  void collect(clang::ASTContext &AST);

private:
  ExtractContext &Ctx;
};

} // namespace sa
