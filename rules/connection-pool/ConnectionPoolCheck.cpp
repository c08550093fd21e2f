#include "rules/connection-pool/ConnectionPoolCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

namespace {

/// A connection pool's class by the knowledge's connection-pools (its name, lowercased).
AST_MATCHER_P(CXXRecordDecl, isConnectionPoolClass, const PoolClassNames *, Pools) {
  return Node.getIdentifier() && Pools->match(Node.getName());
}

/// A string: char pointers and arrays, std::string, std::string_view (any of their aliases).
bool isStringLike(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (const auto *P = T->getAs<PointerType>())
    return P->getPointeeType()->isAnyCharacterType();
  if (T->isArrayType())
    return T->getArrayElementTypeNoTypeQual()->isAnyCharacterType();
  if (const CXXRecordDecl *R = T->getAsCXXRecordDecl())
    return R->getName() == "basic_string" || R->getName() == "basic_string_view";
  return false;
}

/// The string literal an argument is built from: `"..."`, std::string("..."), a temporary.
const StringLiteral *findLiteral(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 6)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *S = dyn_cast<StringLiteral>(E))
    return S;
  if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
    return findLiteral(M->getSubExpr(), Depth + 1);
  if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
    return findLiteral(B->getSubExpr(), Depth + 1);
  if (const auto *C = dyn_cast<CXXConstructExpr>(E))
    return C->getNumArgs() >= 1 ? findLiteral(C->getArg(0), Depth + 1) : nullptr;
  if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
    return findLiteral(F->getSubExpr(), Depth + 1);
  return nullptr;
}

} // namespace

void ConnectionPoolCheck::registerMatchers(MatchFinder &Finder) {
  auto Holder = optionally(initialisesThroughCleanups(&Ctx, varDecl().bind("holder")));
  Finder.addMatcher(
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(cxxRecordDecl(
                                                              isConnectionPoolClass(&Ctx.poolClasses()))))
                                          .bind("ctor")),
                       optionally(inFunction(&Ctx, functionDecl().bind("fn"))), Holder)
          .bind("construct"),
      this);
  // std::make_unique<Pool>(...) / std::make_shared<Pool>(...): the constructor call itself is
  // inside the standard library.
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName("::std::make_unique", "::std::make_shared"))
                          .bind("factory")),
               optionally(inFunction(&Ctx, functionDecl().bind("fn"))), Holder)
          .bind("make"),
      this);
}

void ConnectionPoolCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  const CXXRecordDecl *Pool = nullptr;
  llvm::ArrayRef<const Expr *> Args;
  const Expr *At = nullptr;
  std::string Name;
  if (const auto *CE = Result.Nodes.getNodeAs<CXXConstructExpr>("construct")) {
    const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructorDecl>("ctor");
    if (Ctor->isCopyOrMoveConstructor() || CE->containsErrors())
      return;
    Pool = Ctor->getParent();
    Args = llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
    At = CE;
    if (const auto *V = Result.Nodes.getNodeAs<VarDecl>("holder"))
      Name = V->getNameAsString();
  } else if (const auto *Make = Result.Nodes.getNodeAs<CallExpr>("make")) {
    const auto *Factory = Result.Nodes.getNodeAs<FunctionDecl>("factory");
    const TemplateArgumentList *TA = Factory->getTemplateSpecializationArgs();
    if (!TA || TA->size() == 0 || TA->get(0).getKind() != TemplateArgument::Type ||
        Make->containsErrors())
      return;
    Pool = TA->get(0).getAsType()->getAsCXXRecordDecl();
    Args = llvm::ArrayRef<const Expr *>(Make->getArgs(), Make->getNumArgs());
    At = Make;
    if (const auto *V = Result.Nodes.getNodeAs<VarDecl>("holder"))
      Name = V->getNameAsString();
  }
  const PoolClass *Known =
      Pool && Pool->getIdentifier() ? Ctx.poolClasses().match(Pool->getName()) : nullptr;
  if (!Known)
    return;
  std::optional<SourceLoc> Loc = Ctx.projectLoc(At->getBeginLoc());
  if (!Loc)
    return;
  PoolFact F;
  F.id = "pool:" + Loc->file + ":" + std::to_string(Loc->line) + ":" + std::to_string(Loc->column);
  F.name = Name;
  F.type = Ctx.qualifiedName(Pool);
  F.record = Ctx.isProjectRecord(Pool) ? Ctx.recordId(Pool) : std::string();
  F.function = Ctx.noteFunction(Fn);
  F.loc = *Loc;
  // The size: the argument the knowledge names, else the first integer argument; as a
  // constant when it is one.
  for (size_t I = 0; I < Args.size(); ++I) {
    if (Known->sizeArg >= 0 && I != static_cast<size_t>(Known->sizeArg))
      continue;
    const Expr *X = Args[I]->IgnoreParenImpCasts();
    if (!X->getType()->isIntegerType() || X->getType()->isBooleanType())
      continue;
    Expr::EvalResult R;
    if (!X->isValueDependent() && X->EvaluateAsInt(R, Ctx.ast()))
      F.size = R.Val.getInt().getExtValue();
    CharSourceRange Range = CharSourceRange::getTokenRange(X->getSourceRange());
    F.sizeText = Lexer::getSourceText(Range, Ctx.ast().getSourceManager(),
                                      Ctx.ast().getLangOpts())
                     .str();
    break;
  }
  // What it connects to: the first string argument, as a literal when it is one (a
  // connection string or a host), else the expression as written (a configured name).
  for (const Expr *A : Args) {
    const Expr *X = A->IgnoreParenImpCasts();
    if (const auto *Default = dyn_cast<CXXDefaultArgExpr>(X))
      X = Default->getExpr()->IgnoreParenImpCasts();
    if (!isStringLike(X->getType()))
      continue;
    if (const StringLiteral *Lit = findLiteral(X)) {
      if (Lit->getCharByteWidth() == 1) {
        F.downstream = Lit->getString().str();
        F.downstreamLiteral = true;
      }
    } else if (!X->getBeginLoc().isMacroID()) {
      CharSourceRange Range = CharSourceRange::getTokenRange(X->getSourceRange());
      F.downstream = Lexer::getSourceText(Range, Ctx.ast().getSourceManager(),
                                          Ctx.ast().getLangOpts())
                         .str();
    }
    if (F.downstream.size() > 512)
      F.downstream.clear();
    break;
  }
  Ctx.facts().pools.push_back(std::move(F));
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeConnectionPoolCheck(ExtractContext &Ctx) { return std::make_unique<ConnectionPoolCheck>(Ctx); }
} // namespace sa
