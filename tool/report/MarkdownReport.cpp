// A summary for a pull-request comment or a CI job summary: counts per rule and level, the
// findings that fail or are new with file:line and hint, the rest collapsed.
#include "report/Report.h"

#include <algorithm>
#include <map>

namespace sa {

namespace {

std::string escape(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '\n' || C == '\r' || C == '\t') {
      Out += ' '; // a line break would end the list item
      continue;
    }
    if (static_cast<unsigned char>(C) < 0x20 || C == 0x7f)
      continue;
    if (C == '|' || C == '<' || C == '>' || C == '*' || C == '_' || C == '`' || C == '[' ||
        C == ']' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out;
}

/// A code span that holds any text: the fence is one backtick longer than the longest run of
/// backticks inside (CommonMark), padded when the text starts or ends with one, and line
/// breaks become spaces. A file named "a`b.cpp" cannot break out of it.
std::string codeSpan(llvm::StringRef S) {
  std::string Text;
  for (char C : S)
    Text += (C == '\n' || C == '\r' || static_cast<unsigned char>(C) < 0x20) ? ' ' : C;
  size_t Longest = 0, Run = 0;
  for (char C : Text) {
    Run = C == '`' ? Run + 1 : 0;
    Longest = std::max(Longest, Run);
  }
  std::string Fence(Longest + 1, '`');
  bool Pad = !Text.empty() && (Text.front() == '`' || Text.back() == '`' || Text.front() == ' ');
  return Fence + (Pad ? " " : "") + Text + (Pad ? " " : "") + Fence;
}

void item(llvm::raw_ostream &OS, const Finding &F) {
  OS << "- **" << toString(F.level) << "** "
     << codeSpan(F.loc.file + ":" + std::to_string(F.loc.line)) << " ["
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
