#include "db_pool.h"

#include <utility>

DbPool::DbPool(std::string base_url, std::size_t max_connections)
    : base_url_(std::move(base_url)), max_connections_(max_connections) {
  idle_.reserve(max_connections_);
}

DbPool::Lease DbPool::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  available_.wait(lock, [this] { return !idle_.empty() || opened_ < max_connections_; });

  std::unique_ptr<httplib::Client> client;
  if (!idle_.empty()) {
    client = std::move(idle_.back());
    idle_.pop_back();
  } else {
    client = std::make_unique<httplib::Client>(base_url_);
    client->set_keep_alive(true);
    client->set_connection_timeout(2);
    client->set_read_timeout(5);
    ++opened_;
  }
  ++in_use_;
  return Lease(*this, std::move(client));
}

void DbPool::release(std::unique_ptr<httplib::Client> client) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(client));
    --in_use_;
  }
  available_.notify_one();
}

std::size_t DbPool::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}
