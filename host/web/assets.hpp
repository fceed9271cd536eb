// The dashboard's files (web/dist), compiled into the binary so nothing is fetched or read
// from disk at run time. The table is generated at build time by embed_assets.cmake.
#pragma once

#include <span>
#include <string_view>

namespace softbms::host::web {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-1a2b3c.js"
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::span<const unsigned char> bytes;
};

std::span<const Asset> embedded_assets();
// "/" finds "/index.html".
const Asset* find_asset(std::string_view path);

}  // namespace softbms::host::web
