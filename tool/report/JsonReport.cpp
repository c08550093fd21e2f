#include "report/Report.h"

#include "Version.h"

#include "support/Untrusted.h"

#include "llvm/Support/JSON.h"

#include <limits>
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

/// Evidence or a flow: each step's message, and its location when it has one.
void writeSteps(llvm::json::OStream &J, llvm::StringRef Key, const std::vector<Evidence> &Steps) {
  J.attributeArray(Key, [&] {
    for (const Evidence &E : Steps)
      J.object([&] {
        J.attribute("message", E.message);
        if (E.loc.valid())
          J.attributeObject("location", [&] { writeLoc(J, E.loc); });
      });
  });
}

void writeCounts(llvm::json::OStream &J, const LevelCounts &C) {
  J.attribute("error", C.error);
  J.attribute("warning", C.warning);
  J.attribute("note", C.note);
}

} // namespace

void writeLibraryCode(llvm::json::OStream &J, const std::vector<LibraryScope> &Scopes) {
  for (const LibraryScope &S : Scopes)
    J.object([&] {
      J.attribute("path", S.scope);
      J.attribute("reason", S.reason);
      J.attribute("files", S.files);
    });
}

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
        for (const auto &Entry : ByRule)
          J.attributeObject(Entry.first, [&] { writeCounts(J, Entry.second); });
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
    J.attributeArray("libraryCode", [&] { writeLibraryCode(J, R.libraryCode); });
    J.attribute("entryPoints", R.entryPoints);
    J.attributeArray("downstreams", [&] {
      for (const DownstreamBudget &B : R.budgets)
        J.object([&] {
          J.attribute("name", B.name);
          J.attribute("source", B.source);
          if (B.maxInstances)
            J.attribute("maxInstances", *B.maxInstances);
          if (B.limit)
            J.attribute("limit", *B.limit);
          J.attribute("sizesKnown", B.sizesKnown);
          if (!B.sizesValid) // a field of its own only when it says something (format 1)
            J.attribute("sizesValid", false);
          J.attribute("perInstance", B.perInstance);
          if (B.checked()) {
            J.attribute("total", B.overflows ? std::numeric_limits<int64_t>::max() : B.total);
            J.attribute("exceeded", B.exceeded());
          }
          J.attributeArray("pools", [&] {
            for (const PoolShare &S : B.pools)
              J.object([&] {
                J.attribute("name", S.name);
                writeLoc(J, S.loc);
                if (S.size)
                  J.attribute("size", *S.size);
                if (S.largestSafe)
                  J.attribute("largestSafeSize", *S.largestSafe);
              });
          });
        });
    });
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
          writeSteps(J, "evidence", F.evidence);
          writeSteps(J, "flow", F.flow);
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

namespace {

SourceLoc readLoc(const llvm::json::Object &O) {
  SourceLoc L;
  if (auto F = O.getString("file"))
    L.file = F->str();
  auto U = [&](llvm::StringRef Key) {
    std::optional<int64_t> V = O.getInteger(Key);
    return V && *V > 0 && *V < (int64_t(1) << 31) ? static_cast<unsigned>(*V) : 0u;
  };
  L.line = U("line");
  L.column = U("column");
  L.endLine = U("endLine");
  L.endColumn = U("endColumn");
  return L;
}

std::vector<Evidence> readSteps(const llvm::json::Object &O, llvm::StringRef Key) {
  std::vector<Evidence> Out;
  if (const llvm::json::Array *A = O.getArray(Key))
    for (const llvm::json::Value &V : *A)
      if (const llvm::json::Object *E = V.getAsObject()) {
        Evidence Ev;
        if (auto M = E->getString("message"))
          Ev.message = M->str();
        if (const llvm::json::Object *L = E->getObject("location"))
          Ev.loc = readLoc(*L);
        Out.push_back(std::move(Ev));
      }
  return Out;
}

} // namespace

llvm::Expected<std::vector<Finding>> readJsonReport(llvm::StringRef Text) {
  // The findings are read one by one (parseJsonInParts): a large report is never one tree.
  std::vector<Finding> Out;
  auto OnReport = [&](const llvm::json::Value &Doc) -> llvm::Error {
    Out.clear();
    const llvm::json::Object *Top = Doc.getAsObject();
    if (!Top || Top->getInteger("version") != 1 || !Top->getArray("findings"))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "not a state-audit JSON report (--format json, version 1)");
    return llvm::Error::success();
  };
  auto OnFinding = [&](llvm::ArrayRef<size_t>, const llvm::json::Value &V) -> llvm::Error {
    const llvm::json::Object *O = V.getAsObject();
    if (!O)
      return llvm::Error::success();
    Finding F;
    auto Str = [&](llvm::StringRef Key) {
      auto S = O->getString(Key);
      return S ? S->str() : std::string();
    };
    F.rule = Str("rule");
    F.level = parseLevel(Str("level")).value_or(Level::Warning);
    F.loc = readLoc(*O);
    F.symbol = Str("symbol");
    F.type = Str("type");
    F.message = Str("message");
    F.hint = Str("hint");
    F.fingerprint = Str("fingerprint");
    F.evidence = readSteps(*O, "evidence");
    F.flow = readSteps(*O, "flow");
    F.suppressed = O->getBoolean("suppressed").value_or(false);
    F.suppressionReason = Str("suppressionReason");
    Out.push_back(std::move(F));
    return llvm::Error::success();
  };
  if (llvm::Error E = parseJsonInParts(Text, {"findings"}, OnReport, OnFinding))
    return std::move(E);
  return Out;
}

} // namespace sa
