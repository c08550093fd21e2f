#include "model/BehaviorVisitor.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSwitch.h"

namespace sa {

bool BehaviorVisitor::VisitBinaryOperator(BinaryOperator *BO) {
  if (BO->isAssignmentOp()) {
    record(Paths.chainOf(BO->getLHS()),
           BO->getOpcode() == BO_Assign ? AccessKind::Assign : AccessKind::CompoundAssign,
           BO, {});
    storedCallables(BO->getLHS(), BO->getRHS(), BO);
    if (BO->getOpcode() == BO_Assign)
      noteStore(BO->getLHS(), BO->getRHS());
  } else if (BO->isComparisonOp()) {
    limitCheck(BO->getLHS(), BO->getRHS(), BO);
    limitCheck(BO->getRHS(), BO->getLHS(), BO);
  }
  return true;
}

bool BehaviorVisitor::VisitUnaryOperator(UnaryOperator *UO) {
  if (UO->isIncrementDecrementOp()) {
    record(Paths.chainOf(UO->getSubExpr()), AccessKind::IncDec, UO,
           Operation::step(UO->isPrefix(), UO->isIncrementOp()));
  } else if (UO->getOpcode() == UO_AddrOf && !Handled.count(UO)) {
    // The address of a global or static goes somewhere we do not follow.
    Chain C = Paths.chainOf(UO->getSubExpr());
    if (C.base == Chain::Holder)
      record(C, AccessKind::Escape, UO, {});
  }
  return true;
}

bool BehaviorVisitor::VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC) {
  OverloadedOperatorKind Op = OC->getOperator();
  if (OC->getNumArgs() == 0)
    return true;
  const Expr *Object = OC->getArg(0);
  switch (Op) {
  case OO_Equal:
    record(Paths.chainOf(Object), AccessKind::Assign, OC, {});
    if (OC->getNumArgs() > 1) {
      storedCallables(Object, OC->getArg(1), OC);
      noteStore(Object, OC->getArg(1));
    }
    break;
  case OO_PlusEqual: case OO_MinusEqual: case OO_StarEqual: case OO_SlashEqual:
  case OO_PercentEqual: case OO_CaretEqual: case OO_AmpEqual: case OO_PipeEqual:
  case OO_LessLessEqual: case OO_GreaterGreaterEqual:
    record(Paths.chainOf(Object), AccessKind::CompoundAssign, OC, {});
    break;
  case OO_PlusPlus: case OO_MinusMinus:
    // The postfix form has a second, int argument.
    record(Paths.chainOf(Object), AccessKind::IncDec, OC,
           Operation::step(OC->getNumArgs() == 1, Op == OO_PlusPlus));
    break;
  case OO_Subscript: {
    if (Handled.count(OC))
      break;
    const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
    Chain C = Paths.chainOf(Object);
    bool KeyIsSession = OC->getNumArgs() > 1 && Paths.isKey(OC->getArg(1));
    // A non-const map's operator[] inserts what it does not find.
    bool Inserts = MD && !MD->isConst() && isKeyed(Object->getType());
    record(C, Inserts ? AccessKind::MutatingCall : AccessKind::Lookup, OC, Operation::call("operator[]"),
           KeyIsSession);
    break;
  }
  default: {
    // Any other member operator: rng(), obj(args), *it = ... (handled as a chain).
    const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
    if (!MD || Handled.count(OC) || Op == OO_Arrow || Op == OO_Star)
      break;
    Chain C = Paths.chainOf(Object);
    std::string Name = "operator" + std::string(getOperatorSpelling(Op));
    if (Ctx.isProjectRecord(MD->getParent()))
      record(C, MD->isConst() ? AccessKind::Read : AccessKind::Bind, OC, Operation::call(Name));
    else
      record(C, MD->isConst() ? AccessKind::Read : AccessKind::MutatingCall, OC, Operation::call(Name));
    break;
  }
  }
  return true;
}

bool BehaviorVisitor::VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
  const CXXMethodDecl *MD = MC->getMethodDecl();
  const Expr *Object = MC->getImplicitObjectArgument();
  if (!MD || !Object || Handled.count(MC))
    return true;
  Chain C = Paths.chainOf(Object);
  if (C.base == Chain::Dead)
    return true;
  // p->f(): the call works on what p points to, not on p.
  if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()); ME && ME->isArrow())
    C.steps.push_back({Step::Deref, nullptr, "->", false});
  llvm::StringRef Name = MD->getIdentifier() ? MD->getName() : llvm::StringRef();
  bool Key = MC->getNumArgs() > 0 && Paths.isKey(MC->getArg(0));
  if (Name == "reset" && MC->getNumArgs() == 1)
    noteStore(Object, MC->getArg(0));
  if (Ctx.isProjectRecord(MD->getParent())) {
    // The project's own method runs on this object: its writes are seen in its body, as
    // writes through `this`. Here we only learn that the object is used that way.
    if (!MD->isConst() && !MD->isStatic())
      record(C, AccessKind::Bind, MC, Operation::call(Name.str()));
    else
      record(C, AccessKind::Read, MC, Operation::call(Name.str()));
    return true;
  }
  if (MD->isConst() || isLookupName(Name))
    record(C, isKeyed(Object->getType()) ? AccessKind::Lookup : AccessKind::Read, MC,
           Operation::call(Name.str()), Key);
  else
    record(C, AccessKind::MutatingCall, MC, Operation::call(Name.str()), Key);
  return true;
}

bool BehaviorVisitor::isKeyed(QualType T) const {
  return shapeOf(T.getNonReferenceType(), AST) == TypeShape::KeyedContainer;
}

void BehaviorVisitor::record(const Chain &C, AccessKind Kind, const Expr *At, const Operation &Op,
            bool KeyIsSession) {
  std::optional<Target> T = Paths.interpret(C);
  if (!T)
    return; // nothing attributed: the parts are visited on their own (an insert inside)
  for (const Stmt *N : C.nodes)
    Handled.insert(N);
  if (C.rebindable && (Kind == AccessKind::Assign || Kind == AccessKind::CompoundAssign ||
                       Kind == AccessKind::IncDec))
    return; // ++it, p = next: the alias moves, the state does not change
  std::optional<SourceLoc> Loc = Ctx.projectRange(At);
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
  A.path = T->path;
  A.method = Op.method;
  A.incDec = Op.incDec;
  A.passing = Op.passing;
  A.callee = Op.callee;
  A.loc = *Loc;
  A.throughThis = T->throughThis;
  A.onThis = T->onThis;
  A.beforeReady = !Receivers.empty() && Receivers.back()->beforeReadySignal(At);
  A.sessionKeyed = T->sessionKeyed || KeyIsSession;
  A.decides = Deciding > 0 || (isWrite(Kind) && !Discarded.count(skipImplicit(At)));
  Ctx.facts().accesses.push_back(std::move(A));
}

void BehaviorVisitor::limitCheck(const Expr *Side, const Expr *Other, const Expr *At) {
  if (Other->isValueDependent() || Side->isValueDependent())
    return;
  Expr::EvalResult R;
  if (!Other->EvaluateAsInt(R, AST) || isa<IntegerLiteral>(skipImplicit(Other)))
    return; // a bare literal is a comparison, not a named per-instance cap
  Chain C = Paths.chainOf(Side);
  if (C.base == Chain::Dead)
    return;
  CharSourceRange Range = CharSourceRange::getTokenRange(Other->getSourceRange());
  std::string Text = Lexer::getSourceText(Range, AST.getSourceManager(), AST.getLangOpts()).str();
  record(C, AccessKind::LimitCheck, At, {});
  if (!Ctx.facts().accesses.empty() &&
      Ctx.facts().accesses.back().kind == AccessKind::LimitCheck)
    Ctx.facts().accesses.back().cap = Text;
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

} // namespace sa
