#include "Commands.h"

#include "report/Explain.h"
#include "report/Report.h"
#include "rules/Registry.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace sa {

int runExplainCommand(const std::string &Target, const std::string &ReportFile) {
  if (const RuleInfo *Rule = findRule(Target)) {
    writeRulePage(llvm::outs(), *Rule);
    return 0;
  }
  if (ReportFile.empty()) {
    std::string Ids;
    for (const RuleInfo &R : allRules())
      Ids += (Ids.empty() ? "" : ", ") + std::string(R.id);
    reportError("'" + Target + "' is not a rule id (" + Ids +
                "); to explain a finding, give the JSON report it is in: --report FILE "
                "(written by 'state-audit scan --format json -o FILE')");
    return 2;
  }
  if (!llvm::sys::fs::is_regular_file(ReportFile)) {
    reportError(ReportFile + ": not a regular file");
    return 2;
  }
  auto Buffer = llvm::MemoryBuffer::getFile(ReportFile, /*IsText=*/true);
  if (!Buffer) {
    reportError(ReportFile + ": cannot read: " + Buffer.getError().message());
    return 2;
  }
  auto Findings = readJsonReport((*Buffer)->getBuffer());
  if (!Findings) {
    reportError(ReportFile + ": " + llvm::toString(Findings.takeError()));
    return 2;
  }
  std::vector<const Finding *> Selected = selectFindings(*Findings, Target);
  if (Selected.empty()) {
    reportError("no finding in " + ReportFile + " matches '" + Target +
                "' (give a rule id, a fingerprint or its first 6+ digits, or FILE:LINE[:COL])");
    return 2;
  }
  for (size_t I = 0; I < Selected.size(); ++I) {
    if (I)
      llvm::outs() << "\n" << std::string(72, '-') << "\n\n";
    writeExplanation(llvm::outs(), *Selected[I]);
  }
  return 0;
}

} // namespace sa
