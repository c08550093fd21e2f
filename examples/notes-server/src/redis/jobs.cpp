// Redis-backed build of the background jobs (NOTES_STORE=redis). A job runs on a thread of
// the instance that started it; its status lives in Redis, so summary_result finds it on
// whichever instance serves the call:
//   notes:jobs:next_id   INCR: job ids, unique across instances
//   notes:job:<id>       hash: state (running, done, failed), output, error; expires
//                        kJobSeconds after its last change
// A job whose instance stops before it finishes stays "running" until its key expires.
#include "jobs.h"

#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "config.h"
#include "redis/redis.h"

namespace {

constexpr long kJobSeconds = 3600;

std::string job_key(const std::string& id) { return "notes:job:" + id; }

const char* state_name(JobRunner::State state) {
  switch (state) {
    case JobRunner::State::running:
      return "running";
    case JobRunner::State::done:
      return "done";
    case JobRunner::State::failed:
      return "failed";
  }
  return "failed";
}

void store(const std::string& id, const JobRunner::Status& status) {
  redis::transaction({{"HSET", job_key(id), "state", state_name(status.state), "output", status.output,
                       "error", status.error},
                      {"EXPIRE", job_key(id), std::to_string(kJobSeconds)}});
}

// From a worker thread or a client's reply, where nobody answers for a failure: the job
// stays "running", and the log says why.
void store_result(const std::string& id, const JobRunner::Status& status) {
  try {
    store(id, status);
  } catch (const std::exception& e) {
    log_line(LogLevel::error, "job " + id + ": cannot store its result: " + e.what());
  }
}

}  // namespace

struct JobRunner::Impl {
  std::mutex mu;
  std::vector<std::thread> threads;  // this instance's workers, joined on shutdown
};

JobRunner::JobRunner() : impl_(std::make_unique<Impl>()) {}

JobRunner::~JobRunner() {
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

std::string JobRunner::start() {
  const std::string id = "job-" + std::to_string(redis::command({"INCR", "notes:jobs:next_id"}).integer);
  store(id, Status{});
  return id;
}

std::string JobRunner::run(std::function<std::string()> work) {
  std::string id = start();
  std::thread worker([id, work = std::move(work)] {
    try {
      store_result(id, Status{State::done, work(), ""});
    } catch (const std::exception& e) {
      store_result(id, Status{State::failed, "", e.what()});
    }
  });
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->threads.push_back(std::move(worker));
  return id;
}

void JobRunner::finish(const std::string& id, std::string output) {
  store_result(id, Status{State::done, std::move(output), ""});
}

void JobRunner::fail(const std::string& id, std::string error) {
  store_result(id, Status{State::failed, "", std::move(error)});
}

std::optional<JobRunner::Status> JobRunner::status(const std::string& id) const {
  const redis::Reply r = redis::command({"HMGET", job_key(id), "state", "output", "error"});
  if (r.elements.size() != 3 || r.elements[0].empty()) return std::nullopt;
  Status status;
  status.state = r.elements[0] == "done" ? State::done : r.elements[0] == "failed" ? State::failed : State::running;
  status.output = r.elements[1];
  status.error = r.elements[2];
  return status;
}
