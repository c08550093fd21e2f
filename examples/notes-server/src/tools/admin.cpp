// stats, export_notes, cleanup_exports, the audit log and the latest-export resource.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tools/tools.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string exports_dir() { return g_data_dir + "/exports"; }

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

void append_audit_log(const std::string& tool, const std::string& session_id) {
  const std::string path = g_data_dir + "/audit.log";
  FILE* f = std::fopen(path.c_str(), "a");
  if (!f) return;
  std::fprintf(f, "%s pid=%d session=%s tool=%s\n", utc_timestamp().c_str(), static_cast<int>(getpid()),
               session_id.c_str(), tool.c_str());
  std::fclose(f);
}

void register_admin_tools(mcp::Server& server) {
  server.add_tool("stats", "Server statistics.", {{"type", "object"}},
                  [](const json&, mcp::Context&) -> json {
                    std::size_t notes = 0;
                    {
                      std::lock_guard<std::mutex> lock(g_notes_mu);
                      notes = g_notes.size();
                    }
                    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - g_started_at);
                    return {{"notes", notes},
                            {"http_requests", g_requests_total.load()},
                            {"uptime_seconds", uptime.count()},
                            {"pid", getpid()}};
                  });

  server.add_tool(
      "export_notes", "Write all notes to a file in the data directory.",
      {{"type", "object"}, {"properties", {{"format", {{"type", "string"}, {"enum", {"json", "markdown"}}}}}}},
      [](const json& args, mcp::Context& ctx) -> json {
        const std::string format = args.value("format", "json");
        if (format != "json" && format != "markdown") {
          throw std::invalid_argument("format must be json or markdown");
        }
        ::mkdir(g_data_dir.c_str(), 0755);
        ::mkdir(exports_dir().c_str(), 0755);
        const std::string path =
            exports_dir() + "/notes-" + utc_timestamp() + (format == "json" ? ".json" : ".md");
        const std::string tmp = path + ".tmp";

        std::size_t count = 0;
        {
          std::ofstream out(tmp, std::ios::trunc);
          if (!out) throw std::runtime_error("cannot write " + tmp);
          json all = json::array();
          std::lock_guard<std::mutex> lock(g_notes_mu);
          for (const Note& note : g_notes) {
            if (ctx.cancelled && ctx.cancelled()) throw std::runtime_error("export cancelled");
            if (format == "json") {
              all.push_back(note_to_json(note));
            } else {
              out << "## " << note.title << "\n\n" << note.body << "\n\n";
            }
            ++count;
          }
          if (format == "json") out << all.dump(2) << "\n";
        }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp);
        return {{"path", path}, {"notes", count}};
      });

  server.add_tool(
      "cleanup_exports", "Delete exports older than the given number of days.",
      {{"type", "object"}, {"properties", {{"older_than_days", {{"type", "integer"}}}}}},
      [](const json& args, mcp::Context&) -> json {
        const int days = args.value("older_than_days", 7);
        const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(24 * days);
        json removed = json::array();
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(exports_dir(), ec)) {
          if (entry.is_regular_file() && entry.last_write_time() < cutoff && fs::remove(entry.path(), ec)) {
            removed.push_back(entry.path().filename().string());
          }
        }
        return {{"removed", removed}};
      });

  server.add_resource("notes://exports/latest", "Most recent export", [](const json&, mcp::Context&) -> json {
    fs::path newest;
    fs::file_time_type newest_time{};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(exports_dir(), ec)) {
      if (entry.path().extension() == ".tmp") continue;
      if (newest.empty() || entry.last_write_time() > newest_time) {
        newest = entry.path();
        newest_time = entry.last_write_time();
      }
    }
    if (newest.empty()) throw mcp::RpcError(mcp::kInvalidParams, "no exports yet");

    std::ifstream in(newest);
    std::stringstream text;
    text << in.rdbuf();
    return {{"mimeType", newest.extension() == ".md" ? "text/markdown" : "application/json"},
            {"text", text.str()}};
  });
}
