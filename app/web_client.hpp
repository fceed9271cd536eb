// The owner's commands against `softbms run` (or `softbms monitor`): its JSON API, reached with
// -p http://HOST:PORT, the address the dashboard line of `softbms run` prints. A login with the
// settings password (SOFTBMS_PASSWORD, --password, or asked on stdin without echo), then the
// same requests the dashboard sends (docs/web.md, "The owner's commands"). See docs/cli.md.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/cli.hpp"

namespace httplib {
class Client;
}

namespace softbms::app {

// -p names softbms run's dashboard rather than a board's line.
bool is_web_port(std::string_view port);

struct WebReply {
  int status = 0;  // 0: no answer
  nlohmann::json body;
};

// A field of a reply, read without trusting the server: nothing when the body is not an object,
// the field is missing or it has another type (a LAN host may answer anything).
std::optional<double> number_field(const nlohmann::json& body, std::string_view key);
std::optional<std::string> text_field(const nlohmann::json& body, std::string_view key);

class WebPack {
 public:
  WebPack(WebPack&&) noexcept;
  WebPack& operator=(WebPack&&) noexcept;
  ~WebPack();

  // From -p http://HOST:PORT[/] and --pack (default 1); nullopt after a usage message.
  static std::optional<WebPack> open(const Args& args, std::string_view command, Io io);

  // Logs in with the settings password. Returns an exit code, or -1 when logged in. The
  // password comes from SOFTBMS_PASSWORD, then --password, then one line of stdin.
  int login(const Args& args, Io io);
  int login_with(const std::string& password, Io io);
  // Before a write: with --dry-run prints the request and returns kOk; else logs in. Returns an
  // exit code, or -1 to send it.
  int dry_run_or_login(const Args& args, Io io, std::string_view path, const nlohmann::json& body);

  // /api/packs/ID + path.
  WebReply get(std::string_view path);
  WebReply post(std::string_view path, const nlohmann::json& body);

  // The exit code and message for a reply that is not 200: the API's own error text.
  int refused(const WebReply& r, Io io) const;
  // The exit code and message for a 200 reply that lacks a field the command reads back.
  int unreadable(std::string_view field, Io io) const;

  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] const std::string& pack() const { return pack_; }
  [[nodiscard]] std::string where(std::string_view path) const;

 private:
  WebPack() = default;
  std::unique_ptr<httplib::Client> http_;
  std::string url_;
  std::string pack_ = "1";
  std::string command_;
  std::string cookie_;
  std::string csrf_;
};

// softbms calibrate -p http://...: the dashboard's calibration, read back from the snapshot.
int calibrate_web(const Args& args, Io io, bool voltage, double value);
// softbms password --settings|--connection -p http://... (app/cmd_owner.cpp).
int password_web(const Args& args, Io io, bool settings);

}  // namespace softbms::app
