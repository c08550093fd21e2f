#include "model/StateDecls.h"

#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"

using namespace clang;

namespace sa {

bool isReportableDefinition(const VarDecl *VD) {
  if (VD->isInvalidDecl() || VD->getType()->containsErrors())
    return false;
  if (isa<VarTemplateSpecializationDecl>(VD) || isa<ParmVarDecl>(VD))
    return false;
  if (isTemplateInstantiation(VD->getTemplateSpecializationKind()))
    return false;
  return VD->isThisDeclarationADefinition() != VarDecl::DeclarationOnly;
}

std::optional<StateDecl> makeStateDecl(ExtractContext &Ctx, const VarDecl *VD, StateKind Kind) {
  if (!isMutableType(VD->getType()))
    return std::nullopt;
  std::optional<SourceLoc> Loc = Ctx.projectLoc(VD->getLocation());
  if (!Loc)
    return std::nullopt;
  StateDecl D;
  D.id = Ctx.declId(VD);
  D.kind = Kind;
  D.name = Ctx.qualifiedName(VD);
  D.type = Ctx.typeName(VD->getType());
  D.shape = Ctx.shape(VD->getType());
  D.loc = *Loc;
  D.threadLocal = VD->getTLSKind() != VarDecl::TLS_None;
  D.reference = VD->getType()->isReferenceType();
  D.isConst = VD->getType().getCanonicalType().isConstQualified();
  D.fromMacro = VD->getLocation().isMacroID();
  if (Kind == StateKind::StaticMember)
    D.owner = Ctx.noteRecord(dyn_cast<CXXRecordDecl>(VD->getDeclContext()));
  else if (const FunctionDecl *Owner = ExtractContext::enclosingFunction(VD))
    D.owner = Ctx.noteFunction(Owner);
  if (const CXXRecordDecl *RD = heldRecord(VD->getType()))
    D.typeRecord = Ctx.noteRecord(RD);
  if (const CXXRecordDecl *RD = elementRecord(VD->getType(), Ctx.ast()))
    D.elementRecord = Ctx.noteRecord(RD);
  return D;
}

} // namespace sa
