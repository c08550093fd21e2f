// The client's protocol logic against a scripted server (no network).
#include "chaos/McpClient.h"

#include "gtest/gtest.h"

#include <deque>

using namespace sa::chaos;
namespace json = llvm::json;

namespace {

struct Script {
  std::deque<HttpResponse> answers;
  std::vector<HttpRequest> seen;
  HttpTransport transport() {
    return [this](const HttpRequest &R) {
      seen.push_back(R);
      HttpResponse A = answers.front();
      answers.pop_front();
      if (R.onData && !A.body.empty())
        R.onData(A.body);
      return A;
    };
  }
};

HttpResponse answer(int Status, std::string Body, std::string Type = "application/json",
                    std::string Instance = "i0") {
  HttpResponse A;
  A.status = Status;
  A.body = std::move(Body);
  A.headers["content-type"] = std::move(Type);
  A.headers["x-state-audit-instance"] = std::move(Instance);
  return A;
}

std::string header(const HttpRequest &R, llvm::StringRef Name) {
  for (const auto &[N, V] : R.headers)
    if (N == Name)
      return V;
  return "";
}

HttpResponse initAnswer(std::string Session, std::string Instance = "i0") {
  HttpResponse A = answer(
      200, R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}})",
      "application/json", std::move(Instance));
  A.headers["mcp-session-id"] = std::move(Session);
  return A;
}

TEST(ChaosMcpClient, HandshakeKeepsTheSessionAndSendsItOnEveryRequest) {
  Script S;
  S.answers = {initAnswer("abc"), answer(202, "", "", "i1"),
               answer(200, R"({"jsonrpc":"2.0","id":2,"result":{"tools":[]}})", "application/json", "i2")};
  McpClient C(S.transport(), 8000, "/mcp");
  Exchange I = C.initialize();
  EXPECT_EQ(I.status, Exchange::Status::Ok) << I.message;
  EXPECT_EQ(I.instance, "i0");
  EXPECT_EQ(C.sessionId(), "abc");
  EXPECT_EQ(header(S.seen[0], "Mcp-Session-Id"), "");
  EXPECT_EQ(header(S.seen[0], "Accept"), "application/json, text/event-stream");
  json::Value Sent = cantFail(json::parse(S.seen[0].body));
  EXPECT_EQ(Sent.getAsObject()->getString("method"), std::optional<llvm::StringRef>("initialize"));

  EXPECT_EQ(C.initialized().status, Exchange::Status::Ok);
  EXPECT_EQ(header(S.seen[1], "Mcp-Session-Id"), "abc");
  EXPECT_EQ(header(S.seen[1], "MCP-Protocol-Version"), "2025-06-18");

  Exchange L = C.request("tools/list", {});
  EXPECT_EQ(L.status, Exchange::Status::Ok);
  EXPECT_EQ(L.instance, "i2");
  EXPECT_EQ(*L.result, json::Value(json::Object{{"tools", json::Array{}}}));
  EXPECT_EQ(header(S.seen[2], "Mcp-Session-Id"), "abc");
}

TEST(ChaosMcpClient, NotFoundWithASessionMeansTheSessionIsGone) {
  Script S;
  S.answers = {initAnswer("abc"),
               answer(404, R"({"jsonrpc":"2.0","id":2,"error":{"code":-32600,"message":"Session not found"}})")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  Exchange X = C.request("tools/call", json::Object{{"name", "recall"}});
  EXPECT_EQ(X.status, Exchange::Status::SessionGone);
  EXPECT_EQ(X.message, "HTTP 404 JSON-RPC error -32600: Session not found");
}

TEST(ChaosMcpClient, TheResponseMayComeAsAnEventStream) {
  Script S;
  S.answers = {initAnswer("abc"),
               answer(200,
                      "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                      "id: 5\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"ok\":true}}\n\n",
                      "text/event-stream")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  Exchange X = C.request("ping", {});
  ASSERT_EQ(X.status, Exchange::Status::Ok) << X.message;
  EXPECT_EQ(*X.result, json::Value(json::Object{{"ok", true}}));
}

TEST(ChaosMcpClient, ErrorsAndBadAnswers) {
  Script S;
  S.answers = {initAnswer("abc"),
               answer(200, R"({"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}})"),
               answer(500, "oops", "text/plain"), answer(200, "not json"),
               answer(200, R"({"jsonrpc":"2.0","id":99,"result":{}})")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  Exchange A = C.request("nope", {});
  EXPECT_EQ(A.status, Exchange::Status::Error);
  EXPECT_EQ(A.message, "JSON-RPC error -32601: Method not found");
  Exchange B = C.request("ping", {});
  EXPECT_EQ(B.status, Exchange::Status::Error);
  EXPECT_EQ(B.message, "HTTP 500");
  Exchange D = C.request("ping", {});
  EXPECT_EQ(D.status, Exchange::Status::Error);
  EXPECT_EQ(D.message.rfind("the response is not JSON", 0), 0u) << D.message;
  Exchange E = C.request("ping", {});
  EXPECT_EQ(E.status, Exchange::Status::Error);
  EXPECT_EQ(E.message.rfind("the response is not the JSON-RPC response to request 5", 0), 0u)
      << E.message;
}

// A server that answers with JSON nested deeper than LLVM's reader survives (it recurses once
// per level) is an error of that exchange, in the body, in an event, or in a tool's text.
TEST(ChaosMcpClient, DeeplyNestedAnswersAreErrorsNotCrashes) {
  std::string Deep = std::string(100000, '[') + std::string(100000, ']');
  Script S;
  HttpResponse Again = answer(
      200, R"({"jsonrpc":"2.0","id":2,"result":{"protocolVersion":"2025-06-18","capabilities":{}}})");
  S.answers = {answer(200, Deep), Again,
               answer(200, "data: " + Deep + "\n\n", "text/event-stream"),
               answer(200, R"({"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":")" +
                               Deep + R"("}]}})")};
  McpClient C(S.transport(), 8000, "/mcp");
  Exchange I = C.initialize();
  EXPECT_EQ(I.status, Exchange::Status::Error);
  EXPECT_EQ(I.message, "the response is not JSON (1:513: not valid JSON: nested deeper than 512 "
                       "levels)");
  ASSERT_EQ(C.initialize().status, Exchange::Status::Ok);
  Exchange E = C.request("ping", {});
  EXPECT_EQ(E.status, Exchange::Status::Error);
  EXPECT_EQ(E.message, "the event stream ended without the response to request 3");
  Exchange T = C.request("tools/call", {});
  ASSERT_EQ(T.status, Exchange::Status::Ok) << T.message;
  EXPECT_EQ(toolResultValue(*T.result), json::Value(Deep)); // kept as text
}

// A 200 for a notification (with or without a body) breaks nothing: ok, with a warning.
// replayLast() sends the same message again, with the same session, to another port.
TEST(ChaosMcpClient, DeviationsAreWarningsAndTheLastMessageCanBeReplayed) {
  Script S;
  S.answers = {initAnswer("abc"),
               answer(200, R"({"jsonrpc":"2.0","id":-1,"error":{"code":-32002,"message":"Server not initialized"}})"),
               answer(200, R"({"jsonrpc":"2.0","id":2,"error":{"code":-32002,"message":"Server not initialized"}})"),
               answer(200, R"({"jsonrpc":"2.0","id":2,"result":{"tools":[]}})")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  Exchange N = C.initialized();
  EXPECT_EQ(N.status, Exchange::Status::Ok);
  EXPECT_EQ(N.warning, "a notification was answered with HTTP 200 (the specification asks for "
                       "202), with JSON-RPC error -32002: Server not initialized");
  Exchange L = C.request("tools/list", {});
  EXPECT_EQ(L.status, Exchange::Status::Error);
  Exchange Again = C.replayLast(9000);
  EXPECT_EQ(Again.status, Exchange::Status::Ok) << Again.message;
  ASSERT_EQ(S.seen.size(), 4u);
  EXPECT_EQ(S.seen[3].port, 9000u);
  EXPECT_EQ(S.seen[3].body, S.seen[2].body);
  EXPECT_EQ(header(S.seen[3], "Mcp-Session-Id"), "abc");
}

TEST(ChaosMcpClient, AnInitializeResultWithoutAVersionIsAWarning) {
  Script S;
  S.answers = {answer(200, R"({"jsonrpc":"2.0","id":1,"result":{"capabilities":{}}})")};
  McpClient C(S.transport(), 8000, "/mcp");
  Exchange I = C.initialize();
  EXPECT_EQ(I.status, Exchange::Status::Ok);
  EXPECT_EQ(I.warning, "the initialize result does not echo a protocolVersion (the client goes "
                       "on with 2025-06-18)");
}

TEST(ChaosMcpClient, TheStreamResumesAfterTheLastEventSeen) {
  Script S;
  S.answers = {initAnswer("abc"),
               answer(200, "id: 3\ndata: {}\n\nid: 4\ndata: {}\n\n", "text/event-stream", "i1"),
               answer(200, ": keep-alive\n\n", "text/event-stream", "i2"),
               answer(404, "")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  Exchange First = C.readStream(std::chrono::milliseconds(100), std::chrono::milliseconds(50));
  ASSERT_EQ(First.status, Exchange::Status::Ok) << First.message;
  EXPECT_EQ(First.events.size(), 2u);
  EXPECT_EQ(header(S.seen[1], "Last-Event-ID"), "");
  EXPECT_EQ(header(S.seen[1], "Accept"), "text/event-stream");
  EXPECT_EQ(S.seen[1].method, "GET");
  EXPECT_EQ(C.lastEventId(), "4");

  Exchange Second = C.readStream(std::chrono::milliseconds(100), std::chrono::milliseconds(50));
  EXPECT_EQ(Second.status, Exchange::Status::Ok);
  EXPECT_EQ(Second.message, "stream resumed after event 4: 0 event(s)");
  EXPECT_EQ(header(S.seen[2], "Last-Event-ID"), "4");

  Exchange Third = C.readStream(std::chrono::milliseconds(100), std::chrono::milliseconds(50));
  EXPECT_EQ(Third.status, Exchange::Status::SessionGone);
  EXPECT_EQ(Third.message, "HTTP 404 to Last-Event-ID 4");
}

TEST(ChaosMcpClient, NoGetStreamIsNotAnError) {
  Script S;
  S.answers = {initAnswer("abc"), answer(405, "")};
  McpClient C(S.transport(), 8000, "/mcp");
  C.initialize();
  EXPECT_EQ(C.readStream(std::chrono::milliseconds(100), std::chrono::milliseconds(50)).status,
            Exchange::Status::NotOffered);
}

TEST(ChaosMcpClient, ToolResultValue) {
  EXPECT_EQ(toolResultValue(json::Object{{"content", json::Array{}},
                                         {"structuredContent", json::Object{{"id", 1}}}}),
            json::Value(json::Object{{"id", 1}}));
  EXPECT_EQ(toolResultValue(json::Object{
                {"content", json::Array{json::Object{{"type", "text"}, {"text", "[1, 2]"}}}}}),
            json::Value(json::Array{1, 2}));
  EXPECT_EQ(toolResultValue(json::Object{
                {"content", json::Array{json::Object{{"type", "text"}, {"text", "no note"}}}}}),
            json::Value("no note"));
}

} // namespace
