#include "mcp/http_transport.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

namespace mcp {

std::uint64_t Session::next_serial = 1;

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSessionHeader[] = "Mcp-Session-Id";

std::string make_session_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx-%llu", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(Session::next_serial++));
  return buf;
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
  if (message.value("method", "") == "initialize") {
    session_id = create_session(message.value("params", json::object()));
    if (session_id.empty()) {
      send_error(res, 503, message.value("id", json()), kInvalidRequest, "Too many sessions");
      return;
    }
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) {
      // Per spec the client must start over with a new initialize.
      send_error(res, 404, message.value("id", json()), kInvalidRequest, "Session not found");
      return;
    }
    it->second.last_seen = Clock::now();
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
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) {
      send_error(res, 404, nullptr, kInvalidRequest, "Session not found");
      return;
    }
    Session& session = it->second;
    session.stream_open = true;
    session.last_seen = Clock::now();
    while (!session.outbox.empty()) {
      push_event(session, session.outbox.front());
      session.outbox.pop_front();
    }
  }

  res.set_header(kSessionHeader, session_id);
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, session_id, cursor](std::size_t, httplib::DataSink& sink) mutable {
        std::unique_lock<std::mutex> lock(mu_);
        events_cv_.wait_for(lock, std::chrono::seconds(15), [&] {
          auto it = sessions_.find(session_id);
          return it == sessions_.end() ||
                 (!it->second.replay.empty() && it->second.replay.back().id > cursor);
        });
        auto it = sessions_.find(session_id);
        if (it == sessions_.end()) {  // session was deleted
          sink.done();
          return true;
        }
        std::string chunk;
        for (const SseEvent& event : it->second.replay) {
          if (event.id <= cursor) continue;
          chunk += "id: " + std::to_string(event.id) + "\nevent: message\ndata: " + event.data + "\n\n";
          cursor = event.id;
        }
        lock.unlock();
        if (chunk.empty()) chunk = ": keep-alive\n\n";
        return sink.write(chunk.data(), chunk.size());
      },
      [this, session_id](bool) {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = sessions_.find(session_id);
        if (it != sessions_.end()) it->second.stream_open = false;
      });
}

void HttpTransport::handle_delete(const httplib::Request& req, httplib::Response& res) {
  const std::string session_id = req.get_header_value(kSessionHeader);
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.count(session_id) == 0) {
    res.status = 404;
    return;
  }
  drop_session(session_id);
  res.status = 204;
}

std::string HttpTransport::create_session(const json& init_params) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= kMaxSessions) return "";

  Session session;
  session.id = make_session_id();
  session.client_info = init_params.value("clientInfo", json::object());
  session.protocol_version = init_params.value("protocolVersion", "");
  session.last_seen = Clock::now();
  const std::string id = session.id;
  sessions_.emplace(id, std::move(session));
  return id;
}

void HttpTransport::notify(const std::string& session_id, const json& notification) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  if (it->second.stream_open) {
    push_event(it->second, notification);
    events_cv_.notify_all();
  } else {
    it->second.outbox.push_back(notification);
  }
}

void HttpTransport::request(const std::string& session_id, const std::string& method,
                            const json& params, std::function<void(const json&)> on_reply) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = "srv-" + std::to_string(next_request_id_++);
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

void HttpTransport::push_event(Session& session, const json& message) {
  session.replay.push_back(SseEvent{session.next_event_id++, message.dump()});
  if (session.replay.size() > kReplayLimit) session.replay.pop_front();
}

void HttpTransport::drop_session(const std::string& session_id) {
  sessions_.erase(session_id);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second.session_id == session_id ? pending_.erase(it) : std::next(it);
  }
  server_.end_session(session_id);
  events_cv_.notify_all();
}

std::size_t HttpTransport::session_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

std::size_t HttpTransport::expire_idle(std::chrono::seconds max_idle) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto cutoff = Clock::now() - max_idle;
  std::vector<std::string> stale;
  for (const auto& [id, session] : sessions_) {
    if (session.last_seen < cutoff && !session.stream_open) stale.push_back(id);
  }
  for (const std::string& id : stale) drop_session(id);
  // Requests the client never answered.
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second.sent_at < cutoff ? pending_.erase(it) : std::next(it);
  }
  return stale.size();
}

}  // namespace mcp
