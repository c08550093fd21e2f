#include "Reporting.h"

#include "review/Review.h"
#include "report/Plan.h"
#include "report/Report.h"
#include "support/Output.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace sa {

llvm::Expected<Config> effectiveConfig(const std::string &Explicit, const std::string &Start) {
  std::string Path = Explicit.empty() ? findConfig(Start) : Explicit;
  if (Path.empty())
    return Config();
  return loadConfig(Path);
}

llvm::Error prepareReview(const ReportOptions &O, const Config &C, ReviewOptions &Out) {
  Out.config = C;
  Out.allowCompileErrors = O.allowCompileErrors;
  Out.failOn = parseLevel(!O.failOn.empty() ? O.failOn : C.failOn.value_or("error"));
  if (!O.baseline.empty()) {
    std::vector<std::string> Warnings;
    auto B = loadBaseline(O.baseline, &Warnings);
    for (const std::string &W : Warnings)
      reportWarning(W);
    if (!B)
      return B.takeError();
    Out.baseline = std::move(*B);
  }
  for (const std::string &M : O.baselinePathMap) {
    auto Mapping = parsePathMapping(M);
    if (!Mapping)
      return Mapping.takeError();
    Out.baselinePathMap.push_back(*Mapping);
  }
  return llvm::Error::success();
}

static bool useColor(const ReportOptions &O) {
  if (O.color == "always")
    return true;
  if (O.color == "never" || !O.output.empty() || std::getenv("NO_COLOR"))
    return false;
  return llvm::sys::Process::StandardOutIsDisplayed() && llvm::outs().has_colors();
}

bool reportNeedsProgram(const ReportOptions &O) {
  return O.format == "plan" || O.format == "plan-json";
}

int reportAndGate(const Program &P, const ProjectPaths &Paths, const ReviewOptions &Options,
                  const ReportOptions &O) {
  return reportAndGate(linkProgram(P, Options.config), &P, Paths, Options, O);
}

int reportAndGate(const LinkedProgram &P, const Program *Whole, const ProjectPaths &Paths,
                  const ReviewOptions &Options, const ReportOptions &O) {
  LibraryCode Library(Paths.root(), Options.config.effectiveKnowledge(),
                      LibraryCodeOptions::fromConfig(Options.config.vendored));
  Review Reviewed = review(P, Options, &Library);
  ScanReport Report;
  Report.paths = Paths;
  Report.findings = std::move(Reviewed.findings);
  sortForReport(Report.findings); // errors first, then warnings, then notes
  Report.absent = std::move(Reviewed.absent);
  Report.tus = P.tus;
  Report.notes = std::move(Reviewed.notes);
  Report.gate = Reviewed.gate;
  Report.entryPoints = Reviewed.entryPoints;
  Report.libraryCode = std::move(Reviewed.libraryScopes);
  if (!O.quiet && !Report.libraryCode.empty())
    llvm::errs() << "state-audit: " << libraryCodeLine(Report.libraryCode) << "\n";
  if (Options.config.ruleEnabled(ruleId(RuleId::ConnectionPool)))
    Report.budgets = downstreamBudgets(P.pools, Options.config.connectionPools);

  bool Color = useColor(O);
  llvm::Error E = writeOutput(O.output, [&](llvm::raw_ostream &OS) {
    if (O.format == "json")
      writeJson(OS, Report);
    else if (O.format == "sarif")
      writeSarif(OS, Report,
                 SarifOptions{O.sarifIncludeSuppressed, O.sarifIncludeAbsent, "state-audit/",
                              parseLevel(O.sarifLevel).value_or(Level::Warning)});
    else if (O.format == "markdown")
      writeMarkdown(OS, Report, MarkdownOptions{O.markdownLimit, O.fullReport});
    else if (O.format == "codequality")
      writeCodeQuality(OS, Report);
    else if (O.format == "plan")
      writePlanMarkdown(OS, buildPlan(*Whole, Options.config.linkOptions().entryPoints, Report));
    else if (O.format == "plan-json")
      writePlanJson(OS, buildPlan(*Whole, Options.config.linkOptions().entryPoints, Report));
    else {
      if (Color)
        OS.enable_colors(true);
      writeText(OS, Report, TextOptions{Color});
      OS.enable_colors(false);
    }
  });
  if (E) {
    reportError("cannot write " + outputName(O.output) + ": " + llvm::toString(std::move(E)));
    return 2;
  }
  return exitCodeFor(Report.gate);
}

} // namespace sa
