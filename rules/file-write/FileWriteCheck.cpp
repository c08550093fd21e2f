#include "rules/file-write/FileWriteCheck.h"

#include "model/AccessPaths.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/GlobPattern.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace sa {

namespace {

// C and POSIX calls that change the filesystem whatever their arguments.
const char *const ModifyingCalls[] = {
    "::rename",   "::renameat", "::renameat2", "::remove",   "::unlink",    "::unlinkat",
    "::mkdir",    "::mkdirat",  "::rmdir",     "::truncate", "::truncate64", "::link",
    "::linkat",   "::symlink",  "::symlinkat", "::mkstemp",  "::mkstemps",  "::mkostemp",
    "::mkostemps", "::mkdtemp", "::mkfifo",    "::mknod",    "::chmod",     "::fchmodat",
    "::chown",    "::lchown",   "::fchownat",  "::utime",    "::utimes",    "::utimensat"};

// std::filesystem functions that create, copy, rename, remove, resize or change permissions.
const char *const FilesystemCalls[] = {
    "::std::filesystem::create_directory",  "::std::filesystem::create_directories",
    "::std::filesystem::create_hard_link",  "::std::filesystem::create_symlink",
    "::std::filesystem::create_directory_symlink", "::std::filesystem::copy",
    "::std::filesystem::copy_file",         "::std::filesystem::copy_symlink",
    "::std::filesystem::rename",            "::std::filesystem::remove",
    "::std::filesystem::remove_all",        "::std::filesystem::resize_file",
    "::std::filesystem::permissions",       "::std::filesystem::last_write_time"};

const char *const StreamClasses[] = {"::std::basic_ofstream", "::std::basic_fstream",
                                     "::std::basic_ifstream", "::std::basic_filebuf"};

const Expr *strip(const Expr *E) { return E ? E->IgnoreParenImpCasts() : nullptr; }

/// A string literal, directly or through a constant variable initialised with one.
const StringLiteral *stringValue(const Expr *E, const ASTContext &Ctx) {
  for (int Depth = 0; E && Depth < 6; ++Depth) {
    E = strip(E);
    if (const auto *S = dyn_cast<StringLiteral>(E))
      return S;
    if (const auto *C = dyn_cast<CXXConstructExpr>(E); C && C->getNumArgs() >= 1) {
      E = C->getArg(0);
      continue;
    }
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = M->getSubExpr();
      continue;
    }
    if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = B->getSubExpr();
      continue;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    // Only a variable that cannot be reassigned has its initialiser's value.
    if (!VD || !(VD->isConstexpr() || VD->getType().isConstant(Ctx)))
      return nullptr;
    E = VD->getInit();
  }
  return nullptr;
}

std::string exprText(const Expr *E, const ASTContext &Ctx) {
  if (const StringLiteral *S = stringValue(E, Ctx))
    return S->getString().str();
  E = strip(E);
  // path.c_str(), p.string(): the path is the object.
  while (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    if (!M || MC->getNumArgs() != 0 || !M->getIdentifier() ||
        !llvm::is_contained({"c_str", "data", "string", "native", "u8string"}, M->getName()))
      break;
    E = strip(MC->getImplicitObjectArgument());
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl()->getNameAsString();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl()->getNameAsString();
  CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
  llvm::StringRef Text = Lexer::getSourceText(R, Ctx.getSourceManager(), Ctx.getLangOpts());
  if (Text.size() > 60 || Text.contains('\n'))
    return {};
  return Text.str();
}

bool mentionsLog(llvm::StringRef S) {
  std::string L = S.lower();
  return llvm::StringRef(L).contains("log") || llvm::StringRef(L).contains("journal");
}

} // namespace

void FileWriteCheck::registerMatchers(MatchFinder &Finder) {
  auto InProjectFunction = optionally(inFunction(&Ctx, functionDecl().bind("fn")));
  auto Holder = optionally(initialises(&Ctx, varDecl().bind("holder")));
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName("::fopen", "::fopen64", "::freopen",
                                              "::freopen64", "::fdopen"),
                                   isExpansionInSystemHeader())
                          .bind("stdio")),
               InProjectFunction, Holder)
          .bind("call"),
      this);
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName("::open", "::open64", "::openat", "::openat64",
                                              "::creat", "::creat64"),
                                   isExpansionInSystemHeader())
                          .bind("posix")),
               InProjectFunction, Holder)
          .bind("call"),
      this);
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName(std::vector<llvm::StringRef>(
                                       std::begin(ModifyingCalls), std::end(ModifyingCalls))),
                                   isExpansionInSystemHeader())
                          .bind("modify")),
               InProjectFunction)
          .bind("call"),
      this);
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName(std::vector<llvm::StringRef>(
                                       std::begin(FilesystemCalls), std::end(FilesystemCalls))))
                          .bind("fs")),
               InProjectFunction)
          .bind("call"),
      this);
  // Embedded databases, memory-mapped files, ...: the knowledge's file-writes.
  std::vector<llvm::StringRef> PersistenceNames;
  for (const PersistenceApi &A : Ctx.persistence())
    PersistenceNames.push_back(A.function);
  if (!PersistenceNames.empty())
    Finder.addMatcher(
        callExpr(callee(functionDecl(hasAnyName(PersistenceNames)).bind("persist")),
                 InProjectFunction, Holder)
            .bind("call"),
        this);
  auto StreamClass = classTemplateSpecializationDecl(hasAnyName(
      std::vector<llvm::StringRef>(std::begin(StreamClasses), std::end(StreamClasses))));
  Finder.addMatcher(
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(StreamClass.bind("class")))
                                          .bind("ctor")),
                       InProjectFunction, Holder)
          .bind("construct"),
      this);
  Finder.addMatcher(
      cxxMemberCallExpr(callee(cxxMethodDecl(hasName("open"), ofClass(StreamClass.bind("class")))),
                        InProjectFunction,
                        optionally(on(declRefExpr(to(varDecl().bind("holder"))))))
          .bind("member-open"),
      this);
}


FileWriteCheck::Mode FileWriteCheck::stdioMode(const Expr *E) {
  Mode M;
  const StringLiteral *S = stringValue(E, Ctx.ast());
  if (!S)
    return M;
  M.Known = true;
  M.Text = S->getString().str();
  M.Writes = M.Text.find_first_of("wa+") != std::string::npos;
  M.Append = M.Text.find('a') != std::string::npos;
  return M;
}

/// Decodes an ios_base::openmode expression written with the named flags (ios::out |
/// ios::app, ...), directly or through constant variables. Anything else is unknown.
FileWriteCheck::Mode FileWriteCheck::streamMode(const Expr *E, llvm::StringRef StreamClass) {
  Mode M;
  if (!E || isa<CXXDefaultArgExpr>(E)) {
    // The constructor's or open()'s default mode for this class.
    M.Known = true;
    M.Writes = StreamClass != "basic_ifstream";
    M.Text = StreamClass == "basic_fstream"    ? "ios::in|ios::out"
             : StreamClass == "basic_ifstream" ? "ios::in"
                                               : "ios::out";
    return M;
  }
  std::vector<std::string> Flags;
  std::function<bool(const Expr *, int)> Walk = [&](const Expr *X, int Depth) -> bool {
    if (Depth > 8)
      return false;
    X = strip(X);
    if (const auto *B = dyn_cast<BinaryOperator>(X))
      return B->getOpcode() == BO_Or && Walk(B->getLHS(), Depth + 1) &&
             Walk(B->getRHS(), Depth + 1);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(X))
      return Op->getOperator() == OO_Pipe && Op->getNumArgs() == 2 &&
             Walk(Op->getArg(0), Depth + 1) && Walk(Op->getArg(1), Depth + 1);
    if (const auto *C = dyn_cast<CXXConstructExpr>(X))
      return C->getNumArgs() == 1 && Walk(C->getArg(0), Depth + 1);
    const auto *DRE = dyn_cast<DeclRefExpr>(X);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD)
      return false;
    if (VD->isStaticDataMember()) {
      const auto *RD = dyn_cast<CXXRecordDecl>(VD->getDeclContext());
      if (RD && RD->getName() == "ios_base") {
        Flags.push_back(VD->getNameAsString());
        return true;
      }
    }
    if ((VD->isConstexpr() || VD->getType().isConstQualified()) && VD->getInit())
      return Walk(VD->getInit(), Depth + 1);
    return false;
  };
  if (!Walk(E, 0))
    return M;
  M.Known = true;
  bool In = StreamClass == "basic_ifstream", Out = StreamClass == "basic_ofstream";
  for (const std::string &F : Flags) {
    M.Text += (M.Text.empty() ? "" : "|") + ("ios::" + F);
    if (F == "out" || F == "trunc")
      Out = true;
    if (F == "app")
      Out = M.Append = true;
    if (F == "in")
      In = true;
  }
  (void)In;
  M.Writes = Out;
  return M;
}

/// Decodes open()'s flags by evaluating them and comparing with this platform's O_* macros.
FileWriteCheck::Mode FileWriteCheck::openFlags(const Expr *E, bool AlwaysWrites) {
  Mode M;
  if (AlwaysWrites) { // creat() is open(O_CREAT|O_WRONLY|O_TRUNC)
    M.Known = M.Writes = true;
    M.Text = "O_CREAT|O_WRONLY|O_TRUNC";
    return M;
  }
  Expr::EvalResult R;
  if (!E || E->isValueDependent() || !E->EvaluateAsInt(R, Ctx.ast()))
    return M;
  std::int64_t V = R.Val.getInt().getExtValue();
  struct Flag {
    const char *Name;
    std::int64_t Fallback; // Linux values, when the macro is not visible
  };
  const Flag AccessFlags[] = {{"O_WRONLY", 01}, {"O_RDWR", 02}};
  const Flag OtherFlags[] = {{"O_CREAT", 0100}, {"O_TRUNC", 01000}, {"O_APPEND", 02000}};
  std::int64_t AccMode = Ctx.macroValue("O_ACCMODE").value_or(03);
  M.Known = true;
  for (const Flag &F : AccessFlags) {
    std::int64_t Bit = Ctx.macroValue(F.Name).value_or(F.Fallback);
    if ((V & AccMode) == Bit) {
      M.Writes = true;
      M.Text = F.Name;
    }
  }
  if (M.Text.empty())
    M.Text = "O_RDONLY";
  for (const Flag &F : OtherFlags) {
    std::int64_t Bit = Ctx.macroValue(F.Name).value_or(F.Fallback);
    if (V & Bit) {
      M.Writes = true;
      M.Text += std::string("|") + F.Name;
      if (llvm::StringRef(F.Name) == "O_APPEND")
        M.Append = true;
    }
  }
  return M;
}

void FileWriteCheck::record(const MatchFinder::MatchResult &Result, const Stmt *Call,
                            const FunctionDecl *Fn, std::string Api, FileOpKind Kind,
                            const Mode &M, const Expr *PathArg, llvm::StringRef HolderName,
                            std::string Store, std::string Handle) {
  std::optional<SourceLoc> Loc = Ctx.projectRange(Call->getSourceRange());
  if (!Loc)
    return;
  FileOp Op;
  Op.function = Ctx.noteFunction(Fn);
  Op.api = std::move(Api);
  Op.kind = Kind;
  Op.mode = M.Text;
  Op.append = M.Append;
  Op.target = PathArg ? exprText(PathArg, *Result.Context) : std::string();
  Op.logLike = mentionsLog(Op.target) || mentionsLog(HolderName);
  Op.store = std::move(Store);
  Op.handle = std::move(Handle);
  Op.loc = *Loc;
  // The region is the call's first line: a finding points at where the call starts.
  if (Op.loc.endLine != Op.loc.line) {
    Op.loc.endLine = Op.loc.line;
    Op.loc.endColumn = Op.loc.column + 1;
  }
  Ctx.facts().fileOps.push_back(std::move(Op));
}

/// The knowledge entry a call's callee is: its qualified name, or that name's last components.
static const PersistenceApi *persistenceApi(const std::vector<PersistenceApi> &Apis,
                                            const FunctionDecl *F) {
  std::string Qualified = F->getQualifiedNameAsString();
  for (const PersistenceApi &A : Apis)
    if (namesFunction(A.function, Qualified))
      return &A;
  return nullptr;
}


void FileWriteCheck::recordPersistence(const MatchFinder::MatchResult &Result,
                                       const CallExpr *Call, const FunctionDecl *F,
                                       const FunctionDecl *Fn, llvm::StringRef HolderName) {
  // The project's own class with a method of that name is not the library.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(F); MD && Ctx.isProjectRecord(MD->getParent()))
    return;
  const PersistenceApi *Api = persistenceApi(Ctx.persistence(), F);
  if (!Api)
    return;
  const Expr *PathArg =
      Api->pathArg >= 0 && static_cast<unsigned>(Api->pathArg) < Call->getNumArgs()
          ? Call->getArg(Api->pathArg)
          : nullptr;
  std::string Handle = handleState(Call, Api->handleArg);
  // An in-memory database is instance state held in memory, not a file on disk: the open is
  // kept (without a finding of its own) for the statements later run on its handle.
  auto InMemory = [&] {
    if (!Handle.empty())
      record(Result, Call, Fn, F->getQualifiedNameAsString(), FileOpKind::OpenMemory, Mode(),
             PathArg, HolderName, Api->library, Handle);
  };
  if (const StringLiteral *S = PathArg ? stringValue(PathArg, *Result.Context) : nullptr)
    for (const std::string &G : Api->memoryPaths)
      if (auto P = llvm::GlobPattern::create(G); P && P->match(S->getString()))
        return InMemory();
  Mode M;
  M.Known = true;
  M.Writes = true;
  std::string Ignored;
  for (const FlagTest &T : Api->memoryWhen)
    if (Ctx.flagTest(Call, T, Ignored).value_or(false))
      return InMemory();
  for (const FlagTest &T : Api->readOnlyWhen) {
    std::optional<bool> R = Ctx.flagTest(Call, T, Ignored);
    if (R.value_or(false))
      return;
    if (!R)
      M.Known = false;
  }
  for (const FlagTest &T : Api->writesWhen) {
    std::optional<bool> W = Ctx.flagTest(Call, T, M.Text);
    if (W && !*W)
      return; // a read-only open, a private mapping
    if (!W)
      M.Known = false;
  }
  if (!M.Known)
    M.Text.clear();
  record(Result, Call, Fn, F->getQualifiedNameAsString(),
         M.Known ? FileOpKind::OpenWrite : FileOpKind::OpenUnknown, M, PathArg, HolderName,
         Api->library, Handle);
}

std::string FileWriteCheck::handleState(const CallExpr *Call, int Arg) {
  if (Arg < 0 || static_cast<unsigned>(Arg) >= Call->getNumArgs())
    return {};
  const Expr *X = skipImplicit(Call->getArg(Arg));
  if (const auto *U = dyn_cast<UnaryOperator>(X); U && U->getOpcode() == UO_AddrOf)
    X = skipImplicit(U->getSubExpr());
  AccessPaths Paths(Ctx, nullptr);
  std::optional<Target> T = Paths.interpret(Paths.chainOf(X));
  return T ? T->id : std::string();
}

void FileWriteCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  const auto *Holder = Result.Nodes.getNodeAs<VarDecl>("holder");
  llvm::StringRef HolderName = Holder ? Holder->getName() : llvm::StringRef();
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call")) {
    if (Call->containsErrors())
      return;
    auto Arg = [&](unsigned I) -> const Expr * {
      return I < Call->getNumArgs() ? Call->getArg(I) : nullptr;
    };
    if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("stdio")) {
      Mode M = stdioMode(Arg(1));
      if (M.Known && !M.Writes)
        return;
      record(Result, Call, Fn, F->getNameAsString(),
             M.Known ? FileOpKind::OpenWrite : FileOpKind::OpenUnknown, M,
             F->getName() == "fdopen" ? nullptr : Arg(0), HolderName);
      return;
    }
    if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("posix")) {
      bool At = F->getName().starts_with("openat");
      bool Creat = F->getName().starts_with("creat");
      Mode M = openFlags(Arg(At ? 2 : 1), Creat);
      if (M.Known && !M.Writes)
        return;
      record(Result, Call, Fn, F->getNameAsString(),
             M.Known ? FileOpKind::OpenWrite : FileOpKind::OpenUnknown, M, Arg(At ? 1 : 0),
             HolderName);
      return;
    }
    if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("modify")) {
      // The *at variants take a directory descriptor first; the path comes next.
      llvm::StringRef Name = F->getName();
      bool DirFirst = Name.ends_with("at") && Name != "symlinkat" && Name != "creat";
      record(Result, Call, Fn, F->getNameAsString(), FileOpKind::Modify, Mode{},
             Arg(DirFirst ? 1 : 0), HolderName);
      return;
    }
    if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("persist")) {
      recordPersistence(Result, Call, F, Fn, HolderName);
      return;
    }
    if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("fs")) {
      // last_write_time(p) reads; only the overloads given a new time change the file.
      if (F->getName() == "last_write_time" &&
          (Call->getNumArgs() < 2 ||
           (Call->getArg(1)->getType()->getAsCXXRecordDecl() &&
            Call->getArg(1)->getType()->getAsCXXRecordDecl()->getName() == "error_code")))
        return;
      record(Result, Call, Fn, "std::filesystem::" + F->getNameAsString(), FileOpKind::Modify,
             Mode{}, Arg(0), HolderName);
      return;
    }
  }
  const auto *Class = Result.Nodes.getNodeAs<ClassTemplateSpecializationDecl>("class");
  llvm::StringRef ClassName = Class->getSpecializedTemplate()->getName();
  // basic_ofstream<wchar_t> is std::wofstream.
  bool Wide = Class->getTemplateArgs().size() > 0 &&
              Class->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
              Class->getTemplateArgs()[0].getAsType()->isWideCharType();
  std::string Api = std::string("std::") + (Wide ? "w" : "") +
                    ClassName.drop_front(strlen("basic_")).str();
  if (const auto *Construct = Result.Nodes.getNodeAs<CXXConstructExpr>("construct")) {
    const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructorDecl>("ctor");
    // Only the constructors given a file name open a file (not default, copy or move).
    if (Construct->getNumArgs() == 0 || Ctor->isCopyOrMoveConstructor() ||
        ClassName == "basic_filebuf" || Construct->containsErrors())
      return;
    Mode M = streamMode(Construct->getNumArgs() > 1 ? Construct->getArg(1) : nullptr, ClassName);
    if (M.Known && !M.Writes)
      return;
    record(Result, Construct, Fn, Api,
           M.Known ? FileOpKind::OpenWrite : FileOpKind::OpenUnknown, M, Construct->getArg(0),
           HolderName);
    return;
  }
  if (const auto *Open = Result.Nodes.getNodeAs<CXXMemberCallExpr>("member-open")) {
    if (Open->getNumArgs() == 0 || Open->containsErrors())
      return;
    Mode M = streamMode(Open->getNumArgs() > 1 ? Open->getArg(1) : nullptr, ClassName);
    if (M.Known && !M.Writes)
      return;
    if (!Holder)
      if (const auto *ME = dyn_cast<MemberExpr>(Open->getCallee()->IgnoreParenImpCasts()))
        if (const auto *Base = dyn_cast<MemberExpr>(ME->getBase()->IgnoreParenImpCasts()))
          HolderName = Base->getMemberDecl()->getName();
    record(Result, Open, Fn, Api + "::open",
           M.Known ? FileOpKind::OpenWrite : FileOpKind::OpenUnknown, M, Open->getArg(0),
           HolderName);
  }
}

} // namespace sa

namespace sa {
std::unique_ptr<Check> makeFileWriteCheck(ExtractContext &Ctx) { return std::make_unique<FileWriteCheck>(Ctx); }
} // namespace sa
