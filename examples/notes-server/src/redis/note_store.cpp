#include "redis/note_store.h"

#include <nlohmann/json.hpp>

#include "redis/redis.h"

using nlohmann::json;

const NoteList g_note_store;
// state.h's lock, still taken by the code written for the in-memory store; Redis needs none.
std::mutex g_notes_mu;

namespace {

std::string note_key(long id) { return "notes:note:" + std::to_string(id); }

std::string encode(const Note& note) {
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(note.created_at.time_since_epoch());
  return json{{"id", note.id},     {"title", note.title},           {"body", note.body},
              {"tags", note.tags}, {"created_by", note.created_by}, {"created_at", created.count()}}
      .dump();
}

Note decode(const std::string& text) {
  const json j = json::parse(text);
  Note note;
  note.id = j.at("id").get<long>();
  note.title = j.value("title", "");
  note.body = j.value("body", "");
  note.tags = j.value("tags", std::vector<std::string>{});
  note.created_by = j.value("created_by", "");
  note.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(j.value("created_at", 0LL)));
  return note;
}

}  // namespace

long save_note(Note& note) {
  note.id = static_cast<long>(redis::command({"INCR", "notes:next_id"}).integer);
  std::vector<std::vector<std::string>> writes = {{"SET", note_key(note.id), encode(note)},
                                                  {"RPUSH", "notes:all", std::to_string(note.id)}};
  for (const std::string& tag : note.tags) writes.push_back({"RPUSH", "notes:tag:" + tag, std::to_string(note.id)});
  redis::transaction(writes);
  return note.id;
}

std::optional<Note> load_note(long id) {
  redis::Reply r = redis::command({"GET", note_key(id)});
  if (r.nil) return std::nullopt;
  return decode(r.str);
}

std::vector<long> note_ids(const std::string& tag, std::size_t limit) {
  const std::string list = tag.empty() ? "notes:all" : "notes:tag:" + tag;
  const std::string first = limit == 0 ? "0" : "-" + std::to_string(limit);
  std::vector<long> ids;
  for (const std::string& id : redis::command({"LRANGE", list, first, "-1"}).elements) ids.push_back(std::stol(id));
  return {ids.rbegin(), ids.rend()};
}

std::vector<Note> load_notes(const std::vector<long>& ids) {
  std::vector<Note> notes;
  if (ids.empty()) return notes;
  std::vector<std::string> mget = {"MGET"};
  for (long id : ids) mget.push_back(note_key(id));
  for (const std::string& text : redis::command(mget).elements) {
    if (!text.empty()) notes.push_back(decode(text));
  }
  return notes;
}

NoteList::iterator NoteList::begin() const {
  std::vector<long> ids = note_ids("", 0);
  return iterator(std::make_shared<const std::vector<Note>>(load_notes({ids.rbegin(), ids.rend()})));
}

std::size_t NoteList::size() const {
  return static_cast<std::size_t>(redis::command({"LLEN", "notes:all"}).integer);
}
