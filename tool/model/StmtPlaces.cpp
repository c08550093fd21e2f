#include "model/StmtPlaces.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace sa {

namespace {

bool isIndexed(const Stmt *S) {
  return isa<CallExpr>(S) || isa<CXXConstructExpr>(S) || isa<ReturnStmt>(S);
}

bool isInstantiation(TemplateSpecializationKind K) {
  return K == TSK_ImplicitInstantiation || K == TSK_ExplicitInstantiationDefinition;
}

} // namespace

/// The traversal: what the parent map's own visitor visits (instantiations, implicit code,
/// lambda bodies), remembering the innermost function on the way down.
class StmtPlaces::Builder : public RecursiveASTVisitor<Builder> {
  using Base = RecursiveASTVisitor<Builder>;

public:
  explicit Builder(llvm::DenseMap<const Stmt *, Place> &Places) : Places(Places) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool TraverseDecl(Decl *D) {
    auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    if (FD)
      Functions.push_back(FD);
    bool Result = Base::TraverseDecl(D);
    if (FD)
      Functions.pop_back();
    return Result;
  }

  // Without a data-recursion queue, so that a lambda's body is traversed while its call
  // operator is on the stack.
  bool TraverseStmt(Stmt *S) {
    if (!S)
      return true;
    if (isIndexed(S) && !Functions.empty())
      Places[S].Function = Functions.back();
    const auto *Lambda = dyn_cast<LambdaExpr>(S);
    if (Lambda)
      Functions.push_back(Lambda->getCallOperator());
    bool Result = Base::TraverseStmt(S);
    if (Lambda)
      Functions.pop_back();
    return Result;
  }

  bool VisitVarDecl(VarDecl *VD) {
    const Expr *Init = VD->getInit();
    if (!Init)
      return true;
    if (isIndexed(Init))
      Places[Init].Var = VD;
    else if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(Init))
      if (isIndexed(Cleanups->getSubExpr()))
        Places[Cleanups->getSubExpr()].CleanupsVar = VD;
    return true;
  }

private:
  llvm::DenseMap<const Stmt *, Place> &Places;
  llvm::SmallVector<const FunctionDecl *, 8> Functions;
};

StmtPlaces::StmtPlaces(ASTContext &Ctx) { Builder(Places).TraverseAST(Ctx); }

const FunctionDecl *StmtPlaces::function(const Stmt *S) const {
  auto It = Places.find(S);
  return It == Places.end() ? nullptr : It->second.Function;
}

const VarDecl *StmtPlaces::initialised(const Expr *E, bool ThroughCleanups) const {
  auto It = Places.find(E);
  if (It == Places.end())
    return nullptr;
  if (It->second.Var || !ThroughCleanups)
    return It->second.Var;
  return It->second.CleanupsVar;
}

bool StmtPlaces::inInstantiation(const Decl *D) {
  auto IsInstantiation = [](const Decl *X) {
    if (const auto *RD = dyn_cast<CXXRecordDecl>(X))
      return isInstantiation(RD->getTemplateSpecializationKind());
    if (const auto *FD = dyn_cast<FunctionDecl>(X))
      return isInstantiation(FD->getTemplateSpecializationKind());
    return false;
  };
  if (IsInstantiation(D))
    return true;
  // The lexical contexts are the parent map's ancestors of a declaration: an instantiated
  // out-of-line member definition sits at namespace scope, as its pattern does.
  for (const DeclContext *DC = D->getLexicalDeclContext(); DC; DC = DC->getLexicalParent())
    if (IsInstantiation(cast<Decl>(DC)))
      return true;
  return false;
}

} // namespace sa
