// ExtractContext computes some answers itself that clang computes too, because clang's cost
// grows with nesting (hostile-input cases: 2 000 nested lambdas, 300 000 chained `=`): the
// qualified names of members of classes defined in functions, and the ranges of operator
// chains. Here every declaration and every expression of a TU is compared with clang's answer.
#include "model/ExtractContext.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;

namespace {

const char *Code = R"cpp(
struct S { int v; S operator+(const S &) const; S &operator=(const S &); bool operator<(S) const; };
namespace outer { inline namespace v1 { namespace {
template <typename T> struct Box { template <typename U> int put(U, ...) {
  struct Local { int get(T, int *) { return 1; } enum class E { A }; enum F { B }; };
  auto l = [](int x) { auto m = [x](double) mutable { struct Deep { void f(); }; return x; }; return m(1.0); };
  return l(1) + Local().get(T(), nullptr);
} };
int use() { Box<int> b; return b.put(2.0) + b.put('c', 1); }
} } }
extern "C" { static int cfn(int a) { struct InC { int g() { return a0; } int a0 = 0; }; return a + InC().g(); } }
int chains(int a, int b, S s, S t) {
  a = b = a = b;
  int c = a ? b : a ? b : -a;
  c += a++ + ++b - !c;
  s = t = s + t + s;
  bool less = s < t;
  int arr[2] = {a, b};
  return c + arr[a = b] + less + [&] { return a = b = c; }();
}
)cpp";

class Compare : public RecursiveASTVisitor<Compare> {
public:
  Compare(sa::ExtractContext &Ctx, ASTContext &AST) : Ctx(Ctx), AST(AST) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool VisitNamedDecl(NamedDecl *D) {
    if (isa<VarDecl>(D) && sa::ExtractContext::enclosingFunction(D))
      return true; // local variables are named after their function by design
    PrintingPolicy Policy(AST.getLangOpts());
    Policy.SuppressUnwrittenScope = false;
    std::string Clang;
    llvm::raw_string_ostream OS(Clang);
    D->printQualifiedName(OS, Policy);
    EXPECT_EQ(Ctx.qualifiedName(D), OS.str());
    ++Names;
    Local += isa<RecordDecl>(D->getDeclContext()) &&
             cast<Decl>(D->getDeclContext())->getParentFunctionOrMethod();
    return true;
  }

  bool VisitExpr(Expr *E) {
    std::optional<sa::SourceLoc> Mine = Ctx.projectRange(E), Theirs =
                                                                 Ctx.projectRange(E->getSourceRange());
    EXPECT_EQ(Mine.has_value(), Theirs.has_value());
    if (Mine && Theirs) {
      EXPECT_EQ(*Mine, *Theirs) << E->getStmtClassName();
      ++Ranges;
    }
    return true;
  }

  int Names = 0, Local = 0, Ranges = 0;

private:
  sa::ExtractContext &Ctx;
  ASTContext &AST;
};

TEST(ExtractContext, NamesAndRangesAreClangs) {
  std::unique_ptr<ASTUnit> Unit = tooling::buildASTFromCodeWithArgs(Code, {"-std=c++17"});
  ASSERT_TRUE(Unit);
  ASSERT_FALSE(Unit->getDiagnostics().hasErrorOccurred());
  sa::ProjectPaths Paths("/", {});
  sa::TUFacts Facts;
  sa::ExtractContext Ctx(Paths, Facts);
  Ctx.attach(Unit->getASTContext(), Unit->getPreprocessor());
  Compare C(Ctx, Unit->getASTContext());
  C.TraverseDecl(Unit->getASTContext().getTranslationUnitDecl());
  EXPECT_GT(C.Names, 60);
  EXPECT_GE(C.Local, 12); // members of Local, of the lambdas' classes, of Deep, of InC
  EXPECT_GT(C.Ranges, 80);
}

} // namespace
