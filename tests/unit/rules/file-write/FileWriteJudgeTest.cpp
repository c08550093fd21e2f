// file-write's judge on hand-built facts: writes to the local filesystem, by where they run.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::HasSubstr;
using testing::Not;

namespace {

const char *Rule = "file-write";

TEST(FileWriteJudge, WhileServingItIsAnErrorWithTheChain) {
  FactsBuilder B;
  B.toolHandler("handler", "save");
  B.function("persist");
  B.call("handler", "persist");
  FileOp &Op = B.fileOp("persist", "fopen", FileOpKind::OpenWrite, "notes.txt");
  Op.append = true;
  Op.mode = "a";
  Finding F = reported(B, Rule, "fopen in persist");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_EQ(F.message, "'fopen' opens 'notes.txt' for appending (a) while serving requests "
                        "(handler 'save' (add_tool) → persist); the file exists on this instance only");
  ASSERT_EQ(F.evidence.size(), 1u);
  EXPECT_EQ(F.evidence[0].message, "request entry point: handler 'save' (add_tool)");
  EXPECT_THAT(F.hint, HasSubstr("object storage"));
}

TEST(FileWriteJudge, AtStartupItIsANote) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.startupFunction("write_pid");
  B.fileOp("write_pid", "std::ofstream", FileOpKind::OpenWrite, "server.pid");
  Finding F = reported(B, Rule, "std::ofstream in write_pid");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("'std::ofstream' opens 'server.pid' for writing at start-up "
                                    "(main → write_pid): a file local to this instance, written "
                                    "before serving"));
  EXPECT_TRUE(F.evidence.empty());
}

TEST(FileWriteJudge, ANamespaceScopeInitialiserRunsAtStartup) {
  FactsBuilder B;
  B.fileOp("", "fopen", FileOpKind::OpenWrite, "boot.log");
  Finding F = reported(B, Rule, "fopen in namespace scope");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("at start-up (a namespace-scope initialiser)"));
}

TEST(FileWriteJudge, InBackgroundWorkItIsAWarning) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.backgroundWorker("rotate_logs");
  B.fileOp("rotate_logs", "std::filesystem::rename", FileOpKind::Modify, "app.log").logLike = true;
  Finding F = reported(B, Rule, "std::filesystem::rename in rotate_logs");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, HasSubstr("'std::filesystem::rename' changes the local filesystem "
                                    "(app.log) in background work started at start-up (rotate_logs)"));
  EXPECT_THAT(F.hint, HasSubstr("log to stdout/stderr"));
}

TEST(FileWriteJudge, InCodePlacedNowhereItIsAWarning) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.function("export_all");
  B.fileOp("export_all", "std::ofstream");
  Finding F = reported(B, Rule, "std::ofstream in export_all");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, HasSubstr("'std::ofstream' opens a file for writing in export_all, which "
                                    "is reached neither from a recognised request handler nor "
                                    "from main()"));
}

TEST(FileWriteJudge, AnUnknownModeSaysIfItWrites) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.fileOp("handler", "open", FileOpKind::OpenUnknown, "path");
  B.startupFunction("init");
  B.fileOp("init", "open", FileOpKind::OpenUnknown, "path");
  LinkResult R = B.link();
  const Finding *Request = findingOf(R, Rule, "open in handler");
  const Finding *Startup = findingOf(R, Rule, "open in init");
  ASSERT_TRUE(Request);
  ASSERT_TRUE(Startup);
  EXPECT_EQ(Request->level, Level::Error);
  EXPECT_THAT(Request->message, HasSubstr("with a mode that could not be determined while serving"));
  EXPECT_THAT(Request->message, HasSubstr("; if it writes, the file exists on this instance only"));
  EXPECT_EQ(Startup->level, Level::Note);
  EXPECT_THAT(Startup->message, HasSubstr("if it writes, the file is local to this instance"));
}

TEST(FileWriteJudge, OneFindingPerOperation) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.fileOp("handler", "fopen", FileOpKind::OpenWrite, "a.txt");
  B.fileOp("handler", "std::filesystem::remove", FileOpKind::Modify, "b.txt");
  LinkResult R = B.link();
  EXPECT_EQ(findingsOf(R, Rule).size(), 2u);
  for (const Finding *F : findingsOf(R, Rule)) {
    EXPECT_EQ(F->level, Level::Error);
    EXPECT_THAT(F->message, Not(HasSubstr("namespace")));
  }
}

} // namespace
