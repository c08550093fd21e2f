// Text and JSON reports from hand-built findings.
#include "report/Report.h"
#include "rules/Registry.h"

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

namespace {

const llvm::json::Object &run0(const llvm::json::Value &V) {
  return *(*V.getAsObject()->getArray("runs"))[0].getAsObject();
}

TEST(SarifReport, StructureRulesResultsAndFingerprints) {
  TempDir T;
  // A multi-byte character before the flagged name: UTF-16 columns differ from bytes.
  T.write("src/my file.cpp", "// caf\xc3\xa9\nstd::string g_caf\xc3\xa9_name;\n");
  ScanReport R;
  R.paths = ProjectPaths(T.path(), {});
  Finding F;
  F.rule = "session-state";
  F.level = Level::Error;
  F.loc = {"src/my file.cpp", 2, 13, 2, 27};
  F.symbol = "g_café_name";
  F.message = "'g_café_name' holds per-session data.";
  F.hint = "a Redis hash";
  F.fingerprint = "f00d";
  F.evidence = {{"written while serving: x", {"src/my file.cpp", 1, 1, 1, 3}}, {"no location", {}}};
  Finding S = F;
  S.loc.line = 1;
  S.symbol = "suppressed one";
  S.suppressed = true;
  S.suppressionReason = "accepted";
  R.findings = {S, F};
  R.tus = {{"src/my file.cpp", TUStatus::CompileErrors, "src/my file.cpp:9:1: error: x", 1}};
  R.gate = evaluateGate(R.findings, R.tus, Level::Error, false);

  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeSarif(OS, R, SarifOptions{});
  OS.flush();
  auto V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  EXPECT_EQ(V->getAsObject()->getString("version"), "2.1.0");
  const llvm::json::Object &Run = run0(*V);
  const llvm::json::Object &Driver = *Run.getObject("tool")->getObject("driver");
  EXPECT_EQ(Driver.getString("name"), "state-audit");
  EXPECT_TRUE(Driver.getString("semanticVersion"));
  const llvm::json::Array &Rules = *Driver.getArray("rules");
  ASSERT_EQ(Rules.size(), allRules().size());
  for (const llvm::json::Value &Rule : Rules) {
    const llvm::json::Object &O = *Rule.getAsObject();
    for (const char *Key : {"id", "name", "helpUri"})
      EXPECT_TRUE(O.getString(Key)) << Key;
    for (const char *Key : {"shortDescription", "fullDescription", "help", "defaultConfiguration",
                            "properties"})
      EXPECT_TRUE(O.getObject(Key)) << Key;
    EXPECT_TRUE(O.getObject("help")->getString("markdown"));
    EXPECT_TRUE(O.getObject("properties")->getString("precision"));
    EXPECT_TRUE(O.getObject("properties")->getString("problem.severity"));
    EXPECT_FALSE(O.getObject("properties")->get("security-severity"));
  }
  EXPECT_EQ(Run.getString("columnKind"), "utf16CodeUnits");
  EXPECT_TRUE(Run.getObject("originalUriBaseIds")->getObject("%SRCROOT%"));
  const llvm::json::Object &Inv = *(*Run.getArray("invocations"))[0].getAsObject();
  EXPECT_EQ(Inv.getBoolean("executionSuccessful"), false);
  EXPECT_EQ(Inv.getArray("toolExecutionNotifications")->size(), 1u);

  const llvm::json::Array &Results = *Run.getArray("results");
  ASSERT_EQ(Results.size(), 1u) << "suppressed results are left out by default";
  const llvm::json::Object &Res = *Results[0].getAsObject();
  EXPECT_EQ(Res.getString("ruleId"), "session-state");
  int64_t Index = *Res.getInteger("ruleIndex");
  EXPECT_EQ((*Rules[Index].getAsObject()).getString("id"), "session-state");
  EXPECT_EQ(Res.getString("level"), "error");
  const llvm::json::Object &Phys =
      *(*Res.getArray("locations"))[0].getAsObject()->getObject("physicalLocation");
  EXPECT_EQ(Phys.getObject("artifactLocation")->getString("uri"), "src/my%20file.cpp");
  EXPECT_EQ(Phys.getObject("artifactLocation")->getString("uriBaseId"), "%SRCROOT%");
  EXPECT_EQ(Phys.getObject("region")->getInteger("startColumn"), 13); // before the é: same
  EXPECT_EQ(Phys.getObject("region")->getInteger("endColumn"), 26);   // é is 2 bytes, 1 unit
  EXPECT_EQ(Res.getArray("relatedLocations")->size(), 1u);
  EXPECT_TRUE(Res.getObject("partialFingerprints")->getString("primaryLocationLineHash"));
  EXPECT_EQ(Res.getObject("fingerprints")->getString("stateAudit/v1"), "f00d");
  EXPECT_EQ(Res.getObject("properties")->getString("hint"), "a Redis hash");

  std::string With;
  llvm::raw_string_ostream WS(With);
  writeSarif(WS, R, SarifOptions{true, false, "state-audit/"});
  WS.flush();
  auto W = llvm::json::parse(With);
  ASSERT_TRUE(bool(W));
  const llvm::json::Array &All = *run0(*W).getArray("results");
  ASSERT_EQ(All.size(), 2u);
  const llvm::json::Object &Sup = *(*All[0].getAsObject()->getArray("suppressions"))[0].getAsObject();
  EXPECT_EQ(Sup.getString("kind"), "inSource");
  EXPECT_EQ(Sup.getString("justification"), "accepted");
}

TEST(SarifReport, TruncatedToGitHubsLimitKeepingTheMostSevere) {
  TempDir T;
  ScanReport R;
  R.paths = ProjectPaths(T.path(), {});
  for (unsigned I = 0; I < 25010; ++I) {
    Finding F;
    F.rule = "global-variable";
    F.level = I < 20 ? Level::Error : Level::Note;
    F.loc = {"a.cpp", 100000 - I, 1, 100000 - I, 2};
    F.symbol = "g" + std::to_string(I);
    F.message = "m";
    F.fingerprint = std::to_string(I);
    R.findings.push_back(F);
  }
  std::sort(R.findings.begin(), R.findings.end(), findingLess);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  SarifOptions WithNotes; // notes are left out by default; the truncation is what is tested
  WithNotes.minLevel = Level::Note;
  writeSarif(OS, R, WithNotes);
  OS.flush();
  auto V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V));
  const llvm::json::Object &Run = run0(*V);
  const llvm::json::Array &Results = *Run.getArray("results");
  ASSERT_EQ(Results.size(), 25000u);
  unsigned Errors = 0;
  for (const llvm::json::Value &Res : Results)
    Errors += Res.getAsObject()->getString("level") == llvm::StringRef("error");
  EXPECT_EQ(Errors, 20u) << "every error is kept";
  EXPECT_EQ(Run.getObject("properties")->getBoolean("truncated"), true);
  EXPECT_EQ(Run.getObject("properties")->getInteger("totalResults"), 25010);
  const llvm::json::Array &Notes =
      *(*Run.getArray("invocations"))[0].getAsObject()->getArray("toolExecutionNotifications");
  ASSERT_EQ(Notes.size(), 1u);
  EXPECT_NE(Notes[0].getAsObject()->getObject("message")->getString("text")->find("truncated"),
            llvm::StringRef::npos);
}

TEST(SarifReport, AbsentBaselineResultsOnlyOnRequest) {
  TempDir T;
  ScanReport R = sample(T);
  Finding Gone = R.findings[1];
  Gone.symbol = "g_gone";
  Gone.baseline = BaselineState::Absent;
  R.absent.push_back(Gone);
  for (bool Include : {false, true}) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeSarif(OS, R, SarifOptions{false, Include, "state-audit/"});
    OS.flush();
    auto V = llvm::json::parse(Out);
    ASSERT_TRUE(bool(V));
    const llvm::json::Object &Run = run0(*V);
    EXPECT_EQ(Run.getArray("results")->size(), Include ? 2u : 1u);
    EXPECT_EQ(Run.getObject("properties")->getInteger("absentFromBaseline"), 1);
  }
}

TEST(MarkdownReport, SummaryNewFindingsAndCollapsedDetails) {
  TempDir T;
  ScanReport R = sample(T);
  R.findings[1].level = Level::Error;
  R.findings[1].baseline = BaselineState::New;
  Finding Old = R.findings[1];
  Old.symbol = "g_old";
  Old.baseline = BaselineState::Unchanged;
  R.findings.push_back(Old);
  Finding Fixed = R.findings[1];
  Fixed.symbol = "g_fixed";
  Fixed.baseline = BaselineState::Absent;
  R.absent.push_back(Fixed);
  R.gate = evaluateGate(R.findings, R.tus, Level::Error, true);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeMarkdown(OS, R);
  OS.flush();
  EXPECT_NE(Out.find("## state-audit: 2 errors, 0 warnings, 0 notes"), std::string::npos) << Out;
  EXPECT_NE(Out.find("Gate (`--fail-on error`): **failed** — 1 new finding at or above"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("| [global-variable](" + ruleHelpUri("global-variable") + ") | 2 | 0 | 0 |"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("### New errors"), std::string::npos);
  EXPECT_NE(Out.find("`src/state.cpp:2`"), std::string::npos);
  EXPECT_NE(Out.find("  - hint: use a Redis hash"), std::string::npos);
  EXPECT_NE(Out.find("<details><summary>Unchanged from the baseline (1)</summary>"), std::string::npos);
  EXPECT_NE(Out.find("<details><summary>Fixed since the baseline (1)</summary>"), std::string::npos);
}

TEST(CodeQualityReport, GitLabFields) {
  TempDir T;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeCodeQuality(OS, sample(T));
  OS.flush();
  auto V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V));
  const llvm::json::Array &A = *V->getAsArray();
  ASSERT_EQ(A.size(), 1u); // the suppressed finding is left out
  const llvm::json::Object &I = *A[0].getAsObject();
  EXPECT_EQ(I.getString("check_name"), "state-audit/global-variable");
  EXPECT_EQ(I.getString("severity"), "major");
  EXPECT_EQ(I.getString("fingerprint"), "abc");
  EXPECT_EQ(I.getObject("location")->getString("path"), "src/state.cpp");
  EXPECT_EQ(I.getObject("location")->getObject("lines")->getInteger("begin"), 2);
}

} // namespace
