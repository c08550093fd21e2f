#include "model/Callables.h"

#include "model/AccessPaths.h"
#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace sa {

bool CallableFinder::isClosureType(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && RD->isLambda();
}

bool CallableFinder::isCallableWrapper(const FunctionDecl *FD) {
  const DeclContext *DC = FD->getDeclContext();
  if (!DC->isStdNamespace() && !(isa<CXXRecordDecl>(DC) && cast<CXXRecordDecl>(DC)->isInStdNamespace()))
    return false;
  llvm::StringRef Name;
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
    Name = Ctor->getParent()->getName();
  else if (FD->getIdentifier())
    Name = FD->getName();
  else if (FD->getOverloadedOperator() == OO_Equal)
    return true; // std::function::operator=
  return llvm::StringSwitch<bool>(Name)
      .Cases("function", "move_only_function", "copyable_function", "function_ref", true)
      .Cases("bind", "bind_front", "bind_back", "mem_fn", "not_fn", true)
      .Cases("ref", "cref", "reference_wrapper", "move", "forward", true)
      .Cases("make_shared", "make_unique", "allocate_shared", "shared_ptr", "unique_ptr", true)
      .Cases("pair", "tuple", "make_pair", "make_tuple", "optional", "make_optional", true)
      .Cases("any", "make_any", "variant", true)
      .Default(false);
}

const StringLiteral *CallableFinder::stringLiteralIn(const Expr *E) {
  E = skipImplicit(E);
  if (const auto *S = dyn_cast<StringLiteral>(E))
    return S;
  if (const auto *C = dyn_cast<CXXConstructExpr>(E); C && C->getNumArgs() >= 1)
    return stringLiteralIn(C->getArg(0));
  return nullptr;
}

std::vector<HandedCallable> CallableFinder::callablesIn(const Expr *E, const FunctionDecl *Enclosing,
                                                        unsigned Depth) const {
  std::vector<HandedCallable> Out;
  if (!E || Depth > 6)
    return Out;
  E = skipImplicit(E);
  if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
    HandedCallable H{Ctx.noteFunction(LE->getCallOperator()), "", false};
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesThis())
        if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Enclosing))
          H.thisRecord = Ctx.recordId(MD->getParent());
    Out.push_back(H);
    return Out;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
      HandedCallable H{Ctx.noteFunction(FD), "", false};
      if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && !MD->isStatic())
        H.thisRecord = Ctx.recordId(MD->getParent());
      if (Ctx.isProjectCode(FD->getLocation()))
        Out.push_back(H);
      return Out;
    }
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->isLocalVarDecl() && VD->getInit() &&
          (isClosureType(VD->getType()) || shapeOf(VD->getType(), Ctx.ast()) == TypeShape::Callable))
        return callablesIn(VD->getInit(), Enclosing, Depth + 1);
    return Out;
  }
  if (isa<CXXConstructExpr>(E) || isa<InitListExpr>(E) || isa<CXXTemporaryObjectExpr>(E)) {
    // A functor: an object of a project class with operator(), however it is built.
    const CXXRecordDecl *RD = E->getType()->getAsCXXRecordDecl();
    if (Ctx.isProjectRecord(RD) && RD->hasDefinition())
      for (const CXXMethodDecl *M : RD->methods())
        if (M->getOverloadedOperator() == OO_Call && M->hasBody())
          Out.push_back({Ctx.noteFunction(M), Ctx.recordId(RD), false});
    if (!Out.empty())
      return Out;
  }
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (FD && Ctx.isProjectCode(FD->getLocation()) && !isa<CXXMethodDecl>(FD))
      Out.push_back({Ctx.noteFunction(FD), "", true});
  }
  for (const Stmt *Child : E->children())
    if (const auto *CE = dyn_cast_or_null<Expr>(Child)) {
      std::vector<HandedCallable> Sub = callablesIn(CE, Enclosing, Depth + 1);
      Out.insert(Out.end(), Sub.begin(), Sub.end());
    }
  // bind(&C::f, this): the member function runs on `this`'s object.
  std::string ThisRecord;
  for (const Stmt *Child : E->children())
    if (const auto *X = dyn_cast_or_null<Expr>(Child))
      if (isa<CXXThisExpr>(skipImplicit(X)))
        if (const CXXRecordDecl *RD = skipImplicit(X)->getType()->getPointeeCXXRecordDecl())
          ThisRecord = Ctx.recordId(RD);
  if (!ThisRecord.empty())
    for (HandedCallable &H : Out)
      if (H.thisRecord.empty())
        H.thisRecord = ThisRecord;
  return Out;
}

} // namespace sa
