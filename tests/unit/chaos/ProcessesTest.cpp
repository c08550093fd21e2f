// Every process the chaos runner starts is stopped: after a normal end, after a failure,
// after SIGKILL to one instance, and when the runner itself gets SIGINT.
#include "chaos/Processes.h"

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

namespace {

/// A process that exists and is not a zombie (an orphan's zombie may wait for a reaper).
bool alive(pid_t Pid) {
  std::ifstream Stat("/proc/" + std::to_string(Pid) + "/stat");
  std::string Line;
  if (!std::getline(Stat, Line))
    return false;
  size_t Paren = Line.rfind(')');
  return Paren != std::string::npos && Paren + 2 < Line.size() && Line[Paren + 2] != 'Z';
}

class TempDir {
public:
  TempDir() { EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("chaos-test", Path)); }
  ~TempDir() { llvm::sys::fs::remove_directories(Path); }
  std::string file(llvm::StringRef Name) const { return (Path + "/" + Name).str(); }
  llvm::SmallString<128> Path;
};

/// The pids a shell wrote to `File`, one a line, once there are `Count` of them.
std::vector<pid_t> waitForPids(const std::string &File, size_t Count,
                               std::chrono::milliseconds Timeout = 10s) {
  auto Deadline = std::chrono::steady_clock::now() + Timeout;
  std::vector<pid_t> Pids;
  while (std::chrono::steady_clock::now() < Deadline) {
    Pids.clear();
    std::ifstream In(File);
    for (std::string L; std::getline(In, L);)
      if (int P = std::atoi(L.c_str()); P > 0)
        Pids.push_back(P);
    if (Pids.size() >= Count)
      return Pids;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << File << " did not get " << Count << " pids";
  return Pids;
}

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

struct Ran {
  pid_t pid = 0;
  std::string stderrPath;
};

Ran startRunner(const std::vector<std::string> &Args, const std::string &Stderr) {
  std::vector<std::string> Argv = {SA_BINARY, "chaos"};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  pid_t Pid = ::fork();
  if (Pid == 0) {
    int Fd = ::open(Stderr.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(Fd, 2);
    ::dup2(Fd, 1);
    std::vector<char *> C;
    for (const std::string &A : Argv)
      C.push_back(const_cast<char *>(A.c_str()));
    C.push_back(nullptr);
    ::execv(C[0], C.data());
    ::_exit(127);
  }
  return {Pid, Stderr};
}

int waitExit(pid_t Pid) {
  int Status = 0;
  ::waitpid(Pid, &Status, 0);
  return WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
}

std::string contents(const std::string &Path) {
  auto B = llvm::MemoryBuffer::getFile(Path);
  return B ? (*B)->getBuffer().str() : "";
}

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
