#include "chaos/McpClient.h"

#include "chaos/Balancer.h"
#include "support/Untrusted.h"
#include "Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace sa::chaos {
namespace json = llvm::json;

std::string brief(const json::Value &V, size_t Max) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << V;
  OS.flush();
  if (S.size() > Max)
    S = S.substr(0, Max - 3) + "...";
  return S;
}

json::Value toolResultValue(const json::Value &Result) {
  const json::Object *O = Result.getAsObject();
  if (!O)
    return Result;
  if (const json::Value *S = O->get("structuredContent"))
    return *S;
  if (const json::Array *Content = O->getArray("content"))
    for (const json::Value &C : *Content) {
      const json::Object *Item = C.getAsObject();
      if (!Item || Item->getString("type") != std::optional<llvm::StringRef>("text"))
        continue;
      llvm::StringRef Text = Item->getString("text").value_or("");
      if (llvm::Expected<json::Value> Parsed = parseUntrustedJson(Text))
        return std::move(*Parsed);
      else
        llvm::consumeError(Parsed.takeError());
      return json::Value(Text.str());
    }
  return Result;
}

McpClient::McpClient(HttpTransport Transport, unsigned Port, std::string Path)
    : Transport(std::move(Transport)), Port(Port), Path(std::move(Path)) {}

std::vector<std::pair<std::string, std::string>> McpClient::sessionHeaders() const {
  std::vector<std::pair<std::string, std::string>> H;
  if (!SessionId.empty())
    H.emplace_back("Mcp-Session-Id", SessionId);
  if (!Negotiated.empty())
    H.emplace_back("MCP-Protocol-Version", Negotiated);
  return H;
}

bool mentionsLostSession(llvm::StringRef Message) {
  std::string L = Message.lower();
  return llvm::StringRef(L).contains("session not found") ||
         llvm::StringRef(L).contains("unknown session") ||
         llvm::StringRef(L).contains("invalid session");
}

std::optional<json::Value> findResponse(const HttpResponse &R, int64_t Id,
                                        std::string &Problem) {
  auto IsOurs = [Id](const json::Value &V) {
    const json::Object *O = V.getAsObject();
    return O && O->getInteger("id") == std::optional<int64_t>(Id) &&
           (O->get("result") || O->get("error"));
  };
  const std::string Type = R.header("content-type");
  if (llvm::StringRef(Type).starts_with("text/event-stream")) {
    SseParser Parser;
    std::vector<SseEvent> Events = Parser.feed(R.body);
    std::vector<SseEvent> Last = Parser.feed("\n\n"); // a stream cut without a final blank line
    Events.insert(Events.end(), Last.begin(), Last.end());
    for (const SseEvent &E : Events) {
      llvm::Expected<json::Value> V = parseUntrustedJson(E.data);
      if (!V) {
        llvm::consumeError(V.takeError());
        continue;
      }
      if (IsOurs(*V))
        return std::move(*V);
    }
    Problem = "the event stream ended without the response to request " + std::to_string(Id);
    return std::nullopt;
  }
  llvm::Expected<json::Value> V = parseUntrustedJson(R.body);
  if (!V) {
    Problem = "the response is not JSON (" + llvm::toString(V.takeError()) + ")";
    return std::nullopt;
  }
  if (!IsOurs(*V)) {
    Problem = "the response is not the JSON-RPC response to request " + std::to_string(Id) +
              ": " + brief(*V);
    return std::nullopt;
  }
  return std::move(*V);
}

std::string errorText(const json::Object &Error) {
  std::string S = "JSON-RPC error";
  if (std::optional<int64_t> Code = Error.getInteger("code"))
    S += " " + std::to_string(*Code);
  if (std::optional<llvm::StringRef> M = Error.getString("message"))
    S += ": " + M->str();
  return S;
}

HttpRequest McpClient::endpointRequest(llvm::StringRef Method, llvm::StringRef Accept) const {
  HttpRequest R;
  R.method = Method.str();
  R.port = Port;
  R.path = Path;
  R.headers = sessionHeaders();
  if (!Accept.empty())
    R.headers.emplace_back("Accept", Accept.str());
  return R;
}

Exchange McpClient::post(const json::Object &Message, bool IsRequest, unsigned ToPort) {
  HttpRequest R = endpointRequest("POST", "application/json, text/event-stream");
  if (ToPort) {
    R.port = ToPort;
  } else {
    LastMessage = Message;
    LastIsRequest = IsRequest;
    LastWasStream = false;
  }
  R.contentType = "application/json";
  R.body = brief(json::Value(json::Object(Message)), std::string::npos);
  int64_t Id = IsRequest ? *Message.getInteger("id") : 0;

  HttpResponse Res = Transport(R);
  AssignedSession = Res.header("mcp-session-id");
  Exchange X = exchangeOf(Res);
  if (Res.status == 0)
    return X;
  // The body's JSON-RPC error, if it has one, says more than the status.
  std::string BodyError;
  if (llvm::Expected<json::Value> V = parseUntrustedJson(Res.body)) {
    if (const json::Object *O = V->getAsObject())
      if (const json::Object *E = O->getObject("error"))
        BodyError = errorText(*E);
  } else {
    llvm::consumeError(V.takeError());
  }
  if (Res.status == 404 && !SessionId.empty()) {
    X.status = Exchange::Status::SessionGone;
    X.message = "HTTP 404" + (BodyError.empty() ? "" : " " + BodyError);
    return X;
  }
  if (Res.status >= 300) {
    X.status = mentionsLostSession(BodyError) && !SessionId.empty()
                   ? Exchange::Status::SessionGone
                   : Exchange::Status::Error;
    X.message = "HTTP " + std::to_string(Res.status) +
                (BodyError.empty() ? "" : " " + BodyError);
    return X;
  }
  if (!IsRequest) { // a notification: 202 Accepted, no body
    X.status = Exchange::Status::Ok;
    if (Res.status != 202)
      X.warning = "a notification was answered with HTTP " + std::to_string(Res.status) +
                  " (the specification asks for 202)" +
                  (BodyError.empty() ? "" : ", with " + BodyError);
    return X;
  }
  std::optional<json::Value> Response = findResponse(Res, Id, X.message);
  if (Response)
    takeResponse(X, *Response);
  return X;
}

Exchange exchangeOf(const HttpResponse &Res) {
  Exchange X;
  X.http = Res.status;
  X.instance = Res.header(InstanceHeader);
  if (Res.status == 0)
    X.message = "no answer: " + Res.error;
  return X;
}

void takeResponse(Exchange &X, const json::Value &Response) {
  const json::Object &O = *Response.getAsObject();
  if (const json::Object *E = O.getObject("error")) {
    X.message = errorText(*E);
    if (mentionsLostSession(X.message))
      X.status = Exchange::Status::SessionGone;
    return;
  }
  X.status = Exchange::Status::Ok;
  X.result = *O.get("result");
}

json::Object initializeMessage(int64_t Id, llvm::StringRef Version) {
  return json::Object{
      {"jsonrpc", "2.0"},
      {"id", Id},
      {"method", "initialize"},
      {"params", json::Object{{"protocolVersion", Version},
                              {"capabilities", json::Object{}},
                              {"clientInfo", json::Object{{"name", "state-audit-chaos"},
                                                          {"version", STATE_AUDIT_VERSION}}}}}};
}

json::Object requestMessage(int64_t Id, llvm::StringRef Method, json::Object Params) {
  json::Object Message{{"jsonrpc", "2.0"}, {"id", Id}, {"method", Method}};
  if (!Params.empty() || Method == "tools/call")
    Message["params"] = std::move(Params);
  return Message;
}

Exchange McpClient::initialize() {
  SessionId.clear();
  Negotiated.clear();
  LastEventId.clear();
  json::Object Message = initializeMessage(NextId++, ProtocolVersion);
  Exchange X = post(Message, /*IsRequest=*/true);
  if (X.status != Exchange::Status::Ok)
    return X;
  const json::Object *Result = X.result->getAsObject();
  std::optional<llvm::StringRef> Version =
      Result ? Result->getString("protocolVersion") : std::nullopt;
  if (!Version)
    X.warning = "the initialize result does not echo a protocolVersion (the client goes on "
                "with " + std::string(ProtocolVersion) + ")";
  SessionId = AssignedSession;
  Negotiated = Version ? Version->str() : ProtocolVersion;
  X.message = SessionId.empty() ? "no Mcp-Session-Id: the server keeps no session"
                                : "session " + SessionId + ", protocol " + Negotiated;
  return X;
}

Exchange McpClient::replayLast(unsigned Port) {
  if (LastWasStream)
    return stream(Port, LastListen, LastQuiet);
  return post(LastMessage, LastIsRequest, Port);
}

Exchange McpClient::initialized() {
  return post(json::Object{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
              /*IsRequest=*/false);
}

Exchange McpClient::request(llvm::StringRef Method, json::Object Params) {
  return post(requestMessage(NextId++, Method, std::move(Params)), /*IsRequest=*/true);
}

Exchange McpClient::readStream(std::chrono::milliseconds Listen,
                               std::chrono::milliseconds Quiet) {
  LastWasStream = true;
  LastListen = Listen;
  LastQuiet = Quiet;
  return stream(0, Listen, Quiet);
}

Exchange McpClient::stream(unsigned ToPort, std::chrono::milliseconds Listen,
                           std::chrono::milliseconds Quiet) {
  HttpRequest R = endpointRequest("GET", "text/event-stream");
  if (ToPort)
    R.port = ToPort;
  const std::string ResumeFrom = LastEventId;
  if (!ResumeFrom.empty())
    R.headers.emplace_back("Last-Event-ID", ResumeFrom);
  R.timeout = Quiet;
  SseParser Parser;
  Exchange X;
  auto Deadline = std::chrono::steady_clock::now() + Listen;
  R.onData = [&](llvm::StringRef Chunk) {
    for (SseEvent &E : Parser.feed(Chunk))
      X.events.push_back(std::move(E));
    return std::chrono::steady_clock::now() < Deadline;
  };
  HttpResponse Res = Transport(R);
  X.http = Res.status;
  X.instance = Res.header(InstanceHeader);
  if (Res.status == 0) {
    X.message = "no answer: " + Res.error;
    return X;
  }
  if (Res.status == 405) {
    X.status = Exchange::Status::NotOffered;
    X.message = "the server offers no GET stream (HTTP 405)";
    return X;
  }
  if (Res.status == 404 && !SessionId.empty()) {
    X.status = Exchange::Status::SessionGone;
    X.message = "HTTP 404" + std::string(ResumeFrom.empty() ? "" : " to Last-Event-ID " + ResumeFrom);
    return X;
  }
  if (Res.status != 200 || !llvm::StringRef(Res.header("content-type")).starts_with("text/event-stream")) {
    X.message = "the GET stream was answered with HTTP " + std::to_string(Res.status) + " " +
                Res.header("content-type");
    return X;
  }
  X.status = Exchange::Status::Ok;
  if (!Parser.lastEventId().empty())
    LastEventId = Parser.lastEventId();
  X.message = (ResumeFrom.empty() ? "stream opened" : "stream resumed after event " + ResumeFrom) +
              ": " + std::to_string(X.events.size()) + " event(s)";
  if (!Parser.lastEventId().empty())
    X.message += ", last id " + Parser.lastEventId();
  return X;
}

void McpClient::endSession() {
  if (SessionId.empty())
    return;
  HttpRequest R = endpointRequest("DELETE", "");
  R.timeout = std::chrono::milliseconds(3000);
  Transport(R);
  SessionId.clear();
}

} // namespace sa::chaos
