#include "rules/singleton/SingletonCheck.h"

#include "model/TypeShape.h"

#include "clang/AST/DeclCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void SingletonCheck::registerMatchers(MatchFinder &Finder) {
  auto StaticVar = declRefExpr(to(varDecl(hasGlobalStorage()).bind("instance")));
  // return s; return *p; return &s; and through a smart pointer: return *p; return p.get();
  auto Returned = ignoringParenImpCasts(
      anyOf(StaticVar,
            unaryOperator(hasAnyOperatorName("*", "&"),
                          hasUnaryOperand(ignoringParenImpCasts(StaticVar))),
            cxxOperatorCallExpr(hasOverloadedOperatorName("*"),
                                hasArgument(0, ignoringParenImpCasts(StaticVar))),
            cxxMemberCallExpr(callee(cxxMethodDecl(hasName("get"))),
                              on(ignoringParenImpCasts(StaticVar)))));
  Finder.addMatcher(
      returnStmt(hasReturnValue(Returned),
                 inFunction(&Ctx, functionDecl(returns(anyOf(referenceType(), pointerType())),
                                               unless(inTemplateInstantiation()))
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

namespace sa {
std::unique_ptr<Check> makeSingletonCheck(ExtractContext &Ctx) { return std::make_unique<SingletonCheck>(Ctx); }
} // namespace sa
