// Text and JSON reports from hand-built findings.
#include "report/Report.h"

#include "TestSupport.h"

#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

ScanReport sample(const TempDir &T) {
  T.write("src/state.cpp", "#include <map>\n\tstd::map<int, int> g_cache;\n");
  ScanReport R;
  R.paths = ProjectPaths(T.path(), {});
  Finding F;
  F.rule = "global-variable";
  F.level = Level::Warning;
  F.loc = {"src/state.cpp", 2, 21, 2, 28};
  F.symbol = "g_cache";
  F.type = "std::map<int, int>";
  F.message = "mutable global 'g_cache' is per-process state";
  F.hint = "use a Redis hash";
  F.fingerprint = "abc";
  F.evidence.push_back({"written in handler 'x'", {"src/h.cpp", 9, 3, 9, 4}});
  R.findings.push_back(F);
  Finding Hidden = F;
  Hidden.loc.line = 1;
  Hidden.suppressed = true;
  Hidden.suppressionReason = "read-only after start-up";
  R.findings.insert(R.findings.begin(), Hidden);
  R.tus = {{"src/state.cpp", TUStatus::Ok, "", 0},
           {"src/broken.cpp", TUStatus::CompileErrors, "src/broken.cpp:1:1: error: x", 1}};
  R.gate = evaluateGate(R.findings, R.tus, Level::Warning, true);
  return R;
}

TEST(TextReport, ClangStyleDiagnosticWithCaretHintAndSummary) {
  TempDir T;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeText(OS, sample(T), TextOptions{false});
  OS.flush();
  EXPECT_NE(Out.find("src/state.cpp:2:21: warning: mutable global 'g_cache' is per-process "
                     "state [global-variable]\n"
                     "    2 | \tstd::map<int, int> g_cache;\n"
                     "      | \t                   ^~~~~~~\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("  src/h.cpp:9:3: written in handler 'x'\n"), std::string::npos) << Out;
  EXPECT_NE(Out.find("  hint: use a Redis hash\n"), std::string::npos);
  EXPECT_NE(Out.find("state-audit: 1 finding (0 errors, 1 warning, 0 notes)"), std::string::npos) << Out;
  EXPECT_NE(Out.find("2 translation units analysed (1 with compile errors, 0 failed)"), std::string::npos);
  EXPECT_NE(Out.find("1 finding suppressed in source"), std::string::npos);
  EXPECT_NE(Out.find("gate (--fail-on warning): FAILED, 1 finding at or above warning: "
                     "global-variable 1"),
            std::string::npos)
      << Out;
  // The suppressed finding is not printed, and no colour codes without colour.
  EXPECT_EQ(Out.find("src/state.cpp:1:"), std::string::npos);
  EXPECT_EQ(Out.find('\x1b'), std::string::npos);
}

TEST(JsonReport, CarriesEverythingAFindingHas) {
  TempDir T;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeJson(OS, sample(T));
  OS.flush();
  auto V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  const llvm::json::Object &Root = *V->getAsObject();
  EXPECT_EQ(Root.getInteger("version"), 1);
  EXPECT_EQ(Root.getObject("tool")->getString("name"), "state-audit");
  EXPECT_EQ(Root.getObject("summary")->getInteger("findings"), 1);
  EXPECT_EQ(Root.getObject("summary")->getInteger("suppressed"), 1);
  EXPECT_EQ(Root.getObject("gate")->getBoolean("failed"), true);
  EXPECT_EQ(Root.getObject("gate")->getString("failOn"), "warning");
  const llvm::json::Array &TUs = *Root.getArray("translationUnits");
  ASSERT_EQ(TUs.size(), 2u);
  EXPECT_EQ(TUs[1].getAsObject()->getString("status"), "compile-errors");
  const llvm::json::Array &Findings = *Root.getArray("findings");
  ASSERT_EQ(Findings.size(), 2u);
  const llvm::json::Object &F = *Findings[1].getAsObject();
  EXPECT_EQ(F.getString("rule"), "global-variable");
  EXPECT_EQ(F.getString("level"), "warning");
  EXPECT_EQ(F.getString("file"), "src/state.cpp");
  EXPECT_EQ(F.getInteger("line"), 2);
  EXPECT_EQ(F.getInteger("column"), 21);
  EXPECT_EQ(F.getInteger("endColumn"), 28);
  EXPECT_EQ(F.getString("symbol"), "g_cache");
  EXPECT_EQ(F.getString("type"), "std::map<int, int>");
  EXPECT_EQ(F.getString("hint"), "use a Redis hash");
  EXPECT_EQ(F.getString("fingerprint"), "abc");
  EXPECT_EQ(F.getArray("evidence")->size(), 1u);
  EXPECT_EQ(Findings[0].getAsObject()->getBoolean("suppressed"), true);
  EXPECT_EQ(Findings[0].getAsObject()->getString("suppressionReason"), "read-only after start-up");
}

TEST(JsonReport, SameInputSameBytes) {
  TempDir T;
  std::string A, B;
  llvm::raw_string_ostream OA(A), OB(B);
  writeJson(OA, sample(T));
  writeJson(OB, sample(T));
  OA.flush();
  OB.flush();
  EXPECT_EQ(A, B);
}

} // namespace
