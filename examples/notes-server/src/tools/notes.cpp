// remember / recall / search, plus the notes://all resource and a review prompt.
#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config.h"
#include "db_pool.h"
#include "tools/tools.h"

using nlohmann::json;

namespace {

const json kRememberSchema = {
    {"type", "object"},
    {"properties",
     {{"title", {{"type", "string"}}},
      {"body", {{"type", "string"}}},
      {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
    {"required", {"title"}},
};

const json kRecallSchema = {
    {"type", "object"},
    {"properties",
     {{"id", {{"type", "integer"}}}, {"tag", {{"type", "string"}}}, {"limit", {{"type", "integer"}}}}},
};

const json kSearchSchema = {
    {"type", "object"},
    {"properties", {{"query", {{"type", "string"}}}}},
    {"required", {"query"}},
};

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Lowercase words of `text`, minus stop words.
void tokenize(const std::string& text, std::vector<std::string>& out) {
  static const std::set<std::string> kStopWords = {"a",  "an", "and", "are", "for", "in",  "is",
                                                   "of", "on", "or",  "the", "to",  "with"};
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      if (kStopWords.count(word) == 0) out.push_back(word);
      word.clear();
    }
  }
}

const Note* find_note(long id) {  // requires g_notes_mu
  auto it = std::find_if(g_notes.begin(), g_notes.end(), [id](const Note& n) { return n.id == id; });
  return it == g_notes.end() ? nullptr : &*it;
}

void backup_note(DbPool& db, const Note& note) {
  auto conn = db.acquire();
  auto res = conn->Put("/notes/note-" + std::to_string(note.id), note_to_json(note).dump(),
                       "application/json");
  if (!res || res->status >= 300) {
    log_line(LogLevel::warn, "backup of note " + std::to_string(note.id) + " failed");
  }
}

}  // namespace

json note_to_json(const Note& note) {
  const auto created = std::chrono::system_clock::to_time_t(note.created_at);
  return {{"id", note.id},     {"title", note.title},           {"body", note.body},
          {"tags", note.tags}, {"created_at", static_cast<long long>(created)}};
}

void register_note_tools(mcp::Server& server, DbPool& db) {
  server.add_tool(
      "remember", "Save a note. Tags make it easier to find again.", kRememberSchema,
      [&db](const json& args, mcp::Context& ctx) -> json {
        Note note;
        note.title = args.at("title").get<std::string>();
        note.body = args.value("body", "");
        note.tags = args.value("tags", std::vector<std::string>{});
        note.created_by = ctx.session_id;
        note.created_at = std::chrono::system_clock::now();
        {
          std::lock_guard<std::mutex> lock(g_notes_mu);
          note.id = g_next_note_id++;
          g_notes.push_back(note);
          for (const std::string& tag : note.tags) g_notes_by_tag[tag].push_back(note.id);
          ++g_notes_version;
        }
        if (!g_db_url.empty()) backup_note(db, note);
        return {{"id", note.id}, {"title", note.title}};
      });

  server.add_tool(
      "recall", "Get a note by id, or the latest notes with a tag.", kRecallSchema,
      [](const json& args, mcp::Context&) -> json {
        const std::size_t limit = args.value("limit", std::size_t{20});
        std::lock_guard<std::mutex> lock(g_notes_mu);
        if (args.contains("id")) {
          const Note* note = find_note(args.at("id").get<long>());
          if (!note) throw std::runtime_error("no note with id " + args.at("id").dump());
          return note_to_json(*note);
        }
        json notes = json::array();
        if (args.contains("tag")) {
          auto it = g_notes_by_tag.find(args.at("tag").get<std::string>());
          if (it == g_notes_by_tag.end()) return notes;
          for (auto id = it->second.rbegin(); id != it->second.rend() && notes.size() < limit; ++id) {
            if (const Note* note = find_note(*id)) notes.push_back(note_to_json(*note));
          }
          return notes;
        }
        for (auto n = g_notes.rbegin(); n != g_notes.rend() && notes.size() < limit; ++n) {
          notes.push_back(note_to_json(*n));
        }
        return notes;
      });

  server.add_tool(
      "search", "Full-text search over note titles and bodies.", kSearchSchema,
      [](const json& args, mcp::Context&) -> json {
        static std::mutex cache_mu;
        static std::unordered_map<std::string, json> cache;  // "version:terms" -> hits

        thread_local std::vector<std::string> terms;  // reused across calls on this thread
        terms.clear();
        tokenize(args.at("query").get<std::string>(), terms);
        if (terms.empty()) return json::array();

        std::string key = std::to_string(g_notes_version.load()) + ":";
        for (const std::string& term : terms) key += term + " ";
        {
          std::lock_guard<std::mutex> lock(cache_mu);
          auto it = cache.find(key);
          if (it != cache.end()) return it->second;
        }

        json hits = json::array();
        {
          std::lock_guard<std::mutex> lock(g_notes_mu);
          std::vector<std::pair<int, std::size_t>> scored;  // (score, index into g_notes)
          for (std::size_t i = 0; i < g_notes.size(); ++i) {
            const std::string text = lowercase(g_notes[i].title + " " + g_notes[i].body);
            int score = 0;
            for (const std::string& term : terms) {
              if (text.find(term) != std::string::npos) ++score;
            }
            if (score > 0) scored.emplace_back(score, i);
          }
          std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
          });
          if (scored.size() > 10) scored.resize(10);
          for (const auto& [score, i] : scored) {
            hits.push_back({{"id", g_notes[i].id}, {"title", g_notes[i].title}, {"score", score}});
          }
        }

        std::lock_guard<std::mutex> lock(cache_mu);
        if (cache.size() > 512) cache.clear();
        cache.emplace(key, hits);
        return hits;
      });

  server.add_resource("notes://all", "All notes (Markdown)", [](const json&, mcp::Context&) -> json {
    std::string markdown;
    std::lock_guard<std::mutex> lock(g_notes_mu);
    for (const Note& note : g_notes) {
      markdown += "## " + note.title + " (#" + std::to_string(note.id) + ")\n\n" + note.body + "\n\n";
    }
    return {{"mimeType", "text/markdown"}, {"text", markdown}};
  });

  server.add_prompt("weekly_review", [](const json&, mcp::Context&) -> json {
    const auto week_ago = std::chrono::system_clock::now() - std::chrono::hours(24 * 7);
    std::string prompt = "Here are my notes from the last week. Group them by theme and list open "
                         "questions and follow-ups.\n\n";
    std::lock_guard<std::mutex> lock(g_notes_mu);
    for (const Note& note : g_notes) {
      if (note.created_at >= week_ago) prompt += "- " + note.title + ": " + note.body + "\n";
    }
    return prompt;
  });
}
