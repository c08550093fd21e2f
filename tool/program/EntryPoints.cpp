#include "program/EntryPoints.h"

#include "llvm/Support/Error.h"

namespace sa {

EntryPointOptions EntryPointOptions::defaults() {
  EntryPointOptions O;
  O.registrationCalls = {
      // MCP SDKs (tools, resources, prompts, JSON-RPC methods and notifications)
      "add_tool", "add_tools", "AddTool", "add_resource", "add_resource_template", "AddResource",
      "add_prompt", "AddPrompt", "add_method", "add_notification", "on_raw",
      // registration families shared by many libraries
      "register_*", "register[A-Z]*", "Register*", "set_*handler", "set*Handler",
      "set_*_callback", "set*Callback", "add_*handler", "add*Handler", "add_*listener",
      "add*Listener", "on_*", "on[A-Z]*", "subscribe", "Subscribe",
      // cpp-httplib (the Server's routes, not the Client's requests), its logger
      "*Server::Get", "*Server::Post", "*Server::Put", "*Server::Patch", "*Server::Delete",
      "*Server::Options", "set_logger",
      // Crow (CROW_ROUTE(app, url)(handler) calls the rule object), Pistache, uWebSockets,
      // RESTinio, served, cpprestsdk, json-rpc-cxx
      "crow::*Rule*::operator()", "route_dynamic", "Pistache::Rest::Routes::*",
      "uWS::*::get", "uWS::*::post", "uWS::*::put", "uWS::*::del", "uWS::*::patch",
      "uWS::*::any", "uWS::*::ws", "uWS::*::options", "http_get", "http_post", "http_put",
      "http_delete", "http_head", "non_matched_request_handler", "served::*::get",
      "served::*::post", "served::*::put", "served::*::del", "web::http::*::support",
      "jsonrpccxx::*::Add",
      // Asio / Beast: completion handlers of a server's I/O run once per message
      "async_read", "async_read_some", "async_read_until", "async_read_at", "async_write",
      "async_write_some", "async_write_at", "async_accept", "async_receive",
      "async_receive_from", "async_send", "async_send_to", "async_handshake"};
  O.excludedCalls = {
      // run once, at start-up or shutdown, or on a signal: never per request
      "signal", "sigaction", "atexit", "at_quick_exit", "set_terminate", "set_new_handler",
      "call_once", "pthread_once", "on_exit", "on_shutdown", "onShutdown", "set_start_handler",
      "set_shutdown_handler", "registerBeginningAdvice", "set_socket_options"};
  O.backgroundCalls = {
      "std::thread::thread", "std::jthread::jthread", "std::async", "async",
      "std::packaged_task::packaged_task", "pthread_create", "post", "dispatch", "defer",
      "co_spawn", "enqueue", "submit", "submit_task", "detach_task", "push_task", "schedule",
      "runInLoop", "queueInLoop", "runAfter", "runEvery", "set_timer", "detach",
      // timers and outgoing connections: periodic or client-side work
      "async_wait", "async_connect", "async_resolve"};
  O.handlerMethods = {
      "*Handler*::*", "*Tool::*", "*::handle", "*::handleRequest", "*::handle_request",
      "*::handleMessage", "*::handle_message", "*::onRequest", "*::on_request", "*::onMessage",
      "*::on_message", "*::execute", "*::Execute", "*::call", "*::invoke", "*::process",
      "*::asyncHandleHttpRequest", "*::handleNewMessage", "*::handleNewConnection",
      "*::doFilter", "*::intercept", "*::OnReadDone", "*::OnWriteDone", "*::OnDone",
      "*::OnCancel", "*::Service::*", "*::CallbackService::*"};
  O.teardownFunctions = {"stop", "Stop", "shutdown", "Shutdown", "close", "Close"};
  O.teardownCalls = {"signal", "sigaction", "atexit", "at_quick_exit", "on_exit", "on_shutdown",
                     "onShutdown", "set_terminate", "set_shutdown_handler"};
  O.onceCalls = {"call_once", "pthread_once"};
  O.configurationFunctions = {"register*", "Register*", "unregister*", "Unregister*", "add*",
                              "Add*", "set*", "Set*", "configure*", "Configure*", "init*",
                              "Init*", "enable*", "disable*"};
  return O;
}

NamePatterns::NamePatterns(const std::vector<std::string> &Patterns) {
  for (const std::string &P : Patterns) {
    llvm::StringRef S(P);
    if (S.consume_front("re:")) {
      auto R = std::make_unique<llvm::Regex>(S);
      std::string Error;
      if (!R->isValid(Error)) {
        Errors.push_back("bad regular expression '" + S.str() + "': " + Error);
        continue;
      }
      Regexes.push_back(std::move(R));
      continue;
    }
    llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(S);
    if (!G) {
      Errors.push_back("bad pattern '" + P + "': " + llvm::toString(G.takeError()));
      continue;
    }
    Globs.push_back({std::move(*G), S.contains("::")});
  }
}

bool NamePatterns::matches(llvm::StringRef Unqualified, llvm::StringRef Qualified) const {
  for (const Glob &G : Globs)
    if (G.pattern.match(G.qualified ? Qualified : Unqualified))
      return true;
  for (const auto &R : Regexes)
    if (R->match(Qualified))
      return true;
  return false;
}

bool NamePatterns::matches(llvm::StringRef Qualified) const {
  llvm::StringRef Unqualified = Qualified;
  size_t Colons = Qualified.rfind("::");
  if (Colons != llvm::StringRef::npos)
    Unqualified = Qualified.drop_front(Colons + 2);
  return matches(Unqualified, Qualified);
}

} // namespace sa
