#include "config.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

std::string g_bind_address;
int g_port = 0;
std::string g_data_dir;
LogLevel g_log_level = LogLevel::info;
std::string g_db_url;
std::size_t g_db_pool_size = 0;

static const std::map<std::string, std::string> kDefaults = {
    {"bind", "0.0.0.0"},
    {"port", "8080"},
    {"data_dir", "./data"},
    {"log_level", "info"},
    {"db_url", ""},
    {"db_pool_size", "20"},
};

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

LogLevel parse_log_level(const std::string& name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  throw std::invalid_argument("unknown log level '" + name + "'");
}

}  // namespace

bool set_option(const std::string& key, const std::string& value) {
  if (key == "bind") {
    g_bind_address = value;
  } else if (key == "port") {
    g_port = std::stoi(value);
  } else if (key == "data_dir") {
    g_data_dir = value;
  } else if (key == "log_level") {
    g_log_level = parse_log_level(value);
  } else if (key == "db_url") {
    g_db_url = value;
  } else if (key == "db_pool_size") {
    g_db_pool_size = static_cast<std::size_t>(std::stoul(value));
  } else {
    return false;
  }
  return true;
}

bool load_config(const std::string& path, std::string* error) {
  for (const auto& [key, value] : kDefaults) set_option(key, value);

  std::ifstream in(path);
  if (!in) {
    if (error) *error = "cannot open " + path;
    return false;
  }
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto eq = line.find('=');
    try {
      if (eq == std::string::npos || !set_option(trim(line.substr(0, eq)), trim(line.substr(eq + 1)))) {
        throw std::invalid_argument("bad setting '" + line + "'");
      }
    } catch (const std::exception& e) {
      if (error) *error = path + ":" + std::to_string(lineno) + ": " + e.what();
      return false;
    }
  }
  return true;
}

void log_line(LogLevel level, const std::string& message) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  if (level < g_log_level) return;
  std::fprintf(stderr, "[%s] %s\n", kNames[static_cast<int>(level)], message.c_str());
}
