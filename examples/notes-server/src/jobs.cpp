#include "jobs.h"

#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

struct JobRunner::Impl {
  mutable std::mutex mu;
  std::unordered_map<std::string, Status> results;
  std::vector<std::thread> threads;
  std::uint64_t next_id = 1;

  void set(const std::string& id, Status status) {
    std::lock_guard<std::mutex> lock(mu);
    results[id] = std::move(status);
  }
};

JobRunner::JobRunner() : impl_(std::make_unique<Impl>()) {}

JobRunner::~JobRunner() {
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

std::string JobRunner::start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string id = "job-" + std::to_string(impl_->next_id++);
  impl_->results[id] = Status{};
  return id;
}

std::string JobRunner::run(std::function<std::string()> work) {
  std::string id = start();
  Impl* impl = impl_.get();
  std::thread worker([impl, id, work = std::move(work)] {
    try {
      impl->set(id, Status{State::done, work(), ""});
    } catch (const std::exception& e) {
      impl->set(id, Status{State::failed, "", e.what()});
    }
  });
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->threads.push_back(std::move(worker));
  return id;
}

void JobRunner::finish(const std::string& id, std::string output) {
  impl_->set(id, Status{State::done, std::move(output), ""});
}

void JobRunner::fail(const std::string& id, std::string error) {
  impl_->set(id, Status{State::failed, "", std::move(error)});
}

std::optional<JobRunner::Status> JobRunner::status(const std::string& id) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->results.find(id);
  if (it == impl_->results.end()) return std::nullopt;
  return it->second;
}
