#include "extract/BehaviorCollector.h"

#include "extract/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <functional>

using namespace clang;

namespace sa {

namespace {

/// One step from a holder towards the expression that is read or written.
struct Step {
  enum Kind {
    Field,   // .f / ->f
    Element, // [k], at(k), find(k), *iterator, iterator->: the holder's contents
    Deref,   // *p, p->, smart_ptr->, get(): what a pointer points to
    Query,   // size(), empty(), load(): a value computed from the holder
  };
  Kind kind = Field;
  const FieldDecl *field = nullptr;
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
  std::vector<const Stmt *> nodes; // the expressions the chain was read from
  bool rebindable = false; // names a pointer or iterator alias itself: assigning or
                           // incrementing it moves the alias, it does not write the state
};

struct Target {
  std::string id;
  bool throughThis = false;
  bool sessionKeyed = false;
  std::string path;
};

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

/// Library calls that only look: they never change the object even when the non-const
/// overload is chosen (a non-const map's find() is still a lookup).
bool isLookupName(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("find", "count", "contains", "at", "equal_range", "lower_bound", true)
      .Cases("upper_bound", "begin", "end", "cbegin", "cend", "rbegin", "rend", true)
      .Cases("size", "empty", "front", "back", "data", "c_str", "load", true)
      .Cases("length", "str", "top", "value", "has_value", "get", "capacity", true)
      .Cases("max_size", "bucket_count", "key_comp", "value_comp", "hash_function", true)
      .Default(false);
}

bool mentionsSession(llvm::StringRef Name) {
  std::string L = Name.lower();
  llvm::StringRef S(L);
  return S.contains("session") || S == "sid" || S.ends_with("_sid") || S.starts_with("sid_");
}

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

class Visitor : public RecursiveASTVisitor<Visitor> {
public:
  explicit Visitor(ExtractContext &Ctx) : Ctx(Ctx), AST(Ctx.ast()) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  // --- function context ----------------------------------------------------------------

  bool TraverseDecl(Decl *D) {
    auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    bool LambdaBody = FD && isa<CXXMethodDecl>(FD) && cast<CXXMethodDecl>(FD)->getParent()->isLambda();
    if (!FD || !FD->doesThisDeclarationHaveABody() || LambdaBody)
      return RecursiveASTVisitor::TraverseDecl(D);
    if (!Ctx.isProjectCode(FD->getLocation()) || FD->isInvalidDecl())
      return true;
    Frames.push_back(Frame{FD, Ctx.noteFunction(FD), nullptr});
    bool R = RecursiveASTVisitor::TraverseDecl(D);
    Frames.pop_back();
    return R;
  }

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // The lambda's creation does not run it; its body is a function of its own.
    std::string Id = Ctx.noteFunction(LE->getCallOperator());
    Frames.push_back(Frame{LE->getCallOperator(), Id, LE});
    bool R = RecursiveASTVisitor::TraverseLambdaExpr(LE);
    Frames.pop_back();
    return R;
  }

  // Expressions evaluated for their effect only: `++hits;` counts, it does not decide.
  bool VisitCompoundStmt(CompoundStmt *S) {
    for (Stmt *Child : S->body())
      markDiscarded(Child);
    return true;
  }
  bool VisitIfStmt(IfStmt *S) {
    markDiscarded(S->getThen());
    markDiscarded(S->getElse());
    return true;
  }
  bool VisitForStmt(ForStmt *S) {
    markDiscarded(S->getInc());
    markDiscarded(S->getBody());
    return true;
  }
  bool VisitWhileStmt(WhileStmt *S) {
    markDiscarded(S->getBody());
    return true;
  }
  bool VisitDoStmt(DoStmt *S) {
    markDiscarded(S->getBody());
    return true;
  }
  bool VisitSwitchCase(SwitchCase *S) {
    markDiscarded(S->getSubStmt());
    return true;
  }

  // Conditions and returned values decide what a request gets.
  bool TraverseIfStmt(IfStmt *S) {
    if (S->getInit() && !TraverseStmt(S->getInit()))
      return false;
    if (S->getConditionVariableDeclStmt() &&
        !TraverseStmt(S->getConditionVariableDeclStmt()))
      return false;
    WalkUpFromIfStmt(S);
    return traverseDeciding(S->getCond()) && TraverseStmt(S->getThen()) &&
           TraverseStmt(S->getElse());
  }
  bool TraverseWhileStmt(WhileStmt *S) {
    WalkUpFromWhileStmt(S);
    return traverseDeciding(S->getCond()) && TraverseStmt(S->getBody());
  }
  bool TraverseReturnStmt(ReturnStmt *S) {
    WalkUpFromReturnStmt(S);
    return traverseDeciding(S->getRetValue());
  }
  bool TraverseConditionalOperator(ConditionalOperator *S) {
    WalkUpFromConditionalOperator(S);
    return traverseDeciding(S->getCond()) && TraverseStmt(S->getTrueExpr()) &&
           TraverseStmt(S->getFalseExpr());
  }

  // --- writes ----------------------------------------------------------------------------

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp()) {
      record(chainOf(BO->getLHS()),
             BO->getOpcode() == BO_Assign ? AccessKind::Assign : AccessKind::CompoundAssign,
             BO, "");
      storedCallables(BO->getLHS(), BO->getRHS(), BO);
    } else if (BO->isComparisonOp()) {
      limitCheck(BO->getLHS(), BO->getRHS(), BO);
      limitCheck(BO->getRHS(), BO->getLHS(), BO);
    }
    return true;
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp()) {
      record(chainOf(UO->getSubExpr()), AccessKind::IncDec, UO,
             std::string(UO->isPrefix() ? "prefix" : "postfix") +
                 (UO->isIncrementOp() ? "++" : "--"));
    } else if (UO->getOpcode() == UO_AddrOf && !Handled.count(UO)) {
      // The address of a global or static goes somewhere we do not follow.
      Chain C = chainOf(UO->getSubExpr());
      if (C.base == Chain::Holder)
        record(C, AccessKind::Escape, UO, "");
    }
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC) {
    OverloadedOperatorKind Op = OC->getOperator();
    if (OC->getNumArgs() == 0)
      return true;
    const Expr *Object = OC->getArg(0);
    switch (Op) {
    case OO_Equal:
      record(chainOf(Object), AccessKind::Assign, OC, "");
      if (OC->getNumArgs() > 1)
        storedCallables(Object, OC->getArg(1), OC);
      break;
    case OO_PlusEqual: case OO_MinusEqual: case OO_StarEqual: case OO_SlashEqual:
    case OO_PercentEqual: case OO_CaretEqual: case OO_AmpEqual: case OO_PipeEqual:
    case OO_LessLessEqual: case OO_GreaterGreaterEqual:
      record(chainOf(Object), AccessKind::CompoundAssign, OC, "");
      break;
    case OO_PlusPlus: case OO_MinusMinus:
      // The postfix form has a second, int argument.
      record(chainOf(Object), AccessKind::IncDec, OC,
             std::string(OC->getNumArgs() == 1 ? "prefix" : "postfix") +
                 (Op == OO_PlusPlus ? "++" : "--"));
      break;
    case OO_Subscript: {
      if (Handled.count(OC))
        break;
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
      Chain C = chainOf(Object);
      bool KeyIsSession = OC->getNumArgs() > 1 && isSessionKey(OC->getArg(1));
      // A non-const map's operator[] inserts what it does not find.
      bool Inserts = MD && !MD->isConst() && isKeyed(Object->getType());
      record(C, Inserts ? AccessKind::MutatingCall : AccessKind::Lookup, OC, "operator[]",
             KeyIsSession);
      break;
    }
    default: {
      // Any other member operator: rng(), obj(args), *it = ... (handled as a chain).
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
      if (!MD || Handled.count(OC) || Op == OO_Arrow || Op == OO_Star)
        break;
      Chain C = chainOf(Object);
      std::string Name = "operator" + std::string(getOperatorSpelling(Op));
      if (Ctx.isProjectRecord(MD->getParent()))
        record(C, MD->isConst() ? AccessKind::Read : AccessKind::Bind, OC, Name);
      else
        record(C, MD->isConst() ? AccessKind::Read : AccessKind::MutatingCall, OC, Name);
      break;
    }
    }
    return true;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    const Expr *Object = MC->getImplicitObjectArgument();
    if (!MD || !Object || Handled.count(MC))
      return true;
    Chain C = chainOf(Object);
    if (C.base == Chain::Dead)
      return true;
    // p->f(): the call works on what p points to, not on p.
    if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()); ME && ME->isArrow())
      C.steps.push_back({Step::Deref, nullptr, "->", false});
    llvm::StringRef Name = MD->getIdentifier() ? MD->getName() : llvm::StringRef();
    bool Key = MC->getNumArgs() > 0 && isSessionKey(MC->getArg(0));
    if (Ctx.isProjectRecord(MD->getParent())) {
      // The project's own method runs on this object: its writes are seen in its body, as
      // writes through `this`. Here we only learn that the object is used that way.
      if (!MD->isConst() && !MD->isStatic())
        record(C, AccessKind::Bind, MC, Name.str());
      else
        record(C, AccessKind::Read, MC, Name.str());
      return true;
    }
    if (MD->isConst() || isLookupName(Name))
      record(C, isKeyed(Object->getType()) ? AccessKind::Lookup : AccessKind::Read, MC,
             Name.str(), Key);
    else
      record(C, AccessKind::MutatingCall, MC, Name.str(), Key);
    return true;
  }

  // --- calls, arguments, callables ----------------------------------------------------------

  bool VisitCallExpr(CallExpr *CE) {
    if (CE->containsErrors())
      return true;
    const FunctionDecl *FD = CE->getDirectCallee();
    if (FD)
      callEdge(FD, CE, isVirtualCall(CE, FD) ? CallKind::Virtual : CallKind::Direct);
    unsigned ParamOffset = 0;
    if (isa<CXXOperatorCallExpr>(CE) && FD && isa<CXXMethodDecl>(FD))
      ParamOffset = 1; // the object is argument 0 of a member operator call
    handleArguments(FD, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()),
                    ParamOffset, CE);
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (CE->containsErrors())
      return true;
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (Ctor)
      callEdge(Ctor, CE, CallKind::Construct);
    handleArguments(Ctor, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()), 0,
                    CE);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    const Expr *V = RS->getRetValue();
    if (!V || Frames.empty())
      return true;
    FunctionFact *F = Ctx.functionFact(Frames.back().id);
    if (!F)
      return true;
    for (const Handed &H : callablesIn(V))
      if (!H.viaReturn)
        F->returnedCallables.push_back(H.id);
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (Frames.empty() || !VD->isLocalVarDecl() || VD->isStaticLocal() || !VD->getInit())
      return true;
    const Expr *Init = VD->getInit();
    QualType T = VD->getType();
    // References, pointers and iterators initialised from state are that state.
    bool AliasType = (T->isReferenceType() && !T.getNonReferenceType().isConstQualified()) ||
                     (T->isPointerType() && !T->getPointeeType().isConstQualified()) ||
                     isIteratorLike(T);
    if (AliasType) {
      // The initialiser itself is visited as usual (a map's operator[] inserts).
      Chain C = chainOf(Init);
      if (C.base != Chain::Dead)
        Frames.back().aliases[VD] = C;
    }
    // std::function<...> cb = [..]{..}; invoked later through cb().
    if (shapeOf(T, AST) == TypeShape::Callable || isClosureType(T))
      for (const Handed &H : callablesIn(Init))
        addCallable(H, VD->getName().str(), Ctx.qualifiedName(VD), "", /*Stored=*/true,
                    VD->getBeginLoc());
    return true;
  }

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    // for (auto &[id, s] : sessions_) s.x = ...; -- the loop variable aliases the elements.
    const VarDecl *Loop = S->getLoopVariable();
    if (Frames.empty() || !Loop || !S->getRangeInit())
      return true;
    QualType T = Loop->getType();
    if (!T->isReferenceType() || T.getNonReferenceType().isConstQualified())
      return true;
    Chain C = chainOf(S->getRangeInit());
    if (C.base == Chain::Dead)
      return true;
    C.steps.push_back({Step::Element, nullptr, "[]", false});
    Frames.back().aliases[Loop] = C;
    return true;
  }

  // Plain reads of state: what a function depends on.
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (Handled.count(DRE) || Frames.empty())
      return true;
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD || !holderFor(VD, DRE))
      return true;
    record(chainOf(DRE), AccessKind::Read, DRE, "");
    return true;
  }

  bool VisitMemberExpr(MemberExpr *ME) {
    // The outermost member expression of an access is visited first and covers the rest.
    if (Handled.count(ME) || Frames.empty() || !isa<FieldDecl>(ME->getMemberDecl()))
      return true;
    record(chainOf(ME), AccessKind::Read, ME, "");
    return true;
  }

private:
  struct Frame {
    Frame(const FunctionDecl *Fn, std::string Id, const LambdaExpr *Lambda)
        : fn(Fn), id(std::move(Id)), lambda(Lambda) {}
    const FunctionDecl *fn = nullptr;
    std::string id;
    const LambdaExpr *lambda = nullptr;
    llvm::DenseMap<const VarDecl *, Chain> aliases;
  };

  struct Handed {
    std::string id;
    std::string thisRecord;
    bool viaReturn = false;
  };

  std::string currentFunction() const { return Frames.empty() ? std::string() : Frames.back().id; }

  /// Traverses an expression whose value decides what a request gets.
  bool traverseDeciding(Stmt *S) {
    ++Deciding;
    bool R = TraverseStmt(S);
    --Deciding;
    return R;
  }

  void markDiscarded(const Stmt *S) {
    if (const auto *E = dyn_cast_or_null<Expr>(S)) {
      const Expr *X = skipImplicit(E);
      Discarded.insert(X);
      // `(void)f();` and `a, b` discard their operands too.
      if (const auto *C = dyn_cast<CStyleCastExpr>(X))
        Discarded.insert(skipImplicit(C->getSubExpr()));
      if (const auto *B = dyn_cast<BinaryOperator>(X); B && B->getOpcode() == BO_Comma) {
        markDiscarded(B->getLHS());
        markDiscarded(B->getRHS());
      }
    }
  }

  bool isKeyed(QualType T) const {
    return shapeOf(T.getNonReferenceType(), AST) == TypeShape::KeyedContainer;
  }

  static bool isIteratorLike(QualType T) {
    const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
    if (!RD || !RD->getIdentifier())
      return false;
    llvm::StringRef N = RD->getName();
    return N.contains_insensitive("iterator");
  }

  static bool isClosureType(QualType T) {
    const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
    return RD && RD->isLambda();
  }

  bool isVirtualCall(const CallExpr *CE, const FunctionDecl *FD) const {
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (!MD || !MD->isVirtual())
      return false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
      if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()))
        return !ME->hasQualifier(); // Base::f() is a direct call
    return true;
  }

  void callEdge(const FunctionDecl *FD, const Expr *At, CallKind Kind) {
    if (!Ctx.isProjectCode(FD->getLocation()) && !Ctx.isProjectCode(FD->getBeginLoc()))
      return;
    // Converting a lambda to a function pointer (for std::signal, atexit, C callbacks) does
    // not run it; whoever receives the pointer does.
    if (const auto *Conv = dyn_cast<CXXConversionDecl>(FD); Conv && Conv->getParent()->isLambda())
      return;
    std::optional<SourceLoc> Loc = Ctx.projectLoc(At->getBeginLoc());
    if (!Loc)
      return;
    CallEdge E;
    E.caller = currentFunction();
    E.callee = Ctx.noteFunction(FD);
    E.kind = Kind;
    E.loc = *Loc;
    Ctx.facts().calls.push_back(std::move(E));
  }

  /// Arguments bound to non-const references or pointers may be written by the callee;
  /// callables among the arguments are handed to it.
  void handleArguments(const FunctionDecl *FD, llvm::ArrayRef<const Expr *> Args,
                       unsigned ParamOffset, const Expr *Call) {
    std::string Label;
    for (const Expr *A : Args)
      if (Label.empty())
        if (const StringLiteral *S = stringLiteralIn(A))
          Label = S->getString().str();
    for (unsigned I = 0; I < Args.size(); ++I) {
      const Expr *A = Args[I];
      if (!A || isa<CXXDefaultArgExpr>(A))
        continue;
      if (FD && I >= ParamOffset && I - ParamOffset < FD->getNumParams()) {
        QualType P = FD->getParamDecl(I - ParamOffset)->getType();
        bool Writable = (P->isLValueReferenceType() || P->isRValueReferenceType()) &&
                        !P.getNonReferenceType().isConstQualified();
        bool PointerArg = P->isPointerType() && !P->getPointeeType().isConstQualified() &&
                          !P->getPointeeType()->isFunctionType();
        if (Writable || PointerArg) {
          const Expr *X = skipImplicit(A);
          if (const auto *U = dyn_cast<UnaryOperator>(X); U && U->getOpcode() == UO_AddrOf) {
            Handled.insert(U);
            X = U->getSubExpr();
          }
          // Only lvalues can be written through the parameter; temporaries are not state.
          if (!Writable || PointerArg || A->isGLValue())
            record(chainOf(X), AccessKind::RefArg, A,
                   std::string(PointerArg ? "pointer" : "reference") + ":" +
                       (FD ? calleeName(FD) : std::string()));
        }
      }
      if (FD && isCallableWrapper(FD))
        continue; // the call that receives the wrapper sees the callable through it
      for (const Handed &H : callablesIn(A))
        addCallable(H, FD ? calleeName(FD) : std::string(),
                    FD ? calleeQualifiedName(FD) : std::string(), Label, false,
                    Call->getBeginLoc());
    }
  }

  /// Standard-library calls that wrap or forward a callable without running it:
  /// std::function's constructors, bind, move, make_shared, pair, ...
  static bool isCallableWrapper(const FunctionDecl *FD) {
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

  std::string calleeName(const FunctionDecl *FD) const {
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      return Ctor->getParent()->getNameAsString();
    if (FD->getIdentifier())
      return FD->getName().str();
    return FD->getNameAsString(); // operator()
  }

  std::string calleeQualifiedName(const FunctionDecl *FD) {
    return ExtractContext::withoutTemplateArgs(Ctx.qualifiedName(FD));
  }

  void addCallable(const Handed &H, std::string CalleeName, std::string Callee,
                   std::string Label, bool Stored, SourceLocation At) {
    std::optional<SourceLoc> Loc = Ctx.projectLoc(At);
    if (!Loc || H.id.empty())
      return;
    CallableRef R;
    R.holder = currentFunction();
    R.callable = H.id;
    R.callee = std::move(Callee);
    R.calleeName = std::move(CalleeName);
    R.label = std::move(Label);
    R.thisRecord = H.thisRecord;
    R.viaReturn = H.viaReturn;
    R.stored = Stored;
    R.loc = *Loc;
    Ctx.facts().callables.push_back(std::move(R));
  }

  /// `handler_ = [this]{...}`: a callable kept in a field or variable, named by it.
  void storedCallables(const Expr *LHS, const Expr *RHS, const Expr *At) {
    std::vector<Handed> Found = callablesIn(RHS);
    if (Found.empty())
      return;
    const Expr *L = skipImplicit(LHS);
    std::string Name, Qualified;
    if (const auto *ME = dyn_cast<MemberExpr>(L)) {
      Name = ME->getMemberDecl()->getNameAsString();
      Qualified = Ctx.qualifiedName(ME->getMemberDecl());
    } else if (const auto *DRE = dyn_cast<DeclRefExpr>(L)) {
      Name = DRE->getDecl()->getNameAsString();
      Qualified = Ctx.qualifiedName(DRE->getDecl());
    }
    for (const Handed &H : Found)
      addCallable(H, Name, Qualified, "", true, At->getBeginLoc());
  }

  const StringLiteral *stringLiteralIn(const Expr *E) const {
    E = skipImplicit(E);
    if (const auto *S = dyn_cast<StringLiteral>(E))
      return S;
    if (const auto *C = dyn_cast<CXXConstructExpr>(E); C && C->getNumArgs() >= 1)
      return stringLiteralIn(C->getArg(0));
    return nullptr;
  }

  /// The callables an expression hands over: lambdas, functions and member functions named
  /// or pointed to, std::bind/bind_front of them, functor objects, local variables holding
  /// one, and calls to factory functions (whose returned callables link looks up).
  std::vector<Handed> callablesIn(const Expr *E, unsigned Depth = 0) {
    std::vector<Handed> Out;
    if (!E || Depth > 6)
      return Out;
    E = skipImplicit(E);
    if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
      Handed H{Ctx.noteFunction(LE->getCallOperator()), "", false};
      for (const LambdaCapture &C : LE->captures())
        if (C.capturesThis())
          if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(enclosingMethod()))
            H.thisRecord = Ctx.recordId(MD->getParent());
      Out.push_back(H);
      return Out;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        Handed H{Ctx.noteFunction(FD), "", false};
        if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && !MD->isStatic())
          H.thisRecord = Ctx.recordId(MD->getParent());
        if (Ctx.isProjectCode(FD->getLocation()))
          Out.push_back(H);
        return Out;
      }
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        if (VD->isLocalVarDecl() && VD->getInit() &&
            (isClosureType(VD->getType()) || shapeOf(VD->getType(), AST) == TypeShape::Callable))
          return callablesIn(VD->getInit(), Depth + 1);
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
        std::vector<Handed> Sub = callablesIn(CE, Depth + 1);
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
      for (Handed &H : Out)
        if (H.thisRecord.empty())
          H.thisRecord = ThisRecord;
    return Out;
  }

  const FunctionDecl *enclosingMethod() const {
    for (auto It = Frames.rbegin(); It != Frames.rend(); ++It)
      if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(It->fn))
        if (!MD->getParent()->isLambda())
          return MD;
    return nullptr;
  }

  /// Is this expression a session id: a variable or member named like one, or a value read
  /// from the Mcp-Session-Id header?
  bool isSessionKey(const Expr *E, unsigned Depth = 0) const {
    if (!E || Depth > 5)
      return false;
    E = skipImplicit(E);
    // A literal key is the same for every session; only the header's name marks a value
    // read from it.
    if (const auto *S = dyn_cast<StringLiteral>(E))
      return S->getString().contains_insensitive("mcp-session-id");
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (mentionsSession(DRE->getDecl()->getName()))
        return true;
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        if (VD->getInit() && (VD->isLocalVarDecl() || VD->getType().isConstQualified() ||
                              VD->isConstexpr()))
          return isSessionKey(VD->getInit(), Depth + 1);
      return false;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      if (mentionsSession(ME->getMemberDecl()->getName()))
        return true;
    if (const auto *CE = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *FD = CE->getDirectCallee())
        if (FD->getIdentifier() && mentionsSession(FD->getName()))
          return true;
    for (const Stmt *Child : E->children())
      if (isSessionKey(dyn_cast_or_null<Expr>(Child), Depth + 1))
        return true;
    return false;
  }

  /// A variable that is state itself: global or static storage in the project, a local of an
  /// enclosing function captured by reference, or the copy a mutable lambda keeps.
  std::optional<std::string> holderFor(const VarDecl *VD, const DeclRefExpr *DRE) const {
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
    if (!DRE || !DRE->refersToEnclosingVariableOrCapture() || Frames.empty() ||
        !Frames.back().lambda)
      return std::nullopt;
    const LambdaExpr *LE = Frames.back().lambda;
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
  const VarDecl *returnedStatic(const FunctionDecl *FD) const {
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

  const Chain *aliasOf(const VarDecl *VD) const {
    for (auto It = Frames.rbegin(); It != Frames.rend(); ++It) {
      auto A = It->aliases.find(VD);
      if (A != It->aliases.end())
        return &A->second;
    }
    return nullptr;
  }

  Chain chainOf(const Expr *E, unsigned Depth = 0) const {
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
                            OC->getNumArgs() > 1 && isSessionKey(OC->getArg(1))});
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
                           MC->getNumArgs() > 0 && isSessionKey(MC->getArg(0))});
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
      QualType RT = CE->getCallReturnType(AST);
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
  std::optional<Target> interpret(const Chain &C) {
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

  void record(const Chain &C, AccessKind Kind, const Expr *At, std::string Detail,
              bool KeyIsSession = false) {
    std::optional<Target> T = interpret(C);
    if (!T)
      return; // nothing attributed: the parts are visited on their own (an insert inside)
    for (const Stmt *N : C.nodes)
      Handled.insert(N);
    if (C.rebindable && (Kind == AccessKind::Assign || Kind == AccessKind::CompoundAssign ||
                         Kind == AccessKind::IncDec))
      return; // ++it, p = next: the alias moves, the state does not change
    std::optional<SourceLoc> Loc = Ctx.projectRange(At->getSourceRange());
    if (!Loc)
      return;
    if (Loc->endLine != Loc->line) {
      Loc->endLine = Loc->line;
      Loc->endColumn = Loc->column + 1;
    }
    Access A;
    A.target = T->id;
    A.function = currentFunction();
    A.kind = Kind;
    A.detail = T->path;
    if (!Detail.empty())
      A.detail += (A.detail.empty() ? "" : ".") + Detail;
    A.loc = *Loc;
    A.throughThis = T->throughThis;
    A.sessionKeyed = T->sessionKeyed || KeyIsSession;
    A.decides = Deciding > 0 || (isWrite(Kind) && !Discarded.count(skipImplicit(At)));
    Ctx.facts().accesses.push_back(std::move(A));
  }

  /// `sessions_.size() >= kMaxSessions`: state compared with a constant cap.
  void limitCheck(const Expr *Side, const Expr *Other, const Expr *At) {
    if (Other->isValueDependent() || Side->isValueDependent())
      return;
    Expr::EvalResult R;
    if (!Other->EvaluateAsInt(R, AST) || isa<IntegerLiteral>(skipImplicit(Other)))
      return; // a bare literal is a comparison, not a named per-instance cap
    Chain C = chainOf(Side);
    if (C.base == Chain::Dead)
      return;
    CharSourceRange Range = CharSourceRange::getTokenRange(Other->getSourceRange());
    std::string Text = Lexer::getSourceText(Range, AST.getSourceManager(), AST.getLangOpts()).str();
    record(C, AccessKind::LimitCheck, At, "");
    if (!Ctx.facts().accesses.empty() &&
        Ctx.facts().accesses.back().kind == AccessKind::LimitCheck)
      Ctx.facts().accesses.back().detail = Text;
  }

  ExtractContext &Ctx;
  ASTContext &AST;
  std::vector<Frame> Frames;
  llvm::DenseSet<const Stmt *> Handled;   // parts of an access already recorded
  llvm::DenseSet<const Stmt *> Discarded; // expression statements whose value is unused
  mutable llvm::DenseMap<const FunctionDecl *, const VarDecl *> ReturnedStatics;
  unsigned Deciding = 0;
};

} // namespace

void BehaviorCollector::collect(ASTContext &AST) {
  Visitor V(Ctx);
  V.TraverseAST(AST);
}

} // namespace sa
