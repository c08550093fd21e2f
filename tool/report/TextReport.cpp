#include "report/Report.h"
#include "report/SourceFiles.h"
#include "rules/Registry.h"
#include "support/Output.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>

namespace sa {

std::string budgetPools(const DownstreamBudget &B) {
  std::string Out;
  for (const PoolShare &S : B.pools)
    Out += (Out.empty() ? "" : " + ") + ("'" + S.name + "' ") +
           (S.size ? std::to_string(*S.size) : std::string("?"));
  return Out;
}

std::string budgetVerdict(const DownstreamBudget &B) {
  if (!B.sizesKnown)
    return "not checked: a size is not a constant";
  if (!B.sizesValid)
    return "not checked: a size is negative";
  if (!B.maxInstances || !B.limit)
    return "not checked: " + std::to_string(B.perInstance) +
           " per instance; set max-instances and downstream-limit";
  std::string Sum = std::to_string(*B.maxInstances) + " × " + std::to_string(B.perInstance) +
                    " = " + (B.overflows ? std::string("more than 9.2e18") : std::to_string(B.total));
  return Sum + " of " + std::to_string(*B.limit) + (B.exceeded() ? ": EXCEEDED" : ": within");
}

std::string budgetSafeSizes(const DownstreamBudget &B) {
  std::string Out;
  for (const PoolShare &S : B.pools)
    if (S.largestSafe)
      Out += (Out.empty() ? "" : ", ") + ("'" + S.name + "' ") + std::to_string(*S.largestSafe);
  return Out;
}

void LevelCounts::add(Level L) {
  switch (L) {
  case Level::Error: ++error; break;
  case Level::Warning: ++warning; break;
  case Level::Note: ++note; break;
  }
}

namespace {

llvm::raw_ostream::Colors levelColor(Level L) {
  switch (L) {
  case Level::Error: return llvm::raw_ostream::RED;
  case Level::Warning: return llvm::raw_ostream::MAGENTA;
  case Level::Note: return llvm::raw_ostream::CYAN;
  }
  return llvm::raw_ostream::WHITE;
}

void writeFinding(llvm::raw_ostream &OS, const Finding &F, SourceFiles &Lines, bool Color) {
  auto Bold = [&] {
    if (Color)
      OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  };
  auto Reset = [&] {
    if (Color)
      OS.resetColor();
  };
  Bold();
  OS << printable(F.loc.file) << ":" << F.loc.line << ":" << F.loc.column << ": ";
  if (Color)
    OS.changeColor(levelColor(F.level), true);
  OS << toString(F.level) << ": ";
  Reset();
  Bold();
  OS << printable(F.message) << " [" << printable(F.rule) << "]";
  Reset();
  OS << "\n";

  llvm::StringRef Text = Lines.line(F.loc.file, F.loc.line);
  if (!Text.empty()) {
    std::string Gutter = std::to_string(F.loc.line);
    OS << llvm::right_justify(Gutter, 5) << " | " << printable(Text) << "\n";
    OS << "      | ";
    // Under each character shown before the column, a space; tabs stay tabs so the caret
    // lines up with the source whatever the tab width.
    size_t Column = std::min<size_t>(F.loc.column - 1, Text.size());
    for (char C : printable(Text.take_front(Column)))
      if ((static_cast<unsigned char>(C) & 0xC0) != 0x80)
        OS << (C == '\t' ? '\t' : ' ');
    if (Color)
      OS.changeColor(llvm::raw_ostream::GREEN, true);
    OS << "^";
    unsigned End = F.loc.endLine == F.loc.line ? F.loc.endColumn : F.loc.column + 1;
    if (End > F.loc.column + 1 && Column < Text.size())
      OS << std::string(displayedLength(printable(Text.substr(Column + 1, End - F.loc.column - 1))), '~');
    Reset();
    OS << "\n";
  }
  for (const Evidence &E : F.evidence) {
    OS << "  ";
    if (E.loc.valid())
      OS << printable(E.loc.file) << ":" << E.loc.line << ":" << E.loc.column << ": ";
    OS << printable(E.message) << "\n";
  }
  if (!F.hint.empty()) {
    OS << "  ";
    if (Color)
      OS.changeColor(llvm::raw_ostream::GREEN);
    OS << "hint:";
    Reset();
    OS << " " << printable(F.hint) << "\n";
  }
  OS << "  see: state-audit explain " << F.rule << " (" << ruleHelpUri(F.rule) << ")\n";
}

} // namespace

void writeText(llvm::raw_ostream &OS, const ScanReport &R, const TextOptions &Options) {
  bool Color = Options.color;
  SourceFiles Lines(R.paths);
  LevelCounts Total;
  std::map<std::string, LevelCounts> ByRule;
  for (const Finding &F : R.findings) {
    if (F.suppressed || F.baseline == BaselineState::Unchanged)
      continue;
    writeFinding(OS, F, Lines, Color);
    Total.add(F.level);
    ByRule[F.rule].add(F.level);
  }
  if (!R.findings.empty())
    OS << "\n";

  bool WithBaseline = !R.absent.empty();
  for (const Finding &F : R.findings)
    WithBaseline |= F.baseline != BaselineState::None;
  OS << "state-audit: "
     << plural(Total.total(), WithBaseline ? "new finding" : "finding",
               WithBaseline ? "new findings" : "findings");
  if (Total.total())
    OS << " (" << plural(Total.error, "error", "errors") << ", "
       << plural(Total.warning, "warning", "warnings") << ", "
       << plural(Total.note, "note", "notes") << ")";
  OS << "\n";
  if (!ByRule.empty()) {
    OS << "  " << llvm::left_justify("rule", 18) << llvm::right_justify("error", 7)
       << llvm::right_justify("warning", 9) << llvm::right_justify("note", 6) << "\n";
    for (const auto &[Rule, C] : ByRule)
      OS << "  " << llvm::left_justify(Rule, 18) << llvm::right_justify(std::to_string(C.error), 7)
         << llvm::right_justify(std::to_string(C.warning), 9)
         << llvm::right_justify(std::to_string(C.note), 6) << "\n";
  }
  if (!R.budgets.empty()) {
    OS << "  connection budget per downstream (pools × size × max-instances vs limit):\n";
    for (const DownstreamBudget &B : R.budgets) {
      OS << "    " << printable(B.name) << " [" << printable(B.source)
         << "]: " << printable(budgetPools(B)) << "; " << budgetVerdict(B);
      std::string Safe = budgetSafeSizes(B);
      if (B.exceeded() && !Safe.empty())
        OS << "; largest safe sizes: " << printable(Safe);
      OS << "\n";
    }
  }
  unsigned Broken = 0, Failed = 0;
  for (const TUSummary &T : R.tus) {
    Broken += T.status == TUStatus::CompileErrors;
    Failed += T.status == TUStatus::Failed;
  }
  OS << "  " << plural(R.tus.size(), "translation unit", "translation units") << " analysed";
  if (Broken || Failed)
    OS << " (" << Broken << " with compile errors, " << Failed << " failed)";
  OS << "\n";
  if (R.gate.suppressed)
    OS << "  " << plural(R.gate.suppressed, "finding", "findings") << " suppressed in source\n";
  if (R.gate.baselined)
    OS << "  " << plural(R.gate.baselined, "finding", "findings") << " unchanged from the baseline\n";
  if (!R.absent.empty())
    OS << "  " << plural(R.absent.size(), "baseline finding", "baseline findings")
       << " no longer found (fixed)\n";
  for (const std::string &N : R.notes)
    OS << "  note: " << printable(N) << "\n";
  if (R.gate.failOn) {
    OS << "  gate (--fail-on " << toString(*R.gate.failOn) << "): ";
    if (R.gate.failed) {
      OS << "FAILED, " << plural(R.gate.failing, "finding", "findings") << " at or above "
         << toString(*R.gate.failOn) << ":";
      for (const auto &[Rule, N] : R.gate.failingByRule)
        OS << " " << Rule << " " << N;
      OS << "\n";
    } else {
      OS << "passed\n";
    }
  }
  if (R.gate.incomplete)
    OS << "  analysis INCOMPLETE: some translation units could not be analysed\n";
}

} // namespace sa
