// The runner as an attacker or an unlucky user runs it: hostile files and servers, SIGKILL to
// the runner, servers that daemonise, planted links, outputs over inputs. Through the real
// state-audit binary, HAProxy and the fixture server (fixture_server.py).
#include "ChaosTestSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/JSON.h"

#include <csignal>

using namespace chaos_test;

namespace {

const std::string Fixture = FIXTURE_SERVER;

std::string fixture(const std::string &Args) {
  return "python3 " + Fixture + " --port {port} " + Args;
}

/// The pids of a JSON chaos report's instances.
std::vector<pid_t> instancePids(const std::string &ReportPath) {
  std::vector<pid_t> Pids;
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(contents(ReportPath));
  if (!V) {
    ADD_FAILURE() << llvm::toString(V.takeError());
    return Pids;
  }
  if (const llvm::json::Array *A = V->getAsObject()->getArray("instances"))
    for (const llvm::json::Value &I : *A)
      Pids.push_back(pid_t(I.getAsObject()->getInteger("pid").value_or(0)));
  return Pids;
}

void expectAllGone(const std::vector<pid_t> &Pids) {
  auto Deadline = std::chrono::steady_clock::now() + 5s;
  while (llvm::any_of(Pids, alive) && std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(20ms);
  for (pid_t P : Pids)
    EXPECT_FALSE(alive(P)) << P;
}

class ChaosHostileRun : public ::testing::Test {
protected:
  void SetUp() override {
    if (const char *Skip = std::getenv("STATE_AUDIT_SKIP_CHAOS"); Skip && std::string(Skip) == "1")
      GTEST_SKIP() << "STATE_AUDIT_SKIP_CHAOS=1";
  }
  TempDir D;
};

// A server answering initialize with JSON 100,000 levels deep crashed the runner (SIGSEGV,
// no report, the instances left running). Now: that exchange is an error, the run fails with
// a report, and nothing is left. A link planted in the work directory is not followed.
TEST_F(ChaosHostileRun, ADeeplyNestedAnswerIsAnErrorAndNothingIsLeft) {
  std::ofstream(D.file("victim")) << "keep me\n";
  ASSERT_FALSE(llvm::sys::fs::create_directories(D.file("work")));
  ASSERT_FALSE(llvm::sys::fs::create_link(D.file("victim"), D.file("work/haproxy.cfg")));
  Ran R = startRunner({"--server", fixture("--deep-json"), "--work-dir", D.file("work"),
                       "--format", "json", "-o", D.file("report.json"), "-q"},
                      D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 1) << contents(R.stderrPath);
  std::string Report = contents(D.file("report.json"));
  EXPECT_NE(Report.find("not valid JSON: nested deeper than 512 levels"), std::string::npos)
      << Report;
  EXPECT_NE(Report.find("\"result\": \"failed\""), std::string::npos) << Report;
  std::vector<pid_t> Pids = instancePids(D.file("report.json"));
  EXPECT_EQ(Pids.size(), 3u);
  expectAllGone(Pids);
  EXPECT_EQ(contents(D.file("victim")), "keep me\n");
  EXPECT_NE(contents(D.file("work/haproxy.cfg")).find("backend"), std::string::npos);
}

// SIGKILL to the runner (a CI timeout, the OOM killer) left every instance started through the
// shell running, as orphans on their ports.
TEST_F(ChaosHostileRun, SigkillToTheRunnerLeavesNoInstance) {
  std::string Server = "echo $$ >> " + D.file("pids") + "; sleep 300 & echo $! >> " +
                       D.file("pids") + "; wait # {port}";
  Ran R = startRunner({"--server", Server, "--work-dir", D.file("work"), "-q"}, D.file("stderr"));
  std::vector<pid_t> Pids = waitForPids(D.file("pids"), 6);
  ASSERT_EQ(Pids.size(), 6u);
  ::kill(R.pid, SIGKILL);
  EXPECT_EQ(waitExit(R.pid), 128 + SIGKILL);
  expectAllGone(Pids);
}

// A server that daemonises survives SIGKILL to its process group; HAProxy never sees it go
// down. That run tested nothing: "failed" (it was "resumed", exit 0), and the daemons are
// stopped at the end all the same.
TEST_F(ChaosHostileRun, AKillHAProxyNeverSawFailsTheRunAndTheDaemonsAreStopped) {
  std::string Server = "setsid " + fixture("--state none --store " + D.file("store")) +
                       " & echo $! >> " + D.file("pids") + "; exec sleep 300";
  Ran R = startRunner({"--server", Server, "--work-dir", D.file("work"), "-o",
                       D.file("report.txt"), "-q"},
                      D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 1) << contents(R.stderrPath);
  std::string Report = contents(D.file("report.txt"));
  EXPECT_NE(Report.find("HAProxy had not marked it DOWN"), std::string::npos) << Report;
  EXPECT_NE(Report.find("did not take effect"), std::string::npos) << Report;
  EXPECT_NE(Report.find("\nresult: failed: "), std::string::npos) << Report;
  std::vector<pid_t> Daemons = waitForPids(D.file("pids"), 3);
  EXPECT_EQ(Daemons.size(), 3u);
  expectAllGone(Daemons);
}

// A health path with a space broke HAProxy's configuration after the instances had started;
// one with a newline made the runner blame the server. Both are usage errors now, before
// anything starts.
TEST_F(ChaosHostileRun, ABadHealthPathIsRefusedBeforeAnythingStarts) {
  for (const char *Health : {"/a b c", "/healthz\n  server evil 127.0.0.1:1"}) {
    Ran R = startRunner({"--server", "touch " + D.file("started") + " # {port}", "--health",
                         Health},
                        D.file("stderr"));
    EXPECT_EQ(waitExit(R.pid), 2);
    EXPECT_NE(contents(R.stderrPath).find("--health: an HTTP path has no spaces or control "
                                          "characters (character "),
              std::string::npos)
        << contents(R.stderrPath);
    EXPECT_FALSE(llvm::sys::fs::exists(D.file("started")));
  }
}

// -o naming the run's own --report or --steps overwrote it.
TEST_F(ChaosHostileRun, TheReportDoesNotOverwriteTheRunsInputs) {
  std::string Scan = D.file("scan.json"), Steps = D.file("steps.yaml");
  std::ofstream(Scan) << R"({"version":1,"findings":[]})";
  std::ofstream(Steps) << "- method: tools/list\n";
  for (auto [Input, Option] : {std::pair{Scan, "--report"}, std::pair{Steps, "--steps"}}) {
    std::string Before = contents(Input);
    Ran R = startRunner({"--server", "touch " + D.file("started") + " # {port}", "--report",
                         Scan, "--steps", Steps, "-o", Input},
                        D.file("stderr"));
    EXPECT_EQ(waitExit(R.pid), 2) << Option;
    EXPECT_NE(contents(R.stderrPath).find("refusing to overwrite it"), std::string::npos)
        << contents(R.stderrPath);
    EXPECT_EQ(contents(Input), Before);
    EXPECT_FALSE(llvm::sys::fs::exists(D.file("started")));
  }
}

// A step file or a scan report nested 100,000 deep crashed the runner (SIGSEGV).
TEST_F(ChaosHostileRun, DeepStepsAndReportsAreUsageErrors) {
  std::string Steps = D.file("deep.yaml"), Scan = D.file("deep.json");
  std::ofstream(Steps) << "steps: " << std::string(100000, '[') << std::string(100000, ']');
  std::ofstream(Scan) << "{\"version\":1,\"findings\":" << std::string(100000, '[')
                      << std::string(100000, ']') << "}";
  Ran R = startRunner({"--server", "false {port}", "--steps", Steps}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find(Steps + ":1:40: nested too deeply"), std::string::npos)
      << contents(R.stderrPath);
  R = startRunner({"--server", "false {port}", "--report", Scan}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find(Scan + ": not JSON (1:536: not valid JSON: nested deeper than 512"),
            std::string::npos)
      << contents(R.stderrPath);
}

} // namespace
