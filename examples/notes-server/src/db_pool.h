// Fixed-size pool of keep-alive HTTP connections to the backup database
// (CouchDB-compatible REST API).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <httplib.h>

class DbPool {
 public:
  // Returns the connection to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(DbPool& pool, std::unique_ptr<httplib::Client> client)
        : pool_(&pool), client_(std::move(client)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (client_) pool_->release(std::move(client_));
    }
    httplib::Client* operator->() const { return client_.get(); }

   private:
    DbPool* pool_;
    std::unique_ptr<httplib::Client> client_;
  };

  DbPool(std::string base_url, std::size_t max_connections);

  // Blocks until a connection is free; connections are opened lazily.
  Lease acquire();
  std::size_t in_use() const;

 private:
  void release(std::unique_ptr<httplib::Client> client);

  const std::string base_url_;
  const std::size_t max_connections_;

  mutable std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
  std::size_t opened_ = 0;
  std::size_t in_use_ = 0;
};
