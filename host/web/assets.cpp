#include "host/web/assets.hpp"

namespace softbms::host::web {

const Asset* find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const Asset& a : embedded_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

}  // namespace softbms::host::web
