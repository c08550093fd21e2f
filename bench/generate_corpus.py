#!/usr/bin/env python3
"""Generates a benchmark corpus: N translation units of MCP-server-like code.

Each TU includes the heavy headers real servers include (nlohmann-json, <regex>,
<filesystem>, <thread>) and a shared project header, registers a tool handler, and keeps
state whose findings are known in advance. The corpus comes with a compile_commands.json and
expected.json, the finding counts by rule and level that state-audit must report.

  generate_corpus.py N OUTDIR
"""
import json
import os
import sys

SHARED_HEADER = """\
// Shared by every TU: the server object and its session table.
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <nlohmann/json.hpp>

namespace bench {
using json = nlohmann::json;
using Handler = std::function<json(const json &args, const std::string &session_id)>;

// The transport: calls the callback with each request's body and session id.
void on_request(std::function<json(const std::string &body, const std::string &session_id)> cb);

class Server {
public:
  void add_tool(const std::string &name, Handler handler);
  json call(const std::string &name, const json &args, const std::string &session_id);
  void listen();

private:
  std::mutex mu_;
  std::map<std::string, Handler> tools_;
  std::map<std::string, json> sessions_;
};

// Process-wide counters shared by every tool.
inline long g_calls_total = 0;
}  // namespace bench
"""

SERVER_CPP = """\
#include "server_state.h"

namespace bench {
void Server::add_tool(const std::string &name, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  tools_[name] = std::move(handler);
}

json Server::call(const std::string &name, const json &args, const std::string &session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[session_id]["last_tool"] = name;
  return {{"calls", ++g_calls_total}, {"result", tools_.at(name)(args, session_id)}};
}

void Server::listen() {
  on_request([this](const std::string &body, const std::string &session_id) {
    json message = json::parse(body);
    return call(message.value("tool", std::string()), message["args"], session_id);
  });
}
}  // namespace bench
"""

TOOL_CPP = """\
// Tool {i}: search notes with a pattern, remember the results.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server_state.h"

namespace bench::tool{i} {{
using json = nlohmann::json;

std::map<std::string, json> g_results;        // written by the handler
int g_limit = 100;                            // set at start-up
const std::regex kPattern("[a-z]+_[0-9]+");   // immutable

static std::vector<std::string> split_words(const std::string &text) {{
  std::vector<std::string> words;
  std::regex space("\\\\s+");
  for (std::sregex_token_iterator it(text.begin(), text.end(), space, -1), end; it != end; ++it)
    words.push_back(*it);
  return words;
}}

json search(const json &args, const std::string &session_id) {{
  static std::map<std::string, std::vector<std::string>> cache;
  const std::string query = args.value("q", std::string());
  auto it = cache.find(query);
  if (it == cache.end())
    it = cache.emplace(query, split_words(query + " " + std::to_string(g_results.size()))).first;
  std::smatch match;
  int hits = 0;
  for (const std::string &w : it->second)
    if (std::regex_match(w, match, kPattern) && hits < g_limit)
      ++hits;
  g_results[session_id + ":" + query] = json{{{{"hits", hits}}}};
  std::filesystem::path scratch = std::filesystem::temp_directory_path() / "bench";
  std::thread worker([hits] {{ (void)hits; }});
  worker.join();
  return json{{{{"hits", hits}}, {{"scratch", scratch.string()}}}};
}}

void configure(int limit) {{ g_limit = limit; }}

void install(Server &server) {{
  server.add_tool("tool{i}", [](const json &args, const std::string &sid) {{ return search(args, sid); }});
}}
}}  // namespace bench::tool{i}
"""


def main():
    n = int(sys.argv[1])
    out = os.path.abspath(sys.argv[2])
    os.makedirs(os.path.join(out, "src"), exist_ok=True)
    files = {"src/server_state.h": SHARED_HEADER, "src/server.cpp": SERVER_CPP}
    decls = []
    calls = []
    for i in range(n):
        files["src/tool%d.cpp" % i] = TOOL_CPP.format(i=i)
        decls.append("namespace bench::tool%d { void configure(int); void install(Server &); }" % i)
        calls.append("  bench::tool%d::configure(argc + %d);\n  bench::tool%d::install(server);" % (i, i, i))
    files["src/main.cpp"] = (
        '#include "server_state.h"\n\n' + "\n".join(decls) + "\n\nint main(int argc, char **) {\n"
        "  bench::Server server;\n" + "\n".join(calls) + "\n  server.listen();\n  return 0;\n}\n")
    for rel, text in files.items():
        path = os.path.join(out, rel)
        # Rewrite only what changed, so a regenerated corpus keeps its cache valid.
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
    tus = sorted(p for p in files if p.endswith(".cpp"))
    db = [{"directory": out, "file": os.path.join(out, p),
           "arguments": ["g++", "-std=c++17", "-O2", "-Isrc", "-c", p, "-o", p + ".o"]} for p in tus]
    with open(os.path.join(out, "compile_commands.json"), "w") as f:
        json.dump(db, f, indent=1)
    # Per tool TU: g_results (keyed by session id, written by its handler), the search cache
    # (filled from live data), g_limit (start-up), kPattern (immutable). Shared: sessions_
    # (written by the transport's handler), tools_ (filled at start-up), g_calls_total
    # (counted, and the count is returned).
    expected = {
        "session-state": {"error": n + 1, "warning": 0, "note": 0},
        "global-variable": {"error": 1, "warning": 0, "note": n},
        "static-local": {"error": n, "warning": 0, "note": 0},
        "member-state": {"error": 0, "warning": 0, "note": 1},
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"tus": len(tus), "byRule": expected}, f, indent=1)
    print("generated %d TUs in %s" % (len(tus), out))


if __name__ == "__main__":
    main()
