// Redis-backed build of the Streamable HTTP transport (NOTES_STORE=redis). Sessions and
// their SSE replay buffers live in Redis, so any instance can serve any request of a session
// and a GET stream resumes with Last-Event-ID on another instance:
//   notes:sessions                 set of session ids (the cluster-wide session cap)
//   notes:session:<id>             hash: client_info, protocol_version (+ the server's fields)
//   notes:session:<id>:events      list of {"id": n, "data": "..."}, the last kReplayLimit
//   notes:session:<id>:next_event  INCR: event ids
// Every key expires after kIdleSeconds without a request. The header's in-memory members
// for sessions are left unused in this build. What stays in the process is pending_: the
// callbacks of server -> client requests, which cannot be serialised.
#include "mcp/http_transport.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "redis/redis.h"

namespace mcp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSessionHeader[] = "Mcp-Session-Id";
constexpr char kSessions[] = "notes:sessions";
constexpr long kIdleSeconds = 1800;

std::string events_key(const std::string& id) { return redis::session_key(id) + ":events"; }
std::string next_event_key(const std::string& id) { return redis::session_key(id) + ":next_event"; }

// 128 random bits: unique without a counter shared between instances.
std::string random_id() {
  std::random_device random;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x-%08x%08x", random(), random(), random(), random());
  return buf;
}

// Refreshes the session's expiry; false when there is no such session.
bool touch_session(const std::string& id) {
  if (id.empty()) return false;
  const std::string ttl = std::to_string(kIdleSeconds);
  std::vector<redis::Reply> r = redis::transaction(
      {{"EXPIRE", redis::session_key(id), ttl}, {"EXPIRE", events_key(id), ttl}, {"EXPIRE", next_event_key(id), ttl}});
  return !r.empty() && r[0].integer == 1;
}

void send_error(httplib::Response& res, int status, const json& id, int code,
                const std::string& message) {
  res.status = status;
  json body = {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
  res.set_content(body.dump(), "application/json");
}

}  // namespace

HttpTransport::HttpTransport(Server& server, httplib::Server& http) : server_(server), http_(http) {}

void HttpTransport::mount(const std::string& path) {
  http_.Post(path, [this](const httplib::Request& req, httplib::Response& res) { handle_post(req, res); });
  http_.Get(path, [this](const httplib::Request& req, httplib::Response& res) { handle_get(req, res); });
  http_.Delete(path, [this](const httplib::Request& req, httplib::Response& res) { handle_delete(req, res); });
}

void HttpTransport::handle_post(const httplib::Request& req, httplib::Response& res) {
  json message;
  try {
    message = json::parse(req.body);
  } catch (const json::parse_error&) {
    send_error(res, 400, nullptr, -32700, "Parse error");
    return;
  }
  if (!message.is_object()) {
    send_error(res, 400, nullptr, kInvalidRequest, "Batches are not supported");
    return;
  }

  std::string session_id = req.get_header_value(kSessionHeader);
  try {
    if (message.value("method", "") == "initialize") {
      session_id = create_session(message.value("params", json::object()));
      if (session_id.empty()) {
        send_error(res, 503, message.value("id", json()), kInvalidRequest, "Too many sessions");
        return;
      }
    } else if (!touch_session(session_id)) {
      // Per spec the client must start over with a new initialize.
      send_error(res, 404, message.value("id", json()), kInvalidRequest, "Session not found");
      return;
    }
  } catch (const std::exception& e) {
    send_error(res, 503, message.value("id", json()), kInternalError, e.what());
    return;
  }

  // The client answering a request we sent it earlier (e.g. sampling/createMessage).
  if (!message.contains("method")) {
    complete_request(message);
    res.status = 202;
    return;
  }

  Context ctx;
  ctx.session_id = session_id;
  ctx.notify = [this, session_id](const json& n) { notify(session_id, n); };
  ctx.request = [this, session_id](const std::string& method, const json& params,
                                   std::function<void(const json&)> on_reply) {
    request(session_id, method, params, std::move(on_reply));
  };

  std::optional<json> reply = server_.handle(message, ctx);
  res.set_header(kSessionHeader, session_id);
  if (!reply) {
    res.status = 202;
    return;
  }
  res.set_content(reply->dump(), "application/json");
}

void HttpTransport::handle_get(const httplib::Request& req, httplib::Response& res) {
  const std::string session_id = req.get_header_value(kSessionHeader);
  std::uint64_t cursor = 0;
  if (req.has_header("Last-Event-ID")) {
    cursor = std::strtoull(req.get_header_value("Last-Event-ID").c_str(), nullptr, 10);
  }
  if (!touch_session(session_id)) {
    send_error(res, 404, nullptr, kInvalidRequest, "Session not found");
    return;
  }

  res.set_header(kSessionHeader, session_id);
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream", [session_id, cursor](std::size_t, httplib::DataSink& sink) mutable {
        // Events come from any instance: poll the session's list for up to 15 s.
        const auto deadline = Clock::now() + std::chrono::seconds(15);
        std::string chunk;
        while (chunk.empty() && Clock::now() < deadline) {
          if (redis::command({"EXISTS", redis::session_key(session_id)}).integer == 0) {  // deleted
            sink.done();
            return true;
          }
          for (const std::string& text : redis::command({"LRANGE", events_key(session_id), "0", "-1"}).elements) {
            const json event = json::parse(text);
            const std::uint64_t id = event.at("id").get<std::uint64_t>();
            if (id <= cursor) continue;
            chunk += "id: " + std::to_string(id) + "\nevent: message\ndata: " +
                     event.at("data").get<std::string>() + "\n\n";
            cursor = id;
          }
          if (chunk.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        if (chunk.empty()) chunk = ": keep-alive\n\n";
        return sink.write(chunk.data(), chunk.size());
      });
}

void HttpTransport::handle_delete(const httplib::Request& req, httplib::Response& res) {
  const std::string session_id = req.get_header_value(kSessionHeader);
  if (session_id.empty() || redis::command({"EXISTS", redis::session_key(session_id)}).integer == 0) {
    res.status = 404;
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  drop_session(session_id);
  res.status = 204;
}

std::string HttpTransport::create_session(const json& init_params) {
  // The cap is for the whole cluster: every instance counts the same set.
  if (static_cast<std::size_t>(redis::command({"SCARD", kSessions}).integer) >= kMaxSessions) return "";
  const std::string id = random_id();
  const std::string ttl = std::to_string(kIdleSeconds);
  redis::transaction({{"HSET", redis::session_key(id), "client_info", init_params.value("clientInfo", json::object()).dump(),
                       "protocol_version", init_params.value("protocolVersion", "")},
                      {"EXPIRE", redis::session_key(id), ttl},
                      {"SADD", kSessions, id}});
  return id;
}

void HttpTransport::notify(const std::string& session_id, const json& notification) {
  if (redis::command({"EXISTS", redis::session_key(session_id)}).integer == 0) return;
  // Kept in the replay list until it ages out: a stream opened later, on any instance,
  // gets it (there is no separate outbox).
  const auto id = redis::command({"INCR", next_event_key(session_id)}).integer;
  const json event = {{"id", id}, {"data", notification.dump()}};
  const std::string ttl = std::to_string(kIdleSeconds);
  redis::transaction({{"RPUSH", events_key(session_id), event.dump()},
                      {"LTRIM", events_key(session_id), "-" + std::to_string(kReplayLimit), "-1"},
                      {"EXPIRE", events_key(session_id), ttl},
                      {"EXPIRE", next_event_key(session_id), ttl}});
}

void HttpTransport::request(const std::string& session_id, const std::string& method,
                            const json& params, std::function<void(const json&)> on_reply) {
  const std::string id = "srv-" + random_id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_[id] = PendingRequest{session_id, std::move(on_reply), Clock::now()};
  }
  notify(session_id, {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

void HttpTransport::complete_request(const json& reply) {
  if (!reply.contains("id") || !reply.at("id").is_string()) return;
  std::function<void(const json&)> on_reply;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(reply.at("id").get<std::string>());
    if (it == pending_.end()) return;
    on_reply = std::move(it->second.on_reply);
    pending_.erase(it);
  }
  if (on_reply) on_reply(reply);
}

void HttpTransport::drop_session(const std::string& session_id) {
  redis::transaction({{"DEL", redis::session_key(session_id), events_key(session_id), next_event_key(session_id)},
                      {"SREM", kSessions, session_id}});
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second.session_id == session_id ? pending_.erase(it) : std::next(it);
  }
  server_.end_session(session_id);
}

std::size_t HttpTransport::session_count() {
  return static_cast<std::size_t>(redis::command({"SCARD", kSessions}).integer);
}

std::size_t HttpTransport::expire_idle(std::chrono::seconds max_idle) {
  // Redis expires idle sessions itself; forget the ids whose session is gone.
  std::size_t expired = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : redis::command({"SMEMBERS", kSessions}).elements) {
    if (redis::command({"EXISTS", redis::session_key(id)}).integer == 0) {
      drop_session(id);
      ++expired;
    }
  }
  const auto cutoff = Clock::now() - max_idle;
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second.sent_at < cutoff ? pending_.erase(it) : std::next(it);
  }
  return expired;
}

}  // namespace mcp
