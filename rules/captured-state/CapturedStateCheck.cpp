#include "rules/captured-state/CapturedStateCheck.h"

#include "model/TypeShape.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void CapturedStateCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(lambdaExpr().bind("lambda"), this);
}

void CapturedStateCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *LE = Result.Nodes.getNodeAs<LambdaExpr>("lambda");
  if (LE->containsErrors())
    return;
  std::string Creator = Ctx.noteFunction(ExtractContext::enclosingFunction(LE->getLambdaClass()));
  Ctx.noteFunction(LE->getCallOperator());
  std::string LambdaName = Ctx.functionName(LE->getCallOperator());
  for (const LambdaCapture &C : LE->captures()) {
    if (!C.capturesVariable())
      continue;
    const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar());
    if (!VD || VD->hasGlobalStorage())
      continue;
    bool ByRef = C.getCaptureKind() == LCK_ByRef;
    // A reference captured by reference is the referee. A reference parameter naming a library
    // container is kept (the handler writes its caller's state through it); references to the
    // project's objects and reference locals (aliases) are not.
    if (ByRef && VD->getType()->isReferenceType() &&
        (!isa<ParmVarDecl>(VD) || !Ctx.referenceHoldsData(VD->getType())))
      continue;
    // A by-copy capture is state only when the lambda may change its copy.
    if (!ByRef && !LE->isMutable())
      continue;
    QualType T = VD->getType().getNonReferenceType();
    if (!isMutableType(T))
      continue;
    std::optional<SourceLoc> Loc = Ctx.projectLoc(ByRef ? VD->getLocation() : C.getLocation());
    if (!Loc)
      continue;
    StateDecl D;
    D.kind = StateKind::CapturedLocal;
    D.reference = VD->getType()->isReferenceType();
    D.type = Ctx.typeName(T);
    D.shape = Ctx.shape(T);
    D.loc = *Loc;
    if (ByRef) {
      D.id = Ctx.declId(VD);
      D.name = Ctx.qualifiedName(VD);
      D.owner = Ctx.noteFunction(ExtractContext::enclosingFunction(VD));
    } else {
      // The closure's own copy (also for init captures): it lives as long as the closure,
      // which the code that created the lambda keeps.
      D.id = Ctx.closureStateId(LE->getLambdaClass(), VD);
      D.name = "(" + LambdaName + ")::" + VD->getNameAsString();
      D.owner = Creator;
      D.closureCopy = true;
    }
    if (const CXXRecordDecl *RD = heldRecord(T); Ctx.isProjectRecord(RD))
      D.typeRecord = Ctx.noteRecord(RD);
    if (const CXXRecordDecl *RD = elementRecord(T, Ctx.ast()); Ctx.isProjectRecord(RD))
      D.elementRecord = Ctx.noteRecord(RD);
    Ctx.facts().decls.push_back(std::move(D));
  }
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeCapturedStateCheck(ExtractContext &Ctx) { return std::make_unique<CapturedStateCheck>(Ctx); }
} // namespace sa
