// Which TUs a scan analyses: the compile database or the sources under the paths, the
// project root, exclusions, what cannot be read.
#include "driver/Scan.h"

#include "driver/CommandAdjuster.h"
#include "driver/CompileDb.h"
#include "driver/FactsCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <map>
#include <set>
#include <mutex>
#include <optional>

#include <signal.h>

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa {

namespace {

llvm::Error inputError(const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message.str());
}

bool isSkippedDirectory(llvm::StringRef Dir, const std::vector<std::string> &Excluded) {
  llvm::StringRef Name = path::filename(Dir);
  if (Name.starts_with(".") && Name != "." && Name != "..")
    return true; // .git, .state-audit-cache, editor folders
  for (const std::string &E : Excluded)
    if (isWithin(Dir, E))
      return true;
  return false;
}

const char *typeName(fs::file_type T) {
  switch (T) {
  case fs::file_type::fifo_file:
    return "a FIFO";
  case fs::file_type::socket_file:
    return "a socket";
  case fs::file_type::character_file:
    return "a character device";
  case fs::file_type::block_file:
    return "a block device";
  case fs::file_type::directory_file:
    return "a directory";
  default:
    return "not a regular file";
  }
}

/// C and C++ sources under a directory, recursively, sorted, as spelled below it (a linked
/// source is not resolved here). What is not a regular file (a
/// FIFO named x.cpp would block the parser forever) is skipped with a warning; a directory
/// that cannot be read is named and marks the scan incomplete.
std::vector<std::string> sourcesUnder(llvm::StringRef Dir, const std::vector<std::string> &Ex,
                                      const ProjectPaths &Paths, ScanPlan &Plan) {
  std::vector<std::string> Out;
  std::vector<std::string> Stack{Dir.str()};
  while (!Stack.empty()) {
    std::string D = std::move(Stack.back());
    Stack.pop_back();
    std::error_code EC;
    fs::directory_iterator It(D, EC, /*follow_symlinks=*/false), End;
    for (; !EC && It != End; It.increment(EC)) {
      std::string P = It->path();
      fs::file_type T = It->type();
      if (T == fs::file_type::type_unknown || T == fs::file_type::status_error) {
        fs::file_status St;
        T = fs::status(P, St, /*follow=*/false) ? fs::file_type::status_error : St.type();
      }
      if (T == fs::file_type::directory_file) {
        if (!isSkippedDirectory(canonicalPath(P), Ex))
          Stack.push_back(P);
        continue;
      }
      if (!isSourceFile(P))
        continue;
      // Symlinks are not followed into directories (a link to a parent would loop); a linked
      // source file counts under its real path.
      if (T == fs::file_type::symlink_file) {
        fs::file_status St;
        if (fs::status(P, St, /*follow=*/true)) {
          Plan.warnings.push_back("skipping '" + Paths.display(P) +
                                  "': a dangling symlink or a symlink loop");
          continue;
        }
        T = St.type();
        if (T == fs::file_type::directory_file)
          continue;
      }
      if (T != fs::file_type::regular_file) {
        Plan.warnings.push_back("skipping '" + Paths.display(P) + "': " + typeName(T) +
                                ", not a regular file");
        continue;
      }
      Out.push_back(P);
    }
    if (EC) {
      Plan.warnings.push_back("cannot read directory '" + Paths.display(D) + "': " +
                              EC.message() + "; the sources in it are not analysed");
      Plan.sourcesLost = true;
    }
  }
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

/// Why a path given on the command line cannot be used, or nullopt.
std::optional<std::string> unusablePath(const std::string &P) {
  fs::file_status Link;
  if (fs::status(P, Link, /*follow=*/false))
    return "path '" + P + "' does not exist";
  fs::file_status St;
  if (std::error_code EC = fs::status(P, St, /*follow=*/true)) {
    if (EC == std::errc::too_many_symbolic_link_levels)
      return "path '" + P + "' is a symlink loop";
    if (Link.type() == fs::file_type::symlink_file)
      return "path '" + P + "' is a dangling symlink";
    return "path '" + P + "': " + EC.message();
  }
  if (St.type() == fs::file_type::directory_file)
    return std::nullopt;
  if (St.type() != fs::file_type::regular_file)
    return "path '" + P + "' is " + typeName(St.type()) + ", not a source file or directory";
  if (!isSourceFile(P) && !isHeaderFile(P))
    return "path '" + P + "' is not a C or C++ source file (.c, .cc, .cpp, .cxx, .c++, .C, .cp, "
           ".CPP) or a directory";
  return std::nullopt;
}

/// The deepest directory holding every path (canonical, absolute).
std::string commonDirectory(const std::vector<std::string> &Paths) {
  std::string Common;
  for (const std::string &P : Paths) {
    std::string Dir = fs::is_directory(P) ? P : std::string(path::parent_path(P));
    if (Common.empty()) {
      Common = Dir;
      continue;
    }
    while (!Common.empty() && !isWithin(Dir, Common))
      Common = std::string(path::parent_path(Common));
  }
  return Common;
}

/// The user include directories of a command (-I, -iquote; not -isystem): where a project's
/// own headers live when they are not beside its sources.
std::vector<std::string> userIncludeDirs(const CompileCommand &C) {
  std::vector<std::string> Out;
  for (size_t I = 0; I < C.arguments.size(); ++I) {
    llvm::StringRef A = C.arguments[I];
    llvm::StringRef Dir;
    if ((A == "-I" || A == "-iquote") && I + 1 < C.arguments.size())
      Dir = C.arguments[++I];
    else if (A.starts_with("-iquote"))
      Dir = A.drop_front(strlen("-iquote"));
    else if (A.starts_with("-I"))
      Dir = A.drop_front(2);
    else if (A.starts_with("--include-directory="))
      Dir = A.drop_front(strlen("--include-directory="));
    if (Dir.empty())
      continue;
    std::string Abs = canonicalPath(Dir, C.directory);
    if (fs::is_directory(Abs))
      Out.push_back(Abs);
  }
  return Out;
}

/// The sysroots a command names (--sysroot=DIR, --sysroot DIR, -isysroot DIR, -isysrootDIR).
std::vector<std::string> sysroots(const TUJob &Job) {
  std::vector<std::string> Out;
  const std::vector<std::string> &Args = Job.arguments;
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I], Dir;
    if ((A == "--sysroot" || A == "-isysroot") && I + 1 < Args.size())
      Dir = Args[++I];
    else if (A.consume_front("--sysroot=") || A.consume_front("-isysroot"))
      Dir = A;
    if (!Dir.empty())
      Out.push_back(canonicalPath(Dir, Job.directory));
  }
  return Out;
}

/// The root when neither --root nor a git work tree gives one: the current directory when it
/// holds every TU and the user include directories near them, else the deepest directory that
/// holds them. Include directories count when they sit beside the sources (within the
/// current directory or the parent of the sources' common directory), so `src/` and
/// `include/` make their parent the root, while `-I/opt/sdk/include` does not make it `/`.
std::string chooseRoot(const std::vector<std::string> &Files,
                       const std::vector<std::string> &IncludeDirs, llvm::StringRef BuildDir,
                       llvm::StringRef Cwd) {
  if (Files.empty())
    return Cwd.str();
  std::string Sources = commonDirectory(Files);
  std::string Near = std::string(path::parent_path(Sources));
  std::vector<std::string> All = Files;
  for (const std::string &D : IncludeDirs) {
    if (!BuildDir.empty() && isWithin(D, BuildDir))
      continue; // generated headers
    if (isWithin(D, Cwd) || (!Near.empty() && Near != "/" && isWithin(D, Near)))
      All.push_back(D);
  }
  std::string Common = commonDirectory(All);
  if (isWithin(Common, Cwd) && Cwd != "/")
    return Cwd.str();
  return Common.empty() ? Cwd.str() : Common;
}


/// Sources whose path lies in the project but that resolve through a symbolic link to a file
/// outside it: facts are located at real paths, so they are not the project's code. Said in
/// one message, whichever way the scan found them.
class LinkedOutside {
public:
  void add(const std::string &Spelled, const std::string &Real) { Files.push_back({Spelled, Real}); }
  bool empty() const { return Files.empty(); }
  std::string message(const ProjectPaths &Paths) const {
    std::string List;
    for (size_t I = 0; I < Files.size() && I < Shown; ++I)
      List += (I ? ", " : "") + Paths.display(Files[I].first) + " -> " + Files[I].second;
    if (Files.size() > Shown)
      List += ", ...";
    return std::to_string(Files.size()) + " source file" + (Files.size() == 1 ? "" : "s") +
           " in the project resolve through symbolic links to files outside the root '" +
           Paths.root() + "' (" + List + "): they are not analysed; give --root a directory "
           "that holds their targets";
  }

private:
  static constexpr size_t Shown = 3;
  std::vector<std::pair<std::string, std::string>> Files;
};

/// Options of the compile commands that were refused, one warning each for the whole scan:
/// a database that asks every TU for the same thing says so once.
class RefusedOptions {
public:
  void add(const std::string &TU, const std::vector<RefusedOption> &Options) {
    for (const RefusedOption &O : Options) {
      auto [It, New] = Seen.try_emplace(O.option, Use{TU, O.why, {}});
      if (!New && It->second.firstTU != TU)
        It->second.otherTUs.insert(TU);
    }
  }
  void warn(std::vector<std::string> &Warnings) const {
    for (const auto &[Option, U] : Seen) {
      std::string W = U.firstTU + ": ignoring '" + Option + "' from the compile database: " +
                      describe(U.why);
      if (!U.otherTUs.empty())
        W += " (also in " + std::to_string(U.otherTUs.size()) + " other translation unit" +
             (U.otherTUs.size() == 1 ? ")" : "s)");
      Warnings.push_back(W);
    }
  }

private:
  struct Use {
    std::string firstTU;
    RefusedBecause why;
    std::set<std::string> otherTUs;
  };
  std::map<std::string, Use> Seen;
};

} // namespace

bool isHeaderFile(llvm::StringRef P) {
  llvm::StringRef Ext = path::extension(P);
  return Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx" || Ext == ".h++" ||
         Ext == ".H" || Ext == ".ipp" || Ext == ".inl" || Ext == ".tcc";
}

bool isSourceFile(llvm::StringRef P) {
  llvm::StringRef Ext = path::extension(P);
  return Ext == ".c" || Ext == ".cc" || Ext == ".cpp" || Ext == ".cxx" || Ext == ".c++" ||
         Ext == ".C" || Ext == ".cp" || Ext == ".CPP";
}

llvm::Expected<ScanPlan> planScan(const ScanRequest &R) {
  ScanPlan Plan;
  std::vector<std::string> Paths;
  for (const std::string &P : R.paths) {
    if (std::optional<std::string> Why = unusablePath(P))
      return inputError(*Why);
    Paths.push_back(canonicalPath(P));
  }

  // The database: -p DIR, else the first compile_commands.json upward from the first path.
  if (!R.buildDir.empty()) {
    llvm::SmallString<256> Db(R.buildDir);
    if (fs::is_directory(Db))
      path::append(Db, "compile_commands.json");
    if (!fs::exists(Db))
      return inputError("no compile_commands.json in '" + R.buildDir + "'");
    Plan.database = canonicalPath(Db);
  } else if (R.searchDatabase) {
    Plan.database = findCompileDatabase(Paths.empty() ? std::string(".") : Paths.front());
  }

  std::string Cwd = canonicalPath(".");
  std::optional<std::vector<CompileCommand>> Commands;
  if (!Plan.database.empty()) {
    auto Loaded = loadCompileDatabase(Plan.database);
    if (!Loaded)
      return Loaded.takeError();
    Commands = std::move(*Loaded);
  }
  // A TU is selected by where its file is, or where its entry says it is (a source linked
  // from elsewhere is selected by the directory it is linked into).
  auto Selected = [&](const std::string &File, const std::string &Spelled = {}) {
    if (Paths.empty())
      return true;
    return std::any_of(Paths.begin(), Paths.end(), [&](const std::string &P) {
      return isWithin(File, P) || (!Spelled.empty() && isWithin(Spelled, P));
    });
  };

  // Where the root is looked for: the first path, else the current directory, else (outside
  // any git work tree) the database's, so that `scan -p DIR` from elsewhere finds DIR's.
  std::string Start = !Paths.empty() ? Paths.front() : Cwd;
  if (Paths.empty() && !Plan.database.empty() && !gitWorkTree(Cwd))
    Start = std::string(path::parent_path(Plan.database));
  std::string Root;
  if (!R.root.empty()) {
    Root = canonicalPath(R.root);
    if (!fs::is_directory(Root))
      return inputError("root '" + R.root + "' is not a directory");
  } else if (std::optional<std::string> Git = gitWorkTree(Start)) {
    Root = *Git;
  } else {
    // No git work tree: chosen from what is scanned, and said, so that a header outside it
    // is never dropped in silence.
    std::vector<std::string> Files, IncludeDirs;
    if (Commands) {
      for (const CompileCommand &C : *Commands)
        if (Selected(C.file, C.spelledFile)) {
          Files.push_back(C.file);
          for (std::string &D : userIncludeDirs(C))
            IncludeDirs.push_back(std::move(D));
        }
    }
    for (const std::string &P : Paths)
      Files.push_back(P);
    std::string BuildDir =
        Plan.database.empty() ? std::string() : std::string(path::parent_path(Plan.database));
    Root = chooseRoot(Files, IncludeDirs, BuildDir, Cwd);
    // Said unless it is the one directory the user named; headers left outside it are
    // reported either way.
    Plan.rootChosen = !(Paths.size() == 1 && Paths.front() == Root);
  }
  std::vector<std::string> Excluded;
  for (const std::string &E : R.excludes)
    Excluded.push_back(canonicalPath(E));
  // A build directory inside the project holds generated code and fetched dependencies, not
  // the project's own sources.
  if (!Plan.database.empty()) {
    std::string BuildDir = std::string(path::parent_path(Plan.database));
    if (BuildDir != Root && isWithin(BuildDir, Root) && !Paths.empty() &&
        std::none_of(Paths.begin(), Paths.end(),
                     [&](const std::string &P) { return isWithin(P, BuildDir); }))
      Excluded.push_back(BuildDir);
  }
  Plan.paths = ProjectPaths(Root, Excluded, R.excludeGlobs);
  auto InProject = [&](const std::string &File) {
    return Plan.paths.projectRelative(File).has_value();
  };

  AdjustOptions Adjust{R.resourceDir, R.extraArgs};
  RefusedOptions Refused;
  LinkedOutside Linked;
  auto AddJob = [&](const std::string &File, const std::string &Dir,
                    const std::vector<std::string> &Args,
                    const std::vector<std::string> &Secret = {}) {
    AdjustedCommand A = adjustCommand(Args, File, Adjust);
    Refused.add(Plan.paths.display(File), A.refused);
    if (!A.dropped.empty()) {
      // Arguments from response files are counted, never echoed: they may hold secrets.
      std::string List;
      unsigned Hidden = 0;
      for (const std::string &D : A.dropped) {
        if (std::find(Secret.begin(), Secret.end(), D) != Secret.end()) {
          ++Hidden;
          continue;
        }
        List += (List.empty() ? "" : " ") + D;
      }
      if (Hidden)
        List += (List.empty() ? "" : " and ") + std::to_string(Hidden) +
                " from response files (not shown)";
      Plan.warnings.push_back(Plan.paths.display(File) +
                              ": ignoring arguments clang does not know: " + List);
    }
    Plan.jobs.push_back({File, Dir, std::move(A.arguments)});
  };
  auto DefaultCommand = [](const std::string &File) {
    bool C = path::extension(File) == ".c";
    std::vector<std::string> Args{C ? "clang" : "clang++"};
    if (!C)
      Args.push_back("-std=c++17");
    Args.push_back(File);
    return Args;
  };

  if (Commands) {
    llvm::StringSet<> Covered;
    std::string DbDir = std::string(path::parent_path(Plan.database));
    unsigned ExcludedTUs = 0;
    for (const CompileCommand &C : *Commands) {
      if (!Selected(C.file, C.spelledFile))
        continue;
      if (!InProject(C.file)) {
        ++ExcludedTUs;
        if (C.spelledFile != C.file && InProject(C.spelledFile))
          Linked.add(C.spelledFile, C.file);
        continue;
      }
      Covered.insert(C.file);
      std::string Shown = Plan.paths.display(C.file);
      for (const std::string &Problem : C.problems)
        Plan.warnings.push_back(Shown + ": " + Problem);
      Plan.responseFiles.insert(Plan.responseFiles.end(), C.responseFiles.begin(),
                                C.responseFiles.end());
      for (const std::string &R : C.responseFiles)
        if (!isWithin(R, Root) && !isWithin(R, DbDir) && !isWithin(R, C.directory))
          Plan.warnings.push_back(Shown + ": reads response file '" + R +
                                  "' from outside the project and build tree");
      fs::file_status St;
      if (std::error_code EC = fs::status(C.file, St, /*follow=*/true)) {
        Plan.warnings.push_back(Shown + ": cannot analyse: " + EC.message());
        Plan.sourcesLost = true;
        continue;
      }
      if (St.type() != fs::file_type::regular_file) {
        Plan.warnings.push_back(Shown + ": skipped: " + typeName(St.type()) +
                                ", not a regular file");
        Plan.sourcesLost = true;
        continue;
      }
      AddJob(C.file, C.directory, C.arguments, C.fromResponseFiles);
    }
    // Source files named on the command line but missing from the database are analysed with
    // the default command rather than silently skipped.
    for (const std::string &P : Paths)
      if (!fs::is_directory(P) && isSourceFile(P) && !Covered.count(P)) {
        Plan.warnings.push_back(Plan.paths.display(P) + ": no compile command in " +
                                Plan.paths.display(Plan.database) +
                                "; analysing with -std=c++17 and the extra arguments");
        AddJob(P, Cwd, DefaultCommand(P));
      }
    if (Plan.jobs.empty() && !Linked.empty())
      return inputError(Linked.message(Plan.paths));
    if (Plan.jobs.empty() && ExcludedTUs)
      return inputError("all " + std::to_string(ExcludedTUs) + " translation units of the given "
                        "paths in '" + Plan.paths.display(Plan.database) +
                        "' are excluded (--exclude, the configuration's exclude, or outside the "
                        "root '" + Root + "')");
    if (Plan.jobs.empty() && !Plan.sourcesLost)
      return inputError("none of the given paths has a compile command in '" +
                        Plan.paths.display(Plan.database) + "'");
  } else {
    std::vector<std::string> Inputs = Paths.empty() ? std::vector<std::string>{Cwd} : Paths;
    unsigned ExcludedFiles = 0;
    for (const std::string &P : Inputs) {
      std::vector<std::string> Files = fs::is_directory(P)
                                           ? sourcesUnder(P, Excluded, Plan.paths, Plan)
                                           : std::vector<std::string>{P};
      for (const std::string &Spelled : Files) {
        std::string F = canonicalPath(Spelled);
        if (fs::is_directory(P) && !InProject(F)) {
          ++ExcludedFiles;
          if (Spelled != F && InProject(Spelled))
            Linked.add(Spelled, F);
          continue;
        }
        AddJob(F, Cwd, DefaultCommand(F));
      }
    }
    if (Plan.jobs.empty() && !Linked.empty())
      return inputError(Linked.message(Plan.paths));
    if (Plan.jobs.empty() && ExcludedFiles)
      return inputError("all " + std::to_string(ExcludedFiles) + " source files under the given "
                        "paths are excluded (--exclude, the configuration's exclude, or outside "
                        "the root '" + Root + "')");
    if (Plan.jobs.empty() && !Plan.sourcesLost)
      return inputError("no C or C++ source files under the given paths");
  }

  Refused.warn(Plan.warnings);
  if (!Linked.empty())
    Plan.warnings.push_back(Linked.message(Plan.paths));
  std::sort(Plan.responseFiles.begin(), Plan.responseFiles.end());
  Plan.responseFiles.erase(std::unique(Plan.responseFiles.begin(), Plan.responseFiles.end()),
                           Plan.responseFiles.end());
  std::sort(Plan.jobs.begin(), Plan.jobs.end(),
            [](const TUJob &A, const TUJob &B) { return A.file < B.file; });
  Plan.jobs.erase(std::unique(Plan.jobs.begin(), Plan.jobs.end(),
                              [](const TUJob &A, const TUJob &B) { return A.file == B.file; }),
                  Plan.jobs.end());
  return Plan;
}

std::vector<std::string> installationPrefixes(const ScanPlan &Plan, llvm::StringRef ResourceDir) {
  std::vector<std::string> Candidates{canonicalPath("/usr"), canonicalPath("/opt")};
  if (!ResourceDir.empty())
    Candidates.push_back(canonicalPath(ResourceDir));
  for (const TUJob &Job : Plan.jobs)
    for (std::string &S : sysroots(Job))
      Candidates.push_back(std::move(S));
  std::vector<std::string> Out;
  for (std::string &P : Candidates)
    if (P != "/" && !isWithin(Plan.paths.root(), P))
      Out.push_back(std::move(P));
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

} // namespace sa
