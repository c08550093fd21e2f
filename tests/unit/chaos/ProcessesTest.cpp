// Every process the chaos runner starts is stopped: after a normal end, after a failure,
// after SIGKILL to one instance, and when the runner itself gets SIGINT.
#include "chaos/Processes.h"
#include "ChaosTestSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace sa::chaos;
using namespace std::chrono_literals;
using namespace chaos_test;

namespace {

/// Until the child has exited (at most 5 s).
void waitExited(Supervisor &S, pid_t Pid) {
  auto Deadline = std::chrono::steady_clock::now() + 5s;
  while (S.running(Pid) && std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(10ms);
}

TEST(ChaosProcesses, StopAllEndsEveryGroupWithWhatItStarted) {
  TempDir D;
  std::vector<pid_t> All;
  {
    Supervisor S;
    // A server that starts a helper of its own: the helper is in its group.
    ASSERT_TRUE(bool(S.startShell("a", "sleep 60 & echo $! > " + D.file("a.pid") + "; wait",
                                  D.file("a.log"))));
    llvm::Expected<pid_t> B = S.startShell("b", "exec sleep 60", D.file("b.log"));
    ASSERT_TRUE(bool(B));
    std::vector<pid_t> Helper = waitForPids(D.file("a.pid"), 1);
    All = S.pids();
    All.insert(All.end(), Helper.begin(), Helper.end());
    for (pid_t P : All)
      EXPECT_TRUE(alive(P)) << P;
    EXPECT_TRUE(S.running(*B));
    S.stopAll(std::chrono::milliseconds(2000));
    for (pid_t P : All)
      EXPECT_FALSE(alive(P)) << P;
    EXPECT_FALSE(S.running(*B));
    EXPECT_EQ(S.howEnded(*B), "was killed by signal 15");
  }
}

TEST(ChaosProcesses, TheDestructorStopsWhatIsLeftAndSigtermIgnorersGetSigkill) {
  TempDir D;
  std::vector<pid_t> All;
  {
    Supervisor S;
    ASSERT_TRUE(bool(S.startShell("stubborn",
                                  "trap '' TERM; echo $$ > " + D.file("s.pid") +
                                      "; while :; do sleep 1; done",
                                  D.file("s.log"))));
    waitForPids(D.file("s.pid"), 1);
    All = S.pids();
  } // ~Supervisor: SIGTERM, then SIGKILL after the grace period
  for (pid_t P : All)
    EXPECT_FALSE(alive(P)) << P;
}

TEST(ChaosProcesses, AFailedChildIsReportedAndTheOthersStillStopped) {
  TempDir D;
  Supervisor S;
  llvm::Expected<pid_t> Bad = S.startShell("bad", "echo starting; exit 3", D.file("bad.log"));
  llvm::Expected<pid_t> Good = S.startShell("good", "exec sleep 60", D.file("good.log"));
  ASSERT_TRUE(Bad && Good);
  waitExited(S, *Bad);
  EXPECT_FALSE(S.running(*Bad));
  EXPECT_EQ(S.howEnded(*Bad), "exited with status 3");
  auto Log = llvm::MemoryBuffer::getFile(D.file("bad.log"));
  ASSERT_TRUE(bool(Log));
  EXPECT_EQ((*Log)->getBuffer(), "starting\n");
  EXPECT_TRUE(S.running(*Good));
  S.stopAll();
  EXPECT_FALSE(alive(*Good));
}

TEST(ChaosProcesses, SigkillToOneGroupLeavesTheOthers) {
  TempDir D;
  Supervisor S;
  llvm::Expected<pid_t> A = S.startShell("a", "exec sleep 60", D.file("a.log"));
  llvm::Expected<pid_t> B = S.startShell("b", "exec sleep 60", D.file("b.log"));
  ASSERT_TRUE(A && B);
  S.signal(*A, SIGKILL);
  waitExited(S, *A);
  EXPECT_EQ(S.howEnded(*A), "was killed by signal 9");
  EXPECT_TRUE(S.running(*B));
  S.stopAll();
  EXPECT_FALSE(alive(*B));
}

// A simple command replaces the shell (exec), so that the server itself is the process the
// runner signals, and PR_SET_PDEATHSIG reaches it; anything else runs as written.
TEST(ChaosProcesses, ASimpleCommandReplacesTheShell) {
  EXPECT_EQ(shellCommand("./server --port 4000"), "exec ./server --port 4000");
  EXPECT_EQ(shellCommand("  python3 srv.py 4000 > out.log "), "exec python3 srv.py 4000 > out.log");
  for (const char *AsWritten : {"cd build && ./server", "./a; ./b", "./a | tee log", "./a &",
                                "PORT=1 ./server", "export X=1", "(./server)",
                                "./server --name 'a b'", "exec ./server", "if true; then :; fi"})
    EXPECT_EQ(shellCommand(AsWritten), AsWritten);

  TempDir D;
  Supervisor S;
  llvm::Expected<pid_t> P = S.startShell("a", "sleep 60", D.file("a.log"));
  ASSERT_TRUE(bool(P));
  std::string Command;
  for (int Try = 0; Try < 200 && Command.rfind("sleep", 0) != 0; ++Try) {
    std::this_thread::sleep_for(10ms);
    std::ifstream In("/proc/" + std::to_string(*P) + "/cmdline");
    std::getline(In, Command, '\0');
  }
  EXPECT_EQ(Command.rfind("sleep", 0), 0u) << Command; // not "/bin/sh"
}

// A server that leaves its process group (setsid, as daemons do) is re-parented to the runner
// (a child subreaper) when its parent dies, and stopped at the end with everything else.
TEST(ChaosProcesses, WhatLeftItsGroupIsStoppedToo) {
  TempDir D;
  std::vector<pid_t> Daemon;
  {
    Supervisor S;
    ASSERT_TRUE(bool(S.startShell("d", "setsid sleep 300 & echo $! > " + D.file("d.pid") +
                                           "; exec sleep 300",
                                  D.file("d.log"))));
    Daemon = waitForPids(D.file("d.pid"), 1);
    ASSERT_EQ(Daemon.size(), 1u);
    S.adoptStrays();
    S.stopAll();
    EXPECT_FALSE(alive(Daemon[0])) << Daemon[0];
  }
  // Once more without adoptStrays(): the sweep at the end still finds it below the runner.
  {
    Supervisor S;
    ASSERT_TRUE(bool(S.startShell("d", "setsid sleep 300 & echo $! > " + D.file("e.pid") +
                                           "; exec sleep 300",
                                  D.file("e.log"))));
    std::vector<pid_t> Other = waitForPids(D.file("e.pid"), 1);
    ASSERT_EQ(Other.size(), 1u);
    S.stopAll();
    EXPECT_FALSE(alive(Other[0])) << Other[0];
  }
}

// SIGKILL to the runner (a CI timeout, the OOM killer) cannot be caught: the watchdog it
// forked kills every group the runner started, with what they started.
TEST(ChaosProcesses, SigkillToTheRunnerLeavesNothing) {
  TempDir D;
  pid_t Runner = ::fork();
  if (Runner == 0) {
    Supervisor S;
    (void)S.startShell("a", "exec sleep 300 # " + D.file("x"), D.file("a.log"));
    (void)S.startShell("b", "sleep 300 & echo $! >> " + D.file("pids") + "; wait",
                       D.file("b.log"));
    (void)S.startShell("c", "echo $$ >> " + D.file("pids") + "; exec sleep 300", D.file("c.log"));
    for (pid_t P : S.pids())
      std::ofstream(D.file("pids"), std::ios::app) << P << "\n";
    ::pause();
    ::_exit(0);
  }
  std::vector<pid_t> Pids = waitForPids(D.file("pids"), 5);
  ASSERT_EQ(Pids.size(), 5u);
  for (pid_t P : Pids)
    EXPECT_TRUE(alive(P)) << P;
  ::kill(Runner, SIGKILL);
  EXPECT_EQ(waitExit(Runner), 128 + SIGKILL);
  auto Deadline = std::chrono::steady_clock::now() + 5s;
  auto AnyAlive = [&] { return llvm::any_of(Pids, alive); };
  while (AnyAlive() && std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(20ms);
  for (pid_t P : Pids)
    EXPECT_FALSE(alive(P)) << P;
}

TEST(ChaosProcesses, ALinkPlantedWhereALogGoesIsNotFollowed) {
  TempDir D;
  std::ofstream(D.file("victim")) << "keep me\n";
  ASSERT_FALSE(llvm::sys::fs::create_link(D.file("victim"), D.file("i0.log")));
  Supervisor S;
  llvm::Expected<pid_t> P = S.startShell("i0", "echo written", D.file("i0.log"));
  ASSERT_FALSE(bool(P));
  EXPECT_EQ(llvm::toString(P.takeError()),
            "cannot start i0: cannot open " + D.file("i0.log") +
                ": it is a symbolic link (not followed)");
  EXPECT_EQ(contents(D.file("victim")), "keep me\n");
}

TEST(ChaosProcesses, AMissingProgramIsAnErrorNotACrash) {
  TempDir D;
  Supervisor S;
  llvm::Expected<pid_t> P = S.start("x", {"/nonexistent/haproxy"}, D.file("x.log"));
  ASSERT_TRUE(bool(P)); // exec fails in the child, which exits 127
  waitExited(S, *P);
  EXPECT_EQ(S.howEnded(*P), "exited with status 127");
  llvm::Expected<pid_t> NoLog = S.startShell("y", "true", "/nonexistent/dir/y.log");
  ASSERT_FALSE(bool(NoLog));
  EXPECT_EQ(llvm::toString(NoLog.takeError()).rfind("cannot start y: cannot open /nonexistent/dir/y.log", 0), 0u);
}

// --- the runner as users run it -----------------------------------------------------------

TEST(ChaosRunner, SigintStopsEveryInstanceAndWhatItStarted) {
  TempDir D;
  // Instances that never listen: the runner is still waiting for them when SIGINT comes.
  std::string Server = "echo $$ >> " + D.file("pids") + "; sleep 300 & echo $! >> " +
                       D.file("pids") + "; wait # {port}";
  Ran R = startRunner({"--server", Server, "--instances", "3", "--work-dir", D.file("work")},
                      D.file("stderr"));
  std::vector<pid_t> Pids = waitForPids(D.file("pids"), 6);
  ASSERT_EQ(Pids.size(), 6u);
  for (pid_t P : Pids)
    EXPECT_TRUE(alive(P)) << P;
  ::kill(R.pid, SIGINT);
  EXPECT_EQ(waitExit(R.pid), 130) << contents(R.stderrPath);
  for (pid_t P : Pids)
    EXPECT_FALSE(alive(P)) << P;
  EXPECT_NE(contents(R.stderrPath).find("interrupted by signal 2"), std::string::npos)
      << contents(R.stderrPath);
}

TEST(ChaosRunner, AnInstanceThatDiesAtStartUpFailsTheRunAndNothingIsLeft) {
  TempDir D;
  std::string Server = "if [ {instance} = i1 ]; then echo 'cannot bind'; exit 3; fi; echo $$ >> " +
                       D.file("pids") + "; exec sleep 300 # {port}";
  Ran R = startRunner({"--server", Server, "--instances", "3", "--work-dir", D.file("work")},
                      D.file("stderr"));
  int Code = waitExit(R.pid);
  std::string Err = contents(R.stderrPath);
  EXPECT_EQ(Code, 2) << Err;
  EXPECT_NE(Err.find("state-audit: error: instance i1 ("), std::string::npos) << Err;
  EXPECT_NE(Err.find(") exited with status 3 before it answered; its output:\n    cannot bind"),
            std::string::npos)
      << Err;
  // Whatever instances got as far as writing their pid (the run stops at the first failure).
  std::vector<pid_t> Pids = waitForPids(D.file("pids"), 0);
  for (pid_t P : Pids)
    EXPECT_FALSE(alive(P)) << P;
}

TEST(ChaosRunner, BadUsageExitsTwoAndStartsNothing) {
  TempDir D;
  Ran R = startRunner({"--server", "touch " + D.file("started")}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find("--server: the command must contain {port}"),
            std::string::npos);
  EXPECT_FALSE(llvm::sys::fs::exists(D.file("started")));

  std::string Steps = D.file("steps.yaml");
  std::ofstream(Steps) << "- call: remember\n- call: recall\n";
  R = startRunner({"--server", "x {port}", "--steps", Steps, "--kill-at", "5"}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find("--kill-at 5: there are only 2 steps"), std::string::npos)
      << contents(R.stderrPath);
  R = startRunner({"--server", "x {port}", "--steps", Steps, "--kill-at", "nope"}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find("--kill-at nope: neither a step number nor the name"),
            std::string::npos);
  std::ofstream(Steps) << "- call: remember\n  argumentz: {}\n";
  R = startRunner({"--server", "x {port}", "--steps", Steps}, D.file("stderr"));
  EXPECT_EQ(waitExit(R.pid), 2);
  EXPECT_NE(contents(R.stderrPath).find(Steps + ":1: step 1: unknown key 'argumentz'"),
            std::string::npos)
      << contents(R.stderrPath);
}

} // namespace
