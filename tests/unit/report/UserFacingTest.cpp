// What users read: report order, the markdown summary's size limit, SARIF's message text and
// code flows, `explain`'s selection and output, hints by what state holds, the migration plan.
#include "report/Explain.h"
#include "report/Plan.h"
#include "report/Report.h"
#include "rules/Registry.h"
#include "rules/common/Hints.h"
#include "unit/FactsBuilder.h"

#include "TestSupport.h"

#include "llvm/Support/JSON.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

Finding finding(Level L, const std::string &File, unsigned Line, const std::string &Symbol) {
  Finding F;
  F.rule = "global-variable";
  F.level = L;
  F.loc = {File, Line, 1, Line, 5};
  F.symbol = Symbol;
  F.message = "mutable global '" + Symbol + "' is written while serving requests";
  F.hint = "move it to a Redis hash";
  F.fingerprint = "0123456789abcdef" + std::to_string(Line);
  return F;
}

std::string render(const std::function<void(llvm::raw_ostream &)> &Write) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  Write(OS);
  OS.flush();
  return Out;
}

TEST(ReportOrder, ErrorsFirstThenWarningsThenNotesEachByPlace) {
  std::vector<Finding> F{finding(Level::Note, "a.cpp", 1, "n"),
                         finding(Level::Warning, "a.cpp", 2, "w"),
                         finding(Level::Error, "b.cpp", 9, "e2"),
                         finding(Level::Note, "a.cpp", 0, "n0"),
                         finding(Level::Error, "a.cpp", 5, "e1")};
  sortForReport(F);
  std::vector<std::string> Order;
  for (const Finding &X : F)
    Order.push_back(X.symbol);
  EXPECT_EQ(Order, (std::vector<std::string>{"e1", "e2", "w", "n0", "n"}));
}

ScanReport many(unsigned Errors, unsigned Warnings, unsigned Notes) {
  ScanReport R;
  R.paths = ProjectPaths("/nonexistent-root", {});
  unsigned Line = 1;
  for (auto [L, N] : {std::pair{Level::Note, Notes}, {Level::Warning, Warnings}, {Level::Error, Errors}})
    for (unsigned I = 0; I < N; ++I) {
      Finding F = finding(L, "src/file" + std::to_string(I % 37) + ".cpp", Line++,
                          "g_state_" + std::to_string(I));
      F.message += std::string(300, 'x'); // long messages, as real chains are
      R.findings.push_back(F);
    }
  sortForReport(R.findings);
  R.gate = evaluateGate(R.findings, R.tus, Level::Error, false);
  return R;
}

TEST(MarkdownCap, ALargeReportFitsAPullRequestCommentWithEveryErrorInFull) {
  ScanReport R = many(40, 900, 2000);
  std::string Out = render([&](llvm::raw_ostream &OS) {
    writeMarkdown(OS, R, MarkdownOptions{60000, "the state-audit.sarif artifact"});
  });
  EXPECT_LE(Out.size(), 60000u);
  EXPECT_THAT(Out, HasSubstr("## state-audit: 40 errors, 900 warnings, 2000 notes"));
  EXPECT_THAT(Out, HasSubstr("| [global-variable](" + ruleHelpUri("global-variable") +
                             ") | 40 | 900 | 2000 |"));
  // Every error is listed, before any warning.
  for (const Finding &F : R.findings) {
    if (F.level == Level::Error) {
      EXPECT_THAT(Out, HasSubstr("`" + F.loc.file + ":" + std::to_string(F.loc.line) + "`"));
    }
  }
  EXPECT_LT(Out.find("### Errors"), Out.find("### Warnings"));
  EXPECT_THAT(Out, HasSubstr("more findings ("));
  EXPECT_THAT(Out, HasSubstr("2000 notes) are not listed"));
  EXPECT_THAT(Out, HasSubstr("The full report: the state-audit.sarif artifact."));
}

TEST(MarkdownCap, ASmallReportListsEverythingAndNamesEachRulePage) {
  ScanReport R = many(1, 1, 1);
  std::string Out = render([&](llvm::raw_ostream &OS) { writeMarkdown(OS, R); });
  EXPECT_THAT(Out, Not(HasSubstr("are not listed")));
  EXPECT_THAT(Out, HasSubstr("[[global-variable](" + ruleHelpUri("global-variable") + ")]"));
  EXPECT_THAT(Out, HasSubstr("<details><summary>Notes (1)</summary>"));
}

TEST(TextReport, EachFindingNamesItsRulePage) {
  ScanReport R = many(1, 0, 0);
  std::string Out = render([&](llvm::raw_ostream &OS) { writeText(OS, R, TextOptions{}); });
  EXPECT_THAT(Out, HasSubstr("  see: state-audit explain global-variable (" +
                             ruleHelpUri("global-variable") + ")\n"));
}

ScanReport withFlow() {
  ScanReport R;
  R.paths = ProjectPaths("/nonexistent-root", {});
  Finding F = finding(Level::Error, "src/state.cpp", 3, "g_notes");
  F.message = "mutable global 'g_notes' is written while serving requests (handler 'remember' "
              "(add_tool) → g_notes[] = …)";
  F.evidence.push_back({"written while serving: handler 'remember' (add_tool) → g_notes[] = …",
                        {"src/tools.cpp", 12, 3, 12, 9}});
  F.evidence.push_back({"request entry point: handler 'remember' (add_tool)",
                        {"src/main.cpp", 20, 3, 20, 9}});
  F.flow = {{"request entry point: handler 'remember' (add_tool)", {"src/main.cpp", 20, 3, 20, 9}},
            {"calls save_note", {"src/tools.cpp", 8, 3, 8, 12}},
            {"writes g_notes[] = …", {"src/tools.cpp", 12, 3, 12, 9}}};
  R.findings.push_back(F);
  R.findings.push_back(finding(Level::Warning, "src/b.cpp", 4, "g_unplaced"));
  R.findings.push_back(finding(Level::Note, "src/c.cpp", 5, "g_config"));
  return R;
}

TEST(Sarif, MessageSaysWhatWhyAndFixAndLinksRelatedLocations) {
  ScanReport R = withFlow();
  auto V = llvm::json::parse(render([&](llvm::raw_ostream &OS) { writeSarif(OS, R, SarifOptions{}); }));
  ASSERT_TRUE(bool(V));
  const llvm::json::Object &Run = *(*V->getAsObject()->getArray("runs"))[0].getAsObject();
  const llvm::json::Array &Results = *Run.getArray("results");
  // The note is left out by default.
  ASSERT_EQ(Results.size(), 2u);
  const llvm::json::Object &First = *Results[0].getAsObject();
  std::string Text = First.getObject("message")->getString("text")->str();
  EXPECT_EQ(Text, "Mutable global 'g_notes' is written while serving requests (handler 'remember' "
                  "(add_tool) → g_notes\\[\\] = …). Fix: Move it to a Redis hash. See "
                  "[written while serving: handler 'remember' (add_tool) → g_notes\\[\\] = …](1); "
                  "[request entry point: handler 'remember' (add_tool)](2).");
  const llvm::json::Array &Related = *First.getArray("relatedLocations");
  ASSERT_EQ(Related.size(), 2u);
  EXPECT_EQ(Related[1].getAsObject()->getInteger("id"), 2);

  // The flow: entry point, call, write.
  const llvm::json::Array &Flows = *First.getArray("codeFlows");
  ASSERT_EQ(Flows.size(), 1u);
  const llvm::json::Array &Steps = *(*Flows[0].getAsObject()->getArray("threadFlows"))[0]
                                        .getAsObject()
                                        ->getArray("locations");
  ASSERT_EQ(Steps.size(), 3u);
  auto StepText = [&](size_t I) {
    return Steps[I].getAsObject()->getObject("location")->getObject("message")->getString("text")->str();
  };
  EXPECT_EQ(StepText(0), "request entry point: handler 'remember' (add_tool)");
  EXPECT_EQ(StepText(2), "writes g_notes\\[\\] = …");
  EXPECT_EQ(Steps[1]
                .getAsObject()
                ->getObject("location")
                ->getObject("physicalLocation")
                ->getObject("region")
                ->getInteger("startLine"),
            8);
  // A warning without a path still gets a flow: where it happens.
  EXPECT_TRUE(Results[1].getAsObject()->getArray("codeFlows"));

  // Notes on request, with a notification saying how many were left out otherwise.
  SarifOptions All;
  All.minLevel = Level::Note;
  auto W = llvm::json::parse(render([&](llvm::raw_ostream &OS) { writeSarif(OS, R, All); }));
  const llvm::json::Object &Run2 = *(*W->getAsObject()->getArray("runs"))[0].getAsObject();
  ASSERT_EQ(Run2.getArray("results")->size(), 3u);
  EXPECT_FALSE((*Run2.getArray("results"))[2].getAsObject()->getArray("codeFlows"));
  std::string Notices = llvm::formatv("{0}", llvm::json::Value(Run.getArray("invocations")->front()));
  EXPECT_THAT(Notices, HasSubstr("1 finding below the level warning is left out"));
}

TEST(Explain, FindsByFingerprintPrefixAndByFileLine) {
  std::vector<Finding> F{finding(Level::Error, "src/state.cpp", 3, "a"),
                         finding(Level::Error, "src/state.cpp", 30, "b"),
                         finding(Level::Note, "src/other.cpp", 3, "c")};
  F[1].fingerprint = "feedbeef00112233";
  EXPECT_EQ(selectFindings(F, "feedbe").size(), 1u);
  EXPECT_EQ(selectFindings(F, "FEEDBEEF00112233").size(), 1u);
  ASSERT_EQ(selectFindings(F, "src/state.cpp:3").size(), 1u);
  EXPECT_EQ(selectFindings(F, "src/state.cpp:3")[0]->symbol, "a");
  EXPECT_EQ(selectFindings(F, "/home/me/project/src/state.cpp:30:1").size(), 1u);
  EXPECT_EQ(selectFindings(F, "state.cpp:3").size(), 1u);
  EXPECT_EQ(selectFindings(F, "src/state.cpp:30:2").size(), 0u);
  EXPECT_EQ(selectFindings(F, "tate.cpp:3").size(), 0u);
  EXPECT_EQ(selectFindings(F, "src/state.cpp").size(), 0u);
}

TEST(Explain, AFindingWithItsPathEvidenceFixAndRule) {
  ScanReport R = withFlow();
  std::string Out = render([&](llvm::raw_ostream &OS) { writeExplanation(OS, R.findings[0]); });
  EXPECT_THAT(Out, HasSubstr("src/state.cpp:3:1: error: mutable global 'g_notes'"));
  EXPECT_THAT(Out, HasSubstr("Path to the write:\n"
                             "  1. src/main.cpp:20:3: request entry point: handler 'remember' (add_tool)\n"
                             "  2. src/tools.cpp:8:3: calls save_note\n"
                             "  3. src/tools.cpp:12:3: writes g_notes[] = …\n"));
  EXPECT_THAT(Out, HasSubstr("Evidence:\n  - src/tools.cpp:12:3: written while serving"));
  EXPECT_THAT(Out, HasSubstr("\nFix: move it to a Redis hash\n"));
  EXPECT_THAT(Out, HasSubstr("The rule's page: state-audit explain global-variable"));
}

TEST(Explain, TheJsonReportReadsBackWithItsFlow) {
  ScanReport R = withFlow();
  std::string Json = render([&](llvm::raw_ostream &OS) { writeJson(OS, R); });
  auto Back = readJsonReport(Json);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 3u);
  EXPECT_EQ((*Back)[0].flow.size(), 3u);
  EXPECT_EQ((*Back)[0].flow[1].loc.line, 8u);
  EXPECT_EQ((*Back)[0].hint, "move it to a Redis hash");
  EXPECT_EQ((*Back)[0].fingerprint, R.findings[0].fingerprint);
  EXPECT_FALSE(bool(readJsonReport("{\"version\": 2, \"findings\": []}")));
  llvm::consumeError(readJsonReport("[]").takeError());
}

TEST(Explain, ARulePageIsTheEmbeddedDocumentation) {
  std::string Out = render([&](llvm::raw_ostream &OS) { writeRulePage(OS, *findRule("session-state")); });
  EXPECT_THAT(Out, HasSubstr("# session-state"));
  EXPECT_THAT(Out, HasSubstr("Default level: error. Online: " + ruleHelpUri("session-state")));
}

StateDecl decl(const std::string &Type, TypeShape Shape) {
  StateDecl D;
  D.name = "g_x";
  D.type = Type;
  D.shape = Shape;
  return D;
}

TEST(HintsByValueKind, ThreadsAndCallablesAreNotData) {
  StateUsage Session;
  Session.session = true;
  std::string Threads = stateHint(decl("std::map<std::string, std::thread>", TypeShape::KeyedContainer), Session);
  EXPECT_THAT(Threads, HasSubstr("it holds threads, which cannot be stored in Redis or a database"));
  EXPECT_THAT(Threads, HasSubstr("job"));
  EXPECT_THAT(Threads, Not(HasSubstr("a Redis hash per session (HSET")));

  StateUsage Queue;
  Queue.workQueue = true;
  std::string Tasks = stateHint(decl("std::deque<std::function<void ()>>", TypeShape::Sequence), Queue);
  EXPECT_THAT(Tasks, HasSubstr("it holds callables"));
  EXPECT_THAT(Tasks, HasSubstr("data only: the job's kind and its parameters"));
  EXPECT_THAT(Tasks, Not(HasSubstr("Redis list (RPUSH")));

  std::string Sockets = stateHint(decl("std::unordered_map<int, asio::ip::tcp::socket>", TypeShape::KeyedContainer), {});
  EXPECT_THAT(Sockets, HasSubstr("it holds sockets"));

  // Data stays data; caches stay caches.
  EXPECT_THAT(stateHint(decl("std::map<std::string, std::string>", TypeShape::KeyedContainer), {}),
              HasSubstr("a Redis hash (HSET/HGET/HDEL"));
  StateUsage Cache;
  Cache.cache = true;
  EXPECT_THAT(stateHint(decl("std::map<std::string, std::string>", TypeShape::KeyedContainer), Cache),
              HasSubstr("lookup-then-insert cache"));
  // "function" inside another word is not a callable.
  EXPECT_EQ(heldResource(decl("std::map<std::string, FunctionInfo>", TypeShape::KeyedContainer)), "");
  EXPECT_EQ(heldResource(decl("std::vector<std::future<int>>", TypeShape::Sequence)), "futures");

  StateUsage Ids;
  Ids.session = true;
  Ids.incremented = true;
  EXPECT_THAT(stateHint(decl("std::atomic<long>", TypeShape::Atomic), Ids), HasSubstr("UUIDs"));
}

TEST(MigrationPlan, SessionsFirstWithTheirFieldsRequestsKeysAndChaosSteps) {
  FactsBuilder B;
  B.record("Session").fieldNames = {"user", "history"};
  StateDecl &Sessions = B.global("g_sessions", TypeShape::KeyedContainer);
  Sessions.elementRecord = recordId("Session");
  Sessions.type = "std::map<std::string, Session>";
  B.global("g_notes", TypeShape::KeyedContainer);
  B.toolHandler("login", "login");
  B.toolHandler("remember", "remember");
  B.write("login", "g_sessions", AccessKind::MutatingCall, "operator[]").path = ".user";
  B.write("remember", "g_sessions", AccessKind::MutatingCall, "operator[]").path = ".history";
  B.access("remember", "g_sessions", AccessKind::Lookup, "find").sessionKeyed = true;
  B.write("remember", "g_notes", AccessKind::MutatingCall, "emplace");
  B.fileOp("remember", "fopen");
  Program P = B.program();
  LinkResult L = sa::link(P);
  ScanReport R;
  R.findings = L.findings;
  sortForReport(R.findings);
  MigrationPlan Plan = buildPlan(P, EntryPointOptions::defaults(), R);

  ASSERT_EQ(Plan.sessions.size(), 1u);
  EXPECT_EQ(Plan.sessions[0].state, "g_sessions");
  EXPECT_EQ(Plan.sessions[0].element, "Session");
  ASSERT_EQ(Plan.sessions[0].fields.size(), 2u);
  EXPECT_EQ(Plan.sessions[0].fields[0].name, "user");
  ASSERT_EQ(Plan.sessions[0].fields[0].writtenIn.size(), 1u);
  EXPECT_EQ(Plan.sessions[0].fields[0].writtenIn[0].function, "login");
  EXPECT_EQ(Plan.sessions[0].fields[1].writtenIn[0].function, "remember");

  ASSERT_EQ(Plan.requests.size(), 2u);
  EXPECT_EQ(Plan.requests[1].entry, "handler 'remember' (add_tool)");
  EXPECT_THAT(Plan.requests[1].writes, ::testing::Contains("g_notes"));

  ASSERT_GE(Plan.steps.size(), 3u);
  EXPECT_EQ(Plan.steps[0].title, "Move the session store out of the process");
  EXPECT_EQ(Plan.steps[0].items[0].keys.substr(0, 12), "session:{id}");
  EXPECT_EQ(Plan.steps[1].items[0].store, "Redis hash");
  EXPECT_EQ(Plan.steps[2].items[0].store, "object storage");
  EXPECT_GE(Plan.chaosSteps.size(), 5u);

  std::string Md = render([&](llvm::raw_ostream &OS) { writePlanMarkdown(OS, Plan); });
  EXPECT_THAT(Md, HasSubstr("## 1. What each session carries"));
  EXPECT_THAT(Md, HasSubstr("| `user` |"));
  EXPECT_THAT(Md, HasSubstr("## 4. The chaos test that proves it"));
  auto Json = llvm::json::parse(render([&](llvm::raw_ostream &OS) { writePlanJson(OS, Plan); }));
  ASSERT_TRUE(bool(Json));
  EXPECT_EQ(Json->getAsObject()->getArray("steps")->size(), Plan.steps.size());
}

} // namespace
