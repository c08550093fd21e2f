#include "chaos/Balancer.h"
#include "chaos/Report.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace sa::chaos;
namespace json = llvm::json;

namespace {

ChaosResult resumedRun() {
  ChaosResult R;
  R.server = "./notes-server --port {port}";
  R.instances = {{"i0", 4000, 10}, {"i1", 4001, 11}, {"i2", 4002, 12}};
  R.steps = {{std::nullopt, "initialize", "i0", Outcome::Ok, "session s1"},
             {1, "remember", "i1", Outcome::Ok, ""},
             {2, "recall", "i2", Outcome::Ok, "as expected"}};
  R.kill = {true, 2, "i1", 11, true, 600};
  return R;
}

ChaosResult lostRun() {
  ChaosResult R = resumedRun();
  R.steps[2] = {2, "recall", "i2", Outcome::SessionLost,
                "HTTP 404; re-initialised on i0; the retry on i2: data lost"};
  R.steps.push_back({3, "search", "i0", Outcome::DataLost, "expected [..], got []"});
  return R;
}

std::vector<StaticFinding> scanFindings() {
  return {{"global-variable", "error", "src/state.cpp", "g_notes", "m1", 3},
          {"member-state", "note", "src/db.h", "DbPool::idle_", "m2", 9},
          {"session-state", "error", "src/mcp/http_transport.h", "mcp::HttpTransport::sessions_", "m3", 83},
          {"file-write", "error", "src/tools/admin.cpp", "", "m4", 40}};
}

std::string text(const ChaosResult &R, const std::vector<StaticFinding> *F) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  writeTextReport(OS, R, F, "scan.json");
  return S;
}

TEST(ChaosReport, VerdictsAndExitCodes) {
  EXPECT_EQ(verdict(resumedRun()), Verdict::Resumed);
  EXPECT_EQ(exitCode(resumedRun()), 0);
  EXPECT_EQ(verdict(lostRun()), Verdict::Lost);
  EXPECT_EQ(exitCode(lostRun()), 1);
  ChaosResult Errored = resumedRun();
  Errored.steps[1].outcome = Outcome::Error;
  EXPECT_EQ(verdict(Errored), Verdict::Failed);
  EXPECT_EQ(exitCode(Errored), 1);
  ChaosResult NoKill = resumedRun();
  NoKill.kill = KillRecord();
  EXPECT_EQ(verdict(NoKill), Verdict::Failed);
  // A kill HAProxy never saw tested nothing (a daemonised server survives SIGKILL to its
  // process group): failed, not resumed.
  ChaosResult Unnoticed = resumedRun();
  Unnoticed.kill.noticed = false;
  Unnoticed.kill.noticedMs = 10043;
  EXPECT_EQ(verdict(Unnoticed), Verdict::Failed);
  EXPECT_EQ(exitCode(Unnoticed), 1);
  EXPECT_EQ(summaryLine(Unnoticed),
            "failed: the kill of i1 did not take effect: HAProxy still had it up 10043 ms after "
            "SIGKILL to its process group (a server that leaves its group, e.g. by daemonising, "
            "survives it), so nothing was tested (3 ok, 0 session lost, 0 state lost, 0 data lost, 0 error)");
  ChaosResult Stopped = resumedRun();
  Stopped.stopped = "the session could not start";
  EXPECT_EQ(summaryLine(Stopped), "failed: the session could not start (3 ok, 0 session lost, "
                                  "0 state lost, 0 data lost, 0 error)");
}

TEST(ChaosReport, TextReportOfAResumedRun) {
  EXPECT_EQ(text(resumedRun(), nullptr),
            "state-audit chaos: 3 instances of './notes-server --port {port}' behind HAProxy "
            "(round-robin)\n"
            "  #  step        instance  outcome  detail\n"
            "  -  initialize  i0        ok       session s1\n"
            "  1  remember    i1        ok\n"
            "  -- SIGKILL to i1 (pid 11), the instance that served the session; HAProxy marked "
            "it DOWN after 600 ms\n"
            "  2  recall      i2        ok       as expected\n"
            "result: resumed: the session survived the kill of i1 with no data lost (3 "
            "exchanges: 3 ok, 0 session lost, 0 state lost, 0 data lost, 0 error)\n");
}

TEST(ChaosReport, ALostSessionNamesTheFindingsThatExplainIt) {
  std::vector<StaticFinding> All = scanFindings();
  std::vector<StaticFinding> E = explainingFindings(lostRun(), All);
  // Session and data lost: the state rules at error or warning; not notes, not file writes.
  ASSERT_EQ(E.size(), 2u);
  EXPECT_EQ(E[0].symbol, "g_notes");
  EXPECT_EQ(E[1].symbol, "mcp::HttpTransport::sessions_");

  ChaosResult OnlySession = lostRun();
  OnlySession.steps.pop_back();
  E = explainingFindings(OnlySession, All);
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].rule, "session-state");
  EXPECT_TRUE(explainingFindings(resumedRun(), All).empty());

  std::string T = text(OnlySession, &E);
  EXPECT_NE(T.find("result: lost: the session was lost 1 time (the kill of i1; 2 ok, 1 session "
                   "lost, 0 state lost, 0 data lost, 0 error)\n"
                   "the state a session lives in, per instance: 1 finding in scan.json\n"
                   "  src/mcp/http_transport.h:83 [session-state] "
                   "mcp::HttpTransport::sessions_\n"),
            std::string::npos)
      << T;
  std::vector<StaticFinding> None;
  EXPECT_NE(text(OnlySession, &None).find("no session-state or member-state finding in scan.json"),
            std::string::npos);
}

// Two rounds: a request refused under round-robin while the instance that served initialize
// answers it is "state lost", held there; the findings whose chain starts at the refused
// request's route and passes through handle_initialize come first.
TEST(ChaosReport, StateLostUnderRoundRobinNamesTheHolderAndTheWriter) {
  ChaosResult R = resumedRun();
  R.balance = Balance::Source;
  StepRecord Init{std::nullopt, "initialize", "i0", Outcome::Ok, "", Round::RoundRobin};
  StepRecord Refused{std::nullopt, "tools/list", "i2", Outcome::StateLost,
                     "JSON-RPC error -32002: Server not initialized on i2; i0 answers it",
                     Round::RoundRobin};
  Refused.holder = "i0";
  Refused.writer = "initialize";
  Refused.route = "/";
  R.steps.insert(R.steps.begin(), {Init, Refused});
  EXPECT_EQ(verdict(R), Verdict::Lost);
  EXPECT_EQ(summaryLine(R), "lost: under round-robin with no kill, 1 request needed state held "
                            "by i0 (4 ok, 0 session lost, 1 state lost, 0 data lost, 0 error)");
  std::vector<StaticFinding> All = scanFindings();
  StaticFinding Flag{"member-state", "error", "mcp_server.hpp", "mcp::MCPServer::initialized_",
                     "m", 91};
  Flag.flow = {"request entry point: handler '/' (Post)", "calls mcp::MCPServer::handle_message",
               "calls mcp::MCPServer::handle_initialize", "writes initialized_ = …"};
  All.push_back(Flag);
  std::vector<StaticFinding> E = explainingFindings(R, All);
  ASSERT_EQ(E.size(), 3u);
  EXPECT_EQ(E[0].symbol, "mcp::MCPServer::initialized_");
  EXPECT_TRUE(E[0].writtenByLostWriter);
  EXPECT_FALSE(E[1].writtenByLostWriter);
  std::string T = text(R, &E);
  EXPECT_NE(T.find("behind HAProxy (round-robin, then source)\n"), std::string::npos) << T;
  EXPECT_NE(T.find("  -- round 1: round-robin, no kill\n"), std::string::npos) << T;
  EXPECT_NE(T.find("the state the refused requests needed, written by initialize on i0: 1 "
                   "finding in scan.json\n  mcp_server.hpp:91 [member-state] "
                   "mcp::MCPServer::initialized_\n"),
            std::string::npos)
      << T;
}

TEST(ChaosReport, JsonReport) {
  std::vector<StaticFinding> All = scanFindings();
  std::vector<StaticFinding> E = explainingFindings(lostRun(), All);
  std::string S;
  llvm::raw_string_ostream OS(S);
  writeJsonReport(OS, lostRun(), &E, "scan.json");
  json::Value V = cantFail(json::parse(S));
  const json::Object &O = *V.getAsObject();
  EXPECT_EQ(O.getString("result"), std::optional<llvm::StringRef>("lost"));
  EXPECT_EQ(O.getObject("summary")->getInteger("sessionLost"), std::optional<int64_t>(1));
  EXPECT_EQ(O.getObject("summary")->getInteger("dataLost"), std::optional<int64_t>(1));
  EXPECT_EQ(O.getObject("kill")->getString("instance"), std::optional<llvm::StringRef>("i1"));
  EXPECT_EQ(O.getObject("kill")->getInteger("pid"), std::optional<int64_t>(11));
  const json::Array &Steps = *O.getArray("steps");
  ASSERT_EQ(Steps.size(), 4u);
  EXPECT_EQ(*Steps[0].getAsObject()->get("step"), json::Value(nullptr));
  EXPECT_EQ(Steps[2].getAsObject()->getString("outcome"),
            std::optional<llvm::StringRef>("session lost"));
  EXPECT_EQ(O.getArray("explainedBy")->size(), 2u);
  EXPECT_EQ(O.getArray("instances")->size(), 3u);
}

TEST(ChaosReport, ScanReportIsReadAndBadOnesAreNamed) {
  llvm::SmallString<128> Path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("scan", "json", Path));
  auto Write = [&](llvm::StringRef Text) {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    Out << Text;
  };
  Write(R"({"version":1,"findings":[
    {"rule":"session-state","level":"error","file":"a.h","line":3,"symbol":"S::m","message":"x","suppressed":false},
    {"rule":"global-variable","level":"error","file":"b.cpp","line":4,"symbol":"g","message":"y","suppressed":true}]})");
  llvm::Expected<std::vector<StaticFinding>> F = loadScanReport(Path);
  ASSERT_TRUE(bool(F)) << llvm::toString(F.takeError());
  ASSERT_EQ(F->size(), 1u); // the suppressed one is left out
  EXPECT_EQ((*F)[0].file, "a.h");
  EXPECT_EQ((*F)[0].line, 3u);

  Write("<sarif/>");
  F = loadScanReport(Path);
  ASSERT_FALSE(bool(F));
  EXPECT_NE(llvm::toString(F.takeError()).find(std::string(Path) + ": not JSON"), std::string::npos);
  Write(R"({"version":"2.1.0","runs":[]})");
  F = loadScanReport(Path);
  ASSERT_FALSE(bool(F));
  EXPECT_EQ(llvm::toString(F.takeError()),
            std::string(Path) + ": not a version 1 report of 'state-audit scan --format json' "
                                "(no 'findings')");
  llvm::sys::fs::remove(Path);
}

TEST(ChaosReport, HostileScanReportsAreRefusedWithAMessage) {
  std::string Deep = "{\"version\":1,\"findings\":" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  llvm::Expected<std::vector<StaticFinding>> F = parseScanReport(Deep, "deep.json");
  ASSERT_FALSE(bool(F));
  EXPECT_EQ(llvm::toString(F.takeError()),
            "deep.json: not JSON (1:536: not valid JSON: nested deeper than 512 levels); pass a "
            "report of 'state-audit scan --format json'");
  F = parseScanReport(std::string(MaxScanReportBytes + 1, ' '), "big.json");
  ASSERT_FALSE(bool(F));
  EXPECT_EQ(llvm::toString(F.takeError()), "big.json: too large for a scan report (at most 32 MiB)");
  F = loadScanReport("/dev/null");
  ASSERT_FALSE(bool(F));
  EXPECT_EQ(llvm::toString(F.takeError()), "/dev/null: not a regular file");
}

TEST(ChaosBalancer, GeneratedHaproxyConfiguration) {
  BalancerConfig C;
  C.port = 9000;
  C.statsPort = 9001;
  C.instances = {{"i0", 9100}, {"i1", 9101}};
  C.healthPath = "/healthz";
  std::string RoundRobin = haproxyConfig(C);
  EXPECT_NE(RoundRobin.find("  bind 127.0.0.1:9000\n"), std::string::npos);
  EXPECT_NE(RoundRobin.find("  bind 127.0.0.1:9001\n"), std::string::npos);
  EXPECT_NE(RoundRobin.find("  balance roundrobin\n"), std::string::npos);
  EXPECT_NE(RoundRobin.find("  option httpchk GET /healthz\n"), std::string::npos);
  EXPECT_NE(RoundRobin.find("  server i0 127.0.0.1:9100\n  server i1 127.0.0.1:9101\n"),
            std::string::npos);
  EXPECT_NE(RoundRobin.find("http-response set-header X-State-Audit-Instance %[srv_name]"),
            std::string::npos);
  EXPECT_EQ(RoundRobin.find("stick"), std::string::npos);
  EXPECT_EQ(RoundRobin.find("0.0.0.0"), std::string::npos);

  C.balance = Balance::Sticky;
  C.healthPath.clear();
  std::string Sticky = haproxyConfig(C);
  EXPECT_NE(Sticky.find("  stick on req.hdr(mcp-session-id)\n"), std::string::npos);
  EXPECT_NE(Sticky.find("  stick store-response res.hdr(mcp-session-id)\n"), std::string::npos);
  EXPECT_EQ(Sticky.find("httpchk"), std::string::npos); // TCP checks
  EXPECT_NE(Sticky.find("default-server check"), std::string::npos);
}

TEST(ChaosBalancer, ServerStatusFromTheStatsCsv) {
  std::string Csv = "# pxname,svname,qcur,status,weight\n"
                    "mcp,FRONTEND,,OPEN,\n"
                    "mcp_instances,i0,0,UP,1\n"
                    "mcp_instances,i1,0,DOWN,1\n"
                    "mcp_instances,i2,0,UP 1/2,1\n"
                    "mcp_instances,BACKEND,0,UP,2\n"
                    "stats,FRONTEND,,OPEN,\n";
  std::map<std::string, std::string> S = parseServerStatus(Csv);
  EXPECT_EQ(S, (std::map<std::string, std::string>{{"i0", "UP"}, {"i1", "DOWN"}, {"i2", "UP 1/2"}}));
  EXPECT_TRUE(parseServerStatus("garbage").empty());
}

} // namespace
