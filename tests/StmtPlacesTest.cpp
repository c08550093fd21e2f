// StmtPlaces answers what the AST matchers' forFunction, hasParent(varDecl()) and
// isInstantiated() answer, without their parent map (model/StmtPlaces.h): every call,
// construction and return statement and every declaration of a TU, compared one by one.
#include "model/StmtPlaces.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace {

const char *Code = R"cpp(
struct Str { Str(const char *); ~Str(); };
struct Pool { Pool(Str, int); Pool(int); };
int size();
int *open(const char *);
Pool g_pool(Str("db"), size());          // namespace scope: no function; through cleanups
Pool g_small(size());                    // a direct initializer
int g_init = size();
struct Server {
  Server() : pool_(size()) {}            // a constructor's initializer
  int handle(int x = size()) {           // a default argument
    auto fn = [n = size()](int y) {      // an init-capture, then the lambda's body
      int *f = open("x");
      return n + y + *f;
    };
    struct Local { int v = size(); int get() { return size(); } };
    return fn(x) + Local().get();
  }
  Pool pool_;
};
template <typename T> struct Registry {
  static int count;
  static T &instance() { static T t; return t; }
  int add() { return size(); }
};
template <typename T> int Registry<T>::count = size();
template <typename T> T twice(T v) { int k = size(); return v + v + k; }
int use() {
  auto generic = [](auto v) { return v + size(); };
  Registry<int> r;
  return twice(1) + twice(2.0) + Registry<int>::instance() + Registry<long>::count + r.add() +
         generic(1) + generic(2L);
}
)cpp";

struct Seen {
  int statements = 0, inFunctions = 0, inLambdas = 0, held = 0, heldThroughCleanups = 0;
  int decls = 0, instantiated = 0;
};

class Compare : public MatchFinder::MatchCallback {
public:
  Compare(const sa::StmtPlaces &Places, Seen &S) : Places(Places), S(S) {}

  void run(const MatchFinder::MatchResult &R) override {
    if (const auto *St = R.Nodes.getNodeAs<Stmt>("stmt")) {
      ++S.statements;
      const auto *Fn = R.Nodes.getNodeAs<FunctionDecl>("fn");
      EXPECT_EQ(Places.function(St), Fn) << St->getStmtClassName() << " at "
                                         << St->getBeginLoc().printToString(*R.SourceManager);
      if (Fn) {
        ++S.inFunctions;
        if (const auto *MD = dyn_cast<CXXMethodDecl>(Fn); MD && MD->getParent()->isLambda())
          ++S.inLambdas;
      }
      if (const auto *E = dyn_cast<Expr>(St)) {
        const auto *Var = R.Nodes.getNodeAs<VarDecl>("var");
        const auto *Cleanups = R.Nodes.getNodeAs<VarDecl>("cvar");
        EXPECT_EQ(Places.initialised(E, false), Var)
            << E->getBeginLoc().printToString(*R.SourceManager);
        EXPECT_EQ(Places.initialised(E, true), Var ? Var : Cleanups)
            << E->getBeginLoc().printToString(*R.SourceManager);
        S.held += Var != nullptr;
        S.heldThroughCleanups += Cleanups != nullptr;
      }
    }
    if (const auto *D = R.Nodes.getNodeAs<Decl>("decl")) {
      ++S.decls;
      bool Instantiated = R.Nodes.getNodeAs<Decl>("instantiated") != nullptr;
      EXPECT_EQ(sa::StmtPlaces::inInstantiation(D), Instantiated)
          << D->getDeclKindName() << " at " << D->getLocation().printToString(*R.SourceManager);
      S.instantiated += Instantiated;
    }
  }

private:
  const sa::StmtPlaces &Places;
  Seen &S;
};

TEST(StmtPlaces, AnswersWhatTheParentMapMatchersAnswer) {
  std::unique_ptr<ASTUnit> AST = tooling::buildASTFromCodeWithArgs(Code, {"-std=c++17"});
  ASSERT_TRUE(AST);
  ASSERT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  ASTContext &Ctx = AST->getASTContext();
  sa::StmtPlaces Places(Ctx);
  Seen S;
  Compare Callback(Places, S);
  MatchFinder Finder;
  Finder.addMatcher(
      stmt(anyOf(callExpr(), cxxConstructExpr(), returnStmt()),
           optionally(forFunction(functionDecl().bind("fn"))),
           optionally(hasParent(varDecl().bind("var"))),
           optionally(hasParent(exprWithCleanups(hasParent(varDecl().bind("cvar"))))))
          .bind("stmt"),
      &Callback);
  Finder.addMatcher(decl(anyOf(decl(isInstantiated()).bind("instantiated"), anything()))
                        .bind("decl"),
                    &Callback);
  Finder.matchAST(Ctx);
  // Every kind of answer was compared, not only the empty one.
  EXPECT_GT(S.statements, 30);
  EXPECT_GT(S.inFunctions, 20);
  EXPECT_GE(S.inLambdas, 4);           // the init-capture's and the bodies' calls
  EXPECT_GE(S.held, 4);                // g_small, g_init, f, k, ...
  EXPECT_GE(S.heldThroughCleanups, 1); // g_pool
  EXPECT_GT(S.instantiated, 5);        // members and locals of Registry<int>, twice<int>, ...
  EXPECT_GT(S.decls, S.instantiated);
}

} // namespace
