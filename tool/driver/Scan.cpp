#include "driver/Scan.h"

#include "driver/CommandAdjuster.h"
#include "driver/CompileDb.h"
#include "driver/FactsCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <chrono>
#include <mutex>

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

/// C and C++ sources under a directory, recursively, sorted.
std::vector<std::string> sourcesUnder(llvm::StringRef Dir, const std::vector<std::string> &Ex) {
  std::vector<std::string> Out;
  std::error_code EC;
  // Symlinks are not followed: a link to a parent directory would loop, and a linked file is
  // found under its real path when that is inside the paths scanned.
  for (fs::recursive_directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef P = It->path();
    if (It->type() == fs::file_type::directory_file) {
      if (isSkippedDirectory(canonicalPath(P), Ex))
        It.no_push();
      continue;
    }
    if (isSourceFile(P))
      Out.push_back(canonicalPath(P));
  }
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

} // namespace

bool isSourceFile(llvm::StringRef P) {
  llvm::StringRef Ext = path::extension(P);
  return Ext == ".c" || Ext == ".cc" || Ext == ".cpp" || Ext == ".cxx" || Ext == ".c++" ||
         Ext == ".C" || Ext == ".cp" || Ext == ".CPP";
}

llvm::Expected<ScanPlan> planScan(const ScanRequest &R) {
  ScanPlan Plan;
  std::vector<std::string> Paths;
  for (const std::string &P : R.paths) {
    if (!fs::exists(P))
      return inputError("path '" + P + "' does not exist");
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

  std::string Root = !R.root.empty() ? canonicalPath(R.root)
                     : !Paths.empty() ? guessProjectRoot(Paths.front())
                                      : guessProjectRoot(".");
  if (!R.root.empty() && !fs::is_directory(Root))
    return inputError("root '" + R.root + "' is not a directory");
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

  auto Selected = [&](const std::string &File) {
    if (Paths.empty())
      return true;
    return std::any_of(Paths.begin(), Paths.end(),
                       [&](const std::string &P) { return isWithin(File, P); });
  };
  auto InProject = [&](const std::string &File) {
    return Plan.paths.projectRelative(File).has_value();
  };

  AdjustOptions Adjust{R.resourceDir, R.extraArgs};
  auto AddJob = [&](const std::string &File, const std::string &Dir,
                    const std::vector<std::string> &Args) {
    AdjustedCommand A = adjustCommand(Args, File, Adjust);
    if (!A.dropped.empty()) {
      std::string List;
      for (const std::string &D : A.dropped)
        List += (List.empty() ? "" : " ") + D;
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

  std::string Cwd = canonicalPath(".");
  if (!Plan.database.empty()) {
    auto Commands = loadCompileDatabase(Plan.database);
    if (!Commands)
      return Commands.takeError();
    llvm::StringSet<> Covered;
    for (const CompileCommand &C : *Commands) {
      if (!Selected(C.file) || !InProject(C.file))
        continue;
      Covered.insert(C.file);
      AddJob(C.file, C.directory, C.arguments);
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
    if (Plan.jobs.empty())
      return inputError("none of the given paths has a compile command in '" +
                        Plan.paths.display(Plan.database) + "'");
  } else {
    std::vector<std::string> Inputs = Paths.empty() ? std::vector<std::string>{Cwd} : Paths;
    for (const std::string &P : Inputs) {
      std::vector<std::string> Files =
          fs::is_directory(P) ? sourcesUnder(P, Excluded) : std::vector<std::string>{P};
      for (const std::string &F : Files)
        if (!fs::is_directory(P) || (isSourceFile(F) && InProject(F)))
          AddJob(F, Cwd, DefaultCommand(F));
    }
    if (Plan.jobs.empty())
      return inputError("no C or C++ source files under the given paths");
  }

  std::sort(Plan.jobs.begin(), Plan.jobs.end(),
            [](const TUJob &A, const TUJob &B) { return A.file < B.file; });
  Plan.jobs.erase(std::unique(Plan.jobs.begin(), Plan.jobs.end(),
                              [](const TUJob &A, const TUJob &B) { return A.file == B.file; }),
                  Plan.jobs.end());
  return Plan;
}

std::vector<TUFacts> runScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                             FactsCache *Cache, const TUDoneCallback &OnDone) {
  std::vector<TUFacts> Results(Plan.jobs.size());
  std::mutex DoneMutex;
  auto RunOne = [&](size_t I) {
    const TUJob &Job = Plan.jobs[I];
    auto Start = std::chrono::steady_clock::now();
    bool FromCache = false;
    std::string Key = Cache ? Cache->key(Job.directory, Job.arguments) : std::string();
    if (Cache) {
      if (std::optional<TUFacts> Hit = Cache->lookup(Key)) {
        Results[I] = std::move(*Hit);
        FromCache = true;
      }
    }
    if (!FromCache) {
      std::vector<std::string> Inputs;
      Results[I] = extractTU(Job.file, Job.directory, Job.arguments, Plan.paths, Options,
                             Cache ? &Inputs : nullptr);
      // A crash is not a property of the inputs: try again next time.
      if (Cache && Results[I].status != TUStatus::Failed)
        Cache->store(Key, Results[I], Inputs);
    }
    double Seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
    if (OnDone) {
      std::lock_guard<std::mutex> Lock(DoneMutex);
      OnDone(Job, Results[I], Seconds, FromCache);
    }
  };
  unsigned Workers = Jobs ? Jobs : llvm::hardware_concurrency().compute_thread_count();
  Workers = std::max(1u, std::min<unsigned>(Workers, Plan.jobs.size()));
  if (Workers == 1) {
    for (size_t I = 0; I < Plan.jobs.size(); ++I)
      RunOne(I);
    return Results;
  }
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Workers));
  for (size_t I = 0; I < Plan.jobs.size(); ++I)
    Pool.async([&, I] { RunOne(I); });
  Pool.wait();
  return Results;
}

std::vector<TUJob> selectShard(const std::vector<TUJob> &Jobs, unsigned K, unsigned N) {
  std::vector<std::pair<uint64_t, size_t>> BySize;
  for (size_t I = 0; I < Jobs.size(); ++I) {
    uint64_t Size = 0;
    fs::file_size(Jobs[I].file, Size);
    BySize.push_back({Size, I});
  }
  // Largest first; ties by path order, so every machine deals the same hands.
  std::stable_sort(BySize.begin(), BySize.end(),
                   [](const auto &A, const auto &B) { return A.first > B.first; });
  std::vector<uint64_t> Load(N, 0);
  std::vector<TUJob> Mine;
  for (const auto &[Size, I] : BySize) {
    unsigned Lightest = 0;
    for (unsigned S = 1; S < N; ++S)
      if (Load[S] < Load[Lightest])
        Lightest = S;
    Load[Lightest] += Size + 1;
    if (Lightest == K - 1)
      Mine.push_back(Jobs[I]);
  }
  std::sort(Mine.begin(), Mine.end(),
            [](const TUJob &A, const TUJob &B) { return A.file < B.file; });
  return Mine;
}

std::string extractionSalt(const ScanPlan &Plan, const ExtractOptions &Options,
                           llvm::StringRef ResourceDir) {
  std::string Salt = "root=" + Plan.paths.root() + "\n";
  for (const std::string &E : Plan.paths.excludedDirs())
    Salt += "exclude=" + E + "\n";
  for (const std::string &G : Plan.paths.excludedGlobs())
    Salt += "glob=" + G + "\n";
  Salt += "skip-bodies=" + std::to_string(Options.SkipForeignBodies) + "\n";
  Salt += "resource-dir=" + ResourceDir.str() + "\n";
  return Salt;
}

} // namespace sa
