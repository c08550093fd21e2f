#include "model/BehaviorVisitor.h"
#include "model/StmtPlaces.h"


namespace sa {

bool BehaviorVisitor::VisitCallExpr(CallExpr *CE) {
  if (CE->containsErrors())
    return true;
  const FunctionDecl *FD = CE->getDirectCallee();
  if (FD)
    callEdge(FD, CE, isVirtualCall(CE, FD) ? CallKind::Virtual : CallKind::Direct);
  // std::make_shared<T>(...) creates a T in library code: the object is the project's.
  if (FD && FD->isInStdNamespace() && FD->getIdentifier() &&
      (FD->getName() == "make_shared" || FD->getName() == "make_unique" ||
       FD->getName() == "allocate_shared"))
    if (const TemplateArgumentList *Args = FD->getTemplateSpecializationArgs();
        Args && Args->size() > 0 && Args->get(0).getKind() == TemplateArgument::Type) {
      const CXXRecordDecl *RD = Args->get(0).getAsType()->getAsCXXRecordDecl();
      noteInstantiated(RD, CE->getBeginLoc());
      // The constructor runs inside the library's make_shared: the call here runs it. Which
      // constructor is not known without the library's body; the link reaches them all.
      if (RD && Ctx.isProjectRecord(RD) && !RD->isLambda())
        if (std::optional<SourceLoc> Loc = Ctx.projectLoc(CE->getBeginLoc())) {
          std::string Id = Ctx.noteRecord(RD);
          if (!Id.empty())
            Ctx.facts().calls.push_back(
                {currentFunction(), constructorsOf(Id), CallKind::Construct, *Loc});
        }
    }
  if (FD && !Ctx.statements().empty())
    databaseStatement(CE, FD);
  unsigned ParamOffset = 0;
  if (isa<CXXOperatorCallExpr>(CE) && FD && isa<CXXMethodDecl>(FD))
    ParamOffset = 1; // the object is argument 0 of a member operator call
  handleArguments(FD, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()),
                  ParamOffset, CE);
  return true;
}

/// Whether a statement's SQL text only queries: `SELECT ...` (or `WITH ... SELECT`, `EXPLAIN`,
/// a `PRAGMA` read) given as a literal.
static bool onlyQueries(llvm::StringRef Sql) {
  Sql = Sql.ltrim();
  for (llvm::StringRef Read : {"select", "explain", "with"})
    if (Sql.starts_with_insensitive(Read))
      return !Sql.contains_insensitive("insert") && !Sql.contains_insensitive("update") &&
             !Sql.contains_insensitive("delete") && !Sql.contains_insensitive("replace");
  return false;
}

void BehaviorVisitor::databaseStatement(const CallExpr *CE, const FunctionDecl *FD) {
  // A function declared in a function (a lambda's call operator) is no library's API; and
  // clang prints every enclosing scope of its name again, which for lambdas nested 2 000
  // deep cost minutes.
  if (FD->getParentFunctionOrMethod())
    return;
  std::string Qualified = FD->getQualifiedNameAsString();
  const StoreStatement *S = nullptr;
  for (const StoreStatement &Candidate : Ctx.statements())
    if (namesFunction(Candidate.function, Qualified)) {
      S = &Candidate;
      break;
    }
  if (!S)
    return;
  const Expr *Handle = nullptr;
  if (S->handleArg < 0) {
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
      Handle = MC->getImplicitObjectArgument();
  } else if (static_cast<unsigned>(S->handleArg) < CE->getNumArgs()) {
    Handle = CE->getArg(S->handleArg);
  }
  if (!Handle)
    return;
  if (S->sqlArg >= 0 && static_cast<unsigned>(S->sqlArg) < CE->getNumArgs())
    if (const StringLiteral *Sql = CallableFinder::stringLiteralIn(CE->getArg(S->sqlArg)))
      if (Sql->getCharByteWidth() == 1 && onlyQueries(Sql->getString()))
        return;
  std::string Ignored;
  for (const FlagTest &T : S->readOnlyWhen)
    if (Ctx.flagTest(CE, T, Ignored).value_or(false))
      return;
  Operation Op = Operation::call(FD->getQualifiedNameAsString());
  Op.callee = S->library;
  record(Paths.chainOf(skipImplicit(Handle)), AccessKind::StoreWrite, CE, Op);
}

bool BehaviorVisitor::VisitCXXConstructExpr(CXXConstructExpr *CE) {
  if (CE->containsErrors())
    return true;
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (Ctor)
    callEdge(Ctor, CE, OnceInits.count(CE) ? CallKind::OnceInit : CallKind::Construct);
  noteInstantiated(CE->getType()->getAsCXXRecordDecl(), CE->getBeginLoc());
  handleArguments(Ctor, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()), 0,
                  CE);
  return true;
}

bool BehaviorVisitor::VisitReturnStmt(ReturnStmt *RS) {
  const Expr *V = RS->getRetValue();
  if (!V || Frames.empty())
    return true;
  FunctionFact *F = Ctx.functionFact(Frames.back().id);
  if (!F)
    return true;
  for (const Handed &H : Callables.callablesIn(V, enclosingMethod()))
    if (!H.viaReturn)
      F->returnedCallables.push_back(H.id);
  return true;
}

void BehaviorVisitor::noteInstantiated(const CXXRecordDecl *RD, SourceLocation At) {
  if (!RD || !Ctx.isProjectRecord(RD) || RD->isLambda())
    return;
  std::string Id = Ctx.noteRecord(RD);
  if (Id.empty())
    return;
  Ctx.facts().creations.push_back({Id, currentFunction(), madeOnce(At)});
  Ctx.facts().instantiated.push_back(std::move(Id));
}

const FieldDecl *BehaviorVisitor::thisField(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  // `p_.get()`, and a smart pointer's `operator bool` in a condition.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    bool Get = MD && MD->getIdentifier() && MD->getName() == "get" && MC->getNumArgs() == 0;
    if (!Get && !isa_and_nonnull<CXXConversionDecl>(MD))
      return nullptr;
    E = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
  }
  const auto *ME = dyn_cast<MemberExpr>(E);
  if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    return nullptr;
  return dyn_cast<FieldDecl>(ME->getMemberDecl());
}

const FieldDecl *BehaviorVisitor::testedEmpty(const Expr *Cond) {
  if (!Cond)
    return nullptr;
  Cond = Cond->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Cond); U && U->getOpcode() == UO_LNot)
    return thisField(U->getSubExpr());
  // `if (is_server_ && !registry_)`: the branch runs only when every operand holds.
  if (const auto *B = dyn_cast<BinaryOperator>(Cond); B && B->getOpcode() == BO_LAnd) {
    if (const FieldDecl *F = testedEmpty(B->getLHS()))
      return F;
    return testedEmpty(B->getRHS());
  }
  auto IsNull = [&](const Expr *E) {
    return E->IgnoreParenImpCasts()->isNullPointerConstant(AST, Expr::NPC_ValueDependentIsNotNull) !=
           Expr::NPCK_NotNull;
  };
  const Expr *L = nullptr, *R = nullptr;
  if (const auto *B = dyn_cast<BinaryOperator>(Cond); B && B->getOpcode() == BO_EQ) {
    L = B->getLHS();
    R = B->getRHS();
  } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Cond);
             OC && OC->getOperator() == OO_EqualEqual && OC->getNumArgs() == 2) {
    L = OC->getArg(0);
    R = OC->getArg(1);
  }
  if (!L || !R)
    return nullptr;
  if (IsNull(R))
    return thisField(L);
  if (IsNull(L))
    return thisField(R);
  return nullptr;
}

void BehaviorVisitor::noteStore(const Expr *Target, const Expr *Value) {
  const FieldDecl *F = thisField(Target);
  if (F && Value && std::find(EmptyFields.begin(), EmptyFields.end(), F) != EmptyFields.end())
    OnceStores.push_back(Value->getSourceRange());
}

bool BehaviorVisitor::madeOnce(SourceLocation At) const {
  const SourceManager &SM = AST.getSourceManager();
  for (const SourceRange &R : OnceStores)
    if (SM.isPointWithin(At, R.getBegin(), R.getEnd()))
      return true;
  return false;
}

bool BehaviorVisitor::isVirtualCall(const CallExpr *CE, const FunctionDecl *FD) const {
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if (!MD || !MD->isVirtual())
    return false;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
    if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()))
      return !ME->hasQualifier(); // Base::f() is a direct call
  return true;
}

void BehaviorVisitor::callEdge(const FunctionDecl *FD, const Expr *At, CallKind Kind) {
  if (!Ctx.isProjectCode(FD->getLocation()) && !Ctx.isProjectCode(FD->getBeginLoc()))
    return;
  // Converting a lambda to a function pointer (for std::signal, atexit, C callbacks) does
  // not run it; whoever receives the pointer does.
  if (const auto *Conv = dyn_cast<CXXConversionDecl>(FD); Conv && Conv->getParent()->isLambda())
    return;
  // A template instantiated for a callable it was given (`wrap(F f) { return [f] { f(); }; }`)
  // calls that callable. Every instantiation shares the template's id, so the edge would lead
  // from one caller's instantiation to every caller's callable; the call site that hands the
  // callable over already says that it runs.
  if (const auto *Op = dyn_cast<CXXMethodDecl>(FD); Op && Op->getParent()->isLambda() &&
      !Frames.empty() && StmtPlaces::inInstantiation(Frames.back().fn)) {
    bool Local = false;
    for (const DeclContext *DC = Op->getParent()->getDeclContext(); DC && !Local; DC = DC->getParent())
      Local = DC == Frames.back().fn;
    if (!Local)
      return;
  }
  std::optional<SourceLoc> Loc = Ctx.projectLoc(At->getBeginLoc());
  if (!Loc)
    return;
  CallEdge E;
  E.caller = currentFunction();
  E.callee = Ctx.noteFunction(FD);
  E.kind = Kind;
  E.loc = *Loc;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(At); MC && !Receivers.empty())
    E.receiver = Receivers.back()->receiverOf(MC);
  Ctx.facts().calls.push_back(std::move(E));
}

bool BehaviorVisitor::isForwardingReference(const FunctionDecl *FD, unsigned Param) {
  // `template <class T> f(T &&)`: a forwarding reference takes whatever it is given, to pass
  // it on (loggers, make_unique, emplace, JSON constructors); it is no promise to change it.
  const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern();
  // The pattern's own template: for a member template of a class template (a JSON type's
  // converting constructor) its parameters sit one level below the class's.
  const FunctionTemplateDecl *Template =
      Pattern ? Pattern->getDescribedFunctionTemplate() : nullptr;
  if (!FD->getPrimaryTemplate() || !Template)
    return false;
  // A parameter pack in the pattern stands for every argument from its position on.
  const ParmVarDecl *P = nullptr;
  for (unsigned I = 0; I < Pattern->getNumParams(); ++I) {
    const ParmVarDecl *Cur = Pattern->getParamDecl(I);
    if (I == Param || (Cur->isParameterPack() && I <= Param)) {
      P = Cur;
      if (I == Param)
        break;
    }
  }
  if (!P)
    return false;
  QualType T = P->getType();
  if (const auto *Pack = T->getAs<PackExpansionType>())
    T = Pack->getPattern();
  const auto *R = T->getAs<RValueReferenceType>();
  if (!R || R->getPointeeType().hasQualifiers())
    return false;
  const auto *Parm = R->getPointeeType()->getAs<TemplateTypeParmType>();
  return Parm && Parm->getDepth() == Template->getTemplateParameters()->getDepth();
}

void BehaviorVisitor::handleArguments(const FunctionDecl *FD, llvm::ArrayRef<const Expr *> Args,
                     unsigned ParamOffset, const Expr *Call) {
  std::string Label;
  for (const Expr *A : Args)
    if (Label.empty())
      if (const StringLiteral *S = CallableFinder::stringLiteralIn(A))
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
      if ((Writable && !isForwardingReference(FD, I - ParamOffset)) || PointerArg) {
        const Expr *X = skipImplicit(A);
        bool AddressTaken = false;
        if (const auto *U = dyn_cast<UnaryOperator>(X); U && U->getOpcode() == UO_AddrOf) {
          Handled.insert(U);
          X = U->getSubExpr();
          AddressTaken = true;
        }
        // Only lvalues can be written through a reference: a temporary (`x.load()`,
        // `m.find(k)` bound to `&&`) is not state. A pointer passed by value lets the callee
        // change what it points to, not the pointer: unless it is the state's own address
        // (`&x`, an array), the state is not written.
        Chain C = Paths.chainOf(X);
        bool IntoContents = !C.steps.empty() && C.steps.back().kind == Step::Element; // buf.data()
        bool ReachesState = PointerArg
                                ? AddressTaken || X->getType()->isArrayType() || IntoContents
                                : A->isGLValue() && !X->isPRValue();
        if (ReachesState)
          record(C, AccessKind::RefArg, A,
                 Operation::argument(PointerArg, FD ? calleeName(FD) : std::string()));
      }
    }
    if (FD && CallableFinder::isCallableWrapper(FD))
      continue; // the call that receives the wrapper sees the callable through it
    if (I < ParamOffset)
      continue; // the object of a member operator call receives the call, it is not handed
                // to it: a lambda called in place (its call edge says so)
    for (const Handed &H : Callables.callablesIn(A, enclosingMethod()))
      addCallable(H, FD ? calleeName(FD) : std::string(),
                  FD ? calleeQualifiedName(FD) : std::string(), Label, false,
                  Call->getBeginLoc());
  }
}

std::string BehaviorVisitor::calleeName(const FunctionDecl *FD) const {
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
    return Ctor->getParent()->getNameAsString();
  if (FD->getIdentifier())
    return FD->getName().str();
  return FD->getNameAsString(); // operator()
}

std::string BehaviorVisitor::calleeQualifiedName(const FunctionDecl *FD) {
  return ExtractContext::withoutTemplateArgs(Ctx.qualifiedName(FD));
}

void BehaviorVisitor::addCallable(const Handed &H, std::string CalleeName, std::string Callee,
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

void BehaviorVisitor::storedCallables(const Expr *LHS, const Expr *RHS, const Expr *At) {
  std::vector<Handed> Found = Callables.callablesIn(RHS, enclosingMethod());
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

} // namespace sa
