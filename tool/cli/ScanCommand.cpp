#include "Commands.h"
#include "Progress.h"
#include "Reporting.h"
#include "Version.h"

#include "driver/FactsCache.h"
#include "driver/Scan.h"
#include "facts/FactsJson.h"
#include "review/Review.h"
#include "support/Output.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace sa {

namespace {

/// "K/N" with 1 <= K <= N.
std::optional<std::pair<unsigned, unsigned>> parseShard(llvm::StringRef S) {
  auto [K, N] = S.split('/');
  unsigned Kv, Nv;
  if (K.getAsInteger(10, Kv) || N.getAsInteger(10, Nv) || Nv == 0 || Kv == 0 || Kv > Nv)
    return std::nullopt;
  return std::make_pair(Kv, Nv);
}

} // namespace

int runScanCommand(const ScanOptions &O) {
  llvm::Expected<Config> Conf =
      effectiveConfig(O.report.configFile, O.paths.empty() ? std::string(".") : O.paths.front());
  if (!Conf) {
    reportError(llvm::toString(Conf.takeError()));
    return 2;
  }
  std::optional<std::pair<unsigned, unsigned>> Shard;
  if (!O.shard.empty() && !(Shard = parseShard(O.shard))) {
    reportError("--shard expects K/N with 1 <= K <= N, got '" + O.shard + "'");
    return 2;
  }
  if (Shard && O.factsOut.empty()) {
    reportError("--shard needs --facts-out: the shards' facts are merged with 'state-audit merge'");
    return 2;
  }

  ScanRequest Request;
  Request.paths = O.paths;
  Request.buildDir = O.buildDir;
  Request.extraArgs = O.extraArgs;
  Request.excludes = O.excludes;
  Request.excludeGlobs = Conf->exclude;
  Request.root = O.root;
  Request.resourceDir = STATE_AUDIT_CLANG_RESOURCE_DIR;
  if (const char *Env = std::getenv("STATE_AUDIT_RESOURCE_DIR"))
    Request.resourceDir = Env;

  llvm::Expected<ScanPlan> Plan = planScan(Request);
  if (!Plan) {
    reportError(llvm::toString(Plan.takeError()));
    return 2;
  }
  for (const std::string &W : Plan->warnings)
    reportWarning(W);
  if (Shard)
    Plan->jobs = selectShard(Plan->jobs, Shard->first, Shard->second);

  // Input problems that do not need parsing are reported before the work starts.
  ReviewOptions Review;
  if (llvm::Error E = prepareReview(O.report, *Conf, Review)) {
    reportError(llvm::toString(std::move(E)));
    return 2;
  }

  ExtractOptions Extract;
  Extract.SkipForeignBodies = !O.noSkipBodies;
  std::optional<FactsCache> Cache;
  if (!O.noCache) {
    std::string Dir = O.cacheDir;
    if (Dir.empty()) {
      llvm::SmallString<256> D(Plan->database.empty()
                                   ? Plan->paths.root()
                                   : std::string(llvm::sys::path::parent_path(Plan->database)));
      llvm::sys::path::append(D, ".state-audit-cache");
      Dir = std::string(D);
    }
    Cache.emplace(Dir, extractionSalt(*Plan, Extract, Request.resourceDir));
  }

  Progress Bar(llvm::errs(), Progress::choose(O.quiet, O.verbose), Plan->jobs.size());
  std::vector<TUFacts> Facts = runScan(
      *Plan, O.jobs, Extract, Cache ? &*Cache : nullptr,
      [&](const TUJob &Job, const TUFacts &F, double Seconds, bool FromCache) {
        if (F.status == TUStatus::CompileErrors) {
          Bar.interrupt();
          llvm::errs() << "state-audit: " << F.file << ": " << F.errorCount
                       << (F.errorCount == 1 ? " compile error" : " compile errors")
                       << "; first: " << F.firstError << "\n";
        } else if (F.status == TUStatus::Failed) {
          Bar.interrupt();
          llvm::errs() << "state-audit: " << F.file << ": not analysed: " << F.firstError << "\n";
        }
        Bar.done(Plan->paths.display(Job.file), Seconds, FromCache);
      });
  double Seconds = Bar.elapsed();
  size_t FromCache = Bar.fromCache();

  if (!O.factsOut.empty()) {
    llvm::json::Value Doc = factsFileToJSON(FactsFile{Plan->paths.root(), Facts});
    if (llvm::Error E = writeOutput(O.factsOut, [&](llvm::raw_ostream &OS) { OS << Doc; })) {
      reportError("cannot write '" + O.factsOut + "': " + llvm::toString(std::move(E)));
      return 2;
    }
  }

  int Code = reportAndGate(mergeFacts(Facts), Plan->paths, Review, O.report);
  if (!O.quiet) {
    // On stderr, so reports stay byte-identical whatever the timing and the cache did.
    llvm::errs() << llvm::format("state-audit: %zu translation units analysed in %.2f s",
                                 Plan->jobs.size(), Seconds);
    if (Cache)
      llvm::errs() << ", " << FromCache << " from the cache";
    if (Cache && Cache->corruptEntries())
      llvm::errs() << " (" << Cache->corruptEntries() << " unreadable cache entries rebuilt)";
    llvm::errs() << "\n";
  }
  return Code;
}

int runMergeCommand(const MergeOptions &O) {
  std::vector<TUFacts> All;
  std::string Root;
  for (const std::string &Path : O.factsFiles) {
    auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!Buffer) {
      reportError(Path + ": cannot read: " + Buffer.getError().message());
      return 2;
    }
    auto Doc = llvm::json::parse((*Buffer)->getBuffer());
    if (!Doc) {
      reportError(Path + ": not valid JSON: " + llvm::toString(Doc.takeError()));
      return 2;
    }
    auto File = factsFileFromJSON(*Doc);
    if (!File) {
      reportError(Path + ": " + llvm::toString(File.takeError()));
      return 2;
    }
    if (!Root.empty() && File->root != Root && O.root.empty()) {
      reportError(Path + ": extracted under '" + File->root + "', the others under '" + Root +
                  "'; give --root to merge them");
      return 2;
    }
    Root = File->root;
    for (TUFacts &F : File->tus)
      All.push_back(std::move(F));
  }
  ProjectPaths Paths(O.root.empty() ? Root : canonicalPath(O.root), {});
  llvm::Expected<Config> Conf = effectiveConfig(O.report.configFile, Paths.root());
  if (!Conf) {
    reportError(llvm::toString(Conf.takeError()));
    return 2;
  }
  ReviewOptions Review;
  if (llvm::Error E = prepareReview(O.report, *Conf, Review)) {
    reportError(llvm::toString(std::move(E)));
    return 2;
  }
  return reportAndGate(mergeFacts(All), Paths, Review, O.report);
}

int runConfigCommand(const std::string &ConfigFile, const std::string &Start, bool Dump) {
  llvm::Expected<Config> Conf = effectiveConfig(ConfigFile, Start);
  if (!Conf) {
    reportError(llvm::toString(Conf.takeError()));
    return 2;
  }
  if (Dump)
    llvm::outs() << dumpConfig(*Conf);
  else
    llvm::outs() << (Conf->path.empty() ? std::string("(no configuration file: defaults)")
                                         : Conf->path)
                 << "\n";
  return 0;
}

} // namespace sa
