#include "report/Report.h"

#include "Version.h"

#include "llvm/Support/JSON.h"

#include <map>

namespace sa {

namespace {

void writeLoc(llvm::json::OStream &J, const SourceLoc &L) {
  J.attribute("file", L.file);
  J.attribute("line", L.line);
  J.attribute("column", L.column);
  J.attribute("endLine", L.endLine);
  J.attribute("endColumn", L.endColumn);
}

void writeCounts(llvm::json::OStream &J, const LevelCounts &C) {
  J.attribute("error", C.error);
  J.attribute("warning", C.warning);
  J.attribute("note", C.note);
}

} // namespace

void writeJson(llvm::raw_ostream &OS, const ScanReport &R) {
  llvm::json::OStream J(OS, 2);
  LevelCounts Total;
  std::map<std::string, LevelCounts> ByRule;
  for (const Finding &F : R.findings)
    if (!F.suppressed) {
      Total.add(F.level);
      ByRule[F.rule].add(F.level);
    }
  J.object([&] {
    J.attribute("version", 1);
    J.attributeObject("tool", [&] {
      J.attribute("name", "state-audit");
      J.attribute("version", STATE_AUDIT_VERSION);
    });
    J.attribute("root", R.paths.root());
    J.attributeObject("summary", [&] {
      J.attribute("findings", Total.total());
      J.attributeObject("byLevel", [&] { writeCounts(J, Total); });
      J.attributeObject("byRule", [&] {
        for (const auto &[Rule, C] : ByRule)
          J.attributeObject(Rule, [&] { writeCounts(J, C); });
      });
      J.attribute("suppressed", R.gate.suppressed);
      J.attribute("baselined", R.gate.baselined);
      J.attribute("translationUnits", static_cast<int64_t>(R.tus.size()));
    });
    J.attributeObject("gate", [&] {
      if (R.gate.failOn)
        J.attribute("failOn", toString(*R.gate.failOn));
      else
        J.attribute("failOn", "never");
      J.attribute("failed", R.gate.failed);
      J.attribute("failing", R.gate.failing);
      J.attribute("incomplete", R.gate.incomplete);
    });
    J.attributeArray("translationUnits", [&] {
      for (const TUSummary &T : R.tus)
        J.object([&] {
          J.attribute("file", T.file);
          J.attribute("status", toString(T.status));
          J.attribute("errors", T.errorCount);
          if (!T.firstError.empty())
            J.attribute("firstError", T.firstError);
        });
    });
    J.attributeArray("notes", [&] {
      for (const std::string &N : R.notes)
        J.value(N);
    });
    J.attribute("entryPoints", R.entryPoints);
    auto Findings = [&](const std::vector<Finding> &List) {
      for (const Finding &F : List)
        J.object([&] {
          J.attribute("rule", F.rule);
          J.attribute("level", toString(F.level));
          writeLoc(J, F.loc);
          J.attribute("symbol", F.symbol);
          J.attribute("type", F.type);
          J.attribute("message", F.message);
          J.attribute("hint", F.hint);
          J.attributeArray("evidence", [&] {
            for (const Evidence &E : F.evidence)
              J.object([&] {
                J.attribute("message", E.message);
                if (E.loc.valid())
                  J.attributeObject("location", [&] { writeLoc(J, E.loc); });
              });
          });
          J.attribute("fingerprint", F.fingerprint);
          J.attribute("suppressed", F.suppressed);
          if (F.suppressed)
            J.attribute("suppressionReason", F.suppressionReason);
          if (F.baseline != BaselineState::None)
            J.attribute("baselineState", toString(F.baseline));
        });
    };
    J.attributeArray("findings", [&] { Findings(R.findings); });
    if (!R.absent.empty())
      J.attributeArray("absent", [&] { Findings(R.absent); });
  });
  OS << "\n";
}

} // namespace sa
