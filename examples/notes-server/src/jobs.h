// Background jobs for tools that take longer than a request should block.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

class JobRunner {
 public:
  enum class State { running, done, failed };
  struct Status {
    State state = State::running;
    std::string output;
    std::string error;
  };

  JobRunner();
  ~JobRunner();  // waits for running jobs
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Runs `work` on its own thread and returns the job id.
  std::string run(std::function<std::string()> work);
  // For jobs finished by someone else (e.g. a reply from the client).
  std::string start();
  void finish(const std::string& id, std::string output);
  void fail(const std::string& id, std::string error);

  std::optional<Status> status(const std::string& id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
