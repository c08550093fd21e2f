#include "rules/global-variable/GlobalVariableCheck.h"

#include "model/StateDecls.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void GlobalVariableCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(
      varDecl(hasGlobalStorage(), unless(isStaticLocal()), unless(inTemplateInstantiation())).bind("var"),
      this);
}

void GlobalVariableCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("var");
  if (VD->isStaticDataMember() || !VD->getDeclContext()->getRedeclContext()->isFileContext() ||
      VD->getTLSKind() != VarDecl::TLS_None || !isReportableDefinition(VD))
    return;
  if (auto D = makeStateDecl(Ctx, VD, StateKind::Global))
    Ctx.facts().decls.push_back(std::move(*D));
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeGlobalVariableCheck(ExtractContext &Ctx) { return std::make_unique<GlobalVariableCheck>(Ctx); }
} // namespace sa
