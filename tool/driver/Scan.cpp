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
#include <map>
#include <cstdlib>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#else
static void malloc_trim(int) {}
#endif

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

namespace {

/// Runs `Fn(0..Count-1)` on `Workers` threads.
void forEach(size_t Count, unsigned Workers, const std::function<void(size_t)> &Fn) {
  Workers = std::max(1u, std::min<unsigned>(Workers, Count));
  if (Workers == 1) {
    for (size_t I = 0; I < Count; ++I)
      Fn(I);
    return;
  }
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Workers));
  for (size_t I = 0; I < Count; ++I)
    Pool.async([&Fn, I] { Fn(I); });
  Pool.wait();
}

} // namespace

/// Bytes of address space left under `ulimit -v`; nullopt when it is not limited.
static std::optional<uint64_t> addressSpaceLeft() {
  struct rlimit L;
  if (getrlimit(RLIMIT_AS, &L) != 0 || L.rlim_cur == RLIM_INFINITY)
    return std::nullopt;
  uint64_t Used = 0;
  if (FILE *F = std::fopen("/proc/self/statm", "r")) {
    unsigned long Pages = 0;
    if (std::fscanf(F, "%lu", &Pages) == 1)
      Used = uint64_t(Pages) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    std::fclose(F);
  }
  return L.rlim_cur > Used ? L.rlim_cur - Used : 0;
}

StackThreads::StackThreads(size_t Bytes, unsigned Wanted)
    : Bytes(Bytes), Wanted(std::max(Wanted, 1u)), Limit(this->Wanted) {
  if (std::optional<uint64_t> Left = addressSpaceLeft())
    Limit = static_cast<unsigned>(
        std::clamp<uint64_t>(*Left / 2 / std::max<size_t>(Bytes, 1), 1, this->Wanted));
}

bool StackThreads::run(const std::function<void()> &Fn) {
  struct Call {
    const std::function<void()> *fn;
    bool safe = false;
  } C{&Fn};
  auto Body = [](void *Arg) -> void * {
    auto *C = static_cast<Call *>(Arg);
    llvm::CrashRecoveryContext Recovery;
    C->safe = Recovery.RunSafely(*C->fn);
    return nullptr;
  };
  std::unique_lock<std::mutex> Lock(Mutex);
  for (;;) {
    Free.wait(Lock, [&] { return Running < Limit; });
    ++Running;
    Lock.unlock();
    pthread_attr_t Attr;
    pthread_attr_init(&Attr);
    pthread_attr_setstacksize(&Attr, Bytes);
    pthread_t Thread;
    int Error = pthread_create(&Thread, &Attr, Body, &C);
    pthread_attr_destroy(&Attr);
    if (Error == 0)
      pthread_join(Thread, nullptr);
    Lock.lock();
    --Running;
    Free.notify_all();
    if (Error == 0)
      return C.safe;
    // The address space (ulimit -v) or the thread limit is reached: fewer at once from now
    // on, and when not even one can be made, the calling thread's own stack.
    Limit = std::max(Running, 1u);
    if (Running == 0) {
      Lock.unlock();
      Body(&C);
      return C.safe;
    }
  }
}

std::optional<unsigned> StackThreads::reducedTo() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Limit < Wanted ? std::optional<unsigned>(Limit) : std::nullopt;
}

namespace {

/// Parses one TU on a thread of its own with a large stack: deeply nested code (20 000
/// chained `=`) recurses in clang far past a normal thread's 8 MB. A crash that still happens
/// is contained by the recovery context, with the signal handled on an alternate stack.
TUFacts extractContained(const TUJob &Job, const ScanPlan &Plan, const ExtractOptions &Options,
                         std::vector<std::string> *Inputs, StackThreads &Threads, bool &Crashed) {
  TUFacts Extracted;
  bool Completed = false;
  bool Safe = Threads.run([&] {
    AltStack Guard;
    Extracted = extractTU(Job.file, Job.directory, Job.arguments, Plan.paths, Options, Inputs);
    Completed = true;
  });
  Crashed = !Safe && !Completed;
  if (Crashed) {
    Extracted = TUFacts();
    Extracted.file = Plan.paths.display(Job.file);
    Extracted.status = TUStatus::Failed;
    Extracted.firstError = "the parser crashed on this file";
  }
  // Clang's pseudo-files ("<built-in>" for -include from the command line) are not paths:
  // the extractor made them absolute against the current directory; undo that.
  for (llvm::StringRef Pseudo : {"<built-in>", "<command line>", "<scratch space>"}) {
    std::string Glued = Plan.paths.display(canonicalPath(Pseudo)) + ":";
    std::string &E = Extracted.firstError;
    if (Glued != Pseudo.str() + ":" && llvm::StringRef(E).starts_with(Glued))
      E = Pseudo.str() + ":" + E.substr(Glued.size());
  }
  return Extracted;
}

std::vector<std::string> distinctHashes(const std::vector<ScannedTU> &TUs) {
  std::vector<std::string> All;
  for (const ScannedTU &TU : TUs)
    All.insert(All.end(), TU.groups.begin(), TU.groups.end());
  std::sort(All.begin(), All.end());
  All.erase(std::unique(All.begin(), All.end()), All.end());
  return All;
}

} // namespace

std::vector<TUSummary> GroupedScan::summaries() const {
  std::vector<TUSummary> Out;
  for (const ScannedTU &TU : tus)
    Out.push_back(TU.summary);
  return Out;
}

static std::map<std::string, unsigned> groupCounts(const std::vector<ScannedTU> &TUs) {
  std::map<std::string, unsigned> Counts;
  for (const ScannedTU &TU : TUs)
    for (const std::string &H : TU.groups)
      ++Counts[H];
  return Counts;
}

std::vector<GroupUse> GroupedScan::uses() const { return groups.uses(groupCounts(tus)); }

std::vector<OwnedGroup> GroupedScan::takeUses() { return groups.take(groupCounts(tus)); }

std::vector<TUFacts> GroupedScan::joined() const {
  std::vector<TUFacts> Out;
  for (const ScannedTU &TU : tus) {
    std::vector<std::shared_ptr<const TUFacts>> Held;
    std::vector<const TUFacts *> Groups;
    for (const std::string &H : TU.groups)
      if (std::shared_ptr<const TUFacts> G = groups.find(H)) {
        Held.push_back(G);
        Groups.push_back(G.get());
      }
    Out.push_back(joinGroups(TU.summary, TU.outsideRoot, Groups));
  }
  return Out;
}

GroupedScan runGroupedScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                           FactsCache *Cache, const TUDoneCallback &OnDone,
                           const std::optional<std::string> &LinkSalt) {
  enableStackOverflowRecovery();
  using Clock = std::chrono::steady_clock;
  auto SecondsSince = [](Clock::time_point T) {
    return std::chrono::duration<double>(Clock::now() - T).count();
  };
  unsigned Workers = Jobs ? Jobs : llvm::hardware_concurrency().compute_thread_count();
  const size_t N = Plan.jobs.size();
  GroupedScan R;
  R.tus.resize(N);
  std::vector<std::string> Keys(N);
  std::vector<std::optional<CachedTU>> Hits(N);
  std::vector<double> LookupSeconds(N, 0);
  std::mutex DoneMutex;
  auto Done = [&](size_t I, double Seconds) {
    if (!OnDone)
      return;
    std::lock_guard<std::mutex> Lock(DoneMutex);
    OnDone(Plan.jobs[I], R.tus[I].summary, Seconds, R.tus[I].fromCache);
  };

  // 1. Cache entries: small, signed, and checked against the inputs' hashes.
  if (Cache)
    forEach(N, Workers, [&](size_t I) {
      auto Start = Clock::now();
      Keys[I] = Cache->key(Plan.jobs[I].directory, Plan.jobs[I].arguments);
      Hits[I] = Cache->lookup(Keys[I]);
      LookupSeconds[I] = SecondsSince(Start);
    });
  auto TakeHit = [&](size_t I) {
    ScannedTU &TU = R.tus[I];
    TU.summary = Hits[I]->summary;
    TU.outsideRoot = Hits[I]->outsideRoot;
    TU.groups.clear();
    for (const GroupRef &G : Hits[I]->groups)
      TU.groups.push_back(G.hash);
    TU.fromCache = true;
  };
  bool AllHit = Cache && std::all_of(Hits.begin(), Hits.end(), [](const auto &H) { return bool(H); });
  if (AllHit && LinkSalt) {
    for (size_t I = 0; I < N; ++I)
      TakeHit(I);
    R.linkKey = Cache->linkKey(*LinkSalt, R.summaries(), distinctHashes(R.tus));
    if ((R.linked = Cache->lookupLinked(R.linkKey))) {
      for (size_t I = 0; I < N; ++I)
        Done(I, LookupSeconds[I]);
      return R; // nothing changed: no group is read, nothing is linked
    }
  }

  // 2. The cached TUs' groups, each distinct one read once.
  std::map<std::string, GroupRef> Wanted;
  for (const std::optional<CachedTU> &H : Hits)
    if (H)
      for (const GroupRef &G : H->groups)
        Wanted.emplace(G.hash, G);
  std::vector<GroupRef> ToRead;
  for (const auto &[Hash, Ref] : Wanted)
    ToRead.push_back(Ref);
  std::vector<char> Unreadable(ToRead.size(), 0);
  forEach(ToRead.size(), Workers, [&](size_t I) {
    if (std::optional<TUFacts> G = Cache->loadGroup(ToRead[I]))
      R.groups.add(ToRead[I].hash, std::move(*G));
    else
      Unreadable[I] = 1;
  });
  std::set<std::string> Lost;
  for (size_t I = 0; I < ToRead.size(); ++I)
    if (Unreadable[I])
      Lost.insert(ToRead[I].hash);
  std::vector<size_t> ToParse;
  for (size_t I = 0; I < N; ++I) {
    if (Hits[I] && std::any_of(Hits[I]->groups.begin(), Hits[I]->groups.end(),
                               [&](const GroupRef &G) { return Lost.count(G.hash) != 0; })) {
      Hits[I].reset(); // a group it names is gone or damaged: parse the TU again
      Cache->countCorrupt();
    }
    if (Hits[I]) {
      TakeHit(I);
      Done(I, LookupSeconds[I]);
    } else {
      ToParse.push_back(I);
    }
  }

  // 3. Parse the rest; each TU's groups are interned as it finishes.
  bool Reparsed = !ToParse.empty();
  StackThreads Threads(tuStackBytes(),
                       static_cast<unsigned>(std::min<size_t>(Workers, ToParse.size())));
  forEach(ToParse.size(), Workers, [&](size_t K) {
    size_t I = ToParse[K];
    const TUJob &Job = Plan.jobs[I];
    auto Start = Clock::now();
    std::vector<std::string> Inputs;
    bool Crashed = false;
    TUFacts Facts =
        extractContained(Job, Plan, Options, Cache ? &Inputs : nullptr, Threads, Crashed);
    ScannedTU &TU = R.tus[I];
    TU = ScannedTU(); // what the entry said (a hit whose group was lost) is not kept
    TU.summary = Facts.summary();
    TU.outsideRoot = Facts.outsideRoot;
    std::vector<FactGroup> Groups = splitByFile(std::move(Facts), /*KeepJson=*/Cache != nullptr);
    Facts = TUFacts();
    // A crash is not a property of the inputs: try again next time.
    if (Cache && !Crashed && TU.summary.status != TUStatus::Failed)
      Cache->store(Keys[I], TU.summary, TU.outsideRoot, Groups, Inputs);
    for (FactGroup &G : Groups) {
      TU.groups.push_back(G.hash);
      R.groups.add(G.hash, std::move(G.facts));
    }
    Groups.clear();
    // The parser's memory is freed by now, but glibc keeps it in the arena of the thread
    // that parsed (a thread per TU): given back, the peak is what two parses at once need,
    // not what every arena ever held (a fifth less with -j 2 on a real SDK).
    malloc_trim(0);
    Done(I, SecondsSince(Start));
  });
  R.parsingThreadsReducedTo = Threads.reducedTo();

  // 4. A TU parsed again may have given the same facts (a comment edited): the linked
  // result may still be there.
  if (Cache && LinkSalt && (Reparsed || R.linkKey.empty())) {
    R.linkKey = Cache->linkKey(*LinkSalt, R.summaries(), distinctHashes(R.tus));
    R.linked = Cache->lookupLinked(R.linkKey);
  }
  return R;
}

std::vector<TUFacts> runScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                             FactsCache *Cache, const TUDoneCallback &OnDone) {
  return runGroupedScan(Plan, Jobs, Options, Cache, OnDone).joined();
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

std::string extractionSettings(const ScanPlan &Plan, const ExtractOptions &Options) {
  std::string Settings;
  for (const std::string &E : Plan.paths.excludedDirs())
    Settings += "exclude=" + Plan.paths.display(E) + "\n";
  for (const std::string &G : Plan.paths.excludedGlobs())
    Settings += "glob=" + G + "\n";
  Settings += "skip-bodies=" + std::to_string(Options.SkipForeignBodies) + "\n";
  Settings += "knowledge=" + Options.Libraries.extractionPart().toYaml() + "\n";
  if (Options.Library)
    Settings += "library-code:\n" + Options.Library->fingerprint();
  return Settings;
}

std::string extractionSalt(const ScanPlan &Plan, const ExtractOptions &Options,
                           llvm::StringRef ResourceDir) {
  std::string Salt = "root=" + Plan.paths.root() + "\n";
  for (const std::string &E : Plan.paths.excludedDirs())
    Salt += "exclude=" + E + "\n";
  Salt += "resource-dir=" + ResourceDir.str() + "\n";
  return Salt + extractionSettings(Plan, Options);
}

} // namespace sa
