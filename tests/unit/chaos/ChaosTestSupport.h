// What the chaos runner's tests share: temporary directories, pids written by shells, and the
// real state-audit binary run as users run it.
#pragma once

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace chaos_test {

using namespace std::chrono_literals;

/// A process that exists and is not a zombie (an orphan's zombie may wait for a reaper).
inline bool alive(pid_t Pid) {
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
inline std::vector<pid_t> waitForPids(const std::string &File, size_t Count,
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

struct Ran {
  pid_t pid = 0;
  std::string stderrPath;
};

inline Ran startRunner(const std::vector<std::string> &Args, const std::string &Stderr) {
  // CHAOS_TEST_BINARY runs the same tests on another build (e.g. an older one, to see them fail).
  const char *Binary = std::getenv("CHAOS_TEST_BINARY");
  std::vector<std::string> Argv = {Binary ? Binary : SA_BINARY, "chaos"};
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

inline int waitExit(pid_t Pid) {
  int Status = 0;
  ::waitpid(Pid, &Status, 0);
  return WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
}

inline std::string contents(const std::string &Path) {
  auto B = llvm::MemoryBuffer::getFile(Path);
  return B ? (*B)->getBuffer().str() : "";
}

} // namespace chaos_test
