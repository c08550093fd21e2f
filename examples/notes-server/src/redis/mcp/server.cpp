// Redis-backed build of mcp::Server (NOTES_STORE=redis): the same dispatch and registries;
// what the server knows about a session (the client's capabilities, the initialized flag,
// cancelled request ids) is kept in Redis beside the transport's session record
// (notes:session:<id>), never in the process, so any instance can serve any request.
// The header's in-memory `sessions_` map is left unused in this build.
#include "mcp/server.h"

#include "redis/redis.h"

#include <array>
#include <string_view>
#include <utility>

namespace mcp {
namespace {

// Newest first; we answer with the client's version if we know it.
constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-06-18", "2025-03-26",
                                                                "2024-11-05"};

json error_response(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json text_content(const std::string& text) {
  return json::array({json{{"type", "text"}, {"text", text}}});
}

// Handlers may return plain text or any JSON value; turn it into a CallToolResult.
json to_tool_result(const json& value) {
  if (value.is_object() && value.contains("content")) return value;
  json result = {{"content", text_content(value.is_string() ? value.get<std::string>() : value.dump(2))},
                 {"isError", false}};
  if (value.is_object()) result["structuredContent"] = value;
  return result;
}

}  // namespace

Server::Server(std::string name, std::string version)
    : name_(std::move(name)), version_(std::move(version)) {}

void Server::add_tool(const std::string& name, const std::string& description, json input_schema,
                      Handler handler) {
  tools_[name] = Tool{description, std::move(input_schema), std::move(handler)};
}

void Server::add_tool(const std::string& name, const std::string& description, json input_schema,
                      std::shared_ptr<ToolHandler> handler) {
  add_tool(name, description, std::move(input_schema),
           [handler](const json& args, Context& ctx) { return handler->call(args, ctx); });
}

void Server::add_resource(const std::string& uri, const std::string& name, Handler handler) {
  resources_[uri] = Resource{name, std::move(handler)};
}

void Server::add_prompt(const std::string& name, Handler handler) {
  prompts_[name] = std::move(handler);
}

void Server::on_tool_call(std::function<void(const std::string&, const Context&)> hook) {
  call_hook_ = std::move(hook);
}

std::optional<json> Server::handle(const json& message, Context& ctx) {
  const json id = message.is_object() && message.contains("id") ? message.at("id") : json();
  if (!message.is_object() || message.value("jsonrpc", "") != "2.0" ||
      !message.contains("method") || !message.at("method").is_string()) {
    return error_response(id, kInvalidRequest, "Invalid Request");
  }
  const bool is_notification = !message.contains("id");
  const std::string method = message.at("method").get<std::string>();
  const json params = message.value("params", json::object());

  ctx.request_id = id;
  ctx.cancelled = [this, sid = ctx.session_id, rid = id.dump()] { return is_cancelled(sid, rid); };
  if (!ctx.session_id.empty()) {
    const redis::Reply fields =
        redis::command({"HMGET", redis::session_key(ctx.session_id), "initialized", "capabilities"});
    // Don't let tools send requests to a client that hasn't finished initializing.
    if (fields.elements.size() == 2 && fields.elements[0] == "1" && !fields.elements[1].empty()) {
      ctx.client_capabilities = json::parse(fields.elements[1]);
    }
  }

  try {
    json result = dispatch(method, params, ctx);
    if (is_notification) return std::nullopt;
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
  } catch (const RpcError& e) {
    if (is_notification) return std::nullopt;
    return error_response(id, e.code, e.what());
  } catch (const json::exception& e) {
    if (is_notification) return std::nullopt;
    return error_response(id, kInvalidParams, e.what());
  } catch (const std::exception& e) {
    if (is_notification) return std::nullopt;
    return error_response(id, kInternalError, e.what());
  }
}

json Server::dispatch(const std::string& method, const json& params, Context& ctx) {
  if (method == "initialize") return initialize(params, ctx);
  if (method == "ping") return json::object();

  if (method == "notifications/initialized") {
    redis::command({"HSET", redis::session_key(ctx.session_id), "initialized", "1"});
    return nullptr;
  }
  if (method == "notifications/cancelled") {
    const std::string key = redis::session_key(ctx.session_id) + ":cancelled";
    redis::transaction({{"SADD", key, params.at("requestId").dump()}, {"EXPIRE", key, "1800"}});
    return nullptr;
  }

  if (method == "tools/list") {
    json tools = json::array();
    for (const auto& [name, tool] : tools_) {
      tools.push_back(
          {{"name", name}, {"description", tool.description}, {"inputSchema", tool.input_schema}});
    }
    return {{"tools", tools}};
  }
  if (method == "tools/call") return call_tool(params, ctx);

  if (method == "resources/list") {
    json resources = json::array();
    for (const auto& [uri, resource] : resources_) {
      resources.push_back({{"uri", uri}, {"name", resource.name}});
    }
    return {{"resources", resources}};
  }
  if (method == "resources/read") return read_resource(params, ctx);

  if (method == "prompts/list") {
    json prompts = json::array();
    for (const auto& entry : prompts_) prompts.push_back({{"name", entry.first}});
    return {{"prompts", prompts}};
  }
  if (method == "prompts/get") return get_prompt(params, ctx);

  throw RpcError(kMethodNotFound, "Method not found: " + method);
}

json Server::initialize(const json& params, Context& ctx) {
  const std::string requested = params.value("protocolVersion", "");
  std::string_view version = kSupportedVersions.front();
  for (std::string_view v : kSupportedVersions) {
    if (v == requested) version = v;
  }
  redis::command({"HSET", redis::session_key(ctx.session_id), "capabilities",
                  params.value("capabilities", json::object()).dump(), "initialized", "0"});
  return {
      {"protocolVersion", std::string(version)},
      {"capabilities",
       {{"tools", {{"listChanged", false}}}, {"resources", json::object()}, {"prompts", json::object()}}},
      {"serverInfo", {{"name", name_}, {"version", version_}}},
  };
}

json Server::call_tool(const json& params, Context& ctx) {
  const std::string name = params.at("name").get<std::string>();
  auto it = tools_.find(name);
  if (it == tools_.end()) throw RpcError(kInvalidParams, "Unknown tool: " + name);
  if (call_hook_) call_hook_(name, ctx);

  try {
    return to_tool_result(it->second.handler(params.value("arguments", json::object()), ctx));
  } catch (const RpcError&) {
    throw;
  } catch (const std::exception& e) {
    // Tool failures go back to the model as a result, not as a protocol error.
    return {{"content", text_content(e.what())}, {"isError", true}};
  }
}

json Server::read_resource(const json& params, Context& ctx) {
  const std::string uri = params.at("uri").get<std::string>();
  auto it = resources_.find(uri);
  if (it == resources_.end()) throw RpcError(kInvalidParams, "Unknown resource: " + uri);

  json body = it->second.handler(params, ctx);
  json content = {{"uri", uri}, {"mimeType", "text/plain"}};
  if (body.is_string()) {
    content["text"] = body;
  } else {
    content["mimeType"] = body.value("mimeType", "application/json");
    content["text"] = body.contains("text") ? body.at("text") : json(body.dump(2));
  }
  return {{"contents", json::array({content})}};
}

json Server::get_prompt(const json& params, Context& ctx) {
  const std::string name = params.at("name").get<std::string>();
  auto it = prompts_.find(name);
  if (it == prompts_.end()) throw RpcError(kInvalidParams, "Unknown prompt: " + name);

  json prompt = it->second(params.value("arguments", json::object()), ctx);
  if (prompt.is_string()) {
    json message = {{"role", "user"}, {"content", {{"type", "text"}, {"text", prompt}}}};
    return {{"messages", json::array({message})}};
  }
  return prompt;
}

bool Server::is_cancelled(const std::string& session_id, const std::string& request_id) {
  return redis::command({"SISMEMBER", redis::session_key(session_id) + ":cancelled", request_id}).integer == 1;
}

void Server::end_session(const std::string& session_id) {
  redis::command({"DEL", redis::session_key(session_id) + ":cancelled"});
}

}  // namespace mcp
