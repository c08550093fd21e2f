// A summary for a pull-request comment or a CI job summary: counts per rule and level, the
// findings that fail or are new with file:line and hint, the rest collapsed.
#include "report/Report.h"

#include <map>

namespace sa {

namespace {

std::string escape(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '|' || C == '<' || C == '>' || C == '*' || C == '_' || C == '`' || C == '[' ||
        C == ']')
      Out += '\\';
    Out += C;
  }
  return Out;
}

void item(llvm::raw_ostream &OS, const Finding &F) {
  OS << "- **" << toString(F.level) << "** `" << F.loc.file << ":" << F.loc.line << "` ["
     << F.rule << "] " << escape(F.message) << "\n";
  if (!F.hint.empty())
    OS << "  - hint: " << escape(F.hint) << "\n";
}

} // namespace

void writeMarkdown(llvm::raw_ostream &OS, const ScanReport &R) {
  LevelCounts Total;
  std::map<std::string, LevelCounts> ByRule;
  std::vector<const Finding *> Shown, Listed;
  bool WithBaseline = !R.absent.empty();
  for (const Finding &F : R.findings) {
    WithBaseline |= F.baseline != BaselineState::None;
    if (F.suppressed)
      continue;
    Total.add(F.level);
    ByRule[F.rule].add(F.level);
  }
  for (const Finding &F : R.findings) {
    if (F.suppressed)
      continue;
    bool Fresh = F.baseline != BaselineState::Unchanged;
    (Fresh ? Shown : Listed).push_back(&F);
  }

  OS << "## state-audit: " << Total.error << " errors, " << Total.warning << " warnings, "
     << Total.note << " notes\n\n";
  if (R.gate.failOn) {
    OS << "Gate (`--fail-on " << toString(*R.gate.failOn) << "`): ";
    if (R.gate.failed)
      OS << "**failed** — " << R.gate.failing << (WithBaseline ? " new" : "")
         << " finding(s) at or above " << toString(*R.gate.failOn) << "\n\n";
    else
      OS << "passed\n\n";
  }
  if (R.gate.incomplete)
    OS << "> **The analysis is incomplete**: some translation units could not be analysed.\n\n";

  if (!ByRule.empty()) {
    OS << "| rule | error | warning | note |\n|---|---:|---:|---:|\n";
    for (const auto &[Rule, C] : ByRule)
      OS << "| " << Rule << " | " << C.error << " | " << C.warning << " | " << C.note << " |\n";
    OS << "\n";
  }
  if (R.gate.suppressed || R.gate.baselined || !R.absent.empty())
    OS << R.gate.suppressed << " suppressed in source, " << R.gate.baselined
       << " unchanged from the baseline, " << R.absent.size() << " fixed since the baseline.\n\n";

  // Errors and warnings that are new (or all of them, without a baseline) up front.
  std::vector<const Finding *> Up, Down;
  for (const Finding *F : Shown)
    (F->level != Level::Note ? Up : Down).push_back(F);
  if (!Up.empty()) {
    OS << "### " << (WithBaseline ? "New findings" : "Findings") << "\n\n";
    for (const Finding *F : Up)
      item(OS, *F);
    OS << "\n";
  }
  auto Collapsed = [&](llvm::StringRef Title, const std::vector<const Finding *> &List) {
    if (List.empty())
      return;
    OS << "<details><summary>" << Title << " (" << List.size() << ")</summary>\n\n";
    for (const Finding *F : List)
      item(OS, *F);
    OS << "\n</details>\n\n";
  };
  Collapsed(WithBaseline ? "New notes" : "Notes", Down);
  Collapsed("Unchanged from the baseline", Listed);
  std::vector<const Finding *> Fixed;
  for (const Finding &F : R.absent)
    Fixed.push_back(&F);
  Collapsed("Fixed since the baseline", Fixed);
  unsigned Broken = 0;
  for (const TUSummary &T : R.tus)
    Broken += T.status != TUStatus::Ok;
  OS << "<sub>" << R.tus.size() << " translation units analysed";
  if (Broken)
    OS << ", " << Broken << " with errors";
  OS << ".</sub>\n";
}

} // namespace sa
