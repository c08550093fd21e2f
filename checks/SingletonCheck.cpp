#include "SingletonCheck.h"

#include "extract/TypeShape.h"

#include "clang/AST/DeclCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void SingletonCheck::registerMatchers(MatchFinder &Finder) {
  auto StaticVar = declRefExpr(to(varDecl(hasGlobalStorage()).bind("instance")));
  auto Returned = ignoringParenImpCasts(
      anyOf(StaticVar, unaryOperator(hasAnyOperatorName("*", "&"),
                                     hasUnaryOperand(ignoringParenImpCasts(StaticVar)))));
  Finder.addMatcher(
      returnStmt(hasReturnValue(Returned),
                 forFunction(functionDecl(returns(anyOf(referenceType(), pointerType())),
                                          unless(isInstantiated()))
                                 .bind("accessor"))),
      this);
}

void SingletonCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Instance = Result.Nodes.getNodeAs<VarDecl>("instance");
  const auto *Accessor = Result.Nodes.getNodeAs<FunctionDecl>("accessor");
  if (!Ctx.isProjectRecord(heldRecord(Instance->getType())) ||
      !Ctx.isProjectCode(Instance->getLocation()))
    return;
  std::string Id = Ctx.noteFunction(Accessor);
  if (FunctionFact *F = Ctx.functionFact(Id))
    F->returnsStatic = Ctx.declId(Instance);
}

} // namespace sa
