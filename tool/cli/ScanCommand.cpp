#include "Commands.h"
#include "Version.h"

#include "driver/Scan.h"
#include "facts/FactsJson.h"
#include "gate/Gate.h"
#include "link/Linker.h"
#include "report/Report.h"
#include "support/Output.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>

namespace sa {

namespace {

bool useColor(const ScanOptions &O) {
  if (O.color == "always")
    return true;
  if (O.color == "never" || !O.output.empty() || std::getenv("NO_COLOR"))
    return false;
  return llvm::sys::Process::StandardOutIsDisplayed() && llvm::outs().has_colors();
}

} // namespace

int runScanCommand(const ScanOptions &O) {
  auto Start = std::chrono::steady_clock::now();
  ScanRequest Request;
  Request.paths = O.paths;
  Request.buildDir = O.buildDir;
  Request.extraArgs = O.extraArgs;
  Request.excludes = O.excludes;
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

  ExtractOptions Extract;
  Extract.SkipForeignBodies = !O.noSkipBodies;
  std::vector<TUFacts> Facts =
      runScan(*Plan, O.jobs, Extract, [&](const TUJob &Job, const TUFacts &F, double) {
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
  LinkResult L = link(P);

  ScanReport Report;
  Report.paths = Plan->paths;
  Report.findings = std::move(L.findings);
  Report.tus = P.tus;
  Report.notes = std::move(L.notes);
  Report.gate = evaluateGate(Report.findings, Report.tus, parseLevel(O.failOn),
                             O.allowCompileErrors);

  bool Color = useColor(O);
  llvm::Error E = writeOutput(O.output, [&](llvm::raw_ostream &OS) {
    if (O.format == "json")
      writeJson(OS, Report);
    else {
      if (Color)
        OS.enable_colors(true);
      writeText(OS, Report, TextOptions{Color});
      OS.enable_colors(false);
    }
  });
  if (E) {
    reportError("cannot write '" + O.output + "': " + llvm::toString(std::move(E)));
    return 2;
  }
  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  llvm::errs() << llvm::format("state-audit: %zu translation units analysed in %.2f s\n",
                               Plan->jobs.size(), Seconds);
  return exitCodeFor(Report.gate);
}

} // namespace sa
