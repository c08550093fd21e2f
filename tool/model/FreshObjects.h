// Which object a member call in a function body runs on: the function's own (`this`, a
// member, what a member points to), an object the function has just made and not yet handed
// to anyone, or any other.
//
// Why: a request that builds a per-session server runs its set-up on it before storing it
// (`auto s = factory(); s->setSender(...); s->start(); sessions_[id] = s;`). Those calls write
// fields of an object no other request can reach yet: initialisation, as in a constructor.
// The link follows such calls (and the calls they make on their own object) and treats what
// they write on that object as set while it is built.
//
// An object is fresh at a call when the nearest assignment to the variable before the call
// (its initialiser, or `v = ...` in a block that still encloses the call) made a new object:
// `new T`, `std::make_shared<T>`/`make_unique<T>`, a construction, or a call of a factory (a
// project function that returns only such objects, or a callable named as one: `factory()`,
// `createServer()`). It stops being fresh where a local is handed on: passed, copied, stored,
// returned or captured. A member assigned a new object is fresh in the rest of that block
// (the lazy `if (!server_) { server_ = make(); server_->start(); }`). Source order stands in
// for control flow: straight-line set-up code is what this is for.
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <utility>
#include <vector>

namespace clang {
class ASTContext;
class CXXMemberCallExpr;
class Expr;
class FunctionDecl;
class Stmt;
class ValueDecl;
} // namespace clang

namespace sa {

class FreshObjects {
public:
  /// Analyses the body of `Fn` (lambdas written in it included).
  FreshObjects(clang::ASTContext &Ctx, const clang::FunctionDecl *Fn);

  /// The object `Call` runs on, as far as this body tells.
  Receiver receiverOf(const clang::CXXMemberCallExpr *Call) const;

  /// Whether `E` runs before the body first signals, outside any loop, that it is ready (a
  /// promise's set_value, a condition variable's notify, a latch's count_down), and outside
  /// loops itself: a server thread binding its port and then telling its starter, which waits.
  bool beforeReadySignal(const clang::Expr *E) const;

  /// The variable (a local, or a member of `this`) an object expression names, seen through
  /// parentheses, casts, `->` and `*` of smart pointers and `.get()`; null for anything else.
  /// Sets `OnThis` when the expression is `this` itself or reaches through a member.
  static const clang::ValueDecl *objectVariable(const clang::Expr *E, bool &OnThis);

  /// How many times the body names a variable of static storage or a member: about as many
  /// accesses of state as it has, to make room for them.
  size_t stateReferences() const { return StateReferences; }

private:
  struct Assignment {
    unsigned offset = 0;   // where it happens
    unsigned blockEnd = 0; // end of the innermost block around it
    bool fresh = false;
  };
  struct Uses {
    std::vector<Assignment> assignments; // in source order
    std::vector<unsigned> handedOn;      // where a local leaves the function's hands
  };
  class Builder;

  clang::ASTContext &Ctx;
  std::optional<unsigned> FirstReady; // offset of the first readiness signal outside loops
  std::vector<std::pair<unsigned, unsigned>> Loops; // [begin, end) of every loop
  unsigned FileId = 0; // offsets are in this file; a call elsewhere (a macro's) is not judged
  size_t StateReferences = 0;
  // Most bodies name a handful of locals: kept inline, a body costs no allocation.
  llvm::SmallDenseMap<const clang::ValueDecl *, Uses, 4> Vars;
};

} // namespace sa
