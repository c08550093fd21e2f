#include "chaos/Http.h"

#include "llvm/ADT/StringExtras.h"

#include <httplib.h>

#include <atomic>
#include <mutex>

namespace sa::chaos {

std::string HttpResponse::header(llvm::StringRef Name) const {
  auto It = headers.find(Name.lower());
  return It == headers.end() ? std::string() : It->second;
}

HttpResponse sendHttp(const HttpRequest &R) {
  HttpResponse Out;
  httplib::Client Client("127.0.0.1", int(R.port));
  auto Seconds = std::chrono::duration_cast<std::chrono::seconds>(R.timeout);
  auto Micros = std::chrono::duration_cast<std::chrono::microseconds>(R.timeout - Seconds);
  Client.set_connection_timeout(Seconds.count(), Micros.count());
  Client.set_read_timeout(Seconds.count(), Micros.count());
  Client.set_write_timeout(Seconds.count(), Micros.count());
  Client.set_keep_alive(false);
  Client.set_url_encode(false); // paths are sent as given (HAProxy's "/stats;csv")

  httplib::Request Req;
  Req.method = R.method;
  Req.path = R.path;
  for (const auto &[Name, Value] : R.headers)
    Req.headers.emplace(Name, Value);
  if (!R.body.empty() || R.method == "POST") {
    Req.body = R.body;
    Req.headers.emplace("Content-Type",
                        R.contentType.empty() ? "application/octet-stream" : R.contentType);
  }
  bool Stopped = false, TooLarge = false;
  Req.response_handler = [&Out](const httplib::Response &Res) {
    Out.status = Res.status;
    for (const auto &[Name, Value] : Res.headers)
      Out.headers[llvm::StringRef(Name).lower()] = Value;
    return true;
  };
  // The body is read here, never by httplib into memory of its own: a server that answers
  // without end must not take the runner's memory with it.
  Req.content_receiver = [&](const char *Data, size_t Size, uint64_t, uint64_t) {
    if (R.onData) {
      Stopped = !R.onData(llvm::StringRef(Data, Size));
      return !Stopped;
    }
    if (Out.body.size() + Size > MaxResponseBytes) {
      TooLarge = true;
      return false;
    }
    Out.body.append(Data, Size);
    return true;
  };
  httplib::Response Res;
  httplib::Error Err = httplib::Error::Success;
  bool Sent = Client.send(Req, Res, Err);
  if (TooLarge) {
    HttpResponse Cut;
    Cut.error = "the response was cut off at " + std::to_string(MaxResponseBytes >> 20) +
                " MiB (the runner reads no more)";
    return Cut;
  }
  if (R.onData) {
    // A stream ends by the reader stopping or by going quiet: both are its normal end once
    // the headers have come.
    if (Out.status != 0 && (Sent || Stopped || Err == httplib::Error::Read ||
                            Err == httplib::Error::Canceled))
      return Out;
  } else if (Sent) {
    return Out;
  }
  Out.status = 0;
  Out.error = httplib::to_string(Err);
  return Out;
}

struct HttpStream::Impl {
  std::mutex Lock;
  httplib::Client *Client = nullptr; // while the request runs
  bool Stopped = false;
  std::atomic<bool> Done{false};
};

void HttpStream::start(HttpRequest R, std::function<void(const HttpResponse &)> OnHeaders,
                       std::function<void(const HttpResponse &)> OnEnd) {
  stop();
  State = std::make_shared<Impl>();
  Reader = std::thread([R = std::move(R), OnHeaders, OnEnd, S = State] {
    httplib::Client Client("127.0.0.1", int(R.port));
    auto Connect = std::chrono::duration_cast<std::chrono::microseconds>(R.timeout);
    Client.set_connection_timeout(0, Connect.count());
    Client.set_read_timeout(24 * 3600, 0); // an idle stream is not an ended one
    Client.set_keep_alive(false);
    Client.set_url_encode(false);
    {
      std::lock_guard<std::mutex> G(S->Lock);
      if (S->Stopped) {
        S->Done = true;
        return;
      }
      S->Client = &Client;
    }
    httplib::Request Req;
    Req.method = "GET";
    Req.path = R.path;
    for (const auto &[Name, Value] : R.headers)
      Req.headers.emplace(Name, Value);
    HttpResponse Out;
    Req.response_handler = [&](const httplib::Response &Res) {
      Out.status = Res.status;
      for (const auto &[Name, Value] : Res.headers)
        Out.headers[llvm::StringRef(Name).lower()] = Value;
      OnHeaders(Out);
      return true;
    };
    Req.content_receiver = [&](const char *Data, size_t Size, uint64_t, uint64_t) {
      return R.onData(llvm::StringRef(Data, Size));
    };
    httplib::Response Res;
    httplib::Error Err = httplib::Error::Success;
    if (!Client.send(Req, Res, Err))
      Out.error = httplib::to_string(Err);
    {
      std::lock_guard<std::mutex> G(S->Lock);
      S->Client = nullptr;
    }
    OnEnd(Out);
    S->Done = true;
  });
}

void HttpStream::stop() {
  // stop() shuts the socket down and the blocked read returns; called until the reader is
  // done, since a stop before the request has opened its socket does nothing.
  while (State && !State->Done) {
    {
      std::lock_guard<std::mutex> G(State->Lock);
      State->Stopped = true;
      if (State->Client)
        State->Client->stop();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (Reader.joinable())
    Reader.join();
  State.reset();
}

} // namespace sa::chaos
