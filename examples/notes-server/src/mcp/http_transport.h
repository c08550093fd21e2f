// Streamable HTTP transport for mcp::Server on top of cpp-httplib.
//
//   POST   /mcp  one JSON-RPC message in, its response out (application/json)
//   GET    /mcp  SSE stream for server -> client messages, resumable with Last-Event-ID
//   DELETE /mcp  ends the session
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "mcp/server.h"

namespace mcp {

struct SseEvent {
  std::uint64_t id;
  std::string data;
};

struct Session {
  std::string id;
  json client_info;
  std::string protocol_version;
  std::chrono::steady_clock::time_point last_seen;
  std::deque<SseEvent> replay;  // recent events, replayed after Last-Event-ID
  std::deque<json> outbox;      // messages sent before the client opened its GET stream
  std::uint64_t next_event_id = 1;
  bool stream_open = false;

  static std::uint64_t next_serial;
};

class HttpTransport {
 public:
  HttpTransport(Server& server, httplib::Server& http);

  void mount(const std::string& path);

  // Server -> client messages for one session. Queued if no stream is open yet.
  void notify(const std::string& session_id, const json& notification);
  void request(const std::string& session_id, const std::string& method, const json& params,
               std::function<void(const json& reply)> on_reply);

  std::size_t session_count();
  std::size_t expire_idle(std::chrono::seconds max_idle);

 private:
  struct PendingRequest {
    std::string session_id;
    std::function<void(const json& reply)> on_reply;
    std::chrono::steady_clock::time_point sent_at;
  };

  static constexpr std::size_t kMaxSessions = 1000;
  static constexpr std::size_t kReplayLimit = 200;

  void handle_post(const httplib::Request& req, httplib::Response& res);
  void handle_get(const httplib::Request& req, httplib::Response& res);
  void handle_delete(const httplib::Request& req, httplib::Response& res);

  std::string create_session(const json& init_params);
  void complete_request(const json& reply);
  void push_event(Session& session, const json& message);  // requires mu_
  void drop_session(const std::string& session_id);        // requires mu_

  Server& server_;
  httplib::Server& http_;

  std::mutex mu_;
  std::condition_variable events_cv_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, PendingRequest> pending_;  // by JSON-RPC id we sent
  std::uint64_t next_request_id_ = 1;
};

}  // namespace mcp
