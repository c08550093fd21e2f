// Access paths: which piece of state an lvalue expression reaches, and through what.
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
// Rule-free: what counts as a session key is the session-state rule's, handed in as KeyTest.
#pragma once

#include "model/ExtractContext.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class DeclRefExpr;
class FieldDecl;
class FunctionDecl;
class LambdaExpr;
class Stmt;
class VarDecl;
} // namespace clang

namespace sa {

/// One step from a holder towards the expression that is read or written.
struct Step {
  enum Kind {
    Field,   // .f / ->f
    Element, // [k], at(k), find(k), *iterator, iterator->: the holder's contents
    Deref,   // *p, p->, smart_ptr->, get(): what a pointer points to
    Query,   // size(), empty(), load(): a value computed from the holder
  };
  Kind kind = Field;
  const clang::FieldDecl *field = nullptr;
  std::string text;
  bool sessionKey = false;
};

/// Where an lvalue expression leads: a holder (a global, static or captured variable), an
/// object whose lifetime is not known here (`this`, a reference or pointer parameter), or
/// nothing that is state (a local value, a temporary).
struct Chain {
  enum Base { Dead, Holder, Object } base = Dead;
  std::string holder;
  std::vector<Step> steps;
  std::vector<const clang::Stmt *> nodes; // the expressions the chain was read from
  bool rebindable = false; // names a pointer or iterator alias itself: assigning or
                           // incrementing it moves the alias, it does not write the state
  bool fromThis = false;   // base Object is the function's own object (`this`)
};

struct Target {
  std::string id;
  bool throughThis = false;
  bool onThis = false; // ... and that object is `this`
  bool sessionKeyed = false;
  std::string path;
};

/// The expression under parentheses, implicit casts and functional casts.
const clang::Expr *skipImplicit(const clang::Expr *E);

/// Does this expression hold a key that identifies a session?
using KeyTest = std::function<bool(const clang::Expr *)>;

class AccessPaths {
public:
  AccessPaths(ExtractContext &Ctx, KeyTest IsKey) : Ctx(Ctx), IsKey(std::move(IsKey)) {}

  /// A function body (a lambda's, with its captures) is entered or left.
  void enter(const clang::LambdaExpr *Lambda) {
    Scopes.emplace_back();
    Scopes.back().lambda = Lambda;
  }
  void leave() { Scopes.pop_back(); }
  /// `auto &s = sessions_[id];`: the local names what `C` reaches, until its scope ends.
  void addAlias(const clang::VarDecl *VD, Chain C) { Scopes.back().aliases[VD] = std::move(C); }

  bool isKey(const clang::Expr *E) const { return IsKey && IsKey(E); }

  /// A variable that is state itself: global or static storage in the project, a local of an
  /// enclosing function captured by reference, or the copy a mutable lambda keeps.
  std::optional<std::string> holderFor(const clang::VarDecl *VD,
                                       const clang::DeclRefExpr *DRE) const;
  /// The path from a holder or an object to the expression.
  Chain chainOf(const clang::Expr *E, unsigned Depth = 0) const;
  /// The state a chain reaches.
  std::optional<Target> interpret(const Chain &C) const;

private:
  struct Scope {
    const clang::LambdaExpr *lambda = nullptr;
    llvm::DenseMap<const clang::VarDecl *, Chain> aliases;
  };

  const clang::VarDecl *returnedStatic(const clang::FunctionDecl *FD) const;
  const Chain *aliasOf(const clang::VarDecl *VD) const;

  ExtractContext &Ctx;
  KeyTest IsKey;
  std::vector<Scope> Scopes;
  mutable llvm::DenseMap<const clang::FunctionDecl *, const clang::VarDecl *> ReturnedStatics;
};

} // namespace sa
