// Redis-backed build of summarize / summary_result (NOTES_STORE=redis). The jobs are in Redis
// (redis/jobs.cpp), and so is each session's latest job: a field of the session's hash,
// notes:session:<id> latest_job, which expires with the session. summary_result without a
// job id finds it on whichever instance serves the call. The notes come from the Redis note
// store (redis/note_store.h).
#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "jobs.h"
#include "redis/note_store.h"
#include "redis/redis.h"
#include "tools/tools.h"

using nlohmann::json;

namespace {

// Keeps the sentences whose words occur most often in the whole text.
std::string extractive_summary(const std::string& text, std::size_t max_sentences) {
  std::vector<std::string> sentences;
  std::string current;
  auto flush = [&] {
    const auto first = current.find_first_not_of(" \n");
    if (first != std::string::npos) sentences.push_back(current.substr(first));
    current.clear();
  };
  for (char c : text) {
    if (c != '\n') current += c;
    if (c == '.' || c == '!' || c == '?' || c == '\n') flush();
  }
  flush();

  auto words_of = [](const std::string& s) {
    std::vector<std::string> words;
    std::istringstream in(s);
    for (std::string w; in >> w;) {
      if (w.size() > 3) words.push_back(w);
    }
    return words;
  };
  std::map<std::string, int> frequency;
  for (const std::string& s : sentences) {
    for (const std::string& w : words_of(s)) ++frequency[w];
  }

  std::vector<std::pair<int, std::size_t>> scored;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    int score = 0;
    for (const std::string& w : words_of(sentences[i])) score += frequency[w];
    scored.emplace_back(score, i);
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (scored.size() > max_sentences) scored.resize(max_sentences);
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.second < b.second; });

  std::string summary;
  for (const auto& entry : scored) summary += (summary.empty() ? "" : " ") + sentences[entry.second];
  return summary;
}

std::string collect_text(const json& note_ids) {
  std::string text;
  for (const Note& note : g_note_store) {
    const bool wanted = note_ids.empty() ||
                        std::find(note_ids.begin(), note_ids.end(), json(note.id)) != note_ids.end();
    if (wanted) text += note.title + ".\n" + note.body + "\n";
  }
  return text;
}

json sampling_request(const std::string& text, std::size_t sentences) {
  const std::string ask = "Summarize these notes in at most " + std::to_string(sentences) +
                          " sentences:\n\n" + text;
  json message = {{"role", "user"}, {"content", {{"type", "text"}, {"text", ask}}}};
  return {{"messages", json::array({message})},
          {"systemPrompt", "You write short, factual summaries."},
          {"maxTokens", 400}};
}

// Starts the job (through the client's model when it offers sampling) and makes it the
// session's latest.
json summarize(JobRunner& jobs, const json& args, mcp::Context& ctx) {
  const std::string text = collect_text(args.value("note_ids", json::array()));
  if (text.empty()) throw std::runtime_error("no notes to summarize");
  const std::size_t sentences = args.value("sentences", std::size_t{3});

  std::string job;
  if (ctx.client_capabilities.contains("sampling") && ctx.request) {
    job = jobs.start();
    JobRunner* runner = &jobs;
    ctx.request("sampling/createMessage", sampling_request(text, sentences), [runner, job](const json& reply) {
      if (reply.contains("result")) {
        runner->finish(job, reply.at("result").value("content", json::object()).value("text", ""));
      } else {
        runner->fail(job, reply.value("error", json::object()).value("message", "sampling failed"));
      }
    });
  } else {
    job = jobs.run([text, sentences] { return extractive_summary(text, sentences); });
  }
  if (!ctx.session_id.empty()) redis::command({"HSET", redis::session_key(ctx.session_id), "latest_job", job});
  return {{"job_id", job}, {"status", "running"}};
}

}  // namespace

void register_summarize_tools(mcp::Server& server, JobRunner& jobs) {
  server.add_tool("summarize",
                  "Start summarizing notes (all, or the given ids). Returns a job id; "
                  "poll summary_result for the text.",
                  {{"type", "object"},
                   {"properties",
                    {{"note_ids", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                     {"sentences", {{"type", "integer"}}}}}},
                  [&jobs](const json& args, mcp::Context& ctx) { return summarize(jobs, args, ctx); });

  server.add_tool(
      "summary_result", "Result of a summarize job (defaults to this session's latest).",
      {{"type", "object"}, {"properties", {{"job_id", {{"type", "string"}}}}}},
      [&jobs](const json& args, mcp::Context& ctx) -> json {
        std::string id = args.value("job_id", "");
        if (id.empty() && !ctx.session_id.empty()) {
          id = redis::command({"HGET", redis::session_key(ctx.session_id), "latest_job"}).str;
        }
        const auto status = jobs.status(id);
        if (!status) throw std::runtime_error("unknown job '" + id + "'");
        switch (status->state) {
          case JobRunner::State::running:
            return {{"job_id", id}, {"status", "running"}};
          case JobRunner::State::failed:
            return {{"job_id", id}, {"status", "failed"}, {"error", status->error}};
          case JobRunner::State::done:
            break;
        }
        return {{"job_id", id}, {"status", "done"}, {"summary", status->output}};
      });
}
