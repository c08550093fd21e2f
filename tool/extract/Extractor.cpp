#include "extract/Extractor.h"

#include "facts/StatelessCode.h"

#include "model/BehaviorCollector.h"
#include "model/ExtractContext.h"
#include "rules/Checks.h"
#include "rules/session-state/SessionKeys.h"
#include "rules/suppression/SuppressionCollector.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/FileManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace clang;

namespace sa {

namespace {

/// Keeps the first error of a TU and counts them; prints nothing.
class ErrorCollector : public DiagnosticConsumer {
public:
  explicit ErrorCollector(const ProjectPaths &Paths) : Paths(Paths) {}

  void HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error || !First.empty())
      return;
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      const SourceManager &SM = Info.getSourceManager();
      PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Info.getLocation()));
      if (P.isValid())
        Where = Paths.display(canonicalPath(P.getFilename())) + ":" +
                std::to_string(P.getLine()) + ":" + std::to_string(P.getColumn()) + ": ";
    }
    First = Where + "error: " + std::string(Message);
  }

  std::string First;

private:
  const ProjectPaths &Paths;
};

class ExtractConsumer : public ASTConsumer {
public:
  ExtractConsumer(ExtractContext &Ctx, CompilerInstance &CI, const ExtractOptions &Options)
      : Ctx(Ctx), CI(CI), Options(Options), Suppressions(Ctx) {
    Checks = createChecks(Ctx);
    for (auto &C : Checks) {
      C->registerMatchers(Finder);
      C->registerPPCallbacks(CI.getPreprocessor());
    }
    CI.getPreprocessor().addCommentHandler(&Suppressions);
    if (Options.Library && Options.SkipForeignBodies)
      CI.getPreprocessor().addPPCallbacks(
          std::make_unique<IncludeTracker>(CI.getSourceManager(), Includes));
  }
  ~ExtractConsumer() override { CI.getPreprocessor().removeCommentHandler(&Suppressions); }

  void Initialize(ASTContext &Context) override { Ctx.attach(Context, CI.getPreprocessor()); }

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    for (Decl *D : DG)
      if (Ctx.isProjectCode(D->getLocation()))
        TopLevel.push_back(D);
    return true;
  }

  void HandleTranslationUnit(ASTContext &Context) override {
    // Only the project's own declarations are traversed: findings cannot live in system or
    // third-party headers, and skipping them is most of the work of a TU.
    Context.setTraversalScope(TopLevel);
    Finder.matchAST(Context);
    for (auto &C : Checks)
      C->onEndOfTranslationUnit();
    BehaviorCollector(Ctx, [](const clang::Expr *E) { return isSessionKey(E); }).collect(Context);
  }

  bool shouldSkipFunctionBody(Decl *D) override {
    if (!Options.SkipForeignBodies)
      return false;
    if (!Ctx.isProjectCode(D->getLocation()))
      return true;
    const FunctionDecl *FD = D->getAsFunction();
    return Options.Library && FD && !FD->isTemplated() && isLibraryCode(D->getLocation());
  }

private:
  /// Library code whose bodies may be skipped: a library file that has included none of the
  /// project's own files so far. One that does may be the project's code in a folder named
  /// like a vendored one (src/external/), or glue that calls the project: its bodies from there
  /// on are read.
  bool isLibraryCode(SourceLocation Loc) {
    const SourceManager &SM = CI.getSourceManager();
    FileID File = SM.getFileID(SM.getExpansionLoc(Loc));
    auto Library = [&](FileID F) {
      std::optional<SourceLoc> L = Ctx.projectLoc(SM.getLocForStartOfFile(F));
      return L && Options.Library->why(L->file).has_value();
    };
    auto [It, New] = LibraryFiles.try_emplace(File);
    LibraryFile &State = It->second;
    if (New)
      State.library = Library(File);
    if (!State.library)
      return false;
    // Only the includes seen since the last question: a file's includes come as it is read.
    if (auto Included = Includes.find(File); Included != Includes.end())
      for (; State.seen < Included->second.size(); ++State.seen) {
        FileID Child = Included->second[State.seen];
        if (Ctx.isProjectCode(SM.getLocForStartOfFile(Child)) && !Library(Child)) {
          State.library = false;
          return false;
        }
      }
    return true;
  }

  /// Records which file includes which, for isLibraryCode.
  class IncludeTracker : public PPCallbacks {
  public:
    IncludeTracker(const SourceManager &SM, llvm::DenseMap<FileID, std::vector<FileID>> &Into)
        : SM(SM), Into(Into) {}
    void FileChanged(SourceLocation Loc, FileChangeReason Reason, SrcMgr::CharacteristicKind,
                     FileID PrevFID) override {
      if (Reason == EnterFile && PrevFID.isValid())
        Into[PrevFID].push_back(SM.getFileID(Loc));
    }

  private:
    const SourceManager &SM;
    llvm::DenseMap<FileID, std::vector<FileID>> &Into;
  };

  ExtractContext &Ctx;
  CompilerInstance &CI;
  const ExtractOptions &Options;
  struct LibraryFile {
    bool library = false; // library code that has included none of the project's files
    size_t seen = 0;      // includes already looked at
  };
  llvm::DenseMap<FileID, LibraryFile> LibraryFiles;
  llvm::DenseMap<FileID, std::vector<FileID>> Includes;
  ast_matchers::MatchFinder Finder;
  std::vector<std::unique_ptr<Check>> Checks;
  std::vector<Decl *> TopLevel;
  SuppressionCollector Suppressions;
};

class ExtractAction : public ASTFrontendAction {
public:
  ExtractAction(ExtractContext &Ctx, const ExtractOptions &Options)
      : Ctx(Ctx), Options(Options) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    if (Options.SkipForeignBodies)
      CI.getFrontendOpts().SkipFunctionBodies = true;
    // Errors are reported once per TU by the collector; clang's "N errors generated." would
    // be a second, unasked-for line.
    CI.getDiagnosticOpts().ShowCarets = false;
    return std::make_unique<ExtractConsumer>(Ctx, CI, Options);
  }

private:
  ExtractContext &Ctx;
  const ExtractOptions &Options;
};

/// Every file the TU opened (sources, headers, the files of included headers): canonical,
/// sorted, each once.
std::vector<std::string> filesRead(FileManager &Files) {
  std::vector<std::string> Out;
  llvm::SmallVector<OptionalFileEntryRef> Seen;
  Files.GetUniqueIDMapping(Seen);
  for (OptionalFileEntryRef F : Seen) {
    if (!F)
      continue;
    llvm::SmallString<256> Abs(F->getName());
    Files.makeAbsolutePath(Abs);
    Out.push_back(canonicalPath(Abs));
  }
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

/// The project's files among `Read` that are library code, root-relative and sorted.
std::vector<std::string> libraryFiles(const std::vector<std::string> &Read,
                                      const ProjectPaths &Paths, LibraryCode &Library) {
  std::vector<std::string> Out;
  for (const std::string &File : Read)
    if (std::optional<std::string> Relative = Paths.projectRelative(File))
      if (Library.why(*Relative))
        Out.push_back(std::move(*Relative));
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// Runs the action on the invocation the driver made, after taking out of it everything that
/// would write a file or load one as code: whatever reached the driver, the parse reads
/// sources and headers only. (The command adjuster already keeps only options that shape the
/// parse; this holds even for an option it let through by mistake.)
class ReadOnlyAction : public tooling::FrontendActionFactory {
public:
  ReadOnlyAction(ExtractContext &Ctx, const ExtractOptions &Options)
      : Ctx(Ctx), Options(Options) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<ExtractAction>(Ctx, Options);
  }

  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation, FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    makeReadOnly(*Invocation);
    return FrontendActionFactory::runInvocation(std::move(Invocation), Files,
                                                std::move(PCHContainerOps), DiagConsumer);
  }

private:
  static void makeReadOnly(CompilerInvocation &CI) {
    CI.getDependencyOutputOpts() = DependencyOutputOptions(); // -MD, -MF, -H to a file, ...
    DiagnosticOptions &Diags = CI.getDiagnosticOpts();
    Diags.DiagnosticSerializationFile.clear();
    Diags.DiagnosticLogFile.clear();
    FrontendOptions &Front = CI.getFrontendOpts();
    Front.OutputFile.clear();
    Front.StatsFile.clear();
    Front.TimeTracePath.clear();
    Front.Plugins.clear();
    Front.ActionName.clear();
    Front.AddPluginActions.clear();
    Front.PluginArgs.clear();
    Front.LLVMArgs.clear();
    Front.ASTMergeFiles.clear();
    Front.ModuleFiles.clear();
    Front.ModuleOutputPath.clear();
    // Clang modules would be built into a module cache; headers are read textually instead.
    CI.getLangOpts().Modules = false;
    CI.getLangOpts().ImplicitModules = false;
    CI.getHeaderSearchOpts().ModuleCachePath.clear();
    CI.getHeaderSearchOpts().PrebuiltModuleFiles.clear();
    CI.getHeaderSearchOpts().PrebuiltModulePaths.clear();
    CI.getHeaderSearchOpts().VFSOverlayFiles.clear();
    CI.getPreprocessorOpts().ImplicitPCHInclude.clear();
  }

  ExtractContext &Ctx;
  const ExtractOptions &Options;
};

} // namespace

TUFacts extractTU(const std::string &File, const std::string &Directory,
                  const std::vector<std::string> &CommandLine, const ProjectPaths &Paths,
                  const ExtractOptions &Options, std::vector<std::string> *Inputs) {
  TUFacts Facts;
  Facts.file = Paths.display(File);
  ExtractContext Ctx(Paths, Facts, Options.Libraries);
  ErrorCollector Errors(Paths);

  auto Run = [&] {
    // A private file system view whose working directory is the compile command's: relative
    // include paths resolve as the build saw them, without changing the process's directory.
    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS = llvm::vfs::createPhysicalFileSystem();
    FS->setCurrentWorkingDirectory(Directory);
    llvm::IntrusiveRefCntPtr<FileManager> Files(new FileManager(FileSystemOptions(), FS));
    ReadOnlyAction Action(Ctx, Options);
    tooling::ToolInvocation Invocation(CommandLine, &Action, Files.get(),
                                       std::make_shared<PCHContainerOperations>());
    Invocation.setDiagnosticConsumer(&Errors);
    bool Ok = Invocation.run();
    std::vector<std::string> Read = filesRead(*Files);
    if (Options.Library)
      Facts.libraryCode = libraryFiles(Read, Paths, *Options.Library);
    if (Inputs)
      *Inputs = std::move(Read);
    return Ok;
  };

  bool Ran = false;
  llvm::CrashRecoveryContext Recovery;
  if (!Recovery.RunSafely([&] { Ran = Run(); })) {
    Facts = TUFacts();
    Facts.file = Paths.display(File);
    Facts.status = TUStatus::Failed;
    Facts.firstError = "the parser crashed on this file";
    return Facts;
  }
  Facts.errorCount = Errors.getNumErrors();
  Facts.firstError = Errors.First;
  if (Errors.getNumErrors() > 0)
    Facts.status = TUStatus::CompileErrors;
  else if (!Ran) {
    Facts.status = TUStatus::Failed;
    Facts.firstError = "clang could not run this command";
  }
  dropStatelessCalls(Facts, Ctx.definedFunctions());
  normalize(Facts);
  return Facts;
}

} // namespace sa
