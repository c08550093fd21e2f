// singleton's judge on hand-built facts: an accessor returning static storage of a project
// class takes the worst level of that class's fields, as the ladder judges them.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::HasSubstr;
using testing::Not;

namespace {

const char *Rule = "singleton";

/// `Registry::instance()` returning a function-local static Registry.
void addSingleton(FactsBuilder &B, const std::string &Class = "Registry") {
  B.objectOf(StateKind::StaticLocal, Class + "_instance", Class, fnId(Class + "::instance"));
  B.method(Class, "instance").returnsStatic = stateId(Class + "_instance");
}

TEST(SingletonJudge, FieldsWrittenWhileServingMakeItAnError) {
  FactsBuilder B;
  B.record("Registry");
  B.field("Registry", "items_", TypeShape::Sequence);
  B.field("Registry", "capacity_", TypeShape::Boolean);
  addSingleton(B);
  B.toolHandler("handler", "add");
  B.startupFunction("Registry::load");
  B.method("Registry", "add");
  B.call("handler", "Registry::add");
  B.write("Registry::add", "Registry::items_", AccessKind::MutatingCall, "push_back");
  B.write("Registry::load", "Registry::capacity_");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "Registry::instance");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("'Registry::instance' returns the process-wide Registry, whose "
                                    "fields are written while serving requests (items_)"));
  EXPECT_THAT(F->message, Not(HasSubstr("capacity_"))); // only the fields at the worst level
  // A Meyers singleton stands on its static local and names its accessor.
  const StateDecl *Instance = B.program().state(stateId("Registry_instance"));
  ASSERT_TRUE(Instance);
  EXPECT_EQ(F->loc, Instance->loc);
  ASSERT_EQ(F->evidence.size(), 1u);
  EXPECT_EQ(F->evidence[0].message, "the accessor: Registry::instance");
  // The fields are still reported as fields; the instance is not reported as itself.
  const Finding *Field = findingOf(R, "member-state", "Registry::items_");
  ASSERT_TRUE(Field);
  EXPECT_EQ(Field->level, Level::Error);
  EXPECT_TRUE(findingsOf(R, "static-local").empty());
}

TEST(SingletonJudge, AnAccessorToAStaticMemberIsReportedOnTheAccessor) {
  FactsBuilder B;
  B.record("Registry");
  B.field("Registry", "items_", TypeShape::Sequence);
  B.objectOf(StateKind::StaticMember, "Registry::instance_", "Registry", recordId("Registry"));
  FunctionFact &Get = B.method("Registry", "get");
  Get.returnsStatic = stateId("Registry::instance_");
  SourceLoc At = Get.loc;
  B.toolHandler("handler", "add");
  B.method("Registry", "add");
  B.call("handler", "Registry::add");
  B.write("Registry::add", "Registry::items_", AccessKind::MutatingCall, "push_back");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "Registry::get");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_EQ(F->loc, At);
  ASSERT_EQ(F->evidence.size(), 1u);
  EXPECT_EQ(F->evidence[0].message, "the instance: Registry::instance_");
}

TEST(SingletonJudge, FieldsChangingOutsideRequestsMakeItAWarning) {
  FactsBuilder B;
  B.record("Metrics");
  B.field("Metrics", "flushed_");
  B.field("Metrics", "capacity_");
  addSingleton(B, "Metrics");
  B.backgroundWorker("Metrics::flush");
  B.startupFunction("Metrics::configure");
  B.write("Metrics::flush", "Metrics::flushed_");
  B.write("Metrics::configure", "Metrics::capacity_");
  Finding F = reported(B, Rule, "Metrics::instance");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, Not(HasSubstr("capacity_")));
  EXPECT_THAT(F.message, HasSubstr("whose fields change outside requests and start-up (flushed_)"));
}

TEST(SingletonJudge, FieldsSetAtStartupOrInstanceLocalMakeItANote) {
  FactsBuilder B;
  B.record("Config");
  B.field("Config", "port_");
  B.field("Config", "served_");
  addSingleton(B, "Config");
  B.startupFunction("Config::load");
  B.toolHandler("handler", "t");
  B.write("Config::load", "Config::port_");
  B.write("handler", "Config::served_", AccessKind::IncDec); // a per-instance metric
  Finding F = reported(B, Rule, "Config::instance");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("whose fields are set only at start-up or are instance-local "
                                    "by nature (port_, served_)"));
}

TEST(SingletonJudge, FieldsOfItsBasesCount) {
  FactsBuilder B;
  B.record("Base");
  B.record("Store", {"Base"});
  B.field("Base", "rows_", TypeShape::Sequence);
  addSingleton(B, "Store");
  B.toolHandler("handler", "t");
  B.write("handler", "Base::rows_", AccessKind::MutatingCall, "push_back");
  Finding F = reported(B, Rule, "Store::instance");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.message, HasSubstr("(rows_)"));
}

TEST(SingletonJudge, AClassWithoutWrittenFieldsIsNotReported) {
  FactsBuilder B;
  B.record("Clock");
  B.field("Clock", "epoch_");
  addSingleton(B, "Clock");
  B.method("Clock", "Clock");
  B.write("Clock::Clock", "Clock::epoch_"); // only its constructor writes it
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_TRUE(R.findings.empty());
}

TEST(SingletonJudge, EveryAccessorIsReported) {
  FactsBuilder B;
  B.record("Registry");
  B.field("Registry", "items_", TypeShape::Sequence);
  addSingleton(B);
  B.function("registry").returnsStatic = stateId("Registry_instance");
  B.toolHandler("handler", "t");
  B.write("handler", "Registry::items_", AccessKind::MutatingCall, "push_back");
  LinkResult R = B.link();
  ASSERT_EQ(findingsOf(R, Rule).size(), 2u);
  for (const Finding *F : findingsOf(R, Rule))
    EXPECT_EQ(F->level, Level::Error) << F->symbol;
  EXPECT_TRUE(findingOf(R, Rule, "registry"));
  EXPECT_TRUE(findingOf(R, Rule, "Registry::instance"));
}

} // namespace
