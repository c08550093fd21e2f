// Per-TU extraction state shared by the checks: turns Clang declarations and locations into the
// ids and project-relative locations that facts carry, and decides what is the project's code.
#pragma once

#include "facts/Facts.h"
#include "facts/Knowledge.h"
#include "facts/LibraryNames.h"
#include "support/Paths.h"

#include "clang/AST/Type.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class CXXRecordDecl;
class Decl;
class FieldDecl;
class VarDecl;
class FunctionDecl;
class NamedDecl;
class Preprocessor;
class SourceManager;
class Stmt;
class Expr;
class ValueDecl;
} // namespace clang

namespace sa {

class StmtPlaces;

class ExtractContext {
public:
  ExtractContext(const ProjectPaths &Paths, TUFacts &Facts,
                 const Knowledge &Libraries = builtinKnowledge());
  ~ExtractContext();

  /// Library APIs that write local files (embedded databases, mapped files).
  const std::vector<PersistenceApi> &persistence() const { return Libraries.persistence; }
  /// Statements run on an open database handle.
  const std::vector<StoreStatement> &statements() const { return Libraries.statements; }
  /// Clients of external stores, by class name.
  const StoreClientNames &storeClients() const { return Clients; }
  /// Connection pools, by class name.
  const PoolClassNames &poolClasses() const { return Pools; }

  /// The value of an object-like macro defined as one integer (O_CREAT, SQLITE_OPEN_CREATE).
  std::optional<std::int64_t> macroValue(llvm::StringRef Name);
  /// Whether an integer argument has one of the test's flags: true, false, or nullopt when the
  /// argument is not a constant. `Set` receives the flags found ("A|B").
  std::optional<bool> flagTest(const clang::CallExpr *Call, const FlagTest &T, std::string &Set);

  void attach(clang::ASTContext &Ctx, clang::Preprocessor &PP);
  clang::ASTContext &ast() const { return *Ctx; }
  bool attached() const { return Ctx != nullptr; }
  clang::Preprocessor &preprocessor() const { return *PP; }
  const clang::SourceManager &sourceManager() const;
  const ProjectPaths &paths() const { return Paths; }
  TUFacts &facts() { return Facts; }
  /// Room for `Functions` more function facts and `Accesses` more accesses, growing the
  /// lists at least twofold when they must grow (so that many small requests stay linear).
  void makeRoom(size_t Functions, size_t Accesses);

  /// Project location of a token (the outermost macro expansion for macro-made code), or
  /// nullopt for system headers, excluded directories and files outside the root. The end
  /// column is exclusive.
  std::optional<SourceLoc> projectLoc(clang::SourceLocation Loc);
  std::optional<SourceLoc> projectRange(clang::SourceRange R);
  /// The same for an expression's range, found without asking clang per operator: clang
  /// finds the start and end of `a = a = ... = a` by walking its operands, so asking for each
  /// of 300 000 nested operators was quadratic. Starts and ends of operator chains are kept.
  std::optional<SourceLoc> projectRange(const clang::Stmt *S);
  bool isProjectCode(clang::SourceLocation Loc);

  /// Facts id of a declaration: its USR, qualified by file for internal linkage (two `static
  /// int n;` in different .cpp files are different variables, one in a header is one).
  std::string declId(const clang::Decl *D);
  /// Id of a function: the uninstantiated pattern's, so every instantiation is one function;
  /// lambdas get "lambda:<file>:<line>:<col>".
  std::string functionId(const clang::FunctionDecl *FD);
  /// Id of a class: the pattern's for template specialisations.
  std::string recordId(const clang::CXXRecordDecl *RD);

  /// "Server::start", "lambda in Server::start".
  std::string functionName(const clang::FunctionDecl *FD);
  /// A function as a scope for qualified names: "Server::start::(lambda)".
  std::string scopeName(const clang::FunctionDecl *FD);
  std::string qualifiedName(const clang::NamedDecl *D);
  std::string typeName(clang::QualType T) const;

  /// Records a FunctionFact for `FD` once per TU; returns its id ("" for null).
  std::string noteFunction(const clang::FunctionDecl *FD);
  /// The FunctionFact recorded for `Id` in this TU, or null.
  FunctionFact *functionFact(const std::string &Id);
  /// Records a RecordFact for a project class once per TU; returns its id ("" when not project).
  std::string noteRecord(const clang::CXXRecordDecl *RD);

  /// Id of a non-static data member (the template pattern's for class templates).
  std::string fieldId(const clang::FieldDecl *F);
  /// Id of the copy of `V` kept in a mutable lambda's closure (by-copy and init captures).
  std::string closureStateId(const clang::CXXRecordDecl *Closure, const clang::VarDecl *V);
  /// True for a class defined in the project's own code (not a lambda).
  bool isProjectRecord(const clang::CXXRecordDecl *RD);
  /// The shape of a type, with "library" meaning code outside the project.
  TypeShape shape(clang::QualType T);
  /// A reference that holds state on its object's behalf: one naming library data (a map, a
  /// string, a counter). References to the project's objects or to library objects (a
  /// server, a client) name something that lives, and is judged, elsewhere.
  bool referenceHoldsData(clang::QualType T);

  /// The function whose body contains `D` (lambdas' call operators included), or null.
  static const clang::FunctionDecl *enclosingFunction(const clang::Decl *D);
  /// The function around a call, construction or return statement (a lambda's call operator
  /// inside a lambda), or null outside functions: the matchers' forFunction without their
  /// parent map. The index is built on first use over the AST's traversal scope.
  const clang::FunctionDecl *functionOf(const clang::Stmt *S);
  /// The variable a call or construction initialises (`FILE *f = fopen(...)`), or null; with
  /// ThroughCleanups also when its temporaries are destroyed at the end of the declaration.
  const clang::VarDecl *initialisedVar(const clang::Expr *E, bool ThroughCleanups = false);

  /// A function whose body the traversal read (its id); what dropStatelessCalls may
  /// summarise.
  void noteDefinition(const std::string &Id) { Defined.insert(Id); }
  const std::set<std::string> &definedFunctions() const { return Defined; }

  /// The field of the class template pattern that `F` was instantiated from (or `F`).
  static const clang::FieldDecl *patternField(const clang::FieldDecl *F);
  /// "ns::C<int>::f" -> "ns::C::f": template arguments left out, for name patterns.
  static std::string withoutTemplateArgs(llvm::StringRef Name);

private:
  std::optional<std::string> projectFile(clang::FileID FID);
  /// Where `S` starts (First) or ends, remembered for operator chains.
  clang::SourceLocation chainLoc(const clang::Stmt *S, bool First);
  clang::PrintingPolicy namePolicy() const;
  /// "main()::(anonymous class)::" for a context inside a function, built once per context.
  const std::string &localScopePrefix(const clang::DeclContext *DC);
  std::string lambdaId(const clang::CXXRecordDecl *Closure);

  const ProjectPaths &Paths;
  TUFacts &Facts;
  const Knowledge &Libraries;
  StoreClientNames Clients;
  PoolClassNames Pools;
  std::map<std::string, std::optional<std::int64_t>> MacroCache;
  clang::ASTContext *Ctx = nullptr;
  clang::Preprocessor *PP = nullptr;
  llvm::DenseMap<clang::FileID, std::optional<std::string>> FileCache;
  llvm::DenseMap<const clang::Stmt *, clang::SourceLocation> Begins, Ends; // of operator chains
  // Names, once per declaration: a lambda's is built on its enclosing function's.
  llvm::DenseMap<const clang::DeclContext *, std::string> ScopePrefixes;
  llvm::DenseMap<const clang::FunctionDecl *, std::string> FunctionNames, ScopeNames;
  llvm::DenseSet<const clang::Decl *> NotedFunctions;
  llvm::DenseMap<llvm::StringRef, size_t> FunctionIndex; // id -> index in Facts.functions
  std::deque<std::string> FunctionIds;                    // owns the keys of FunctionIndex
  llvm::DenseSet<const clang::Decl *> NotedRecords;
  std::set<std::string> Defined;
  std::unique_ptr<StmtPlaces> Places;
  StmtPlaces &places();
};

} // namespace sa
