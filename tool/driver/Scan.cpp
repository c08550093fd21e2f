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
#include <chrono>
#include <mutex>
#include <optional>

#include <signal.h>

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa {

namespace {

/// An alternate signal stack for the current thread while it lives: a stack overflow's
/// SIGSEGV can only be handled on one.
class AltStack {
public:
  AltStack() : Memory(AltStackBytes) {
    stack_t S{};
    S.ss_sp = Memory.data();
    S.ss_size = Memory.size();
    S.ss_flags = 0;
    Installed = sigaltstack(&S, &Old) == 0;
  }
  ~AltStack() {
    if (Installed)
      sigaltstack(&Old, nullptr);
  }

private:
  static constexpr size_t AltStackBytes = 1u << 20;
  std::vector<char> Memory;
  stack_t Old{};
  bool Installed = false;
};

} // namespace

/// TUStackBytes, or STATE_AUDIT_TU_STACK_KB (for tests of the crash containment).
unsigned tuStackBytes() {
  static const unsigned Bytes = [] {
    unsigned KB = 0;
    if (const char *Env = std::getenv("STATE_AUDIT_TU_STACK_KB"))
      if (!llvm::StringRef(Env).getAsInteger(10, KB) && KB >= 64 && KB <= (4u << 20))
        return KB * 1024;
    return TUStackBytes;
  }();
  return Bytes;
}

void enableStackOverflowRecovery() {
  for (int Sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) {
    struct sigaction SA;
    if (sigaction(Sig, nullptr, &SA) != 0)
      continue;
    bool Handled = (SA.sa_flags & SA_SIGINFO) ? SA.sa_sigaction != nullptr
                                               : SA.sa_handler != SIG_DFL && SA.sa_handler != SIG_IGN;
    if (Handled && !(SA.sa_flags & SA_ONSTACK)) {
      SA.sa_flags |= SA_ONSTACK;
      sigaction(Sig, &SA, nullptr);
    }
  }
}

std::vector<TUFacts> runScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                             FactsCache *Cache, const TUDoneCallback &OnDone) {
  enableStackOverflowRecovery();
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
      // A thread of its own with a large stack: deeply nested code (20 000 chained `=`)
      // recurses in clang far past a normal thread's 8 MB. A crash that still happens is
      // contained by the recovery context, with the signal handled on an alternate stack.
      TUFacts Extracted;
      bool Completed = false;
      llvm::CrashRecoveryContext Recovery;
      bool Safe = Recovery.RunSafelyOnThread(
          [&] {
            AltStack Guard;
            std::vector<std::string> Inputs;
            Extracted = extractTU(Job.file, Job.directory, Job.arguments, Plan.paths, Options,
                                  Cache ? &Inputs : nullptr);
            Completed = true;
            // A crash is not a property of the inputs: try again next time.
            if (Cache && Extracted.status != TUStatus::Failed)
              Cache->store(Key, Extracted, Inputs);
          },
          tuStackBytes());
      if (!Safe && !Completed) {
        Extracted = TUFacts();
        Extracted.file = Plan.paths.display(Job.file);
        Extracted.status = TUStatus::Failed;
        Extracted.firstError = "the parser crashed on this file";
      }
      Results[I] = std::move(Extracted);
    }
    // Clang's pseudo-files ("<built-in>" for -include from the command line) are not paths:
    // the extractor made them absolute against the current directory; undo that.
    for (llvm::StringRef Pseudo : {"<built-in>", "<command line>", "<scratch space>"}) {
      std::string Glued = Plan.paths.display(canonicalPath(Pseudo)) + ":";
      std::string &E = Results[I].firstError;
      if (Glued != Pseudo.str() + ":" && llvm::StringRef(E).starts_with(Glued))
        E = Pseudo.str() + ":" + E.substr(Glued.size());
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
  Salt += "knowledge=" + Options.Libraries.extractionPart().toYaml() + "\n";
  return Salt;
}

} // namespace sa
