// In-memory note store shared by the tool handlers.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

struct Note {
  long id = 0;
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  std::string created_by;  // Mcp-Session-Id of the session that saved it
  std::chrono::system_clock::time_point created_at;
};

// All notes in creation order, plus a tag -> note id index. Guarded by g_notes_mu.
extern std::vector<Note> g_notes;
extern std::map<std::string, std::vector<long>> g_notes_by_tag;
extern long g_next_note_id;
extern std::mutex g_notes_mu;

// Bumped on every change so cached search results can be told apart.
extern std::atomic<long> g_notes_version;

// Process metrics, reported by the stats tool and /healthz.
inline std::atomic<long> g_requests_total{0};
inline const auto g_started_at = std::chrono::steady_clock::now();
