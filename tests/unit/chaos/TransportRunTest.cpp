// Whole runs against the fixture server (fixture_server.py), one per transport and verdict:
// Streamable HTTP with a session table, Streamable HTTP with an "initialized" flag, the
// 2024-11-05 HTTP+SSE transport, and a server that keeps nothing. Each run has two rounds:
// round-robin with no kill, then --lb with the serving instance killed.
#include "ChaosTestSupport.h"

#include "llvm/Support/JSON.h"

using namespace chaos_test;
namespace json = llvm::json;

namespace {

const std::string Fixture = FIXTURE_SERVER;

class ChaosTransportRun : public ::testing::Test {
protected:
  void SetUp() override {
    if (const char *Skip = std::getenv("STATE_AUDIT_SKIP_CHAOS"); Skip && std::string(Skip) == "1")
      GTEST_SKIP() << "STATE_AUDIT_SKIP_CHAOS=1";
    std::ofstream(D.file("scan.json")) << R"J({"version":1,"findings":[
      {"rule":"member-state","level":"error","file":"src/server.h","line":91,
       "symbol":"Server::initialized_","message":"m","suppressed":false,
       "flow":[{"message":"request entry point: handler '/mcp' (Post)"},
               {"message":"calls Server::handle_message"},
               {"message":"calls Server::handle_initialize"},
               {"message":"writes initialized_ = …"}]},
      {"rule":"member-state","level":"error","file":"src/server.h","line":95,
       "symbol":"Server::calls_","message":"m","suppressed":false,
       "flow":[{"message":"request entry point: handler '/mcp' (Post)"},
               {"message":"calls Server::handle_tools_call"},
               {"message":"writes calls_ = …"}]},
      {"rule":"session-state","level":"error","file":"src/host.cpp","line":12,
       "symbol":"Host::sessions","message":"m","suppressed":false}]})J";
  }

  /// Runs the fixture with `FixtureArgs` and the runner with `Args`; the text report and the
  /// JSON one (a second format of the same run is not possible, so JSON is asked for and
  /// the text is read from the JSON's message and steps).
  int run(const std::string &FixtureArgs, std::vector<std::string> Args) {
    std::vector<std::string> All = {"--server", "python3 " + Fixture + " --port {port} " + FixtureArgs,
                                    "--work-dir", D.file("work"), "-q", "--report",
                                    D.file("scan.json"), "--format", "json", "-o",
                                    D.file("report.json")};
    All.insert(All.end(), Args.begin(), Args.end());
    Ran R = startRunner(All, D.file("stderr"));
    int Code = waitExit(R.pid);
    llvm::Expected<json::Value> V = json::parse(contents(D.file("report.json")));
    if (!V) {
      ADD_FAILURE() << llvm::toString(V.takeError()) << contents(D.file("stderr"));
      return Code;
    }
    Report = std::move(*V);
    return Code;
  }

  const json::Object &root() const { return *Report.getAsObject(); }
  std::string str(llvm::StringRef Key) const { return root().getString(Key).value_or("").str(); }
  /// The steps of round `Round` whose outcome is `Outcome`.
  std::vector<const json::Object *> steps(int64_t Round, llvm::StringRef Outcome) const {
    std::vector<const json::Object *> Out;
    for (const json::Value &S : *root().getArray("steps"))
      if (S.getAsObject()->getInteger("round") == Round &&
          S.getAsObject()->getString("outcome") == Outcome)
        Out.push_back(S.getAsObject());
    return Out;
  }
  std::vector<std::string> explainedBy() const {
    std::vector<std::string> Out;
    for (const json::Value &F : *root().getArray("explainedBy"))
      Out.push_back(F.getAsObject()->getString("symbol")->str() +
                    (F.getAsObject()->getBoolean("writtenByTheLostStatesWriter").value_or(false)
                         ? " (written)"
                         : ""));
    return Out;
  }

  TempDir D;
  json::Value Report = nullptr;
};

// A session table in each instance: under round-robin a request reaching another instance is
// answered 404, and the instance that served initialize answers it (session lost, held
// there); sticky, the session lives until its instance is killed.
TEST_F(ChaosTransportRun, StreamableSessionTableLosesTheSessionInBothRounds) {
  EXPECT_EQ(run("--state session", {"--lb", "sticky", "--transport", "streamable"}), 1);
  EXPECT_EQ(str("result"), "lost");
  EXPECT_EQ(str("transport"), "Streamable HTTP");
  std::vector<const json::Object *> First = steps(1, "session lost");
  ASSERT_FALSE(First.empty()) << str("message");
  std::string Holder = First[0]->getString("heldBy")->str();
  EXPECT_NE(First[0]->getString("instance")->str(), Holder);
  EXPECT_EQ(First[0]->getString("writtenBy"), std::optional<llvm::StringRef>("initialize"));
  std::vector<const json::Object *> Second = steps(2, "session lost");
  ASSERT_EQ(Second.size(), 1u) << str("message");
  EXPECT_EQ(Second[0]->getString("heldBy"), root().getObject("kill")->getString("instance"));
  EXPECT_TRUE(steps(2, "error").empty());
  EXPECT_EQ(steps(2, "ok").size(), 6u) << str("message"); // the handshake and steps 1, 2, 4
  EXPECT_NE(str("message").find("under round-robin with no kill, the session was lost "),
            std::string::npos)
      << str("message");
  EXPECT_NE(str("message").find("in the sticky round with the kill of i"), std::string::npos);
  std::vector<std::string> E = explainedBy();
  ASSERT_FALSE(E.empty());
  EXPECT_EQ(E[0], "Server::initialized_ (written)"); // its chain passes handle_initialize
  EXPECT_NE(std::find(E.begin(), E.end(), "Host::sessions"), E.end());
}

// No session id, but a flag set by initialize ("Server not initialized" elsewhere): state
// lost under round-robin, held by initialize's instance, and the finding written by
// initialize named first. A notification answered 200 is a warning, not an error.
TEST_F(ChaosTransportRun, StreamableInitializedFlagIsStateLostAndA200IsAWarning) {
  EXPECT_EQ(run("--state initialized --notify-200", {}), 1);
  EXPECT_EQ(str("result"), "lost");
  std::vector<const json::Object *> Lost = steps(1, "state lost");
  ASSERT_FALSE(Lost.empty()) << str("message");
  std::string Init;
  for (const json::Value &S : *root().getArray("steps"))
    if (S.getAsObject()->getString("name") == std::optional<llvm::StringRef>("initialize")) {
      Init = S.getAsObject()->getString("instance")->str();
      break;
    }
  EXPECT_EQ(Lost[0]->getString("heldBy")->str(), Init);
  EXPECT_NE(Lost[0]->getString("detail")->find("JSON-RPC error -32002: Server not initialized on "),
            llvm::StringRef::npos);
  EXPECT_TRUE(steps(1, "error").empty());
  EXPECT_TRUE(steps(2, "error").empty());
  bool Warned = false;
  for (const json::Value &S : *root().getArray("steps"))
    Warned |= S.getAsObject()->getString("warning") ==
              std::optional<llvm::StringRef>(
                  "a notification was answered with HTTP 200 (the specification asks for 202)");
  EXPECT_TRUE(Warned);
  EXPECT_EQ(root().getObject("summary")->getInteger("error"), std::optional<int64_t>(0));
  std::vector<std::string> E = explainedBy();
  ASSERT_FALSE(E.empty());
  EXPECT_EQ(E[0], "Server::initialized_ (written)");
  EXPECT_NE(std::find(E.begin(), E.end(), "Server::calls_"), E.end()); // not written by it
}

// The 2024-11-05 transport, found by --transport auto (the Streamable POST is refused): the
// session lives where the stream is. Under round-robin the POSTs that reach another instance
// get 404 and the stream's instance answers them; with --lb source the session holds until
// its instance is killed.
TEST_F(ChaosTransportRun, LegacySseSessionLivesWhereTheStreamIs) {
  EXPECT_EQ(run("--transport sse", {"--lb", "source"}), 1);
  EXPECT_EQ(str("transport"), "HTTP+SSE (2024-11-05)");
  std::vector<const json::Object *> First = steps(1, "session lost");
  ASSERT_FALSE(First.empty()) << str("message");
  for (const json::Object *S : First)
    EXPECT_NE(S->getString("heldBy")->str(), S->getString("instance")->str());
  std::vector<const json::Object *> Second = steps(2, "session lost");
  ASSERT_EQ(Second.size(), 1u) << str("message");
  EXPECT_EQ(Second[0]->getString("heldBy"), root().getObject("kill")->getString("instance"));
  EXPECT_EQ(steps(2, "ok").size(), 6u) << str("message");
  EXPECT_TRUE(steps(1, "error").empty());
  EXPECT_TRUE(steps(2, "error").empty());
}

// Nothing kept between requests (notes in a store all instances share): both rounds ok, the
// kill seen by HAProxy: resumed, exit 0. A tool that fails is an error: failed, exit 1.
TEST_F(ChaosTransportRun, AServerThatKeepsNothingResumesAndAFailingToolFails) {
  std::string Steps = D.file("steps.yaml");
  std::ofstream(Steps) << "- call: remember\n  arguments: {text: \"n ${run}\"}\n"
                          "- call: recall\n  expect: {notes: [\"n ${run}\"]}\n"
                          "- call: recall\n  expect: {notes: [\"n ${run}\"]}\n";
  EXPECT_EQ(run("--state none --store " + D.file("store"),
                {"--lb", "source", "--steps", Steps, "--kill-at", "3"}),
            0)
      << str("message");
  EXPECT_EQ(str("result"), "resumed");
  EXPECT_EQ(root().getObject("kill")->getBoolean("noticedByBalancer"), std::optional<bool>(true));

  std::ofstream(Steps) << "- call: nosuch\n- method: tools/list\n";
  EXPECT_EQ(run("--state none --store " + D.file("store"), {"--steps", Steps}), 1);
  EXPECT_EQ(str("result"), "failed");
  EXPECT_EQ(steps(1, "error").size(), 1u);
}

} // namespace
