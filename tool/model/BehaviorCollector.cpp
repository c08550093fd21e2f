#include "model/BehaviorCollector.h"

#include "model/BehaviorVisitor.h"

namespace sa {

bool BehaviorVisitor::TraverseDecl(Decl *D) {
  auto *FD = dyn_cast_or_null<FunctionDecl>(D);
  bool LambdaBody = FD && isa<CXXMethodDecl>(FD) && cast<CXXMethodDecl>(FD)->getParent()->isLambda();
  if (!FD || !FD->doesThisDeclarationHaveABody() || LambdaBody)
    return RecursiveASTVisitor::TraverseDecl(D);
  if (!Ctx.isProjectCode(FD->getLocation()) || FD->isInvalidDecl())
    return true;
  Frames.push_back(Frame{FD, Ctx.noteFunction(FD), nullptr});
  Ctx.noteDefinition(Frames.back().id);
  Receivers.push_back(std::make_unique<FreshObjects>(AST, FD));
  // A body naming state 300 000 times (`a = a = ... = a`) gets room for its accesses at once.
  Ctx.makeRoom(0, Receivers.back()->stateReferences());
  Paths.enter(nullptr);
  bool R = RecursiveASTVisitor::TraverseDecl(D);
  Paths.leave();
  Receivers.pop_back();
  Frames.pop_back();
  return R;
}

bool BehaviorVisitor::TraverseLambdaExpr(LambdaExpr *LE) {
  // The lambda's creation does not run it; its body is a function of its own.
  std::string Id = Ctx.noteFunction(LE->getCallOperator());
  Frames.push_back(Frame{LE->getCallOperator(), Id, LE});
  Paths.enter(LE);
  bool R = RecursiveASTVisitor::TraverseLambdaExpr(LE);
  Paths.leave();
  Frames.pop_back();
  return R;
}

bool BehaviorVisitor::VisitCompoundStmt(CompoundStmt *S) {
  for (Stmt *Child : S->body())
    markDiscarded(Child);
  return true;
}

bool BehaviorVisitor::VisitIfStmt(IfStmt *S) {
  markDiscarded(S->getThen());
  markDiscarded(S->getElse());
  return true;
}

bool BehaviorVisitor::VisitForStmt(ForStmt *S) {
  markDiscarded(S->getInc());
  markDiscarded(S->getBody());
  return true;
}

bool BehaviorVisitor::VisitWhileStmt(WhileStmt *S) {
  markDiscarded(S->getBody());
  return true;
}

bool BehaviorVisitor::VisitDoStmt(DoStmt *S) {
  markDiscarded(S->getBody());
  return true;
}

bool BehaviorVisitor::VisitSwitchCase(SwitchCase *S) {
  markDiscarded(S->getSubStmt());
  return true;
}

bool BehaviorVisitor::TraverseIfStmt(IfStmt *S) {
  if (S->getInit() && !TraverseStmt(S->getInit()))
    return false;
  if (S->getConditionVariableDeclStmt() &&
      !TraverseStmt(S->getConditionVariableDeclStmt()))
    return false;
  WalkUpFromIfStmt(S);
  if (!traverseDeciding(S->getCond()))
    return false;
  const FieldDecl *Empty = testedEmpty(S->getCond());
  if (Empty)
    EmptyFields.push_back(Empty);
  bool Ok = TraverseStmt(S->getThen());
  if (Empty)
    EmptyFields.pop_back();
  return Ok && TraverseStmt(S->getElse());
}

bool BehaviorVisitor::TraverseWhileStmt(WhileStmt *S) {
  WalkUpFromWhileStmt(S);
  return traverseDeciding(S->getCond()) && TraverseStmt(S->getBody());
}

bool BehaviorVisitor::TraverseReturnStmt(ReturnStmt *S) {
  WalkUpFromReturnStmt(S);
  return traverseDeciding(S->getRetValue());
}

bool BehaviorVisitor::TraverseConditionalOperator(ConditionalOperator *S) {
  WalkUpFromConditionalOperator(S);
  return traverseDeciding(S->getCond()) && TraverseStmt(S->getTrueExpr()) &&
         TraverseStmt(S->getFalseExpr());
}

bool BehaviorVisitor::VisitVarDecl(VarDecl *VD) {
  // `static Registry instance;`: its constructor runs once, whoever calls first.
  if (VD->isStaticLocal() && VD->getInit())
    OnceInits.insert(skipImplicit(VD->getInit()));
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
    Chain C = Paths.chainOf(Init);
    if (C.base != Chain::Dead)
      Paths.addAlias(VD, C);
  }
  // std::function<...> cb = [..]{..}; invoked later through cb().
  if (shapeOf(T, AST) == TypeShape::Callable || CallableFinder::isClosureType(T))
    for (const Handed &H : Callables.callablesIn(Init, enclosingMethod()))
      addCallable(H, VD->getName().str(), Ctx.qualifiedName(VD), "", /*Stored=*/true,
                  VD->getBeginLoc());
  return true;
}

bool BehaviorVisitor::VisitCXXForRangeStmt(CXXForRangeStmt *S) {
  // for (auto &[id, s] : sessions_) s.x = ...; -- the loop variable aliases the elements.
  const VarDecl *Loop = S->getLoopVariable();
  if (Frames.empty() || !Loop || !S->getRangeInit())
    return true;
  QualType T = Loop->getType();
  if (!T->isReferenceType() || T.getNonReferenceType().isConstQualified())
    return true;
  Chain C = Paths.chainOf(S->getRangeInit());
  if (C.base == Chain::Dead)
    return true;
  C.steps.push_back({Step::Element, nullptr, "[]", false});
  Paths.addAlias(Loop, C);
  return true;
}

bool BehaviorVisitor::VisitDeclRefExpr(DeclRefExpr *DRE) {
  if (Handled.count(DRE) || Frames.empty())
    return true;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !Paths.holderFor(VD, DRE))
    return true;
  record(Paths.chainOf(DRE), AccessKind::Read, DRE, {});
  return true;
}

bool BehaviorVisitor::VisitMemberExpr(MemberExpr *ME) {
  // The outermost member expression of an access is visited first and covers the rest.
  if (Handled.count(ME) || Frames.empty() || !isa<FieldDecl>(ME->getMemberDecl()))
    return true;
  record(Paths.chainOf(ME), AccessKind::Read, ME, {});
  return true;
}

bool BehaviorVisitor::traverseDeciding(Stmt *S) {
  ++Deciding;
  bool R = TraverseStmt(S);
  --Deciding;
  return R;
}

void BehaviorVisitor::markDiscarded(const Stmt *S) {
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

bool BehaviorVisitor::isIteratorLike(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier())
    return false;
  llvm::StringRef N = RD->getName();
  return N.contains_insensitive("iterator");
}

const FunctionDecl *BehaviorVisitor::enclosingMethod() const {
  for (auto It = Frames.rbegin(); It != Frames.rend(); ++It)
    if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(It->fn))
      if (!MD->getParent()->isLambda())
        return MD;
  return nullptr;
}

/// Function definitions among `Decls` and the namespaces and classes they hold.
static size_t definitions(llvm::ArrayRef<Decl *> Decls) {
  size_t N = 0;
  for (Decl *D : Decls) {
    if (auto *T = dyn_cast<TemplateDecl>(D))
      D = T->getTemplatedDecl();
    if (!D)
      continue;
    if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
      N += FD->doesThisDeclarationHaveABody();
      continue;
    }
    if (isa<NamespaceDecl>(D) || isa<LinkageSpecDecl>(D) || isa<CXXRecordDecl>(D)) {
      auto *DC = cast<DeclContext>(D);
      llvm::SmallVector<Decl *, 16> Inner(DC->decls_begin(), DC->decls_end());
      N += definitions(Inner);
    }
  }
  return N;
}

void BehaviorCollector::collect(ASTContext &AST) {
  // Room for a function fact and an access per definition to start with: a vector that
  // doubles as it fills moves each fact once more and touches twice the memory, which on
  // 80 000 one-line functions cost more than all the rest of the visit.
  size_t Definitions = definitions(AST.getTraversalScope());
  Ctx.makeRoom(Definitions, Definitions);
  BehaviorVisitor V(Ctx, IsSessionKey);
  V.TraverseAST(AST);
}

} // namespace sa
