// Where the statements the checks ask about sit: the function around each call, construction
// and return, and the variable a call or construction initialises. One traversal of the TU's
// traversal scope builds it, keeping an entry for those statements only.
//
// Why not the AST matchers' hasParent / hasAncestor / forFunction: their first use builds the
// ASTContext's parent map over every node of the traversal scope, and a node with two parents
// (each element of an initializer list: its syntactic and semantic forms) costs a hash set of
// about 2.5 KB there. A generated `const unsigned char blob[] = {0x01, ...}` of 1 MB made the
// parent map 450 MB, five times clang's whole parse (bench/memory.py).
#pragma once

#include "llvm/ADT/DenseMap.h"

namespace clang {
class ASTContext;
class Decl;
class Expr;
class FunctionDecl;
class Stmt;
class VarDecl;
} // namespace clang

namespace sa {

class StmtPlaces {
public:
  /// Indexes the declarations of `Ctx`'s traversal scope (as the matchers traverse them:
  /// template instantiations and implicit code included).
  explicit StmtPlaces(clang::ASTContext &Ctx);

  /// The innermost function whose body, parameters or initializers contain `S` (a lambda's
  /// call operator inside a lambda), as AST matchers' forFunction finds it; null outside
  /// functions or for a statement that is not a call, construction or return.
  const clang::FunctionDecl *function(const clang::Stmt *S) const;
  /// The variable whose initializer is `E` (a call or a construction); with ThroughCleanups
  /// also the one whose initializer is `E` with its temporaries' destruction around it.
  const clang::VarDecl *initialised(const clang::Expr *E, bool ThroughCleanups) const;

  /// True when `D` is, or lies inside, a class or function instantiated from a template: the
  /// matchers' isInstantiated(), read off the lexical declaration contexts.
  static bool inInstantiation(const clang::Decl *D);

private:
  struct Place {
    const clang::FunctionDecl *Function = nullptr;
    const clang::VarDecl *Var = nullptr;        // init is the statement itself
    const clang::VarDecl *CleanupsVar = nullptr; // init is ExprWithCleanups(statement)
  };
  class Builder;
  llvm::DenseMap<const clang::Stmt *, Place> Places;
};

} // namespace sa
