// Callables handed to other code: lambdas, functions and member functions named or pointed
// to, std::bind/bind_front of them, functor objects, local variables holding one, and calls
// to factory functions (whose returned callables are looked up when the program is linked).
#pragma once

#include "model/ExtractContext.h"

#include "clang/AST/Type.h"

#include <string>
#include <vector>

namespace clang {
class Expr;
class FunctionDecl;
class StringLiteral;
} // namespace clang

namespace sa {

struct HandedCallable {
  std::string id;         // the function that will run
  std::string thisRecord; // the class of an object bound with it (captured `this`, bind(&C::f, this))
  bool viaReturn = false; // `id` is a factory: what it returns is handed over
};

class CallableFinder {
public:
  explicit CallableFinder(ExtractContext &Ctx) : Ctx(Ctx) {}

  /// The callables an expression hands over. `Enclosing` is the method the expression is
  /// written in (the class of a captured `this`).
  std::vector<HandedCallable> callablesIn(const clang::Expr *E,
                                          const clang::FunctionDecl *Enclosing,
                                          unsigned Depth = 0) const;

  /// Standard-library calls that wrap or forward a callable without running it:
  /// std::function's constructors, bind, move, make_shared, pair, ...
  static bool isCallableWrapper(const clang::FunctionDecl *FD);
  /// The first string literal an argument is built from: a route, a tool's name.
  static const clang::StringLiteral *stringLiteralIn(const clang::Expr *E);
  /// The type of a lambda.
  static bool isClosureType(clang::QualType T);

private:
  ExtractContext &Ctx;
};

} // namespace sa
