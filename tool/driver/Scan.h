// Planning and running a scan: which TUs, with which commands, on how many workers.
#pragma once

#include "extract/Extractor.h"
#include "facts/FactGroups.h"
#include "facts/Facts.h"
#include "support/Paths.h"

#include "llvm/Support/Error.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sa {

struct ScanRequest {
  std::vector<std::string> paths;     // files or directories restricting the TUs
  std::string buildDir;               // -p: directory holding compile_commands.json
  std::vector<std::string> extraArgs; // after "--"
  std::vector<std::string> excludes;  // directories that are not the project's code
  std::vector<std::string> excludeGlobs; // root-relative globs (from the configuration)
  std::string root;                   // project root; guessed when empty
  std::string resourceDir;            // clang's resource directory
  bool searchDatabase = true;         // look for compile_commands.json upward when no -p
};

struct TUJob {
  std::string file;      // absolute
  std::string directory; // working directory of the command
  std::vector<std::string> arguments; // adjusted for clang
};

struct ScanPlan {
  ProjectPaths paths;
  std::string database; // compile_commands.json used, empty when none
  std::vector<TUJob> jobs; // sorted by file
  std::vector<std::string> warnings; // one line each, for stderr
  std::vector<std::string> responseFiles; // read for the jobs' commands (absolute, sorted)
  /// Sources that could not be listed (an unreadable directory) or read: the scan is
  /// incomplete (exit 3) even when every TU that was found is analysed.
  bool sourcesLost = false;
  /// The root was chosen from the scanned files (no --root, no git work tree) and is not the
  /// one directory scanned: said on stderr.
  bool rootChosen = false;
};

/// Errors here are usage or input errors (exit code 2): a missing path, a broken database,
/// nothing to analyse.
llvm::Expected<ScanPlan> planScan(const ScanRequest &Request);

/// Where the system installs what a build uses (canonical, sorted): /usr, /opt, the
/// compiler's resource directory and every sysroot the plan's commands name (--sysroot,
/// -isysroot). Headers there are library code, not part of the project left outside the
/// root. A prefix that holds the project root is left out: beside a project checked out under
/// /opt, a header may be the project's own.
std::vector<std::string> installationPrefixes(const ScanPlan &Plan, llvm::StringRef ResourceDir);

class FactsCache;

/// Called after each TU, from the worker that ran it (calls are serialised).
using TUDoneCallback =
    std::function<void(const TUJob &, const TUSummary &, double Seconds, bool FromCache)>;

/// One TU of a scan: its summary and the file groups of its facts (by hash, in the scan's
/// GroupStore unless the linked result came from the cache).
struct ScannedTU {
  TUSummary summary;
  std::vector<std::string> outsideRoot;
  std::vector<std::string> groups; // hashes, sorted by file
  bool fromCache = false;
};

struct GroupedScan {
  std::vector<ScannedTU> tus; // plan order
  /// Every distinct group of the scan, each once, shared by the TUs that have it. Empty when
  /// `linked` came from the cache: nothing was loaded.
  GroupStore groups;
  /// The linked result cached under `linkKey`, when the scan asked for one and it was found.
  std::optional<std::string> linked;
  std::string linkKey;
  /// Set when the parsing threads' stacks did not all fit (ulimit -v): how many ran at once.
  std::optional<unsigned> parsingThreadsReducedTo;

  std::vector<TUSummary> summaries() const;
  /// The distinct groups with the number of TUs that have each, for linkGroups.
  std::vector<GroupUse> uses() const;
  /// The same groups taken out of `groups` (left empty), for the link that is their last use.
  std::vector<OwnedGroup> takeUses();
  /// The TUs' facts rebuilt from their groups (`linked` must be empty).
  std::vector<TUFacts> joined() const;
};

/// Runs every job on `Jobs` workers (0: one per core), taking unchanged TUs from `Cache` when
/// one is given. Results are in plan order whatever the number of workers, so reports do not
/// depend on -j. Each TU's facts are split by file (facts/FactGroups.h) and interned as the
/// TU finishes, so two TUs' identical header facts are one object in memory.
///
/// With a cache and a `LinkSalt` (the link's configuration), a scan in which no TU changed
/// looks up the linked result before reading any group: found, it is returned in `linked` and
/// no group is loaded. Otherwise the groups of cached TUs are read, each distinct one once; a
/// TU whose group cannot be read is parsed again (and counted as an unreadable entry).
///
/// Each TU runs on a thread of its own with a large stack (clang recurses once per nested
/// expression), inside a crash-recovery context: a TU that crashes the parser comes back as
/// Failed, the others are analysed.
GroupedScan runGroupedScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                           FactsCache *Cache = nullptr, const TUDoneCallback &OnDone = {},
                           const std::optional<std::string> &LinkSalt = std::nullopt);

/// runGroupedScan without a linked result: every TU's facts, whole.
std::vector<TUFacts> runScan(const ScanPlan &Plan, unsigned Jobs, const ExtractOptions &Options,
                             FactsCache *Cache = nullptr, const TUDoneCallback &OnDone = {});

/// Stack size of the thread each TU is parsed on.
inline constexpr unsigned TUStackBytes = 512u << 20;
/// TUStackBytes, or STATE_AUDIT_TU_STACK_KB (for tests of the crash containment).
unsigned tuStackBytes();

/// Runs functions on threads with a stack of a given size, each inside a crash-recovery
/// context, `Wanted` at once. Every stack is reserved in full, so under a limited address
/// space (`ulimit -v`) fewer run at once: as many as fit in half of what is left (the parses
/// need the rest), and when a thread still cannot be made, it waits for a running one and
/// runs fewer from then on; with none running, on the calling thread. `reducedTo` says how
/// many ran at once when that was fewer than wanted, for a warning.
class StackThreads {
public:
  StackThreads(size_t Bytes, unsigned Wanted);
  /// False when `Fn` crashed.
  bool run(const std::function<void()> &Fn);
  std::optional<unsigned> reducedTo() const;

private:
  size_t Bytes;
  mutable std::mutex Mutex;
  std::condition_variable Free;
  unsigned Running = 0;
  unsigned Wanted;
  unsigned Limit;
};

/// Lets crash recovery catch a stack overflow: the signal handler must run on an alternate
/// stack. Called once from main after CrashRecoveryContext::Enable(); each TU thread installs
/// its own alternate stack.
void enableStackOverflowRecovery();

/// Shard K of N (1-based) of the jobs: TUs dealt out largest first to the lightest shard, by
/// the size of their main file, so the shards take about as long and are the same on every
/// machine.
std::vector<TUJob> selectShard(const std::vector<TUJob> &Jobs, unsigned K, unsigned N);

/// What besides a TU's command decides its facts: the cache's salt.
std::string extractionSalt(const ScanPlan &Plan, const ExtractOptions &Options,
                           llvm::StringRef ResourceDir);

/// The configuration that decides extraction, without the machine's paths: exclusions
/// relative to the root, body skipping, library knowledge, library code. Shards of one scan
/// agree on it wherever they ran.
std::string extractionSettings(const ScanPlan &Plan, const ExtractOptions &Options);

bool isSourceFile(llvm::StringRef Path);
bool isHeaderFile(llvm::StringRef Path);

} // namespace sa
