// A JSON request body read into typed values. A body that is not a JSON object, or a field that
// is missing or of another type, comes back as a RequestError naming the field: nothing here
// throws, whatever the bytes (fuzzed by host/web/fuzz/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace softbms::host::web {

// What is wrong with a request: the field (or query parameter) and a message for people.
struct RequestError {
  std::string field;    // "" when the body as a whole is wrong
  std::string message;  // "password: missing (a string)"
};
// {"error": message, "field": field}: what a 400 carries.
nlohmann::json to_json(const RequestError& e);

template <typename T>
using Parsed = std::variant<T, RequestError>;

// The error of a failed parse, or nullptr.
template <typename T>
const RequestError* failed(const Parsed<T>& p) {
  return std::get_if<RequestError>(&p);
}

// The text as a JSON object.
Parsed<nlohmann::json> parse_object(std::string_view text);

// A required field of that type.
Parsed<std::string> need_string(const nlohmann::json& body, std::string_view name);
Parsed<bool> need_bool(const nlohmann::json& body, std::string_view name);
// An optional string field: nullopt when absent, an error when present with another type.
Parsed<std::optional<std::string>> maybe_string(const nlohmann::json& body, std::string_view name);

// The JSON type as people read it in an error: "a number", "an array", ...
std::string_view type_words(const nlohmann::json& v);

}  // namespace softbms::host::web
