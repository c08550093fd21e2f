// Tool, resource and prompt registration for the notes server.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mcp/server.h"
#include "state.h"

class DbPool;
class JobRunner;

void register_note_tools(mcp::Server& server, DbPool& db);        // notes.cpp
void register_summarize_tools(mcp::Server& server, JobRunner& jobs);  // summarize.cpp
void register_admin_tools(mcp::Server& server);                    // admin.cpp

nlohmann::json note_to_json(const Note& note);
void append_audit_log(const std::string& tool, const std::string& session_id);
