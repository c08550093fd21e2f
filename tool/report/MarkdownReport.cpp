// A summary for a pull-request comment or a CI job summary, kept small enough for one: counts
// per rule and level, the errors in full with file:line and fix, then warnings, then the rest
// collapsed, as far as the size limit allows; what is left out is counted, with a pointer to
// the full report.
#include "report/Report.h"
#include "report/MarkdownText.h"
#include "rules/Registry.h"
#include "support/Output.h"

#include <algorithm>
#include <map>

namespace sa {

namespace {

std::string item(const Finding &F) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << "- **" << toString(F.level) << "** "
     << markdownCode(F.loc.file + ":" + std::to_string(F.loc.line)) << " [["
     << F.rule << "](" << ruleHelpUri(F.rule) << ")] " << markdownText(F.message) << "\n";
  if (!F.hint.empty())
    OS << "  - hint: " << markdownText(F.hint) << "\n";
  return Out;
}

/// The comment under construction: sections are added while they fit in the limit, with room
/// kept for the closing lines; what does not fit is counted.
class Budget {
public:
  Budget(size_t Limit) : Limit(Limit) {}
  std::string Text;
  unsigned Left = 0; // findings not listed
  std::map<Level, unsigned> LeftByLevel;

  /// Appends `Items` under `Open`...`Close` while they fit; returns how many did.
  size_t list(llvm::StringRef Open, const std::vector<const Finding *> &List,
              llvm::StringRef Close) {
    if (List.empty())
      return 0;
    size_t Shown = 0;
    std::string Body;
    for (const Finding *F : List) {
      std::string I = item(*F);
      if (Text.size() + Open.size() + Body.size() + I.size() + Close.size() + Reserve > Limit)
        break;
      Body += I;
      ++Shown;
    }
    if (Shown)
      Text += Open.str() + Body + Close.str();
    for (size_t I = Shown; I < List.size(); ++I) {
      ++Left;
      ++LeftByLevel[List[I]->level];
    }
    return Shown;
  }

private:
  size_t Limit;
  static constexpr size_t Reserve = 1024; // the closing lines
};

} // namespace

void writeBudgetTable(llvm::raw_ostream &OS, const std::vector<DownstreamBudget> &Budgets) {
  OS << "| downstream | pools (size per instance) | max-instances × per instance vs limit | "
        "largest safe size per pool |\n|---|---|---|---|\n";
  for (const DownstreamBudget &B : Budgets)
    OS << "| " << markdownCodeInCell(B.name) << " (" << markdownText(B.source) << ") | "
       << markdownText(budgetPools(B)) << " | " << markdownText(budgetVerdict(B)) << " | "
       << markdownText(budgetSafeSizes(B)) << " |\n";
  OS << "\n";
}

void writeMarkdown(llvm::raw_ostream &Out, const ScanReport &R, const MarkdownOptions &O) {
  LevelCounts Total;
  std::map<std::string, LevelCounts> ByRule;
  std::map<Level, std::vector<const Finding *>> Fresh;
  std::vector<const Finding *> Listed;
  bool WithBaseline = !R.absent.empty();
  for (const Finding &F : R.findings) {
    WithBaseline |= F.baseline != BaselineState::None;
    if (F.suppressed)
      continue;
    Total.add(F.level);
    ByRule[F.rule].add(F.level);
    if (F.baseline != BaselineState::Unchanged)
      Fresh[F.level].push_back(&F);
    else
      Listed.push_back(&F);
  }
  // Severity first, each level by place (the findings may come in either order).
  for (auto &[L, List] : Fresh)
    std::stable_sort(List.begin(), List.end(),
                     [](const Finding *A, const Finding *B) { return findingLess(*A, *B); });
  std::stable_sort(Listed.begin(), Listed.end(),
                   [](const Finding *A, const Finding *B) { return reportLess(*A, *B); });

  Budget B(O.maxBytes);
  llvm::raw_string_ostream OS(B.Text);
  OS << "## state-audit: " << plural(Total.error, "error", "errors") << ", "
     << plural(Total.warning, "warning", "warnings") << ", " << plural(Total.note, "note", "notes")
     << "\n\n";
  if (R.gate.failOn) {
    OS << "Gate (`--fail-on " << toString(*R.gate.failOn) << "`): ";
    if (R.gate.failed)
      OS << "**failed** — "
         << plural(R.gate.failing, WithBaseline ? "new finding" : "finding",
                   WithBaseline ? "new findings" : "findings")
         << " at or above " << toString(*R.gate.failOn) << "\n\n";
    else
      OS << "passed\n\n";
  }
  if (R.gate.incomplete)
    OS << "> **The analysis is incomplete**: some translation units could not be analysed.\n\n";

  if (!ByRule.empty()) {
    OS << "| rule | error | warning | note |\n|---|---:|---:|---:|\n";
    for (const auto &[Rule, C] : ByRule)
      OS << "| [" << Rule << "](" << ruleHelpUri(Rule) << ") | " << C.error << " | "
         << C.warning << " | " << C.note << " |\n";
    OS << "\n";
  }
  if (!R.budgets.empty()) {
    OS << "Connection budget per downstream:\n\n";
    writeBudgetTable(OS, R.budgets);
  }
  if (R.gate.suppressed || R.gate.baselined || !R.absent.empty())
    OS << R.gate.suppressed << " suppressed in source, " << R.gate.baselined
       << " unchanged from the baseline, " << R.absent.size() << " fixed since the baseline.\n\n";
  OS.flush();

  // Errors in full, then warnings, then the rest collapsed, as far as the limit allows.
  B.list(WithBaseline ? "### New errors\n\n" : "### Errors\n\n", Fresh[Level::Error], "\n");
  B.list(WithBaseline ? "### New warnings\n\n" : "### Warnings\n\n", Fresh[Level::Warning], "\n");
  auto Collapsed = [&](llvm::StringRef Title, const std::vector<const Finding *> &List) {
    B.list("<details><summary>" + Title.str() + " (" + std::to_string(List.size()) +
               ")</summary>\n\n",
           List, "\n</details>\n\n");
  };
  Collapsed(WithBaseline ? "New notes" : "Notes", Fresh[Level::Note]);
  Collapsed("Unchanged from the baseline", Listed);
  std::vector<const Finding *> Fixed;
  for (const Finding &F : R.absent)
    Fixed.push_back(&F);
  Collapsed("Fixed since the baseline", Fixed);

  OS.flush();
  if (B.Left) {
    std::string Counts;
    for (Level L : {Level::Error, Level::Warning, Level::Note})
      if (unsigned N = B.LeftByLevel[L])
        Counts += (Counts.empty() ? "" : ", ") + std::to_string(N) + " " + toString(L) +
                  (N == 1 ? "" : "s");
    OS << "> " << plural(B.Left, "more finding", "more findings") << " (" << Counts << ")"
       << (B.Left == 1 ? " is" : " are") << " not listed: this summary is kept under " << O.maxBytes
       << " bytes to fit a pull-request comment. The full report: "
       << (O.fullReport.empty() ? std::string("the SARIF or JSON report of this run "
                                              "(`--format sarif` / `--format json`)")
                                : markdownText(O.fullReport))
       << ".\n\n";
  } else if (!O.fullReport.empty()) {
    OS << "The full report: " << markdownText(O.fullReport) << ".\n\n";
  }
  unsigned Broken = 0;
  for (const TUSummary &T : R.tus)
    Broken += T.status != TUStatus::Ok;
  OS << "<sub>" << plural(R.tus.size(), "translation unit", "translation units") << " analysed";
  if (Broken)
    OS << ", " << Broken << " with errors";
  OS << ".</sub>\n";
  OS.flush();
  Out << B.Text;
}

} // namespace sa
