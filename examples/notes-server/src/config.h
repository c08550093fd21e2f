// Server configuration. load_config() and the command line fill these in once,
// before the HTTP server starts; everything else only reads them.
#pragma once

#include <cstddef>
#include <string>

enum class LogLevel { debug = 0, info, warn, error };

extern std::string g_bind_address;
extern int g_port;
extern std::string g_data_dir;
extern LogLevel g_log_level;
extern std::string g_db_url;         // CouchDB-style HTTP store for note backups; empty = off
extern std::size_t g_db_pool_size;

// Applies the built-in defaults, then `key = value` lines from `path`.
// Returns false (with a message in *error) if the file is missing or malformed.
bool load_config(const std::string& path, std::string* error);

// Sets one option by name; used by load_config() and for --key=value flags.
bool set_option(const std::string& key, const std::string& value);

void log_line(LogLevel level, const std::string& message);
