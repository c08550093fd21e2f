#include "rules/static-member/StaticMemberCheck.h"

#include "model/StateDecls.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void StaticMemberCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(hasGlobalStorage(), hasDeclContext(cxxRecordDecl()),
                            unless(inTemplateInstantiation()))
                        .bind("var"),
                    this);
}

void StaticMemberCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("var");
  // The in-class `static int n;` is a declaration only; the out-of-line `int C::n;` (or an
  // inline/constexpr in-class initialiser) is the one definition reported.
  if (!VD->isStaticDataMember() || VD->getTLSKind() != VarDecl::TLS_None ||
      !isReportableDefinition(VD))
    return;
  if (auto D = makeStateDecl(Ctx, VD, StateKind::StaticMember))
    Ctx.facts().decls.push_back(std::move(*D));
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeStaticMemberCheck(ExtractContext &Ctx) { return std::make_unique<StaticMemberCheck>(Ctx); }
} // namespace sa
