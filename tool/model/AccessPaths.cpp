#include "model/AccessPaths.h"

#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/StringSwitch.h"

#include <functional>

using namespace clang;

namespace sa {

namespace {

/// std container and wrapper calls that reach into the object (their result refers to its
/// contents) or compute a value from it.
std::optional<Step::Kind> containerCallKind(llvm::StringRef Name) {
  return llvm::StringSwitch<std::optional<Step::Kind>>(Name)
      .Cases("at", "find", "front", "back", "begin", "end", Step::Element)
      .Cases("rbegin", "rend", "value", "lower_bound", "upper_bound", "equal_range",
             Step::Element)
      .Cases("top", "data", Step::Element)
      .Cases("size", "empty", "count", "contains", "load", "length", Step::Query)
      .Cases("c_str", "str", "capacity", "max_size", "bucket_count", Step::Query)
      .Default(std::nullopt);
}

} // namespace

const Expr *skipImplicit(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreParens()->IgnoreImplicit();
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = F->getSubExpr();
    if (Next == E)
      break;
    E = Next;
  }
  return E;
}

std::optional<std::string> AccessPaths::holderFor(const VarDecl *VD, const DeclRefExpr *DRE) const {
  if (VD->hasGlobalStorage()) {
    const VarDecl *P = VD;
    if (const VarDecl *Tmpl = VD->getInstantiatedFromStaticDataMember())
      P = Tmpl;
    if (!Ctx.isProjectCode(P->getLocation()))
      return std::nullopt;
    return Ctx.declId(P);
  }
  if (VD->isInitCapture()) {
    const auto *Op = dyn_cast<CXXMethodDecl>(VD->getDeclContext());
    if (Op && Op->getParent()->isLambda() && !Op->isConst())
      return Ctx.closureStateId(Op->getParent(), VD);
    return std::nullopt;
  }
  if (!DRE || !DRE->refersToEnclosingVariableOrCapture() || Scopes.empty() ||
      !Scopes.back().lambda)
    return std::nullopt;
  const LambdaExpr *LE = Scopes.back().lambda;
  for (const LambdaCapture &C : LE->captures()) {
    if (!C.capturesVariable() || C.getCapturedVar() != VD)
      continue;
    if (C.getCaptureKind() == LCK_ByRef) {
      // A reference to one of the project's objects is that object: its fields are judged
      // through it. Any other reference parameter captured by a handler is the holder.
      if (VD->getType()->isReferenceType() &&
          (!isa<ParmVarDecl>(VD) || !Ctx.referenceHoldsData(VD->getType())))
        return std::nullopt;
      return Ctx.declId(VD);
    }
    if (LE->isMutable())
      return Ctx.closureStateId(LE->getLambdaClass(), VD);
    return std::nullopt;
  }
  return std::nullopt;
}

/// The static-storage variable a function returns by reference or pointer, when its body
/// (in this TU) returns one and only one.
const VarDecl *AccessPaths::returnedStatic(const FunctionDecl *FD) const {
  if (!FD)
    return nullptr;
  if (const FunctionDecl *P = FD->getTemplateInstantiationPattern())
    FD = P;
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def) || !Def)
    return nullptr;
  auto [It, Inserted] = ReturnedStatics.try_emplace(Def, nullptr);
  if (!Inserted)
    return It->second;
  const VarDecl *Found = nullptr;
  bool Unique = true;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
      const Expr *V = RS->getRetValue() ? skipImplicit(RS->getRetValue()) : nullptr;
      while (const auto *U = dyn_cast_or_null<UnaryOperator>(V))
        V = U->getOpcode() == UO_AddrOf || U->getOpcode() == UO_Deref
                ? skipImplicit(U->getSubExpr())
                : nullptr;
      const auto *DRE = dyn_cast_or_null<DeclRefExpr>(V);
      const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
      if (VD && VD->hasGlobalStorage() && (!Found || Found == VD))
        Found = VD;
      else
        Unique = false;
      return;
    }
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  Walk(Def->getBody());
  It->second = Unique ? Found : nullptr;
  return It->second;
}

const Chain *AccessPaths::aliasOf(const VarDecl *VD) const {
  for (auto It = Scopes.rbegin(); It != Scopes.rend(); ++It) {
    auto A = It->aliases.find(VD);
    if (A != It->aliases.end())
      return &A->second;
  }
  return nullptr;
}

Chain AccessPaths::chainOf(const Expr *E, unsigned Depth) const {
  Chain C;
  if (!E || Depth > 24)
    return C;
  E = skipImplicit(E);
  C.nodes.push_back(E);
  auto Extend = [&](const Expr *Inner, Step S) {
    Chain I = chainOf(Inner, Depth + 1);
    I.nodes.push_back(E);
    I.rebindable = false;
    if (I.base != Chain::Dead)
      I.steps.push_back(std::move(S));
    return I;
  };
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *B = dyn_cast<BindingDecl>(DRE->getDecl())) {
      if (const auto *Holding = dyn_cast_or_null<VarDecl>(B->getDecomposedDecl()))
        if (const Chain *A = aliasOf(Holding)) {
          Chain R = *A;
          R.nodes.push_back(E);
          R.steps.push_back({Step::Field, nullptr, B->getName().str(), false});
          return R;
        }
      return C;
    }
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD)
      return C;
    if (std::optional<std::string> H = holderFor(VD, DRE)) {
      C.base = Chain::Holder;
      C.holder = *H;
      return C;
    }
    if (const Chain *A = aliasOf(VD)) {
      Chain R = *A;
      R.nodes.push_back(E);
      R.rebindable = !VD->getType()->isReferenceType();
      return R;
    }
    QualType T = VD->getType();
    if (T->isReferenceType() || T->isPointerType() || isSmartPointer(T))
      C.base = Chain::Object;
    return C;
  }
  if (isa<CXXThisExpr>(E)) {
    C.base = Chain::Object;
    C.fromThis = true;
    return C;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const ValueDecl *M = ME->getMemberDecl();
    if (const auto *VD = dyn_cast<VarDecl>(M)) { // a static member named through an object
      if (std::optional<std::string> H = holderFor(VD, nullptr)) {
        C.base = Chain::Holder;
        C.holder = *H;
      }
      return C;
    }
    const auto *FD = dyn_cast<FieldDecl>(M);
    if (!FD)
      return C;
    Chain I = chainOf(ME->getBase(), Depth + 1);
    I.nodes.push_back(E);
    I.rebindable = false;
    if (I.base == Chain::Dead)
      return I;
    if (ME->isArrow())
      I.steps.push_back({Step::Deref, nullptr, "->", false});
    I.steps.push_back({Step::Field, FD, FD->getNameAsString(), false});
    // A reference member to one of the project's objects is not state itself: that object
    // lives elsewhere and its own fields are judged. A reference to a library container is
    // how this object reaches the state: it stays the holder.
    if (FD->getType()->isReferenceType() && !Ctx.referenceHoldsData(FD->getType()))
      I.steps.push_back({Step::Deref, nullptr, "", false});
    return I;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (OC->getNumArgs() == 0)
      return C;
    const Expr *Obj = OC->getArg(0);
    switch (OC->getOperator()) {
    case OO_Subscript:
      return Extend(Obj, {Step::Element, nullptr, "[]",
                          OC->getNumArgs() > 1 && isKey(OC->getArg(1))});
    case OO_Arrow:
    case OO_Star:
      // libstdc++ implements shared_ptr's operator-> in a base: look through the cast.
      if (isSmartPointer(Obj->getType()) || isSmartPointer(skipImplicit(Obj)->getType()))
        return Extend(Obj, {Step::Deref, nullptr, "->", false});
      return Extend(Obj, {Step::Element, nullptr, "", false}); // an iterator's element
    default:
      return C;
    }
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    const Expr *Obj = MC->getImplicitObjectArgument();
    if (!MD || !Obj || !MD->getIdentifier())
      return C;
    if (MD->getName() == "get" &&
        (isSmartPointer(Obj->getType()) || isSmartPointer(skipImplicit(Obj)->getType())))
      return Extend(Obj, {Step::Deref, nullptr, ".get()", false});
    if (Ctx.isProjectRecord(MD->getParent()))
      return C;
    if (std::optional<Step::Kind> K = containerCallKind(MD->getName())) {
      Chain I = chainOf(Obj, Depth + 1);
      I.nodes.push_back(E);
      I.rebindable = false;
      if (I.base == Chain::Dead)
        return I;
      if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()); ME && ME->isArrow())
        I.steps.push_back({Step::Deref, nullptr, "->", false});
      I.steps.push_back({*K, nullptr, "." + MD->getName().str() + "()",
                         MC->getNumArgs() > 0 && isKey(MC->getArg(0))});
      return I;
    }
    return C;
  }
  if (const auto *U = dyn_cast<UnaryOperator>(E)) {
    if (U->getOpcode() == UO_Deref)
      return Extend(U->getSubExpr(), {Step::Deref, nullptr, "*", false});
    if (U->getOpcode() == UO_AddrOf) {
      Chain I = chainOf(U->getSubExpr(), Depth + 1);
      I.nodes.push_back(E);
      return I;
    }
    return C;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return Extend(AS->getBase(), {Step::Element, nullptr, "[]", false});
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    QualType RT = CE->getCallReturnType(Ctx.ast());
    if (!RT->isReferenceType() && !RT->isPointerType())
      return C;
    // A function returning a reference or pointer to a project object (an accessor, a
    // singleton's instance()): fields through it belong to that object.
    if (Ctx.isProjectRecord(heldRecord(RT))) {
      C.base = Chain::Object;
      return C;
    }
    // `std::map<K, V> &registry() { static std::map<K, V> m; return m; }`: writing through
    // the call writes the static.
    if (const VarDecl *Static = returnedStatic(CE->getDirectCallee()))
      if (std::optional<std::string> H = holderFor(Static, nullptr)) {
        C.base = Chain::Holder;
        C.holder = *H;
      }
    return C;
  }
  return C;
}

/// The state a chain reaches, following the attribution rules in the header.
std::optional<Target> AccessPaths::interpret(const Chain &C) const {
  if (C.base == Chain::Dead)
    return std::nullopt;
  Target T;
  bool HaveTarget = false, InContainer = false;
  if (C.base == Chain::Holder) {
    T.id = C.holder;
    HaveTarget = true;
  }
  for (const Step &S : C.steps) {
    switch (S.kind) {
    case Step::Field:
      if (!HaveTarget) {
        if (!S.field)
          return std::nullopt;
        const auto *RD = dyn_cast<CXXRecordDecl>(S.field->getParent());
        if (!Ctx.isProjectRecord(RD))
          return std::nullopt; // a field of a library type: not the project's state
        T.id = Ctx.fieldId(S.field);
        T.throughThis = true;
        T.onThis = C.fromThis;
        HaveTarget = true;
      } else {
        T.path += (llvm::StringRef(T.path).ends_with("->") ? "" : ".") + S.text;
      }
      break;
    case Step::Element:
      if (!HaveTarget)
        return std::nullopt; // contents of a container we do not hold
      T.path += S.text == "[]" ? "[]" : S.text;
      T.sessionKeyed |= S.sessionKey;
      InContainer = true;
      break;
    case Step::Query:
      if (!HaveTarget)
        return std::nullopt;
      T.path += S.text;
      T.sessionKeyed |= S.sessionKey;
      break;
    case Step::Deref:
      if (!HaveTarget)
        break;
      if (InContainer) {
        T.path += "->";
        break;
      }
      // An owning pointer (pimpl, a global pointer to the server): what it points to is
      // the state, and lives as long as the pointer's owner.
      HaveTarget = false;
      T = Target();
      break;
    }
  }
  if (!HaveTarget)
    return std::nullopt;
  return T;
}

} // namespace sa
