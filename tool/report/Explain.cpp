// `state-audit explain`: a rule's page, or one finding in full (its path from the entry point
// to the write, its evidence, the fix) read back from a JSON report.
#include "report/Explain.h"

#include "rules/Registry.h"
#include "rules/RuleDocs.h"
#include "support/Output.h"

#include "llvm/ADT/StringExtras.h"

namespace sa {

namespace {

void writeLoc(llvm::raw_ostream &OS, const SourceLoc &L) {
  OS << printable(L.file) << ":" << L.line << ":" << L.column;
}

bool isHex(llvm::StringRef S) {
  return !S.empty() && llvm::all_of(S, [](char C) { return llvm::isHexDigit(C); });
}

/// The same file: equal, or one names the other below a directory ("src/a.cpp" and
/// "/home/me/project/src/a.cpp").
bool sameFile(llvm::StringRef Reported, llvm::StringRef Given) {
  Given.consume_front("./");
  if (Reported == Given)
    return true;
  auto Under = [](llvm::StringRef Long, llvm::StringRef Short) {
    return Long.size() > Short.size() && Long.ends_with(Short) &&
           Long[Long.size() - Short.size() - 1] == '/';
  };
  return Under(Reported, Given) || Under(Given, Reported);
}

} // namespace

void writeRulePage(llvm::raw_ostream &OS, const RuleInfo &Rule) {
  llvm::StringRef Page = ruleDocumentation(Rule.id);
  if (Page.empty())
    OS << "# " << Rule.id << "\n\n" << Rule.description << "\n";
  else
    OS << Page << (Page.ends_with("\n") ? "" : "\n");
  OS << "\nDefault level: " << toString(Rule.defaultLevel) << ". Online: "
     << ruleHelpUri(Rule.id) << "\n";
}

std::vector<const Finding *> selectFindings(const std::vector<Finding> &Findings,
                                            llvm::StringRef Target) {
  std::vector<const Finding *> Out;
  // A fingerprint, or the start of one (at least 6 hex digits, as git abbreviates).
  if (Target.size() >= 6 && isHex(Target)) {
    for (const Finding &F : Findings)
      if (llvm::StringRef(F.fingerprint).starts_with_insensitive(Target))
        Out.push_back(&F);
    if (!Out.empty())
      return Out;
  }
  // FILE:LINE or FILE:LINE:COL.
  llvm::StringRef File = Target, Line, Col;
  auto [Head, Last] = Target.rsplit(':');
  if (!Head.empty() && !Last.empty() && llvm::all_of(Last, llvm::isDigit)) {
    auto [Head2, Middle] = Head.rsplit(':');
    if (!Head2.empty() && !Middle.empty() && llvm::all_of(Middle, llvm::isDigit)) {
      File = Head2;
      Line = Middle;
      Col = Last;
    } else {
      File = Head;
      Line = Last;
    }
  }
  unsigned LineNo = 0, ColNo = 0;
  if (Line.empty() || Line.getAsInteger(10, LineNo) || (!Col.empty() && Col.getAsInteger(10, ColNo)))
    return Out;
  for (const Finding &F : Findings)
    if (F.loc.line == LineNo && (!ColNo || F.loc.column == ColNo) && sameFile(F.loc.file, File))
      Out.push_back(&F);
  return Out;
}

void writeExplanation(llvm::raw_ostream &OS, const Finding &F) {
  writeLoc(OS, F.loc);
  OS << ": " << toString(F.level) << ": " << printable(F.message) << " [" << printable(F.rule)
     << "]\n";
  if (!F.symbol.empty())
    OS << "  state: " << printable(F.symbol)
       << (F.type.empty() ? "" : " (" + printable(F.type) + ")") << "\n";
  OS << "  fingerprint: " << printable(F.fingerprint) << "\n";
  if (F.suppressed)
    OS << "  suppressed in source"
       << (F.suppressionReason.empty() ? std::string() : ": " + printable(F.suppressionReason))
       << "\n";
  if (!F.flow.empty()) {
    OS << "\nPath to the write:\n";
    unsigned N = 0;
    for (const Evidence &E : F.flow) {
      OS << "  " << ++N << ". ";
      if (E.loc.valid()) {
        writeLoc(OS, E.loc);
        OS << ": ";
      }
      OS << printable(E.message) << "\n";
    }
  }
  if (!F.evidence.empty()) {
    OS << "\nEvidence:\n";
    for (const Evidence &E : F.evidence) {
      OS << "  - ";
      if (E.loc.valid()) {
        writeLoc(OS, E.loc);
        OS << ": ";
      }
      OS << printable(E.message) << "\n";
    }
  }
  if (!F.hint.empty())
    OS << "\nFix: " << printable(F.hint) << "\n";
  if (const RuleInfo *Rule = findRule(F.rule))
    OS << "\nWhy it matters (" << Rule->id << "): " << Rule->description
       << "\nThe rule's page: state-audit explain " << Rule->id << ", or " << ruleHelpUri(Rule->id)
       << "\n";
}

} // namespace sa
