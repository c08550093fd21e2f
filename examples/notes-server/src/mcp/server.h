// Small MCP (Model Context Protocol) server core: JSON-RPC dispatch and the
// tool / resource / prompt registries. Transport-agnostic; see http_transport.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;

inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

// Handed to every handler for the duration of one request.
struct Context {
  std::string session_id;
  json request_id;
  // What the client declared in `initialize`; empty until it sent notifications/initialized.
  json client_capabilities = json::object();
  // Sends a notification (progress, log message, ...) to the client.
  std::function<void(const json& notification)> notify;
  // Sends a request to the client. on_reply gets the client's whole response
  // message (with "result" or "error") once it arrives.
  std::function<void(const std::string& method, const json& params,
                     std::function<void(const json& reply)> on_reply)>
      request;
  // True once the client sent notifications/cancelled for this request.
  std::function<bool()> cancelled;
};

// Throw from a handler to answer with a JSON-RPC error instead of a result.
struct RpcError : std::runtime_error {
  RpcError(int code, const std::string& message) : std::runtime_error(message), code(code) {}
  int code;
};

using Handler = std::function<json(const json& args, Context& ctx)>;

// For tools that are easier to write as a class.
class ToolHandler {
 public:
  virtual ~ToolHandler() = default;
  virtual json call(const json& args, Context& ctx) = 0;
};

class Server {
 public:
  Server(std::string name, std::string version);

  void add_tool(const std::string& name, const std::string& description, json input_schema,
                Handler handler);
  void add_tool(const std::string& name, const std::string& description, json input_schema,
                std::shared_ptr<ToolHandler> handler);
  void add_resource(const std::string& uri, const std::string& name, Handler handler);
  void add_prompt(const std::string& name, Handler handler);
  // Called before every tools/call (metrics, audit logging).
  void on_tool_call(std::function<void(const std::string& tool, const Context& ctx)> hook);

  // Handles one JSON-RPC message. Returns the response, or nothing for notifications.
  std::optional<json> handle(const json& message, Context& ctx);
  // Drops everything known about a session (DELETE /mcp or idle expiry).
  void end_session(const std::string& session_id);

 private:
  struct Tool {
    std::string description;
    json input_schema;
    Handler handler;
  };
  struct Resource {
    std::string name;
    Handler handler;
  };
  struct SessionState {
    json client_capabilities = json::object();
    bool initialized = false;
    std::set<std::string> cancelled;  // request ids, as dumped JSON
  };

  json dispatch(const std::string& method, const json& params, Context& ctx);
  json initialize(const json& params, Context& ctx);
  json call_tool(const json& params, Context& ctx);
  json read_resource(const json& params, Context& ctx);
  json get_prompt(const json& params, Context& ctx);
  bool is_cancelled(const std::string& session_id, const std::string& request_id);

  std::string name_;
  std::string version_;
  std::map<std::string, Tool> tools_;
  std::map<std::string, Resource> resources_;
  std::map<std::string, Handler> prompts_;
  std::function<void(const std::string&, const Context&)> call_hook_;

  std::mutex mu_;
  std::unordered_map<std::string, SessionState> sessions_;
};

}  // namespace mcp
