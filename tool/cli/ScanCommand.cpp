#include "Commands.h"
#include "Version.h"

#include "config/Config.h"
#include "driver/Scan.h"
#include "facts/FactsJson.h"
#include "gate/Review.h"
#include "report/Report.h"
#include "support/Output.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>

namespace sa {

namespace {

bool useColor(const ReportOptions &O) {
  if (O.color == "always")
    return true;
  if (O.color == "never" || !O.output.empty() || std::getenv("NO_COLOR"))
    return false;
  return llvm::sys::Process::StandardOutIsDisplayed() && llvm::outs().has_colors();
}

/// --config FILE, else .state-audit.yaml from `Start` upward, else the defaults.
llvm::Expected<Config> effectiveConfig(const std::string &Explicit, const std::string &Start) {
  std::string Path = Explicit.empty() ? findConfig(Start) : Explicit;
  if (Path.empty())
    return Config();
  return loadConfig(Path);
}

} // namespace

int runScanCommand(const ScanOptions &O) {
  auto Start = std::chrono::steady_clock::now();
  llvm::Expected<Config> Conf =
      effectiveConfig(O.report.configFile, O.paths.empty() ? std::string(".") : O.paths.front());
  if (!Conf) {
    reportError(llvm::toString(Conf.takeError()));
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

  // Input problems that do not need parsing are reported before the work starts.
  ReviewOptions Review;
  Review.config = *Conf;
  Review.allowCompileErrors = O.report.allowCompileErrors;
  std::string FailOn = !O.report.failOn.empty() ? O.report.failOn
                                                : Conf->failOn.value_or("error");
  Review.failOn = parseLevel(FailOn);
  if (!O.report.baseline.empty()) {
    auto B = loadBaseline(O.report.baseline);
    if (!B) {
      reportError(llvm::toString(B.takeError()));
      return 2;
    }
    Review.baseline = std::move(*B);
  }
  for (const std::string &M : O.report.baselinePathMap) {
    auto Mapping = parsePathMapping(M);
    if (!Mapping) {
      reportError(llvm::toString(Mapping.takeError()));
      return 2;
    }
    Review.baselinePathMap.push_back(*Mapping);
  }

  ExtractOptions Extract;
  Extract.SkipForeignBodies = !O.noSkipBodies;
  std::vector<TUFacts> Facts =
      runScan(*Plan, O.jobs, Extract, [&](const TUJob &, const TUFacts &F, double) {
        if (F.status == TUStatus::CompileErrors)
          llvm::errs() << "state-audit: " << F.file << ": " << F.errorCount
                       << (F.errorCount == 1 ? " compile error" : " compile errors")
                       << "; first: " << F.firstError << "\n";
        else if (F.status == TUStatus::Failed)
          llvm::errs() << "state-audit: " << F.file << ": not analysed: " << F.firstError
                       << "\n";
      });

  if (!O.factsOut.empty()) {
    llvm::json::Value Doc = factsFileToJSON(Facts);
    if (llvm::Error E = writeOutput(O.factsOut, [&](llvm::raw_ostream &OS) { OS << Doc; })) {
      reportError("cannot write '" + O.factsOut + "': " + llvm::toString(std::move(E)));
      return 2;
    }
  }

  Program P = mergeFacts(Facts);
  sa::Review Reviewed = review(P, Review);
  ScanReport Report;
  Report.paths = Plan->paths;
  Report.findings = std::move(Reviewed.findings);
  Report.absent = std::move(Reviewed.absent);
  Report.tus = P.tus;
  Report.notes = std::move(Reviewed.notes);
  Report.gate = Reviewed.gate;
  Report.entryPoints = Reviewed.entryPoints;

  bool Color = useColor(O.report);
  const std::string &Format = O.report.format;
  llvm::Error E = writeOutput(O.report.output, [&](llvm::raw_ostream &OS) {
    if (Format == "json")
      writeJson(OS, Report);
    else if (Format == "sarif")
      writeSarif(OS, Report, SarifOptions{O.report.sarifIncludeSuppressed, "state-audit/"});
    else if (Format == "markdown")
      writeMarkdown(OS, Report);
    else if (Format == "codequality")
      writeCodeQuality(OS, Report);
    else {
      if (Color)
        OS.enable_colors(true);
      writeText(OS, Report, TextOptions{Color});
      OS.enable_colors(false);
    }
  });
  if (E) {
    reportError("cannot write '" + O.report.output + "': " + llvm::toString(std::move(E)));
    return 2;
  }
  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  llvm::errs() << llvm::format("state-audit: %zu translation units analysed in %.2f s\n",
                               Plan->jobs.size(), Seconds);
  return exitCodeFor(Report.gate);
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
