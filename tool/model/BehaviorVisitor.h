// The traversal behind BehaviorCollector, shared by its three source files: the function
// context and statements (BehaviorCollector.cpp), writes and reads of state
// (BehaviorWrites.cpp), calls, arguments and callables (BehaviorCalls.cpp). Private to
// tool/model/.
#pragma once

#include "model/AccessPaths.h"
#include "model/Callables.h"
#include "model/ExtractContext.h"
#include "model/FreshObjects.h"
#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"

#include <memory>
#include <string>
#include <vector>

namespace sa {

using namespace clang; // the traversal speaks Clang throughout; private header

/// What an access does beyond its kind: the method called, the form of ++/--, how an
/// argument is passed and to whom.
struct Operation {
  std::string method;
  IncDecForm incDec = IncDecForm::None;
  ArgPassing passing = ArgPassing::None;
  std::string callee;

  static Operation call(std::string Method) {
    Operation O;
    O.method = std::move(Method);
    return O;
  }
  static Operation step(bool Prefix, bool Increment) {
    Operation O;
    O.incDec = Prefix ? (Increment ? IncDecForm::PreIncrement : IncDecForm::PreDecrement)
                      : (Increment ? IncDecForm::PostIncrement : IncDecForm::PostDecrement);
    return O;
  }
  static Operation argument(bool Pointer, std::string Callee) {
    Operation O;
    O.passing = Pointer ? ArgPassing::Pointer : ArgPassing::Reference;
    O.callee = std::move(Callee);
    return O;
  }
};

/// Library calls that only look: they never change the object even when the non-const
/// overload is chosen (a non-const map's find() is still a lookup).
bool isLookupName(llvm::StringRef Name);

class BehaviorVisitor : public clang::RecursiveASTVisitor<BehaviorVisitor> {
public:
  BehaviorVisitor(ExtractContext &Ctx, KeyTest IsKey)
      : Ctx(Ctx), AST(Ctx.ast()), Paths(Ctx, std::move(IsKey)), Callables(Ctx) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  // --- function context ----------------------------------------------------------------

  bool TraverseDecl(clang::Decl *D);

  bool TraverseLambdaExpr(LambdaExpr *LE);

  // Expressions evaluated for their effect only: `++hits;` counts, it does not decide.
  bool VisitCompoundStmt(CompoundStmt *S);
  bool VisitIfStmt(IfStmt *S);
  bool VisitForStmt(ForStmt *S);
  bool VisitWhileStmt(WhileStmt *S);
  bool VisitDoStmt(DoStmt *S);
  bool VisitSwitchCase(SwitchCase *S);

  // Conditions and returned values decide what a request gets.
  bool TraverseIfStmt(IfStmt *S);
  bool TraverseWhileStmt(WhileStmt *S);
  bool TraverseReturnStmt(ReturnStmt *S);
  bool TraverseConditionalOperator(ConditionalOperator *S);

  // --- writes ----------------------------------------------------------------------------

  bool VisitBinaryOperator(BinaryOperator *BO);

  bool VisitUnaryOperator(UnaryOperator *UO);

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC);

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC);

  // --- calls, arguments, callables ----------------------------------------------------------

  bool VisitCallExpr(CallExpr *CE);

  bool VisitCXXConstructExpr(CXXConstructExpr *CE);

  bool VisitReturnStmt(ReturnStmt *RS);

  bool VisitVarDecl(VarDecl *VD);

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S);

  // Plain reads of state: what a function depends on.
  bool VisitDeclRefExpr(DeclRefExpr *DRE);

  bool VisitMemberExpr(MemberExpr *ME);

private:
  struct Frame {
    Frame(const FunctionDecl *Fn, std::string Id, const LambdaExpr *Lambda)
        : fn(Fn), id(std::move(Id)), lambda(Lambda) {}
    const FunctionDecl *fn = nullptr;
    std::string id;
    const LambdaExpr *lambda = nullptr;
  };

  using Handed = HandedCallable;

  std::string currentFunction() const { return Frames.empty() ? std::string() : Frames.back().id; }

  /// Traverses an expression whose value decides what a request gets.
  bool traverseDeciding(Stmt *S);

  void markDiscarded(const Stmt *S);

  bool isKeyed(QualType T) const;

  static bool isIteratorLike(QualType T);


  bool isVirtualCall(const CallExpr *CE, const FunctionDecl *FD) const;

  /// A statement run on a database handle (the knowledge's database-statements): a write of
  /// the state holding the handle, judged by the link against where it was opened.
  void databaseStatement(const CallExpr *CE, const FunctionDecl *FD);
  void callEdge(const FunctionDecl *FD, const Expr *At, CallKind Kind);

  /// Arguments bound to non-const references or pointers may be written by the callee;
  /// callables among the arguments are handed to it.
  /// Parameter `Param` of `FD` is a forwarding reference (`T &&`, T the function's own).
  static bool isForwardingReference(const FunctionDecl *FD, unsigned Param);
  /// Project code creates objects of this class, at `At`.
  void noteInstantiated(const CXXRecordDecl *RD, SourceLocation At);

  /// The field of `this` an expression names (`p_`, `p_.get()`, `bool(p_)`), or null.
  static const FieldDecl *thisField(const Expr *E);
  /// The field of `this` a condition finds empty (`!p_`, `p_ == nullptr`, `!p_.get()`), or null.
  const FieldDecl *testedEmpty(const Expr *Cond);
  /// `Target = Value` (or `Target.reset(Value)`): when Target is a field an enclosing `if` found
  /// empty, what Value creates is made once, on first use.
  void noteStore(const Expr *Target, const Expr *Value);
  bool madeOnce(SourceLocation At) const;
  void handleArguments(const FunctionDecl *FD, llvm::ArrayRef<const Expr *> Args,
                       unsigned ParamOffset, const Expr *Call);


  std::string calleeName(const FunctionDecl *FD) const;

  std::string calleeQualifiedName(const FunctionDecl *FD);

  void addCallable(const Handed &H, std::string CalleeName, std::string Callee,
                   std::string Label, bool Stored, SourceLocation At);

  /// `handler_ = [this]{...}`: a callable kept in a field or variable, named by it.
  void storedCallables(const Expr *LHS, const Expr *RHS, const Expr *At);



  const FunctionDecl *enclosingMethod() const;







  void record(const Chain &C, AccessKind Kind, const Expr *At, const Operation &Op,
              bool KeyIsSession = false);

  /// `sessions_.size() >= kMaxSessions`: state compared with a constant cap.
  void limitCheck(const Expr *Side, const Expr *Other, const Expr *At);

  ExtractContext &Ctx;
  ASTContext &AST;
  std::vector<const FieldDecl *> EmptyFields; // found empty by the enclosing `if`s
  std::vector<SourceRange> OnceStores;        // values stored into them
  std::vector<Frame> Frames;
  std::vector<std::unique_ptr<FreshObjects>> Receivers; // one per function body being traversed
  llvm::DenseSet<const Stmt *> OnceInits; // initialisers of function-local statics
  llvm::DenseSet<const Stmt *> Handled;   // parts of an access already recorded
  llvm::DenseSet<const Stmt *> Discarded; // expression statements whose value is unused
  AccessPaths Paths;
  CallableFinder Callables;
  unsigned Deciding = 0;
};

} // namespace sa
