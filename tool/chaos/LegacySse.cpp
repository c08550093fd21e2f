#include "chaos/LegacySse.h"

#include "chaos/Balancer.h"
#include "support/Untrusted.h"

namespace sa::chaos {
namespace json = llvm::json;
using Clock = std::chrono::steady_clock;

namespace {

/// The path and query of an `endpoint` event's URI: POSTs go through the balancer even when
/// the server names its own address.
std::string endpointPath(llvm::StringRef Uri) {
  Uri = Uri.trim();
  if (Uri.consume_front("http://") || Uri.consume_front("https://")) {
    size_t Slash = Uri.find('/');
    return Slash == llvm::StringRef::npos ? "/" : Uri.drop_front(Slash).str();
  }
  return Uri.starts_with("/") ? Uri.str() : "/" + Uri.str();
}

bool answers(const json::Value &V, int64_t Id) {
  const json::Object *O = V.getAsObject();
  return O && O->getInteger("id") == std::optional<int64_t>(Id) &&
         (O->get("result") || O->get("error"));
}

} // namespace

LegacySseClient::LegacySseClient(unsigned Port, std::string Path,
                                 std::chrono::milliseconds AnswerTimeout)
    : Port(Port), Path(std::move(Path)), AnswerTimeout(AnswerTimeout) {}

LegacySseClient::~LegacySseClient() { Stream.stop(); }

void LegacySseClient::onStreamData(llvm::StringRef Chunk) {
  std::lock_guard<std::mutex> G(Lock);
  for (const SseEvent &E : Parser.feed(Chunk)) {
    if (E.event == "endpoint") {
      Endpoint = endpointPath(E.data);
    } else if (llvm::Expected<json::Value> V = parseUntrustedJson(E.data)) {
      if (Messages.size() >= 1000) { // nobody asked for them: keep the newest
        Messages.pop_front();
        ++Unanswered;
      }
      Messages.push_back(std::move(*V));
    } else {
      llvm::consumeError(V.takeError());
      ++Unanswered;
    }
  }
  Changed.notify_all();
}

Exchange LegacySseClient::initialize() {
  Stream.stop();
  {
    std::lock_guard<std::mutex> G(Lock);
    Parser = SseParser();
    Endpoint.clear();
    StreamInstance.clear();
    StreamOpen = StreamEnded = false;
    StreamEnd.clear();
    Messages.clear();
  }
  HttpRequest R;
  R.port = Port;
  R.path = Path;
  R.headers = {{"Accept", "text/event-stream"}};
  R.timeout = std::chrono::seconds(5);
  R.onData = [this](llvm::StringRef Chunk) {
    onStreamData(Chunk);
    return true;
  };
  Stream.start(
      std::move(R),
      [this](const HttpResponse &H) {
        std::lock_guard<std::mutex> G(Lock);
        StreamInstance = H.header(InstanceHeader);
        StreamOpen = H.status == 200;
        if (!StreamOpen)
          StreamEnd = "HTTP " + std::to_string(H.status);
        Changed.notify_all();
      },
      [this](const HttpResponse &End) {
        std::lock_guard<std::mutex> G(Lock);
        StreamEnded = true;
        if (StreamEnd.empty())
          StreamEnd = End.status == 0 ? "no answer: " + End.error : "closed by the server";
        Changed.notify_all();
      });

  Exchange X;
  {
    std::unique_lock<std::mutex> G(Lock);
    Changed.wait_for(G, AnswerTimeout, [&] { return !Endpoint.empty() || StreamEnded; });
    X.instance = StreamInstance;
    if (Endpoint.empty()) {
      X.message = "the GET stream on " + Path + " named no endpoint (" +
                  (StreamEnd.empty() ? "no endpoint event within " +
                                           std::to_string(AnswerTimeout.count()) + " ms"
                                     : StreamEnd) +
                  ")";
      return X;
    }
  }
  json::Object Message = initializeMessage(NextId++, LegacyProtocolVersion);
  X = send(Message, /*IsRequest=*/true, 0);
  if (X.status == Exchange::Status::Ok)
    X.message = "stream on " + home() + ", endpoint " + Endpoint;
  return X;
}

Exchange LegacySseClient::initialized() {
  return send(json::Object{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
              /*IsRequest=*/false, 0);
}

Exchange LegacySseClient::request(llvm::StringRef Method, json::Object Params) {
  return send(requestMessage(NextId++, Method, std::move(Params)), /*IsRequest=*/true, 0);
}

Exchange LegacySseClient::replayLast(unsigned ToPort) {
  if (LastWasStream) { // the stream is the session: there is nothing to send elsewhere
    Exchange X;
    X.message = "the event stream cannot be read on another instance";
    return X;
  }
  return send(LastMessage, LastIsRequest, ToPort);
}

Exchange LegacySseClient::send(const json::Object &Message, bool IsRequest, unsigned ToPort) {
  if (!ToPort) {
    LastMessage = Message;
    LastIsRequest = IsRequest;
    LastWasStream = false;
  }
  HttpRequest R;
  R.method = "POST";
  R.port = ToPort ? ToPort : Port;
  {
    std::lock_guard<std::mutex> G(Lock);
    R.path = Endpoint;
  }
  R.contentType = "application/json";
  R.body = brief(json::Value(json::Object(Message)), std::string::npos);
  HttpResponse Res = sendHttp(R);
  Exchange X = exchangeOf(Res);
  if (Res.status == 0)
    return X;
  std::string Body = llvm::StringRef(Res.body).take_front(120).trim().str();
  if (Res.status >= 300) {
    X.status = Res.status == 404 || mentionsLostSession(Body) ? Exchange::Status::SessionGone
                                                              : Exchange::Status::Error;
    X.message = "HTTP " + std::to_string(Res.status) + (Body.empty() ? "" : " " + Body);
    return X;
  }
  if (!IsRequest) {
    X.status = Exchange::Status::Ok;
    if (Res.status != 202)
      X.warning = "a notification was answered with HTTP " + std::to_string(Res.status) +
                  " (the HTTP+SSE transport answers 202)";
    return X;
  }
  int64_t Id = *Message.getInteger("id");
  std::string Problem;
  std::optional<json::Value> Response = findResponse(Res, Id, Problem);
  if (Response) {
    X.warning = "the answer came in the POST's body, not on the event stream";
  } else {
    Problem.clear();
    Response = awaitResponse(Id, Problem);
  }
  if (Response)
    takeResponse(X, *Response);
  else
    X.message = Problem;
  return X;
}

std::optional<json::Value> LegacySseClient::awaitResponse(int64_t Id, std::string &Problem) {
  std::unique_lock<std::mutex> G(Lock);
  auto Deadline = Clock::now() + AnswerTimeout;
  while (true) {
    while (!Messages.empty()) {
      json::Value V = std::move(Messages.front());
      Messages.pop_front();
      if (answers(V, Id))
        return V;
      ++Unanswered; // a server request, a notification, or an answer seen in a POST's body
    }
    if (StreamEnded) {
      Problem = "the event stream ended (" + StreamEnd + ") before the response to request " +
                std::to_string(Id);
      return std::nullopt;
    }
    if (Changed.wait_until(G, Deadline) == std::cv_status::timeout && Messages.empty()) {
      Problem = "no response to request " + std::to_string(Id) + " on the event stream within " +
                std::to_string(AnswerTimeout.count()) + " ms";
      return std::nullopt;
    }
  }
}

Exchange LegacySseClient::readStream(std::chrono::milliseconds Listen,
                                     std::chrono::milliseconds) {
  LastWasStream = true;
  std::unique_lock<std::mutex> G(Lock);
  Changed.wait_for(G, Listen, [&] { return StreamEnded; });
  Exchange X;
  X.instance = StreamInstance;
  if (StreamEnded) {
    X.status = Exchange::Status::SessionGone;
    X.message = "the event stream on " + StreamInstance + " ended (" + StreamEnd + ")";
    return X;
  }
  X.status = Exchange::Status::Ok;
  X.message = "the event stream is open on " + StreamInstance;
  return X;
}

void LegacySseClient::endSession() { Stream.stop(); }

std::string LegacySseClient::route() const {
  std::lock_guard<std::mutex> G(Lock);
  return llvm::StringRef(Endpoint).split('?').first.str();
}

std::string LegacySseClient::home() const {
  std::lock_guard<std::mutex> G(Lock);
  return StreamInstance;
}

} // namespace sa::chaos
