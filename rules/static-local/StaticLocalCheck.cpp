#include "rules/static-local/StaticLocalCheck.h"

#include "model/StateDecls.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void StaticLocalCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(isStaticLocal(), unless(inTemplateInstantiation())).bind("var"),
                    this);
}

void StaticLocalCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("var");
  if (VD->getTLSKind() != VarDecl::TLS_None || !isReportableDefinition(VD))
    return;
  if (auto D = makeStateDecl(Ctx, VD, StateKind::StaticLocal))
    Ctx.facts().decls.push_back(std::move(*D));
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeStaticLocalCheck(ExtractContext &Ctx) { return std::make_unique<StaticLocalCheck>(Ctx); }
} // namespace sa
