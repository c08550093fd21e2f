// Which objects outlive a request (tool/program/Lifetime), on hand-built facts.
#include "program/Model.h"
#include "unit/FactsBuilder.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;

namespace {

bool longLived(const FactsBuilder &B, const std::string &Record,
               const EntryPointOptions &O = EntryPointOptions::defaults()) {
  Program P = B.program();
  return Model(P, O).isLongLived(recordId(Record));
}

TEST(Lifetime, ObjectsInStaticStorageAndWhatTheyOwn) {
  FactsBuilder B;
  B.record("Registry").heldRecords = {recordId("Index")};
  B.record("Index");
  B.record("Request");
  B.objectOf(StateKind::Global, "g_registry", "Registry");
  EXPECT_TRUE(longLived(B, "Registry"));
  EXPECT_TRUE(longLived(B, "Index")); // owned by a long-lived object
  EXPECT_FALSE(longLived(B, "Request"));
}

TEST(Lifetime, BasesAndDerivedClassesOfALongLivedObject) {
  FactsBuilder B;
  B.record("Base");
  B.record("Server", {"Base"});
  B.record("TlsServer", {"Server"});
  B.record("Unrelated", {"Base"}); // derived from a base of a long-lived class
  B.objectOf(StateKind::StaticLocal, "instance", "Server", "f:get");
  EXPECT_TRUE(longLived(B, "Server"));
  EXPECT_TRUE(longLived(B, "Base"));
  EXPECT_TRUE(longLived(B, "TlsServer")); // the object behind a Server pointer
  // Base is only the Server's part: another class deriving from it is not reached.
  EXPECT_FALSE(longLived(B, "Unrelated"));
}

TEST(Lifetime, BehindAHeldBaseOnlyClassesWithObjects) {
  FactsBuilder B;
  B.record("Handler");
  B.record("ServerHandler", {"Handler"});
  B.record("ClientHandler", {"Handler"});
  B.objectOf(StateKind::Global, "g_handler", "Handler");
  // Without objects seen, any derived class may be behind the pointer.
  EXPECT_TRUE(longLived(B, "ServerHandler"));
  EXPECT_TRUE(longLived(B, "ClientHandler"));
  B.TU.instantiated.push_back(recordId("ServerHandler"));
  EXPECT_TRUE(longLived(B, "ServerHandler"));
  EXPECT_FALSE(longLived(B, "ClientHandler"));
}

TEST(Lifetime, ObjectsKeptPerKeyAreNotLongLived) {
  FactsBuilder B;
  B.record("Server").heldRecords = {recordId("Dispatcher")};
  B.record("Dispatcher");
  B.objectOf(StateKind::Global, "g_server", "Server");
  B.global("g_sessions", TypeShape::KeyedContainer).elementRecord = recordId("Dispatcher");
  EXPECT_TRUE(longLived(B, "Server"));
  EXPECT_FALSE(longLived(B, "Dispatcher")); // the session table's contents
}

TEST(Lifetime, HandlerClassesAndTheObjectsThatRegisterThem) {
  FactsBuilder B;
  B.record("Server");
  B.record("EchoTool");
  B.record("Session");
  B.mainFunction();
  B.method("Server", "start");
  B.call("main", "Server::start");
  B.registers("Server::start", "handler", "add_tool", "echo");
  B.function("handler");
  B.method("EchoTool", "call").overrideNames = {"sdk::ToolHandler::call"};
  B.record("Filter");
  B.method("Filter", "onRequest").overrideNames = {"sdk::Filter::onRequest"};
  B.toolHandler("accept", "accept");
  // The tool is made at start-up; a filter is made for every accepted connection.
  B.TU.creations.push_back({recordId("EchoTool"), "f:main"});
  B.TU.creations.push_back({recordId("Filter"), "f:accept"});
  EXPECT_TRUE(longLived(B, "Server"));   // registers handlers at start-up
  EXPECT_TRUE(longLived(B, "EchoTool")); // a handler made at start-up
  EXPECT_FALSE(longLived(B, "Filter"));  // a handler made per connection: ownership decides
  EXPECT_FALSE(longLived(B, "Session"));
}

TEST(Lifetime, HandlersRegisteredWhileServingLiveAsLongAsThatWork) {
  FactsBuilder B;
  B.record("Connection");
  B.toolHandler("accept", "accept");
  B.method("Connection", "wire");
  B.call("accept", "Connection::wire");
  B.registers("Connection::wire", "on_data", "on_data");
  B.function("on_data");
  EXPECT_FALSE(longLived(B, "Connection"));
}

TEST(Lifetime, AnObjectMadeOnceIntoAnEmptyMemberIsItsHolders) {
  // A long-lived gateway whose store is made by the first request that needs it, and a
  // scratch object every request makes and the gateway points to as well.
  FactsBuilder B;
  B.record("Gateway").heldRecords = {recordId("Store"), recordId("Scratch")};
  B.record("Store");
  B.record("Scratch");
  B.objectOf(StateKind::Global, "g_gateway", "Gateway");
  B.toolHandler("keep", "keep");
  B.TU.creations.push_back({recordId("Store"), fnId("keep"), /*once=*/true});
  B.TU.creations.push_back({recordId("Scratch"), fnId("keep")});
  EXPECT_TRUE(longLived(B, "Store"));
  EXPECT_FALSE(longLived(B, "Scratch")); // made while serving: the request's
}

TEST(Lifetime, CapturedLocalsAndCapturedThis) {
  FactsBuilder B;
  B.record("App");
  B.record("Counter");
  B.record("Scratch");
  B.mainFunction();
  FunctionFact &L = B.function("lambda in main");
  L.isLambda = true;
  L.captureRecords = {recordId("Counter")};
  B.registers("main", "lambda in main", "add_tool", "t").thisRecord = recordId("App");
  B.objectOf(StateKind::CapturedLocal, "scratch", "Scratch", "f:main").closureCopy = true;
  EXPECT_TRUE(longLived(B, "App"));
  EXPECT_TRUE(longLived(B, "Counter"));
  EXPECT_FALSE(longLived(B, "Scratch")); // a closure copy lives with the closure, not the server
}

TEST(Lifetime, ConfiguredLongLivedClasses) {
  FactsBuilder B;
  B.record("app::Engine");
  EXPECT_FALSE(longLived(B, "app::Engine"));
  EntryPointOptions O = EntryPointOptions::defaults();
  O.longLivedClasses = {"app::*"};
  EXPECT_TRUE(longLived(B, "app::Engine", O));
}

} // namespace
