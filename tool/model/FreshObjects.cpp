#include "model/FreshObjects.h"

#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"

#include <algorithm>

namespace sa {

using namespace clang;

namespace {

const Expr *strip(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *C = dyn_cast<ExprWithCleanups>(E))
      E = C->getSubExpr();
    else if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr();
    else if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      E = F->getSubExpr();
    else
      break;
  }
  return E;
}

/// `create*`, `make*`, `new*`, `build*` as a name's first word, or a callable named
/// `*factory`: how a factory is called when its body cannot be seen.
bool factoryName(llvm::StringRef Name) {
  // factory_, m_factory, _make: the member-naming conventions are not part of the name.
  Name = Name.trim('_');
  if (Name.starts_with("m_"))
    Name = Name.drop_front(2);
  if (Name.ends_with_insensitive("factory"))
    return true;
  for (llvm::StringRef Prefix : {"create", "make", "new", "build", "spawn"}) {
    if (!Name.starts_with_insensitive(Prefix))
      continue;
    llvm::StringRef Rest = Name.drop_front(Prefix.size());
    // The prefix is a word of its own: createServer, make_session, New, not newline_count.
    if (Rest.empty() || Rest.front() == '_' || isUppercase(Rest.front()))
      return true;
  }
  return false;
}

bool objectType(QualType T) {
  T = T.getNonReferenceType();
  return T->isPointerType() || isSmartPointer(T) || T->getAsCXXRecordDecl();
}

bool isFresh(const Expr *E, unsigned Depth);

/// A project function whose every `return` hands back a new object.
bool returnsOnlyFresh(const FunctionDecl *FD, unsigned Depth) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || !Def || Depth > 2)
    return false;
  bool Any = false, All = true;
  std::vector<const Stmt *> Work{Def->getBody()};
  while (!Work.empty() && All) {
    const Stmt *S = Work.back();
    Work.pop_back();
    if (!S || isa<LambdaExpr>(S))
      continue;
    if (const auto *R = dyn_cast<ReturnStmt>(S)) {
      Any = true;
      All = R->getRetValue() && isFresh(R->getRetValue(), Depth + 1);
      continue;
    }
    for (const Stmt *C : S->children())
      Work.push_back(C);
  }
  return Any && All;
}

/// Does this expression make a new object (or a pointer to one)?
bool isFresh(const Expr *E, unsigned Depth) {
  E = strip(E);
  if (!E)
    return false;
  if (isa<CXXNewExpr>(E))
    return true;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    // An object constructed by value is a new one, copies included; a smart pointer is new
    // only when what it is made from is (a default one is null, a copy shares its object).
    if (isSmartPointer(CE->getType()))
      return CE->getNumArgs() >= 1 && isFresh(CE->getArg(0), Depth);
    return true;
  }
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call || !objectType(Call->getType()))
    return false;
  const FunctionDecl *FD = Call->getDirectCallee();
  if (FD && FD->isInStdNamespace() && FD->getIdentifier() &&
      (FD->getName() == "make_shared" || FD->getName() == "make_unique" ||
       FD->getName() == "allocate_shared"))
    return true;
  if (FD && FD->isInStdNamespace())
    return false; // std::move(x), a container's front(): the object they name is not new
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call)) {
    // factory_() on a std::function: the callable's name is all there is to go by.
    if (Op->getOperator() != OO_Call || Op->getNumArgs() == 0)
      return false;
    bool OnThis = false;
    const ValueDecl *Callee = FreshObjects::objectVariable(Op->getArg(0), OnThis);
    return Callee && Callee->getIdentifier() && factoryName(Callee->getName());
  }
  if (!FD || Call->getCallReturnType(FD->getASTContext())->isReferenceType())
    return false;
  if (returnsOnlyFresh(FD, Depth))
    return true;
  const FunctionDecl *Def = nullptr;
  return !FD->hasBody(Def) && FD->getIdentifier() && factoryName(FD->getName());
}

} // namespace

const ValueDecl *FreshObjects::objectVariable(const Expr *E, bool &OnThis) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = strip(E);
    if (isa<CXXThisExpr>(E)) {
      OnThis = true;
      return nullptr;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      return VD && VD->hasLocalStorage() ? VD : nullptr;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!FD)
        return nullptr;
      const Expr *Base = strip(ME->getBase());
      if (isa<CXXThisExpr>(Base)) {
        OnThis = true;
        return FD;
      }
      bool BaseOnThis = false;
      objectVariable(Base, BaseOnThis);
      OnThis = BaseOnThis; // a member of a member: the object is still this one's
      return nullptr;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if ((Op->getOperator() != OO_Arrow && Op->getOperator() != OO_Star) || Op->getNumArgs() != 1)
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      const Expr *Obj = MC->getImplicitObjectArgument();
      if (!MD || !MD->getIdentifier() || MD->getName() != "get" || !Obj ||
          !isSmartPointer(Obj->getType()))
        return nullptr;
      E = Obj;
      continue;
    }
    if (const auto *U = dyn_cast<UnaryOperator>(E); U && U->getOpcode() == UO_Deref) {
      E = U->getSubExpr();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

class FreshObjects::Builder : public RecursiveASTVisitor<Builder> {
public:
  Builder(FreshObjects &Out) : Out(Out), SM(Out.Ctx.getSourceManager()) {}

  bool shouldVisitLambdaBody() const { return true; }

  bool TraverseCompoundStmt(CompoundStmt *S) {
    Blocks.push_back(offset(S->getRBracLoc()).value_or(~0u));
    bool R = RecursiveASTVisitor::TraverseCompoundStmt(S);
    Blocks.pop_back();
    return R;
  }

  // An object assigned in a branch of an `if` is fresh only there: after the `if`, the other
  // branch may have run (`if (!store_) store_ = make(); store_->put(k);` puts into whichever
  // store there is).
  bool TraverseIfStmt(IfStmt *S) {
    WalkUpFromIfStmt(S);
    if (S->getInit() && !TraverseStmt(S->getInit()))
      return false;
    if (S->getConditionVariableDeclStmt() && !TraverseStmt(S->getConditionVariableDeclStmt()))
      return false;
    return TraverseStmt(S->getCond()) && branch(S->getThen()) && branch(S->getElse());
  }
  bool branch(Stmt *B) {
    if (!B)
      return true;
    std::optional<unsigned> End = offset(B->getEndLoc());
    Blocks.push_back(End ? *End + 1 : ~0u);
    bool R = TraverseStmt(B);
    Blocks.pop_back();
    return R;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->hasLocalStorage() || isa<ParmVarDecl>(VD) || !VD->getInit() ||
        !objectType(VD->getType()))
      return true;
    assigned(VD, VD->getLocation(), isFresh(VD->getInit(), 0));
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign) {
      assignment(BO->getLHS(), BO->getRHS(), BO->getOperatorLoc());
    } else if (BO->isEqualityOp()) {
      quiet(BO->getLHS());
      quiet(BO->getRHS());
    }
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Op) {
    if (Op->getNumArgs() == 2 && Op->getOperator() == OO_Equal)
      assignment(Op->getArg(0), Op->getArg(1), Op->getOperatorLoc());
    else if (Op->getNumArgs() == 2 &&
             (Op->getOperator() == OO_EqualEqual || Op->getOperator() == OO_ExclaimEqual)) {
      quiet(Op->getArg(0));
      quiet(Op->getArg(1));
    } else if (Op->getNumArgs() >= 1 && Op->getOperator() == OO_Arrow) {
      quiet(Op->getArg(0));
    }
    return true;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    quiet(MC->getImplicitObjectArgument()); // running a method on it keeps it here
    if (LoopDepth == 0 && readySignal(MC))
      if (std::optional<unsigned> Off = offset(MC->getExprLoc()); Off && (!Out.FirstReady || *Off < *Out.FirstReady))
        Out.FirstReady = *Off;
    return true;
  }

  // Loops: their bodies run many times, so what they write or signal is no one-off set-up.
  bool TraverseForStmt(ForStmt *S) { return loop(S, [&] { return RecursiveASTVisitor::TraverseForStmt(S); }); }
  bool TraverseWhileStmt(WhileStmt *S) { return loop(S, [&] { return RecursiveASTVisitor::TraverseWhileStmt(S); }); }
  bool TraverseDoStmt(DoStmt *S) { return loop(S, [&] { return RecursiveASTVisitor::TraverseDoStmt(S); }); }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt *S) {
    return loop(S, [&] { return RecursiveASTVisitor::TraverseCXXForRangeStmt(S); });
  }

  bool VisitMemberExpr(MemberExpr *ME) {
    if (isa<FieldDecl>(ME->getMemberDecl()) || isa<VarDecl>(ME->getMemberDecl()))
      ++Out.StateReferences;
    if (isa<FieldDecl>(ME->getMemberDecl()))
      quiet(ME->getBase()); // its fields are read or set here
    return true;
  }

  bool VisitImplicitCastExpr(ImplicitCastExpr *IC) {
    if (IC->getCastKind() == CK_PointerToBoolean)
      quiet(IC->getSubExpr()); // `if (server)`
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
          handedOn(VD, LE->getBeginLoc());
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (VD && !VD->hasLocalStorage())
      ++Out.StateReferences;
    if (!VD || !VD->hasLocalStorage() || Quiet.count(DRE))
      return true;
    handedOn(VD, DRE->getLocation());
    return true;
  }

private:
  template <typename Fn> bool loop(Stmt *S, Fn Traverse) {
    std::optional<unsigned> B = offset(S->getBeginLoc()), E = offset(S->getEndLoc());
    if (B && E)
      Out.Loops.push_back({*B, *E + 1});
    ++LoopDepth;
    bool R = Traverse();
    --LoopDepth;
    return R;
  }

  /// promise::set_value, condition_variable::notify_*, latch::count_down, barrier::arrive*.
  static bool readySignal(const CXXMemberCallExpr *MC) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (!MD || !MD->getIdentifier() || !MD->getParent()->isInStdNamespace() ||
        !MD->getParent()->getIdentifier())
      return false;
    llvm::StringRef Class = MD->getParent()->getName(), Method = MD->getName();
    if (Class == "promise")
      return Method == "set_value" || Method == "set_value_at_thread_exit";
    if (Class == "condition_variable" || Class == "condition_variable_any")
      return Method == "notify_one" || Method == "notify_all";
    if (Class == "latch")
      return Method == "count_down" || Method == "arrive_and_wait";
    if (Class == "barrier")
      return Method.starts_with("arrive");
    return false;
  }

  std::optional<unsigned> offset(SourceLocation L) const {
    if (L.isInvalid())
      return std::nullopt;
    auto [File, Offset] = SM.getDecomposedExpansionLoc(L);
    if (File.getHashValue() != Out.FileId)
      return std::nullopt;
    return Offset;
  }

  /// A use of a variable that does not hand the object on.
  void quiet(const Expr *E) {
    E = E ? strip(E) : nullptr;
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      Quiet.insert(DRE);
  }

  void assigned(const ValueDecl *V, SourceLocation At, bool Fresh) {
    std::optional<unsigned> Off = offset(At);
    if (!Off || Blocks.empty())
      return;
    Out.Vars[V].assignments.push_back({*Off, Blocks.back(), Fresh});
  }

  void assignment(const Expr *LHS, const Expr *RHS, SourceLocation At) {
    const Expr *L = strip(LHS);
    const ValueDecl *V = nullptr;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(L)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (VD && VD->hasLocalStorage())
        V = VD;
      Quiet.insert(DRE); // assigning to it hands nothing on
    } else if (const auto *ME = dyn_cast<MemberExpr>(L); ME && isa<CXXThisExpr>(strip(ME->getBase()))) {
      V = dyn_cast<FieldDecl>(ME->getMemberDecl());
    }
    if (V && objectType(V->getType()))
      assigned(V, At, isFresh(RHS, 0));
  }

  void handedOn(const VarDecl *VD, SourceLocation At) {
    if (std::optional<unsigned> Off = offset(At))
      Out.Vars[VD].handedOn.push_back(*Off);
  }

  FreshObjects &Out;
  const SourceManager &SM;
  std::vector<unsigned> Blocks; // end offsets of the blocks around the current statement
  unsigned LoopDepth = 0;
  llvm::SmallDenseSet<const DeclRefExpr *, 8> Quiet;
};

FreshObjects::FreshObjects(ASTContext &C, const FunctionDecl *Fn) : Ctx(C) {
  const Stmt *Body = Fn ? Fn->getBody() : nullptr;
  if (!Body)
    return;
  FileId = Ctx.getSourceManager().getDecomposedExpansionLoc(Body->getBeginLoc()).first.getHashValue();
  Builder B(*this);
  B.TraverseStmt(const_cast<Stmt *>(Body));
  for (auto &[V, U] : Vars) {
    std::stable_sort(U.assignments.begin(), U.assignments.end(),
                     [](const Assignment &A, const Assignment &B) { return A.offset < B.offset; });
    std::sort(U.handedOn.begin(), U.handedOn.end());
  }
}

bool FreshObjects::beforeReadySignal(const Expr *E) const {
  if (!FirstReady || !E)
    return false;
  auto [File, At] = Ctx.getSourceManager().getDecomposedExpansionLoc(E->getExprLoc());
  if (File.getHashValue() != FileId || At >= *FirstReady)
    return false;
  for (const auto &[Begin, End] : Loops)
    if (At >= Begin && At < End)
      return false;
  return true;
}

Receiver FreshObjects::receiverOf(const CXXMemberCallExpr *Call) const {
  bool OnThis = false;
  const ValueDecl *V = objectVariable(Call->getImplicitObjectArgument(), OnThis);
  Receiver Plain = OnThis ? Receiver::This : Receiver::Other;
  auto It = V ? Vars.find(V) : Vars.end();
  if (It == Vars.end())
    return Plain;
  auto [File, At] = Ctx.getSourceManager().getDecomposedExpansionLoc(Call->getExprLoc());
  if (File.getHashValue() != FileId)
    return Plain;
  const Uses &U = It->second;
  // The nearest assignment before the call whose block still encloses it.
  for (auto A = U.assignments.rbegin(); A != U.assignments.rend(); ++A) {
    if (A->offset >= At || At >= A->blockEnd)
      continue;
    if (!A->fresh)
      return Plain;
    if (!isa<FieldDecl>(V))
      for (unsigned H : U.handedOn)
        if (H > A->offset && H < At)
          return Plain; // stored or passed somewhere before this call: others may reach it
    return Receiver::Fresh;
  }
  return Plain;
}

} // namespace sa
