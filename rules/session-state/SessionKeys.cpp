#include "rules/session-state/SessionKeys.h"

#include "model/AccessPaths.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace sa {

namespace {

bool mentionsSession(llvm::StringRef Name) {
  std::string L = Name.lower();
  llvm::StringRef S(L);
  return S.contains("session") || S == "sid" || S.ends_with("_sid") || S.starts_with("sid_");
}

} // namespace

bool isSessionKey(const Expr *E, unsigned Depth) {
  if (!E || Depth > 5)
    return false;
  E = skipImplicit(E);
  // A literal key is the same for every session; only the header's name marks a value
  // read from it.
  if (const auto *S = dyn_cast<StringLiteral>(E))
    return S->getString().contains_insensitive("mcp-session-id");
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (mentionsSession(DRE->getDecl()->getName()))
      return true;
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->getInit() && (VD->isLocalVarDecl() || VD->getType().isConstQualified() ||
                            VD->isConstexpr()))
        return isSessionKey(VD->getInit(), Depth + 1);
    return false;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (mentionsSession(ME->getMemberDecl()->getName()))
      return true;
  if (const auto *CE = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *FD = CE->getDirectCallee())
      if (FD->getIdentifier() && mentionsSession(FD->getName()))
        return true;
  for (const Stmt *Child : E->children())
    if (isSessionKey(dyn_cast_or_null<Expr>(Child), Depth + 1))
      return true;
  return false;
}

} // namespace sa
