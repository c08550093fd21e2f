#include "rules/member-state/MemberStateCheck.h"

#include "model/TypeShape.h"

#include "clang/AST/DeclCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

void MemberStateCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(cxxRecordDecl(isDefinition(), unless(isLambda()), unless(inTemplateInstantiation()))
                        .bind("record"),
                    this);
}

void MemberStateCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *RD = Result.Nodes.getNodeAs<CXXRecordDecl>("record");
  if (RD->isInvalidDecl() || !Ctx.isProjectRecord(RD))
    return;
  std::string RecordId = Ctx.noteRecord(RD);
  for (const FieldDecl *F : RD->fields()) {
    // A reference names an object that lives elsewhere, unless it holds library data (a
    // map, a counter) on this object's behalf.
    if (F->isInvalidDecl() || !isMutableType(F->getType()) ||
        (F->getType()->isReferenceType() && !Ctx.referenceHoldsData(F->getType())))
      continue;
    std::optional<SourceLoc> Loc = Ctx.projectLoc(F->getLocation());
    if (!Loc || F->getName().empty())
      continue;
    StateDecl D;
    D.id = Ctx.fieldId(F);
    D.kind = StateKind::Field;
    D.name = Ctx.qualifiedName(F);
    D.type = Ctx.typeName(F->getType());
    D.shape = Ctx.shape(F->getType());
    D.loc = *Loc;
    D.fromMacro = F->getLocation().isMacroID();
    D.reference = F->getType()->isReferenceType();
    D.owner = RecordId;
    if (const CXXRecordDecl *Held = heldRecord(F->getType()); Ctx.isProjectRecord(Held))
      D.typeRecord = Ctx.noteRecord(Held);
    if (const CXXRecordDecl *E = elementRecord(F->getType(), Ctx.ast()); Ctx.isProjectRecord(E))
      D.elementRecord = Ctx.noteRecord(E);
    Ctx.facts().decls.push_back(std::move(D));
  }
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeMemberStateCheck(ExtractContext &Ctx) { return std::make_unique<MemberStateCheck>(Ctx); }
} // namespace sa
