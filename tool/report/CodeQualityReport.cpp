// GitLab's code quality report: an array of issues in the Code Climate format's subset that
// GitLab reads (description, check_name, fingerprint, severity, location).
#include "report/Report.h"

#include "llvm/Support/JSON.h"

namespace sa {

void writeCodeQuality(llvm::raw_ostream &OS, const ScanReport &R) {
  llvm::json::OStream J(OS, 2);
  J.array([&] {
    for (const Finding &F : R.findings) {
      if (F.suppressed || F.baseline == BaselineState::Unchanged)
        continue;
      J.object([&] {
        J.attribute("description", F.message);
        J.attribute("check_name", "state-audit/" + F.rule);
        J.attribute("fingerprint", F.fingerprint);
        J.attribute("severity", F.level == Level::Error     ? "critical"
                                : F.level == Level::Warning ? "major"
                                                            : "info");
        J.attributeObject("location", [&] {
          J.attribute("path", F.loc.file);
          J.attributeObject("lines", [&] { J.attribute("begin", F.loc.line); });
        });
      });
    }
  });
  OS << "\n";
}

} // namespace sa
