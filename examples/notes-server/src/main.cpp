// notes-server: an MCP server that lets an assistant keep, search and summarize notes.
//
//   notes-server [--config FILE] [--port N] [--data-dir DIR] [--log-level LEVEL]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "config.h"
#include "db_pool.h"
#include "jobs.h"
#include "mcp/http_transport.h"
#include "mcp/server.h"
#include "state.h"
#include "tools/tools.h"

using nlohmann::json;

namespace {

constexpr char kVersion[] = "0.4.2";

httplib::Server* g_http = nullptr;  // for the signal handler

void usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--config FILE] [--port N] [--data-dir DIR] [--log-level LEVEL]\n",
               argv0);
}

void write_pid_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    log_line(LogLevel::warn, "cannot write " + path + ": " + std::strerror(errno));
    return;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::write(fd, pid.data(), pid.size()) < 0) log_line(LogLevel::warn, "short write to " + path);
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = "notes-server.conf";
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage(argv[0]);
      return 0;
    }
    if (i + 1 == argc) {
      usage(argv[0]);
      return 2;
    }
    const std::string value = argv[++i];
    if (arg == "--config") {
      config_path = value;
    } else if (arg == "--port") {
      overrides.emplace_back("port", value);
    } else if (arg == "--data-dir") {
      overrides.emplace_back("data_dir", value);
    } else if (arg == "--log-level") {
      overrides.emplace_back("log_level", value);
    } else {
      usage(argv[0]);
      return 2;
    }
  }

  std::string error;
  if (!load_config(config_path, &error)) log_line(LogLevel::warn, error + "; using defaults");
  try {
    for (const auto& [key, value] : overrides) set_option(key, value);
  } catch (const std::exception& e) {
    log_line(LogLevel::error, std::string("bad command line option: ") + e.what());
    return 2;
  }
  ::mkdir(g_data_dir.c_str(), 0755);
  write_pid_file(g_data_dir + "/notes-server.pid");

  mcp::Server server("notes-server", kVersion);
  DbPool db(g_db_url, g_db_pool_size);
  JobRunner jobs;

  register_note_tools(server, db);
  register_summarize_tools(server, jobs);
  register_admin_tools(server);

  // Per-tool call counts, for the call_counts tool and the shutdown message.
  std::mutex calls_mu;
  std::map<std::string, long> calls_by_tool;
  std::size_t calls_served = 0;
  server.on_tool_call([&](const std::string& tool, const mcp::Context& ctx) {
    {
      std::lock_guard<std::mutex> lock(calls_mu);
      ++calls_served;
      ++calls_by_tool[tool];
    }
    append_audit_log(tool, ctx.session_id);
  });
  server.add_tool("call_counts", "How often each tool has been called.", {{"type", "object"}},
                  [&](const json&, mcp::Context&) -> json {
                    std::lock_guard<std::mutex> lock(calls_mu);
                    return {{"total", calls_served}, {"by_tool", calls_by_tool}};
                  });

  httplib::Server http;
  mcp::HttpTransport transport(server, http);
  transport.mount("/mcp");
  http.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    const json health = {{"status", "ok"},
                         {"version", kVersion},
                         {"sessions", transport.session_count()},
                         {"db_connections_in_use", db.in_use()}};
    res.set_content(health.dump(), "application/json");
  });
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    ++g_requests_total;
    log_line(LogLevel::debug, req.method + " " + req.path + " -> " + std::to_string(res.status));
  });

  g_http = &http;
  std::signal(SIGINT, [](int) { g_http->stop(); });
  std::signal(SIGTERM, [](int) { g_http->stop(); });

  // Forget sessions that have been idle for half an hour.
  std::mutex janitor_mu;
  std::condition_variable janitor_cv;
  bool stopping = false;
  std::thread janitor([&] {
    std::unique_lock<std::mutex> lock(janitor_mu);
    while (!janitor_cv.wait_for(lock, std::chrono::minutes(1), [&] { return stopping; })) {
      if (const std::size_t n = transport.expire_idle(std::chrono::minutes(30))) {
        log_line(LogLevel::info, "expired " + std::to_string(n) + " idle sessions");
      }
    }
  });

  log_line(LogLevel::info, "notes-server " + std::string(kVersion) + " listening on " + g_bind_address +
                               ":" + std::to_string(g_port) + " (data in " + g_data_dir + ")");
  const bool ok = http.listen(g_bind_address, g_port);

  {
    std::lock_guard<std::mutex> lock(janitor_mu);
    stopping = true;
  }
  janitor_cv.notify_all();
  janitor.join();

  if (!ok) {
    log_line(LogLevel::error, "cannot listen on port " + std::to_string(g_port));
    return 1;
  }
  log_line(LogLevel::info, "shutting down after " + std::to_string(calls_served) + " tool calls");
  return 0;
}
