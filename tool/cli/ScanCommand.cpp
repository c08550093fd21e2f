#include "Commands.h"
#include "Progress.h"
#include "Reporting.h"
#include "Version.h"

#include "driver/FactsCache.h"
#include "driver/Scan.h"
#include "facts/FactGroups.h"
#include "facts/FactsJson.h"
#include "review/Review.h"
#include "support/Output.h"

#include "support/Untrusted.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace sa {

namespace {

/// "K/N" with 1 <= K <= N.
std::optional<std::pair<unsigned, unsigned>> parseShard(llvm::StringRef S) {
  auto [K, N] = S.split('/');
  unsigned Kv, Nv;
  if (K.getAsInteger(10, Kv) || N.getAsInteger(10, Nv) || Nv == 0 || Kv == 0 || Kv > Nv ||
      Nv > 100000)
    return std::nullopt;
  return std::make_pair(Kv, Nv);
}

/// 32 hex digits of the SHA-256 of `Text`: an identity recorded in facts files.
std::string hashOf(llvm::StringRef Text) {
  auto Digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(Text));
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), true);
}

/// The identity of a scan that shards share: the tool's version, the number of shards and
/// the whole TU list before sharding (root-relative, so CI machines with different checkout
/// paths agree).
std::string scanIdentity(const ScanPlan &Plan, unsigned Shards) {
  llvm::SHA256 H;
  auto Part = [&](llvm::StringRef S) {
    H.update(S);
    H.update(llvm::StringRef("\0", 1));
  };
  Part("state-audit scan");
  Part(STATE_AUDIT_VERSION);
  Part(std::to_string(Shards));
  for (const TUJob &J : Plan.jobs)
    Part(Plan.paths.display(J.file));
  auto Digest = H.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), true);
}

/// An output must not overwrite what the scan reads: a source or a header (any existing C or
/// C++ file: which headers a TU includes is known only once it is parsed), the compile
/// database and its response files, the configuration or the baseline.
std::optional<std::string> clobbers(llvm::StringRef Output, llvm::StringRef Option,
                                    const ScanPlan &Plan, const ScanOptions &O,
                                    const Config &Conf) {
  if (Output.empty() || Output == "-")
    return std::nullopt;
  auto Refuse = [&](llvm::StringRef What, llvm::StringRef File) {
    return Option.str() + " '" + Output.str() + "' names " + What.str() + " '" +
           Plan.paths.display(File) + "'; refusing to overwrite it";
  };
  for (const TUJob &J : Plan.jobs)
    if (sameExistingFile(Output, J.file))
      return Refuse("a scanned source file", J.file);
  if (!Plan.database.empty() && sameExistingFile(Output, Plan.database))
    return Refuse("the compile database", Plan.database);
  for (const std::string &R : Plan.responseFiles)
    if (sameExistingFile(Output, R))
      return Refuse("a response file of the compile database", R);
  if (llvm::sys::fs::is_regular_file(Output)) {
    std::string Real = canonicalPath(Output);
    if (isSourceFile(Real) || isHeaderFile(Real) || isSourceFile(Output) || isHeaderFile(Output))
      return Refuse("a C or C++ source file", Real);
  }
  if (!Conf.path.empty() && sameExistingFile(Output, Conf.path))
    return Refuse("the configuration file", Conf.path);
  if (!O.report.baseline.empty() && sameExistingFile(Output, O.report.baseline))
    return Refuse("the baseline", canonicalPath(O.report.baseline));
  return std::nullopt;
}

/// Where the cache lives when --cache-dir is not given: beside the compile database, else in
/// the user's cache directory ($XDG_CACHE_HOME, ~/.cache), never in the source tree.
std::string defaultCacheDir(const ScanPlan &Plan) {
  llvm::SmallString<256> D;
  if (!Plan.database.empty()) {
    D = llvm::sys::path::parent_path(Plan.database);
    llvm::sys::path::append(D, ".state-audit-cache");
  } else if (llvm::sys::path::cache_directory(D)) {
    llvm::sys::path::append(D, "state-audit");
  } else {
    return {};
  }
  return std::string(D);
}

/// Headers included from outside the root are not analysed: said with how many and which, so
/// a root chosen too narrow never hides state in silence. Those under the system's
/// installation prefixes are library code: counted with -v only.
void reportOutsideRoot(const std::vector<ScannedTU> &TUs, llvm::StringRef Root,
                       const std::vector<std::string> &Prefixes, bool Verbose) {
  std::vector<std::string> Files;
  for (const ScannedTU &TU : TUs)
    Files.insert(Files.end(), TU.outsideRoot.begin(), TU.outsideRoot.end());
  std::sort(Files.begin(), Files.end());
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  std::set<std::string> Used; // the prefixes that hold some of them
  size_t All = Files.size();
  llvm::erase_if(Files, [&](const std::string &F) {
    for (const std::string &P : Prefixes)
      if (isWithin(F, P)) {
        Used.insert(P);
        return true;
      }
    return false;
  });
  size_t Installed = All - Files.size();
  if (Verbose && Installed)
    llvm::errs() << "state-audit: " << Installed << (Installed == 1 ? " header" : " headers")
                 << " outside the project root read as library code, under "
                 << llvm::join(Used, ", ") << "\n";
  if (Files.empty())
    return;
  std::string List;
  constexpr size_t Shown = 3;
  for (size_t I = 0; I < Files.size() && I < Shown; ++I)
    List += (I ? ", " : "") + Files[I];
  if (Files.size() > Shown)
    List += ", ...";
  reportWarning(std::to_string(Files.size()) +
                (Files.size() == 1 ? " header" : " headers") + " outside the project root '" +
                Root.str() + "' not analysed for state (" + List +
                "); give --root a directory that holds them to analyse them");
}

/// Why the sources of merged facts are not under `Root`, or nullopt. The report reads them
/// for source lines, columns and SARIF's line hashes (what keeps code-scanning alerts
/// tracked): without them it would silently lose those.
std::optional<std::string> sourcesMissing(const std::string &Root,
                                          const std::vector<TUSummary> &TUs, bool Given) {
  std::string Where = Given ? "--root '" + Root + "'" : "the root the shards were scanned under, '" +
                                                            Root + "' (give --root)";
  if (!llvm::sys::fs::is_directory(Root))
    return Where + " is not a directory";
  size_t Missing = 0;
  std::string First;
  for (const TUSummary &TU : TUs) {
    llvm::SmallString<256> P(TU.file);
    if (!llvm::sys::path::is_absolute(P)) {
      P = Root;
      llvm::sys::path::append(P, TU.file);
    }
    if (!llvm::sys::fs::exists(P) && Missing++ == 0)
      First = TU.file;
  }
  if (!Missing)
    return std::nullopt;
  return Where + " does not hold the scanned sources ('" + First + "'" +
         (Missing > 1 ? " and " + std::to_string(Missing - 1) + " more" : std::string()) +
         " missing): the report would lose its source lines and SARIF line hashes";
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
    reportError("--shard expects K/N with 1 <= K <= N <= 100000, got '" + O.shard + "'");
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
  if (Plan->rootChosen)
    llvm::errs() << "state-audit: no git work tree; project root: " << Plan->paths.root()
                 << " (holds the scanned sources and their include directories; --root "
                    "changes it)\n";
  for (const auto &[Value, Option] : {std::pair<const std::string &, const char *>{O.report.output, "-o"},
                                      {O.factsOut, "--facts-out"}})
    if (std::optional<std::string> Why = clobbers(Value, Option, *Plan, O, *Conf)) {
      reportError(*Why);
      return 2;
    }
  if (!O.factsOut.empty() && !O.report.output.empty() && O.report.output != "-" &&
      (O.factsOut == O.report.output || sameExistingFile(O.factsOut, O.report.output))) {
    reportError("-o and --facts-out name the same file '" + O.factsOut + "'");
    return 2;
  }
  std::string ScanId = scanIdentity(*Plan, Shard ? Shard->second : 1);
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
  Extract.Libraries = Conf->effectiveKnowledge().extractionPart();
  LibraryCode Library(Plan->paths.root(), Conf->effectiveKnowledge(),
                      LibraryCodeOptions::fromConfig(Conf->vendored));
  Extract.Library = &Library;
  std::optional<FactsCache> Cache;
  if (!O.noCache) {
    std::string Dir = O.cacheDir.empty() ? defaultCacheDir(*Plan) : O.cacheDir;
    if (!Dir.empty())
      Cache.emplace(Dir, extractionSalt(*Plan, Extract, Request.resourceDir));
    if (Cache)
      if (llvm::Error E = Cache->open()) {
        reportError(llvm::toString(std::move(E)));
        return 2;
      }
  }

  // The linked result is cached when nothing needs the facts themselves.
  std::optional<std::string> LinkSalt;
  if (Cache && O.factsOut.empty() && !reportNeedsProgram(O.report))
    LinkSalt = linkSalt(*Conf);
  Progress Bar(llvm::errs(), Progress::choose(O.report.quiet, O.verbose), Plan->jobs.size());
  auto OnDone = [&](const TUJob &Job, const TUSummary &F, double Seconds, bool FromCache) {
    if (F.status == TUStatus::CompileErrors) {
      Bar.interrupt();
      llvm::errs() << "state-audit: " << printable(F.file) << ": " << F.errorCount
                   << (F.errorCount == 1 ? " compile error" : " compile errors")
                   << "; first: " << printable(F.firstError) << "\n";
    } else if (F.status == TUStatus::Failed) {
      Bar.interrupt();
      llvm::errs() << "state-audit: " << printable(F.file) << ": not analysed: "
                   << printable(F.firstError) << "\n";
    }
    Bar.done(Plan->paths.display(Job.file), Seconds, FromCache);
  };
  GroupedScan Scan =
      runGroupedScan(*Plan, O.jobs, Extract, Cache ? &*Cache : nullptr, OnDone, LinkSalt);
  double Seconds = Bar.elapsed();
  if (Scan.parsingThreadsReducedTo) {
    Bar.interrupt();
    reportWarning("the address space is limited (ulimit -v) and each parsing thread reserves a " +
                  std::to_string(tuStackBytes() >> 20) + " MB stack: at most " +
                  std::to_string(*Scan.parsingThreadsReducedTo) +
                  " TUs were parsed at a time, fewer than -j asked for");
  }
  reportOutsideRoot(Scan.tus, Plan->paths.root(),
                    installationPrefixes(*Plan, Request.resourceDir), O.verbose);
  size_t FromCache = Bar.fromCache();

  if (!O.factsOut.empty()) {
    FactsFile File;
    File.root = Plan->paths.root();
    File.tus = Scan.joined();
    File.shard = Shard ? Shard->first : 1;
    File.shards = Shard ? Shard->second : 1;
    File.scan = ScanId;
    File.extraction = hashOf(extractionSettings(*Plan, Extract) + "args=" +
                             llvm::join(Request.extraArgs, "\n"));
    llvm::json::Value Doc = factsFileToJSON(File);
    File.tus.clear();
    if (llvm::Error E = writeOutput(O.factsOut, [&](llvm::raw_ostream &OS) { OS << Doc; })) {
      reportError("cannot write " + outputName(O.factsOut) + ": " + llvm::toString(std::move(E)));
      return 2;
    }
  }

  std::vector<TUSummary> TUs = Scan.summaries();
  std::sort(TUs.begin(), TUs.end(),
            [](const TUSummary &A, const TUSummary &B) { return A.file < B.file; });
  std::optional<LinkedProgram> Linked;
  if (Scan.linked && !(Linked = linkedFromJSON(*Scan.linked))) {
    // Signed by this cache but not readable by this build: link from the groups, and
    // replace it under the same key.
    Cache->countCorrupt();
    std::string LinkKey = Scan.linkKey;
    Scan = runGroupedScan(*Plan, O.jobs, Extract, &*Cache);
    Scan.linkKey = LinkKey;
  }
  std::optional<Program> Whole;
  if (!Linked) {
    Whole = linkGroups(TUs, Scan.takeUses()); // the program holds what is needed from here on
    Linked = linkProgram(*Whole, *Conf);
    if (Cache && !Scan.linkKey.empty())
      Cache->storeLinked(Scan.linkKey, linkedToJSON(*Linked));
    if (!reportNeedsProgram(O.report))
      Whole.reset();
  }
  Linked->tus = std::move(TUs);
  int Code = reportAndGate(*Linked, Whole ? &*Whole : nullptr, Plan->paths, Review, O.report);
  std::optional<FactsCache::Pruned> Pruned;
  if (Cache)
    Pruned = Cache->prune(O.cacheMaxSize);
  // Sources that could not even be listed (an unreadable directory) make the scan incomplete.
  if (Plan->sourcesLost && Code != 2)
    Code = 3;
  if (!O.report.quiet) {
    // On stderr, so reports stay byte-identical whatever the timing and the cache did.
    llvm::errs() << "state-audit: "
                 << plural(Plan->jobs.size(), "translation unit", "translation units")
                 << llvm::format(" analysed in %.2f s", Seconds);
    if (Cache)
      llvm::errs() << ", " << FromCache << " from the cache";
    if (Cache && Cache->corruptEntries())
      llvm::errs() << " ("
                   << plural(Cache->corruptEntries(), "unreadable cache entry",
                             "unreadable cache entries")
                   << " rebuilt)";
    llvm::errs() << "\n";
    if (Pruned && Pruned->files)
      llvm::errs() << "state-audit: cache: removed "
                   << plural(Pruned->files, "least recently used file",
                             "least recently used files")
                   << llvm::format(" (%.1f MB); %.1f MB left (--cache-max-size)\n",
                                   Pruned->bytes / 1e6, Pruned->left / 1e6);
  }
  return Code;
}

int runMergeCommand(const MergeOptions &O) {
  std::vector<TUSummary> TUs;
  GroupStore Groups;
  std::map<std::string, unsigned> Uses;
  std::string Root;
  if (!O.report.output.empty())
    for (const std::string &Path : O.factsFiles)
      if (sameExistingFile(O.report.output, Path)) {
        reportError("-o '" + O.report.output + "' names the facts file '" + Path +
                    "'; refusing to overwrite it");
        return 2;
      }
  // Shards of one scan: each of 1..N exactly once, all with the same identity.
  std::string Scan, Extraction, FirstPath;
  unsigned Shards = 0;
  std::map<unsigned, std::string> Seen;
  for (const std::string &Path : O.factsFiles) {
    if (!llvm::sys::fs::is_regular_file(Path)) {
      reportError(Path + ": not a regular file");
      return 2;
    }
    auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!Buffer) {
      reportError(Path + ": cannot read: " + Buffer.getError().message());
      return 2;
    }
    auto Doc = parseUntrustedJson((*Buffer)->getBuffer());
    if (!Doc) {
      reportError(Path + ":" + llvm::toString(Doc.takeError()));
      return 2;
    }
    auto File = factsFileFromJSON(*Doc);
    if (!File) {
      reportError(Path + ": " + llvm::toString(File.takeError()));
      return 2;
    }
    if (Shards == 0) {
      Shards = File->shards;
      Scan = File->scan;
      Extraction = File->extraction;
      FirstPath = Path;
    } else if (File->shards != Shards || File->scan != Scan) {
      reportError(Path + ": shard " + std::to_string(File->shard) + "/" +
                  std::to_string(File->shards) + " of another scan than " + FirstPath +
                  " (a different TU list, shard count or state-audit version)");
      return 2;
    } else if (File->extraction != Extraction) {
      reportError(Path + ": shard " + std::to_string(File->shard) + "/" +
                  std::to_string(File->shards) + " was scanned with another configuration "
                  "than " + FirstPath + " (exclude, vendored, knowledge, --no-skip-bodies or "
                  "the arguments after --): the merged report would match neither; scan every "
                  "shard with the same configuration");
      return 2;
    }
    auto [It, New] = Seen.emplace(File->shard, Path);
    if (!New) {
      reportError(Path + ": shard " + std::to_string(File->shard) + "/" +
                  std::to_string(Shards) + " is given twice (also " + It->second + ")");
      return 2;
    }
    if (!Root.empty() && File->root != Root && O.root.empty()) {
      reportError(Path + ": extracted under '" + File->root + "', the others under '" + Root +
                  "'; give --root to merge them");
      return 2;
    }
    Root = File->root;
    // Header groups shared by TUs, within and across shards, are kept once.
    for (TUFacts &F : File->tus) {
      TUs.push_back(F.summary());
      for (FactGroup &G : splitByFile(std::move(F), /*KeepJson=*/false)) {
        ++Uses[G.hash];
        Groups.add(G.hash, std::move(G.facts));
      }
    }
  }
  std::string Missing;
  unsigned MissingCount = 0;
  for (unsigned K = 1; K <= Shards; ++K)
    if (!Seen.count(K)) {
      if (++MissingCount <= 20)
        Missing += (Missing.empty() ? "" : ", ") + std::to_string(K) + "/" + std::to_string(Shards);
    }
  if (MissingCount) {
    if (MissingCount > 20)
      Missing += ", ... (" + std::to_string(MissingCount) + " in all)";
    reportError(std::string(MissingCount == 1 ? "shard " : "shards ") + Missing +
                (MissingCount == 1 ? " is" : " are") +
                " missing: the merged report would be partial");
    return 3;
  }
  ProjectPaths Paths(O.root.empty() ? Root : canonicalPath(O.root), {});
  if (std::optional<std::string> Why = sourcesMissing(Paths.root(), TUs, !O.root.empty())) {
    reportError(*Why);
    return 2;
  }
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
  return reportAndGate(linkGroups(std::move(TUs), Groups.take(Uses)), Paths, Review, O.report);
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
