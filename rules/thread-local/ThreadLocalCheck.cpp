#include "rules/thread-local/ThreadLocalCheck.h"

#include "model/StateDecls.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void ThreadLocalCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(hasThreadStorageDuration(), unless(inTemplateInstantiation()))
                        .bind("var"),
                    this);
}

void ThreadLocalCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("var");
  if (!isReportableDefinition(VD))
    return;
  StateKind Kind = VD->isStaticDataMember() ? StateKind::StaticMember
                   : VD->isStaticLocal()    ? StateKind::StaticLocal
                                            : StateKind::Global;
  if (auto D = makeStateDecl(Ctx, VD, Kind))
    Ctx.facts().decls.push_back(std::move(*D));
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeThreadLocalCheck(ExtractContext &Ctx) { return std::make_unique<ThreadLocalCheck>(Ctx); }
} // namespace sa
