#include "host/web/request_body.hpp"

namespace softbms::host::web {

using nlohmann::json;

namespace {

RequestError wrong(std::string_view name, std::string_view expected, const json* got) {
  std::string message(name);
  message += got == nullptr ? ": missing (" : ": expected ";
  message += expected;
  if (got != nullptr) {
    message += ", got ";
    message += type_words(*got);
  } else {
    message += ")";
  }
  return {std::string(name), message};
}

// The field, or nullptr when the body has none of that name.
const json* field(const json& body, std::string_view name) {
  if (!body.is_object()) return nullptr;
  const auto it = body.find(name);
  return it == body.end() ? nullptr : &*it;
}

}  // namespace

json to_json(const RequestError& e) {
  return {{"error", e.message}, {"field", e.field}};
}

std::string_view type_words(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "something else";
  }
}

Parsed<json> parse_object(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return RequestError{"", "the body is not valid JSON"};
  if (!j.is_object())
    return RequestError{"", "expected a JSON object, got " + std::string(type_words(j))};
  return j;
}

Parsed<std::string> need_string(const json& body, std::string_view name) {
  const json* v = field(body, name);
  if (v == nullptr || !v->is_string()) return wrong(name, "a string", v);
  return v->get<std::string>();
}

Parsed<bool> need_bool(const json& body, std::string_view name) {
  const json* v = field(body, name);
  if (v == nullptr || !v->is_boolean()) return wrong(name, "true or false", v);
  return v->get<bool>();
}

Parsed<std::optional<std::string>> maybe_string(const json& body, std::string_view name) {
  const json* v = field(body, name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong(name, "a string", v);
  return std::optional<std::string>(v->get<std::string>());
}

}  // namespace softbms::host::web
