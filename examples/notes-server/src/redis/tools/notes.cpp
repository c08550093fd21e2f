// remember / recall / search, the notes://all resource and the review prompt, over the
// Redis note store (redis/note_store.h): whichever instance serves a call sees every note.
#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "config.h"
#include "db_pool.h"
#include "redis/note_store.h"
#include "tools/tools.h"

using nlohmann::json;

namespace {

json schema(const char* text) { return json::parse(text); }

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Lowercase words of `text`, minus stop words.
std::vector<std::string> words(const std::string& text) {
  static const std::set<std::string> kStopWords = {"a",  "an", "and", "are", "for", "in",  "is",
                                                   "of", "on", "or",  "the", "to",  "with"};
  std::vector<std::string> out;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      if (kStopWords.count(word) == 0) out.push_back(word);
      word.clear();
    }
  }
  return out;
}

json notes_json(const std::vector<Note>& notes) {
  json out = json::array();
  for (const Note& note : notes) out.push_back(note_to_json(note));
  return out;
}

}  // namespace

json note_to_json(const Note& note) {
  const auto created = std::chrono::system_clock::to_time_t(note.created_at);
  return {{"id", note.id},     {"title", note.title},           {"body", note.body},
          {"tags", note.tags}, {"created_at", static_cast<long long>(created)}};
}

void register_note_tools(mcp::Server& server, DbPool& db) {
  server.add_tool(
      "remember", "Save a note. Tags make it easier to find again.",
      schema(R"({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"},
                 "body": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}})"),
      [&db](const json& args, mcp::Context& ctx) -> json {
        Note note;
        note.title = args.at("title").get<std::string>();
        note.body = args.value("body", "");
        note.tags = args.value("tags", std::vector<std::string>{});
        note.created_by = ctx.session_id;
        note.created_at = std::chrono::system_clock::now();
        save_note(note);
        if (!g_db_url.empty()) {
          auto res = db.acquire()->Put("/notes/note-" + std::to_string(note.id), note_to_json(note).dump(),
                                       "application/json");
          if (!res || res->status >= 300) log_line(LogLevel::warn, "backup of note " + std::to_string(note.id) + " failed");
        }
        return {{"id", note.id}, {"title", note.title}};
      });

  server.add_tool(
      "recall", "Get a note by id, or the latest notes with a tag.",
      schema(R"({"type": "object", "properties": {"id": {"type": "integer"}, "tag": {"type": "string"},
                 "limit": {"type": "integer"}}})"),
      [](const json& args, mcp::Context&) -> json {
        if (args.contains("id")) {
          std::optional<Note> note = load_note(args.at("id").get<long>());
          if (!note) throw std::runtime_error("no note with id " + args.at("id").dump());
          return note_to_json(*note);
        }
        const std::size_t limit = args.value("limit", std::size_t{20});
        return notes_json(load_notes(note_ids(args.value("tag", ""), limit)));
      });

  server.add_tool(
      "search", "Full-text search over note titles and bodies.",
      schema(R"({"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}})"),
      [](const json& args, mcp::Context&) -> json {
        const std::vector<std::string> terms = words(args.at("query").get<std::string>());
        json hits = json::array();
        if (terms.empty()) return hits;
        std::vector<std::pair<int, Note>> scored;
        for (const Note& note : g_note_store) {
          const std::string text = lowercase(note.title + " " + note.body);
          const int score = static_cast<int>(std::count_if(
              terms.begin(), terms.end(), [&](const std::string& t) { return text.find(t) != std::string::npos; }));
          if (score > 0) scored.emplace_back(score, note);
        }
        std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        if (scored.size() > 10) scored.resize(10);
        for (const auto& [score, note] : scored) hits.push_back({{"id", note.id}, {"title", note.title}, {"score", score}});
        return hits;
      });

  server.add_resource("notes://all", "All notes (Markdown)", [](const json&, mcp::Context&) -> json {
    std::string markdown;
    for (const Note& note : g_note_store) {
      markdown += "## " + note.title + " (#" + std::to_string(note.id) + ")\n\n" + note.body + "\n\n";
    }
    return {{"mimeType", "text/markdown"}, {"text", markdown}};
  });

  server.add_prompt("weekly_review", [](const json&, mcp::Context&) -> json {
    const auto week_ago = std::chrono::system_clock::now() - std::chrono::hours(24 * 7);
    std::string prompt = "Here are my notes from the last week. Group them by theme and list open "
                         "questions and follow-ups.\n\n";
    for (const Note& note : g_note_store) {
      if (note.created_at >= week_ago) prompt += "- " + note.title + ": " + note.body + "\n";
    }
    return prompt;
  });
}
